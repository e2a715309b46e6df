"""A cell page's charts draw no rank for a period where no cell has an approved report.

Without any approved regular report every cell ties at 0 points, so each is "ranked" first.
That rank means nothing: the years chart shows the "—" marker for such a year (as for a year
not begun), not an empty bar captioned "=#1".
"""

import html
import re

from tracker.extensions import db

from .ranking_data import make_season


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
