"""The audit trail: one row per change, written in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request

from ..extensions import db
from ..models import AuditEntry, User


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def record(
    action: str,
    *,
    actor: User | None,
    object_type: str,
    object_id: int | None = None,
    cell_id: int | None = None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Add an audit row for ``action`` (e.g. "report.approve") to the current transaction."""
    entry = AuditEntry(
        action=action,
        user_id=actor.id if actor is not None else None,
        object_type=object_type,
        object_id=object_id,
        cell_id=cell_id,
        summary=summary[:500],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        remote_addr=(request.remote_addr or "")[:64] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry


def changes(obj: Any, names: Iterable[str]) -> tuple[dict, dict]:
    """The named attributes of ``obj`` before and after the changes made to it since it was
    loaded or last flushed, read from SQLAlchemy's tracked changes (attribute history).

    Call it after setting the attributes and before anything flushes: a flush makes the new
    values the loaded ones. A query autoflushes, and so does loading a relationship, also in
    the arguments of the call: load what the audit row names before the change.
    """
    attributes = sa.inspect(obj).attrs
    before, after = {}, {}
    for name in names:
        attribute = attributes[name]
        added, _unchanged, deleted = attribute.history
        if added and not deleted:
            raise RuntimeError(f"The value of {name} before the change was never loaded.")
        after[name] = attribute.value
        before[name] = deleted[0] if deleted else after[name]
    return before, after


def record_changes(action: str, obj: Any, names: Iterable[str], **entry: Any) -> bool:
    """Add an audit row for the changes to ``obj``'s named attributes (see ``changes``), with
    what was before and what is after; none when nothing changed. True when there was one."""
    before, after = changes(obj, names)
    if after == before:
        return False
    record(action, before=before, after=after, **entry)
    return True
