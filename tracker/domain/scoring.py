"""Rubric arithmetic and grades of a single report.

Points are stored exactly as whole half-points (7.5 points is 15 half-points) so that sums and
comparisons never suffer from floating point. These functions take and return half-points
unless their name says otherwise.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .attendance import attendance_rate


class Grade(str, enum.Enum):
    """The four grades of a meeting or a period, best first, with their Vietnamese labels."""

    TOT = "tot"
    KHA = "kha"
    TRUNG_BINH = "trung_binh"
    KEM = "kem"

    @property
    def label(self) -> str:
        return _GRADE_LABELS[self]

    @property
    def rank(self) -> int:
        """0 for the best grade."""
        return list(Grade).index(self)


_GRADE_LABELS = {
    Grade.TOT: "Tốt",
    Grade.KHA: "Khá",
    Grade.TRUNG_BINH: "Trung bình",
    Grade.KEM: "Kém",
}


@dataclass(frozen=True)
class GradeBands:
    """Lower bounds (half-points) of the grades; the default is 90 / 70 / 50 of 100."""

    tot: int = 180
    kha: int = 140
    trung_binh: int = 100

    @classmethod
    def from_stored(cls, stored: Mapping[Grade, int]) -> GradeBands:
        """The bands a campaign stores (grade -> lower bound), the defaults where one is not."""
        default = cls()
        return cls(
            tot=stored.get(Grade.TOT, default.tot),
            kha=stored.get(Grade.KHA, default.kha),
            trung_binh=stored.get(Grade.TRUNG_BINH, default.trung_binh),
        )

    def band(self, half_points: int | Decimal) -> Grade:
        """Return the grade band of a total, before any gate or cap applies."""
        if half_points >= self.tot:
            return Grade.TOT
        if half_points >= self.kha:
            return Grade.KHA
        if half_points >= self.trung_binh:
            return Grade.TRUNG_BINH
        return Grade.KEM


DEFAULT_BANDS = GradeBands()


@dataclass(frozen=True)
class Criterion:
    """One line of a rubric."""

    code: str
    title: str
    max_half_points: int
    gate: bool = False


def to_half_points(points) -> int | None:
    """Convert points (number or text, comma or dot) to half-points; None if not a multiple of 0.5.

    Raises ValueError when ``points`` is not a number at all.
    """
    if isinstance(points, bool):
        raise ValueError("not a number")  # noqa: TRY004 - the one error its callers catch
    if isinstance(points, str):
        points = points.strip().replace(",", ".")
    try:
        doubled = Decimal(str(points)) * 2
    except ArithmeticError as error:  # decimal.InvalidOperation
        raise ValueError("not a number") from error
    if not doubled.is_finite():
        raise ValueError("not a finite number")
    if doubled != doubled.to_integral_value():
        return None
    return int(doubled)


def to_points(half_points: int | None) -> Decimal | None:
    """Convert half-points to points as an exact Decimal (15 -> 7.5)."""
    if half_points is None:
        return None
    return Decimal(half_points) / 2


def report_total(scores: Mapping[str, int]) -> int:
    """Return the total of a report's criterion half-points."""
    return sum(scores.values())


def report_grade(
    scores: Mapping[str, int], criteria: Iterable[Criterion], bands: GradeBands = DEFAULT_BANDS
) -> Grade:
    """Grade a report: Tốt needs the Tốt band *and* full points on every gate criterion."""
    total = report_total(scores)
    grade = bands.band(total)
    if grade is Grade.TOT:
        gates_full = all(
            scores.get(criterion.code, 0) >= criterion.max_half_points
            for criterion in criteria
            if criterion.gate
        )
        if not gates_full:
            return Grade.KHA
    return grade


@dataclass(frozen=True)
class MeetingFacts:
    """The recorded facts from which the form suggests points."""

    required: int  # summoned minus exempted
    present: int
    absent_unexcused: int
    duration_minutes: int | None
    speakers: int
    young_speakers: int
    young_present: int = 0


def suggest_points(facts: MeetingFacts, criteria: Iterable[Criterion]) -> dict[str, int]:
    """Suggest half-points for the criteria that the recorded facts decide.

    Follows HD 12: attendance above 85% with no unexcused absence earns full points, above 70%
    half; 90 minutes or more earns full duration points, 60 or more half; speaking earns full
    points when at least a third of those present spoke and a young member spoke (or no young
    member was present), partial points otherwise. People decide: these are only suggestions.
    """
    by_code = {criterion.code: criterion for criterion in criteria}
    suggestions: dict[str, int] = {}

    def scaled(code: str, fraction: Decimal) -> int:
        maximum = by_code[code].max_half_points
        return int((Decimal(maximum) * fraction).to_integral_value(rounding="ROUND_FLOOR"))

    if "attendance" in by_code:
        rate = attendance_rate(facts.present, facts.required)
        if rate is None:
            fraction = Decimal(0)
        elif rate > Fraction(85, 100) and facts.absent_unexcused == 0:
            fraction = Decimal(1)
        elif rate > Fraction(85, 100):
            fraction = Decimal("0.7")
        elif rate > Fraction(70, 100):
            fraction = Decimal("0.5")
        else:
            fraction = Decimal(0)
        suggestions["attendance"] = scaled("attendance", fraction)

    if "duration" in by_code and facts.duration_minutes is not None:
        if facts.duration_minutes >= 90:
            fraction = Decimal(1)
        elif facts.duration_minutes >= 60:
            fraction = Decimal("0.5")
        else:
            fraction = Decimal(0)
        suggestions["duration"] = scaled("duration", fraction)

    if "speaking" in by_code:
        if facts.present <= 0 or facts.speakers <= 0:
            fraction = Decimal(0)
        else:
            share = Decimal(facts.speakers) / Decimal(facts.present)
            young_ok = facts.young_speakers > 0 or facts.young_present == 0
            if share >= Decimal(1) / 3 and young_ok:
                fraction = Decimal(1)
            elif share >= Decimal(1) / 3 or (share >= Decimal("0.2") and young_ok):
                fraction = Decimal("0.7")
            else:
                fraction = Decimal("0.4")
        suggestions["speaking"] = scaled("speaking", fraction)

    return suggestions
