"""Charts drawn on the server as inline SVG (no script, no inline style: CSS classes only).

Every chart is an ``<svg role="img">`` labelled by its ``<title>`` and a ``<desc>`` summary;
the pages also give the numbers as a table, the text alternative.

Legibility: a chart is 400 units wide and shrinks to about 300 px on a 360 px phone, so the
stylesheet gives its text 15 units there (about 11 px on the screen) and 13 units on wider
screens. The margins leave room for text of that size, and category labels that would run
into each other at that size ("T10T11T12") are set on two staggered rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

WIDTH = 400
HEIGHT = 220
LEFT = 46  # room for the value axis labels ("100%")
RIGHT = 56  # room for the labels of the guide lines ("Khá 70")
TOP = 14
BOTTOM = 26  # room for one row of category labels
LABEL_ROW = 19  # the height of a second, staggered row of category labels
# The largest size the stylesheet gives to chart text (on a phone), in SVG units, and the
# width of an average character of the labels ("T10", "2022") as a share of it.
TEXT_SIZE = 15
CHAR_WIDTH = 0.62
LABEL_GAP = 4  # the least room between two neighbouring labels


def _number(value: float) -> str:
    """A compact coordinate: 12.0 -> "12", 12.345 -> "12.3"."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


def label_width(label: str) -> float:
    """The estimated width of a category label at the largest text size, in SVG units."""
    return len(label) * TEXT_SIZE * CHAR_WIDTH


def labels_staggered(labels: Sequence[str], step: float) -> bool:
    """True when neighbouring labels ``step`` units apart would touch on one row."""
    return any(label_width(label) + LABEL_GAP > step for label in labels)


