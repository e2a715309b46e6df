"""The standings of the competition: ONE computation for the pages, the API and the exports.

The database aggregates (one row per cell and period, exact sums of half-points) with the
one aggregation of tracker/aggregates.py, which also keeps the year tallies; the rule
itself (order, shared ranks, grade caps, name order inside a tie) is the plain functions of
``domain/ranking.py``. The number of queries does not depend on the number of cells.

- ``standings_for_period(year, month=None, quarter=None, category=None)``: one period;
- ``standings_for_periods(periods)``: several disjoint periods of any years at once
  (each month of a year for a rank history);
- ``standings_by_year()``: every campaign year side by side;
- ``monthly_matrix(year)``: the regular reports of a year, one entry per cell and month;
- ``criterion_comparison``, ``attendance_by_month``: what a cell's page adds.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction

import sqlalchemy as sa

from . import clock
from .aggregates import (
    QUARTERS_OF_MASK,
    cell_sums,
    in_months,
    is_regular,
    required_attendance,
    sum_or_zero,
    unpacked,
)
from .aggregates import literal_int as _int
from .domain.attendance import attendance_rate
from .domain.insights import CriterionComparison, compare_criteria
from .domain.periods import (
    Period,
    campaign_quarters,
    counted_months,
    month_has_ended,
    quarter_of,
    takes_part,
)
from .domain.ranking import CellTally, Standing, rank_cells
from .domain.scoring import DEFAULT_BANDS, Grade, GradeBands
from .extensions import db
from .failures import NotFound
from .models import (
    Campaign,
    Cell,
    CellCategory,
    Criterion,
    Report,
    ReportKind,
    ReportScore,
    ReportStatus,
    YearTally,
)
from .queries import bands_by_campaign


def no_campaign(year: int) -> NotFound:
    return NotFound(f"Không có năm thi đua {year}.", {"year": "Năm này không có kế hoạch thi đua."})


@dataclass(frozen=True)
class CampaignInfo:
    """What the standings need of a campaign year (plain values, safe outside the session)."""

    id: int
    year: int
    first_month: int
    last_month: int
    closed: bool
    bands: GradeBands = DEFAULT_BANDS

    @property
    def months(self) -> tuple[int, ...]:
        return tuple(range(self.first_month, self.last_month + 1))

    @property
    def quarters(self) -> tuple[int, ...]:
        return tuple(campaign_quarters(self.first_month, self.last_month))

    def period_months(self, period: Period) -> tuple[int, ...]:
        """The campaign months inside the period, ended or not."""
        return tuple(m for m in period.months if self.first_month <= m <= self.last_month)


@dataclass(frozen=True)
class PeriodStandings:
    """The ranked cells of one period, with what the pages need to say how final it is."""

    campaign: CampaignInfo
    period: Period
    category: CellCategory | None
    today: dt.date
    period_months: tuple[int, ...]  # campaign months inside the period
    months: tuple[int, ...]  # counted months: those that have ended
    rows: list[Standing] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def months_not_ended(self) -> tuple[int, ...]:
        """Campaign months of the period that are not over yet (not counted)."""
        return tuple(m for m in self.period_months if m not in self.months)

    @property
    def quarters(self) -> tuple[int, ...]:
        """Quarters of the campaign that the period touches (where a thematic meeting is due)."""
        return tuple(sorted({quarter_of(m) for m in self.period_months}))

    @property
    def cells_missing(self) -> int:
        """Cells with a counted month that has no approved regular report."""
        return sum(1 for row in self.rows if row.months_missing)

    @property
    def reports_pending(self) -> int:
        """Regular reports of counted months that wait for approval (or were returned)."""
        return sum(row.months_pending for row in self.rows)

    @property
    def has_results(self) -> bool:
        """Some cell has an approved regular report in a counted month."""
        return any(row.months_missing < len(self.months) for row in self.rows)

    @property
    def is_final(self) -> bool:
        """The year is closed (its reports can no longer change), or every month of the period
        has ended and every cell's reports are approved."""
        if self.campaign.closed:
            return True
        return bool(self.months) and not self.months_not_ended and not self.cells_missing

    @property
    def has_shared_ranks(self) -> bool:
        return any(row.shared for row in self.rows)

    def by_code(self) -> dict[str, Standing]:
        return {row.code: row for row in self.rows}


