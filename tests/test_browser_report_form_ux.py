"""The report form on a phone, in chromium: suggestions follow the facts, differences are
flagged before submitting, the error summary links each error, a typed form survives a lost
connection in the browser, and the taps of a typical month are counted (issue 12)."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from tracker.extensions import db

from .browser import sign_in
from .conftest import PHONE
from .factories import make_report, members_of
from .reporting import SCORES


class Taps:
    """Counts what the secretary does: every tap (button, box, select) and every field typed."""

    def __init__(self, page):
        self.page, self.taps, self.fields = page, 0, 0

    def tap(self, selector):
        self.taps += 1
        self.page.click(selector)

    def check(self, selector):
        self.taps += 1
        self.page.check(selector)

    def select(self, selector, value):
        self.taps += 2  # open the list, pick
        self.page.select_option(selector, value)

    def type(self, selector, text):
        self.taps += 1
        self.fields += 1
        self.page.fill(selector, text)


def open_form(app, live_server, browser_page, users):
    with app.app_context():
        members = [m for m in members_of("ap-cho") if m.active and not m.exempted]
    page = browser_page(PHONE)
    sign_in(page, live_server, users["secretary"].username, then="/reports/new?year=2022&month=5")
    return page, members


@pytest.mark.backends("sqlite")
def test_a_used_suggestion_follows_the_facts_and_a_typed_one_is_flagged(
    app, live_server, browser_page, users
):
    page, members = open_form(app, live_server, browser_page, users)
    page.click('button[data-apply="attendance"]')
    assert page.input_value("input[name=score-attendance]") == "15"
    page.select_option(f"select[name=status-{members[3].id}]", "absent_unexcused")
    # Taken with "Dùng": it follows the new facts (no stale 15 when an absence is unexcused).
    followed = page.input_value("input[name=score-attendance]")
    assert followed == page.locator('[data-suggest="attendance"]').inner_text() != "15"
    page.select_option(f"select[name=status-{members[3].id}]", "absent_excused")
    assert page.input_value("input[name=score-attendance]") == "15"
    # Typed by hand: kept, and flagged against the suggestion before submitting.
    page.fill("input[name=score-attendance]", "10,5")
    checks = page.locator("#score-checks")
    assert checks.is_visible()
    assert "chấm 10,5 điểm, số liệu gợi ý 15 điểm" in checks.inner_text()


@pytest.mark.backends("sqlite")
def test_the_error_summary_lists_and_links_each_error(app, live_server, browser_page, users):
    page, _members = open_form(app, live_server, browser_page, users)
    page.fill("input[name=held_on]", "")
    page.fill("input[name=score-results]", "99")
    page.check("input[name=confirm_no_minutes]")
    page.click("button[value=submit]")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    links = summary.locator("a")
    assert links.count() >= 2
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "#held_on" in hrefs and "#score-results" in hrefs
    # The summary has the focus, so a phone opens at it; a link moves to the field.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.click('#error-summary a[href="#score-results"]')
    assert page.evaluate("location.hash") == "#score-results"


@pytest.mark.backends("sqlite")
def test_what_was_typed_survives_a_lost_connection(app, live_server, browser_page, users):
    page, _members = open_form(app, live_server, browser_page, users)
    page.fill("input[name=duration_minutes]", "135")
    page.fill(
        "input[name=notes]"
        if page.locator("input[name=notes]").count()
        else "textarea[name=notes]",
        "Bàn việc làm đường giao thông nông thôn",
    )
    page.wait_for_timeout(500)
    page.context.set_offline(True)
    with contextlib.suppress(PlaywrightError):  # the browser's own offline page
        page.click("button[value=draft] >> nth=1")
    page.context.set_offline(False)
    page.goto(live_server + "/reports/new?year=2022&month=5")
    banner = page.locator("#local-copy")
    assert banner.is_visible()
    page.click('button[data-local-copy="restore"]')
    assert page.input_value("input[name=duration_minutes]") == "135"
    # Once the server has it, the copy is gone.
    page.check("input[name=confirm_no_minutes]")
    page.click("button[value=draft] >> nth=1")
    page.wait_for_url(re.compile(r".*/edit\?saved=1$"))
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('report-form')).length")
        == 0
    )


@pytest.mark.backends("sqlite")
def test_the_taps_of_a_typical_month_are_counted(app, live_server, browser_page, users, capsys):
    """A typical month for ấp Chợ: opened from the home's missing-month chip, 2 absences with a
    reason, 8 speakers, 4 content ticks, suggested points used, the rest typed, no minutes."""
    page, members = open_form(app, live_server, browser_page, users)
    t = Taps(page)
    t.taps += 1  # the chip on the home page that opened this prefilled form
    t.type("input[name=held_on]", "10")
    t.type("input[name=duration_minutes]", "120")
    t.type("input[name=chaired_by]", members[0].full_name)
    t.type("input[name=minutes_taker]", members[2].full_name)
    for member in members[10:12]:
        t.select(f"select[name=status-{member.id}]", "absent_excused")
        t.type(f"input[name=reason-{member.id}]", "Đi làm ăn xa")
    for member in members[:8]:
        t.check(f"input[name=spoke-{member.id}]")
    for box in ("ideology_covered", "criticism_done", "resolution_voted", "minutes_complete"):
        t.check(f"input[name={box}]")
    t.tap("button[data-apply-all]")
    for code, points in SCORES.items():
        if code not in ("attendance", "duration", "speaking"):
            t.type(f"input[name=score-{code}]", str(points).replace(".", ","))
    t.check("input[name=confirm_no_minutes]")
    t.tap("button[value=submit]")
    page.wait_for_url(re.compile(r".*/reports/\d+$"))
    assert "Đã gửi báo cáo" in page.content()
    with capsys.disabled():
        print(
            f"\nfiling a typical month ({len(members)} members to attend): "
            f"{t.taps} taps, {t.fields} typed fields"
        )
    assert t.taps <= 45


@pytest.mark.backends("sqlite")
def test_contradictions_are_flagged_live_and_clear_when_the_facts_agree(
    app, live_server, browser_page, users
):
    page, _members = open_form(app, live_server, browser_page, users)
    page.fill("input[name=score-minutes]", "4")
    page.fill("input[name=score-ideology]", "4")
    checks = page.locator("#score-checks")
    assert "nhưng chưa đính kèm biên bản" in checks.inner_text()
    assert "không sinh hoạt tư tưởng" in checks.inner_text()
    page.check("input[name=ideology_covered]")
    assert "không sinh hoạt tư tưởng" not in checks.inner_text()
    page.set_input_files(
        "input[name=minutes_file]",
        files=[{"name": "bb.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}],
    )
    assert "chưa đính kèm biên bản" not in checks.inner_text()


@pytest.mark.backends("sqlite")
def test_saving_a_draft_comes_back_to_the_same_place_on_the_form(
    app, live_server, browser_page, users
):
    page, _members = open_form(app, live_server, browser_page, users)
    page.fill("input[name=score-results]", "20")
    page.locator("input[name=score-results]").scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    assert before > 1000
    page.locator("button[value=draft] >> nth=1").click()
    page.wait_for_url(re.compile(r".*/edit\?saved=1$"))
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    box = page.locator("input[name=score-results]").bounding_box()
    assert 0 <= box["y"] <= PHONE["height"]  # the field she last changed is on screen
    assert page.input_value("input[name=score-results]") == "20"
    # And so is the word that the draft was saved: in the bar under her thumb.
    status = page.locator(".save-status")
    assert status.inner_text().startswith("Đã lưu nháp lúc")
    box = status.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.backends("sqlite")
def test_the_notice_of_a_month_taken_follows_the_kind_and_month_chosen(
    app, live_server, browser_page, users
):
    with app.app_context():
        make_report("ap-cho", 2022, 5, status="approved")
        db.session.commit()
    page, _members = open_form(app, live_server, browser_page, users)
    notice = page.locator(".month-taken")
    assert notice.is_visible()
    page.check("input[name=kind][value=thematic]")
    assert notice.is_hidden()
    page.check("input[name=kind][value=regular]")
    assert notice.is_visible()
    page.select_option("select[name=month]", "6")
    assert notice.is_hidden()
