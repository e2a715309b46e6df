"""`flask --app tracker seed-demo`: a living competition, consistent and idempotent."""

import datetime as dt
import io
from collections import Counter

import pytest
import sqlalchemy as sa
from docx import Document

from tracker.demo import COMMITTEE_USERNAME, DEMO_PASSWORD
from tracker.domain import report_rules as rules
from tracker.extensions import db
from tracker.models import (
    AuditEntry,
    Campaign,
    Cell,
    Meeting,
    Report,
    ReportKind,
    ReportStatus,
    User,
)
from tracker.reports.checks import sent_before_meeting

from .factories import campaign

# The demo writes years of data through the services. The year-2022 run goes through every
# statement the demo makes (filing, review, backdating, tallies) and runs on both databases;
# the living demo adds years opened and meetings planned, whose services the schedule and
# campaign tests run on PostgreSQL, and runs on SQLite (on PostgreSQL it took ~20 s alone).
pytestmark = pytest.mark.backends("sqlite")


def totals(app):
    with app.app_context():
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Report, AuditEntry, User)
        )


@pytest.mark.backends("sqlite", "postgresql")
def test_seed_demo_builds_a_living_year_once_and_prints_the_demo_accounts(
    app, runner, client, auth
):
    result = runner.invoke(args=["seed-demo", "--year", "2022"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output and COMMITTEE_USERNAME in result.output
    with app.app_context():
        cells = db.session.scalars(sa.select(Cell).where(Cell.active.is_(True))).all()
        reports = db.session.scalars(
            sa.select(Report).where(Report.campaign_id == campaign(2022).id)
        ).all()
        # That year only.
        years = db.session.scalars(sa.select(Campaign.year).join(Report.campaign).distinct())
        assert set(years) == {2022}
        statuses = Counter(report.status for report in reports)
        assert statuses[ReportStatus.APPROVED] > 60
        assert statuses[ReportStatus.RETURNED] >= 1 and statuses[ReportStatus.SUBMITTED] >= 1
        assert statuses[ReportStatus.DRAFT] >= 1
        # Every cell reports; a few months are missing.
        regular = {(r.cell_id, r.month) for r in reports if r.kind is ReportKind.REGULAR}
        assert {cell_id for cell_id, _ in regular} == {cell.id for cell in cells}
        assert 0 < len(cells) * 9 - len(regular) <= 5
        # Thematic meetings in most quarters.
        thematic = {
            (r.cell_id, (r.month - 1) // 3) for r in reports if r.kind is ReportKind.THEMATIC
        }
        assert len(thematic) > len(cells) * 3 / 2
        # Varied quality.
        grades = Counter(r.grade.value for r in reports if r.grade)
        assert grades["tot"] and grades["kha"] and grades["trung_binh"]
        # Per-member attendance agrees with the counts of every report.
        limit = campaign(2022).young_age_limit
        for report in reports:
            rows = [
                rules.AttendanceRow(a.member_id, a.member.birth_year, a.status.value, a.spoke)
                for a in report.attendance
            ]
            assert rows, report
            _clean, counts, errors = rules.derive_attendance(rows, year=2022, young_age_limit=limit)
            assert errors == {}
            assert (
                report.summoned,
                report.exempted,
                report.present,
                report.absent_excused,
                report.absent_unexcused,
                report.speakers,
                report.young_speakers,
            ) == (
                counts.summoned,
                counts.exempted,
                counts.present,
                counts.absent_excused,
                counts.absent_unexcused,
                counts.speakers,
                counts.young_speakers,
            )
        # Stamps and audit rows are dated in the campaign year, not today.
        stamps = [r.submitted_at for r in reports if r.submitted_at]
        assert min(stamps) >= dt.datetime(2022, 4, 1, tzinfo=dt.UTC)
        assert max(stamps) < dt.datetime(2023, 1, 15, tzinfo=dt.UTC)
        audit_dates = db.session.scalars(
            sa.select(AuditEntry.at).where(AuditEntry.object_type == "report")
        ).all()
        assert audit_dates and max(audit_dates) < dt.datetime(2023, 1, 15, tzinfo=dt.UTC)
        # One secretary account per cell, plus the committee.
        secretaries = db.session.scalars(sa.select(User).where(User.username.like("bithu.%"))).all()
        assert {user.cell_id for user in secretaries} == {cell.id for cell in cells}
    answer = auth.login(COMMITTEE_USERNAME, DEMO_PASSWORD)
    assert answer.status_code == 302
    assert "báo cáo chờ duyệt" in client.get("/").text
    # A second run adds nothing.
    before = totals(app)
    second = runner.invoke(args=["seed-demo", "--year", "2022"])
    assert second.exit_code == 0
    assert "không thêm gì" in second.output
    assert totals(app) == before


def test_seed_demo_refuses_an_unknown_year(app, runner):
    unknown = runner.invoke(args=["seed-demo", "--year", "1999"])
    assert unknown.exit_code != 0 and "Không có năm thi đua 1999" in unknown.output
    assert totals(app)[0] == 0


def test_the_living_demo_opens_this_year_and_fills_it_up_to_last_month(
    app, runner, client, auth, capsys
):
    """Seeded by `python run.py --demo` (the README's first command with the demo option);
    `seed-demo` run afterwards the same day adds nothing, so both seed the same data."""
    from run import prepare

    app.config["TODAY"] = "2026-03-10"
    prepare(app, demo=True)
    assert DEMO_PASSWORD in capsys.readouterr().out
    with app.app_context():
        filed = set(
            db.session.execute(
                sa.select(Campaign.year, Report.month)
                .join(Report.campaign)
                .where(Report.kind == ReportKind.REGULAR)
            ).all()
        )
        years = db.session.scalars(sa.select(Campaign.year).order_by(Campaign.year)).all()
    assert years == [2022, 2023, 2024, 2025, 2026]  # this year opened, from 2025
    assert {year for year, _month in filed} == {2022, 2025, 2026}  # and two years to compare
    assert {month for year, month in filed if year == 2026} <= {1, 2, 3}
    assert {month for year, month in filed if year == 2025} == set(range(1, 13))  # a whole year
    assert {(2026, 1), (2026, 2)} <= filed
    with app.app_context():  # no report of a meeting still to come, none sent before it
        reports = db.session.scalars(sa.select(Report).where(Report.held_on.is_not(None))).all()
        assert max(r.held_on for r in reports) <= dt.date(2026, 3, 10)
        assert not [r.id for r in reports if sent_before_meeting(r)]
    auth.login(COMMITTEE_USERNAME, DEMO_PASSWORD)
    home = client.get("/").text
    assert "Tình hình báo cáo năm 2026" in home
    assert "Năm 2025 chưa khóa sổ" in home
    # The meetings were planned before they were reported: this month's notice lists every
    # cell's meeting, not "Chưa có lịch".
    notice = client.get("/lich/thong-bao.docx?year=2026&month=3")
    assert notice.status_code == 200
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(notice.data)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "Chưa có lịch" not in text
    with app.app_context():
        cells = db.session.scalars(sa.select(Cell).where(Cell.active.is_(True))).all()
        assert all(cell.name in text for cell in cells), text
        # The rest of the year is planned too: every month's meeting of every cell, a
        # thematic meeting in the middle month of each coming quarter, someone to attend.
        this_year = db.session.scalar(sa.select(Campaign.id).where(Campaign.year == 2026))
        meetings = db.session.scalars(
            sa.select(Meeting).where(Meeting.campaign_id == this_year)
        ).all()
        regular = {(m.cell_id, m.month) for m in meetings if m.kind is ReportKind.REGULAR}
        assert {(c.id, month) for c in cells for month in range(4, 13)} <= regular
        for month in (5, 8, 11):
            thematic = {
                m.cell_id for m in meetings if m.kind is ReportKind.THEMATIC and m.month == month
            }
            assert thematic == {c.id for c in cells}, month
        assert all(m.attendee is not None for m in meetings)
    # `seed-demo` the same day plans and files nothing more.
    before = (totals(app), len(meetings))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "không thêm gì" in second.output, second.output
    with app.app_context():
        assert (totals(app), db.session.scalar(sa.select(sa.func.count(Meeting.id)))) == before
