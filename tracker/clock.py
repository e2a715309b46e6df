"""The committee's local date and time (Asia/Ho_Chi_Minh), injectable for demos and tests.

Every "what year / which month has ended" decision of the app reads this clock. A deployment
uses the real time; a test or a demonstration sets ``CLOCK`` (a callable returning an aware
datetime) or ``TODAY`` (an ISO date, or a date) in the app's config, and may change it between
requests to move the app through a year boundary.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Ho_Chi_Minh"))


def now() -> dt.datetime:
    """The current local time (aware), from the configured clock when there is one."""
    clock = current_app.config.get("CLOCK")
    if clock is not None:
        return clock().astimezone(local_zone())
    fixed = current_app.config.get("TODAY")
    if fixed:
        day = fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(fixed)
        return dt.datetime.combine(day, dt.time(12, 0), local_zone())
    return dt.datetime.now(local_zone())


def today() -> dt.date:
    """Return today's date in the committee's time zone (or the configured clock's)."""
    fixed = current_app.config.get("TODAY")
    if fixed and current_app.config.get("CLOCK") is None:
        return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(fixed)
    return now().date()


def to_local_naive(value: dt.datetime) -> dt.datetime:
    """Convert an aware datetime to local time without tzinfo (for spreadsheets)."""
    return value.astimezone(local_zone()).replace(tzinfo=None)
