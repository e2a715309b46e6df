"""A report's history for people (issue 12, item 9): one entry per filing or decision, its
details (points and facts changed) folded under it, and what changed since a return.

The audit trail stores one row per change (a new report writes nine "(tự chấm): — → x" rows);
read one by one they bury the decisions. Rows written by the same person in the same moment
are one filing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..domain.vietnamese import format_points

# The rows that say what happened; the others are details of it.
HEADLINES = {
    "report.create",
    "report.update",
    "report.submit",
    "report.resubmit",
    "report.approve",
    "report.return",
    "report.reopen",
}
SAME_MOMENT = dt.timedelta(seconds=5)

FACT_LABELS = {
    "held_on": "Ngày sinh hoạt",
    "duration_minutes": "Thời lượng (phút)",
    "month": "Tháng",
    "year": "Năm",
    "kind": "Loại sinh hoạt",
    "summoned": "Triệu tập",
    "exempted": "Miễn sinh hoạt",
    "present": "Có mặt",
    "absent_excused": "Vắng có lý do",
    "absent_unexcused": "Vắng không lý do",
    "speakers": "Số người phát biểu",
    "young_speakers": "Đảng viên trẻ phát biểu",
    "self_total": "Tổng điểm tự chấm",
}


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return format_points(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def _flatten(snapshot: dict | None) -> dict:
    flat = {}
    for key, value in (snapshot or {}).items():
        if isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    return flat


def fact_changes(entry) -> list[str]:
    """The facts an update changed, as "Có mặt: 44 → 45" lines."""
    before, after = _flatten(entry.before), _flatten(entry.after)
    lines = []
    for key, label in FACT_LABELS.items():
        if key == "self_total" or (key not in before and key not in after):
            continue
        if before.get(key) != after.get(key):
            lines.append(f"{label}: {_text(before.get(key))} → {_text(after.get(key))}")
    return lines


@dataclass
class HistoryGroup:
    head: object  # the AuditEntry that says what happened
    details: list[str] = field(default_factory=list)

    @property
    def at(self):
        return self.head.at

    @property
    def user(self):
        return self.head.user

    @property
    def summary(self) -> str:
        return self.head.summary


def group_history(entries: list) -> list[HistoryGroup]:
    """Fold the rows of one moment by one person under their headline row, oldest first."""
    groups: list[HistoryGroup] = []
    bucket: list = []

    def close():
        if not bucket:
            return
        heads = [e for e in bucket if e.action in HEADLINES]
        head = heads[-1] if heads else bucket[0]
        group = HistoryGroup(head)
        for entry in bucket:
            if entry is head:
                continue
            if entry.action in HEADLINES:
                group.details.append(entry.summary)
        for entry in bucket:
            if entry.action == "report.update":
                group.details.extend(fact_changes(entry))
            elif entry.action not in HEADLINES and entry is not head:
                group.details.append(entry.summary)
        groups.append(group)
        bucket.clear()

    for entry in entries:
        if bucket and (
            entry.user_id != bucket[-1].user_id or entry.at - bucket[-1].at > SAME_MOMENT
        ):
            close()
        bucket.append(entry)
    close()
    return groups


def changes_since_return(entries: list) -> tuple[object | None, list[str]]:
    """The last return of the report and the changes the cell made after it."""
    last_return = None
    for index, entry in enumerate(entries):
        if entry.action == "report.return":
            last_return = index
    if last_return is None:
        return None, []
    lines: list[str] = []
    for entry in entries[last_return + 1 :]:
        if entry.action == "report.update":
            lines.extend(fact_changes(entry))
        elif entry.action == "report.score" or entry.action == "report.attach":
            lines.append(entry.summary)
    return entries[last_return], lines
