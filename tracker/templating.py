"""Template filters and globals: Vietnamese formatting and the role-aware navigation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, current_app, g

from .domain.scoring import Grade, to_points
from .domain.vietnamese import format_date, format_decimal, format_points
from .navigation import menu_for_current_user


def local_datetime(value: dt.datetime | None) -> str:
    """Format an aware UTC datetime in the committee's time zone: 05/01/2023 14:30."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return local.strftime("%d/%m/%Y %H:%M")


def current_committee():
    """The committee row, read once per request."""
    from .extensions import db
    from .models import Committee

    if "committee" not in g:
        g.committee = db.session.scalar(sa.select(Committee).order_by(Committee.id).limit(1))
    return g.committee


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
    app.add_template_global(menu_for_current_user, "main_menu")
    app.add_template_global(current_committee, "current_committee")
