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
        rows = queries.timeliness_of_year(campaign, today)
        if user.role is Role.SECRETARY:
            rows = [r for r in rows if r.cell_id == user.cell_id]
        late = sum(1 for r in rows if r.flag == "late")
        overdue = [r for r in rows if r.flag == "overdue"]
    from .service import deadline_of

    return HomePanel(
        year=campaign.year if campaign else None,
        upcoming=upcoming[:UPCOMING_LIMIT],
        late=late,
        overdue=overdue,
        cell_names=dict(db.session.execute(sa.select(Cell.id, Cell.name)).all()),
        rule=deadline_of(campaign.id) if campaign else rules.DEFAULT_RULE,
    )


def report_timeliness(campaign: Campaign | None) -> dict[int, queries.Timeliness]:
    """Late reports by id (for the report list)."""
    if campaign is None:
        return {}
    return queries.report_flags(campaign, clock.today())
