"""What the rankings pages show, assembled from the standings queries (no query of its own).

Every number comes from ``tracker.standings``; this module only arranges it for the templates
(matrix squares, chart data, a cell's months) and draws the charts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from ..domain.insights import CriterionComparison, weak_points
from ..domain.periods import ROMAN, Period, month_has_ended
from ..domain.ranking import Standing, rank_cells, round_points
from ..domain.scoring import Grade, to_points
from ..domain.vietnamese import format_decimal, format_points
from ..models import Cell, ReportStatus
from ..standings import (
    CampaignInfo,
    MonthEntry,
    PeriodStandings,
    attendance_by_month,
    criterion_comparison,
    monthly_matrix,
    standings_for_periods,
)
from . import charts
from .waiting import Gaps

# The states of a square of the monthly matrix, with their legend.
SQUARE_LEGEND = [
    ("tot", "Tốt"),
    ("kha", "Khá"),
    ("trung_binh", "Trung bình"),
    ("kem", "Kém"),
    ("pending", "Chờ duyệt (chưa tính)"),
    ("returned", "Bị trả lại (chưa tính)"),
    ("missing", "Thiếu báo cáo (tính 0 điểm)"),
    ("future", "Tháng chưa kết thúc"),
]
SQUARE_TEXT = {"pending": "chờ", "returned": "trả", "missing": "—", "future": ""}


def quarters_text(quarters) -> str:
    """ "II, III" for the quarters 2 and 3; "—" for none."""
    return ", ".join(ROMAN[q] for q in quarters) if quarters else "—"


def average_text(value: Fraction | None) -> str:
    """An average in points with two decimals and a comma: "92,50" ("—" when none)."""
    if value is None:
        return "—"
    return format_decimal(round_points(value))


def points_average_text(half_points: Fraction | None) -> str:
    """An average of half-points shown in points with one decimal: 25/2 -> "6,3"."""
    if half_points is None:
        return "—"
    return format_decimal(round_points(Fraction(half_points) / 2, 1), 1)


def month_total_text(half_points: int | None) -> str:
    return format_points(to_points(half_points)) if half_points is not None else ""


# --------------------------------------------------------------------------------------------
# The monthly matrix


@dataclass(frozen=True)
class Square:
    """One cell and month of the matrix."""

    year: int
    month: int
    state: str  # a key of SQUARE_LEGEND
    text: str  # what the square shows: the score, "chờ", "—"
    status: str  # what it means: "92,5 điểm, Tốt", "thiếu báo cáo, tính 0 điểm"
    report_id: int | None
    counted: bool  # the month has ended (it enters the average)

    @property
    def description(self) -> str:
        """The full sentence, for screen readers and the tooltip."""
        return f"Tháng {self.month}/{self.year}: {self.status}"


def make_square(entry: MonthEntry | None, year: int, month: int, today: dt.date) -> Square:
    ended = month_has_ended(year, month, today)
    suffix = "" if ended else " (tháng chưa kết thúc, chưa tính)"
    if entry is None:
        if not ended:
            return Square(year, month, "future", "", "tháng chưa kết thúc", None, False)
        return Square(year, month, "missing", "—", "thiếu báo cáo, tính 0 điểm", None, True)
    if entry.status is ReportStatus.APPROVED and entry.grade is not None:
        grade = Grade(entry.grade)
        text = month_total_text(entry.final_total_half_points)
        return Square(
            year,
            month,
            grade.value,
            text,
            f"{text} điểm, {grade.label}{suffix}",
            entry.report_id,
            ended,
        )
    if entry.status is ReportStatus.RETURNED:
        return Square(
            year,
            month,
            "returned",
            "trả",
            f"báo cáo bị trả lại, chưa tính{suffix}",
            entry.report_id,
            ended,
        )
    return Square(
        year,
        month,
        "pending",
        "chờ",
        f"báo cáo chờ duyệt, chưa tính{suffix}",
        entry.report_id,
        ended,
    )


@dataclass(frozen=True)
class MatrixRow:
    standing: Standing
    squares: list[Square]


def matrix_rows(
    standings: PeriodStandings, matrix: dict[int, dict[int, MonthEntry]]
) -> list[MatrixRow]:
    """The rows of the monthly matrix, in rank order of the year."""
    campaign = standings.campaign
    rows = []
    for standing in standings.rows:
        entries = matrix.get(standing.tally.cell_id, {})
        rows.append(
            MatrixRow(
                standing,
                [
                    make_square(entries.get(month), campaign.year, month, standings.today)
                    for month in campaign.months
                ],
            )
        )
    return rows


# --------------------------------------------------------------------------------------------
# A cell's page


@dataclass(frozen=True)
class MonthRow:
    """One campaign month of a cell: its report, its rank that month, attendance."""

    month: int
    square: Square
    entry: MonthEntry | None
    rank: Standing | None  # the cell's standing in that month's ranking (ended months)
    ranked_cells: int
    all_rate: Fraction | None  # attendance of every cell that month
    has_results: bool  # some cell has an approved regular report that month

    @property
    def result_rank(self) -> Standing | None:
        """The month's rank, or None when no cell has an approved report that month (every
        cell then ties at 0: a rank 1 that means nothing), or when the cell's own report of
        the month is only waiting (filed, not yet approved): its 0 is not a result."""
        if self.waiting:
            return None
        return self.rank if self.has_results else None

    @property
    def waiting(self) -> bool:
        """The month's report is filed but waits for review or for the cell's fix."""
        return self.square.state in ("pending", "returned")

    @property
    def rate(self) -> Fraction | None:
        if self.entry is None or not self.entry.approved:
            return None
        return self.entry.attendance_rate


@dataclass(frozen=True)
class YearRow:
    standings: PeriodStandings
    standing: Standing | None

    @property
    def year(self) -> int:
        return self.standings.year

    @property
    def result(self) -> Standing | None:
        """The cell's standing of the year, or None when there is no result to show: the
        cell is not ranked, the year has not begun, or no cell has an approved report yet
        (every cell then ties at 0)."""
        standing = self.standing
        if standing is None or standing.average is None or not self.standings.has_results:
            return None
        return standing

    @property
    def no_result_text(self) -> str:
        """Why the year shows no result (the years table says the same)."""
        if self.standings.months and not self.standings.has_results:
            return "chưa có báo cáo được duyệt"
        return "chưa có kết quả"


@dataclass
class CellPage:
    cell: Cell
    campaign: CampaignInfo
    year_standings: PeriodStandings
    standing: Standing | None
    category_standing: Standing | None
    category_size: int
    months: list[MonthRow]
    criteria: list[CriterionComparison]
    weak: list[CriterionComparison]
    years: list[YearRow]
    max_total: int  # half-points of the rubric's total
    scores_chart: str = ""
    attendance_chart: str = ""
    rank_chart: str = ""
    years_chart: str = ""
    criteria_meters: dict | None = None

    @property
    def gaps(self) -> Gaps:
        """The counted months without an approved report, by reason (waiting, returned, none)."""
        counted = [row for row in self.months if row.square.counted]
        return Gaps(
            submitted=tuple(r.month for r in counted if r.square.state == "pending"),
            returned=tuple(r.month for r in counted if r.square.state == "returned"),
            not_filed=tuple(r.month for r in counted if r.square.state == "missing"),
        )


def percent_text(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return format_decimal(float(value) * 100, 1) + "%"


def build_cell_page(
    cell: Cell, year: int, campaigns: dict[int, CampaignInfo], today: dt.date
) -> CellPage:
    """Everything a cell's page shows for a campaign year, in a fixed number of queries."""
    campaign = campaigns[year]
    ended = [m for m in campaign.months if month_has_ended(year, m, today)]
    # The year, then each ended month (the rank history): one grouped query each.
    year_standings = standings_for_periods([Period(year)], today=today, campaigns=campaigns)[0]
    history = standings_for_periods(
        [Period(year, month=m) for m in ended], today=today, campaigns=campaigns
    )
    other_years = standings_for_periods(
        [Period(y) for y in sorted(campaigns)], today=today, campaigns=campaigns
    )
    entries = monthly_matrix(campaign, cell_id=cell.id).get(cell.id, {})
    attendance = attendance_by_month(campaign, ended)
    criteria = criterion_comparison(campaign, cell.id, year_standings.months)

    standing = year_standings.by_code().get(cell.code)
    category_rows = [
        row.tally for row in year_standings.rows if row.category == cell.category.value
    ]
    category_standing = next(
        (row for row in rank_cells(category_rows, campaign.bands) if row.code == cell.code), None
    )
    history_by_month = {p.period.month: p for p in history}
    months = []
    for month in campaign.months:
        month_standings = history_by_month.get(month)
        months.append(
            MonthRow(
                month=month,
                square=make_square(entries.get(month), year, month, today),
                entry=entries.get(month),
                rank=month_standings.by_code().get(cell.code) if month_standings else None,
                ranked_cells=len(month_standings.rows) if month_standings else 0,
                all_rate=attendance[month].rate if month in attendance else None,
                has_results=month_standings.has_results if month_standings else False,
            )
        )
    years = [YearRow(p, p.by_code().get(cell.code)) for p in other_years]
    page = CellPage(
        cell=cell,
        campaign=campaign,
        year_standings=year_standings,
        standing=standing,
        category_standing=category_standing,
        category_size=len(category_rows),
        months=months,
        criteria=criteria,
        weak=weak_points(criteria),
        years=years,
        max_total=sum(c.max_half_points for c in criteria) or 200,
    )
    draw_cell_charts(page)
    return page


