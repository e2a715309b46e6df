"""Layout in a real browser: nothing sticks out sideways on a phone, every menu item shows,
the report form lines up and fits, the charts' text stays legible."""

from __future__ import annotations

import itertools

import pytest

from tracker.extensions import db

from .browser import fits_the_screen, resize, save, sign_in
from .conftest import DESKTOP, PHONE
from .factories import make_report
from .ranking_data import make_season


@pytest.fixture
def season(app, prepared):
    """2022's season, and two months of 2023 where two cells tie (shared ranks)."""
    app.config["TODAY"] = "2023-03-20"

    def build():
        make_season()
        make_season(
            year=2023,
            season={"ap-cho": [80, 80], "cong-an": [80, 80]},
            thematic={},
            first_month=1,
        )

    prepared(build)


TABLE_PAGES = {
    "secretary": [
        "/rankings/years",
        "/rankings/",
        "/rankings/matrix",
        "/rankings/cells/ap-cho",
        "/reports/",
        "/reports/attendance",
    ],
    "committee": [
        "/rankings/years",
        "/rankings/matrix?year=2022",
        "/reports/outstanding?year=2022",
        "/reports/queue",
        "/reports/attendance?cell=ap-cho&year=2022",
    ],
    "admin": ["/rankings/years", "/audit/", "/admin/cells", "/admin/accounts"],
}


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("role", sorted(TABLE_PAGES))
def test_table_pages_do_not_widen_a_phone_screen(
    live_server, browser_page, users, season, role, screenshots_dir
):
    page = browser_page(PHONE)
    sign_in(page, live_server, users[role])
    for path in TABLE_PAGES[role]:
        page.goto(live_server + path)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (path, width)
        assert fits_the_screen(page, PHONE), path
    page.goto(live_server + "/rankings/years")
    # The page has shared ranks, whose hidden "(đồng hạng)" once escaped the table's box.
    assert page.locator(".years-table .rank--shared").count() >= 2
    assert "(đồng hạng)" in page.locator(".years-table").inner_text()
    save(page, screenshots_dir, f"layout-years-{role}-360", PHONE)


@pytest.mark.backends("sqlite")
def test_every_menu_item_shows_whole(live_server, browser_page, users):
    page = browser_page(PHONE)
    sign_in(page, live_server, users["admin"])  # the longest menu
    for viewport in (PHONE, DESKTOP):
        resize(page, viewport)
        items = page.locator("nav.main-nav a")
        assert items.count() >= 8
        inner = page.locator(".main-nav__inner")
        assert inner.evaluate("el => el.scrollWidth <= el.clientWidth")
        for index in range(items.count()):
            item = items.nth(index)
            box = item.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], item.inner_text()
            assert item.evaluate("el => el.scrollWidth <= el.clientWidth"), item.inner_text()
        assert fits_the_screen(page, viewport)
        # The header's links and buttons are targets of 24 px at least (WCAG 2.5.8).
        for target in page.locator(".user-box a, .user-box button").all():
            assert target.bounding_box()["height"] >= 24, (viewport["width"], target.inner_text())


# --------------------------------------------------------------------------------------------
# The report form


LONGEST_CHOICE_FITS = """select => {
    const style = getComputedStyle(select);
    const context = document.createElement("canvas").getContext("2d");
    context.font = style.font;
    const longest = Math.max(...Array.from(select.options).map(o => context.measureText(o.text).width));
    // The room for the text: the box less its padding and the drop-down arrow (about 20 px).
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
    return [longest, room];
}"""


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_report_form_fits_and_lines_up(
    live_server, browser_page, users, season, viewport, screenshots_dir
):
    page = browser_page(viewport)
    sign_in(page, live_server, users["secretary"], then="/reports/new?year=2022&month=12")

    # A suggestion's "Dùng" shows only when there is a suggestion.
    page.fill("input[name=duration_minutes]", "")
    page.locator("input[name=duration_minutes]").dispatch_event("input")
    assert page.locator('[data-suggest="duration"]').inner_text() == "—"
    assert page.locator('button[data-apply="duration"]').is_hidden()
    page.fill("input[name=duration_minutes]", "95")
    assert page.locator('[data-suggest="duration"]').inner_text() == "5"
    assert page.locator('button[data-apply="duration"]').is_visible()
    page.click('button[data-apply="duration"]')
    assert page.input_value("input[name=score-duration]") == "5"
    page.fill("input[name=duration_minutes]", "")
    page.locator("input[name=duration_minutes]").dispatch_event("input")
    assert page.locator('button[data-apply="duration"]').is_hidden()
    # Without a suggestion the attendance one always exists (0 without members present).
    assert page.locator('button[data-apply="attendance"]').is_visible()

    # Every score box starts at the same place, with or without a suggestion beside it.
    lefts = {round(box["x"]) for box in _boxes(page, "input[data-code]")}
    assert len(lefts) == 1, lefts

    # The attendance choice shows whole: "Vắng không lý do".
    longest, room = page.locator(".member select").first.evaluate(LONGEST_CHOICE_FITS)
    assert longest <= room, (longest, room)
    assert fits_the_screen(page, viewport)
    save(page, screenshots_dir, f"layout-report-form-{viewport['width']}", viewport)


