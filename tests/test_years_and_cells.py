"""Which year the pages open on, what a closed year still asks of anybody, and which cells
take part in which year."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from tracker.campaigns import default_year
from tracker.extensions import db
from tracker.models import Cell, CellCategory, Report, utcnow
from tracker.services import ValidationFailed
from tracker.services import reports as service
from tracker.services.organisation import create_cell
from tracker.standings import standings_for_period

from .factories import campaign, cell, make_report
from .reporting import report_input, user

YEARS = [2022, 2023, 2024, 2025]


def selected(html: str, name: str) -> str:
    """The value of the selected option of the <select name=...> of a page."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.DOTALL).group(0)
    return re.search(r'<option(?=[^>]*\bselected\b)[^>]*value="([^"]*)"', select).group(1)


# --------------------------------------------------------------------------------------------
# The year the pages open on


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2023-03-01", 2023),  # this year's campaign, even before its first report
        ("2023-01-01", 2023),  # from 1 January, though December's reports are still waiting
        ("2026-11-26", 2025),  # after the last year opened: the latest begun year
        ("2021-06-01", 2022),  # before the plan: the first year
    ],
)
def test_the_default_year_rule(today, expected):
    assert default_year(YEARS, dt.date.fromisoformat(today)) == expected


def test_reports_never_move_the_default_year(app, client, auth, users):
    """Filing a report of a later year must not switch everyone's pages to it."""
    app.config["TODAY"] = "2022-12-20"
    with app.app_context():
        make_report("ap-cho", 2023, 1, status="submitted")
        db.session.commit()
    auth.login(users["committee"])
    assert "Tình hình báo cáo năm 2022" in client.get("/").text
    assert selected(client.get("/rankings/").text, "year") == "2022"


def test_every_page_opens_on_the_same_year(app, client, auth, users):
    app.config["TODAY"] = "2026-11-26"  # after the last campaign: 2025 is the latest begun
    with app.app_context():
        make_report("ap-cho", 2022, 5)
        db.session.commit()
    auth.login(users["committee"])
    assert "Tình hình báo cáo năm 2025" in client.get("/").text
    assert selected(client.get("/rankings/").text, "year") == "2025"
    # The years side by side are ordered by the latest year with approved results.
    assert "Các chi bộ xếp theo hạng năm 2022" in client.get("/rankings/years").text


def test_a_new_report_is_proposed_for_the_month_after_the_cell_s_latest(app, client, auth, users):
    app.config["TODAY"] = "2023-03-15"
    with app.app_context():
        for month in range(4, 13):
            make_report("ap-cho", 2022, month)
        db.session.commit()
    auth.login(users["secretary"])
    page = client.get("/reports/new").text
    assert (selected(page, "year"), selected(page, "month")) == ("2023", "1")


def test_a_new_report_is_not_proposed_for_a_gap_of_an_older_open_year(app, client, auth, users):
    """2022–2024 are left open without a report of this cell: the form proposes this year's
    forgotten month, then this month, never January three years back."""
    app.config["TODAY"] = "2025-06-10"
    with app.app_context():
        for month in (1, 2, 4, 5, 6):
            make_report("ap-cho", 2025, month)
        db.session.commit()
    auth.login(users["secretary"])
    page = client.get("/reports/new").text
    assert (selected(page, "year"), selected(page, "month")) == ("2025", "3")

    with app.app_context():
        make_report("ap-cho", 2025, 3)
        db.session.commit()
    page = client.get("/reports/new").text
    assert (selected(page, "year"), selected(page, "month")) == ("2025", "6")


# --------------------------------------------------------------------------------------------
# A closed year asks nothing more of anybody


def close(year):
    campaign(year).closed_at = utcnow()


def test_a_closed_year_leaves_no_work_behind(app, client, auth, users):
    app.config["TODAY"] = "2023-02-15"
    with app.app_context():
        waiting = make_report("ap-cho", 2022, 11, status="submitted").id
        returned_report = make_report("ap-cho", 2022, 12, status="returned")
        returned_report.reviewed_at = utcnow()  # returned by the committee before closing
        returned = returned_report.id
        close(2022)
        db.session.commit()
    auth.login(users["committee"])
    assert f"/reports/{waiting}/review" not in client.get("/reports/queue").text
    home = client.get("/").text
    assert f"/reports/{waiting}/review" not in home
    assert "Tình hình báo cáo năm 2023" in home  # the work of the year still open
    auth.logout()

    auth.login(users["secretary"])
    home = client.get("/").text
    assert f"/reports/{returned}/edit" not in home
    # The returned report of the closed year no longer reads as something she can still do.
    assert "năm 2022 đã khóa sổ: không sửa, gửi lại được nữa" in home
    assert "năm đã khóa sổ" in client.get("/reports/?year=2022").text
    answer = client.get(f"/reports/{returned}/edit", follow_redirects=True)
    assert answer.request.path == f"/reports/{returned}"
    assert service.msg_closed(2022) in answer.text


