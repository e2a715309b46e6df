"""A member's attendance record over a year, and the HD 12 warning flags.

HD 12-HD/BTCTW expects that nobody is absent more than 3 meetings in a row; the Party statute
treats missing meetings without a valid reason in 3 months of a year as a serious failing.
Exempted meetings (miễn sinh hoạt) are neither expected nor counted as absences, and do not
break or extend a run of absences.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

MAX_ABSENCES_IN_A_ROW = 3  # absent *more* than this many meetings in a row is flagged
MAX_UNEXCUSED_MONTHS = 3  # absent without reason in this many months of a year is flagged


def attendance_rate(present: int, required: int) -> Fraction | None:
    """The attendance rate: present / required, exact; None when nobody was required.

    ``required`` is summoned − exempted (``aggregates.required_attendance`` in SQL), or a sum
    of them. The one definition: the report form's suggested points, a cell's months, the
    review's indicators and the year's figure (contract.md, summary) all divide with it.
    """
    if required <= 0:
        return None
    return Fraction(present, required)


@dataclass(frozen=True)
class Attendance:
    """One meeting of a member, in chronological order: its month and her status."""

    month: int
    status: str  # present, absent_excused, absent_unexcused, exempted
    spoke: bool = False


@dataclass(frozen=True)
class MemberRecord:
    expected: int
    attended: int
    spoke: int
    absences: int
    unexcused: int
    longest_absence_run: int
    current_absence_run: int
    unexcused_months: int

    @property
    def too_many_in_a_row(self) -> bool:
        return self.longest_absence_run > MAX_ABSENCES_IN_A_ROW

    @property
    def unexcused_in_three_months(self) -> bool:
        return self.unexcused_months >= MAX_UNEXCUSED_MONTHS

    @property
    def flagged(self) -> bool:
        return self.too_many_in_a_row or self.unexcused_in_three_months

    @property
    def rate(self) -> Fraction | None:
        return attendance_rate(self.attended, self.expected)


def member_record(meetings: Iterable[Attendance]) -> MemberRecord:
    """Summarise one member's meetings of a year (given oldest first)."""
    expected = attended = spoke = absences = unexcused = 0
    run = longest = 0
    unexcused_months: set[int] = set()
    for meeting in meetings:
        if meeting.status == "exempted":
            continue
        expected += 1
        if meeting.status == "present":
            attended += 1
            spoke += meeting.spoke
            run = 0
            continue
        absences += 1
        run += 1
        longest = max(longest, run)
        if meeting.status == "absent_unexcused":
            unexcused += 1
            unexcused_months.add(meeting.month)
    return MemberRecord(
        expected=expected,
        attended=attended,
        spoke=spoke,
        absences=absences,
        unexcused=unexcused,
        longest_absence_run=longest,
        current_absence_run=run,
        unexcused_months=len(unexcused_months),
    )
