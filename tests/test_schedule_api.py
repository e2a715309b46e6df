"""The contract's meeting endpoints and the iCalendar feed, every refusal pinned."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tracker.extensions import db
from tracker.models import AuditEntry, Meeting, User
from tracker.services.accounts import create_token

from .factories import make_report

JSON = "application/json"


@pytest.fixture
def tokens(app, users):
    with app.app_context():
        raw = {
            key: create_token(db.session.get(User, account.id), label="test")[0]
            for key, account in users.items()
        }
        db.session.commit()
    return raw


def call(client, method, url, token, body=None, raw=None):
    headers = {"Authorization": f"Bearer {token}"}
    if raw is not None:
        return client.open(url, method=method, data=raw, content_type=JSON, headers=headers)
    return client.open(url, method=method, json=body, headers=headers)


def meeting_body(**changes):
    body = {
        "cell": "ap-cho",
        "kind": "regular",
        "starts_at": "2023-03-03T19:30",
        "place": "Hội trường ấp Chợ",
        "topic": "Triển khai nghị quyết tháng 3",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def stored(app):
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(Meeting.id))),
            db.session.scalar(sa.select(sa.func.count(AuditEntry.id))),
        )


def refused(answer, status, field=None):
    assert answer.status_code == status, answer.get_data(as_text=True)
    body = answer.get_json()
    assert set(body) == {"error", "fields"} and body["error"]
    if field:
        assert field in body["fields"], body
    return body


def plan(client, tokens, **changes):
    answer = call(client, "POST", "/api/v1/meetings", tokens["secretary"], meeting_body(**changes))
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()


def test_a_secretary_plans_a_meeting(client, tokens):
    answer = call(client, "POST", "/api/v1/meetings", tokens["secretary"], meeting_body())
    assert answer.status_code == 201
    body = answer.get_json()
    assert set(body) == {"id", "cell", "kind", "starts_at", "place", "topic", "attendee"}
    assert body["starts_at"] == "2023-03-03T19:30" and body["attendee"] is None
    assert answer.headers["Location"].endswith(f"/api/v1/meetings/{body['id']}")
    again = call(client, "GET", f"/api/v1/meetings/{body['id']}", tokens["secretary"])
    assert again.get_json() == body


@pytest.mark.parametrize(
    "name, changes, field",
    [
        ("impossible date", {"starts_at": "2023-02-30T19:30"}, "starts_at"),
        ("not ISO", {"starts_at": "03/03/2023 19:30"}, "starts_at"),
        ("seconds", {"starts_at": "2023-03-03T19:30:00"}, "starts_at"),
        ("number", {"starts_at": 20230303}, "starts_at"),
        ("missing start", {"starts_at": ...}, "starts_at"),
        ("month outside the 2022 campaign", {"starts_at": "2022-03-03T19:30"}, "starts_at"),
        ("year without campaign", {"starts_at": "2031-03-03T19:30"}, "starts_at"),
        ("unknown cell", {"cell": "khong-co"}, "cell"),
        ("cell as number", {"cell": 5}, "cell"),
        ("missing cell", {"cell": ...}, "cell"),
        ("unknown kind", {"kind": "special"}, "kind"),
        ("missing kind", {"kind": ...}, "kind"),
        ("place as number", {"place": 7}, "place"),
        ("topic null", {"topic": None}, "topic"),
        ("topic with NUL", {"topic": "a\x00b"}, "topic"),
        ("place too long", {"place": "x" * 201}, "place"),
        ("unknown field", {"room": "A"}, "room"),
    ],
)
def test_a_bad_meeting_body_is_400_and_stores_nothing(app, client, tokens, name, changes, field):
    before = stored(app)
    answer = call(client, "POST", "/api/v1/meetings", tokens["secretary"], meeting_body(**changes))
    refused(answer, 400, field)
    assert stored(app) == before


@pytest.mark.parametrize(
    "raw, status",
    [
        ('{"cell": "ap-cho", "cell": "cong-an", "kind": "regular", "starts_at": "2023-03-03T19:30"}', 400),
        ("[1, 2]", 400),
        ("{not json", 400),
        ('{"cell": "ap-cho", "kind": "regular", "starts_at": NaN}', 400),
        ('{"topic": "' + "x" * (1024 * 1024) + '"}', 413),
    ],
)
def test_a_malformed_body_is_refused(app, client, tokens, raw, status):
    before = stored(app)
    refused(call(client, "POST", "/api/v1/meetings", tokens["secretary"], raw=raw), status)
    assert stored(app) == before


def test_who_may_plan(app, client, tokens):
    refused(call(client, "POST", "/api/v1/meetings", tokens["committee"], meeting_body()), 403)
    refused(call(client, "POST", "/api/v1/meetings", tokens["other_secretary"], meeting_body()), 403)
    answer = call(client, "POST", "/api/v1/meetings", tokens["admin"], meeting_body(cell="cong-an"))
    assert answer.status_code == 201
    assert call(client, "POST", "/api/v1/meetings", "", meeting_body()).status_code == 401


def test_a_second_regular_meeting_of_a_month_is_409(app, client, tokens):
    plan(client, tokens)
    before = stored(app)
    answer = call(client, "POST", "/api/v1/meetings", tokens["secretary"], meeting_body(starts_at="2023-03-25T08:00"))
    refused(answer, 409, "starts_at")
    assert stored(app) == before
    plan(client, tokens, kind="thematic")  # a thematic meeting may share the month


def test_rescheduling_keeps_the_uid_and_a_report_freezes_the_meeting(app, client, tokens):
    meeting = plan(client, tokens)
    url = f"/api/v1/meetings/{meeting['id']}"
    with app.app_context():
        uid = db.session.get(Meeting, meeting["id"]).uid
    moved = call(client, "PUT", url, tokens["secretary"], meeting_body(starts_at="2023-03-05T07:30"))
    assert moved.status_code == 200 and moved.get_json()["starts_at"] == "2023-03-05T07:30"
    with app.app_context():
        assert db.session.get(Meeting, meeting["id"]).uid == uid
        make_report("ap-cho", 2023, 3, status="submitted")
        db.session.commit()
    refused(call(client, "PUT", url, tokens["secretary"], meeting_body(starts_at="2023-03-06T07:30")), 409)
    refused(call(client, "DELETE", url, tokens["secretary"]), 409)
    refused(call(client, "POST", "/api/v1/meetings", tokens["secretary"], meeting_body(kind="regular", starts_at="2023-03-09T07:30")), 409)


def test_cancelling_a_meeting(app, client, tokens):
    meeting = plan(client, tokens)
    url = f"/api/v1/meetings/{meeting['id']}"
    refused(call(client, "DELETE", url, tokens["other_secretary"]), 403)
    refused(call(client, "DELETE", url, tokens["committee"]), 403)
    answer = call(client, "DELETE", url, tokens["secretary"])
    assert answer.status_code == 204
    refused(call(client, "GET", url, tokens["secretary"]), 404)


@pytest.mark.parametrize("raw_id", ["abc", "-1", "0", "99999999999"])
def test_a_bad_id_in_the_url_is_400(client, tokens, raw_id):
    refused(call(client, "GET", f"/api/v1/meetings/{raw_id}", tokens["admin"]), 400, "id")


def test_assigning_the_attending_member(app, client, tokens):
    meeting = plan(client, tokens)
    url = f"/api/v1/meetings/{meeting['id']}/attendee"
    refused(call(client, "POST", url, tokens["secretary"], {"username": "danguy"}), 403)
    refused(call(client, "POST", url, tokens["committee"], {"username": "bithu.congan"}), 400, "username")
    refused(call(client, "POST", url, tokens["committee"], {"username": "khong.co"}), 400, "username")
    refused(call(client, "POST", url, tokens["committee"], {"username": 3}), 400, "username")
    refused(call(client, "POST", url, tokens["committee"], {}), 400, "username")
    refused(call(client, "POST", url, tokens["committee"], {"username": "danguy", "x": 1}), 400, "x")
    answer = call(client, "POST", url, tokens["committee"], {"username": "danguy"})
    assert answer.status_code == 200 and answer.get_json()["attendee"] == "danguy"


def test_listing_meetings_by_year_month_and_cell(app, client, tokens):
    plan(client, tokens, starts_at="2023-04-03T19:30")
    plan(client, tokens, starts_at="2023-03-03T19:30")
    call(client, "POST", "/api/v1/meetings", tokens["other_secretary"], meeting_body(cell="cong-an"))
    listed = call(client, "GET", "/api/v1/meetings?year=2023", tokens["committee"]).get_json()["meetings"]
    assert [m["starts_at"] for m in listed] == ["2023-03-03T19:30", "2023-03-03T19:30", "2023-04-03T19:30"]
    own = call(client, "GET", "/api/v1/meetings?year=2023", tokens["secretary"]).get_json()["meetings"]
    assert {m["cell"] for m in own} == {"ap-cho"} and len(own) == 2
    march = call(client, "GET", "/api/v1/meetings?year=2023&month=3&cell=cong-an", tokens["admin"])
    assert [m["cell"] for m in march.get_json()["meetings"]] == ["cong-an"]
    refused(call(client, "GET", "/api/v1/meetings?year=2023&cell=cong-an", tokens["secretary"]), 403)


@pytest.mark.parametrize(
    "query, status, field",
    [
        ("", 400, "year"),
        ("year=abc", 400, "year"),
        ("year=2023&month=13", 400, "month"),
        ("year=2023&month=0", 400, "month"),
        ("year=2023&year=2024", 400, "year"),
        ("year=2023&cell=khong-co", 400, "cell"),
        ("year=2023&colour=red", 400, "colour"),
        ("year=2031", 404, "year"),
    ],
)
def test_a_bad_meetings_query(client, tokens, query, status, field):
    refused(call(client, "GET", f"/api/v1/meetings?{query}", tokens["admin"]), status, field)
    if field != "cell":
        refused(call(client, "GET", f"/api/v1/calendar.ics?{query}", tokens["admin"]), status, field)


def test_the_feed_parses_and_carries_zone_place_topic_and_attendee(app, client, tokens):
    meeting = plan(client, tokens)
    call(client, "POST", f"/api/v1/meetings/{meeting['id']}/attendee", tokens["committee"], {"username": "danguy"})
    plan(client, tokens, kind="thematic", starts_at="2023-04-10T08:00", topic="Học tập và làm theo Bác")
    answer = call(client, "GET", "/api/v1/calendar.ics?year=2023", tokens["secretary"])
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    calendar = Calendar.from_ical(answer.data)
    zones = [c for c in calendar.walk("VTIMEZONE")]
    assert [str(z["TZID"]) for z in zones] == ["Asia/Ho_Chi_Minh"]
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    first = events[0]
    start = first.decoded("DTSTART")
    assert start.astimezone(dt.UTC) == dt.datetime(2023, 3, 3, 12, 30, tzinfo=dt.UTC)
    assert first["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert "Chi bộ ấp Chợ" in str(first["SUMMARY"]) and "thường kỳ" in str(first["SUMMARY"])
    assert str(first["LOCATION"]) == "Hội trường ấp Chợ"
    assert "Triển khai nghị quyết tháng 3" in str(first["DESCRIPTION"])
    assert "danguy" in str(first["DESCRIPTION"])
    month = Calendar.from_ical(
        call(client, "GET", "/api/v1/calendar.ics?year=2023&month=4", tokens["secretary"]).data
    )
    assert [str(e["SUMMARY"]) for e in month.walk("VEVENT")] == ["Sinh hoạt chuyên đề – Chi bộ ấp Chợ"]


def test_uids_stay_the_same_across_reads_and_reschedules(app, client, tokens):
    meeting = plan(client, tokens)

    def uids():
        data = call(client, "GET", "/api/v1/calendar.ics?year=2023", tokens["admin"]).data
        return [str(e["UID"]) for e in Calendar.from_ical(data).walk("VEVENT")]

    first = uids()
    assert first == uids()
    call(client, "PUT", f"/api/v1/meetings/{meeting['id']}", tokens["secretary"], meeting_body(starts_at="2023-03-09T07:00"))
    assert uids() == first


def test_a_secretary_feed_holds_only_her_cell(app, client, tokens):
    plan(client, tokens)
    call(client, "POST", "/api/v1/meetings", tokens["other_secretary"], meeting_body(cell="cong-an"))
    data = call(client, "GET", "/api/v1/calendar.ics?year=2023", tokens["other_secretary"]).data
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 1 and "Công an" in str(events[0]["SUMMARY"])


def test_moving_a_meeting_into_a_month_that_has_its_regular_meeting_is_409(app, client, tokens):
    plan(client, tokens, starts_at="2023-03-03T19:30")
    april = plan(client, tokens, starts_at="2023-04-03T19:30")
    before = stored(app)
    answer = call(client, "PUT", f"/api/v1/meetings/{april['id']}", tokens["secretary"],
                  meeting_body(starts_at="2023-03-20T19:30"))
    refused(answer, 409, "starts_at")
    assert stored(app) == before
    again = call(client, "GET", f"/api/v1/meetings/{april['id']}", tokens["secretary"]).get_json()
    assert again["starts_at"] == "2023-04-03T19:30"


def test_a_secretary_cannot_read_or_change_another_cells_meeting(app, client, tokens):
    meeting = plan(client, tokens)
    url = f"/api/v1/meetings/{meeting['id']}"
    refused(call(client, "GET", url, tokens["other_secretary"]), 403)
    refused(call(client, "PUT", url, tokens["other_secretary"], meeting_body(cell="cong-an")), 403)
    refused(call(client, "PUT", url, tokens["secretary"], meeting_body(cell="cong-an")), 403)
    refused(call(client, "POST", f"{url}/attendee", tokens["other_secretary"], {"username": "danguy"}), 403)


def test_a_closed_year_keeps_its_meetings(app, client, tokens):
    from tracker.models import Campaign, utcnow

    meeting = plan(client, tokens)
    with app.app_context():
        year = db.session.scalar(sa.select(Campaign).where(Campaign.year == 2023))
        year.closed_at = utcnow()
        db.session.commit()
    refused(call(client, "POST", "/api/v1/meetings", tokens["secretary"], meeting_body(starts_at="2023-05-03T19:30")), 409)
    refused(call(client, "PUT", f"/api/v1/meetings/{meeting['id']}", tokens["secretary"], meeting_body(starts_at="2023-03-04T19:30")), 409)
    refused(call(client, "DELETE", f"/api/v1/meetings/{meeting['id']}", tokens["secretary"]), 409)
