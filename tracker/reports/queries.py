"""Read-side queries of the reports area: lists, the review queue, outstanding work, the
attendance register, a report's history, its score rows and attendance lines. Each runs a
fixed number of statements, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..domain.attendance import Attendance, MemberRecord, member_record
from ..domain.periods import campaign_quarters, month_has_ended, quarter_has_ended, quarter_of
from ..domain.vietnamese import name_key
from ..extensions import db
from ..models import (
    AuditEntry,
    Campaign,
    Cell,
    CellRole,
    Member,
    Report,
    ReportAttendance,
    ReportKind,
    ReportScore,
    ReportStatus,
    User,
)
from ..queries import Rubric, active_cells, rubric_of

# --------------------------------------------------------------------------------------------
# Campaign years


def campaigns() -> list[Campaign]:
    return list(db.session.scalars(sa.select(Campaign).order_by(Campaign.year)))


# --------------------------------------------------------------------------------------------
# Lists


def _with_cell_and_campaign(query):
    return (
        query.join(Report.cell)
        .join(Report.campaign)
        .options(contains_eager(Report.cell), contains_eager(Report.campaign))
    )


def report_list(
    *,
    campaign: Campaign | None,
    cell_id: int | None = None,
    status: ReportStatus | None = None,
    kind: ReportKind | None = None,
) -> list[Report]:
    """Reports of a year, newest month first, in one statement."""
    query = _with_cell_and_campaign(sa.select(Report))
    if campaign is not None:
        query = query.where(Report.campaign_id == campaign.id)
    if cell_id is not None:
        query = query.where(Report.cell_id == cell_id)
    if status is not None:
        query = query.where(Report.status == status)
    if kind is not None:
        query = query.where(Report.kind == kind)
    query = query.order_by(
        Campaign.year.desc(), Report.month.desc(), Cell.display_order, Report.kind, Report.id
    )
    return list(db.session.scalars(query))


# In the queue: sent and not yet reviewed, in a year not closed (joined with its campaign).
_WAITING = (Report.status == ReportStatus.SUBMITTED, Campaign.closed_at.is_(None))


def review_queue(limit: int | None = None, campaign_id: int | None = None) -> list[Report]:
    """Submitted reports, the longest waiting first (of one campaign year when given)."""
    query = (
        _with_cell_and_campaign(sa.select(Report))
        .where(*_WAITING)
        .order_by(Report.submitted_at, Report.id)
    )
    if campaign_id is not None:
        query = query.where(Report.campaign_id == campaign_id)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def queue_years() -> list[tuple[int, int]]:
    """(year, reports waiting) of the open years with reports in the queue, oldest first."""
    return [
        (year, count)
        for year, count in db.session.execute(
            sa.select(Campaign.year, sa.func.count(Report.id))
            .join(Report.campaign)
            .where(*_WAITING)
            .group_by(Campaign.year)
            .order_by(Campaign.year)
        )
    ]


def queue_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Report.id)).join(Report.campaign).where(*_WAITING)
    )


def latest_outcomes(cell_id: int, limit: int = 5) -> list[Report]:
    """The cell's most recently reviewed reports (approved or returned), with the comment."""
    query = (
        _with_cell_and_campaign(sa.select(Report))
        .where(
            Report.cell_id == cell_id,
            Report.status.in_([ReportStatus.APPROVED, ReportStatus.RETURNED]),
            Report.reviewed_at.is_not(None),
        )
        .order_by(Report.reviewed_at.desc(), Report.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


# --------------------------------------------------------------------------------------------
# Outstanding work


@dataclass(frozen=True)
class MonthSlot:
    """The regular report of one cell and month, if any."""

    report_id: int | None
    status: ReportStatus | None
    grade: object = None

    @property
    def done(self) -> bool:
        return self.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


@dataclass
class CellOutstanding:
    cell: Cell
    months: dict[int, MonthSlot] = field(default_factory=dict)
    quarters: dict[int, str] = field(
        default_factory=dict
    )  # approved, submitted, returned, draft, missing
    missing_months: list[int] = field(default_factory=list)
    missing_quarters: list[int] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return len(self.missing_months) + len(self.missing_quarters)


@dataclass
class Outstanding:
    campaign: Campaign
    ended_months: list[int]
    ended_quarters: list[int]
    quarters: list[int]
    cells: list[CellOutstanding]
    waiting: list[Report]

    @property
    def missing_month_count(self) -> int:
        return sum(len(c.missing_months) for c in self.cells)

    @property
    def missing_quarter_count(self) -> int:
        return sum(len(c.missing_quarters) for c in self.cells)


_STATUS_ORDER = {
    ReportStatus.APPROVED: 0,
    ReportStatus.SUBMITTED: 1,
    ReportStatus.RETURNED: 2,
    ReportStatus.DRAFT: 3,
}


def outstanding(campaign: Campaign, today: dt.date, cell_id: int | None = None) -> Outstanding:
    """For each ended month of the campaign, the cells without a submitted or approved regular
    report; for each ended quarter, the cells without an approved thematic meeting; and the
    reports waiting for review. Four statements."""
    cells = active_cells(cell_id, campaign.year)
    cell_ids = [cell.id for cell in cells]
    ended_months = [m for m in campaign.months if month_has_ended(campaign.year, m, today)]
    quarters = campaign_quarters(campaign.first_month, campaign.last_month)
    ended_quarters = [q for q in quarters if quarter_has_ended(campaign.year, q, today)]

    regular = db.session.execute(
        sa.select(Report.cell_id, Report.month, Report.id, Report.status, Report.grade).where(
            Report.campaign_id == campaign.id,
            Report.kind == ReportKind.REGULAR,
            Report.cell_id.in_(cell_ids),
        )
    ).all()
    thematic = db.session.execute(
        sa.select(Report.cell_id, Report.month, Report.status)
        .where(
            Report.campaign_id == campaign.id,
            Report.kind == ReportKind.THEMATIC,
            Report.cell_id.in_(cell_ids),
        )
        .group_by(Report.cell_id, Report.month, Report.status)
    ).all()
    waiting_query = (
        _with_cell_and_campaign(sa.select(Report))
        .where(Report.status == ReportStatus.SUBMITTED, Report.campaign_id == campaign.id)
        .order_by(Report.submitted_at, Report.id)
    )
    if cell_id is not None:
        waiting_query = waiting_query.where(Report.cell_id == cell_id)
    # A closed year's reports are locked: none of them waits for anything any more.
    waiting = list(db.session.scalars(waiting_query)) if campaign.closed_at is None else []

    by_cell = {cell.id: CellOutstanding(cell) for cell in cells}
    for row in regular:
        by_cell[row.cell_id].months[row.month] = MonthSlot(row.id, row.status, row.grade)
    best_thematic: dict[tuple[int, int], ReportStatus] = {}
    for row in thematic:
        key = (row.cell_id, quarter_of(row.month))
        if (
            key not in best_thematic
            or _STATUS_ORDER[row.status] < _STATUS_ORDER[best_thematic[key]]
        ):
            best_thematic[key] = row.status
    for entry in by_cell.values():
        for month in campaign.months:
            slot = entry.months.setdefault(month, MonthSlot(None, None))
            if month in ended_months and not slot.done:
                entry.missing_months.append(month)
        for quarter in quarters:
            status = best_thematic.get((entry.cell.id, quarter))
            entry.quarters[quarter] = status.value if status else "missing"
            if quarter in ended_quarters and status is not ReportStatus.APPROVED:
                entry.missing_quarters.append(quarter)
    return Outstanding(
        campaign=campaign,
        ended_months=ended_months,
        ended_quarters=ended_quarters,
        quarters=quarters,
        cells=list(by_cell.values()),
        waiting=waiting,
    )


# --------------------------------------------------------------------------------------------
# The attendance register (HD 12)


@dataclass(frozen=True)
class Meeting:
    report_id: int
    month: int
    kind: ReportKind
    held_on: dt.date | None


@dataclass
class RegisterLine:
    member: Member
    record: MemberRecord
    marks: dict[int, tuple[str, bool]]  # report id -> (status, spoke)


@dataclass
class Register:
    cell: Cell
    campaign: Campaign
    meetings: list[Meeting]
    lines: list[RegisterLine]

    @property
    def flagged(self) -> list[RegisterLine]:
        return [line for line in self.lines if line.record.flagged]


def attendance_register(cell: Cell, campaign: Campaign) -> Register:
    """Each member's attendance over the filed meetings of a year (drafts excluded), with the
    HD 12 flags. Three statements."""
    meetings = [
        Meeting(row.id, row.month, row.kind, row.held_on)
        for row in db.session.execute(
            sa.select(Report.id, Report.month, Report.kind, Report.held_on)
            .where(
                Report.cell_id == cell.id,
                Report.campaign_id == campaign.id,
                Report.status != ReportStatus.DRAFT,
                sa.exists().where(ReportAttendance.report_id == Report.id),
            )
            .order_by(Report.month, Report.held_on, Report.kind, Report.id)
        )
    ]
    order = {meeting.report_id: index for index, meeting in enumerate(meetings)}
    marks: dict[int, dict[int, tuple[str, bool]]] = {}
    if meetings:
        for row in db.session.execute(
            sa.select(
                ReportAttendance.member_id,
                ReportAttendance.report_id,
                ReportAttendance.status,
                ReportAttendance.spoke,
            ).where(ReportAttendance.report_id.in_(list(order)))
        ):
            marks.setdefault(row.member_id, {})[row.report_id] = (row.status.value, row.spoke)
    members = db.session.scalars(
        sa.select(Member).where(
            sa.or_(
                sa.and_(Member.cell_id == cell.id, Member.active.is_(True)),
                Member.id.in_(list(marks)) if marks else sa.false(),
            )
        )
    ).all()
    months = {meeting.report_id: meeting.month for meeting in meetings}
    lines = []
    for member in sorted(members, key=lambda m: name_key(m.full_name)):
        own = marks.get(member.id, {})
        sequence = [
            Attendance(months[report_id], status, spoke)
            for report_id, (status, spoke) in sorted(own.items(), key=lambda item: order[item[0]])
        ]
        lines.append(RegisterLine(member, member_record(sequence), own))
    return Register(cell, campaign, meetings, lines)


# --------------------------------------------------------------------------------------------
# Audit trail


def report_history(report_id: int) -> list[AuditEntry]:
    """The audit rows of one report, oldest first, with their authors (one statement)."""
    author = aliased(User)
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .outerjoin(author, AuditEntry.user_id == author.id)
            .options(contains_eager(AuditEntry.user.of_type(author)))
            .where(AuditEntry.object_type == "report", AuditEntry.object_id == report_id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


# --------------------------------------------------------------------------------------------
# A report's page and form: its score rows and attendance lines, the members on its form


def get_report(report_id: int) -> Report | None:
    return db.session.get(Report, report_id)


def regular_report_of(cell_id: int, campaign_id: int, month: int) -> Report | None:
    """The cell's regular report of a month, whatever its state (there is at most one)."""
    return db.session.scalar(
        sa.select(Report).where(
            Report.cell_id == cell_id,
            Report.campaign_id == campaign_id,
            Report.month == month,
            Report.kind == ReportKind.REGULAR,
        )
    )


def scores_by_code(report: Report, rubric: Rubric | None = None) -> dict[str, ReportScore]:
    """The report's score rows by criterion code, in rubric order (no query per row)."""
    rubric = rubric or rubric_of(report.campaign)
    rows = {score.criterion_id: score for score in report.scores}
    return {c.code: rows[c.id] for c in rubric.criteria if c.id in rows}


def attendance_rows(report: Report) -> list[ReportAttendance]:
    """The report's per-member lines with their members, in one statement, cell role then name."""
    rows = db.session.scalars(
        sa.select(ReportAttendance)
        .options(joinedload(ReportAttendance.member))
        .where(ReportAttendance.report_id == report.id)
    ).all()
    return sorted(
        rows,
        key=lambda row: (CELL_ROLE_ORDER[row.member.cell_role], name_key(row.member.full_name)),
    )


def score_table(report: Report) -> list[dict]:
    """The rubric lines of a report with its self-assessed and final half-points."""
    rubric = rubric_of(report.campaign)
    scores = {score.criterion_id: score for score in report.scores}
    table = []
    for criterion in rubric.criteria:
        score = scores.get(criterion.id)
        table.append(
            {
                "criterion": criterion,
                "self": score.self_half_points if score else None,
                "final": score.final_half_points if score else None,
            }
        )
    return table


def members_for_form(cell: Cell, report: Report | None) -> list[Member]:
    """The members listed on a report's form: those with a line, then the active members."""
    member_ids = {row.member_id for row in report.attendance} if report is not None else set()
    query = sa.select(Member).where(
        sa.or_(
            sa.and_(Member.cell_id == cell.id, Member.active.is_(True)),
            Member.id.in_(member_ids) if member_ids else sa.false(),
        )
    )
    members = list(db.session.scalars(query))
    return sorted(members, key=lambda m: (CELL_ROLE_ORDER[m.cell_role], name_key(m.full_name)))


CELL_ROLE_ORDER = {
    CellRole.SECRETARY: 0,
    CellRole.DEPUTY: 1,
    CellRole.COMMITTEE_MEMBER: 2,
    CellRole.MEMBER: 3,
}
