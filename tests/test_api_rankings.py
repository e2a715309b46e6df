"""GET /api/v1/rankings exactly as contract.md says."""

from __future__ import annotations

import pytest

from tracker.extensions import db
from tracker.models import User
from tracker.services.accounts import create_token

from .factories import make_report
from .ranking_data import make_season


@pytest.fixture
def tokens(app, users):
    """A bearer header for each role."""
    headers = {}
    with app.app_context():
        for key, account in users.items():
            raw, _ = create_token(db.session.get(User, account.id), label="test")
            headers[key] = {"Authorization": f"Bearer {raw}"}
        db.session.commit()
    return headers


@pytest.fixture
def season(app, prepared):
    app.config["TODAY"] = "2023-01-15"
    prepared(make_season)


def test_the_year_ranking_has_the_contract_shape(client, season, tokens):
    answer = client.get("/api/v1/rankings?year=2022", headers=tokens["committee"])
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert set(body) == {"year", "months", "rankings"}
    assert body["year"] == 2022
    assert body["months"] == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    first = body["rankings"][0]
    assert first == {
        "rank": 1,
        "cell": "ap-cho",
        "name": "Chi bộ ấp Chợ",
        "category": "hamlet",
        "average": 94.78,
        "months_counted": 9,
        "months_missing": 0,
        "months_pending": 0,
        "tot_months": 9,
        "grade": "tot",
    }
    assert [row["cell"] for row in body["rankings"]] == [
        "ap-cho",
        "quan-su",
        "ap-phuoc-hoa-a",
        "co-quan",
        "tieu-hoc",
        "cong-an",
        "mam-non",
        "ap-phuoc-hoa-b",
        "thcs",
    ]
    cong_an = body["rankings"][5]
    assert (cong_an["average"], cong_an["months_missing"], cong_an["tot_months"]) == (81.44, 1, 8)
    assert [row["grade"] for row in body["rankings"]][-3:] == ["trung_binh", "trung_binh", "kem"]


def test_an_average_is_a_number_rounded_to_two_decimals(client, tokens, app):
    app.config["TODAY"] = "2022-07-01"
    with app.app_context():
        make_report("ap-cho", 2022, 4, total=92)
        make_report("ap-cho", 2022, 5, total=93)
        make_report("ap-cho", 2022, 6, total=92.5)
        db.session.commit()
    answer = client.get("/api/v1/rankings?year=2022&quarter=2", headers=tokens["secretary"])
    body = answer.get_json()
    assert body["months"] == [4, 5, 6]
    assert body["rankings"][0]["average"] == 92.5
    assert isinstance(body["rankings"][0]["average"], float)


def test_shared_ranks_skip_the_next_rank(client, tokens, app):
    app.config["TODAY"] = "2022-06-01"
    with app.app_context():
        make_report("ap-cho", 2022, 5, total=95)
        make_report("cong-an", 2022, 5, total=90)
        make_report("quan-su", 2022, 5, total=90)
        make_report("thcs", 2022, 5, total=80)
        db.session.commit()
    body = client.get("/api/v1/rankings?year=2022&month=5", headers=tokens["admin"]).get_json()
    assert body["months"] == [5]
    assert [(r["cell"], r["rank"]) for r in body["rankings"][:4]] == [
        ("ap-cho", 1),
        ("cong-an", 2),
        ("quan-su", 2),
        ("thcs", 4),
    ]
    # The cells without a report share the last rank, listed in Vietnamese name order.
    tail = body["rankings"][4:]
    assert {r["rank"] for r in tail} == {5}
    assert [r["name"] for r in tail] == [
        "Chi bộ ấp Phước Hòa A",
        "Chi bộ ấp Phước Hòa B",
        "Chi bộ Cơ quan",
        "Chi bộ Trường Mầm non",
        "Chi bộ Trường Tiểu học",
    ]
    assert all(r["months_missing"] == 1 and r["grade"] == "kem" for r in tail)


def test_a_category_is_ranked_from_one(client, season, tokens):
    body = client.get(
        "/api/v1/rankings?year=2022&category=school", headers=tokens["other_secretary"]
    ).get_json()
    assert [(r["cell"], r["rank"], r["category"]) for r in body["rankings"]] == [
        ("tieu-hoc", 1, "school"),
        ("mam-non", 2, "school"),
        ("thcs", 3, "school"),
    ]


def test_months_not_yet_ended_are_not_counted(client, tokens, app):
    app.config["TODAY"] = "2022-05-31"
    with app.app_context():
        make_report("ap-cho", 2022, 4, total=90)
        make_report("ap-cho", 2022, 5, total=100)
        db.session.commit()
    body = client.get("/api/v1/rankings?year=2022", headers=tokens["committee"]).get_json()
    assert body["months"] == [4]
    assert body["rankings"][0]["average"] == 90.0
    assert body["rankings"][0]["months_counted"] == 1


def test_a_period_with_no_ended_month_has_no_average_and_no_grade(client, tokens, app):
    app.config["TODAY"] = "2022-04-20"
    body = client.get("/api/v1/rankings?year=2022", headers=tokens["committee"]).get_json()
    assert body["months"] == []
    assert len(body["rankings"]) == 9
    assert all(
        r["average"] is None
        and r["grade"] is None
        and r["months_counted"] == 0
        and r["months_missing"] == 0
        and r["rank"] == 1
        for r in body["rankings"]
    )


def test_a_year_without_a_campaign_is_not_found(client, tokens):
    answer = client.get("/api/v1/rankings?year=2019", headers=tokens["committee"])
    assert answer.status_code == 404
    body = answer.get_json()
    assert body["error"] and body["fields"] == {"year": "Năm này không có kế hoạch thi đua."}


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", {"year"}),
        ("year=", {"year"}),
        ("year=abc", {"year"}),
        ("year=2022.0", {"year"}),
        ("year=2022&month=13", {"month"}),
        ("year=2022&month=0", {"month"}),
        ("year=2022&month=x", {"month"}),
        ("year=2022&month=", {"month"}),
        ("year=2022&quarter=5", {"quarter"}),
        ("year=2022&quarter=1.5", {"quarter"}),
        ("year=2022&month=5&quarter=2", {"month", "quarter"}),
        ("year=2022&category=village", {"category"}),
        ("year=2022&category=", {"category"}),
        ("year=x&month=y&category=z", {"year", "month", "category"}),
        ("year=99999999999999999999999", {"year"}),
    ],
)
def test_bad_parameters_are_refused_with_the_fields_named(client, tokens, query, fields):
    answer = client.get(f"/api/v1/rankings?{query}", headers=tokens["committee"])
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["error"] == "Tham số xếp hạng không hợp lệ."
    assert set(body["fields"]) == fields
    assert all(isinstance(message, str) and message for message in body["fields"].values())


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer clt_wrong"}], ids=["none", "wrong"]
)
def test_a_token_is_required(client, users, headers):
    answer = client.get("/api/v1/rankings?year=2022", headers=headers)
    assert answer.status_code == 401
    assert set(answer.get_json()) == {"error", "fields"}


@pytest.mark.parametrize("role", ["admin", "committee", "secretary", "other_secretary"])
def test_every_role_reads_the_whole_ranking(client, season, tokens, role):
    answer = client.get("/api/v1/rankings?year=2022", headers=tokens[role])
    assert answer.status_code == 200
    assert len(answer.get_json()["rankings"]) == 9
