"""Server-side login sessions: the cookie carries a random key, the server keeps its digest.

Flask's session is a signed cookie; on its own, a copy taken before logout would stay valid.
Each signed-in browser therefore also gets a ``LoginSession`` row; a request whose key has no
row is anonymous. Ending a session deletes its row (services.accounts.end_sessions).
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from flask import current_app, request, session
from flask_login import login_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from ..models import LoginSession, User, utcnow
from ..services.accounts import session_digest

SESSION_KEY = "_tracker_sid"


def sign_in(user: User) -> None:
    """Start a new server-side session for ``user`` in this browser and sign it in."""
    end_this_session()
    # Sessions past their lifetime go (browsers closed without logging out leave them).
    db.session.execute(sa.delete(LoginSession).where(LoginSession.created_at < _oldest()))
    raw = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, key_hash=session_digest(raw)))
    db.session.commit()
    session[SESSION_KEY] = raw
    login_user(user)


def end_this_session() -> None:
    """Forget this browser's server-side session, if any (the caller commits)."""
    raw = session.pop(SESSION_KEY, None)
    if raw:
        db.session.execute(
            sa.delete(LoginSession).where(LoginSession.key_hash == session_digest(raw))
        )


def _oldest() -> dt.datetime:
    return utcnow() - dt.timedelta(seconds=current_app.config["LOGIN_SESSION_MAX_AGE_SECONDS"])


def load_session_user(user_id: int, version: str) -> User | None:
    """The account of this request's session: the cookie's key must still have its row."""
    raw = session.get(SESSION_KEY)
    if not raw or not isinstance(raw, str):
        return None
    user = db.session.scalar(
        sa.select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == user_id, LoginSession.key_hash == session_digest(raw))
        .where(LoginSession.created_at >= _oldest())
    )
    if user is None or str(user.session_version) != version:
        return None
    return user


# --------------------------------------------------------------------------------------------
# Device cookies (OWASP "slow down online guessing attacks with device cookies"): a browser
# that signed in to an account carries a signed cookie naming it, and is exempt from the
# account-wide login delay that guesses from many addresses cause.

DEVICE_COOKIE = "tracker_device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="tracker-device")


def remember_device(response, username: str) -> None:
    names = set(_device_names())
    names.add(username)
    value = _device_serializer().dumps(sorted(names)[-5:])
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


def _device_names() -> list[str]:
    raw = request.cookies.get(DEVICE_COOKIE, "")
    if not raw or len(raw) > 2000:
        return []
    try:
        names = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return []
    return [name for name in names if isinstance(name, str)] if isinstance(names, list) else []


def is_known_device(username: str | None) -> bool:
    """True when this browser signed in to ``username`` before (signed device cookie)."""
    return (username or "").strip().lower() in _device_names()
