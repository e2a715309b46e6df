"""The one aggregation of reports per cell: what the year tallies and the standings add up.

``cell_sums`` builds the statement, grouped by the database: per cell (and slice: a campaign
year for the year tallies, a period for the standings), the final points of the counted
approved regular reports, how many had each grade, how many wait for approval, and the
quarters with an approved thematic meeting. ``unpacked`` reads its counts, in SQL too.

- tracker/tallies.py stores it per cell and campaign year (the maintained ``YearTally`` rows);
- tracker/standings.py runs it for the months and quarters, and for the year's review sums.

The ranking rule itself is the plain functions of ``domain/ranking.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from .domain.scoring import Grade
from .models import Report, ReportKind, ReportStatus

UNAPPROVED = (ReportStatus.SUBMITTED, ReportStatus.RETURNED)


def literal_int(value: int):
    """A whole number written into the SQL text (ids and months we produced ourselves).

    Literals let PostgreSQL see that the slice expression of the select list and of GROUP BY
    are the same (bound parameters would be distinct placeholders).
    """
    return sa.literal_column(str(int(value)), sa.Integer)


def literal_text(value: str):
    return sa.literal_column(f"'{value}'")  # only our own enum values, never user text


def sum_or_zero(expression):
    """SUM as a whole BIGINT, 0 when nothing is summed (PostgreSQL sums bigints as NUMERIC)."""
    return sa.cast(sa.func.coalesce(sa.func.sum(expression), literal_int(0)), sa.BigInteger)


def in_months(campaign_id: int, months: Sequence[int]):
    """Reports of a campaign in the given months (a range when they follow each other)."""
    months = sorted(months)
    if months == list(range(months[0], months[-1] + 1)):
        within = Report.month.between(literal_int(months[0]), literal_int(months[-1]))
    else:
        within = Report.month.in_([literal_int(m) for m in months])
    return sa.and_(Report.campaign_id == literal_int(campaign_id), within)


def required_attendance():
    """The members a report expected at its meeting: summoned − exempted (in SQL).

    ``domain.scoring.attendance_rate`` divides the present by it (contract.md, summary)."""
    return Report.summoned - Report.exempted


def is_regular():
    return Report.kind == literal_text(ReportKind.REGULAR.value)


def is_approved():
    return Report.status == literal_text(ReportStatus.APPROVED.value)


# Each report adds a power of two to a per-cell sum, so that one aggregate counts several
# things at once (a SUM is far cheaper than one conditional COUNT per category, which is what
# keeps the standings as fast as a bare statement at 10,000 cells).
# Regular reports, four bits per count: at most 12 regular reports of a cell in a campaign year
# (the unique index on cell, campaign and month), so a count never reaches 16.
GRADE_WEIGHT = {Grade.TOT: 1, Grade.KHA: 1 << 4, Grade.TRUNG_BINH: 1 << 8, Grade.KEM: 1 << 12}
PENDING_WEIGHT = 1 << 16  # submitted or returned: waiting for approval
# Approved thematic meetings, fifteen bits per quarter: a cell would need 32,768 of them in
# one quarter to overflow a count.
QUARTER_SHIFT = 15
QUARTER_WEIGHT = {q: 1 << (QUARTER_SHIFT * (q - 1)) for q in (1, 2, 3, 4)}

# The quarters held, by the 4-bit mask ``unpacked`` returns (bit q-1 for quarter q).
QUARTERS_OF_MASK = [tuple(q for q in (1, 2, 3, 4) if mask >> (q - 1) & 1) for mask in range(16)]


def _regular_weight():
    """The weight of a regular report: by grade once approved, pending when waiting."""
    by_grade = sa.case(
        {literal_text(grade.value): literal_int(weight) for grade, weight in GRADE_WEIGHT.items()},
        value=Report.grade,
        else_=literal_int(0),
    )
    return sa.case(
        (is_approved(), by_grade),
        (
            Report.status.in_([literal_text(status.value) for status in UNAPPROVED]),
            literal_int(PENDING_WEIGHT),
        ),
        else_=literal_int(0),
    )


def _quarter_weight():
    """The weight of an approved thematic meeting: the field of its quarter."""
    return sa.case(
        *[
            (Report.month <= literal_int(3 * quarter), sa.cast(literal_int(weight), sa.BigInteger))
            for quarter, weight in QUARTER_WEIGHT.items()
        ]
    )


def cell_sums(where, counted_regular, slice_column, *, by_slice: bool = True, attendance=False):
    """Per cell (and slice) over the reports ``where`` selects, as a subquery ``sums``.

    Columns: ``cell_id``, ``slice`` (``slice_column``: grouped by it when ``by_slice``),
    ``total`` (the final half-points of the approved regular reports ``counted_regular``
    selects: a report has final points and a grade only once approved, contract.md),
    ``grades`` (those reports per grade and the counted regular reports waiting for approval,
    packed: read them with ``unpacked``) and ``quarters`` (the approved thematic meetings per
    quarter, packed). With ``attendance``: ``present``, ``required``, ``speakers`` and
    ``young_speakers`` summed over the same approved regular reports.

    The standings' statement reads only the covering index ``ix_report_standings``;
    the attendance sums need the table.
    """
    counted = sa.and_(counted_regular, is_approved())
    thematic_approved = sa.and_(
        Report.kind == literal_text(ReportKind.THEMATIC.value), is_approved()
    )
    columns = [
        Report.cell_id.label("cell_id"),
        slice_column.label("slice"),
        sum_or_zero(sa.case((counted, Report.final_total_half_points))).label("total"),
        sum_or_zero(sa.case((counted_regular, _regular_weight()))).label("grades"),
        sum_or_zero(sa.case((thematic_approved, _quarter_weight()))).label("quarters"),
    ]
    if attendance:
        columns += [
            sum_or_zero(sa.case((counted, column))).label(name)
            for name, column in (
                ("present", Report.present),
                ("required", required_attendance()),
                ("speakers", Report.speakers),
                ("young_speakers", Report.young_speakers),
            )
        ]
    return (
        sa.select(*columns)
        .where(where)
        .group_by(Report.cell_id, *([slice_column] if by_slice else []))
        .subquery("sums")
    )


def _field(packed, shift: int, bits: int):
    """One count of a packed sum, unpacked in SQL: (packed >> shift) & (2**bits - 1)."""
    return packed.op(">>")(literal_int(shift)).op("&")(literal_int((1 << bits) - 1))


@dataclass(frozen=True)
class Unpacked:
    """The counts of a ``cell_sums`` row, as SQL expressions."""

    total: sa.ColumnElement
    tot: sa.ColumnElement
    kha: sa.ColumnElement
    trung_binh: sa.ColumnElement
    kem: sa.ColumnElement
    pending: sa.ColumnElement  # counted regular reports submitted or returned
    quarter_mask: sa.ColumnElement  # bit q-1: an approved thematic meeting in quarter q
    quarters_held: sa.ColumnElement  # approved thematic meetings, every quarter together

    @property
    def scored(self):
        """Approved counted regular reports (every approved report has a grade)."""
        return self.tot + self.kha + self.trung_binh + self.kem

    @property
    def months(self) -> tuple[sa.ColumnElement, ...]:
        """The month counts and the thematic quarters, in the order tallies store them:
        tot, kha, trung_binh, kem, pending, quarter_mask."""
        return (self.tot, self.kha, self.trung_binh, self.kem, self.pending, self.quarter_mask)


def unpacked(sums) -> Unpacked:
    """Unpack the counts of ``cell_sums`` in SQL, on one row per cell."""
    grades = sums.c.grades
    quarters = sums.c.quarters
    tot, kha, trung_binh, kem, pending = (_field(grades, 4 * n, 4) for n in range(5))
    per_quarter = [_field(quarters, QUARTER_SHIFT * (q - 1), QUARTER_SHIFT) for q in (1, 2, 3, 4)]
    quarter_mask = sum(
        sa.case((held > 0, literal_int(1 << index)), else_=literal_int(0))
        for index, held in enumerate(per_quarter)
    )
    return Unpacked(
        sums.c.total, tot, kha, trung_binh, kem, pending, quarter_mask, sum(per_quarter)
    )
