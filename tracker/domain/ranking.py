"""The ranking rule of contract.md, as plain functions over one aggregated row per cell.

Order: average descending, then Tốt months descending; cells equal on both share a rank and the
next rank skips (1, 2, 2, 4); inside a tie, Vietnamese alphabetical order of the names.
Every cell of a period has the same number of counted months, so comparing exact sums of
half-points is comparing averages, without any rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from operator import attrgetter
from typing import NamedTuple

from .scoring import DEFAULT_BANDS, Grade, GradeBands
from .vietnamese import collation_key


class CellTally(NamedTuple):
    """What the standings query brings back for one cell over a period.

    An immutable named tuple: the standings build one per cell, and a tuple is made several
    times faster than a frozen dataclass (10,000 cells).
    """

    code: str
    name: str
    category: str
    sum_half_points: int  # sum of the final totals of the approved regular reports counted
    months_counted: int  # counted months of the period (the same for every cell)
    months_scored: int  # counted months with an approved regular report
    tot_months: int  # of those, graded Tốt
    kha_months: int = 0  # of those, graded Khá
    trung_binh_months: int = 0
    kem_months: int = 0
    # Counted months whose regular report is submitted or returned: not counted (yet).
    months_pending: int = 0
    thematic_quarters: int = 0  # quarters of the period with an approved thematic meeting
    thematic_quarter_numbers: tuple[int, ...] = ()  # those quarters (1-4), ascending
    display_order: int = 0
    cell_id: int = 0

    @property
    def months_missing(self) -> int:
        """Counted months without an approved regular report (they score 0)."""
        return self.months_counted - self.months_scored


class Standing(NamedTuple):
    """A ranked cell (an immutable named tuple, like CellTally)."""

    rank: int
    tally: CellTally
    grade: Grade | None
    shared: bool = False  # True when another cell holds the same rank

    @property
    def average(self) -> Fraction | None:
        """The exact average in points (missing months count as 0)."""
        return average_points(self.tally)

    @property
    def code(self) -> str:
        return self.tally.code

    @property
    def name(self) -> str:
        return self.tally.name

    @property
    def category(self) -> str:
        return self.tally.category

    @property
    def months_counted(self) -> int:
        return self.tally.months_counted

    @property
    def months_missing(self) -> int:
        return self.tally.months_missing

    @property
    def months_pending(self) -> int:
        return self.tally.months_pending

    @property
    def tot_months(self) -> int:
        return self.tally.tot_months

    @property
    def complete(self) -> bool:
        """Every counted month has an approved regular report."""
        return self.tally.months_missing == 0

    @property
    def average_rounded(self) -> Decimal | None:
        """The average in points rounded half up to 2 decimals, for display and the API.

        Whole-number arithmetic: average x 100 = sum of half-points x 50 / counted months.
        """
        counted = self.tally.months_counted
        if counted == 0:
            return None
        hundredths, remainder = divmod(self.tally.sum_half_points * 50, counted)
        if 2 * remainder >= counted:
            hundredths += 1
        return Decimal(hundredths).scaleb(-2)


def round_points(value: Fraction | None, places: int = 2) -> Decimal | None:
    """Round an exact number of points half up to ``places`` decimals."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def average_points(tally: CellTally) -> Fraction | None:
    """Return the exact average in points (missing months count as 0)."""
    if tally.months_counted == 0:
        return None
    return Fraction(tally.sum_half_points, 2 * tally.months_counted)


def period_grade(tally: CellTally, bands: GradeBands = DEFAULT_BANDS) -> Grade | None:
    """Grade a cell over a period.

    The band of the average; Tốt further needs every counted month approved and graded Tốt or
    Khá, and more than half of the counted months graded Tốt; otherwise it is Khá.
    """
    counted = tally.months_counted
    if counted == 0:
        return None
    # average >= bound  <=>  sum >= bound * counted: exact, in whole half-points.
    total = tally.sum_half_points
    if total >= bands.tot * counted:
        grade = Grade.TOT
    elif total >= bands.kha * counted:
        grade = Grade.KHA
    elif total >= bands.trung_binh * counted:
        grade = Grade.TRUNG_BINH
    else:
        grade = Grade.KEM
    if grade is Grade.TOT:
        all_good = tally.months_scored == counted and (
            tally.tot_months + tally.kha_months == counted
        )
        majority_tot = 2 * tally.tot_months > counted
        if not (all_good and majority_tot):
            return Grade.KHA
    return grade


# Sorting ascending on (sum, Tốt months) with reverse=True orders them descending and keeps
# the sort stable; sums compare like averages because months_counted is the same for all.
_order_key = attrgetter("sum_half_points", "tot_months")


def _tie_key(tally: CellTally) -> tuple:
    return (collation_key(tally.name), tally.code)


def rank_cells(tallies: Iterable[CellTally], bands: GradeBands = DEFAULT_BANDS) -> list[Standing]:
    """Rank cells by the contract's rule and grade each one.

    Average descending, then Tốt months descending; cells equal on both share a rank and the
    next rank skips (1, 2, 2, 4); a tie is listed in Vietnamese alphabetical order of names.
    """
    rows = sorted(tallies, key=_order_key, reverse=True)
    if len({t.months_counted for t in rows}) > 1:
        raise ValueError("every cell of a period must have the same counted months")
    keys = list(map(_order_key, rows))
    standings: list[Standing] = []
    append = standings.append
    start, count = 0, len(rows)
    while start < count:
        end = start + 1
        while end < count and keys[end] == keys[start]:
            end += 1
        if end - start == 1:
            tally = rows[start]
            append(Standing(start + 1, tally, period_grade(tally, bands), False))
        else:
            # Only tied cells need the (costlier) collation key: equals are listed by name.
            for tally in sorted(rows[start:end], key=_tie_key):
                append(Standing(start + 1, tally, period_grade(tally, bands), True))
        start = end
    return standings


def mark_shared(standings: Sequence[Standing]) -> list[Standing]:
    """Flag the standings whose rank another cell shares."""
    counts: dict[int, int] = {}
    for standing in standings:
        counts[standing.rank] = counts.get(standing.rank, 0) + 1
    return [s._replace(shared=counts[s.rank] > 1) for s in standings]


def rank_label(standing: Standing) -> str:
    """The rank as shown: "2" alone, "=2" when another cell shares it."""
    return f"={standing.rank}" if standing.shared else str(standing.rank)
