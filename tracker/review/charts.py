"""The review's charts: the cell page's inline SVG (tracker/rankings/charts.py) over the
indicators, each with a title and a summary; the pages give the numbers as tables too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup

from ..domain.vietnamese import format_decimal
from ..rankings import charts
from .indicators import Indicators, Tally


def percent_text(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return format_decimal(float(value) * 100, 1) + "%"


def number_text(value: Fraction | None, places: int = 1) -> str:
    return "—" if value is None else format_decimal(float(value), places)


@dataclass(frozen=True)
class Indicator:
    """One indicator of the seed's shortcomings: how to read it off a tally and show it."""

    key: str
    title: str
    value: Callable[[Tally], Fraction | int | None]
    text: Callable[[Fraction | int | None], str]
    as_percent: bool = True
    hint: str = ""


INDICATORS = [
    Indicator("attendance", "Tỷ lệ dự sinh hoạt", lambda t: t.attendance, percent_text,
              hint="Có mặt / (triệu tập − miễn sinh hoạt); yêu cầu trên 85%."),
    Indicator("plain_attendance", "Dự họp của đảng viên không giữ chức vụ ở chi bộ ấp",
              lambda t: t.plain_attendance, percent_text,
              hint="Chỉ tính các buổi có điểm danh từng đảng viên."),
    Indicator("speakers", "Lượt phát biểu mỗi buổi", lambda t: t.speakers_per_meeting,
              number_text, as_percent=False),
    Indicator("young", "Lượt đảng viên trẻ phát biểu mỗi buổi", lambda t: t.young_per_meeting,
              number_text, as_percent=False),
    Indicator("criticism", "Điểm tiêu chí tự phê bình và phê bình", lambda t: t.criticism,
              percent_text, hint="Phần trăm số điểm tối đa của tiêu chí."),
    Indicator("ideology", "Điểm tiêu chí nội dung tư tưởng", lambda t: t.ideology, percent_text,
              hint="Phần trăm số điểm tối đa của tiêu chí."),
    Indicator("hcm", "Buổi chuyên đề học tập và làm theo Bác", lambda t: t.hcm_thematic,
              lambda v: "—" if v is None else str(v), as_percent=False),
    Indicator("attached", "Buổi có đính kèm biên bản", lambda t: t.attached, percent_text),
    Indicator("complete", "Biên bản ghi đủ ý kiến và kết luận", lambda t: t.complete,
              percent_text),
    Indicator("long", "Buổi sinh hoạt từ 90 phút trở lên", lambda t: t.long_share,
              percent_text),
    Indicator("duration", "Thời lượng bình quân (phút)", lambda t: t.average_duration,
              lambda v: number_text(v, 0), as_percent=False),
]  # fmt: skip


def _float(value) -> float | None:
    return None if value is None else float(value)


def years_chart(indicator: Indicator, data: Indicators) -> Markup:
    """One bar per campaign year for an indicator."""
    years = list(data.years)
    values = [indicator.value(data.years[y]) for y in years]
    scale = 100 if indicator.as_percent else 1
    numbers = [None if v is None else float(v) * scale for v in values]
    known = [n for n in numbers if n is not None]
    top = 100.0 if indicator.as_percent else max([*known, 1.0]) * 1.15
    bars = [
        charts.Bar(
            label=str(year),
            value=number,
            css="bar--kha" if year != data.year else "bar--tot",
            tooltip=f"Năm {year}: {indicator.text(value)}",
            marker="—",
            caption=indicator.text(value) if value is not None else "",
        )
        for year, value, number in zip(years, values, numbers)
    ]
    desc = "; ".join(f"năm {y}: {indicator.text(v)}" for y, v in zip(years, values))
    return charts.bar_chart(
        f"chart-{indicator.key}",
        f"{indicator.title} qua các năm",
        desc or "Chưa có số liệu.",
        bars,
        y_max=top,
        ticks=[0, 50, 100] if indicator.as_percent else [],
        tick_label=(lambda v: f"{int(v)}%") if indicator.as_percent else (lambda v: f"{v:g}"),
        guides=[charts.Guide(85, "85%", "guide--tot")] if indicator.key == "attendance" else [],
    )


def months_chart(indicator: Indicator, data: Indicators, months: list[int]) -> Markup:
    """The chosen year month by month, the year before dashed beside it."""
    year = data.year
    scale = 100 if indicator.as_percent else 1

    def series_of(of_year: int):
        by_month = data.months.get(of_year, {})
        values = [indicator.value(by_month[m]) if m in by_month else None for m in months]
        return values, [None if v is None else float(v) * scale for v in values]

    this_values, this_numbers = series_of(year)
    last_values, last_numbers = series_of(year - 1)
    known = [n for n in (*this_numbers, *last_numbers) if n is not None]
    top = 100.0 if indicator.as_percent else max([*known, 1.0]) * 1.15
    desc = "; ".join(
        f"T{m}: {indicator.text(v)} (năm trước {indicator.text(p)})"
        for m, v, p in zip(months, this_values, last_values)
    )
    return charts.line_chart(
        f"chart-month-{indicator.key}",
        f"{indicator.title} từng tháng năm {year}, so với năm {year - 1}",
        desc or "Chưa có tháng nào kết thúc.",
        [f"T{m}" for m in months],
        [
            charts.Series(
                f"Năm {year - 1}",
                last_numbers,
                "line--all",
                [f"T{m} năm {year - 1}: {indicator.text(v)}" for m, v in zip(months, last_values)],
            ),
            charts.Series(
                f"Năm {year}",
                this_numbers,
                "line--cell",
                [f"T{m} năm {year}: {indicator.text(v)}" for m, v in zip(months, this_values)],
            ),
        ],
        y_min=0,
        y_max=top,
        ticks=[0, 50, 100] if indicator.as_percent else [],
        tick_label=(lambda v: f"{int(v)}%") if indicator.as_percent else (lambda v: f"{v:g}"),
        guides=[charts.Guide(85, "85%", "guide--tot")] if indicator.key == "attendance" else [],
    )


def by_key(key: str) -> Indicator:
    return next(indicator for indicator in INDICATORS if indicator.key == key)