def _boxes(page, selector):
    locator = page.locator(selector)
    return [locator.nth(i).bounding_box() for i in range(locator.count())]


@pytest.mark.backends("sqlite")
def test_the_sticky_bar_of_a_returned_report_is_one_row_on_a_phone(
    app, live_server, browser_page, users, season
):
    with app.app_context():
        report_id = make_report("ap-cho", 2023, 3, total=80, status="returned").id
        db.session.commit()
    page = browser_page(PHONE)
    sign_in(page, live_server, users["secretary"], then=f"/reports/{report_id}/edit")
    buttons = _boxes(page, ".actions--sticky .button")
    assert len(buttons) == 3  # save, resubmit, cancel
    assert len({round(box["y"]) for box in buttons}) == 1, buttons
    assert all(box["x"] + box["width"] <= PHONE["width"] for box in buttons)
    texts = page.locator(".actions--sticky .button").evaluate_all(
        "els => els.map(el => el.scrollWidth <= el.clientWidth)"
    )
    assert all(texts)  # no button's label is cut


@pytest.mark.backends("sqlite")
def test_the_attendance_register_headers_wrap_sensibly(live_server, browser_page, users, season):
    page = browser_page(PHONE)
    sign_in(page, live_server, users["committee"], then="/reports/attendance?cell=ap-cho&year=2022")
    for viewport in (PHONE, DESKTOP):
        resize(page, viewport)
        heights = page.locator("table.register thead th").evaluate_all(
            "els => els.map(el => [el.textContent.trim(), el.getBoundingClientRect().height])"
        )
        line = page.locator("table.register thead th").first.evaluate(
            "el => parseFloat(getComputedStyle(el).lineHeight)"
        )
        for text, height in heights:
            # At most three lines, not a word each.
            assert height <= 3 * line + 16, (viewport["width"], text, height)


# --------------------------------------------------------------------------------------------
# Charts


CHART_TEXT = """svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return Array.from(svg.querySelectorAll("text")).map(t => {
        const box = t.getBoundingClientRect();
        return {
            cls: t.getAttribute("class"), text: t.textContent,
            size: parseFloat(getComputedStyle(t).fontSize) * scale,
            left: box.left, right: box.right, top: box.top, bottom: box.bottom,
        };
    });
}"""


def _run_together(a, b, gap: float = 4) -> bool:
    """Two labels on the same line closer than ``gap`` pixels (or overlapping)."""
    same_line = a["top"] < b["bottom"] and b["top"] < a["bottom"]
    return same_line and a["left"] < b["right"] + gap and b["left"] < a["right"] + gap


@pytest.mark.backends("sqlite")
def test_chart_text_is_legible_and_month_labels_do_not_run_together(
    app, live_server, browser_page, users, season, screenshots_dir
):
    app.config["TODAY"] = "2024-01-10"  # every month of 2023 has ended: 12 labels a chart
    page = browser_page(PHONE)
    sign_in(page, live_server, users["committee"])
    page.goto(live_server + "/rankings/cells/ap-cho?year=2023")  # 12 months
    for viewport in (PHONE, DESKTOP):
        resize(page, viewport)
        for chart in ("chart-scores", "chart-attendance", "chart-rank", "chart-years"):
            svg = page.locator(f"svg#{chart}")
            assert svg.locator("title").first.text_content()
            assert svg.locator("desc").first.text_content()
            texts = svg.evaluate(CHART_TEXT)
            for text in texts:
                if text["text"].strip():
                    assert text["size"] >= 10.9, (chart, text)
            labels = [t for t in texts if t["cls"] == "chart__label"]
            if chart != "chart-years":
                assert [t["text"] for t in labels] == [f"T{m}" for m in range(1, 13)], chart
            for first, second in itertools.pairwise(labels):
                assert not _run_together(first, second), (chart, first["text"], second["text"])
            for label in labels:
                # Every label is inside the drawing (not cut at its edges).
                box = svg.bounding_box()
                assert (
                    box["x"] - 1 <= label["left"] and label["right"] <= box["x"] + box["width"] + 1
                )
        assert fits_the_screen(page, viewport)
        save(page, screenshots_dir, f"layout-cell-charts-{viewport['width']}", viewport)
