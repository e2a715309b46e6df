"""Accessibility in a real browser: axe-core (vendored, no network) on every role's pages, on a
phone and a desk, with no critical or serious violation allowed.

The trial found a badge under 4.5:1 contrast, sideways-scrolling regions that a keyboard
could not reach and empty table headers; these checks keep them, and the rest of axe's rules
at those levels, from coming back.
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

PAGES = {
    "secretary": [
        "/",
        "/reports/",
        "/reports/new",
        "/reports/{report}",
        "/rankings/?year=2022",
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
def axe_page(chromium):
    """Open pages with axe-core loaded in every document (the app's CSP allows no inline
    script, so this context alone bypasses it); closed after the test."""
    contexts = []

    def open_page(viewport):
        context = chromium.new_context(viewport=viewport, locale="vi-VN", bypass_csp=True)
        context.add_init_script(path=AXE)  # in every page, without sending it for each
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


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
            blocking = violations(page)
            if blocking:
                found[f"{path} at {viewport['width']} px"] = blocking
    assert not found, found
