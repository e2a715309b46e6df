"""Why a counted month has no score yet: waiting for review, returned, or not filed at all.

The ranking rule counts every counted month without an approved regular report as 0 and as
missing. The pages must not let a month that is only waiting for the committee read like a
failure, so they tell the three cases apart ("chờ duyệt", "bị trả lại", "chưa nộp").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..models import Cell, Report, ReportKind, ReportStatus

WAITING = {ReportStatus.SUBMITTED: "submitted", ReportStatus.RETURNED: "returned"}


@dataclass(frozen=True)
class Gaps:
    """A cell's counted months without an approved regular report, by reason."""

    submitted: tuple[int, ...] = ()  # filed, waiting for review
    returned: tuple[int, ...] = ()  # filed, sent back to the cell
    not_filed: tuple[int, ...] = ()  # no report sent (none, or only a draft)

    @property
    def waiting(self) -> int:
        """Months filed but not approved: they must not read as a failure."""
        return len(self.submitted) + len(self.returned)

    @property
    def missing(self) -> int:
        return self.waiting + len(self.not_filed)

    @property
    def only_waiting(self) -> bool:
        """Every gap is a filed report waiting for the committee or for a fix."""
        return bool(self.waiting) and not self.not_filed

    def parts(self) -> list[tuple[str, str, tuple[int, ...]]]:
        """(state, Vietnamese label, months) of each non-empty reason, in a fixed order."""
        named = [
            ("submitted", "chờ duyệt", self.submitted),
            ("returned", "bị trả lại", self.returned),
            ("missing", "chưa nộp", self.not_filed),
        ]
        return [part for part in named if part[2]]


@dataclass
class GapsByCell:
    by_code: dict[str, Gaps] = field(default_factory=dict)

    def get(self, code: str) -> Gaps:
        return self.by_code.get(code, Gaps())


def gaps_by_cell(campaign_id: int, months: Sequence[int], codes: Sequence[str]) -> GapsByCell:
    """The reason of every counted month without an approved regular report, per cell code.

    One query: the regular reports of those months that are filed (submitted, returned or
    approved); every other counted month of a listed cell is "not filed".
    """
    months = tuple(months)
    result = GapsByCell()
    if not months or not codes:
        return result
    rows = db.session.execute(
        sa.select(Cell.code, Report.month, Report.status)
        .join(Cell, Cell.id == Report.cell_id)
        .where(
            Report.campaign_id == campaign_id,
            Report.kind == ReportKind.REGULAR,
            Report.month.in_(months),
            Report.status != ReportStatus.DRAFT,
            Cell.code.in_(list(codes)),
        )
    ).all()
    state: dict[str, dict[int, ReportStatus]] = {}
    for code, month, status in rows:
        state.setdefault(code, {})[month] = status
    for code in codes:
        filed = state.get(code, {})
        submitted = tuple(m for m in months if filed.get(m) is ReportStatus.SUBMITTED)
        returned = tuple(m for m in months if filed.get(m) is ReportStatus.RETURNED)
        not_filed = tuple(m for m in months if m not in filed)
        result.by_code[code] = Gaps(submitted, returned, not_filed)
    return result


def for_standings(standings) -> GapsByCell:
    """The gaps of every ranked cell of a PeriodStandings."""
    return gaps_by_cell(
        standings.campaign.id, standings.months, [row.code for row in standings.rows]
    )
