"""The maintained year tallies always equal what the reports add up to.

The standings of an ended campaign year read them instead of aggregating every report, so
every change to a report must reach them in the same transaction.
"""

import datetime as dt
from types import SimpleNamespace

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.domain.periods import Period, quarter_of, takes_part
from tracker.domain.ranking import CellTally, rank_cells
from tracker.extensions import db
from tracker.models import Cell, Report, User, YearTally
from tracker.services.reports import approve_report, reopen_report, return_report
from tracker.standings import (
    ReportSums,
    _aggregate_tallies,
    _year_tallies,
    attendance_by_month,
    load_campaigns,
    report_sums,
    standings_for_period,
    standings_for_periods,
)
from tracker.tallies import rebuild_year_tallies

from .factories import campaign, cell, make_report

AFTER_2022 = dt.date(2023, 1, 15)


def tally_rows():
    return db.session.execute(
        sa.select(YearTally.__table__).order_by(YearTally.cell_id, YearTally.campaign_id)
    ).all()


def tallies_from_scratch():
    """What a full rebuild gives, without keeping it."""
    with db.session.begin_nested() as savepoint:
        rebuild_year_tallies(db.session.connection())
        rows = tally_rows()
        savepoint.rollback()
    return rows


def year_tally(cell_code, year=2022):
    return db.session.get(YearTally, (cell(cell_code).id, campaign(year).id))


def test_approving_a_report_adds_it_to_the_year_tally(app, users):
    with app.app_context():
        report = make_report("ap-cho", 2022, 5, total=80, status="submitted")
        db.session.commit()
        assert year_tally("ap-cho").pending_months == 1
        assert year_tally("ap-cho").total_half_points == 0

        approve_report(db.session.get(User, users["committee"].id), report)
        db.session.commit()
        tally = year_tally("ap-cho")
        assert (tally.total_half_points, tally.kha_months, tally.pending_months) == (160, 1, 0)


def test_returning_and_reopening_take_the_report_out_again(app, users):
    with app.app_context():
        committee = db.session.get(User, users["committee"].id)
        first = make_report("ap-cho", 2022, 5, total=95, status="submitted")
        second = make_report("ap-cho", 2022, 6, total=92, status="approved")
        db.session.commit()
        return_report(committee, first, comment="Bổ sung biên bản.")
        reopen_report(committee, second, reason="Sai điểm chuẩn bị.")
        db.session.commit()
        tally = year_tally("ap-cho")
        assert (tally.total_half_points, tally.tot_months, tally.pending_months) == (0, 0, 2)
        assert tally_rows() == tallies_from_scratch()


def test_deleting_a_report_updates_the_tally(app):
    with app.app_context():
        report = make_report("cong-an", 2022, 7, total=91)
        make_report("cong-an", 2022, 9, kind="thematic", total=90)
        db.session.commit()
        assert year_tally("cong-an").thematic_quarter_mask == 0b0100
        db.session.delete(report)
        db.session.commit()
        assert year_tally("cong-an").total_half_points == 0
        assert tally_rows() == tallies_from_scratch()


# Cells that may join or leave in 2023 (None: from the start, or still taking part).
PARTICIPATION = st.sampled_from([(None, None), (2023, None), (None, 2023), (2023, 2023)])
ATTENDANCE = [(20, 0, 19, 1, 0), (15, 2, 10, 2, 1), (8, 1, 7, 0, 0), (12, 0, 0, 6, 6)]

report_specs = st.lists(
    st.tuples(
        st.sampled_from(["ap-cho", "quan-su", "mam-non", "thcs"]),
        st.one_of(
            st.tuples(st.just(2022), st.integers(min_value=4, max_value=12)),
            st.tuples(st.just(2023), st.integers(min_value=1, max_value=12)),
        ),
        st.sampled_from(["regular", "thematic"]),
        st.sampled_from(["approved", "submitted", "returned", "draft"]),
        st.integers(min_value=0, max_value=200),
        st.booleans(),
        st.sampled_from(range(len(ATTENDANCE))),
    ),
    max_size=25,
)

PENDING = ("submitted", "returned")
GRADES = ("tot", "kha", "trung_binh", "kem")


def report_rows():
    """The reports as stored, plain values: what the recomputations below start from."""
    return [
        SimpleNamespace(
            cell_id=r.cell_id, campaign_id=r.campaign_id, month=r.month, kind=r.kind.value,
            status=r.status.value, grade=r.grade.value if r.grade else None,
            final=r.final_total_half_points, present=r.present,
            required=r.summoned - r.exempted, speakers=r.speakers,
            young_speakers=r.young_speakers,
        )
        for r in db.session.scalars(sa.select(Report))
    ]  # fmt: skip


def tallies_by_hand(reports):
    """The year tally rows, recomputed in plain Python."""
    rows: dict[tuple, list] = {}
    for r in reports:
        row = rows.setdefault((r.cell_id, r.campaign_id), [0] * 7)
        if r.kind == "regular" and r.status == "approved":
            row[0] += r.final
            row[1 + GRADES.index(r.grade)] += 1
        elif r.kind == "regular" and r.status in PENDING:
            row[5] += 1
        elif r.kind == "thematic" and r.status == "approved":
            row[6] |= 1 << (quarter_of(r.month) - 1)
    return sorted((*key, *row) for key, row in rows.items())


