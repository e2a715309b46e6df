"""The committee's local date and time (Asia/Ho_Chi_Minh), overridable for demos and tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Ho_Chi_Minh"))


def today() -> dt.date:
    """Return today's date in the committee's time zone (or the configured TODAY)."""
    fixed = current_app.config.get("TODAY")
    if fixed:
        return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(fixed)
    return dt.datetime.now(local_zone()).date()


def to_local_naive(value: dt.datetime) -> dt.datetime:
    """Convert an aware datetime to local time without tzinfo (for spreadsheets)."""
    return value.astimezone(local_zone()).replace(tzinfo=None)
