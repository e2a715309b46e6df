"""The year's review and nhân rộng in a real browser, at 360 px and 1280 px."""

from __future__ import annotations

import pytest

from tracker.extensions import db

from .browser import fits_the_screen, save, sign_in
from .conftest import PHONE
from .factories import make_report
from .ranking_data import make_season

WIDE = {"width": 1280, "height": 900}
VIEWPORTS = pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "360"])


@pytest.fixture
def two_years(app, prepared):
    """2022's season and a few months of 2023; today is in February 2024."""
    app.config["TODAY"] = "2024-02-10"

    def build():
        make_season()
        for month in range(1, 13):
            make_report("ap-cho", 2023, month, total=92, attendance=(20, 1, 17, 2, 0))
            make_report("cong-an", 2023, month, total=85, attendance=(15, 0, 14, 1, 0))

    prepared(build)


@pytest.mark.backends("sqlite")
@VIEWPORTS
def test_the_committee_writes_the_review_beside_the_figures(
    live_server, browser_page, users, two_years, viewport, screenshots_dir
):
    page = browser_page(viewport)
    width = viewport["width"]
    sign_in(page, live_server, users["committee"])
    page.goto(live_server + "/review/")
    page.wait_for_url(live_server + "/review/2024")
    page.goto(live_server + "/review/2023")
    assert page.locator("h1").inner_text() == "Sơ kết thi đua năm 2023"
    figures = page.locator("table.review-figures")
    assert figures.is_visible()
    assert "Năm 2022" in figures.inner_text()
    chart = page.locator("#chart-month-attendance")
    assert chart.is_visible()
    assert chart.get_attribute("role") == "img"
    box = chart.bounding_box()
    assert box["width"] <= width
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"review-page-{width}", viewport)

    page.fill(
        "#assessment", "Ưu điểm: các chi bộ sinh hoạt đều.\nHạn chế: đảng viên trẻ ít phát biểu."
    )
    page.fill("#direction", "Mỗi quý một buổi chuyên đề về Bác.")
    page.click("button:has-text('Lưu bản dự thảo')")
    page.wait_for_load_state()
    assert "Đã lưu bản dự thảo" in page.locator(".flash").inner_text()
    assert "Hạn chế: đảng viên trẻ ít phát biểu." in page.locator("#assessment").input_value()
    assert fits_the_screen(page, viewport)

    with page.expect_download() as download:
        page.click("text=Tải báo cáo sơ kết (Word)")
    assert download.value.suggested_filename.endswith(".docx")

    page.click("text=Các chỉ số qua các năm")
    page.wait_for_url(live_server + "/review/2023/indicators")
    assert page.locator("svg.chart").count() >= 11
    assert (
        page.locator("#chart-attendance-title").text_content() == "Tỷ lệ dự sinh hoạt qua các năm"
    )
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"review-indicators-{width}", viewport)


@pytest.mark.backends("sqlite")
@VIEWPORTS
def test_a_secretary_reads_another_cells_exemplary_meeting(
    live_server, browser_page, users, app, viewport, screenshots_dir
):
    app.config["TODAY"] = "2023-02-01"
    with app.app_context():
        report = make_report("cong-an", 2022, 6, total=96)
        report.topic = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
        db.session.commit()
        report_id = report.id
    width = viewport["width"]
    committee = browser_page(viewport)
    sign_in(committee, live_server, users["committee"])
    committee.goto(f"{live_server}/reports/{report_id}")
    committee.fill("#note", "Chuẩn bị kỹ dự thảo nghị quyết; đảng viên trẻ được giao ý kiến trước.")
    committee.click("button:has-text('Chọn làm mô hình hay')")
    committee.wait_for_url(f"{live_server}/exemplary/{report_id}")
    assert (
        "Đã đưa buổi sinh hoạt vào danh sách mô hình hay"
        in committee.locator(".flash").inner_text()
    )

    page = browser_page(viewport)
    sign_in(page, live_server, users["secretary"])  # ấp Chợ, not Công an
    if width < 600 and page.locator(".nav-toggle, button[aria-controls]").count():
        page.locator(".nav-toggle, button[aria-controls]").first.click()
    page.click("nav >> text=Mô hình hay")
    page.wait_for_url(live_server + "/exemplary/")
    assert "Chi bộ Công an" in page.locator(".exemplary").first.inner_text()
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"exemplary-list-{width}", viewport)
    page.click(".exemplary__title a")
    page.wait_for_url(f"{live_server}/exemplary/{report_id}")
    assert "đảng viên trẻ được giao ý kiến trước" in page.locator(".exemplary-note").inner_text()
    assert page.locator("form[action$='/mark']").count() == 0
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"exemplary-view-{width}", viewport)
    answer = page.goto(f"{live_server}/reports/{report_id}")
    assert answer.status == 403
