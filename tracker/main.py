"""The home page, which fits the role of whoever signs in."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .extensions import db
from .models import Cell, Member, Role

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    if current_user.role is Role.SECRETARY:
        cell = current_user.cell
        member_count = db.session.scalar(
            sa.select(sa.func.count(Member.id)).where(
                Member.cell_id == cell.id, Member.active.is_(True)
            )
        )
        return render_template("main/home_secretary.html", cell=cell, member_count=member_count)
    cells = db.session.execute(
        sa.select(Cell, sa.func.count(Member.id))
        .outerjoin(Member, sa.and_(Member.cell_id == Cell.id, Member.active.is_(True)))
        .where(Cell.active.is_(True))
        .group_by(Cell.id)
        .order_by(Cell.display_order, Cell.id)
    ).all()
    return render_template("main/home_committee.html", cells=cells)
