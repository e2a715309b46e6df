"""Waiting is not failing: a month whose report is filed but not approved reads "chờ duyệt"
(or "bị trả lại"), never as a Kém or a red "missing"; only a month with no report reads
"chưa nộp". The ranking rule itself is unchanged (contract: "Pages the checks use")."""

from __future__ import annotations

import re

import pytest

from tracker.extensions import db

from .ranking_data import make_season
from .test_rankings_pages import text_of

# What these tests pin (how pages word a month waiting for review) does not depend on the
# database: they run on SQLite, and tests/test_pages_on_postgresql.py reads every page on
# PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")


@pytest.fixture
def season(app, prepared):
    # In the 2022 season cong-an's August report waits for review, ap-phuoc-hoa-b's September
    # report was returned, and thcs filed nothing for August.
    app.config["TODAY"] = "2022-11-20"
    prepared(make_season)


def row_html(page: str, code: str) -> str:
    match = re.search(rf'<tr[^>]*data-cell="{code}"[^>]*>(.*?)</tr>', page, flags=re.DOTALL)
    assert match, code
    return match.group(1)


def row_text(page: str, code: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", row_html(page, code)).split())


def test_a_month_only_waiting_for_review_is_marked_and_not_graded_kem(client, auth, users, season):
    auth.login(users["committee"])
    page = client.get("/rankings/?year=2022&month=8").get_data(as_text=True)
    waiting = row_text(page, "cong-an")
    assert "chờ duyệt" in waiting
    assert "Kém" not in waiting
    assert "chưa nộp" not in waiting
    assert 'class="grade grade--kem"' not in row_html(page, "cong-an")


def test_a_month_without_any_report_is_not_filed_and_still_kem(client, auth, users, season):
    auth.login(users["committee"])
    page = client.get("/rankings/?year=2022&month=8").get_data(as_text=True)
    missing = row_text(page, "thcs")
    assert "1 chưa nộp" in missing
    assert "Kém" in missing
    assert "chờ duyệt" not in missing


def test_a_returned_report_reads_returned_not_missing(client, auth, users, season):
    auth.login(users["committee"])
    page = client.get("/rankings/?year=2022&month=9").get_data(as_text=True)
    returned = row_text(page, "ap-phuoc-hoa-b")
    assert "1 bị trả lại" in returned
    assert "Kém" not in returned
    assert "chưa nộp" not in returned


def test_the_year_standing_says_which_months_wait_and_which_are_missing(
    client, auth, users, season
):
    auth.login(users["committee"])
    page = client.get("/rankings/?year=2022").get_data(as_text=True)
    # ap-phuoc-hoa-b: June filed nothing, September was returned.
    text = row_text(page, "ap-phuoc-hoa-b")
    assert "1 bị trả lại" in text and "1 chưa nộp" in text
    assert "chưa xếp loại" in text
    # A cell with every month approved keeps its grade.
    assert "grade--tot" in row_html(page, "ap-cho")


def test_the_cell_page_tells_waiting_from_missing(client, auth, users, season):
    auth.login(users["secretary"])
    page = client.get("/rankings/cells/cong-an?year=2022").get_data(as_text=True)
    text = text_of(page)
    assert "1 chờ duyệt" in text
    assert "thiếu 1 tháng" not in text
    assert "chưa nộp" not in text.split("Điểm từng tháng")[0]


def test_the_rank_chart_has_no_point_for_a_month_only_waiting(client, auth, users, season):
    auth.login(users["committee"])
    page = client.get("/rankings/cells/cong-an?year=2022").get_data(as_text=True)
    chart = page[page.index('id="chart-rank"') :]
    chart = chart[: chart.index("</svg>")]
    assert "T8: báo cáo chờ duyệt" in chart
    assert "T8: hạng" not in chart


def test_the_years_page_shows_no_kem_for_a_waiting_year(client, auth, users, season):
    auth.login(users["committee"])
    page = client.get("/rankings/years").get_data(as_text=True)
    assert "chờ duyệt" in text_of(page) or "bị trả lại" in text_of(page)


# --------------------------------------------------------------------------------------------
# Empty years (item 10): no "=1 · Kém" for everyone, nothing to close.


def test_a_year_without_any_approved_report_shows_no_ranks_or_kem(client, auth, users, app):
    app.config["TODAY"] = "2026-12-02"  # 2025 has ended, with no report at all
    auth.login(users["committee"])
    page = client.get("/rankings/?year=2025").get_data(as_text=True)
    text = text_of(page)
    assert "chưa xếp hạng" in text
    assert "data-cell=" not in page
    assert "Kém" not in text.split("Cách xếp hạng")[0]


def test_the_awards_page_of_an_empty_year_offers_no_closing(client, auth, users, app):
    app.config["TODAY"] = "2026-12-02"
    auth.login(users["committee"])
    text = text_of(client.get("/awards/2025").get_data(as_text=True))
    assert "Chưa có kết quả để khen thưởng" in text
    assert "Khóa sổ năm 2025" not in text
    assert "Tạo đề xuất mặc định" not in text


def test_the_api_token_page_is_on_the_account_page_not_the_main_menu(client, auth, users):
    auth.login(users["secretary"])
    home = client.get("/").get_data(as_text=True)
    menu = home[home.index('class="main-nav"') : home.index("</nav>")]
    assert "Mã API" not in menu
    account = client.get("/password").get_data(as_text=True)
    assert 'href="/tokens/"' in account
    assert "Đổi mật khẩu" in account


def test_the_login_page_says_whom_to_ask_for_a_forgotten_password(client):
    text = text_of(client.get("/login").get_data(as_text=True))
    assert "Quên mật khẩu?" in text
    assert "quản trị viên" in text and "đặt một mật khẩu tạm" in text


def test_the_committee_home_tells_waiting_returned_and_missing_apart(app, client, auth, users):
    app.config["TODAY"] = "2022-11-20"
    with app.app_context():
        make_season()
        db.session.commit()
    auth.login(users["committee"])
    page = client.get("/").get_data(as_text=True)
    rows = {
        code: " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for code, row in re.findall(
            r'href="/rankings/cells/([a-z-]+)\?year=2022">.*?</td>(.*?)</tr>', page, re.DOTALL
        )
    }
    assert "1 chờ duyệt" in rows["cong-an"] and "0 chưa nộp" in rows["cong-an"]
    assert "1 bị trả lại" in rows["ap-phuoc-hoa-b"] and "1 chưa nộp" in rows["ap-phuoc-hoa-b"]
    assert "1 chưa nộp" in rows["thcs"]


def test_a_secretary_finds_her_own_cell_marked_in_the_standings(client, auth, users, season):
    auth.login(users["secretary"])
    page = client.get("/rankings/?year=2022").get_data(as_text=True)
    assert "chi bộ của bạn" in row_text(page, "ap-cho")
    assert "chi bộ của bạn" not in row_text(page, "cong-an")
