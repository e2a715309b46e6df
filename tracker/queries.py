"""Read-side queries shared by pages, the API, exports and the service layer.

Where the reads live: here, what several areas (or the services) read — cells, a year's rubric
and grade bands, members, a year's review, exemplary meetings; ``campaigns.py``, campaign
years, plans and the committee's names; ``standings.py`` and ``tallies.py``, scores and ranks;
``award_queries.py``, the awards; each area's ``queries.py`` (admin, reports, review,
schedule), what only its pages read. Reads import no service and no blueprint package
(tests/test_import_layers.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from .domain import report_rules as rules
from .domain.scoring import DEFAULT_BANDS, Grade, GradeBands
from .domain.scoring import Criterion as RubricLine
from .domain.vietnamese import name_key
from .extensions import db
from .models import (
    Campaign,
    Cell,
    Criterion,
    ExemplaryMeeting,
    GradeBand,
    Member,
    Report,
    YearReview,
)


def cell_by_code(code: str | None) -> Cell | None:
    """The cell with this code, closed or not; None for no code or an unknown one.

    Callers say what a missing cell means to them (404, a form message, a CLI refusal).
    """
    if not code:
        return None
    return db.session.scalar(sa.select(Cell).where(Cell.code == code))


def cells_in_display_order() -> list[Cell]:
    """Every cell, open or closed, in display order."""
    return list(db.session.scalars(sa.select(Cell).order_by(Cell.display_order, Cell.id)))


def active_cells(cell_id: int | None = None, year: int | None = None) -> list[Cell]:
    """The cells in list order (or the one cell ``cell_id``): with ``year``, those taking part
    in that campaign year, whether or not they still operate; without, those operating now."""
    if cell_id is not None:
        query = sa.select(Cell).where(Cell.id == cell_id)
    elif year is None:
        query = sa.select(Cell).where(Cell.active.is_(True))
    else:
        query = sa.select(Cell)
    if year is not None:
        query = query.where(Cell.takes_part_in(year))
    return list(db.session.scalars(query.order_by(Cell.display_order, Cell.id)))


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


@dataclass(frozen=True)
class Rubric:
    campaign: Campaign
    criteria: list[Criterion]
    lines: list[RubricLine]
    bands: GradeBands

    @property
    def facts(self) -> rules.CampaignFacts:
        return campaign_facts(self.campaign)

    def by_code(self) -> dict[str, Criterion]:
        return {criterion.code: criterion for criterion in self.criteria}


def campaign_facts(campaign: Campaign) -> rules.CampaignFacts:
    return rules.CampaignFacts(campaign.year, campaign.first_month, campaign.last_month)


def rubric_of(campaign: Campaign) -> Rubric:
    criteria = rubric_for_year(campaign)
    lines = [RubricLine(c.code, c.title, c.max_half_points, c.gate) for c in criteria]
    return Rubric(campaign, criteria, lines, grade_bands(campaign))


def review_of(campaign: Campaign) -> YearReview | None:
    return db.session.scalar(sa.select(YearReview).where(YearReview.campaign_id == campaign.id))


def exemplary_of(report: Report) -> ExemplaryMeeting | None:
    return db.session.scalar(
        sa.select(ExemplaryMeeting).where(ExemplaryMeeting.report_id == report.id)
    )
