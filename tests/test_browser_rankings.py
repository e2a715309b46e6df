"""The competition dashboard in a real browser, at phone and desktop width."""

import pytest

from .browser import fits_the_screen, save, sign_in
from .conftest import DESKTOP, PHONE
from .ranking_data import make_season


@pytest.fixture
def season(app, prepared):
    app.config["TODAY"] = "2022-11-20"  # November not over: the year is provisional
    prepared(make_season)








@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_dashboard_reads_well_at_every_width(
    live_server, browser_page, users, season, viewport, screenshots_dir
):
    page = browser_page(viewport)
    sign_in(page, live_server, users["secretary"])
    width = viewport["width"]

    page.click("nav.main-nav >> text=Xếp hạng")
    page.wait_for_url(live_server + "/rankings/")
    table = page.locator("table.ranking-table")
    assert table.is_visible()
    assert "Tạm tính" in page.locator(".provisional").inner_text()
    first = table.locator("tbody tr").first
    assert "Chi bộ ấp Chợ" in first.inner_text()
    assert "94,57" in first.inner_text()  # 662 points over April to October
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"rankings-{width}", viewport)

    # Choose a quarter and a category through the filter form.
    page.select_option("select[name=period]", "q3")
    page.select_option("select[name=category]", "sector")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/rankings/?year=2022&period=q3&category=sector")
    assert page.locator("h2#ranking-title").inner_text() == "Quý III/2022 · Chi bộ ngành"
    assert page.locator("table.ranking-table tbody tr").count() == 3
    save(page, screenshots_dir, f"rankings-q3-sector-{width}", viewport)

    page.click("nav.tabs >> text=Điểm từng tháng")
    page.wait_for_url("**/rankings/matrix?year=2022")
    assert page.locator("table.score-matrix td.sq--missing").count() >= 2
    assert page.locator("table.score-matrix td.sq--pending").count() == 1
    assert page.locator("table.score-matrix td.sq--returned").count() == 1
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"rankings-matrix-{width}", viewport)

    page.click("table.score-matrix >> text=Chi bộ Công an")
    page.wait_for_url("**/rankings/cells/cong-an?year=2022")
    assert page.locator("h1").inner_text() == "Chi bộ Công an"
    for chart in ("chart-scores", "chart-attendance", "chart-rank", "chart-years"):
        svg = page.locator(f"svg#{chart}")
        assert svg.is_visible()
        assert svg.locator("title").first.text_content()
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"rankings-cell-{width}", viewport)

    page.goto(live_server + "/rankings/years")
    assert page.locator("table.years-table").is_visible()
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"rankings-years-{width}", viewport)


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
