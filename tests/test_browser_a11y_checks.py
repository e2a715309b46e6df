"""Accessibility checks of the serious findings of the browser trial, in chromium, without
axe-core (no pinned copy of axe is available offline here; see README): text contrast of
badges and chips at least 4.5:1, every sideways-scrolling region focusable and labelled, no
empty table header (issue 12, "Measured, to keep")."""

from __future__ import annotations

import pytest

from .browser import resize, sign_in
from .conftest import DESKTOP, PHONE
from .ranking_data import make_season

CONTRAST = """
() => {
  function rgb(text) { const m = text.match(/[\\d.]+/g).map(Number); return m.slice(0, 3).concat([m.length > 3 ? m[3] : 1]); }
  function lum(c) {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function background(el) {
    while (el) { const c = rgb(getComputedStyle(el).backgroundColor); if (c[3] > 0) return c; el = el.parentElement; }
    return [255, 255, 255, 1];
  }
  const bad = [];
  document.querySelectorAll('.grade, .badge, .status-chip, .gap, .grade-note').forEach(el => {
    if (!el.offsetParent || !el.textContent.trim()) return;
    const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) bad.push(el.className + ' "' + el.textContent.trim() + '" ' + ratio.toFixed(2));
  });
  return bad;
}
"""

EMPTY_HEADERS = """
() => Array.from(document.querySelectorAll('th'))
  .filter(th => th.offsetParent !== null || th.closest('table'))
  .filter(th => !th.textContent.trim() && !th.getAttribute('aria-label'))
  .map(th => th.closest('table').className)
"""

UNREACHABLE = """
() => Array.from(document.querySelectorAll('*'))
  .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1
          && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
  .filter(el => el.tabIndex < 0 && !el.querySelector('a, button, input, select, textarea'))
  .map(el => el.className)
"""


@pytest.fixture
def season(app, prepared):
    app.config["TODAY"] = "2022-11-20"
    prepared(make_season)


PAGES = [
    ("committee", "/"),
    ("committee", "/reports/queue"),
    ("committee", "/reports/?year=2022"),
    ("committee", "/rankings/?year=2022"),
    ("committee", "/rankings/?year=2022&period=m8"),
    ("committee", "/rankings/matrix?year=2022"),
    ("committee", "/rankings/years"),
    ("committee", "/rankings/cells/ap-cho?year=2022"),
    ("committee", "/reports/outstanding?year=2022"),
    ("secretary", "/"),
    ("secretary", "/reports/?year=2022"),
    ("secretary", "/reports/new?year=2023&month=1"),
    ("secretary", "/reports/attendance?year=2022"),
]


@pytest.mark.backends("sqlite")
def test_badges_contrast_scroll_regions_and_table_headers(
    app, live_server, browser_page, users, season
):
    """Each page loaded once, checked on a phone and on a desk (resized)."""
    problems = {}
    pages = {}
    for role, url in PAGES:
        if role not in pages:
            pages[role] = browser_page(PHONE)
            sign_in(pages[role], live_server, users[role].username)
        page = pages[role]
        page.set_viewport_size(PHONE)
        page.goto(live_server + url)
        page.wait_for_load_state("load")
        for viewport in (PHONE, DESKTOP):
            resize(page, viewport)
            found = {
                "contrast": page.evaluate(CONTRAST),
                "empty th": page.evaluate(EMPTY_HEADERS),
                "scroll region": page.evaluate(UNREACHABLE),
            }
            found = {kind: items for kind, items in found.items() if items}
            if found:
                problems[f"{url} at {viewport['width']} px"] = found
    assert problems == {}


@pytest.mark.backends("sqlite")
def test_the_contrast_check_catches_the_old_trung_binh_badge(browser_page):
    page = browser_page(PHONE)
    page.set_content(
        '<span class="grade" style="color:#a86a00;background:#fff3d6">Trung bình</span>'
        '<span class="grade" style="color:#7d5200;background:#fff3d6">Trung bình</span>'
    )
    assert page.evaluate(CONTRAST) == ['grade "Trung bình" 4.03']
