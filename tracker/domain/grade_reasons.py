"""Why a grade is below the band of its score, in plain Vietnamese (issue 12, item 2).

A report with 96 points graded Khá, or a year averaging 94 graded Khá, confuses people unless
the page says why. These functions return that sentence, or None when the grade is simply
the band of the score. They know nothing of Flask or the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .ranking import CellTally
from .scoring import DEFAULT_BANDS, Criterion, Grade, GradeBands, report_grade
from .vietnamese import format_points


def _points(half_points: int) -> str:
    return format_points(half_points / 2)


def gate_shortfalls(
    scores: Mapping[str, int], criteria: Iterable[Criterion]
) -> list[tuple[Criterion, int]]:
    """(criterion, half-points short) of every gate criterion without full points."""
    return [
        (criterion, criterion.max_half_points - scores.get(criterion.code, 0))
        for criterion in criteria
        if criterion.gate and scores.get(criterion.code, 0) < criterion.max_half_points
    ]


def report_grade_reason(
    scores: Mapping[str, int],
    criteria: Iterable[Criterion],
    bands: GradeBands = DEFAULT_BANDS,
) -> str | None:
    """Say which gate criteria keep a report in the Tốt band from being graded Tốt."""
    criteria = list(criteria)
    total = sum(scores.values())
    if bands.band(total) is not Grade.TOT or report_grade(scores, criteria, bands) is Grade.TOT:
        return None
    parts = [
        f"“{criterion.title}” thiếu {_points(short)} điểm "
        f"({_points(criterion.max_half_points - short)}/{_points(criterion.max_half_points)})"
        for criterion, short in gate_shortfalls(scores, criteria)
    ]
    return (
        f"Tổng {_points(total)} điểm nhưng xếp loại Khá: loại Tốt cần đủ điểm mọi tiêu chí "
        f"bắt buộc, mà {'; '.join(parts)}."
    )


def period_grade_reason(tally: CellTally, bands: GradeBands = DEFAULT_BANDS) -> str | None:
    """Say why a period whose average is in the Tốt band is graded Khá."""
    counted = tally.months_counted
    if counted == 0 or tally.sum_half_points < bands.tot * counted:
        return None
    needed = counted // 2 + 1
    parts = []
    not_approved = counted - tally.months_scored
    if not_approved:
        parts.append(f"{not_approved} tháng chưa có báo cáo được duyệt")
    below = tally.trung_binh_months + tally.kem_months
    if below:
        parts.append(f"{below} tháng xếp loại dưới Khá")
    if tally.tot_months < needed:
        parts.append(f"chỉ {tally.tot_months}/{counted} tháng Tốt, cần ít nhất {needed}")
    if not parts:
        return None
    return (
        "Điểm trung bình đạt mức Tốt nhưng xếp loại Khá: loại Tốt cần mọi tháng được duyệt, "
        f"đạt Khá trở lên và quá nửa số tháng đạt Tốt; ở đây {', '.join(parts)}."
    )
