"""The audit log page (admin only)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from sqlalchemy.orm import aliased, contains_eager

from .. import clock
from ..domain.report_rules import parse_date
from ..extensions import db
from ..guards import whole_number
from ..models import AuditEntry, Cell, User
from ..permissions import admin_required
from ..queries import cells_in_display_order
from .labels import action_groups, action_label

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 50
MSG_DATE = "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy."
MSG_RANGE = "Ngày bắt đầu phải trước ngày kết thúc."


def _local_midnight_utc(day: dt.date) -> dt.datetime:
    """The start of a local day as an aware UTC datetime."""
    local = dt.datetime.combine(day, dt.time.min, tzinfo=clock.local_zone())
    return local.astimezone(dt.UTC)


def _date_arg(name: str, errors: dict[str, str]) -> dt.date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError:
        errors[name] = MSG_DATE
        return None


def _int_arg(name: str) -> int | None:
    return whole_number(request.args.get(name, ""), low=1)


@bp.route("/")
@admin_required
def index():
    errors: dict[str, str] = {}
    user_id = _int_arg("user")
    cell_code = request.args.get("cell", "")
    action = request.args.get("action", "").strip()[:60]
    date_from = _date_arg("from", errors)
    date_to = _date_arg("to", errors)
    if date_from and date_to and date_from > date_to:
        errors["to"] = MSG_RANGE
    page = max(_int_arg("page") or 1, 1)

    author = aliased(User)
    where = []
    if user_id:
        where.append(AuditEntry.user_id == user_id)
    cells = cells_in_display_order()
    cell = next((c for c in cells if c.code == cell_code), None)
    if cell is not None:
        where.append(AuditEntry.cell_id == cell.id)
    if action:
        where.append(AuditEntry.action == action)
    if date_from and "to" not in errors:
        where.append(AuditEntry.at >= _local_midnight_utc(date_from))
    if date_to and "to" not in errors:
        where.append(AuditEntry.at < _local_midnight_utc(date_to + dt.timedelta(days=1)))

    total = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(*where))
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .outerjoin(author, AuditEntry.user_id == author.id)
        .outerjoin(Cell, AuditEntry.cell_id == Cell.id)
        .options(contains_eager(AuditEntry.user.of_type(author)), contains_eager(AuditEntry.cell))
        .where(*where)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    users = list(db.session.scalars(sa.select(User).order_by(User.username)))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "audit/log.html",
        entries=entries,
        users=users,
        cells=cells,
        user_id=user_id,
        cell=cell,
        action=action,
        action_groups=action_groups(action),
        action_label=action_label,
        date_from=request.args.get("from", ""),
        date_to=request.args.get("to", ""),
        errors=errors,
        page=page,
        pages=pages,
        total=total,
        args=args,
    ), (400 if errors else 200)
