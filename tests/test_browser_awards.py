"""The award proposal in a real browser, at phone and desktop width."""

import pytest

from tracker.extensions import db

from .award_data import TODAY, make_award_season
from .conftest import DESKTOP, PHONE
from .helpers import PASSWORD


@pytest.fixture
def season(app):
    app.config["TODAY"] = TODAY
    with app.app_context():
        make_award_season()
        db.session.commit()


def sign_in(page, live_server, account):
    page.goto(live_server + "/login")
    page.fill("input[name=username]", account.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/")


def save(page, directory, name, viewport):
    """A full-page screenshot, plus screen-sized parts of a long page for people to read."""
    page.screenshot(path=directory / f"{name}.png", full_page=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    for part, top in enumerate(range(0, height, viewport["height"])):
        clip = {
            "x": 0,
            "y": top,
            "width": viewport["width"],
            "height": min(viewport["height"], height - top),
        }
        page.screenshot(path=directory / f"{name}-part{part + 1}.png", full_page=True, clip=clip)


def fits_the_screen(page, viewport) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


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
