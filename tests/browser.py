"""Helpers of the browser tests: signing in through the form, screenshots, page width."""

from __future__ import annotations

from urllib.parse import urlencode

from .helpers import PASSWORD, Account


def sign_in(page, base: str, account: Account | str, password: str = PASSWORD, then: str = "/"):
    """Sign in through the login form and wait for the page it leads to: the home page, or
    ``then`` (the form's ``next``, as when a signed-out link asks to sign in first; it
    saves drawing the home page in tests that start elsewhere)."""
    username = account.username if isinstance(account, Account) else account
    page.goto(base + "/login" + ("" if then == "/" else "?" + urlencode({"next": then})))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + then)


def shot(page, directory, file_name: str, *, full_page: bool = False) -> None:
    """One screenshot, when screenshots are asked for (``directory`` is None otherwise)."""
    if directory is not None:
        page.screenshot(path=directory / file_name, full_page=full_page)


def save(page, directory, name: str, viewport: dict | None = None) -> None:
    """A full-page screenshot, plus screen-sized parts of a long page for people to read
    (when screenshots are asked for: ``directory`` is None otherwise)."""
    if directory is None:
        return
    page.screenshot(path=directory / f"{name}.png", full_page=True)
    size = viewport or page.viewport_size
    part_height = max(size["height"], 600)
    height = page.evaluate("document.documentElement.scrollHeight")
    if height <= part_height:
        return
    for part, top in enumerate(range(0, height, part_height), start=1):
        clip = {"x": 0, "y": top, "width": size["width"], "height": min(part_height, height - top)}
        page.screenshot(path=directory / f"{name}-part{part}.png", full_page=True, clip=clip)


def fits_the_screen(page, viewport: dict) -> bool:
    """Nothing sticks out sideways: the page is no wider than the screen.

    Measured once the page has loaded: before its stylesheet applies, a long unbroken word
    (a new token) is laid out without the rules that wrap it.
    """
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def resize(page, viewport: dict) -> None:
    """Lay the loaded page out at another size, as a reload at that size would: the CSS
    follows the width, and the page's scripts (scroll-regions.js) mark tables again on the
    resize event. Cheaper than a second load for checks made at both widths."""
    page.set_viewport_size(viewport)
    # Two frames: the resize event has run and the page is laid out at this width.
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page.evaluate("window.innerWidth") == viewport["width"]
