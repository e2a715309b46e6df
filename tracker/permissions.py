"""Who may see and change what: the role rules of the app, in one place.

- admin: everything, including accounts, cells, members and rubrics;
- committee (Đảng ủy): reads everything and reviews reports; submits nothing;
- secretary: sees and changes only her own cell.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .models import Role, User

FORBIDDEN_MESSAGE = "Bạn không có quyền thực hiện thao tác này."
OTHER_CELL_MESSAGE = "Bạn chỉ được xem và thay đổi dữ liệu của chi bộ mình."


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.role is Role.ADMIN


def is_committee(user: User) -> bool:
    """Tell whether the user reads everything (committee or admin)."""
    return user.is_authenticated and user.role in (Role.ADMIN, Role.COMMITTEE)


def can_view_cell(user: User, cell_id: int) -> bool:
    """Committee and admin see every cell; a secretary only her own."""
    if is_committee(user):
        return True
    return user.is_authenticated and user.role is Role.SECRETARY and user.cell_id == cell_id


def can_report_for_cell(user: User, cell_id: int) -> bool:
    """A secretary reports for her own cell; the admin for any (entering a paper report)."""
    if not user.is_authenticated:
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.SECRETARY and user.cell_id == cell_id


def can_review(user: User) -> bool:
    return is_committee(user)


def can_open_report(user: User, cell_id: int) -> bool:
    """A report behind a score opens for whoever may see its cell (a secretary: her own)."""
    return can_view_cell(user, cell_id)


def can_manage(user: User) -> bool:
    """Accounts, cells, members and rubrics are the admin's."""
    return is_admin(user)


def require_roles(*roles: Role):
    """Decorate a view: login required, then one of ``roles`` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403, description=FORBIDDEN_MESSAGE)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def ensure_cell_visible(user: User, cell_id: int) -> None:
    """Abort with 403 unless the user may see the cell."""
    if not can_view_cell(user, cell_id):
        abort(403, description=OTHER_CELL_MESSAGE)


admin_required = require_roles(Role.ADMIN)
committee_required = require_roles(Role.ADMIN, Role.COMMITTEE)
# The rankings are public within the committee: every role reads them.
rankings_readers = require_roles(Role.ADMIN, Role.COMMITTEE, Role.SECRETARY)


# --------------------------------------------------------------------------------------------
# Meeting reports and the audit log


def can_view_report(user: User, report) -> bool:
    """Whoever may see the cell may see its reports and their minutes."""
    return can_view_cell(user, report.cell_id)


def can_edit_report(user: User, report) -> bool:
    """Whoever may report for the cell may edit its report (while draft or returned)."""
    return can_report_for_cell(user, report.cell_id)


def can_view_audit_log(user: User) -> bool:
    return is_admin(user)


# --------------------------------------------------------------------------------------------
# Members and API tokens


def visible_cell_ids(user: User) -> list[int] | None:
    """The cells whose members the user may list: None for every cell, else her own."""
    if is_committee(user):
        return None
    if user.is_authenticated and user.role is Role.SECRETARY and user.cell_id is not None:
        return [user.cell_id]
    return []


def can_see_all_tokens(user: User) -> bool:
    """The admin sees and revokes every account's API tokens; others only their own."""
    return is_admin(user)


def can_revoke_token(user: User, token) -> bool:
    return user.is_authenticated and (token.user_id == user.id or is_admin(user))


# --------------------------------------------------------------------------------------------
# Year-end awards


def can_manage_awards(user: User) -> bool:
    """The committee (and the admin) draw up the award proposal and close a year."""
    return is_committee(user)


def can_reopen_year(user: User) -> bool:
    """Reopening a closed year is the admin's only."""
    return is_admin(user)
