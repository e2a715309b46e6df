"""The iCalendar feed (RFC 5545) of planned meetings, built with the ``icalendar`` library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

from icalendar import Calendar, Event, Timezone

from ..models import Meeting
from . import rules

PRODUCT_ID = "-//Dang uy//Lich sinh hoat chi bo//VI"
DEFAULT_DURATION = dt.timedelta(hours=2)


def event_summary(meeting: Meeting) -> str:
    return f"Sinh hoạt {meeting.kind.label.lower()} – {meeting.cell.name}"


def event_description(meeting: Meeting) -> str:
    lines = []
    if meeting.topic:
        lines.append(f"Nội dung: {meeting.topic}")
    if meeting.attendee is not None:
        lines.append(f"Đảng ủy viên dự: {meeting.attendee.full_name} ({meeting.attendee.username})")
    else:
        lines.append("Đảng ủy viên dự: chưa phân công")
    return "\n".join(lines)


def calendar_bytes(meetings: Iterable[Meeting], *, name: str, stamp: dt.datetime) -> bytes:
    """One VEVENT per meeting, zoned in Asia/Ho_Chi_Minh with its VTIMEZONE; the UID is the
    meeting's own and SEQUENCE grows with each change, so phones move the event in place."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    meetings = list(meetings)
    if meetings:  # the zone first, as most calendar programs expect
        calendar.add_component(zone_component())
    for meeting in meetings:
        start = meeting.starts_at.astimezone(rules.ZONE)
        event = Event()
        event.add("uid", meeting.uid)
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", start + DEFAULT_DURATION)
        event.add("summary", event_summary(meeting))
        if meeting.place:
            event.add("location", meeting.place)
        event.add("description", event_description(meeting))
        event.add("categories", [meeting.kind.label])
        event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
        event.add("sequence", _sequence(meeting))
        calendar.add_component(event)
    return calendar.to_ical()


@cache
def zone_component() -> Timezone:
    """The VTIMEZONE of Asia/Ho_Chi_Minh, built once (it takes ~18 ms from the tz data)."""
    return Timezone.from_tzid("Asia/Ho_Chi_Minh")


def _sequence(meeting: Meeting) -> int:
    """A number that grows whenever the meeting changes (seconds since it was planned)."""
    return max(0, int((meeting.updated_at - meeting.created_at).total_seconds()))
