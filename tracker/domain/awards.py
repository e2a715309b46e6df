"""Year-end award rules (domain.md, "Year-end awards"), as plain functions.

A cell is eligible for a Giấy khen when its year grade is Tốt, no counted month is missing, and an
approved thematic meeting was held in every quarter of the campaign. The default proposal takes
the eligible cells in rank order up to the quota. Individuals are suggested from the data: the
secretary (bí thư) of each proposed cell, and members with full attendance who spoke at least a
set number of times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .ranking import Standing
from .scoring import Grade
from .vietnamese import format_decimal, name_key


@dataclass(frozen=True)
class CellAwardCheck:
    """Whether a ranked cell may be proposed, and why not."""

    standing: Standing
    reasons: tuple[str, ...]  # empty when eligible

    @property
    def eligible(self) -> bool:
        return not self.reasons


def check_cell(standing: Standing, campaign_quarters: int) -> CellAwardCheck:
    """Check one ranked cell against the eligibility rule; list every reason it fails."""
    reasons = []
    tally = standing.tally
    if standing.grade is not Grade.TOT:
        label = standing.grade.label if standing.grade else "chưa xếp loại"
        reasons.append(f"Xếp loại năm {label}, chưa đạt loại Tốt")
    if standing.months_missing:
        reasons.append(f"Thiếu {standing.months_missing} kỳ sinh hoạt được duyệt")
    if tally.thematic_quarters < campaign_quarters:
        reasons.append(
            f"Sinh hoạt chuyên đề {tally.thematic_quarters}/{campaign_quarters} quý"
        )
    return CellAwardCheck(standing, tuple(reasons))


def default_cell_proposal(
    standings: Sequence[Standing], campaign_quarters: int, quota: int
) -> tuple[list[CellAwardCheck], list[CellAwardCheck]]:
    """Split ranked cells into the default proposal (eligible, rank order, up to the quota)
    and the others (ineligible ones with their reasons, and eligible ones beyond the quota)."""
    checks = [check_cell(standing, campaign_quarters) for standing in standings]
    proposed = [check for check in checks if check.eligible][: max(quota, 0)]
    chosen = {id(check) for check in proposed}
    others = [check for check in checks if id(check) not in chosen]
    return proposed, others


def cell_summary(standing: Standing, campaign_quarters: int) -> str:
    """Prefilled summary of achievements of a cell, drawn from the data.

    "Điểm trung bình 95,30; 9/9 kỳ đạt loại Tốt; sinh hoạt chuyên đề đủ 3 quý"
    """
    tally = standing.tally
    parts = [
        f"Điểm trung bình {format_decimal(standing.average_rounded)}",
        f"{tally.tot_months}/{tally.months_counted} kỳ đạt loại Tốt",
    ]
    if tally.thematic_quarters >= campaign_quarters:
        parts.append(f"sinh hoạt chuyên đề đủ {campaign_quarters} quý")
    else:
        parts.append(f"sinh hoạt chuyên đề {tally.thematic_quarters}/{campaign_quarters} quý")
    return "; ".join(parts)


@dataclass(frozen=True)
class MemberRecord:
    """A member's attendance over the counted meetings of a year."""

    member_id: int
    full_name: str
    cell_code: str
    is_secretary: bool
    expected: int  # regular meetings the member was expected at (not exempted)
    attended: int
    spoke: int


def full_attendance(record: MemberRecord) -> bool:
    return record.expected > 0 and record.attended == record.expected


def member_summary(record: MemberRecord) -> str:
    """Prefilled summary of a member's achievements: "Dự đủ 9/9 kỳ sinh hoạt; phát biểu 7 lần"."""
    attendance = (
        f"Dự đủ {record.attended}/{record.expected} kỳ sinh hoạt"
        if full_attendance(record)
        else f"Dự {record.attended}/{record.expected} kỳ sinh hoạt"
    )
    return f"{attendance}; phát biểu {record.spoke} lần"


def suggest_members(
    records: Iterable[MemberRecord], proposed_cells: Sequence[str], min_speeches: int
) -> list[tuple[MemberRecord, str]]:
    """Suggest individuals: the secretaries of the proposed cells (in the cells' order), then
    members with full attendance who spoke at least ``min_speeches`` times (by name order).

    Return (record, reason) pairs, each member once.
    """
    records = list(records)
    order = {code: index for index, code in enumerate(proposed_cells)}
    secretaries = sorted(
        (r for r in records if r.is_secretary and r.cell_code in order),
        key=lambda r: (order[r.cell_code], name_key(r.full_name)),
    )
    chosen = {r.member_id for r in secretaries}
    active = sorted(
        (
            r
            for r in records
            if r.member_id not in chosen and full_attendance(r) and r.spoke >= min_speeches
        ),
        key=lambda r: (-r.spoke, name_key(r.full_name)),
    )
    return [(r, "Bí thư chi bộ được đề nghị khen thưởng") for r in secretaries] + [
        (r, f"Dự đủ các kỳ sinh hoạt, phát biểu {r.spoke} lần") for r in active
    ]
