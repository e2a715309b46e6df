"""Filing a report on a phone and reviewing it on a desktop, in a real browser."""

import re

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Report, ReportStatus

from .browser import fits_the_screen, save, sign_in
from .conftest import DESKTOP, PHONE
from .factories import members_of
from .reporting import SCORES


@pytest.mark.backends("sqlite")
def test_a_secretary_files_on_a_phone_and_the_committee_reviews_on_a_desktop(
    app, live_server, browser_page, users, screenshots_dir
):
    with app.app_context():
        members = [m for m in members_of("ap-cho") if m.active and not m.exempted]
        absent, speakers = members[4], members[:6]
        # Young in 2022 but not in 2025: the live count must follow the chosen year.
        borderline = next(m for m in members if 2022 - m.birth_year < 35 <= 2025 - m.birth_year)
        speakers.append(borderline)

    # --- The secretary, on a 360 px phone.
    phone = browser_page(PHONE)
    sign_in(phone, live_server, users["secretary"].username)
    phone.click("text=Lập báo cáo sinh hoạt")
    phone.wait_for_url(re.compile(r".*/reports/new"))
    assert fits_the_screen(phone, PHONE)
    phone.select_option("select[name=year]", "2022")
    phone.select_option("select[name=month]", "5")
    phone.fill("input[name=held_on]", "10/05/2022")
    phone.fill("input[name=duration_minutes]", "120")
    phone.fill("input[name=chaired_by]", members[0].full_name)
    phone.fill("input[name=minutes_taker]", members[2].full_name)

    reason = phone.locator(f"input[name=reason-{absent.id}]")
    assert reason.is_hidden()  # shown only for an absence
    phone.select_option(f"select[name=status-{absent.id}]", "absent_excused")
    assert reason.is_visible()
    reason.fill("Đi công tác")
    for member in speakers:
        if member.id != absent.id:
            phone.check(f"input[name=spoke-{member.id}]")
    assert phone.locator('[data-count="absent_excused"]').inner_text() == "1"
    assert phone.locator('[data-count="speakers"]').inner_text() == "6"
    young = [m for m in speakers if m.id != absent.id and 2022 - m.birth_year < 35]
    assert borderline in young
    assert phone.locator('[data-count="young_speakers"]').inner_text() == str(len(young))
    assert phone.locator(f"input[name=spoke-{absent.id}]").is_disabled()

    for box in ("ideology_covered", "criticism_done", "resolution_voted", "minutes_complete"):
        phone.check(f"input[name={box}]")
    phone.click('button[data-apply="attendance"]')
    assert phone.input_value("input[name=score-attendance]") == "15"
    for code, points in SCORES.items():
        if code != "attendance":
            phone.fill(f"input[name=score-{code}]", str(points).replace(".", ","))
    assert phone.locator("#score-total").inner_text() == "94,5"
    assert phone.locator("#score-grade").inner_text() == "Tốt"
    assert fits_the_screen(phone, PHONE)
    save(phone, screenshots_dir, "report-form-360")

    phone.check("input[name=confirm_no_minutes]")  # issue 12: no minutes, said explicitly
    phone.click("button[value=submit]")
    phone.wait_for_url(re.compile(r".*/reports/\d+$"))
    assert "Đã gửi báo cáo" in phone.content()
    assert phone.locator(".status--submitted").first.inner_text() == "Chờ duyệt"
    assert fits_the_screen(phone, PHONE)
    save(phone, screenshots_dir, "report-submitted-360")
    report_id = int(phone.url.rsplit("/", 1)[1])

    # --- The committee, on a desktop.
    desk = browser_page(DESKTOP)
    sign_in(desk, live_server, users["committee"].username)
    desk.goto(live_server + "/reports/queue")
    save(desk, screenshots_dir, "review-queue-1366")
    desk.click(f'a[href="/reports/{report_id}/review"]')
    desk.wait_for_url(re.compile(rf".*/reports/{report_id}/review"))
    desk.fill("input[name=final-preparation]", "12")
    assert desk.locator("#score-total").inner_text() == "92,5"
    desk.fill(
        "textarea[name=comment]",
        "Buổi sinh hoạt chuẩn bị tốt; đề nghị đảng viên trẻ phát biểu nhiều hơn.",
    )
    save(desk, screenshots_dir, "report-review-1366")
    desk.click("button[value=approve]")
    desk.wait_for_url(live_server + "/reports/queue")
    assert "Đã duyệt báo cáo: 92,5 điểm, xếp loại Tốt." in desk.content()
    desk.goto(f"{live_server}/reports/{report_id}")
    assert "14 → 12" in desk.content()
    save(desk, screenshots_dir, "report-approved-1366")

    # --- The secretary sees the outcome and the comment at home.
    phone.goto(live_server + "/")
    assert "đề nghị đảng viên trẻ phát biểu nhiều hơn" in phone.content()
    assert fits_the_screen(phone, PHONE)
    save(phone, screenshots_dir, "home-outcome-360")

    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.status is ReportStatus.APPROVED and report.final_total_half_points == 185
        assert (report.absent_excused, report.speakers, report.young_speakers) == (1, 6, len(young))


@pytest.mark.backends("sqlite")
def test_the_form_works_with_javascript_off(app, live_server, chromium, users, screenshots_dir):
    context = chromium.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, users["secretary"].username, then="/reports/new")
        page.select_option("select[name=year]", "2022")
        page.select_option("select[name=month]", "6")
        page.fill("input[name=held_on]", "8")  # the day of the chosen month (issue 12)
        page.fill("input[name=duration_minutes]", "100")
        # The server fills the suggested points.
        page.click("button[value=suggest]")
        assert page.input_value("input[name=score-attendance]") == "15"
        assert page.input_value("input[name=score-duration]") == "5"
        for code, points in SCORES.items():
            if code not in ("attendance", "duration", "speaking"):
                page.fill(f"input[name=score-{code}]", str(points).replace(".", ","))
        save(page, screenshots_dir, "report-form-nojs-360")
        page.click("button[value=draft] >> nth=1")
        # A draft stays on the form (issue 12).
        page.wait_for_url(re.compile(r".*/reports/\d+/edit\?saved=1$"))
        assert "Đã lưu nháp lúc" in page.content()
    finally:
        context.close()
    with app.app_context():
        report = db.session.scalar(sa.select(Report))
        assert report.status is ReportStatus.DRAFT and report.month == 6
        assert report.self_total_half_points > 0
