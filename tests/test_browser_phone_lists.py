"""At 360 px every list shows its main facts and its action without sideways scrolling, and a
table that must scroll is reachable by keyboard (issue 12, item 7); waiting reads as waiting."""

from __future__ import annotations

import pytest

from .browser import fits_the_screen, resize, shot, sign_in
from .conftest import DESKTOP, PHONE
from .ranking_data import make_season


@pytest.fixture
def season(app, prepared):
    app.config["TODAY"] = "2022-11-20"
    prepared(make_season)  # cong-an's August report waits in the queue


def in_view(page, selector: str, viewport: dict) -> bool:
    """The element's box lies inside the screen's width."""
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]


@pytest.mark.backends("sqlite")
def test_the_review_queue_shows_its_action_on_a_phone(
    app, live_server, browser_page, users, season, screenshots_dir
):
    page = browser_page(PHONE)
    sign_in(page, live_server, users["committee"].username, then="/reports/queue")
    assert fits_the_screen(page, PHONE)
    assert in_view(page, "a.button:has-text('Duyệt')", PHONE)
    # The cell name opens the review too.
    assert page.locator(".stack-table__title a").first.get_attribute("href").endswith("/review")
    shot(page, screenshots_dir, "ux_queue_360.png")


@pytest.mark.backends("sqlite")
def test_the_secretarys_report_list_shows_status_score_and_grade_on_a_phone(
    app, live_server, browser_page, users, season
):
    page = browser_page(PHONE)
    sign_in(page, live_server, users["secretary"].username, then="/reports/?year=2022")
    assert fits_the_screen(page, PHONE)
    first = page.locator(".stack-table tbody tr").first
    for label in ("Trạng thái", "Điểm", "Xếp loại"):
        cell = first.locator(f"td[data-label='{label}']")
        box = cell.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"], label
    # She has one cell: its name is not repeated on every row.
    assert "Chi bộ ấp Chợ" not in first.inner_text()
    # A tap anywhere on the card opens the report, not only on its title.
    target = first.locator(".stack-table__title a").get_attribute("href")
    box = first.locator("td[data-label='Xếp loại']").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(f"**{target}")


@pytest.mark.backends("sqlite")
def test_the_committee_home_lists_cells_as_cards_on_a_phone(
    app, live_server, browser_page, users, season
):
    page = browser_page(PHONE)
    sign_in(page, live_server, users["committee"].username)
    assert fits_the_screen(page, PHONE)
    name = page.locator(".stack-table__title").first
    # One or two lines, not five.
    assert name.bounding_box()["height"] < 60


@pytest.mark.backends("sqlite")
def test_a_table_that_scrolls_sideways_takes_keyboard_focus(
    app, live_server, browser_page, users, season
):
    page = browser_page(PHONE)
    sign_in(page, live_server, users["committee"].username, then="/rankings/matrix?year=2022")
    page.wait_for_load_state("load")
    unreachable = page.evaluate(
        """() => Array.from(document.querySelectorAll('.table-wrap'))
              .filter(w => w.offsetParent && w.scrollWidth > w.clientWidth + 1)
              .filter(w => w.tabIndex < 0 || !w.getAttribute('aria-label')).length"""
    )
    scrolling = page.evaluate(
        """() => Array.from(document.querySelectorAll('.table-wrap'))
              .filter(w => w.offsetParent && w.scrollWidth > w.clientWidth + 1).length"""
    )
    assert scrolling >= 1
    assert unreachable == 0


@pytest.mark.backends("sqlite")
def test_the_standings_say_waiting_not_kem_in_the_browser(
    app, live_server, browser_page, users, season
):
    page = browser_page(PHONE)
    sign_in(page, live_server, users["committee"].username, then="/rankings/?year=2022&period=m8")
    for viewport in (PHONE, DESKTOP):
        resize(page, viewport)
        row = page.locator("tr[data-cell='cong-an']")
        assert row.locator(".gap--submitted").first.is_visible()
        assert "Kém" not in row.inner_text()
        assert fits_the_screen(page, viewport)
