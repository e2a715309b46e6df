"""Signing in with a real browser, at desktop and at phone width."""

import pytest

from .browser import shot
from .conftest import DESKTOP, PHONE
from .helpers import PASSWORD


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_secretary_signs_in_and_sees_her_cell(
    live_server, browser_page, users, viewport, screenshots_dir
):
    page = browser_page(viewport)
    page.goto(live_server + "/")
    assert page.url.startswith(live_server + "/login")
    shot(page, screenshots_dir, f"login-{viewport['width']}.png", full_page=True)

    page.fill("input[name=username]", users["secretary"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server + "/")
    assert page.locator("h1").inner_text() == "Chi bộ ấp Chợ"
    shot(page, screenshots_dir, f"home-secretary-{viewport['width']}.png", full_page=True)

    # Nothing sticks out sideways on a phone: the page is as wide as the screen.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= viewport["width"]

    page.click("text=Đăng xuất")
    page.wait_for_url(live_server + "/login")
    assert "Bạn đã đăng xuất." in page.content()


@pytest.mark.backends("sqlite")
def test_wrong_password_shows_the_message_in_the_browser(live_server, browser_page, users):
    page = browser_page(PHONE)
    page.goto(live_server + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "sai")
    page.click("button[type=submit]")
    assert page.locator(".alert--error").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
