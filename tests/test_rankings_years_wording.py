"""What the year-over-year page says about the order of its rows."""

import re

import pytest

from tracker.extensions import db

from .ranking_data import make_season

# What these tests pin (the years page's wording) does not depend on the database: they run on
# SQLite, and tests/test_pages_on_postgresql.py reads every page on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")


def order_sentence(html: str) -> str:
    found = re.search(r'<p class="muted small">((?:Các chi bộ|Chưa năm nào)[^<]*)</p>', html)
    return found.group(1) if found else ""


def test_the_rows_follow_the_latest_year_with_an_approved_report(app, client, auth, users):
    app.config["TODAY"] = "2023-03-20"  # 2023 has ended months, but no report yet
    with app.app_context():
        make_season()
        db.session.commit()
    auth.login(users["committee"])
    html = client.get("/rankings/years").text
    assert order_sentence(html) == (
        "Các chi bộ xếp theo hạng năm 2022, năm gần nhất có báo cáo được duyệt (tạm tính)."
    )
    # The first row is 2022's first cell, not 2023's alphabetical first of nine ties.
    first = re.search(r'<th scope="row" class="years-table__name"><a [^>]*>([^<]+)</a>', html)
    assert first.group(1) == "Chi bộ ấp Chợ"


def test_without_an_approved_report_the_rows_follow_the_names(app, client, auth, users):
    app.config["TODAY"] = "2022-06-20"
    auth.login(users["committee"])
    html = client.get("/rankings/years").text
    assert order_sentence(html) == "Chưa năm nào có báo cáo được duyệt: các chi bộ xếp theo tên."
    assert "xếp theo hạng năm" not in html


def test_the_latest_year_is_named_plainly(app, client, auth, users):
    app.config["TODAY"] = "2022-11-20"
    with app.app_context():
        make_season()
        db.session.commit()
    auth.login(users["committee"])
    html = client.get("/rankings/years").text
    assert order_sentence(html).startswith("Các chi bộ xếp theo hạng năm 2022")
    assert "năm gần nhất" not in order_sentence(html)


def test_a_year_without_an_approved_report_shows_no_ranks(app, client, auth, users):
    app.config["TODAY"] = "2023-03-20"  # January and February 2023 ended without reports
    with app.app_context():
        make_season()
        db.session.commit()
    auth.login(users["committee"])
    html = client.get("/rankings/years").text
    assert '2023</a><span class="muted small"> (chưa có báo cáo được duyệt)</span>' in html
    # Not nine cells tied "=1" at 0 points: a dash, as for a year not begun.
    assert 'title="Đồng hạng 1"' not in html
    rows = re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", html, re.DOTALL)
    assert len(rows) == 9
    for row in rows:
        cells = re.findall(r"<td class=\"num[^\"]*\">(.*?)</td>", row, re.DOTALL)
        assert cells[2:] == ["—"] * (len(cells) - 2)  # 2023, 2024, 2025


def test_a_cell_page_shows_no_rank_for_a_year_without_an_approved_report(app, client, auth, users):
    app.config["TODAY"] = "2023-03-20"
    with app.app_context():
        make_season()
        db.session.commit()
    auth.login(users["committee"])
    html = client.get("/rankings/cells/ap-cho?year=2023").text
    card = re.search(r"Hạng chung năm 2023</div>\s*<div class=\"card__value\">(.*?)</div>", html)
    assert card.group(1) == "—"
    grade = re.search(r"Xếp loại năm</div>\s*<div class=\"card__value\">(.*?)</div>", html)
    assert grade.group(1) == "—"
    average = re.search(r"Điểm trung bình</div>\s*<div class=\"card__value\">(.*?)</div>", html)
    assert average.group(1) == "—"  # not a 0,00 that reads like a result
    # Months that have ended without any approved report have no rank either.
    months = html.split("Hạng trong tháng", 1)[1].split("</table>", 1)[0]
    assert "/9</td>" not in months and "chưa có kết quả" in months
    years = html.split('class="table cell-years"', 1)[1]
    row_2023 = re.search(r">2023</a>.*?</tr>", years, re.DOTALL).group(0)
    assert "Chưa có báo cáo được duyệt." in row_2023 and "rank" not in row_2023
    row_2022 = re.search(r">2022</a>.*?</tr>", years, re.DOTALL).group(0)
    assert 'class="rank' in row_2022
