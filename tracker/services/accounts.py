"""Accounts, passwords, logins and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import ApiToken, Cell, LoginFailure, Role, User, utcnow
from . import Conflict, NotAllowed, ValidationFailed, audit

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "clt_"
# A token's last use is written at most this often, to keep reads cheap.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)
# Hashes checked when the username is unknown, so that both failures take the same time.
_dummy_hashes: dict[str, str] = {}


def hash_password(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def _dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return _dummy_hashes[method]


def check_username(username: str) -> str:
    """Return the normalised username, or raise ValidationFailed."""
    username = (username or "").strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationFailed(
            "Tên đăng nhập không hợp lệ.",
            {
                "username": "Tên đăng nhập gồm 3–60 ký tự: chữ thường không dấu, số, dấu chấm, "
                "gạch dưới hoặc gạch ngang."
            },
        )
    return username


def check_password(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            "Mật khẩu quá ngắn.", {field: f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự."}
        )


def _check_role_and_cell(role: Role, cell: Cell | None) -> None:
    if role is Role.SECRETARY and cell is None:
        raise ValidationFailed(
            "Bí thư chi bộ cần thuộc một chi bộ.", {"cell": "Chọn chi bộ của bí thư."}
        )
    if role is Role.SECRETARY and not cell.active:
        raise ValidationFailed(
            "Chi bộ đã ngừng hoạt động.", {"cell": "Chi bộ này đã ngừng hoạt động."}
        )


def _account_data(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "cell": user.cell.code if user.cell else None,
        "active": user.active,
    }


def create_user(
    *,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    cell: Cell | None = None,
    actor: User | None = None,
) -> User:
    """Create an account; a secretary needs a cell, a username is taken only once."""
    username = check_username(username)
    full_name = " ".join((full_name or "").split()) or username
    check_password(password)
    _check_role_and_cell(role, cell)
    taken = db.session.scalar(sa.select(User.id).where(User.username == username))
    if taken is not None:
        raise Conflict(
            "Tên đăng nhập đã được dùng.", {"username": "Tên đăng nhập này đã có người dùng."}
        )
    user = User(
        username=username,
        full_name=full_name[:120],
        role=role,
        cell=cell if role is Role.SECRETARY else None,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as error:  # taken by a concurrent request meanwhile
        raise Conflict(
            "Tên đăng nhập đã được dùng.", {"username": "Tên đăng nhập này đã có người dùng."}
        ) from error
    audit.record(
        "user.create",
        actor=actor,
        object_type="user",
        object_id=user.id,
        cell_id=user.cell_id,
        summary=f"Tạo tài khoản {username} ({role.label})",
        after=_account_data(user),
    )
    return user


def update_user(
    user: User, *, full_name: str, role: Role, cell: Cell | None, active: bool, actor: User
) -> User:
    """Change an account's name, role, cell or active flag."""
    _check_role_and_cell(role, cell)
    if user.id == actor.id and (role is not Role.ADMIN or not active):
        raise NotAllowed(
            "Không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình.",
            {"role": "Một quản trị viên khác phải làm việc này."},
        )
    before = _account_data(user)
    user.full_name = " ".join((full_name or "").split())[:120] or user.username
    user.role = role
    user.cell = cell if role is Role.SECRETARY else None
    if user.active and not active:
        user.session_version += 1  # log the account out everywhere
    user.active = active
    db.session.flush()
    after = _account_data(user)
    if after != before:
        audit.record(
            "user.update",
            actor=actor,
            object_type="user",
            object_id=user.id,
            cell_id=user.cell_id,
            summary=f"Cập nhật tài khoản {user.username}",
            before=before,
            after=after,
        )
    return user


