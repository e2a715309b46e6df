"""Reference data: the cells and the rubric of a campaign year."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify

from ..campaigns import all_campaigns, campaign_for_year
from ..domain import report_rules as rules
from ..domain.scoring import to_points
from ..extensions import db
from ..models import Cell, Member
from ..queries import rubric_for_year
from .core import api_error, bp, path_whole


def _number(points):
    """JSON number for points: whole numbers as integers, halves as 7.5."""
    return int(points) if points == points.to_integral_value() else float(points)


@bp.get("/cells")
def cells():
    rows = db.session.execute(
        sa.select(Cell, sa.func.count(Member.id))
        .outerjoin(Member, sa.and_(Member.cell_id == Cell.id, Member.active.is_(True)))
        .where(Cell.active.is_(True))
        .group_by(Cell.id)
        .order_by(Cell.display_order, Cell.id)
    ).all()
    return jsonify(
        cells=[
            {
                "code": cell.code,
                "name": cell.name,
                "category": cell.category.value,
                "members": count,
            }
            for cell, count in rows
        ]
    )


@bp.get("/campaigns")
def campaigns():
    """Every campaign year, ascending, with the plan it carries out (any role)."""
    return jsonify(
        campaigns=[
            {
                "year": campaign.year,
                "first_month": campaign.first_month,
                "last_month": campaign.last_month,
                "closed": campaign.is_closed,
                "plan": {
                    "number": campaign.plan.number,
                    "date": campaign.plan.issued_on.isoformat(),
                    "title": campaign.plan.title,
                },
            }
            for campaign in all_campaigns()
        ]
    )


@bp.get("/rubric/<year>")
def rubric(year: str):
    year = path_whole(
        year, low=rules.MIN_YEAR, high=rules.MAX_YEAR, field="year", message=rules.MSG_YEAR
    )
    campaign = campaign_for_year(year)
    if campaign is None:
        return api_error(
            404, f"Không có năm thi đua {year}.", {"year": "Năm không có kế hoạch thi đua."}
        )
    criteria = rubric_for_year(campaign)
    return jsonify(
        year=year,
        total=_number(to_points(sum(c.max_half_points for c in criteria))),
        criteria=[
            {
                "code": c.code,
                "title": c.title,
                "max_points": _number(to_points(c.max_half_points)),
                "gate": c.gate,
            }
            for c in criteria
        ],
    )
