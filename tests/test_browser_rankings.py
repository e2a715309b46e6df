"""The competition dashboard in a real browser, at phone and desktop width."""

import pytest

from .browser import fits_the_screen, resize, save, sign_in
from .conftest import DESKTOP, PHONE
from .ranking_data import make_season


@pytest.fixture
def season(app, prepared):
    app.config["TODAY"] = "2022-11-20"  # November not over: the year is provisional
    prepared(make_season)


def both_widths(page, screenshots_dir, name: str) -> None:
    """The page as loaded fits a phone and a desk (resized; the layout follows the width)."""
    for viewport in (PHONE, DESKTOP):
        resize(page, viewport)
        assert fits_the_screen(page, viewport), (name, viewport["width"])
        save(page, screenshots_dir, f"{name}-{viewport['width']}", viewport)
    page.set_viewport_size(PHONE)


def name_lines(page) -> int:
    """The most lines a cell's name takes in the standings."""
    return page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('.ranking-table__name a')]
            .map(a => a.getClientRects().length))"""
    )


@pytest.mark.backends("sqlite")
def test_dashboard_reads_well_at_every_width(
    live_server, browser_page, users, season, screenshots_dir
):
    """Walked on a phone through the menu, tabs and links; each page also laid out on a desk."""
    page = browser_page(PHONE)
    sign_in(page, live_server, users["secretary"])

    page.click("nav.main-nav >> text=Xếp hạng")
    page.wait_for_url(live_server + "/rankings/")
    table = page.locator("table.ranking-table")
    assert table.is_visible()
    assert "Tạm tính" in page.locator(".provisional").inner_text()
    first = table.locator("tbody tr").first
    assert "Chi bộ ấp Chợ" in first.inner_text()
    assert "94,57" in first.inner_text()  # 662 points over April to October
    both_widths(page, screenshots_dir, "rankings")
    resize(page, DESKTOP)
    assert name_lines(page) <= 2  # a grade note or a badge does not squeeze the names
    page.set_viewport_size(PHONE)

    # Choose a quarter and a category through the filter form.
    page.select_option("select[name=period]", "q3")
    page.select_option("select[name=category]", "sector")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/rankings/?year=2022&period=q3&category=sector")
    assert page.locator("h2#ranking-title").inner_text() == "Quý III/2022 · Chi bộ ngành"
    assert page.locator("table.ranking-table tbody tr").count() == 3
    both_widths(page, screenshots_dir, "rankings-q3-sector")

    page.click("nav.tabs >> text=Điểm từng tháng")
    page.wait_for_url("**/rankings/matrix?year=2022")
    assert page.locator("table.score-matrix td.sq--missing").count() >= 2
    assert page.locator("table.score-matrix td.sq--pending").count() == 1
    assert page.locator("table.score-matrix td.sq--returned").count() == 1
    both_widths(page, screenshots_dir, "rankings-matrix")

    page.click("table.score-matrix >> text=Chi bộ Công an")
    page.wait_for_url("**/rankings/cells/cong-an?year=2022")
    assert page.locator("h1").inner_text() == "Chi bộ Công an"
    for chart in ("chart-scores", "chart-attendance", "chart-rank", "chart-years"):
        svg = page.locator(f"svg#{chart}")
        assert svg.is_visible()
        assert svg.locator("title").first.text_content()
    both_widths(page, screenshots_dir, "rankings-cell")

    page.goto(live_server + "/rankings/years")
    assert page.locator("table.years-table").is_visible()
    both_widths(page, screenshots_dir, "rankings-years")


@pytest.mark.backends("sqlite")
def test_the_pages_break_no_content_security_rule(live_server, browser_page, users, season):
    page = browser_page(DESKTOP)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, live_server, users["committee"])
    for path in ("/rankings/", "/rankings/matrix", "/rankings/years", "/rankings/cells/ap-cho"):
        page.goto(live_server + path)
        page.wait_for_load_state("load")
    assert violations == []
