"""Where a cell loses points: its average per criterion against the average of all cells.

Plain functions, no Flask: the cell page feeds them the averages of one SQL query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

# What a low score on a criterion usually means, in the committee's words (the seed rubric).
WEAKNESS_LABELS = {
    "attendance": "Tỷ lệ đảng viên dự sinh hoạt thấp, còn vắng không lý do",
    "preparation": "Khâu chuẩn bị còn yếu (họp chi ủy, nội dung, dự thảo nghị quyết)",
    "procedure": "Chưa đúng thời gian, trình tự hoặc chưa đủ nội dung",
    "ideology": "Đánh giá tình hình tư tưởng còn chung chung",
    "criticism": "Ít tự phê bình và phê bình",
    "speaking": "Ít đảng viên phát biểu, đảng viên trẻ chưa phát biểu",
    "duration": "Thời lượng sinh hoạt chưa đủ 90 phút",
    "minutes": "Biên bản sơ sài, chưa ghi đủ ý kiến và kết luận",
    "results": "Kết quả thực hiện nghị quyết kỳ trước còn hạn chế",
}


def weakness_label(code: str, title: str) -> str:
    """The weakness a low score on a criterion points to (a generic one for new criteria)."""
    return WEAKNESS_LABELS.get(code, f"Điểm thấp ở tiêu chí “{title}”")


@dataclass(frozen=True)
class CriterionComparison:
    """One criterion: the cell's average points against the average of all cells."""

    code: str
    title: str
    max_half_points: int
    cell_average: Fraction | None  # in half-points, None when the cell has no approved report
    all_average: Fraction | None  # in half-points, over the approved reports of every cell

    @property
    def label(self) -> str:
        return weakness_label(self.code, self.title)

    @property
    def cell_share(self) -> Fraction | None:
        """The cell's average as a share of the maximum (0 to 1)."""
        if self.cell_average is None:
            return None
        return self.cell_average / self.max_half_points

    @property
    def all_share(self) -> Fraction | None:
        if self.all_average is None:
            return None
        return self.all_average / self.max_half_points

    @property
    def lost_half_points(self) -> Fraction | None:
        """Half-points the cell loses on average on this criterion."""
        if self.cell_average is None:
            return None
        return self.max_half_points - self.cell_average

    @property
    def behind_others(self) -> bool:
        """The cell does worse here than the average of all cells."""
        return (
            self.cell_average is not None
            and self.all_average is not None
            and self.cell_average < self.all_average
        )


def compare_criteria(
    criteria: Iterable[tuple[str, str, int]],
    cell_sums: dict[str, tuple[int, int]],
    all_sums: dict[str, tuple[int, int]],
) -> list[CriterionComparison]:
    """Build the comparisons from (sum of half-points, number of reports) per criterion code."""
    comparisons = []
    for code, title, max_half_points in criteria:
        cell_total, cell_count = cell_sums.get(code, (0, 0))
        all_total, all_count = all_sums.get(code, (0, 0))
        comparisons.append(
            CriterionComparison(
                code,
                title,
                max_half_points,
                Fraction(cell_total, cell_count) if cell_count else None,
                Fraction(all_total, all_count) if all_count else None,
            )
        )
    return comparisons


def weak_points(
    comparisons: Iterable[CriterionComparison], limit: int = 3
) -> list[CriterionComparison]:
    """The criteria where the cell loses the largest share of the points, worst first.

    Only criteria where it loses something count; a criterion where it is behind the other
    cells comes before one where every cell loses as much.
    """
    losing = [c for c in comparisons if c.cell_share is not None and c.cell_share < 1]
    losing.sort(key=lambda c: (not c.behind_others, c.cell_share, c.code))
    return losing[:limit]