def draw_cell_charts(page: CellPage) -> None:
    """Draw the four charts of a cell's page (each also given as a table on the page)."""
    campaign = page.campaign
    year = campaign.year
    max_points = page.max_total / 2
    bands = campaign.bands

    bars = []
    for row in page.months:
        square = row.square
        if square.state in ("tot", "kha", "trung_binh", "kem"):
            value = row.entry.final_total_half_points / 2
            bars.append(
                charts.Bar(f"T{row.month}", value, f"bar--{square.state}", square.description)
            )
        else:
            marker = {"missing": "✕", "pending": "…", "returned": "↩"}.get(square.state, "")
            bars.append(
                charts.Bar(
                    f"T{row.month}",
                    None,
                    "",
                    square.description,
                    marker=marker,
                    marker_css=f"chart__marker--{square.state}",
                )
            )
    scored = [r for r in page.months if r.square.state in ("tot", "kha", "trung_binh", "kem")]
    missing = [r.month for r in page.months if r.square.state == "missing"]
    desc = (
        f"{len(scored)} tháng có báo cáo được duyệt"
        + (f", thiếu tháng {', '.join(map(str, missing))}" if missing else "")
        + (
            f"; điểm trung bình năm {average_text(page.standing.average)}"
            if page.standing and page.standing.average is not None
            else ""
        )
        + ". Số liệu chi tiết ở bảng bên dưới."
    )
    page.scores_chart = charts.bar_chart(
        "chart-scores",
        f"Điểm sinh hoạt từng tháng năm {year} — {page.cell.name}",
        desc,
        bars,
        y_max=max_points,
        ticks=[0, max_points / 2, max_points],
        guides=[
            charts.Guide(bands.tot / 2, f"Tốt {format_points(bands.tot / 2)}", "guide--tot"),
            charts.Guide(bands.kha / 2, f"Khá {format_points(bands.kha / 2)}", "guide--kha"),
            charts.Guide(
                bands.trung_binh / 2, f"TB {format_points(bands.trung_binh / 2)}", "guide--tb"
            ),
        ],
    )

    ended_rows = [r for r in page.months if r.square.counted]
    labels = [f"T{r.month}" for r in ended_rows]
    cell_rates = [float(r.rate) * 100 if r.rate is not None else None for r in ended_rows]
    all_rates = [float(r.all_rate) * 100 if r.all_rate is not None else None for r in ended_rows]
    known = [v for v in cell_rates if v is not None]
    page.attendance_chart = charts.line_chart(
        "chart-attendance",
        f"Tỷ lệ đảng viên dự sinh hoạt năm {year} — {page.cell.name}",
        (
            f"Tỷ lệ dự họp của chi bộ từ {format_decimal(min(known), 1)}% đến "
            f"{format_decimal(max(known), 1)}%; đường nét đứt là tỷ lệ chung của các chi bộ, "
            "vạch 85% là mức yêu cầu."
            if known
            else "Chưa có báo cáo được duyệt để tính tỷ lệ dự họp."
        ),
        labels,
        [
            charts.Series(
                "Các chi bộ",
                all_rates,
                "line--all",
                [f"T{r.month}: chung {percent_text(r.all_rate)}" for r in ended_rows],
            ),
            charts.Series(
                page.cell.name,
                cell_rates,
                "line--cell",
                [f"T{r.month}: {percent_text(r.rate)}" for r in ended_rows],
            ),
        ],
        y_min=0,
        y_max=100,
        ticks=[0, 50, 100],
        tick_label=lambda v: f"{int(v)}%",
        guides=[charts.Guide(85, "85%", "guide--tot")],
    )

    ranked = [r for r in ended_rows if r.rank is not None]
    size = max([r.ranked_cells for r in ranked], default=1)
    page.rank_chart = charts.line_chart(
        "chart-rank",
        f"Thứ hạng từng tháng năm {year} — {page.cell.name}",
        (
            "Hạng của chi bộ trong từng tháng đã kết thúc (hạng 1 ở trên cùng): "
            + "; ".join(
                f"T{r.month}: {r.rank.rank}/{r.ranked_cells}"
                if r.result_rank is not None
                else f"T{r.month}: {r.square.status}"
                if r.waiting
                else f"T{r.month}: chưa có kết quả"
                for r in ranked
            )
            + "."
            if ranked
            else "Chưa có tháng nào kết thúc."
        ),
        labels,
        [
            charts.Series(
                "Hạng",
                # No point for a month without any approved report: not a rank 1 of a tie.
                [r.result_rank.rank if r.result_rank is not None else None for r in ended_rows],
                "line--cell",
                [
                    f"T{r.month}: hạng {r.result_rank.rank}" if r.result_rank is not None else ""
                    for r in ended_rows
                ],
            )
        ],
        y_min=1,
        y_max=max(size, 2),
        ticks=sorted({1, max(size, 2), (1 + max(size, 2)) // 2}),
        tick_label=lambda v: str(int(v)),
        inverted=True,
    )

    year_bars = []
    for row in page.years:
        standing = row.result
        if standing is None:
            # The "—" marker: no bar, and no "=#1" of a year where every cell ties at 0.
            year_bars.append(
                charts.Bar(
                    str(row.year), None, "", f"Năm {row.year}: {row.no_result_text}", marker="—"
                )
            )
            continue
        grade = standing.grade.value if standing.grade else "kem"
        year_bars.append(
            charts.Bar(
                str(row.year),
                float(standing.average),
                f"bar--{grade}",
                f"Năm {row.year}: {average_text(standing.average)} điểm, hạng {standing.rank}",
                caption=("=" if standing.shared else "") + f"#{standing.rank}",
            )
        )
    page.years_chart = charts.bar_chart(
        "chart-years",
        f"Điểm trung bình qua các năm — {page.cell.name}",
        "; ".join(
            f"{row.year}: {average_text(row.result.average)}, hạng {row.result.rank}"
            if row.result is not None
            else f"{row.year}: —"
            for row in page.years
        )
        + ".",
        year_bars,
        y_max=max_points,
        ticks=[0, max_points / 2, max_points],
        guides=[charts.Guide(bands.tot / 2, f"Tốt {format_points(bands.tot / 2)}", "guide--tot")],
    )

    page.criteria_meters = {
        c.code: charts.meter_bar(
            f"meter-{c.code}",
            f"{c.title}: chi bộ {percent_text(c.cell_share)}, bình quân các chi bộ "
            f"{percent_text(c.all_share)} số điểm tối đa",
            [
                (float(c.cell_share or 0), "meter__bar--cell"),
                (float(c.all_share or 0), "meter__bar--all"),
            ],
        )
        for c in page.criteria
    }


# --------------------------------------------------------------------------------------------
# Year over year


@dataclass(frozen=True)
class YearsRow:
    code: str
    name: str
    category: str
    by_year: dict[int, Standing]


def years_order(all_years: list[PeriodStandings]) -> PeriodStandings | None:
    """The year whose ranks order the year-over-year table: the latest with results."""
    with_results = [p for p in all_years if p.has_results]
    return with_results[-1] if with_results else (all_years[-1] if all_years else None)


def years_rows(all_years: list[PeriodStandings]) -> list[YearsRow]:
    """One row per active cell, ordered by ``years_order``."""
    order_by = years_order(all_years)
    if order_by is None:
        return []
    by_year = {p.year: p.by_code() for p in all_years}
    return [
        YearsRow(
            standing.code,
            standing.name,
            standing.category,
            {year: rows[standing.code] for year, rows in by_year.items() if standing.code in rows},
        )
        for standing in order_by.rows
    ]
