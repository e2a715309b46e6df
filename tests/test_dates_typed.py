"""Dates are shown and typed as dd/mm/yyyy whatever the browser's language: no page offers
the browser's own date box (which shows mm/dd/yyyy in an English browser), and the report
form asks for the month once (the day alone is enough) (issue 12, item 6)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Report
from tracker.reports.forms import complete_day
from tracker.webforms import parse_day

from .reporting import form_data, input_value

# What these tests pin (how dates are typed and shown) does not depend on the database: they run
# on SQLite, and tests/test_pages_on_postgresql.py reads every page on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("10", "10/5/2022"), ("10/5", "10/5/2022"), ("10/05/2022", "10/05/2022"), ("", "")],
)
def test_the_report_form_completes_a_day_with_the_chosen_month(typed, expected):
    assert complete_day(typed, "2022", "5") == expected


def test_a_typed_day_reads_day_first_and_iso_stays_readable():
    assert parse_day("03/12/2026") == dt.date(2026, 12, 3)
    assert parse_day("2026-12-03") == dt.date(2026, 12, 3)
    with pytest.raises(ValueError, match="không có trong lịch"):
        parse_day("31/02/2023")


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("secretary", "/reports/new?year=2022&month=5"),
        ("admin", "/audit/"),
        ("admin", "/members/{member}"),
    ],
)
def test_no_page_offers_the_browsers_date_box(app, client, auth, users, role, url):
    with app.app_context():
        from tracker.models import Member

        member = db.session.scalar(sa.select(Member.id).limit(1))
    auth.login(users[role])
    page = client.get(url.format(member=member))
    assert page.status_code == 200
    assert 'type="date"' not in page.text
    assert "dd/mm/yyyy" in page.text


def test_a_report_filed_with_only_the_day_is_held_that_day_and_shown_day_first(
    app, client, auth, users
):
    auth.login(users["secretary"])
    page = client.get("/reports/new?year=2022&month=5")
    answer = auth.post("/reports/new", data=form_data(page.text, action="draft", held_on="10"))
    assert answer.status_code == 302
    with app.app_context():
        report = db.session.scalar(sa.select(Report))
        assert report.held_on == dt.date(2022, 5, 10)
        report_id = report.id
    edit = client.get(f"/reports/{report_id}/edit").text
    assert input_value(edit, "held_on") == "10/05/2022"
    assert "10/05/2022" in client.get(f"/reports/{report_id}").text
