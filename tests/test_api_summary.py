"""GET /api/v1/summary exactly as contract.md defines each figure, each case built by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Cell, User
from tracker.services.accounts import create_token

from .factories import make_report, same_rows
from .ranking_data import make_season

CONTRACT_KEYS = {
    "year",
    "cells",
    "months_counted",
    "regular_reports_approved",
    "thematic_reports_approved",
    "months_missing",
    "months_pending",
    "quarters_without_thematic",
    "attendance_rate",
    "speakers",
    "young_speakers",
    "grades",
}


@pytest.fixture
def tokens(app, users):
    headers = {}
    with app.app_context():
        for key, account in users.items():
            raw, _ = create_token(db.session.get(User, account.id), label="test")
            headers[key] = {"Authorization": f"Bearer {raw}"}
        db.session.commit()
    return headers


def summary(client, tokens, year, role="committee"):
    answer = client.get(f"/api/v1/summary?year={year}", headers=tokens[role])
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


@pytest.fixture
def mid_2023(app):
    """Today is 15 July 2023: January to June are counted, quarters 1 and 2 have ended."""
    app.config["TODAY"] = "2023-07-15"
    with app.app_context():
        # Chi bộ ấp Chợ: six Tốt months, 16 of 18 required members present each time.
        for month in range(1, 7):
            make_report(
                "ap-cho", 2023, month, total=95, attendance=(20, 2, 16, 2, 0), speakers=6,
                young_speakers=2,
            )  # fmt: skip
        # Chi bộ Công an: three Khá months, one waiting, one returned, June missing, and an
        # approved July report that does not count yet (July has not ended).
        for month in range(1, 4):
            make_report("cong-an", 2023, month, total=75)  # 19 of 20 present, 6 / 1 speakers
        make_report("cong-an", 2023, 4, total=80, status="submitted")
        make_report("cong-an", 2023, 5, total=80, status="returned")
        make_report("cong-an", 2023, 7, total=99, attendance=(50, 0, 50, 0, 0), speakers=40)
        # A draft counts nowhere.
        make_report("quan-su", 2023, 1, total=90, status="draft")
        # Thematic meetings: approved ones count in any campaign month (even one not ended).
        make_report("ap-cho", 2023, 2, kind="thematic", total=90, held_on=dt.date(2023, 2, 20))
        make_report("ap-cho", 2023, 5, kind="thematic", total=90, held_on=dt.date(2023, 5, 20))
        make_report("cong-an", 2023, 3, kind="thematic", total=90, held_on=dt.date(2023, 3, 20))
        make_report("cong-an", 2023, 8, kind="thematic", total=90, held_on=dt.date(2023, 8, 1))
        make_report("quan-su", 2023, 2, kind="thematic", total=90, status="submitted")
        # Trường THCS left before 2023: its report is not the year's.
        thcs = db.session.scalar(sa.select(Cell).where(Cell.code == "thcs"))
        thcs.left_year = 2023
        make_report("thcs", 2023, 1, total=99, attendance=(100, 0, 100, 0, 0), speakers=90)
        db.session.commit()


def test_the_summary_has_exactly_the_contract_figures_and_the_previous_year(
    client, tokens, mid_2023, app
):
    with app.app_context():
        make_report("ap-cho", 2022, 5, total=90)  # 2022 has a report: it is compared
        db.session.commit()
    body = summary(client, tokens, 2023)
    assert set(body) == CONTRACT_KEYS | {"previous"}
    assert set(body["previous"]) == CONTRACT_KEYS
    assert body["year"] == 2023
    assert body["previous"]["year"] == 2022
    assert set(body["grades"]) == {"tot", "kha", "trung_binh", "kem"}


def test_cells_are_the_cells_ranked_that_year(client, tokens, mid_2023):
    assert summary(client, tokens, 2023)["cells"] == 8  # nine cells, one left before 2023


def test_months_counted_are_the_ended_campaign_months(client, tokens, mid_2023):
    assert summary(client, tokens, 2023)["months_counted"] == 6


def test_regular_reports_approved_counts_approved_monthly_reports_of_counted_months(
    client, tokens, mid_2023
):
    # 6 of ấp Chợ + 3 of Công an; not July's, not the draft, not the cell that left.
    assert summary(client, tokens, 2023)["regular_reports_approved"] == 9


def test_thematic_reports_approved_counts_approved_ones_of_every_campaign_month(
    client, tokens, mid_2023
):
    assert summary(client, tokens, 2023)["thematic_reports_approved"] == 4


def test_months_missing_and_pending_are_the_sums_of_the_rankings(client, tokens, mid_2023):
    body = summary(client, tokens, 2023)
    assert body["months_missing"] == 8 * 6 - 9
    assert body["months_pending"] == 2
    rankings = client.get("/api/v1/rankings?year=2023", headers=tokens["committee"]).get_json()
    assert body["months_missing"] == sum(r["months_missing"] for r in rankings["rankings"])
    assert body["months_pending"] == sum(r["months_pending"] for r in rankings["rankings"])


def test_quarters_without_thematic_count_cell_and_ended_quarter_pairs(client, tokens, mid_2023):
    # 8 cells x quarters 1 and 2; ấp Chợ held both, Công an held the first (its August
    # meeting is in a quarter that has not ended).
    assert summary(client, tokens, 2023)["quarters_without_thematic"] == 16 - 2 - 1


def test_attendance_rate_is_present_over_required_of_approved_regular_reports(
    client, tokens, mid_2023
):
    body = summary(client, tokens, 2023)
    # (6 x 16 + 3 x 19) / (6 x 18 + 3 x 20) = 153 / 168 = 0.910714...
    assert body["attendance_rate"] == 0.9107
    assert body["speakers"] == 6 * 6 + 3 * 6
    assert body["young_speakers"] == 6 * 2 + 3 * 1


def test_grades_count_cells_by_their_year_grade(client, tokens, mid_2023):
    # ấp Chợ Tốt; Công an 37.5 on average and the six cells without any result: Kém.
    assert summary(client, tokens, 2023)["grades"] == {
        "tot": 1,
        "kha": 0,
        "trung_binh": 0,
        "kem": 7,
    }


def test_attendance_rate_rounds_half_up_to_four_decimals(client, tokens, app):
    app.config["TODAY"] = "2023-02-01"
    with app.app_context():
        make_report("ap-cho", 2023, 1, total=80, attendance=(32, 0, 1, 31, 0), speakers=1,
                    young_speakers=0)  # fmt: skip
        db.session.commit()
    assert summary(client, tokens, 2023)["attendance_rate"] == 0.0313  # 1/32 = 0.03125


def test_a_year_without_any_approved_report_has_no_attendance_rate(client, tokens, app):
    app.config["TODAY"] = "2023-03-01"
    body = summary(client, tokens, 2023)
    assert body["attendance_rate"] is None
    assert (body["regular_reports_approved"], body["speakers"], body["young_speakers"]) == (0, 0, 0)
    assert body["months_missing"] == 9 * 2


def test_the_previous_year_is_computed_by_the_same_rule(client, tokens, app):
    app.config["TODAY"] = "2023-07-15"
    with app.app_context():
        make_season()  # the 2022 season of the rankings tests
        db.session.commit()
    body = summary(client, tokens, 2023)
    assert body["previous"] == {k: v for k, v in summary(client, tokens, 2022).items()
                                if k != "previous"}  # fmt: skip
    previous = body["previous"]
    assert previous["months_counted"] == 9
    assert previous["regular_reports_approved"] == 9 * 9 - 4  # 2 None, 1 returned, 1 submitted
    assert previous["thematic_reports_approved"] == 3 + 3 + 2 + 1 + 3
    assert previous["months_pending"] == 2
    # Quarters 2-4 ended for 9 cells: 27 minus the 12 quarters held.
    assert previous["quarters_without_thematic"] == 27 - 12
    assert previous["grades"] == {"tot": 2, "kha": 4, "trung_binh": 2, "kem": 1}


def test_the_first_year_has_no_previous_year(client, tokens, app):
    app.config["TODAY"] = "2023-01-15"
    assert summary(client, tokens, 2022)["previous"] is None


def test_a_previous_year_without_any_report_is_none(client, tokens, mid_2023):
    """2022 is a campaign year in which nothing was filed: there is nothing to compare."""
    assert summary(client, tokens, 2023)["previous"] is None


@pytest.mark.parametrize(
    ("role", "status"),
    [("committee", 200), ("admin", 200), ("secretary", 403), ("other_secretary", 403)],
)
def test_only_the_committee_and_the_admin_read_the_summary(client, tokens, role, status):
    answer = client.get("/api/v1/summary?year=2022", headers=tokens[role])
    assert answer.status_code == status
    if status == 403:
        assert set(answer.get_json()) == {"error", "fields"}


def test_the_summary_needs_a_token(client):
    assert client.get("/api/v1/summary?year=2022").status_code == 401


def test_a_year_without_a_campaign_is_404(client, tokens):
    answer = client.get("/api/v1/summary?year=2030", headers=tokens["committee"])
    assert answer.status_code == 404
    assert "year" in answer.get_json()["fields"]


@pytest.mark.parametrize(
    "query", ["", "?year=", "?year=abc", "?year=2022.5", "?year=0", "?year=2022&year=2023",
              "?year=2022&month=1"],
)  # fmt: skip
def test_a_bad_query_is_400(client, tokens, query):
    answer = client.get("/api/v1/summary" + query, headers=tokens["committee"])
    assert answer.status_code == 400
    assert answer.get_json()["fields"]


def test_the_summary_query_count_does_not_grow_with_the_cells(app, count_queries):
    from tracker.summary import year_summary

    from .ranking_data import add_cells

    today = dt.date(2024, 1, 15)
    with app.app_context():
        make_season()
        db.session.commit()
    with app.app_context(), count_queries() as small:
        year_summary(2023, today)
    with app.app_context():
        with db.session.no_autoflush, same_rows():  # one flush for all the reports
            for extra in add_cells(30):
                for month in range(1, 13):
                    make_report(extra.code, 2023, month, total=70 + month, flush=False)
        db.session.commit()
    with app.app_context():
        with count_queries() as large:
            summary = year_summary(2023, today)
        assert summary.current.cells == 39
        assert summary.current.regular_reports_approved == 30 * 12
        # Campaigns and bands, then each year's standings and its sums.
        assert large.count == small.count == 6
