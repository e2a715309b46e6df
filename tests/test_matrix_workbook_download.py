"""The monthly matrix workbook from the rankings' matrix page: every role that reads the
page finds the download there, for the category it is looking at."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from .ranking_data import make_season

# What these tests pin (where the matrix download is offered) does not depend on the database:
# they run on SQLite, and tests/test_pages_on_postgresql.py reads every page on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")


@pytest.fixture
def season(app, prepared):
    app.config["TODAY"] = "2023-01-15"  # every month of 2022 has ended
    prepared(make_season)


def download_link(page_html: str) -> str:
    """The href of the page's workbook download link."""
    (href,) = re.findall(r'<a class="button" href="([^"]*matrix\.xlsx[^"]*)" download>', page_html)
    return html.unescape(href)


@pytest.mark.parametrize("role", ["admin", "committee", "secretary"])
def test_every_role_that_reads_the_matrix_page_finds_and_follows_its_download(
    client, auth, users, season, role
):
    auth.login(users[role])
    page = client.get("/rankings/matrix?year=2022")
    assert page.status_code == 200
    link = download_link(page.text)
    assert link == "/awards/2022/matrix.xlsx"
    answer = client.get(link)
    assert answer.status_code == 200
    assert (
        'filename="Diem sinh hoat tung thang nam 2022.xlsx"'
        in answer.headers["Content-Disposition"]
    )


def test_the_download_carries_the_chosen_category_into_the_file_and_its_name(
    client, auth, users, season
):
    auth.login(users["secretary"])
    link = download_link(client.get("/rankings/matrix?year=2022&category=school").text)
    assert link == "/awards/2022/matrix.xlsx?category=school"
    answer = client.get(link)
    assert answer.status_code == 200
    disposition = answer.headers["Content-Disposition"]
    name = "Điểm sinh hoạt từng tháng năm 2022 - Chi bộ trường học.xlsx"
    assert 'filename="Diem sinh hoat tung thang nam 2022 - Chi bo truong hoc.xlsx"' in disposition
    assert "filename*=UTF-8''" + quote(name, safe="") in disposition
    sheet = load_workbook(io.BytesIO(answer.data))["Điểm từng tháng"]
    assert "Chi bộ trường học" in sheet["A1"].value
    categories = {row[2] for row in sheet.iter_rows(min_row=6, values_only=True) if row[0]}
    assert categories == {"Chi bộ trường học"}


def test_without_a_login_neither_the_page_nor_the_download_is_served(client, season):
    for url in ("/rankings/matrix?year=2022", "/awards/2022/matrix.xlsx?category=school"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
