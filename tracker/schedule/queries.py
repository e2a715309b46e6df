"""What the calendar's pages, API, feed, notice and reminders read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..campaigns import campaign_for_year
from ..extensions import db
from ..models import (
    Campaign,
    Cell,
    CellFollower,
    Meeting,
    Report,
    ReportDeadline,
    ReportKind,
    ReportStatus,
    Role,
    User,
)
from . import rules


def visible_meetings(
    user: User | None,
    *,
    year: int | None = None,
    month: int | None = None,
    cell_id: int | None = None,
    since: dt.datetime | None = None,
) -> list[Meeting]:
    """The meetings ``user`` may see (a secretary: her own cell's; None: all), by start time."""
    query = (
        sa.select(Meeting)
        .join(Campaign, Campaign.id == Meeting.campaign_id)
        .join(Cell, Cell.id == Meeting.cell_id)
        .options(joinedload(Meeting.cell), joinedload(Meeting.attendee), joinedload(Meeting.campaign))
        .order_by(Meeting.starts_at, Cell.display_order, Cell.id, Meeting.id)
    )
    if user is not None and user.role is Role.SECRETARY:
        query = query.where(Meeting.cell_id == user.cell_id)
    if year is not None:
        query = query.where(Campaign.year == year)
    if month is not None:
        query = query.where(Meeting.month == month)
    if cell_id is not None:
        query = query.where(Meeting.cell_id == cell_id)
    if since is not None:
        query = query.where(Meeting.starts_at >= since)
    return list(db.session.scalars(query).unique())


def feed_meetings(user: User, today: dt.date) -> list[Meeting]:
    """What a phone subscription shows: from three months back on, of every year."""
    since = dt.datetime.combine(today - dt.timedelta(days=92), dt.time(0, 0), rules.ZONE)
    meetings = visible_meetings(user, since=since)
    if user.role is Role.COMMITTEE:
        # A committee member's phone shows the meetings he attends or whose cell he follows.
        followed = set(
            db.session.scalars(sa.select(CellFollower.cell_id).where(CellFollower.user_id == user.id))
        )
        meetings = [m for m in meetings if m.attendee_id == user.id or m.cell_id in followed]
    return meetings


def slots(meetings: list[Meeting]) -> list[rules.PlannedSlot]:
    return [
        rules.PlannedSlot(m.id, m.cell_id, m.kind.value, m.month, m.starts_at, m.attendee_id)
        for m in meetings
    ]


def committee_accounts() -> list[User]:
    """Accounts that may attend cell meetings (committee and admin), by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_([Role.COMMITTEE, Role.ADMIN]), User.active.is_(True))
            .order_by(User.full_name, User.username)
        )
    )


def cells_of_year(year: int) -> list[Cell]:
    return list(
        db.session.scalars(
            sa.select(Cell)
            .where(Cell.takes_part_in(year), Cell.active.is_(True))
            .order_by(Cell.display_order, Cell.id)
        )
    )


def followers_by_cell() -> dict[int, list[User]]:
    rows = db.session.execute(
        sa.select(CellFollower.cell_id, User)
        .join(User, User.id == CellFollower.user_id)
        .order_by(User.full_name)
    ).all()
    answer: dict[int, list[User]] = {}
    for cell_id, user in rows:
        answer.setdefault(cell_id, []).append(user)
    return answer


def reports_of_slots(
    campaign_id: int, months: list[int], cell_id: int | None = None
) -> dict[tuple[int, int, str], int]:
    """The reports filed (in any state) for the months, of one cell when given: (cell id,
    month, kind) -> the first report's id. A meeting with a report has taken place: it is
    shown with its report, not moved or reported again, and it fills its slot (one query)."""
    query = (
        sa.select(Report.cell_id, Report.month, Report.kind, sa.func.min(Report.id))
        .where(Report.campaign_id == campaign_id, Report.month.in_(months))
        .group_by(Report.cell_id, Report.month, Report.kind)
    )
    if cell_id is not None:
        query = query.where(Report.cell_id == cell_id)
    rows = db.session.execute(query)
    return {(cell_id, month, kind.value): report_id for cell_id, month, kind, report_id in rows}


def planned_meeting_for_report(cell_id: int, campaign_id: int, month: int, kind: ReportKind) -> Meeting | None:
    """The planned meeting a report of that slot starts from (the first one of the month)."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(
            Meeting.cell_id == cell_id,
            Meeting.campaign_id == campaign_id,
            Meeting.month == month,
            Meeting.kind == kind,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


# --------------------------------------------------------------------------------------------
# Late and overdue reports


@dataclass(frozen=True)
class Timeliness:
    """A planned meeting or a filed report, its due day and its flag ("late"/"overdue"/None)."""

    cell_id: int
    month: int
    kind: str
    held_on: dt.date
    due: dt.date
    flag: str | None
    report_id: int | None
    meeting_id: int | None


def _submitted_local_date(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(rules.ZONE).date() if moment is not None else None


def timeliness_of_year(
    campaign: Campaign, today: dt.date, cell_id: int | None = None
) -> list[Timeliness]:
    """Every report of the year (its meeting date) and every planned meeting without a report,
    with the day the report was due and whether it is late (filed after) or overdue (not
    filed, past due). A draft is not filed."""
    rule, days = deadline_of(campaign.id)
    answer: list[Timeliness] = []
    reported: set[tuple[int, int, str]] = set()
    reports = db.session.execute(
        sa.select(
            Report.id, Report.cell_id, Report.month, Report.kind, Report.held_on,
            Report.status, Report.submitted_at,
        ).where(
            Report.campaign_id == campaign.id,
            sa.true() if cell_id is None else Report.cell_id == cell_id,
        )
    ).all()
    for report_id, row_cell, month, kind, held_on, status, submitted_at in reports:
        reported.add((row_cell, month, kind.value))
        if held_on is None:
            continue
        due = rules.report_due(held_on, rule, days)
        filed = None if status is ReportStatus.DRAFT else _submitted_local_date(submitted_at)
        answer.append(
            Timeliness(row_cell, month, kind.value, held_on, due,
                       rules.timeliness(due, filed, today), report_id, None)
        )
    meetings = db.session.execute(
        sa.select(Meeting.id, Meeting.cell_id, Meeting.month, Meeting.kind, Meeting.starts_at)
        .where(
            Meeting.campaign_id == campaign.id,
            sa.true() if cell_id is None else Meeting.cell_id == cell_id,
        )
        .order_by(Meeting.starts_at)
    ).all()
    for meeting_id, row_cell, month, kind, starts_at in meetings:
        if (row_cell, month, kind.value) in reported:
            continue
        reported.add((row_cell, month, kind.value))
        held_on = starts_at.astimezone(rules.ZONE).date()
        due = rules.report_due(held_on, rule, days)
        answer.append(
            Timeliness(row_cell, month, kind.value, held_on, due,
                       rules.timeliness(due, None, today), None, meeting_id)
        )
    return answer


def count_late_reports(year: int, today: dt.date) -> dict[str, int]:
    """THE count of late and overdue reports of a campaign year, for the year's review:
    ``{"late": filed after their due day, "overdue": planned meetings (or drafts) whose
    report is past due and not filed}``. A year without a campaign counts nothing.

    Plain function: call it inside an app context with the committee's today
    (``tracker.clock.today()``)."""
    campaign = campaign_for_year(year)
    if campaign is None:
        return {"late": 0, "overdue": 0}
    flags = [row.flag for row in timeliness_of_year(campaign, today)]
    return {"late": flags.count("late"), "overdue": flags.count("overdue")}


def report_flags(campaign: Campaign, today: dt.date) -> dict[int, Timeliness]:
    """Flags by report id (for the report lists)."""
    return {
        row.report_id: row
        for row in timeliness_of_year(campaign, today)
        if row.report_id is not None and row.flag
    }


def deadline_of(campaign_id: int) -> tuple[str, int]:
    """The year's rule; a year without one follows the latest earlier year that set one (a new
    year keeps the committee's rule), else the default of 5 days after the meeting."""
    row = db.session.execute(
        sa.select(ReportDeadline.rule, ReportDeadline.days)
        .join(Campaign, Campaign.id == ReportDeadline.campaign_id)
        .where(
            Campaign.year
            <= sa.select(Campaign.year).where(Campaign.id == campaign_id).scalar_subquery()
        )
        .order_by(Campaign.year.desc())
        .limit(1)
    ).first()
    if row is None:
        return rules.DEFAULT_RULE
    return row.rule.value, row.days
