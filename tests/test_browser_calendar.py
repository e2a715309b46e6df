"""The calendar in a real browser: a secretary plans on a 360 px phone, the committee sees the
month grid and assigns at 1280 px, and the phone shows the month as a list by day."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Meeting, User
from tracker.schedule import service

from .browser import fits_the_screen, save, sign_in
from .conftest import PHONE
from .factories import cell

DESK = {"width": 1280, "height": 900}


def planned(app, code, starts_at, attendee=None):
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        meeting = service.plan_meeting(admin, service.check_meeting(
            cell=cell(code), cell_named=True, kind="regular", starts_at=starts_at,
            place="Hội trường", topic=""))
        if attendee:
            service.assign_attendee(admin, meeting, attendee)
        db.session.commit()
        return meeting.id


@pytest.mark.backends("sqlite")
def test_a_secretary_plans_a_year_and_moves_one_meeting_on_a_phone(app, live_server, browser_page, users, screenshots_dir):
    app.config["TODAY"] = "2023-02-20"
    phone = browser_page(PHONE)
    sign_in(phone, live_server, users["secretary"].username)
    phone.click("text=Lịch sinh hoạt")
    phone.wait_for_url(re.compile(r".*/lich/"))
    assert fits_the_screen(phone, PHONE)
    phone.click("text=Lập lịch cả năm")
    phone.select_option("select[name=year]", "2023")
    phone.fill("input[name=day]", "3")
    phone.fill("input[name=time]", "19:30")
    phone.fill("input[name=place]", "Hội trường ấp Chợ")
    phone.click("button:has-text('Lập lịch cả năm')")
    assert phone.locator("text=Đã lập 12 buổi").is_visible()
    assert fits_the_screen(phone, PHONE)
    save(phone, screenshots_dir, "calendar-rule-360")

    phone.goto(live_server + "/lich/?year=2023&month=3")
    assert phone.locator(".cal-grid").is_hidden()  # a list by day on a phone
    card = phone.locator(".cal-card").first
    assert "19:30" in card.inner_text() and "Hội trường ấp Chợ" in card.inner_text()
    card.locator("text=Đổi lịch").click()
    phone.fill("input[name=day]", "05/03/2023")
    phone.fill("input[name=time]", "7:30")
    phone.click("button:has-text('Lưu lịch mới')")
    phone.wait_for_url(re.compile(r".*/lich/\?year=2023&month=3"))
    assert "Thứ Hai, 06/03/2023" not in phone.content()
    assert phone.locator("h2.cal-days__date").first.inner_text() == "Chủ nhật, 05/03/2023"
    assert fits_the_screen(phone, PHONE)
    save(phone, screenshots_dir, "calendar-month-360")

    # A refusal is shown beside the field.
    phone.goto(live_server + "/lich/moi")
    phone.fill("input[name=day]", "20/03/2023")
    phone.fill("input[name=time]", "19:30")
    phone.click("button:has-text('Lập lịch')")
    assert phone.locator(".field__error", has_text="đã có lịch sinh hoạt thường kỳ tháng 3/2023").is_visible()
    assert fits_the_screen(phone, PHONE)


@pytest.mark.backends("sqlite")
def test_the_committee_sees_the_grid_clashes_and_assigns_on_a_desk(app, live_server, browser_page, users, screenshots_dir):
    app.config["TODAY"] = "2023-03-01"
    first = planned(app, "ap-cho", "2023-03-03T19:30", attendee="danguy")
    planned(app, "cong-an", "2023-03-03T20:00", attendee="danguy")
    planned(app, "quan-su", "2023-03-14T07:30")
    desk = browser_page(DESK)
    sign_in(desk, live_server, users["committee"].username)
    desk.goto(live_server + "/lich/?year=2023&month=3")
    assert desk.locator(".cal-grid").is_visible()
    assert desk.locator(".cal-grid .cal-meeting").count() == 3
    assert desk.locator(".cal-grid .cal-meeting--clash").count() == 2
    assert desk.locator(".cal-warnings", has_text="Trùng lịch").is_visible()
    assert fits_the_screen(desk, DESK)
    save(desk, screenshots_dir, "calendar-month-1280", DESK)

    desk.select_option(f"#attendee-{first}", label="Admin")
    desk.click(f"#meeting-{first} button:has-text('Phân công')")
    desk.wait_for_load_state()
    assert desk.locator(".flash", has_text="Đã phân công").is_visible()
    assert desk.locator(".cal-warnings", has_text="Trùng lịch").count() == 0
    with app.app_context():
        assert db.session.get(Meeting, first).attendee.username == "admin"

    desk.goto(live_server + "/lich/phu-trach")
    assert fits_the_screen(desk, DESK)
    save(desk, screenshots_dir, "calendar-followers-1280", DESK)


@pytest.mark.backends("sqlite")
def test_the_committee_assigns_on_a_phone_and_the_subscription_page_fits(app, live_server, browser_page, users, screenshots_dir):
    app.config["TODAY"] = "2023-03-01"
    meeting_id = planned(app, "ap-cho", "2023-03-03T19:30")
    phone = browser_page(PHONE)
    sign_in(phone, live_server, users["committee"].username)
    phone.goto(live_server + "/lich/?year=2023&month=3")
    phone.select_option(f"#attendee-{meeting_id}", label="Danguy")
    phone.click(f"#meeting-{meeting_id} button:has-text('Phân công')")
    phone.wait_for_load_state()
    assert "Đảng ủy viên dự: Danguy" in phone.locator(f"#meeting-{meeting_id}").inner_text()
    assert fits_the_screen(phone, PHONE)
    phone.goto(live_server + "/lich/cua-toi")
    phone.click("button:has-text('Tạo địa chỉ lịch')")
    address = phone.locator("#feed-address").inner_text()
    assert "/lich/dang-ky/" in address
    assert fits_the_screen(phone, PHONE)
    save(phone, screenshots_dir, "calendar-subscription-360")
    feed = phone.request.get(address)
    assert feed.status == 200 and "BEGIN:VTIMEZONE" in feed.text()