def _category_labels(
    parts: list[str], labels: Sequence[str], x_of: Callable[[int], float], plot_bottom: float
) -> None:
    """The labels under the plot: one row, or two staggered rows when they are crowded."""
    step = x_of(1) - x_of(0) if len(labels) > 1 else WIDTH
    staggered = labels_staggered(labels, step)
    for index, label in enumerate(labels):
        row = index % 2 if staggered else 0
        y = plot_bottom + 18 + row * LABEL_ROW
        parts.append(
            f'<text class="chart__label" x="{_number(x_of(index))}" y="{_number(y)}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )


def _height(labels: Sequence[str], count: int) -> int:
    """The chart's height: one more row under the plot when the labels are staggered."""
    step = (WIDTH - RIGHT - LEFT) / max(count, 1)
    return HEIGHT + (LABEL_ROW if labels_staggered(labels, step) else 0)


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar ("T4")
    value: float | None  # None: no bar (a marker instead)
    css: str  # class of the bar ("bar--tot")
    tooltip: str  # the bar's own <title>: "Tháng 4: 95 điểm, Tốt"
    marker: str = ""  # a short text drawn when there is no bar ("—", "CD")
    marker_css: str = ""
    caption: str = ""  # a short text above the bar ("=2")


@dataclass(frozen=True)
class Guide:
    value: float
    label: str
    css: str = "guide"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per x label; None leaves a gap
    css: str  # "line--cell", "line--all"
    tooltips: Sequence[str] = field(default_factory=tuple)


def _open(chart_id: str, title: str, desc: str, height: int = HEIGHT) -> list[str]:
    return [
        (
            f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" '
            f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
            'preserveAspectRatio="xMidYMid meet" focusable="false">'
        ),
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def _value_axis(
    parts: list[str],
    y_of: Callable[[float], float],
    ticks: Sequence[float],
    tick_label: Callable[[float], str],
    plot_right: float,
) -> None:
    for tick in ticks:
        y = _number(y_of(tick))
        parts.append(
            f'<line class="chart__grid" x1="{LEFT}" x2="{_number(plot_right)}" y1="{y}" y2="{y}"/>'
        )
        parts.append(
            f'<text class="chart__tick" x="{LEFT - 4}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(tick_label(tick))}</text>'
        )


def _guides(parts: list[str], y_of, guides: Sequence[Guide], plot_right: float) -> None:
    for guide in guides:
        y = _number(y_of(guide.value))
        parts.append(
            f'<line class="chart__{escape(guide.css)}" x1="{LEFT}" x2="{_number(plot_right)}" '
            f'y1="{y}" y2="{y}"/>'
        )
        parts.append(
            f'<text class="chart__guide-label" x="{_number(plot_right + 3)}" y="{y}" '
            f'dominant-baseline="middle">{escape(guide.label)}</text>'
        )


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    *,
    y_max: float,
    ticks: Sequence[float] = (),
    tick_label: Callable[[float], str] = lambda v: _number(v),
    guides: Sequence[Guide] = (),
) -> Markup:
    """Vertical bars, one per label, on a value axis from 0 to ``y_max``."""
    labels = [bar.label for bar in bars]
    height = _height(labels, len(bars))
    plot_bottom = HEIGHT - BOTTOM  # the plot keeps its size; staggered labels add height
    plot_right = WIDTH - RIGHT
    plot_height = plot_bottom - TOP

    def y_of(value: float) -> float:
        return plot_bottom - plot_height * (max(0.0, min(value, y_max)) / y_max if y_max else 0)

    parts = _open(chart_id, title, desc, height)
    _value_axis(parts, y_of, ticks, tick_label, plot_right)
    _guides(parts, y_of, guides, plot_right)
    count = max(len(bars), 1)
    step = (plot_right - LEFT) / count
    width = min(step * 0.7, 40)

    def x_of(index: int) -> float:
        return LEFT + step * index + step / 2

    for index, bar in enumerate(bars):
        centre = x_of(index)
        if bar.value is not None:
            top = y_of(bar.value)
            parts.append(
                f'<rect class="bar {escape(bar.css)}" x="{_number(centre - width / 2)}" '
                f'y="{_number(top)}" width="{_number(width)}" '
                f'height="{_number(max(plot_bottom - top, 0.5))}">'
                f"<title>{escape(bar.tooltip)}</title></rect>"
            )
            caption_y = top - 4
        else:
            caption_y = plot_bottom - 18
            if bar.marker:
                parts.append(
                    f'<text class="chart__marker {escape(bar.marker_css)}" x="{_number(centre)}" '
                    f'y="{_number(plot_bottom - 6)}" text-anchor="middle">'
                    f"<title>{escape(bar.tooltip)}</title>{escape(bar.marker)}</text>"
                )
        if bar.caption:
            parts.append(
                f'<text class="chart__caption" x="{_number(centre)}" y="{_number(caption_y)}" '
                f'text-anchor="middle">{escape(bar.caption)}</text>'
            )
    _category_labels(parts, labels, x_of, plot_bottom)
    parts.append(
        f'<line class="chart__axis" x1="{LEFT}" x2="{_number(plot_right)}" '
        f'y1="{plot_bottom}" y2="{plot_bottom}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_min: float,
    y_max: float,
    ticks: Sequence[float] = (),
    tick_label: Callable[[float], str] = lambda v: _number(v),
    guides: Sequence[Guide] = (),
    inverted: bool = False,
) -> Markup:
    """Lines over the labels; ``inverted`` puts ``y_min`` at the top (ranks: 1 is best)."""
    height = _height(labels, len(labels))
    plot_bottom = HEIGHT - BOTTOM
    plot_right = WIDTH - RIGHT
    plot_height = plot_bottom - TOP
    span = (y_max - y_min) or 1

    def y_of(value: float) -> float:
        share = (min(max(value, y_min), y_max) - y_min) / span
        return TOP + plot_height * share if inverted else plot_bottom - plot_height * share

    parts = _open(chart_id, title, desc, height)
    _value_axis(parts, y_of, ticks, tick_label, plot_right)
    _guides(parts, y_of, guides, plot_right)
    count = max(len(labels), 1)
    step = (plot_right - LEFT) / count

    def x_of(index: int) -> float:
        return LEFT + step * index + step / 2

    for line in series:
        # Consecutive known values are joined; a gap (None) breaks the line.
        segment: list[str] = []
        segments: list[list[str]] = []
        for index, value in enumerate(line.values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_number(x_of(index))},{_number(y_of(value))}")
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                parts.append(
                    f'<polyline class="line {escape(line.css)}" fill="none" '
                    f'points="{" ".join(points)}"/>'
                )
        for index, value in enumerate(line.values):
            if value is None:
                continue
            tooltip = line.tooltips[index] if index < len(line.tooltips) else ""
            parts.append(
                f'<circle class="dot {escape(line.css)}" cx="{_number(x_of(index))}" '
                f'cy="{_number(y_of(value))}" r="3.5"><title>{escape(tooltip)}</title></circle>'
            )
    _category_labels(parts, labels, x_of, plot_bottom)
    parts.append(
        f'<line class="chart__axis" x1="{LEFT}" x2="{_number(plot_right)}" '
        f'y1="{plot_bottom}" y2="{plot_bottom}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def meter_bar(chart_id: str, title: str, values: Sequence[tuple[float, str]]) -> Markup:
    """A thin horizontal bar per value (0 to 1), stacked: a criterion's cell vs. all cells."""
    height = 8 * len(values) + 2
    parts = [
        (
            f'<svg class="meter" id="{escape(chart_id)}" viewBox="0 0 100 {height}" '
            f'preserveAspectRatio="none" role="img" aria-labelledby="{escape(chart_id)}-title" '
            'focusable="false">'
        ),
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for index, (share, css) in enumerate(values):
        y = 1 + 8 * index
        parts.append(f'<rect class="meter__track" x="0" y="{y}" width="100" height="6"/>')
        parts.append(
            f'<rect class="meter__bar {escape(css)}" x="0" y="{y}" '
            f'width="{_number(100 * max(0.0, min(share, 1.0)))}" height="6"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
