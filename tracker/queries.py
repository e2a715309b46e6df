"""Read-side queries shared by pages, the API and exports."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from .domain.scoring import DEFAULT_BANDS, Grade, GradeBands
from .domain.scoring import Criterion as RubricLine
from .domain.vietnamese import name_key
from .extensions import db
from .models import Campaign, Criterion, GradeBand, Member


def campaign_for_year(year: int) -> Campaign | None:
    return db.session.scalar(sa.select(Campaign).where(Campaign.year == year))


def rubric_for_year(campaign: Campaign) -> list[Criterion]:
    """The criteria of a campaign year, in rubric order."""
    return list(
        db.session.scalars(
            sa.select(Criterion)
            .where(Criterion.campaign_id == campaign.id)
            .order_by(Criterion.position, Criterion.id)
        )
    )


def rubric_lines(campaign: Campaign) -> list[RubricLine]:
    """The rubric as plain domain values."""
    return [
        RubricLine(c.code, c.title, c.max_half_points, c.gate) for c in rubric_for_year(campaign)
    ]


def grade_bands(campaign: Campaign) -> GradeBands:
    """The grade bands of a campaign year (defaults where a band is not stored)."""
    return bands_by_campaign([campaign.id]).get(campaign.id, DEFAULT_BANDS)


def bands_by_campaign(campaign_ids: Iterable[int] | None = None) -> dict[int, GradeBands]:
    """The stored grade bands of the given campaigns (all without ``campaign_ids``), one query:
    {campaign id: bands}, the defaults where a band is not stored; a campaign without any
    stored band is left out (its bands are ``DEFAULT_BANDS``)."""
    query = sa.select(GradeBand.campaign_id, GradeBand.grade, GradeBand.min_half_points)
    if campaign_ids is not None:
        query = query.where(GradeBand.campaign_id.in_(sorted(set(campaign_ids))))
    stored: dict[int, dict[Grade, int]] = {}
    for campaign_id, grade, half_points in db.session.execute(query):
        stored.setdefault(campaign_id, {})[Grade(grade)] = half_points
    return {campaign_id: GradeBands.from_stored(bands) for campaign_id, bands in stored.items()}


def member_register(*, cell_ids: list[int] | None = None, active: bool | None = True) -> list[Member]:
    """Members with their cells, per cell (display order) in Vietnamese name order.

    One query whatever the number of members; ``cell_ids`` None means every cell, ``active``
    None means active and inactive members alike.
    """
    statement = sa.select(Member).join(Member.cell).options(contains_eager(Member.cell))
    if cell_ids is not None:
        statement = statement.where(Member.cell_id.in_(cell_ids))
    if active is not None:
        statement = statement.where(Member.active.is_(active))
    members = list(db.session.scalars(statement))
    members.sort(key=lambda m: (m.cell.display_order, m.cell.id, name_key(m.full_name), m.id))
    return members
