"""Rankings through the API (contract.md): GET /api/v1/rankings. Any role may read them."""

from __future__ import annotations

from flask import jsonify, request

from ..domain.ranking import Standing
from ..rankings.params import parse_period_query
from ..standings import standings_for_period
from .core import bp


def standing_as_json(standing: Standing) -> dict:
    """One ranked cell in the contract's shape (the average rounded to 2 decimals)."""
    average = standing.average_rounded
    return {
        "rank": standing.rank,
        "cell": standing.code,
        "name": standing.name,
        "category": standing.category,
        "average": float(average) if average is not None else None,
        "months_counted": standing.months_counted,
        "months_missing": standing.months_missing,
        "tot_months": standing.tot_months,
        "grade": standing.grade.value if standing.grade is not None else None,
    }


@bp.get("/rankings")
def rankings():
    query = parse_period_query(request.args)  # ValidationFailed -> 400
    standings = standings_for_period(
        query.year, month=query.month, quarter=query.quarter, category=query.category
    )  # NotFound -> 404
    return jsonify(
        year=standings.year,
        months=list(standings.months),
        rankings=[standing_as_json(row) for row in standings.rows],
    )
