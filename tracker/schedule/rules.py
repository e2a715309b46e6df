"""The calendar's rules as plain functions: no Flask, no database.

Times are local (Asia/Ho_Chi_Minh) as people write them; the service stores them in UTC.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
KINDS = ("regular", "thematic")

PLACE_LIMIT = 200
TOPIC_LIMIT = 300

MSG_STARTS_AT = "Thời gian phải theo dạng YYYY-MM-DDTHH:MM (giờ Việt Nam), là ngày giờ có thật."
MSG_KIND = "Loại sinh hoạt phải là “regular” (thường kỳ) hoặc “thematic” (chuyên đề)."
MSG_TEXT = "Phải là một chuỗi văn bản."
MSG_TEXT_CHARACTERS = "Văn bản chứa ký tự không hợp lệ (ký tự NUL hoặc mã Unicode lỗi)."
MSG_DAY = "Ngày trong tháng phải là số nguyên từ 1 đến 31."
MSG_TIME = "Giờ phải theo dạng HH:MM, ví dụ 19:30."


def msg_text_too_long(limit: int) -> str:
    return f"Tối đa {limit} ký tự."


def msg_month_outside(year: int, month: int) -> str:
    return f"Tháng {month}/{year} không thuộc đợt thi đua nào: không lập lịch được."


def msg_second_regular(month: int, year: int) -> str:
    return f"Chi bộ đã có lịch sinh hoạt thường kỳ tháng {month}/{year}; hãy dời buổi đó thay vì lập thêm."


def msg_report_exists(month: int, year: int, kind_label: str) -> str:
    return (
        f"Chi bộ đã có báo cáo sinh hoạt {kind_label.lower()} tháng {month}/{year}: "
        "lịch của buổi đó không còn thay đổi được."
    )


_ISO_MINUTE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})$")
_CLOCK = re.compile(r"^([0-9]{1,2})[:hH.]([0-9]{2})$")  # 19:30, 19h30, 19.30


def parse_local_start(raw: object) -> dt.datetime | None:
    """"2026-03-03T19:30" -> an aware local datetime; None when not that form or impossible."""
    if not isinstance(raw, str):
        return None
    match = _ISO_MINUTE.match(raw)
    if not match:
        return None
    try:
        naive = dt.datetime(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return naive.replace(tzinfo=ZONE)


def parse_clock(raw: str) -> dt.time | None:
    """"19:30", "19h30" or "19.30" -> 19:30; None otherwise."""
    match = _CLOCK.match((raw or "").strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def local_iso(moment: dt.datetime) -> str:
    """An aware datetime as the contract writes it: local "YYYY-MM-DDTHH:MM"."""
    return moment.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")


def has_bad_characters(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def clean_text(raw: object, limit: int) -> tuple[str, str | None]:
    """A place or topic: spaces tidied; (text, error message or None)."""
    if raw is None:
        return "", None
    if not isinstance(raw, str):
        return "", MSG_TEXT
    if has_bad_characters(raw):
        return "", MSG_TEXT_CHARACTERS
    text = " ".join(raw.split())
    if len(text) > limit:
        return text, msg_text_too_long(limit)
    return text, None


def day_in_month(year: int, month: int, day: int) -> dt.date:
    """Day ``day`` of the month, or its last day when the month is shorter ("ngày 31" in
    April is 30 April)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def monthly_starts(year: int, months: Iterable[int], day: int, at: dt.time) -> list[dt.datetime]:
    """The start of a "day D of every month, at HH:MM" rule in each given month."""
    return [
        dt.datetime.combine(day_in_month(year, month, day), at, ZONE) for month in months
    ]


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


# --------------------------------------------------------------------------------------------
# Gaps and clashes


@dataclass(frozen=True)
class PlannedSlot:
    """What the gap and clash rules need to know of a planned meeting."""

    meeting_id: int
    cell_id: int
    kind: str
    month: int
    starts_at: dt.datetime
    attendee_id: int | None


def cells_without_regular(
    cell_ids: Iterable[int], slots: Sequence[PlannedSlot], month: int
) -> list[int]:
    """The cells with no regular meeting planned in ``month``."""
    planned = {s.cell_id for s in slots if s.kind == "regular" and s.month == month}
    return [cell_id for cell_id in cell_ids if cell_id not in planned]


def quarters_without_thematic(
    cell_ids: Iterable[int], slots: Sequence[PlannedSlot], quarters: Iterable[int]
) -> dict[int, list[int]]:
    """For each cell, the given quarters with no thematic meeting planned."""
    planned = {(s.cell_id, quarter_of(s.month)) for s in slots if s.kind == "thematic"}
    answer = {}
    for cell_id in cell_ids:
        missing = [q for q in quarters if (cell_id, q) not in planned]
        if missing:
            answer[cell_id] = missing
    return answer


CLASH_WINDOW = dt.timedelta(hours=3)  # a cell meeting lasts about 90 minutes to 3 hours


def clashes(slots: Sequence[PlannedSlot]) -> list[tuple[PlannedSlot, PlannedSlot]]:
    """Pairs of meetings of different cells the same committee member is assigned to that
    start less than three hours apart (he cannot attend both)."""
    by_member: dict[int, list[PlannedSlot]] = {}
    for slot in slots:
        if slot.attendee_id is not None:
            by_member.setdefault(slot.attendee_id, []).append(slot)
    pairs = []
    for member_slots in by_member.values():
        ordered = sorted(member_slots, key=lambda s: s.starts_at)
        for index, first in enumerate(ordered):
            for second in ordered[index + 1 :]:
                if second.starts_at - first.starts_at >= CLASH_WINDOW:
                    break
                if second.cell_id != first.cell_id:
                    pairs.append((first, second))
    return pairs


# --------------------------------------------------------------------------------------------
# Report deadlines

AFTER_MEETING = "after_meeting"
NEXT_MONTH_DAY = "next_month_day"
DEFAULT_RULE = (AFTER_MEETING, 5)


def report_due(held_on: dt.date, rule: str, days: int) -> dt.date:
    """The last day a meeting's report is on time."""
    if rule == NEXT_MONTH_DAY:
        year, month = (held_on.year + 1, 1) if held_on.month == 12 else (held_on.year, held_on.month + 1)
        return day_in_month(year, month, days)
    return held_on + dt.timedelta(days=days)


def timeliness(due: dt.date | None, submitted_on: dt.date | None, today: dt.date) -> str | None:
    """"late" (filed after its due day), "overdue" (not filed and past due) or None."""
    if due is None:
        return None
    if submitted_on is not None:
        return "late" if submitted_on > due else None
    return "overdue" if today > due else None
