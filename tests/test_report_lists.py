"""Outstanding work, the review queue, the home pages, the attendance register; and query
counts that do not grow with the data."""

import datetime as dt

import pytest

from tracker.domain import report_rules as rules
from tracker.extensions import db
from tracker.models import ReportStatus
from tracker.reports import queries
from tracker.services import reports as service

from .factories import campaign, cell, make_report, members_of, same_rows
from .reporting import report_input, user

# What these tests pin (the lists' wording and layout) does not depend on the database: they run
# on SQLite, and tests/test_pages_on_postgresql.py reads every page on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")

TODAY = "2022-08-15"  # April to July have ended; the second quarter has ended


def stamp(report, minutes_ago):
    report.submitted_at = dt.datetime(2022, 8, 1, tzinfo=dt.UTC) - dt.timedelta(minutes=minutes_ago)


def scenario(app):
    """ap-cho: approved April and May, submitted June, returned July, thematic approved in May.
    cong-an: nothing regular; a thematic report waiting in May."""
    app.config["TODAY"] = TODAY
    with app.app_context():
        make_report("ap-cho", 2022, 4)
        make_report("ap-cho", 2022, 5)
        stamp(make_report("ap-cho", 2022, 6, status="submitted"), 10)
        make_report("ap-cho", 2022, 7, status="returned")
        make_report("ap-cho", 2022, 5, kind="thematic")
        stamp(make_report("cong-an", 2022, 5, kind="thematic", status="submitted"), 60)
        make_report("ap-cho", 2022, 8, status="draft")  # August has not ended: not outstanding
        db.session.commit()


def test_outstanding_work_lists_missing_months_quarters_and_waiting_reports(app, users):
    scenario(app)
    with app.test_request_context():
        work = queries.outstanding(campaign(2022), dt.date.fromisoformat(TODAY))
        by_code = {entry.cell.code: entry for entry in work.cells}
        assert work.ended_months == [4, 5, 6, 7] and work.ended_quarters == [2]
        assert by_code["ap-cho"].missing_months == [7]  # June is submitted; July was returned
        assert by_code["ap-cho"].missing_quarters == []
        assert by_code["cong-an"].missing_months == [4, 5, 6, 7]
        assert by_code["cong-an"].missing_quarters == [2]  # its thematic report is not approved
        assert by_code["cong-an"].quarters[2] == "submitted"
        assert len(work.cells) == 9
        assert work.missing_month_count == 1 + 8 * 4
        assert [(r.cell.code, r.month, r.kind.value) for r in work.waiting] == [
            ("cong-an", 5, "thematic"),
            ("ap-cho", 6, "regular"),
        ]


def test_a_secretary_sees_only_her_cell_on_her_home_page(app, client, auth, users):
    scenario(app)
    auth.login(users["secretary"])
    home = client.get("/")
    assert "tháng 7/2022" in home.text
    assert "Chi bộ Công an" not in home.text
    auth.logout()
    auth.login(users["other_secretary"])
    home = client.get("/")
    for month in (4, 5, 6, 7):
        assert f"tháng {month}/2022" in home.text
    quarters = home.text.split("Chưa có buổi sinh hoạt chuyên đề được duyệt", 1)[1]
    assert "quý 2/2022" in quarters.split("</p>", 2)[1]
    outstanding = client.get("/reports/outstanding?year=2022")
    assert "Chi bộ ấp Chợ" not in outstanding.text and "Chi bộ Công an" in outstanding.text


def test_the_committee_sees_every_cell_and_the_queue_count(app, client, auth, users):
    scenario(app)
    auth.login(users["committee"])
    home = client.get("/")
    assert "Chi bộ ấp Chợ" in home.text and "Chi bộ Trường THCS thị trấn" in home.text
    assert '<div class="card__value">2</div>báo cáo chờ duyệt' in home.text
    page = client.get("/reports/outstanding?year=2022")
    assert page.status_code == 200
    assert "thường kỳ T4, T5, T6, T7" in page.text  # cong-an


