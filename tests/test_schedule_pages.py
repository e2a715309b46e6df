"""The calendar's pages: the month view, planning, assignment, following, phone calendars."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tracker.extensions import db
from tracker.models import CalendarAccount, CellFollower, Meeting, User
from tracker.schedule import rules, service

from .factories import cell, make_report

# The calendar's pages over the schedule service, whose statements the schedule API,
# planning and deadline tests run on both databases: SQLite only.
pytestmark = pytest.mark.backends("sqlite")


def user(username) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def planned(app, code="ap-cho", starts_at="2023-03-03T19:30", kind="regular", attendee=None, place="Hội trường ấp"):
    with app.app_context():
        planner = user("admin")
        meeting = service.plan_meeting(
            planner,
            service.check_meeting(cell=cell(code), cell_named=True, kind=kind, starts_at=starts_at,
                                  place=place, topic="Triển khai nghị quyết"),
        )
        if attendee:
            service.assign_attendee(planner, meeting, attendee)
        db.session.commit()
        return meeting.id


def test_a_secretary_plans_on_the_form_and_sees_it_on_the_month(app, client, users, auth):
    auth.login(users["secretary"])
    answer = auth.post("/lich/moi", {"kind": "regular", "day": "03/03/2023", "time": "19:30",
                                     "place": "Hội trường ấp Chợ", "topic": ""})
    assert answer.status_code == 302
    page = client.get("/lich/?year=2023&month=3").get_data(as_text=True)
    assert "Hội trường ấp Chợ" in page and "19:30" in page


def test_refusals_show_beside_the_field(app, client, users, auth):
    auth.login(users["secretary"])
    page = auth.post("/lich/moi", {"kind": "regular", "day": "30/02/2023", "time": "19:30"}).get_data(as_text=True)
    assert "field--error" in page and "Không có ngày này" in page
    page = auth.post("/lich/moi", {"kind": "regular", "day": "03/03/2022", "time": "19:30"}).get_data(as_text=True)
    assert "Tháng 3/2022 không thuộc đợt thi đua nào" in page
    planned(app)
    page = auth.post("/lich/moi", {"kind": "regular", "day": "20/03/2023", "time": "7:30"}).get_data(as_text=True)
    assert "đã có lịch sinh hoạt thường kỳ tháng 3/2023" in page


def test_a_date_or_time_typed_another_way_is_read_or_refused_with_a_message(
    app, client, users, auth
):
    auth.login(users["secretary"])
    for day, time, field, message in (
        ("15122023", "19:30", "day", "Nhập ngày theo dạng dd/mm/yyyy"),
        ("ngày mai", "19:30", "day", "Nhập ngày theo dạng dd/mm/yyyy"),
        ("15/12/2023", "25:99", "time", "Giờ phải theo dạng HH:MM"),
        ("15/12/2023", "2pm", "time", "Giờ phải theo dạng HH:MM"),
    ):
        answer = auth.post("/lich/moi", {"kind": "regular", "day": day, "time": time})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400, (day, time)
        error = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', page)
        assert error and message in error.group(1), (day, time)
        assert f'value="{day}"' in page and f'value="{time}"' in page  # what was typed stays
    answer = auth.post("/lich/moi", {"kind": "regular", "day": "15.12.2023", "time": "19.30"})
    assert answer.status_code == 302  # dots, as on a phone's number pad
    with app.app_context():
        meeting = db.session.scalar(sa.select(Meeting))
        assert meeting.starts_at.astimezone(rules.ZONE).strftime("%d/%m/%Y %H:%M") == (
            "15/12/2023 19:30"
        )


def test_the_committee_sees_gaps_and_clashes(app, client, users, auth):
    planned(app, "ap-cho", attendee="danguy")
    planned(app, "cong-an", starts_at="2023-03-03T20:00", attendee="danguy")
    auth.login(users["committee"])
    page = client.get("/lich/?year=2023&month=3").get_data(as_text=True)
    assert "Trùng lịch" in page
    assert "Chưa có lịch thường kỳ tháng 3" in page and "Chi bộ Quân sự" in page
    assert "Chưa có lịch chuyên đề quý 1" in page
    # A cell that reported its meetings without planning them has no gap.
    with app.app_context():
        make_report("quan-su", 2023, 3)
        make_report("quan-su", 2023, 2, kind="thematic")
        db.session.commit()
    page = client.get("/lich/?year=2023&month=3").get_data(as_text=True)
    regular = re.search(r"Chưa có lịch thường kỳ tháng 3</span>(.*?)</p>", page).group(1)
    thematic = re.search(r"Chưa có lịch chuyên đề quý 1</span>(.*?)</p>", page).group(1)
    assert "Chi bộ Cơ quan" in regular and "Chi bộ Quân sự" not in regular
    assert "Chi bộ Cơ quan" in thematic and "Chi bộ Quân sự" not in thematic


def test_the_committee_assigns_and_a_secretary_may_not(app, client, users, auth):
    meeting_id = planned(app)
    auth.login(users["secretary"])
    assert auth.post(f"/lich/{meeting_id}/nguoi-du", {"attendee": str(users["committee"].id)}).status_code == 403
    auth.logout()
    auth.login(users["committee"])
    assert auth.post(f"/lich/{meeting_id}/nguoi-du", {"attendee": str(users["committee"].id)}).status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).attendee_id == users["committee"].id


def test_followers_are_saved_and_attend_new_meetings(app, client, users, auth):
    auth.login(users["committee"])
    with app.app_context():
        ap_cho = cell("ap-cho").id
    answer = auth.post("/lich/phu-trach", {f"cell-{ap_cho}": str(users["committee"].id)})
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(CellFollower.user_id)).all() == [users["committee"].id]
    meeting_id = planned(app)
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).attendee_id == users["committee"].id


def test_pages_refuse_the_wrong_role_and_bad_parameters(app, client, users, auth):
    meeting_id = planned(app, "cong-an")
    auth.login(users["secretary"])
    assert client.get(f"/lich/{meeting_id}/sua").status_code == 403
    assert client.get("/lich/phu-trach").status_code == 403
    assert client.get("/lich/thong-bao.docx?year=2023&month=3").status_code == 403
    for query in ("year=abc", "year=2023&month=13", "year=2031", "year=2022&month=2"):
        assert client.get(f"/lich/?{query}").status_code in (400, 404)
    assert client.get("/lich/99999999999999/sua").status_code == 404
    auth.logout()
    auth.login(users["committee"])
    assert client.get("/lich/moi").status_code == 403
    assert auth.post("/lich/99999999999999/nguoi-du", {"attendee": ""}).status_code == 404


def test_a_subscription_address_serves_the_feed_until_revoked(app, client, users, auth):
    planned(app)
    auth.login(users["secretary"])
    auth.post("/lich/cua-toi/dia-chi-moi")
    with app.app_context():
        secret = db.session.get(CalendarAccount, users["secretary"].id).feed_secret
    page = client.get("/lich/cua-toi").get_data(as_text=True)
    assert f"/lich/dang-ky/{secret}.ics" in page and "Google Calendar" in page and "iPhone" in page
    auth.logout()
    with app.app_context():
        app.config["TODAY"] = "2023-03-01"
    feed = client.get(f"/lich/dang-ky/{secret}.ics")
    assert feed.status_code == 200
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert len(events) == 1 and str(events[0]["LOCATION"]) == "Hội trường ấp"
    auth.login(users["secretary"])
    auth.post("/lich/cua-toi/dia-chi-moi")
    assert client.get(f"/lich/dang-ky/{secret}.ics").status_code == 404
    auth.post("/lich/cua-toi/thu-hoi")
    with app.app_context():
        assert db.session.get(CalendarAccount, users["secretary"].id).feed_secret is None
    assert client.get("/lich/dang-ky/khong-co.ics").status_code == 404


def test_the_reminder_email_is_checked(app, client, users, auth):
    auth.login(users["secretary"])
    for bad in ("khong hop le", "a@b", "bithu@@example.vn"):
        answer = auth.post("/lich/cua-toi", {"email-email": bad})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400, bad
        assert "Địa chỉ thư điện tử không hợp lệ" in page
        assert "Chưa lưu được địa chỉ nhận nhắc lịch." in page  # not "the calendar is invalid"
        assert 'action="/lich/cua-toi#nhac-lich"' in page  # comes back at the field
    assert auth.post("/lich/cua-toi", {"email-email": "bithu@example.vn"}).status_code == 302


PAGES = [
    # (role, method, url, expected status)
    ("secretary", "GET", "/lich/?year=2023&month=3", 200),
    ("committee", "GET", "/lich/?year=2023&month=3", 200),
    ("admin", "GET", "/lich/?year=2023&month=3", 200),
    ("secretary", "GET", "/lich/moi", 200),
    ("committee", "GET", "/lich/moi", 403),
    ("admin", "GET", "/lich/moi", 200),
    ("secretary", "GET", "/lich/ca-nam", 200),
    ("committee", "GET", "/lich/ca-nam", 403),
    ("secretary", "GET", "/lich/phu-trach", 403),
    ("committee", "GET", "/lich/phu-trach", 200),
    ("secretary", "GET", "/lich/han-nop?year=2023", 403),
    ("committee", "GET", "/lich/han-nop?year=2023", 200),
    ("secretary", "GET", "/lich/thu-nhac", 403),
    ("admin", "GET", "/lich/thu-nhac", 200),
    ("secretary", "GET", "/lich/thong-bao.docx?year=2023&month=3", 403),
    ("committee", "GET", "/lich/thong-bao.docx?year=2023&month=3", 200),
    ("secretary", "GET", "/lich/cua-toi", 200),
    ("committee", "GET", "/lich/cua-toi", 200),
    (None, "GET", "/lich/", 302),
    (None, "GET", "/lich/cua-toi", 302),
]


@pytest.mark.parametrize("role", ["secretary", "committee", "admin", None])
def test_who_opens_which_calendar_page(client, users, auth, role, subtests):
    """Each role signs in once and opens its pages of the table (one subtest a page)."""
    if role:
        auth.login(users[role])
    for _role, method, url, status in (page for page in PAGES if page[0] == role):
        with subtests.test(method=method, url=url):
            assert client.open(url, method=method).status_code == status


def test_cancelling_on_the_page_and_a_reported_meeting_stays(app, client, users, auth):
    first = planned(app)
    auth.login(users["secretary"])
    assert auth.post(f"/lich/{first}/huy").status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, first) is None
    second = planned(app, starts_at="2023-04-03T19:30")
    with app.app_context():
        report_id = make_report("ap-cho", 2023, 4, status="submitted").id
        db.session.commit()
    page = client.get(f"/lich/{second}/sua").get_data(as_text=True)
    assert "không còn đổi hay hủy được" in page
    assert "Lưu lịch mới" not in page and f'href="/reports/{report_id}"' in page
    # On the month, the reported meeting leads to its report, not to moving or reporting it.
    month = client.get("/lich/?year=2023&month=4").get_data(as_text=True)
    assert f'href="/reports/{report_id}"' in month
    assert f"/lich/{second}/sua" not in month and f"meeting={second}" not in month
    auth.post(f"/lich/{second}/huy")
    with app.app_context():
        assert db.session.get(Meeting, second) is not None


def test_the_rule_page_plans_the_year_and_refuses_a_bad_time(app, client, users, auth):
    auth.login(users["secretary"])
    page = auth.post("/lich/ca-nam", {"year": "2023", "day": "3", "time": "25:00", "place": "Hội trường"})
    assert page.status_code == 400
    assert "Giờ phải theo dạng HH:MM" in page.get_data(as_text=True)
    # Both wrong: both messages at once, not one per round.
    page = auth.post("/lich/ca-nam", {"year": "2023", "day": "35", "time": "25:99"})
    text = page.get_data(as_text=True)
    assert re.search(r'id="day-error"[^>]*>Số phải từ 1 đến 31', text)
    assert re.search(r'id="time-error"[^>]*>Giờ phải theo dạng HH:MM', text)
    page = auth.post("/lich/ca-nam", {"year": "2023", "day": "31", "time": "19:30", "place": "Hội trường"})
    assert "Đã lập 12 buổi" in page.get_data(as_text=True)
    with app.app_context():
        days = sorted(m.starts_at.day for m in db.session.scalars(sa.select(Meeting)))
    assert days.count(28) == 1 and days.count(30) == 4 and days.count(31) == 7
