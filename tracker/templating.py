"""Template filters and globals: Vietnamese formatting and the role-aware navigation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, current_app, g, request

from .domain.periods import participation
from .domain.scoring import Grade, to_points
from .domain.vietnamese import format_date, format_decimal, format_points
from .navigation import menu_for_current_user


def local_datetime(value: dt.datetime | None) -> str:
    """Format an aware UTC datetime in the committee's time zone: 05/01/2023 14:30."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return local.strftime("%d/%m/%Y %H:%M")


def _campaigns():
    """Every campaign year with its plan, read once per request."""
    from .campaigns import all_campaigns

    if "tracker_campaigns" not in g:
        g.tracker_campaigns = all_campaigns()
    return g.tracker_campaigns


def page_year() -> int | None:
    """The campaign year the current page is about: its ``year`` (in the path or the query)
    when that year has a campaign, else the year pages open on."""
    from . import clock
    from .campaigns import default_year

    years = [campaign.year for campaign in _campaigns()]
    raw = (request.view_args or {}).get("year") if request else None
    if raw is None and request:
        raw = request.args.get("year")
    text = str(raw).strip() if raw is not None else ""
    if text.isascii() and text.isdigit() and len(text) == 4 and int(text) in years:
        return int(text)
    return default_year(years, clock.today())


def current_committee():
    """The committee's names in force this year (the app's masthead), read once per request."""
    from . import clock
    from .campaigns import committee_as_of

    if "committee" not in g:
        g.committee = committee_as_of(clock.today().year)
    return g.committee


def footer_plan() -> str:
    """The plan the page's year carries out, as the footer cites it."""
    from .campaigns import plan_citation

    try:
        year = page_year()
        campaign = next((c for c in _campaigns() if c.year == year), None)
    except sa.exc.SQLAlchemyError:  # an error page drawn while the database is unwell
        return ""
    return plan_citation(campaign.plan) if campaign is not None else ""


def grade_label(value) -> str:
    if value is None or value == "":
        return ""
    return Grade(value).label


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(format_decimal, "decimal")
    app.add_template_filter(format_points, "points")
    app.add_template_filter(lambda half: format_points(to_points(half)), "half_points")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(local_datetime, "datetime")
    app.add_template_filter(grade_label, "grade_label")
    app.add_template_global(
        lambda cell: participation(cell.joined_year, cell.left_year), "cell_years"
    )
    app.add_template_global(menu_for_current_user, "main_menu")
    app.add_template_global(current_committee, "current_committee")
    app.add_template_global(footer_plan, "footer_plan")