# --------------------------------------------------------------------------------------------
# Campaigns


def load_campaigns(years: Iterable[int] | None = None) -> dict[int, CampaignInfo]:
    """Campaign years (all, or the given ones) with their grade bands: two queries."""
    query = sa.select(Campaign).order_by(Campaign.year)
    if years is not None:
        query = query.where(Campaign.year.in_(sorted(set(years))))
    campaigns = list(db.session.scalars(query))
    if not campaigns:
        return {}
    bands = bands_by_campaign(c.id for c in campaigns)
    return {
        campaign.year: CampaignInfo(
            id=campaign.id,
            year=campaign.year,
            first_month=campaign.first_month,
            last_month=campaign.last_month,
            closed=campaign.is_closed,
            bands=bands.get(campaign.id, DEFAULT_BANDS),
        )
        for campaign in campaigns
    }


def campaign_years() -> list[int]:
    return list(db.session.scalars(sa.select(Campaign.year).order_by(Campaign.year)))


# --------------------------------------------------------------------------------------------
# Standings


def standings_for_period(
    year: int,
    month: int | None = None,
    quarter: int | None = None,
    category: CellCategory | str | None = None,
    today: dt.date | None = None,
    campaigns: dict[int, CampaignInfo] | None = None,
) -> PeriodStandings:
    """Rank the active cells over a month, a quarter or a campaign year (contract.md).

    Raise NotFound for a year without a campaign and ValueError for an impossible period.
    ``campaigns`` (from ``load_campaigns``) spares the two queries that read them.
    """
    period = Period(year, month, quarter)
    return standings_for_periods([period], category=category, today=today, campaigns=campaigns)[0]


def standings_for_periods(
    periods: Sequence[Period],
    category: CellCategory | str | None = None,
    today: dt.date | None = None,
    campaigns: dict[int, CampaignInfo] | None = None,
) -> list[PeriodStandings]:
    """Rank several periods that share no month, in three queries whatever their number.

    Two read the campaigns and their bands (none when ``campaigns`` is given), one the reports.
    """
    campaigns = campaigns if campaigns is not None else load_campaigns(p.year for p in periods)
    for period in periods:
        if period.year not in campaigns:
            raise no_campaign(period.year)
    today = today or clock.today()
    category = CellCategory(category) if category else None
    slices = []
    seen: set[tuple[int, int]] = set()
    for period in periods:
        campaign = campaigns[period.year]
        months = campaign.period_months(period)
        overlap = seen.intersection((period.year, m) for m in months)
        if overlap:
            raise ValueError(f"periods overlap in {sorted(overlap)}")
        seen.update((period.year, m) for m in months)
        counted = counted_months(period, campaign.first_month, campaign.last_month, today)
        slices.append((campaign, period, months, tuple(counted)))
    with gc_paused():
        tallies = _tally(slices, category)
        return [
            PeriodStandings(
                campaign=campaign,
                period=period,
                category=category,
                today=today,
                period_months=months,
                months=counted,
                rows=rank_cells(tallies[index], campaign.bands),
            )
            for index, (campaign, period, months, counted) in enumerate(slices)
        ]