def reset_password(user: User, password: str, *, actor: User) -> None:
    """Set a new password and log the account out of its other sessions."""
    check_password(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    audit.record(
        "user.password",
        actor=actor,
        object_type="user",
        object_id=user.id,
        cell_id=user.cell_id,
        summary=f"Đặt lại mật khẩu của {user.username}",
    )


def set_user_active(user: User, active: bool, *, actor: User) -> User:
    """Lock an account (its sessions and API tokens stop working at once) or unlock it."""
    if user.id == actor.id and not active:
        raise NotAllowed(
            "Không thể tự khóa tài khoản của mình.",
            {"active": "Một quản trị viên khác phải làm việc này."},
        )
    if user.active == active:
        return user
    user.active = active
    if not active:
        user.session_version += 1  # log the account out everywhere
    db.session.flush()
    audit.record(
        "user.reactivate" if active else "user.deactivate",
        actor=actor,
        object_type="user",
        object_id=user.id,
        cell_id=user.cell_id,
        summary=f"{'Mở khóa' if active else 'Khóa'} tài khoản {user.username}",
        before={"active": not active},
        after={"active": active},
    )
    return user


def change_own_password(user: User, old_password: str, new_password: str) -> None:
    """Let a signed-in user change her password; her other sessions are logged out.

    The caller signs the current session in again (its session version changed).
    """
    if not check_password_hash(user.password_hash, old_password or ""):
        raise ValidationFailed(
            "Mật khẩu hiện tại không đúng.", {"old_password": "Mật khẩu hiện tại không đúng."}
        )
    check_password(new_password, field="new_password")
    if new_password == old_password:
        raise ValidationFailed(
            "Mật khẩu mới trùng mật khẩu cũ.",
            {"new_password": "Mật khẩu mới phải khác mật khẩu hiện tại."},
        )
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    audit.record(
        "user.password_change",
        actor=user,
        object_type="user",
        object_id=user.id,
        cell_id=user.cell_id,
        summary=f"{user.username} đổi mật khẩu",
    )


# --------------------------------------------------------------------------------------------
# Logins


class LoginThrottled(Exception):
    """Too many recent failures for this account or address."""


def _recent_failures(column, value: str, since: dt.datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(LoginFailure.id)).where(column == value, LoginFailure.at >= since)
    )


def authenticate(username: str, password: str, remote_addr: str) -> User | None:
    """Return the account for these credentials, or None; record the attempt.

    Raises LoginThrottled when the account or the address failed too often recently.
    The caller commits.
    """
    username = (username or "").strip().lower()[:60]
    remote_addr = (remote_addr or "")[:64]
    window = dt.timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    since = utcnow() - window
    if (
        _recent_failures(LoginFailure.username, username, since) >= limit
        or _recent_failures(LoginFailure.remote_addr, remote_addr, since) >= limit * 4
    ):
        audit.record(
            "login.throttled",
            actor=None,
            object_type="user",
            summary=f"Tạm khóa đăng nhập: {username}",
        )
        raise LoginThrottled()

    user = db.session.scalar(sa.select(User).where(User.username == username))
    valid = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    if user is None or not valid or not user.active:
        db.session.add(LoginFailure(username=username, remote_addr=remote_addr))
        audit.record(
            "login.failure",
            actor=None,
            object_type="user",
            object_id=user.id if user else None,
            summary=f"Đăng nhập thất bại: {username}",
        )
        return None

    user.last_login_at = utcnow()
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.username == username))
    audit.record(
        "login.success",
        actor=user,
        object_type="user",
        object_id=user.id,
        cell_id=user.cell_id,
        summary=f"Đăng nhập: {username}",
    )
    return user


# --------------------------------------------------------------------------------------------
# API tokens


def _digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def create_token(user: User, *, label: str = "", actor: User | None = None) -> tuple[str, ApiToken]:
    """Create a token for ``user``; return the raw token (shown once) and its row."""
    if not user.active:
        raise ValidationFailed("Tài khoản đã bị khóa.", {"user": "Tài khoản đã bị khóa."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, label=(label or "").strip()[:100], token_hash=_digest(raw), prefix=raw[:10]
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "token.create",
        actor=actor or user,
        object_type="api_token",
        object_id=token.id,
        cell_id=user.cell_id,
        summary=f"Tạo mã API {token.prefix}… cho {user.username}",
        after={"user": user.username, "label": token.label, "prefix": token.prefix},
    )
    return raw, token


def revoke_token(token: ApiToken, *, actor: User) -> None:
    """Revoke a token at once; revoking twice changes nothing."""
    if token.user_id != actor.id and actor.role is not Role.ADMIN:
        raise NotAllowed("Bạn chỉ được thu hồi mã API của mình.")
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit.record(
        "token.revoke",
        actor=actor,
        object_type="api_token",
        object_id=token.id,
        cell_id=token.user.cell_id,
        summary=f"Thu hồi mã API {token.prefix}… của {token.user.username}",
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at},
    )


def find_token(raw_token: str) -> ApiToken | None:
    """Return the live token whose digest matches, with an active account; else None."""
    if not raw_token or not raw_token.startswith(TOKEN_PREFIX) or len(raw_token) > 200:
        return None
    token = db.session.scalar(
        sa.select(ApiToken)
        .join(ApiToken.user)
        .where(ApiToken.token_hash == _digest(raw_token), ApiToken.revoked_at.is_(None))
        .where(User.active.is_(True))
    )
    return token


def token_needs_touch(token: ApiToken, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    return token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL


def touch_token(token_id: int) -> None:
    """Record that a token was used now."""
    db.session.execute(
        sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow())
    )
