"""A cell page's charts draw no rank for a period where no cell has an approved report.

Without any approved regular report every cell ties at 0 points, so each is "ranked" first.
That rank means nothing: the years chart shows the "—" marker for such a year (as for a year
not begun), not an empty bar captioned "=#1", and the monthly rank chart leaves such a month
without a point, its text alternative saying there is no result yet.
"""

import html
import re

import pytest

from tracker.extensions import db

from .factories import make_report
from .ranking_data import make_season

# What these tests pin (what a cell page's charts draw) does not depend on the database: they run
# on SQLite, and tests/test_pages_on_postgresql.py reads every page on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")


def chart(page: str, chart_id: str) -> str:
    """The inner SVG of one chart of the page."""
    found = re.search(rf'<svg class="chart" id="{chart_id}"[^>]*>(.*?)</svg>', page, re.DOTALL)
    assert found, chart_id
    return html.unescape(found.group(1))


def description(svg: str) -> str:
    return re.search(r'<desc id="[^"]+">(.*?)</desc>', svg, re.DOTALL).group(1)


def captions(svg: str) -> list[str]:
    return re.findall(r'<text class="chart__caption"[^>]*>(.*?)</text>', svg)


def markers(svg: str) -> list[tuple[str, str]]:
    """(tooltip, marker) of each bar drawn as a marker, without a bar."""
    return re.findall(
        r'<text class="chart__marker[^"]*"[^>]*><title>(.*?)</title>(.*?)</text>', svg
    )


def bar_tooltips(svg: str) -> list[str]:
    return re.findall(r'<rect class="bar [^"]*"[^>]*><title>(.*?)</title></rect>', svg)


def points(svg: str) -> list[str]:
    """The tooltip of each point of a line chart."""
    return re.findall(r'<circle class="dot [^"]*"[^>]*><title>(.*?)</title></circle>', svg)


def test_a_year_without_an_approved_report_has_no_bar_or_rank_in_the_years_chart(
    app, client, auth, users
):
    app.config["TODAY"] = "2023-03-20"  # January and February 2023 ended without reports
    with app.app_context():
        make_season()
        db.session.commit()
    auth.login(users["committee"])
    years = chart(client.get("/rankings/cells/ap-cho?year=2023").text, "chart-years")

    assert ("Năm 2023: chưa có báo cáo được duyệt", "—") in markers(years)
    assert not any(tooltip.startswith("Năm 2023") for tooltip in bar_tooltips(years))
    assert "=#1" not in captions(years)
    # 2022 keeps its bar and its rank.
    assert captions(years) == ["#1"]
    assert bar_tooltips(years) == ["Năm 2022: 94,78 điểm, hạng 1"]
    assert description(years).startswith("2022: 94,78, hạng 1; 2023: —; ")


def test_months_without_any_approved_report_have_no_point_in_the_rank_chart(
    app, client, auth, users
):
    app.config["TODAY"] = "2023-03-20"
    with app.app_context():
        make_season()
        db.session.commit()
    auth.login(users["committee"])
    rank = chart(client.get("/rankings/cells/ap-cho?year=2023").text, "chart-rank")

    assert points(rank) == []
    assert "<polyline" not in rank
    assert description(rank) == (
        "Hạng của chi bộ trong từng tháng đã kết thúc (hạng 1 ở trên cùng): "
        "T1: chưa có kết quả; T2: chưa có kết quả."
    )


def test_a_month_without_any_approved_report_breaks_the_rank_line(app, client, auth, users):
    app.config["TODAY"] = "2022-07-01"  # April, May and June have ended
    with app.app_context():
        for month in (4, 6):
            make_report("ap-cho", 2022, month, total=90)
            make_report("cong-an", 2022, month, total=100)
        # May: a report waits for approval, none is approved.
        make_report("ap-cho", 2022, 5, total=95, status="submitted")
        db.session.commit()
    auth.login(users["committee"])
    rank = chart(client.get("/rankings/cells/ap-cho?year=2022").text, "chart-rank")

    assert points(rank) == ["T4: hạng 2", "T6: hạng 2"]
    assert "<polyline" not in rank  # T4 and T6 are not joined across May
    assert description(rank) == (
        "Hạng của chi bộ trong từng tháng đã kết thúc (hạng 1 ở trên cùng): "
        "T4: 2/9; T5: báo cáo chờ duyệt, chưa tính; T6: 2/9."  # issue 12: say why
    )
