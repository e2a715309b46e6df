"""Accessibility in a real browser: axe-core (vendored, no network) on every role's pages, on a
phone and a desk, with no critical or serious violation allowed.

The trial found a badge under 4.5:1 contrast, sideways-scrolling regions that a keyboard
could not reach and empty table headers; these checks keep them, and the rest of axe's rules
at those levels, from coming back. The trial's own three rules are also checked on every
page by hand (badge contrast, focusable scroll regions, no empty table header: axe counts an
empty header as minor).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .browser import resize, sign_in
from .conftest import DESKTOP, PHONE
from .factories import make_report
from .ranking_data import make_season

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")

# The trial's serious findings, checked by hand as well (they were found before axe was here).
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

PAGES = {
    "secretary": [
        "/",
        "/reports/",
        "/reports/new",
        "/reports/{report}",
        "/reports/attendance?year=2022",
        "/rankings/?year=2022",
        "/rankings/?year=2022&period=m8",
        "/rankings/matrix?year=2022",
        "/rankings/cells/ap-cho?year=2022",
        "/rankings/years",
        "/exemplary/",
        "/lich/",
        "/lich/cua-toi",
    ],
    "committee": [
        "/",
        "/reports/queue",
        "/reports/{pending}/review",
        "/reports/?year=2022",
        "/reports/outstanding?year=2022",
        "/awards/2022",
        "/review/2022",
        "/review/2022/indicators",
        # The register filtered to four cells' groups: the whole register (256 rows, 3,000
        # elements) repeats the same row and group templates and took axe 9 s alone.
        "/members/?q=Hoa",
        "/lich/",
        "/lich/phu-trach",
    ],
    "admin": [
        "/",
        "/admin/",
        "/admin/cells",
        "/admin/cells/import",
        "/admin/years",
        "/admin/committee",
        "/admin/accounts",
        "/audit/",
        "/members/import",
    ],
}


@pytest.fixture
def season(app, prepared):
    """2022's season, with one report waiting for review."""
    app.config["TODAY"] = "2023-01-20"

    def build():
        make_season()
        own = make_report("ap-cho", 2022, 1 + 3, kind="thematic", total=90, status="approved")
        pending = make_report("quan-su", 2022, 11, kind="thematic", total=88, status="submitted")
        return {"report": own.id, "pending": pending.id}

    return prepared(build)


@pytest.fixture
def axe_page(browser_page):
    """Open pages with axe-core loaded in every document, without sending it for each (the
    app's CSP allows no inline script, so these contexts alone bypass it)."""
    return lambda viewport: browser_page(viewport, bypass_csp=True, init_script=AXE)


def violations(page) -> list[dict]:
    """The blocking violations axe-core finds on the page as it is now (a page of
    ``axe_page``, where axe is loaded with every document)."""
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }"""
    )
    return [v for v in found if v["impact"] in BLOCKING]


@pytest.mark.backends("sqlite")
def test_the_vendored_axe_finds_what_it_should(live_server, axe_page, users):
    """A self-check: the same run reports a known serious violation (an image without text)."""
    page = axe_page(DESKTOP)
    sign_in(page, live_server, users["admin"])
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')"
    )
    assert [v["id"] for v in violations(page)] == ["image-alt"]


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("role", sorted(PAGES))
def test_no_page_has_a_critical_or_serious_violation(live_server, axe_page, users, season, role):
    """Each page is checked on a phone and on a desk: loaded once, then resized (the layout
    follows the width through CSS, and scroll-regions.js marks tables again on resize)."""
    page = axe_page(PHONE)
    sign_in(page, live_server, users[role])
    found = {}
    for path in PAGES[role]:
        page.set_viewport_size(PHONE)
        answer = page.goto(live_server + path.format(**season))
        assert answer.status == 200, path
        if path.startswith("/members/?"):  # the filter still finds members of several cells
            assert page.locator("table").count() >= 2, path
        for viewport in (PHONE, DESKTOP):
            resize(page, viewport)
            problems = {
                "axe": violations(page),
                "contrast": page.evaluate(CONTRAST),
                "empty th": page.evaluate(EMPTY_HEADERS),
                "scroll region": page.evaluate(UNREACHABLE),
            }
            problems = {kind: items for kind, items in problems.items() if items}
            if problems:
                found[f"{path} at {viewport['width']} px"] = problems
    assert not found, found


@pytest.mark.backends("sqlite")
def test_the_contrast_check_catches_the_old_trung_binh_badge(axe_page):
    page = axe_page(PHONE)  # a kept page may carry the app's CSP, which refuses inline styles
    page.set_content(
        '<span class="grade" style="color:#a86a00;background:#fff3d6">Trung bình</span>'
        '<span class="grade" style="color:#7d5200;background:#fff3d6">Trung bình</span>'
    )
    assert page.evaluate(CONTRAST) == ['grade "Trung bình" 4.03']