@contextmanager
def gc_paused():
    """Pause the cycle collector while building the standings' tuples.

    Ranking 10,000 cells allocates some 20,000 small tuples that can form no cycle; every
    700 allocations CPython would otherwise scan its young objects, and now and then every
    object of the process: that doubled the time of the standings at province scale.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def standings_by_year(
    category: CellCategory | str | None = None,
    today: dt.date | None = None,
    campaigns: dict[int, CampaignInfo] | None = None,
) -> list[PeriodStandings]:
    """Every campaign year ranked, oldest first (the year-over-year view)."""
    campaigns = campaigns if campaigns is not None else load_campaigns()
    periods = [Period(year) for year in sorted(campaigns)]
    return standings_for_periods(periods, category=category, today=today, campaigns=campaigns)


def _tally(slices, category: CellCategory | None) -> list[list[CellTally]]:
    """Per active cell and period, the sums the ranking rule needs.

    A whole campaign year whose months have all ended reads the maintained year tallies
    (tracker/tallies.py): one query per year. Other periods aggregate their reports with the
    same ``cell_sums``, all in one statement.
    """
    result: list[list[CellTally]] = [[] for _ in slices]
    aggregated: list[int] = []
    for index, (campaign, period, _months, counted) in enumerate(slices):
        whole_year = period.month is None and period.quarter is None
        if whole_year and counted and len(counted) == len(campaign.months):
            result[index] = _year_tallies(campaign, len(counted), category)
        else:
            aggregated.append(index)
    if aggregated:
        for index, tallies in zip(
            aggregated, _aggregate_tallies([slices[i] for i in aggregated], category)
        ):
            result[index] = tallies
    return result


def _year_tallies(campaign: CampaignInfo, counted: int, category: CellCategory | None):
    """The tallies of an ended campaign year, read from the maintained year tallies."""
    joined = sa.and_(YearTally.cell_id == Cell.id, YearTally.campaign_id == _int(campaign.id))
    zero = _int(0)
    total = sa.func.coalesce(YearTally.total_half_points, zero)
    tot = sa.func.coalesce(YearTally.tot_months, zero)
    statement = (
        sa.select(
            Cell.id,
            Cell.code,
            Cell.name,
            sa.type_coerce(Cell.category, sa.String),
            Cell.display_order,
            total,
            tot,
            sa.func.coalesce(YearTally.kha_months, zero),
            sa.func.coalesce(YearTally.trung_binh_months, zero),
            sa.func.coalesce(YearTally.kem_months, zero),
            sa.func.coalesce(YearTally.pending_months, zero),
            sa.func.coalesce(YearTally.thematic_quarter_mask, zero),
        )
        .select_from(Cell)
        .outerjoin(YearTally, joined)
        .where(Cell.takes_part_in(_int(campaign.year)))
        .order_by(total.desc(), tot.desc())  # best first: the ranking's sort finds them in order
    )
    if category is not None:
        statement = statement.where(Cell.category == category)
    quarters_of = QUARTERS_OF_MASK
    return [
        CellTally(
            code, name, category_value, total, counted, tot + kha + trung_binh + kem, tot, kha,
            trung_binh, kem, pending, len(quarters_of[mask]), quarters_of[mask], order, cell_id,
        )
        for (
            cell_id, code, name, category_value, order,
            total, tot, kha, trung_binh, kem, pending, mask,
        ) in db.session.connection().execute(statement).all()
    ]  # fmt: skip


def _aggregate_tallies(slices, category: CellCategory | None) -> list[list[CellTally]]:
    """Per active cell and period, the sums the ranking rule needs: one statement.

    The reports of the periods' months are aggregated per cell (and period) first, reading
    only the covering index ``ix_report_standings``; the active cells are then left-joined to
    those sums. Regular reports count in the counted (ended) months only; an approved thematic
    meeting counts for its quarter in any month of the period.
    """
    parts = [
        (index, campaign.id, months, counted)
        for index, (campaign, _period, months, counted) in enumerate(slices)
        if months
    ]
    counted_of = [len(counted) for _c, _p, _m, counted in slices]
    year_of = [campaign.year for campaign, _p, _m, _c in slices]
    result: list[list[CellTally]] = [[] for _ in slices]
    counted_regular = sa.or_(
        *[
            sa.and_(is_regular(), in_months(campaign_id, counted))
            for _i, campaign_id, _m, counted in parts
            if counted
        ],
        sa.false(),
    )
    if not parts:  # a period without campaign months: every cell scores nothing
        slice_column = sa.null()
    elif len(parts) == 1:
        slice_column = _int(parts[0][0])
    else:
        slice_column = sa.case(
            *[(in_months(cid, months), _int(index)) for index, cid, months, _c in parts]
        )
    sums = cell_sums(
        sa.or_(*[in_months(cid, months) for _i, cid, months, _c in parts], sa.false()),
        counted_regular,
        slice_column,
        by_slice=len(parts) > 1,
    )
    # The counts are unpacked by the database, on one row per cell: the loop below only
    # builds the tallies.
    counts = unpacked(sums)
    statement = (
        sa.select(
            Cell.id,
            Cell.code,
            Cell.name,
            # The category as stored (a plain string), without the enum conversion of every row.
            sa.type_coerce(Cell.category, sa.String),
            Cell.display_order,
            Cell.joined_year,
            Cell.left_year,
            sums.c.slice,
            counts.total,
            counts.scored,
            *counts.months,
        )
        .select_from(Cell)
        .outerjoin(sums, sums.c.cell_id == Cell.id)
        .where(sa.or_(*[Cell.takes_part_in(_int(year)) for year in sorted(set(year_of))]))
        # Best first: the ranking's sort then finds the rows already in order.
        .order_by(counts.total.desc(), counts.tot.desc())
    )
    if category is not None:
        statement = statement.where(Cell.category == category)

    cells: dict[int, tuple] = {}
    single = len(slices) == 1
    quarters_of = QUARTERS_OF_MASK
    # Core execution: plain rows, without the ORM's per-row bookkeeping.
    for (
        cell_id,
        code,
        name,
        category_value,
        order,
        joined,
        left,
        index,
        total,
        scored,
        tot,
        kha,
        trung_binh,
        kem,
        pending,
        mask,
    ) in db.session.connection().execute(statement).all():  # fmt: skip  (one fetchall)
        if index is None:  # no report in any period: zero tallies, added below
            cells[cell_id] = (code, name, category_value, order, joined, left)
            continue
        if not single:
            cells[cell_id] = (code, name, category_value, order, joined, left)
        if not takes_part(joined, left, year_of[index]):
            continue  # a report of a year the cell did not take part in does not count
        held = quarters_of[mask]
        result[index].append(
            CellTally(
                code, name, category_value, total, counted_of[index], scored, tot, kha,
                trung_binh, kem, pending, len(held), held, order, cell_id,
            )
        )  # fmt: skip
    if cells:
        # Cells without a row for a period (several periods, or no report at all).
        for index, tallies in enumerate(result):
            present = {tally.cell_id for tally in tallies}
            for cell_id, (code, name, category_value, order, joined, left) in cells.items():
                if cell_id not in present and takes_part(joined, left, year_of[index]):
                    tallies.append(
                        CellTally(
                            code, name, category_value, 0, counted_of[index], 0, 0, 0, 0, 0, 0,
                            0, (), order, cell_id,
                        )
                    )  # fmt: skip
    return result


def rank_history(
    year: int, category: CellCategory | str | None = None, today: dt.date | None = None
) -> list[PeriodStandings]:
    """The standings of each ended campaign month of a year (a cell's rank month by month)."""
    campaigns = load_campaigns([year])
    if year not in campaigns:
        raise no_campaign(year)
    campaign = campaigns[year]
    today = today or clock.today()
    months = [m for m in campaign.months if month_has_ended(year, m, today)]
    return standings_for_periods(
        [Period(year, month=m) for m in months], category=category, today=today, campaigns=campaigns
    )


# --------------------------------------------------------------------------------------------
# The monthly matrix and a cell's page


@dataclass(frozen=True, slots=True)
class MonthEntry:
    """The regular report of one cell and month, as the matrix and the charts show it."""

    report_id: int
    cell_id: int
    month: int
    status: ReportStatus
    grade: Grade | None
    final_total_half_points: int | None
    self_total_half_points: int
    summoned: int
    exempted: int
    present: int

    @property
    def approved(self) -> bool:
        return self.status is ReportStatus.APPROVED

    @property
    def attendance_rate(self) -> Fraction | None:
        """Present / (summoned - exempted), exact; None when nobody was required."""
        return attendance_rate(self.present, self.summoned - self.exempted)


def monthly_matrix(
    campaign: CampaignInfo, cell_id: int | None = None
) -> dict[int, dict[int, MonthEntry]]:
    """The regular reports of a campaign year (drafts left out): {cell id: {month: entry}}.

    One query; a cell page passes its ``cell_id``.
    """
    # Plain strings for the enum columns, mapped below with a dictionary: a province's year
    # is some 100,000 reports.
    query = sa.select(
        Report.id,
        Report.cell_id,
        Report.month,
        sa.type_coerce(Report.status, sa.String),
        sa.type_coerce(Report.grade, sa.String),
        Report.final_total_half_points,
        Report.self_total_half_points,
        Report.summoned,
        Report.exempted,
        Report.present,
    ).where(
        Report.campaign_id == campaign.id,
        Report.kind == ReportKind.REGULAR,
        Report.status != ReportStatus.DRAFT,
    )
    if cell_id is not None:
        query = query.where(Report.cell_id == cell_id)
    statuses = {status.value: status for status in ReportStatus}
    grades = {grade.value: grade for grade in Grade}
    grades[None] = None
    matrix: dict[int, dict[int, MonthEntry]] = {}
    with gc_paused():
        for rid, cid, month, status, grade, final, own, summoned, exempted, present in (
            db.session.connection().execute(query).all()
        ):
            matrix.setdefault(cid, {})[month] = MonthEntry(
                rid, cid, month, statuses[status], grades[grade], final, own, summoned,
                exempted, present,
            )  # fmt: skip
    return matrix


def approved_month_scores(campaign: CampaignInfo, months: Sequence[int]) -> dict[int, dict]:
    """Final totals (half-points) of the approved regular reports of the given months:
    {cell id: {month: half-points}} (one query; the "Xếp hạng" sheet of the award list)."""
    if not months:
        return {}
    query = sa.select(Report.cell_id, Report.month, Report.final_total_half_points).where(
        Report.campaign_id == campaign.id,
        Report.kind == ReportKind.REGULAR,
        Report.status == ReportStatus.APPROVED,
        Report.month.in_(sorted(months)),
    )
    scores: dict[int, dict[int, int]] = {}
    with gc_paused():
        for cell_id, month, half_points in db.session.connection().execute(query).all():
            scores.setdefault(cell_id, {})[month] = half_points
    return scores


@dataclass(frozen=True)
class AttendancePoint:
    month: int
    present: int
    required: int

    @property
    def rate(self) -> Fraction | None:
        return attendance_rate(self.present, self.required)


def attendance_by_month(
    campaign: CampaignInfo, months: Sequence[int]
) -> dict[int, AttendancePoint]:
    """Attendance of every active cell together, per counted month (approved regular reports)."""
    if not months:
        return {}
    rows = db.session.execute(
        sa.select(
            Report.month,
            sa.func.sum(Report.present),
            sa.func.sum(required_attendance()),
        )
        .join(Cell, Cell.id == Report.cell_id)
        .where(
            Cell.takes_part_in(_int(campaign.year)),
            Report.campaign_id == campaign.id,
            Report.kind == ReportKind.REGULAR,
            Report.status == ReportStatus.APPROVED,
            Report.month.in_(months),
        )
        .group_by(Report.month)
    ).all()
    return {
        month: AttendancePoint(month, int(present or 0), int(required or 0))
        for month, present, required in rows
    }


def criterion_comparison(
    campaign: CampaignInfo, cell_id: int, months: Sequence[int]
) -> list[CriterionComparison]:
    """A cell's average final points per criterion against every active cell's (two queries).

    Over the approved regular reports of the counted months; an average is per report held.
    """
    criteria = db.session.execute(
        sa.select(Criterion.id, Criterion.code, Criterion.title, Criterion.max_half_points)
        .where(Criterion.campaign_id == campaign.id)
        .order_by(Criterion.position, Criterion.id)
    ).all()
    cell_totals: dict[str, tuple[int, int]] = {}
    all_totals: dict[str, tuple[int, int]] = {}
    if months:
        is_cell = Report.cell_id == cell_id
        rows = db.session.execute(
            sa.select(
                ReportScore.criterion_id,
                sa.func.sum(sa.case((is_cell, ReportScore.final_half_points), else_=0)),
                sa.func.count(sa.case((is_cell, 1))),
                sa.func.sum(ReportScore.final_half_points),
                sa.func.count(ReportScore.final_half_points),
            )
            .join(Report, Report.id == ReportScore.report_id)
            .join(Cell, Cell.id == Report.cell_id)
            .where(
                Cell.takes_part_in(_int(campaign.year)),
                Report.campaign_id == campaign.id,
                Report.kind == ReportKind.REGULAR,
                Report.status == ReportStatus.APPROVED,
                Report.month.in_(months),
                ReportScore.final_half_points.is_not(None),
            )
            .group_by(ReportScore.criterion_id)
        ).all()
        code_of = {criterion_id: code for criterion_id, code, _title, _max in criteria}
        for criterion_id, cell_total, cell_count, all_total, all_count in rows:
            code = code_of.get(criterion_id)
            if code is None:
                continue
            cell_totals[code] = (int(cell_total or 0), int(cell_count))
            all_totals[code] = (int(all_total or 0), int(all_count))
    return compare_criteria(
        [(code, title, max_half) for _id, code, title, max_half in criteria],
        cell_totals,
        all_totals,
    )


# --------------------------------------------------------------------------------------------
# The year's review (sơ kết): what the standings do not carry


@dataclass(frozen=True)
class ReportSums:
    """Sums over the reports of the cells taking part in a campaign year (one statement)."""

    regular_approved: int = 0  # approved regular reports of the counted months
    present: int = 0  # Σ present over those reports
    required: int = 0  # Σ (summoned - exempted) over those reports
    speakers: int = 0
    young_speakers: int = 0
    thematic_approved: int = 0  # approved thematic reports of the campaign months


def report_sums(campaign: CampaignInfo, counted: Sequence[int]) -> ReportSums:
    """The review's sums beside the standings, with the standings' own filters and aggregation
    (``cell_sums``): the cells taking part in the year, the counted months for regular
    reports, every campaign month for thematic ones, approved reports only. One statement."""
    sums = cell_sums(
        in_months(campaign.id, campaign.months),
        sa.and_(is_regular(), in_months(campaign.id, counted)) if counted else sa.false(),
        sa.null(),
        by_slice=False,
        attendance=True,
    )
    counts = unpacked(sums)
    row = db.session.execute(
        sa.select(
            *(
                sum_or_zero(column)
                for column in (
                    counts.scored,
                    sums.c.present,
                    sums.c.required,
                    sums.c.speakers,
                    sums.c.young_speakers,
                    counts.quarters_held,
                )
            )
        )
        .select_from(sums)
        .join(Cell, Cell.id == sums.c.cell_id)
        .where(Cell.takes_part_in(_int(campaign.year)))
    ).one()
    return ReportSums(*(int(value or 0) for value in row))