def test_the_queue_lists_submitted_reports_oldest_first(app, client, auth, users):
    app.config["TODAY"] = TODAY
    with app.app_context():
        newest = make_report("tieu-hoc", 2022, 6, status="submitted")
        oldest = make_report("quan-su", 2022, 4, status="submitted")
        middle = make_report("thcs", 2022, 5, status="submitted")
        make_report("mam-non", 2022, 5, status="approved")
        stamp(newest, 1), stamp(oldest, 300), stamp(middle, 100)
        db.session.commit()
        expected = [oldest.id, middle.id, newest.id]
    auth.login(users["committee"])
    page = client.get("/reports/queue").text
    positions = [page.index(f"/reports/{report_id}/review") for report_id in expected]
    assert positions == sorted(positions)
    assert "Trường Mầm non" not in page


def many_reports(months):
    codes = [
        "ap-cho",
        "ap-phuoc-hoa-a",
        "ap-phuoc-hoa-b",
        "quan-su",
        "cong-an",
        "co-quan",
        "mam-non",
        "tieu-hoc",
        "thcs",
    ]
    with db.session.no_autoflush, same_rows():  # one flush for all the reports
        for code in codes:
            for month in months:
                status = ["approved", "submitted", "returned", "draft"][month % 4]
                make_report(code, 2022, month, status=status, flush=False)
                make_report(code, 2022, month, kind="thematic", status="submitted", flush=False)
    db.session.flush()


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("committee", "/reports/queue"),
        ("committee", "/reports/outstanding?year=2022"),
        ("committee", "/"),
        ("admin", "/"),
        ("secretary", "/"),
        ("committee", "/reports/?year=2022"),
        ("secretary", "/reports/?year=2022"),
        ("secretary", "/reports/outstanding?year=2022"),
        ("admin", "/audit/"),
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(
    app, client, auth, users, count_queries, role, url
):
    app.config["TODAY"] = "2023-01-10"
    auth.login(users[role])
    with app.app_context():
        many_reports([4])
        db.session.commit()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    with app.app_context():
        many_reports(range(5, 9))  # four more months: every state again
        db.session.commit()
    with count_queries() as many:
        page = client.get(url)
        assert page.status_code == 200
    assert many.count == few.count, (few.statements, many.statements)


# --------------------------------------------------------------------------------------------
# The attendance register


def file_with_lines(code, month, absent_ids=(), unexcused_ids=(), spoke_ids=(), state="approved"):
    members = [m for m in members_of(code) if m.active]
    rows = []
    for member in members:
        status = "exempted" if member.exempted else "present"
        if member.id in absent_ids:
            status = "absent_excused"
        if member.id in unexcused_ids:
            status = "absent_unexcused"
        rows.append(
            rules.AttendanceRow(
                member.id, member.birth_year, status, member.id in spoke_ids and status == "present"
            )
        )
    report = service.create_report(
        user("bithu.apcho" if code == "ap-cho" else "admin"),
        cell=cell(code),
        data=report_input(
            month=month,
            held_on=f"2022-{month:02d}-10",
            attendance=None,
            speakers=None,
            young_speakers=None,
        ),
        rows=rows,
        submit=state != "draft",
    )
    if state == "approved":
        service.approve_report(user("danguy"), report)
    return report


