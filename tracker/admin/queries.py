"""What the admin pages read: counts for the index, the accounts and cells lists, the cells
offered in forms, and the campaign years with their reports (the writes are in services/)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import ApiToken, Campaign, Cell, Member, Report, User


def active_counts() -> dict[str, int]:
    """How many active accounts, cells and members, and live API tokens, there are."""
    return {
        "accounts": db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.active.is_(True))
        ),
        "cells": db.session.scalar(sa.select(sa.func.count(Cell.id)).where(Cell.active.is_(True))),
        "members": db.session.scalar(
            sa.select(sa.func.count(Member.id)).where(Member.active.is_(True))
        ),
        "tokens": db.session.scalar(
            sa.select(sa.func.count(ApiToken.id)).where(ApiToken.revoked_at.is_(None))
        ),
    }


def campaigns_newest_first() -> list[Campaign]:
    return list(db.session.scalars(sa.select(Campaign).order_by(Campaign.year.desc())))


def accounts_in_list_order() -> list[User]:
    """Every account with its cell: active ones first, then by role and user name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .options(selectinload(User.cell))
            .order_by(User.active.desc(), User.role, User.username)
        )
    )


def live_token_count(user: User) -> int:
    """The user's API tokens that are not revoked."""
    return db.session.scalar(
        sa.select(sa.func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
        )
    )


def cells_in_list_order() -> list[Cell]:
    """Every cell as the cells page lists it: open ones first, then in display order."""
    return list(
        db.session.scalars(
            sa.select(Cell).order_by(Cell.active.desc(), Cell.display_order, Cell.id)
        )
    )


def cells_with_active_member_counts() -> list[tuple[Cell, int]]:
    """The cells page's rows: each cell (in list order) and its number of active members."""
    return db.session.execute(
        sa.select(Cell, sa.func.count(Member.id))
        .outerjoin(Member, sa.and_(Member.cell_id == Cell.id, Member.active.is_(True)))
        .group_by(Cell.id)
        .order_by(Cell.active.desc(), Cell.display_order, Cell.id)
    ).all()


def last_display_order() -> int:
    """The highest display order of any cell (0 without cells): a new cell goes after it."""
    return db.session.scalar(sa.select(sa.func.max(Cell.display_order))) or 0


def campaigns_with_report_counts() -> list[tuple[Campaign, int]]:
    """Each campaign year, newest first, with its number of reports."""
    return db.session.execute(
        sa.select(
            Campaign,
            sa.select(sa.func.count(Report.id))
            .where(Report.campaign_id == Campaign.id)
            .scalar_subquery(),
        ).order_by(Campaign.year.desc())
    ).all()
