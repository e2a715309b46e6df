"""Pages of the rankings area: the standings, the monthly matrix, year over year, a cell.

The competition is public within the committee: every role reads every page here. A score
links to its report only for whoever may open that report (a secretary: her own cell's).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user

from .. import clock, grade_notes
from ..campaigns import default_year
from ..failures import ValidationFailed
from ..models import CellCategory
from ..pagecache import kept_page
from ..permissions import can_open_report, rankings_readers
from ..queries import cell_by_code
from ..standings import (
    CampaignInfo,
    load_campaigns,
    monthly_matrix,
    standings_by_year,
    standings_for_period,
)
from . import dashboard, waiting
from .forms import FilterForm, period_value, split_period_value
from .params import parse_period_query

bp = Blueprint("rankings", __name__, url_prefix="/rankings")
bp.record_once(grade_notes.register)  # issue 12: grade reasons, as app-wide template globals

# Which filter field shows the error of which query value.
FIELD_OF = {"year": "year", "month": "period", "quarter": "period", "category": "category"}


@dataclass
class Filters:
    """The period and category a page shows, or the errors that prevent it."""

    form: FilterForm
    campaigns: dict[int, CampaignInfo]
    campaign: CampaignInfo | None
    month: int | None = None
    quarter: int | None = None
    category: CellCategory | None = None

    @property
    def ok(self) -> bool:
        return self.campaign is not None and not self.form_errors

    @property
    def form_errors(self) -> bool:
        return any(field.errors for field in self.form)

    def args(self, **changes) -> dict:
        """Query values of these filters (for links), with ``changes`` applied."""
        values = {
            "year": self.campaign.year if self.campaign else None,
            "month": self.month,
            "quarter": self.quarter,
            "category": self.category.value if self.category else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value is not None}


def read_filters(today, *, with_period: bool = True, with_category: bool = True) -> Filters:
    """Read year, period and category from the query string; bad values become field errors."""
    campaigns = load_campaigns()
    values = {key: request.args.get(key) for key in ("year", "month", "quarter", "category")}
    if with_period and "period" in request.args:
        values["month"] = values["quarter"] = None
        values.update(split_period_value(request.args.get("period", "")))
    if not with_period:
        values["month"] = values["quarter"] = None
    if not with_category:
        values["category"] = None
    errors: dict[str, str] = {}
    try:
        query = parse_period_query(
            {k: v for k, v in values.items() if v is not None},
            year_required=False,
            blank_is_absent=True,
        )
        year, month, quarter, category = query.year, query.month, query.quarter, query.category
    except ValidationFailed as error:
        errors = dict(error.fields)
        year = month = quarter = category = None

    if year is None and "year" not in errors:
        year = default_year(campaigns, today)
    campaign = campaigns.get(year) if year is not None else None
    if year is not None and campaign is None:
        errors["year"] = f"Không có năm thi đua {year}."
    if campaign is not None:
        if month is not None and month not in campaign.months:
            errors["month"] = (
                f"Tháng {month} không thuộc đợt thi đua năm {campaign.year} "
                f"(tháng {campaign.first_month} đến tháng {campaign.last_month})."
            )
        if quarter is not None and quarter not in campaign.quarters:
            errors["quarter"] = f"Quý {quarter} không thuộc đợt thi đua năm {campaign.year}."

    form = FilterForm(
        meta={"csrf": False},
        data={
            "year": str(campaign.year if campaign else year or ""),
            "period": period_value(month, quarter),
            "category": category.value if category else "",
        },
    ).fill(sorted(campaigns), campaign, with_period=with_period, with_category=with_category)
    for name, message in errors.items():
        form.add_error(FIELD_OF[name], message)
    if "year" in errors:
        campaign = None
    return Filters(form, campaigns, campaign, month, quarter, category)


def report_url(report_id: int | None, cell_id: int) -> str | None:
    """The link to the report behind a score, when its page exists and the user may open it."""
    if report_id is None or "reports.view" not in current_app.view_functions:
        return None
    if not can_open_report(current_user, cell_id):
        return None
    return url_for("reports.view", report_id=report_id)


def render(template: str, **context):
    return render_template(
        template,
        legend=dashboard.SQUARE_LEGEND,
        average_text=dashboard.average_text,
        quarters_text=dashboard.quarters_text,
        percent_text=dashboard.percent_text,
        points_average_text=dashboard.points_average_text,
        report_url=report_url,
        categories=dict(CellCategory.choices()),
        **context,
    )


@bp.get("/")
@kept_page
@rankings_readers
def index():
    """The standings of a year, a quarter or a month, overall or for one category."""
    today = clock.today()
    filters = read_filters(today)
    standings = None
    if filters.ok:
        standings = standings_for_period(
            filters.campaign.year,
            month=filters.month,
            quarter=filters.quarter,
            category=filters.category,
            today=today,
            campaigns=filters.campaigns,
        )
    gaps = waiting.for_standings(standings) if standings else waiting.GapsByCell()
    return render(
        "rankings/index.html", filters=filters, standings=standings, gaps=gaps, tab="index"
    )


@bp.get("/matrix")
@kept_page
@rankings_readers
def matrix():
    """Cells by months of a campaign year, each square coloured by the month's grade."""
    today = clock.today()
    filters = read_filters(today, with_period=False)
    standings = rows = None
    if filters.ok:
        standings = standings_for_period(
            filters.campaign.year,
            category=filters.category,
            today=today,
            campaigns=filters.campaigns,
        )
        rows = dashboard.matrix_rows(standings, monthly_matrix(filters.campaign))
    return render(
        "rankings/matrix.html", filters=filters, standings=standings, rows=rows, tab="matrix"
    )


@bp.get("/years")
@kept_page
@rankings_readers
def years():
    """Every campaign year side by side: each cell's rank and average per year."""
    today = clock.today()
    filters = read_filters(today, with_period=False)
    all_years = rows = ordered_by = None
    if not filters.form.category.errors:
        all_years = standings_by_year(
            category=filters.category, today=today, campaigns=filters.campaigns
        )
        rows = dashboard.years_rows(all_years)
        ordered_by = dashboard.years_order(all_years)
    return render(
        "rankings/years.html",
        filters=filters,
        all_years=all_years,
        rows=rows,
        ordered_by=ordered_by,
        tab="years",
    )


@bp.get("/cells/<code>")
@kept_page
@rankings_readers
def cell(code: str):
    """One cell's year: monthly scores, criteria against all cells, attendance, rank history."""
    target = cell_by_code(code)
    if target is None:
        abort(404, description="Không có chi bộ này.")
    today = clock.today()
    filters = read_filters(today, with_period=False, with_category=False)
    page = None
    if filters.ok:
        page = dashboard.build_cell_page(target, filters.campaign.year, filters.campaigns, today)
    return render("rankings/cell.html", filters=filters, cell=target, page=page, tab="cell")
