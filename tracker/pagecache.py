"""Keep costly, often-read pages (the rankings) per process, keyed by the data's change counter.

Every transaction that changes the app's data bumps ``change_counter`` just before it commits,
after its last flush, so that the counter row is the last lock it takes (two writers cannot
deadlock on it) and the new value becomes visible with the data itself. A request reads the
counter (one small query) and serves the page kept under the same counter, the same user and
session, the same address and the same day; otherwise it draws the page and keeps it. Kept
pages also expire after a few minutes, as a safety net and because the logout form's CSRF
token in them must stay young.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from functools import wraps

import sqlalchemy as sa
from flask import Response, make_response, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import clock
from .extensions import db
from .models import ApiToken, AuditEntry, ChangeCounter, LoginFailure

# Rows whose changes no kept page shows: the audit trail, login throttling, token use.
UNTRACKED = (AuditEntry, LoginFailure, ApiToken, ChangeCounter)
COUNTER_ID = 1
MAX_PAGES = 256
MAX_AGE_SECONDS = 300


def _changes_data(objects) -> bool:
    return any(not isinstance(instance, UNTRACKED) for instance in objects)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _flush_context) -> None:
    if _changes_data((*session.new, *session.dirty, *session.deleted)):
        session.info["data_changed"] = True


@event.listens_for(Session, "before_commit")
def _bump_counter(session: Session) -> None:
    pending = (*session.new, *session.dirty, *session.deleted)
    if not session.info.get("data_changed") and not _changes_data(pending):
        return
    session.flush()  # the data first: the counter must be the last row this commit locks
    bump_counter(session.connection())
    session.info.pop("data_changed", None)


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop("data_changed", None)


def bump_counter(connection) -> None:
    """Add one to the change counter (creating its row the first time)."""
    table = ChangeCounter.__table__
    result = connection.execute(
        sa.update(table).where(table.c.id == COUNTER_ID).values(value=table.c.value + 1)
    )
    if result.rowcount == 0:
        connection.execute(sa.insert(table).values(id=COUNTER_ID, value=1))


def current_counter() -> int | None:
    statement = sa.select(ChangeCounter.value).where(ChangeCounter.id == COUNTER_ID)
    return db.session.connection().execute(statement).scalar()


class PageStore:
    """A small thread-safe LRU of rendered pages."""

    def __init__(self, size: int = MAX_PAGES):
        self.size = size
        self._pages: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry[0] > MAX_AGE_SECONDS:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def put(self, key, page) -> None:
        with self._lock:
            self._pages[key] = (time.monotonic(), page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


pages = PageStore()


def kept_page(view):
    """Serve a GET page from the store when nothing changed since it was drawn (see above).

    Apply it above the login and role checks: a kept page was drawn for this very session
    after they passed, and any change to the account since (a reset password, a new role, a
    closed account) also changed the counter, so that the page is drawn again, checks first.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        account = session.get("_user_id")  # Flask-Login's "id:session version"
        csrf_raw = session.get("csrf_token")
        if request.method != "GET" or not account or not csrf_raw or "_flashes" in session:
            return view(*args, **kwargs)  # signed out, no CSRF secret yet, or a message to show
        counter = current_counter()
        if counter is None:
            return view(*args, **kwargs)
        key = (counter, clock.today(), account, csrf_raw, request.full_path)
        body = pages.get(key)
        if body is not None:
            return Response(body, mimetype="text/html")
        response = make_response(view(*args, **kwargs))
        drawn_for_this_session = (
            current_user.is_authenticated and current_user.get_id() == account
        )
        if (
            response.status_code == 200
            and drawn_for_this_session
            and not response.direct_passthrough
            and not session.modified
        ):
            pages.put(key, response.get_data())
        return response

    return wrapped
