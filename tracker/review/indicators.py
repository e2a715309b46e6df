"""The indicators of the seed's shortcomings, year over year (the review's part I made visible).

Over the approved reports of ended campaign months of the cells taking part in each year:
attendance (and that of hamlet members without a position, where per-member attendance was
recorded), members and young members who spoke, the criticism and ideology criterion scores,
thematic meetings on Hồ Chí Minh's example, minutes attached and complete, duration.

The database aggregates: by year and month over every year, by cell over the chosen year
(three statements each, whatever the number of cells); the page sums the cells' rows by
category.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields
from fractions import Fraction

import sqlalchemy as sa

from ..aggregates import required_attendance
from ..domain.attendance import attendance_rate
from ..extensions import db
from ..models import (
    AttendanceStatus,
    Campaign,
    Cell,
    CellCategory,
    CellRole,
    Criterion,
    Member,
    Report,
    ReportAttendance,
    ReportKind,
    ReportScore,
    ReportStatus,
)

LONG_MEETING_MINUTES = 90  # HD 12: at least 90 minutes
CRITERIA = ("criticism", "ideology")
HCM_TOPIC = "Hồ Chí Minh"


@dataclass
class Tally:
    """Sums over a group of approved reports (a year, a month, a category, a cell)."""

    meetings: int = 0  # approved regular reports
    present: int = 0
    required: int = 0
    speakers: int = 0
    young_speakers: int = 0
    duration_reported: int = 0  # regular reports with a duration
    duration_total: int = 0
    long_meetings: int = 0
    minutes_attached: int = 0
    minutes_complete: int = 0
    criticism_points: int = 0  # half-points
    criticism_max: int = 0
    ideology_points: int = 0
    ideology_max: int = 0
    thematic: int = 0  # approved thematic meetings
    hcm_thematic: int = 0  # of those, on Hồ Chí Minh's example
    plain_present: int = 0  # hamlet members without a position, per-member rows
    plain_required: int = 0

    def add(self, other: Tally) -> Tally:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))
        return self

    @staticmethod
    def _share(part: int, whole: int) -> Fraction | None:
        return Fraction(part, whole) if whole > 0 else None

    @property
    def attendance(self) -> Fraction | None:
        return attendance_rate(self.present, self.required)

    @property
    def plain_attendance(self) -> Fraction | None:
        return attendance_rate(self.plain_present, self.plain_required)

    @property
    def speakers_per_meeting(self) -> Fraction | None:
        return self._share(self.speakers, self.meetings)

    @property
    def young_per_meeting(self) -> Fraction | None:
        return self._share(self.young_speakers, self.meetings)

    @property
    def criticism(self) -> Fraction | None:
        return self._share(self.criticism_points, self.criticism_max)

    @property
    def ideology(self) -> Fraction | None:
        return self._share(self.ideology_points, self.ideology_max)

    @property
    def attached(self) -> Fraction | None:
        return self._share(self.minutes_attached, self.meetings)

    @property
    def complete(self) -> Fraction | None:
        return self._share(self.minutes_complete, self.meetings)

    @property
    def average_duration(self) -> Fraction | None:
        return self._share(self.duration_total, self.duration_reported)

    @property
    def long_share(self) -> Fraction | None:
        return self._share(self.long_meetings, self.duration_reported)


@dataclass(frozen=True)
class CellInfo:
    id: int
    code: str
    name: str
    category: CellCategory
    order: int


@dataclass
class Indicators:
    """Every year's tallies, and the chosen year's by month, category and cell."""

    year: int
    years: dict[int, Tally]
    months: dict[int, dict[int, Tally]]  # year -> month -> tally (every year)
    categories: dict[CellCategory, Tally]
    cells: list[tuple[CellInfo, Tally]]

    def year_tally(self, year: int) -> Tally:
        return self.years.get(year, Tally())


def _ended(today: dt.date):
    """Reports of campaign months that have ended (in SQL)."""
    return Campaign.year * 12 + Report.month < today.year * 12 + today.month


def _rows(today: dt.date, keys: list, where: list) -> dict[tuple, Tally]:
    """Tallies grouped by ``keys`` (columns) over the reports ``where`` selects: three
    statements (the report counts and sums, the criterion scores, per-member attendance)."""
    tallies: dict[tuple, Tally] = defaultdict(Tally)
    width = len(keys)
    approved = Report.status == ReportStatus.APPROVED
    regular = sa.and_(Report.kind == ReportKind.REGULAR, approved)
    thematic = sa.and_(Report.kind == ReportKind.THEMATIC, approved)
    # Ticked on the form, or named in the topic ("Học tập và làm theo ... Hồ Chí Minh").
    on_hcm = Report.topic.contains(HCM_TOPIC, autoescape=True)
    base = (
        sa.select(*keys)
        .join(Campaign, Campaign.id == Report.campaign_id)
        .join(Cell, Cell.id == Report.cell_id)
        .where(approved, _ended(today), Cell.takes_part_in(Campaign.year), *where)
        .group_by(*keys)
    )

    def count(condition):
        return sa.func.count(sa.case((condition, 1)))

    def total(column, condition=regular):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, column))), 0)

    statement = base.add_columns(
        count(regular),
        total(Report.present),
        total(required_attendance()),
        total(Report.speakers),
        total(Report.young_speakers),
        count(sa.and_(regular, Report.duration_minutes.is_not(None))),
        total(Report.duration_minutes),
        count(sa.and_(regular, Report.duration_minutes >= LONG_MEETING_MINUTES)),
        count(sa.and_(regular, Report.attachment_path != "")),
        count(sa.and_(regular, Report.minutes_complete.is_(True))),
        count(thematic),
        count(sa.and_(thematic, sa.or_(Report.hcm_study_covered.is_(True), on_hcm))),
    )
    for row in db.session.execute(statement):
        tally, values = tallies[tuple(row[:width])], row[width:]
        (
            tally.meetings, tally.present, tally.required, tally.speakers, tally.young_speakers,
            tally.duration_reported, tally.duration_total, tally.long_meetings,
            tally.minutes_attached, tally.minutes_complete, tally.thematic, tally.hcm_thematic,
        ) = (int(v or 0) for v in values)  # fmt: skip

    scores = (
        sa.select(
            *keys,
            Criterion.code,
            sa.func.sum(ReportScore.final_half_points),
            sa.func.sum(Criterion.max_half_points),
        )
        .join(Report, Report.id == ReportScore.report_id)
        .join(Criterion, Criterion.id == ReportScore.criterion_id)
        .join(Campaign, Campaign.id == Report.campaign_id)
        .join(Cell, Cell.id == Report.cell_id)
        .where(
            regular,
            _ended(today),
            Cell.takes_part_in(Campaign.year),
            Criterion.code.in_(CRITERIA),
            ReportScore.final_half_points.is_not(None),
            *where,
        )
        .group_by(*keys, Criterion.code)
    )
    for row in db.session.execute(scores):
        tally = tallies[tuple(row[:width])]
        code, points, maximum = row[width:]
        setattr(tally, f"{code}_points", int(points or 0))
        setattr(tally, f"{code}_max", int(maximum or 0))

    # Hamlet members without a position: only where the report recorded each member.
    attended = ReportAttendance.status == AttendanceStatus.PRESENT
    required = ReportAttendance.status != AttendanceStatus.EXEMPTED
    plain = (
        sa.select(
            *keys,
            sa.func.count(sa.case((attended, 1))),
            sa.func.count(sa.case((required, 1))),
        )
        .join(Report, Report.id == ReportAttendance.report_id)
        .join(Member, Member.id == ReportAttendance.member_id)
        .join(Campaign, Campaign.id == Report.campaign_id)
        .join(Cell, Cell.id == Report.cell_id)
        .where(
            regular,
            _ended(today),
            Cell.takes_part_in(Campaign.year),
            Cell.category == CellCategory.HAMLET,
            Member.cell_role == CellRole.MEMBER,
            *where,
        )
        .group_by(*keys)
    )
    for row in db.session.execute(plain):
        tally = tallies[tuple(row[:width])]
        present, total_required = row[width:]
        tally.plain_present = int(present or 0)
        tally.plain_required = int(total_required or 0)
    return tallies


def indicators(year: int, today: dt.date) -> Indicators:
    """The indicators of every year up to ``year`` by month, and ``year``'s by category and
    cell. The database groups: by year and month (every year), then by cell (``year``)."""
    by_month = _rows(today, [Campaign.year, Report.month], [Campaign.year <= year])
    by_cell_rows = _rows(today, [Report.cell_id], [Campaign.year == year])
    cells = {
        cell.id: CellInfo(cell.id, cell.code, cell.name, cell.category, cell.display_order)
        for cell in db.session.scalars(sa.select(Cell).where(Cell.takes_part_in(year)))
    }
    years: dict[int, Tally] = defaultdict(Tally)
    months: dict[int, dict[int, Tally]] = defaultdict(dict)
    for (row_year, month), tally in sorted(by_month.items()):
        years[row_year].add(tally)
        months[row_year][month] = tally
    categories: dict[CellCategory, Tally] = {category: Tally() for category in CellCategory}
    by_cell: dict[int, Tally] = {cell_id: Tally() for cell_id in cells}
    for (cell_id,), tally in by_cell_rows.items():
        if cell_id in cells:
            categories[cells[cell_id].category].add(tally)
            by_cell[cell_id].add(tally)
    ordered = sorted(cells.values(), key=lambda c: (c.order, c.id))
    return Indicators(
        year=year,
        years=dict(sorted(years.items())),
        months=dict(months),
        categories=categories,
        cells=[(cell, by_cell[cell.id]) for cell in ordered],
    )
