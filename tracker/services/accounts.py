"""Accounts, passwords, logins and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.passwords import MIN_LENGTH, password_problem
from ..extensions import db
from ..models import ApiToken, AuditEntry, Cell, LoginFailure, LoginSession, Role, User, utcnow
from . import Conflict, NotAllowed, ValidationFailed, audit

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
MIN_PASSWORD_LENGTH = MIN_LENGTH
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


def check_password(
    password: str, field: str = "password", *, user: User | None = None, personal=()
) -> None:
    """Refuse a short, common or personal password (domain/passwords.py), in Vietnamese."""
    words = list(personal)
    if user is not None:
        words += [user.username, user.full_name, user.cell.code if user.cell else ""]
    problem = password_problem(password, tuple(w for w in words if w))
    if problem:
        title = "Mật khẩu quá ngắn." if len(password or "") < MIN_PASSWORD_LENGTH else (
            "Mật khẩu quá yếu."
        )
        raise ValidationFailed(title, {field: problem})


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
    check_password(password, personal=(username, full_name, cell.code if cell else ""))
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
        end_sessions(user)  # log the account out everywhere
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
    check_password(password, user=user)
    user.password_hash = hash_password(password)
    end_sessions(user)
    revoke_all_tokens(user, actor=actor)
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
    audit.record_changes(
        "user.reactivate" if active else "user.deactivate",
        user,
        ["active"],
        actor=actor,
        object_type="user",
        object_id=user.id,
        cell_id=user.cell_id,
        summary=f"{'Mở khóa' if active else 'Khóa'} tài khoản {user.username}",
    )
    if not active:
        end_sessions(user)  # log the account out everywhere
    db.session.flush()
    return user


def change_own_password(user: User, old_password: str, new_password: str) -> None:
    """Let a signed-in user change her password; her sessions end and her API tokens are
    revoked (whoever stole one of them is out). The caller signs this browser in again.
    """
    if not check_password_hash(user.password_hash, old_password or ""):
        raise ValidationFailed(
            "Mật khẩu hiện tại không đúng.", {"old_password": "Mật khẩu hiện tại không đúng."}
        )
    check_password(new_password, field="new_password", user=user)
    if new_password == old_password:
        raise ValidationFailed(
            "Mật khẩu mới trùng mật khẩu cũ.",
            {"new_password": "Mật khẩu mới phải khác mật khẩu hiện tại."},
        )
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    revoke_all_tokens(user, actor=user)
    audit.record(
        "user.password_change",
        actor=user,
        object_type="user",
        object_id=user.id,
        cell_id=user.cell_id,
        summary=f"{user.username} đổi mật khẩu",
    )


def session_digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def end_sessions(user: User) -> None:
    """End every signed-in session of the account (server-side rows and session version)."""
    user.session_version += 1
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))


def revoke_all_tokens(user: User, *, actor: User | None) -> int:
    """Revoke every live API token of the account; return how many."""
    now = utcnow()
    ids = list(
        db.session.scalars(
            sa.select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    )
    if ids:
        db.session.execute(sa.update(ApiToken).where(ApiToken.id.in_(ids)).values(revoked_at=now))
        audit.record(
            "token.revoke",
            actor=actor,
            object_type="user",
            object_id=user.id,
            cell_id=user.cell_id,
            summary=f"Thu hồi {len(ids)} mã API của {user.username} khi đổi mật khẩu",
            after={"revoked": len(ids)},
        )
    return len(ids)


# --------------------------------------------------------------------------------------------
# Logins


class LoginThrottled(Exception):
    """Too many recent failures from this address (for this account, or for all): wait."""

    def __init__(self, wait_seconds: int):
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


def failure_delay(failures: int, free: int, cap_seconds: int) -> int:
    """Seconds to wait after ``failures`` recent failures: none for the first ``free`` ones,
    then 1, 2, 4, 8… seconds, never more than ``cap_seconds``."""
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 30), cap_seconds)


def _failures(condition, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    count, last = db.session.execute(
        sa.select(sa.func.count(LoginFailure.id), sa.func.max(LoginFailure.at)).where(
            condition, LoginFailure.at >= since
        )
    ).one()
    return count or 0, last


def _wait_seconds(
    username: str, remote_addr: str, now: dt.datetime, known_device: bool = False
) -> int:
    """How long this address must still wait before trying this account again (0: go).

    Throttling is per account *from one address* and per address over all accounts: failures
    typed elsewhere never slow the real user down, and the real user is never locked out
    for good, only made to wait a growing delay while guesses keep failing from her address."""
    config = current_app.config
    since = now - dt.timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    cap = config["LOGIN_MAX_DELAY_SECONDS"]
    free = config["LOGIN_MAX_FAILURES"]
    waits = []
    checks = [
        (sa.and_(LoginFailure.username == username, LoginFailure.remote_addr == remote_addr), free),
        (LoginFailure.remote_addr == remote_addr, free * 4),
    ]
    if not known_device:
        # Guesses spread over many addresses slow down every *unknown* browser for this
        # account; a browser that signed in to it before (device cookie) is never held back.
        checks.append((LoginFailure.username == username, free * 4))
    for condition, allowed in checks:
        count, last = _failures(condition, since)
        delay = failure_delay(count, allowed, cap)
        if delay and last is not None:
            waits.append((last + dt.timedelta(seconds=delay) - now).total_seconds())
    return max([0, *[int(w) + 1 for w in waits if w > 0]])


def _record_throttled(username: str, remote_addr: str, now: dt.datetime) -> None:
    """One audit entry per flood: repeated blocked attempts of one account from one address
    within the window add to the count of the entry instead of adding rows."""
    window = dt.timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    summary = f"Tạm chặn đăng nhập: {username}"
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(
            AuditEntry.action == "login.throttled",
            AuditEntry.summary == summary,
            AuditEntry.remote_addr == remote_addr,
            AuditEntry.at >= now - window,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        entry = audit.record("login.throttled", actor=None, object_type="user", summary=summary)
        entry.remote_addr = remote_addr
        entry.after = {"count": 1, "last_at": now.isoformat()}
    else:
        count = int((entry.after or {}).get("count", 1)) + 1
        entry.after = {"count": count, "last_at": now.isoformat()}


def authenticate(
    username: str, password: str, remote_addr: str, *, known_device: bool = False
) -> User | None:
    """Return the account for these credentials, or None; record the attempt.

    Raises LoginThrottled (with the seconds to wait) while this address must wait after
    repeated failures; the password is then not even checked. ``known_device``: the browser
    signed in to this account before (it is exempt from the account-wide delay). The caller
    commits.
    """
    username = (username or "").strip().lower()[:60]
    remote_addr = (remote_addr or "")[:64]
    now = utcnow()
    wait = _wait_seconds(username, remote_addr, now, known_device)
    if wait:
        _record_throttled(username, remote_addr, now)
        raise LoginThrottled(wait)

    user = db.session.scalar(sa.select(User).where(User.username == username))
    valid = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    if user is None or not valid or not user.active:
        window = dt.timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < now - window))
        db.session.add(LoginFailure(username=username, remote_addr=remote_addr, at=now))
        audit.record(
            "login.failure",
            actor=None,
            object_type="user",
            object_id=user.id if user else None,
            summary=f"Đăng nhập thất bại: {username}",
        )
        return None

    user.last_login_at = now
    db.session.execute(
        sa.delete(LoginFailure).where(
            LoginFailure.username == username, LoginFailure.remote_addr == remote_addr
        )
    )
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
    owner = token.user  # loaded before the change: a query flushes, ending its history
    token.revoked_at = utcnow()
    audit.record_changes(
        "token.revoke",
        token,
        ["revoked_at"],
        actor=actor,
        object_type="api_token",
        object_id=token.id,
        cell_id=owner.cell_id,
        summary=f"Thu hồi mã API {token.prefix}… của {owner.username}",
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


# Milliseconds a token's last-use record may wait for SQLite's write lock before giving up.
TOKEN_TOUCH_WAIT_MS = 200


def touch_token_best_effort(token_id: int) -> bool:
    """Record a token's use in its own short transaction; give up quietly (False) when the
    database is locked or read-only: a read never fails for the sake of this record."""
    from ..database import SQLITE_BUSY_TIMEOUT_MS

    sqlite = db.engine.dialect.name == "sqlite"
    try:
        with db.engine.connect() as connection:
            try:
                if sqlite:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {TOKEN_TOUCH_WAIT_MS}")
                else:
                    connection.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
                connection.execute(
                    sa.update(ApiToken)
                    .where(ApiToken.id == token_id)
                    .values(last_used_at=utcnow())
                )
                connection.commit()
            finally:
                if sqlite:
                    connection.rollback()
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
                    connection.rollback()
    except sa.exc.OperationalError as error:
        current_app.logger.warning("Token %s: last use not recorded (%s)", token_id, error.orig)
        return False
    return True
