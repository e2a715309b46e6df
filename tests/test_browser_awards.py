"""The award proposal in a real browser, at phone and desktop width."""

import pytest

from .award_data import TODAY, make_award_season
from .browser import fits_the_screen, save, sign_in
from .conftest import DESKTOP, PHONE


@pytest.fixture
def season(app, prepared):
    app.config["TODAY"] = TODAY
    prepared(make_award_season)








def cell_names(page) -> list[str]:
    return page.locator("#tap-the .award-item h3").all_inner_texts()


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_committee_draws_up_and_closes_the_proposal(
    live_server, browser_page, users, season, viewport, screenshots_dir
):
    page = browser_page(viewport)
    width = viewport["width"]
    sign_in(page, live_server, users["committee"])

    page.goto(live_server + "/awards/")
    assert page.locator(".award-year").count() == 4
    save(page, screenshots_dir, f"awards-years-{width}", viewport)
    page.click("text=Năm 2022")
    page.wait_for_url(live_server + "/awards/2022")
    assert page.locator(".status-chip--open").is_visible()
    assert cell_names(page) == ["Chi bộ ấp Chợ", "Chi bộ Quân sự"]
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"awards-default-{width}", viewport)

    page.click("button:has-text('Tạo đề xuất mặc định')")
    page.wait_for_url(live_server + "/awards/2022")
    assert "Đã tạo đề xuất mặc định" in page.locator(".flash").inner_text()

    # Reorder with the arrow buttons (plain forms, no script).
    page.click("button[aria-label='Chuyển Chi bộ ấp Chợ xuống']")
    page.wait_for_load_state()
    assert cell_names(page) == ["Chi bộ Quân sự", "Chi bộ ấp Chợ"]

    # Edit a summary: the page comes back on the entry.
    summary = page.locator("#tap-the .award-item").first.locator("textarea")
    summary.fill("Đơn vị dẫn đầu khối ngành; 9/9 kỳ đạt loại Tốt")
    page.locator("#tap-the .award-item").first.locator("button:has-text('Lưu')").click()
    page.wait_for_load_state()
    assert page.locator(".flash").inner_text() == "Đã lưu."
    saved = page.locator("#tap-the .award-item").first.locator("textarea").input_value()
    assert saved == "Đơn vị dẫn đầu khối ngành; 9/9 kỳ đạt loại Tốt"
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"awards-edit-{width}", viewport)

    # Closing asks for the confirmation first.
    page.click("button:has-text('Khóa sổ năm 2022')")
    page.wait_for_load_state()
    assert "Đánh dấu để xác nhận" in page.locator("#khoa-so").inner_text()
    page.check("#close-confirm")
    page.click("button:has-text('Khóa sổ năm 2022')")
    page.wait_for_load_state()
    assert page.locator(".status-chip--closed").is_visible()
    assert "Năm thi đua 2022 đã khóa sổ" in page.locator(".award-closed-note").inner_text()
    assert page.locator("button:has-text('Chuyển')").count() == 0
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"awards-closed-{width}", viewport)


@pytest.mark.backends("sqlite")
def test_saving_one_entry_asks_before_dropping_the_changes_typed_in_another(
    live_server, browser_page, users, season
):
    page = browser_page(DESKTOP)
    sign_in(page, live_server, users["committee"], then="/awards/2022")
    page.click("button:has-text('Tạo đề xuất mặc định')")
    page.wait_for_url(live_server + "/awards/2022")
    items = page.locator("#tap-the .award-item")
    items.nth(0).locator("textarea").fill("Thành tích đã gõ, chưa lưu")
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.dismiss() if len(questions) == 1 else dialog.accept()

    page.on("dialog", answer)
    items.nth(1).locator("button:has-text('Lưu')").click()
    page.wait_for_timeout(200)
    assert questions == [
        "Các thay đổi chưa lưu ở Chi bộ ấp Chợ sẽ mất nếu gửi biểu mẫu này. Vẫn gửi?"
    ]
    assert items.nth(0).locator("textarea").input_value() == "Thành tích đã gõ, chưa lưu"
    with page.expect_navigation():
        items.nth(1).locator("button:has-text('Lưu')").click()  # she chooses to go on
    assert len(questions) == 2