def test_the_rankings_of_a_closed_year_are_final(app, client, auth, users):
    app.config["TODAY"] = "2023-02-15"
    with app.app_context():
        make_report("ap-cho", 2022, 5)
        make_report("ap-cho", 2022, 6, status="submitted")
        close(2022)
        db.session.commit()
    auth.login(users["committee"])
    page = client.get("/rankings/?year=2022").text
    assert "Kết quả chính thức" in page
    assert "Tạm tính" not in page and "tạm tính" not in page
    assert "đang chờ duyệt" not in page


# --------------------------------------------------------------------------------------------
# A cell added later takes part from its year on


def add_cell(app, today="2024-02-01"):
    app.config["TODAY"] = today
    with app.app_context():
        created = create_cell(
            code="ap-moi",
            name="Chi bộ ấp Mới",
            category=CellCategory.HAMLET,
            display_order=10,
            actor=user("admin"),
        )
        db.session.commit()
        return created.id


def test_a_cell_added_later_is_not_ranked_in_the_years_before(app, users):
    add_cell(app)
    with app.app_context():
        assert db.session.scalar(sa.select(Cell.joined_year).where(Cell.code == "ap-moi")) == 2024
        earlier = standings_for_period(2023)
        assert "ap-moi" not in earlier.by_code() and len(earlier.rows) == 9
        assert "ap-moi" not in standings_for_period(2023, month=6).by_code()
        now = standings_for_period(2024, month=1)
        assert "ap-moi" in now.by_code() and len(now.rows) == 10


def test_a_cell_added_later_is_not_missing_the_reports_of_the_years_before(
    app, client, auth, users
):
    add_cell(app)
    auth.login(users["committee"])
    assert "Chi bộ ấp Mới" not in client.get("/reports/outstanding?year=2023").text
    assert "Chi bộ ấp Mới" in client.get("/reports/outstanding?year=2024").text


def test_a_cell_files_no_report_for_a_year_before_it_took_part(app, client, users):
    cell_id = add_cell(app)
    with app.app_context():
        new_cell = db.session.get(Cell, cell_id)
        with pytest.raises(ValidationFailed) as refused:
            service.create_report(
                user("admin"),
                cell=new_cell,
                data=report_input(year=2023, month=5, held_on="2023-05-10"),
                submit=True,
            )
        assert refused.value.fields["year"] == "Chi bộ ấp Mới tham gia thi đua từ năm 2024."
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0
    with app.app_context():
        assert cell("ap-moi").takes_part_in(2024) and not cell("ap-moi").takes_part_in(2023)


def test_the_admin_sets_the_year_a_cell_takes_part_from(app, client, auth, users):
    app.config["TODAY"] = "2024-02-01"
    auth.login(users["admin"])
    form = client.get("/admin/cells/new").text
    assert selected(form, "joined_year") == "2024"  # a new cell takes part from this year
    answer = auth.post(
        "/admin/cells/new",
        data={
            "code": "ap-moi",
            "name": "Chi bộ ấp Mới",
            "category": "hamlet",
            "display_order": "10",
            "joined_year": "2023",
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        new_cell = cell("ap-moi")
        assert new_cell.joined_year == 2023
        make_report("ap-moi", 2023, 5)
        db.session.commit()
        cell_id = new_cell.id
    # A year after one it has reports in is refused beside the field.
    answer = auth.post(
        f"/admin/cells/{cell_id}",
        data={
            "name": "Chi bộ ấp Mới",
            "category": "hamlet",
            "display_order": "10",
            "active": "y",
            "joined_year": "2024",
        },
    )
    assert answer.status_code == 400
    assert "Chi bộ đã có báo cáo sinh hoạt năm 2023" in answer.text
    with app.app_context():
        assert cell("ap-moi").joined_year == 2023
