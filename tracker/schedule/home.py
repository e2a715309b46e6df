"""What the homes show of the calendar: the coming meetings and the reports past due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from .. import clock
from ..campaigns import all_campaigns, default_campaign
from ..extensions import db
from ..models import Campaign, Cell, Meeting, Role, User
from . import queries, rules

UPCOMING_DAYS = 14
UPCOMING_LIMIT = 8


@dataclass
class HomePanel:
    year: int | None
    upcoming: list[Meeting]
    late: int
    overdue: list[queries.Timeliness]
    cell_names: dict[int, str]
    rule: tuple[str, int]


def home_panel(user: User) -> HomePanel:
    today = clock.today()
    campaign = default_campaign(today, all_campaigns())
    start = dt.datetime.combine(today, dt.time(0, 0), rules.ZONE)
    upcoming = [
        m
        for m in queries.visible_meetings(user, since=start)
        if m.starts_at < start + dt.timedelta(days=UPCOMING_DAYS)
    ]
    if user.role is Role.COMMITTEE:
        mine = [m for m in upcoming if m.attendee_id == user.id]
        upcoming = mine or upcoming
    late, overdue = 0, []
    if campaign is not None:
        own = user.cell_id if user.role is Role.SECRETARY else None
        rows = queries.timeliness_of_year(campaign, today, cell_id=own)
        late = sum(1 for r in rows if r.flag == "late")
        overdue = [r for r in rows if r.flag == "overdue"]
    return HomePanel(
        year=campaign.year if campaign else None,
        upcoming=upcoming[:UPCOMING_LIMIT],
        late=late,
        overdue=overdue,
        cell_names=dict(db.session.execute(sa.select(Cell.id, Cell.name)).all()),
        rule=queries.deadline_of(campaign.id) if campaign else rules.DEFAULT_RULE,
    )


def report_timeliness(campaign: Campaign | None) -> dict[int, queries.Timeliness]:
    """Late reports by id (for the report list)."""
    if campaign is None:
        return {}
    return queries.report_flags(campaign, clock.today())


def report_lateness(report) -> dt.date | None:
    """The due day of a filed report that was late (None when on time, a draft, or undated).

    For one report at a time (the review queue, the report page); the deadline of each year
    is read once per request."""
    from flask import g

    from ..models import ReportStatus

    if report.held_on is None or report.status is ReportStatus.DRAFT or report.submitted_at is None:
        return None
    cache = g.setdefault("report_deadlines", {})
    if report.campaign_id not in cache:
        cache[report.campaign_id] = queries.deadline_of(report.campaign_id)
    rule, days = cache[report.campaign_id]
    due = rules.report_due(report.held_on, rule, days)
    submitted_on = report.submitted_at.astimezone(rules.ZONE).date()
    return due if rules.timeliness(due, submitted_on, clock.today()) == "late" else None
