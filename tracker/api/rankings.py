"""Rankings through the API (contract.md): GET /api/v1/rankings. Any role may read them."""

from __future__ import annotations

from flask import jsonify, request

from ..domain import report_rules as rules
from ..domain.ranking import Standing
from ..failures import ValidationFailed
from ..rankings.params import parse_period_query
from ..standings import load_campaigns, no_campaign, standings_for_period
from .core import bp, query_parameters

QUERY_PARAMETERS = ("year", "month", "quarter", "category")
MIN_QUARTER = 1
MAX_QUARTER = 4
MSG_INVALID_QUERY = "Tham số xếp hạng không hợp lệ."
MSG_REPEATED = "Chỉ gửi tham số này một lần."


def msg_quarter_outside(quarter: int, year: int) -> str:
    return f"Quý {quarter} không thuộc đợt thi đua năm {year}."


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
        "months_pending": standing.months_pending,
        "tot_months": standing.tot_months,
        "grade": standing.grade.value if standing.grade is not None else None,
    }


def _period_query():
    """The period of the query string, as the pages read it, plus the API's own checks: each
    parameter once, a calendar year. Every problem is reported at once (400)."""
    errors = {
        name: MSG_REPEATED for name in QUERY_PARAMETERS if len(request.args.getlist(name)) > 1
    }
    try:
        query = parse_period_query(request.args)
    except ValidationFailed as error:
        errors = {**error.fields, **errors}
        query = None
    if query is not None and not rules.MIN_YEAR <= query.year <= rules.MAX_YEAR:
        errors["year"] = rules.MSG_YEAR
    if errors:
        raise ValidationFailed(MSG_INVALID_QUERY, errors)
    return query


@bp.get("/rankings")
@query_parameters(*QUERY_PARAMETERS)
def rankings():
    query = _period_query()
    campaigns = load_campaigns([query.year])
    campaign = campaigns.get(query.year)
    if campaign is None:
        raise no_campaign(query.year)  # 404
    # A month or quarter the campaign does not have is refused, as on the rankings page.
    if query.month is not None and query.month not in campaign.months:
        message = rules.msg_month_outside(
            query.month, campaign.year, campaign.first_month, campaign.last_month
        )
        raise ValidationFailed(MSG_INVALID_QUERY, {"month": message})
    if query.quarter is not None and query.quarter not in campaign.quarters:
        message = msg_quarter_outside(query.quarter, campaign.year)
        raise ValidationFailed(MSG_INVALID_QUERY, {"quarter": message})
    standings = standings_for_period(
        query.year,
        month=query.month,
        quarter=query.quarter,
        category=query.category,
        campaigns=campaigns,
    )
    return jsonify(
        year=standings.year,
        months=list(standings.months),
        rankings=[standing_as_json(row) for row in standings.rows],
    )
