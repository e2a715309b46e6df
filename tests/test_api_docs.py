"""The API page for people: rendered on the server from the OpenAPI description."""

from __future__ import annotations

import html
import re

import pytest

from tracker.api.openapi import PREFIX, description

from .browser import resize, shot, sign_in
from .conftest import DESKTOP, PHONE

# A page drawn from the OpenAPI description, the same on both databases: SQLite only.
pytestmark = pytest.mark.backends("sqlite")


def test_the_api_page_needs_a_login(client):
    answer = client.get("/api/docs")
    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]


@pytest.mark.parametrize("role", ["admin", "committee", "secretary"])
def test_every_role_reads_the_api_page(client, auth, users, role):
    auth.login(users[role])
    answer = client.get("/api/docs")
    assert answer.status_code == 200
    assert "<h1>Tài liệu API" in answer.text


def test_the_page_shows_every_operation_of_the_description(client, auth, users):
    auth.login(users["secretary"])
    page = html.unescape(client.get("/api/docs").text)
    document = description()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert f'id="{operation["operationId"]}"' in page
            assert f"{method.upper()}</span> <code>{PREFIX}{path}</code>" in page
            assert operation["summary"] in page
    # Parameters, body fields with their ranges, nested fields, the example, every status.
    for text in (
        "attendance.present",
        "scores.{mã}",
        "từ 1 đến 1.440",
        "từ 0 đến 10.000",
        "bội số của 0,5",
        "tối đa 300 ký tự",
        "một trong: regular, thematic",
        "một trong: hamlet, sector, school",
        '"duration_minutes": 120',
        "Authorization: Bearer MÃ",
        "409",
        "404",
    ):
        assert text in page, text


def test_the_page_has_no_inline_script_or_style(client, auth, users):
    """The Content-Security-Policy forbids them; nothing comes from elsewhere either."""
    auth.login(users["admin"])
    page = client.get("/api/docs").text
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "http://" not in page.replace("http://localhost", "")
    assert "https://" not in page


def test_the_token_page_links_to_the_api_page(client, auth, users):
    auth.login(users["secretary"])
    assert 'href="/api/docs"' in client.get("/tokens/").text


def test_the_api_page_reads_well_at_every_width(live_server, browser_page, users, screenshots_dir):
    """Reached from the token page; laid out on a phone, then on a desk (one load, resized)."""
    page = browser_page(PHONE)
    sign_in(page, live_server, users["secretary"], then="/tokens/")
    page.click("text=tài liệu API")
    page.wait_for_url(live_server + "/api/docs")
    assert page.locator("h1").inner_text().startswith("Tài liệu API")
    for viewport in (PHONE, DESKTOP):
        resize(page, viewport)
        # Nothing sticks out sideways: long paths wrap, examples scroll inside their box.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        name = "phone" if viewport is PHONE else "desktop"
        shot(page, screenshots_dir, f"api-docs-{name}.png")
        page.locator("#createReport").scroll_into_view_if_needed()
        shot(page, screenshots_dir, f"api-docs-{name}-report.png")
        summary = page.locator("#createReport details summary").first
        if not page.locator("#createReport details table").first.is_visible():
            summary.click()
        assert page.locator("#createReport details table").first.is_visible()
