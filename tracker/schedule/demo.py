"""The calendar of the living demo: this year's meetings planned, the committee following."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..extensions import db
from ..models import Campaign, Cell, CellCategory, Meeting, ReportKind, User
from ..services import ServiceError
from . import rules, service

PLACES = {
    CellCategory.HAMLET: ("Hội trường {name}", dt.time(19, 30)),
    CellCategory.SECTOR: ("Phòng họp {name}", dt.time(7, 30)),
    CellCategory.SCHOOL: ("Phòng họp {name}", dt.time(16, 30)),
}
THEMATIC_TOPIC = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"


def seed_demo_calendar(
    campaign: Campaign, cells: list[Cell], secretaries: dict[int, User], committee: User,
    admin: User, today: dt.date,
) -> int:
    """Plan this year's meetings of every cell (a fixed day each month, a thematic meeting in
    the middle month of each coming quarter) and let the committee account follow every cell.
    Idempotent: what is planned (or reported) already is left alone. Returns how many."""
    planned = 0
    for index, cell in enumerate(cells):
        if not cell.takes_part_in(campaign.year):
            continue
        service.set_followers(admin, cell, [committee.id])
        place, at = PLACES.get(cell.category, ("Hội trường {name}", dt.time(19, 30)))
        place = place.format(name=cell.name.replace("Chi bộ ", ""))
        secretary = secretaries.get(cell.id, admin)
        outcome = service.plan_year_by_rule(
            secretary, cell, campaign, day=3 + index % 6, at=at, place=place
        )
        planned += len(outcome.planned)
        for month in campaign.months:
            if month % 3 != 2 or (campaign.year, month) < (today.year, today.month):
                continue
            exists = db.session.scalar(
                sa.select(Meeting.id).where(
                    Meeting.cell_id == cell.id, Meeting.campaign_id == campaign.id,
                    Meeting.month == month, Meeting.kind == ReportKind.THEMATIC,
                )
            )
            if exists:
                continue
            start = rules.day_in_month(campaign.year, month, 15 + index % 5)
            try:
                service.plan_meeting(
                    secretary,
                    service.check_meeting(
                        cell=cell, cell_named=True, kind="thematic",
                        starts_at=f"{start.isoformat()}T{at:%H:%M}", place=place,
                        topic=THEMATIC_TOPIC,
                    ),
                )
                planned += 1
            except ServiceError:
                continue
    return planned