def standings_by_hand(reports, standings):
    """The ranked rows of a period, from the reports in plain Python and the ranking rule."""
    campaign, year = standings.campaign, standings.year
    counted, period_months = set(standings.months), set(standings.period_months)
    tallies = []
    for target in db.session.scalars(sa.select(Cell)):
        if not takes_part(target.joined_year, target.left_year, year):
            continue
        if standings.category is not None and target.category is not standings.category:
            continue
        own = [r for r in reports if (r.cell_id, r.campaign_id) == (target.id, campaign.id)]
        regular = [r for r in own if r.kind == "regular" and r.month in counted]
        approved = [r for r in regular if r.status == "approved"]
        quarters = sorted(
            {
                quarter_of(r.month)
                for r in own
                if r.kind == "thematic" and r.status == "approved" and r.month in period_months
            }
        )
        tallies.append(
            CellTally(
                target.code, target.name, target.category.value, sum(r.final for r in approved),
                len(counted), len(approved), *(sum(r.grade == g for r in approved) for g in GRADES),
                sum(r.status in PENDING for r in regular), len(quarters), tuple(quarters),
                target.display_order, target.id,
            )
        )  # fmt: skip
    return rank_cells(tallies, campaign.bands)


def sums_by_hand(reports, standings):
    """The review's sums beside a year's standings (``report_sums``), in plain Python."""
    campaign = standings.campaign
    taking_part = {
        c.id for c in db.session.scalars(sa.select(Cell)) if c.takes_part_in(campaign.year)
    }
    own = [r for r in reports if r.campaign_id == campaign.id and r.cell_id in taking_part]
    regular = [
        r
        for r in own
        if r.kind == "regular" and r.status == "approved" and r.month in standings.months
    ]
    return ReportSums(
        regular_approved=len(regular),
        present=sum(r.present for r in regular),
        required=sum(r.required for r in regular),
        speakers=sum(r.speakers for r in regular),
        young_speakers=sum(r.young_speakers for r in regular),
        thematic_approved=sum(
            r.kind == "thematic" and r.status == "approved" and r.month in campaign.months
            for r in own
        ),
    )


def attendance_by_hand(reports, campaign, months):
    points = {}
    taking_part = {
        c.id for c in db.session.scalars(sa.select(Cell)) if c.takes_part_in(campaign.year)
    }
    for r in reports:
        if (
            r.campaign_id == campaign.id and r.cell_id in taking_part and r.month in months
            and r.kind == "regular" and r.status == "approved"
        ):  # fmt: skip
            present, required = points.get(r.month, (0, 0))
            points[r.month] = (present + r.present, required + r.required)
    return points


IN_AUGUST_2023 = dt.date(2023, 8, 15)
AFTER_2023 = dt.date(2024, 1, 15)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=report_specs, mam_non=PARTICIPATION, thcs=PARTICIPATION)
def test_the_year_tallies_rank_exactly_like_the_reports(app, specs, mam_non, thcs):
    """On both databases: the maintained year tallies, and the standings of years, quarters,
    months and several periods at once (all from the one aggregation of tracker/aggregates.py),
    agree with a plain-Python recomputation from the reports and the ranking rule."""
    with app.app_context():
        try:
            for code, (joined, left) in (("mam-non", mam_non), ("thcs", thcs)):
                cell(code).joined_year, cell(code).left_year = joined, left
            seen = set()
            for code, (year, month), kind, status, half_points, gates_full, counts in specs:
                if kind == "regular":
                    if (code, year, month) in seen:
                        continue  # one regular report per cell and month
                    seen.add((code, year, month))
                make_report(
                    code, year, month, kind=kind, status=status,
                    total=half_points / 2, gates_full=gates_full or half_points in (0, 200),
                    attendance=ATTENDANCE[counts],
                )  # fmt: skip
            db.session.flush()
            reports = report_rows()
            assert tally_rows() == tallies_from_scratch()
            assert [tuple(row) for row in tally_rows()] == tallies_by_hand(reports)

            info = load_campaigns([2022])[2022]
            months = tuple(range(4, 13))
            from_tallies = _year_tallies(info, len(months), None)
            from_reports = _aggregate_tallies([(info, Period(2022), months, months)], None)[0]
            assert sorted(from_tallies) == sorted(from_reports)
            standings = standings_for_period(2022, today=AFTER_2022)
            assert len(standings.rows) == 9 - sum(joined == 2023 for joined, _ in (mam_non, thcs))

            periods = [
                standings,  # an ended year: read from the year tallies
                standings_for_period(2023, today=AFTER_2023),
                standings_for_period(2023, category="school", today=AFTER_2023),
                standings_for_period(2023, today=IN_AUGUST_2023),  # aggregated from the reports
                standings_for_period(2023, quarter=3, today=IN_AUGUST_2023),
                standings_for_period(2023, month=6, category="hamlet", today=IN_AUGUST_2023),
                *standings_for_periods(
                    [Period(2022, month=5), Period(2022, quarter=4), Period(2023, quarter=1),
                     Period(2023, month=5), Period(2023, quarter=3)],
                    today=IN_AUGUST_2023,
                ),
            ]  # fmt: skip
            for period in periods:
                assert period.rows == standings_by_hand(reports, period), period.period
            for year_standings in (standings, periods[1], periods[3]):
                campaign = year_standings.campaign
                assert report_sums(campaign, year_standings.months) == sums_by_hand(
                    reports, year_standings
                )
                assert {
                    month: (point.present, point.required)
                    for month, point in attendance_by_month(campaign, year_standings.months).items()
                } == attendance_by_hand(reports, campaign, year_standings.months)
        finally:
            db.session.rollback()