def test_the_register_counts_meetings_speeches_and_flags_hd12(app, client, auth, users):
    with app.app_context():
        members = [m for m in members_of("ap-cho") if m.active and not m.exempted]
        drifter, truant, speaker = members[5], members[6], members[7]
        for month in range(4, 10):
            file_with_lines(
                "ap-cho",
                month,
                absent_ids={drifter.id} if 5 <= month <= 8 else set(),
                unexcused_ids={truant.id} if month in (4, 6, 9) else set(),
                spoke_ids={speaker.id},
            )
        file_with_lines("ap-cho", 10, absent_ids={drifter.id}, state="draft")  # drafts do not count
        db.session.commit()
        register = queries.attendance_register(cell("ap-cho"), campaign(2022))
        lines = {line.member.id: line.record for line in register.lines}
        assert len(register.meetings) == 6
        assert (lines[drifter.id].attended, lines[drifter.id].expected) == (2, 6)
        assert lines[drifter.id].longest_absence_run == 4 and lines[drifter.id].too_many_in_a_row
        assert lines[truant.id].unexcused_months == 3 and lines[truant.id].unexcused_in_three_months
        assert lines[speaker.id].spoke == 6 and not lines[speaker.id].flagged
        assert {line.member.id for line in register.flagged} == {drifter.id, truant.id}
        names = drifter.full_name, truant.full_name, speaker.full_name
    auth.login(users["secretary"])
    page = client.get("/reports/attendance?year=2022")
    assert page.status_code == 200
    warning = page.text.split("Cảnh báo theo Hướng dẫn 12", 1)[1].split("</div>", 1)[0]
    assert names[0] in warning and "vắng 4 buổi liên tiếp" in warning
    assert names[1] in warning and "vắng không lý do trong 3 tháng" in warning
    assert names[2] not in warning
    auth.logout()
    auth.login(users["committee"])
    assert names[0] in client.get("/reports/attendance?cell=ap-cho&year=2022").text


def test_the_register_runs_a_fixed_number_of_queries(app, client, auth, users, count_queries):
    auth.login(users["committee"])
    with app.app_context():
        file_with_lines("ap-cho", 4)
        db.session.commit()
    with count_queries() as few:
        client.get("/reports/attendance?cell=ap-cho&year=2022")
    with app.app_context():
        for month in range(5, 12):
            file_with_lines("ap-cho", month)
        db.session.commit()
    with count_queries() as many:
        page = client.get("/reports/attendance?cell=ap-cho&year=2022")
    assert page.status_code == 200 and page.text.count('class="num mark"') > 40 * 8
    assert many.count == few.count


def test_the_register_of_another_cell_is_refused_to_a_secretary(client, auth, users):
    auth.login(users["secretary"])
    assert client.get("/reports/attendance?cell=cong-an").status_code == 403
    assert client.get("/reports/attendance?cell=khong-co").status_code == 404


def test_the_report_list_filters_by_status_and_kind(app, client, auth, users):
    with app.app_context():
        make_report("ap-cho", 2022, 4)
        make_report("ap-cho", 2022, 5, status="submitted")
        make_report("cong-an", 2022, 5, kind="thematic", status="submitted")
        db.session.commit()
    auth.login(users["committee"])
    submitted = client.get("/reports/?year=2022&status=submitted").text
    assert submitted.count("Chờ duyệt</span>") == 2
    thematic = client.get("/reports/?year=2022&kind=thematic").text
    assert "<td>Chi bộ Công an</td>" in thematic and "<td>Chi bộ ấp Chợ</td>" not in thematic
    auth.logout()
    auth.login(users["secretary"])
    own = client.get("/reports/?year=2022").text
    assert "Chi bộ Công an" not in own and own.count("Thường kỳ T") == 2


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("committee", "/reports/{id}"),
        ("committee", "/reports/{id}/review"),
        ("admin", "/reports/{id}/edit"),
    ],
)
def test_report_pages_do_not_grow_with_the_member_list(
    app, client, auth, users, count_queries, role, url
):
    """A report of a 48-member cell costs the same statements as one of a 14-member cell."""
    with app.app_context():
        reports = [file_with_lines(code, 5, state="submitted") for code in ("quan-su", "ap-cho")]
        if "edit" in url:
            for report in reports:
                report.status = ReportStatus.RETURNED
        db.session.commit()
        ids = [report.id for report in reports]
    auth.login(users[role])
    counts = []
    for report_id in ids:
        with count_queries() as counter:
            page = client.get(url.format(id=report_id))
            assert page.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
