"""The audit trail: one row per change, written in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any

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
