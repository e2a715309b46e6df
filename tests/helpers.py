"""Small helpers for tests: signing in, CSRF tokens, counting queries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import event

PASSWORD = "mat-khau-thu-nghiem"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Account:
    """What a test needs to know of an account, usable outside any app context."""

    id: int
    username: str
    role: str
    cell_id: int | None
    password: str = PASSWORD

    @classmethod
    def of(cls, user) -> Account:
        return cls(user.id, user.username, user.role.value, user.cell_id)


def csrf_token_in(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


class AuthActions:
    """Sign in and out through the real login form, CSRF token included."""

    def __init__(self, client):
        self._client = client
        self._token: tuple[str, str] | None = None  # (the session's CSRF secret, a token)

    def login(self, username: str | Account = "admin", password: str = PASSWORD, next_url=None):
        if isinstance(username, Account):
            username = username.username
        token = self.csrf_token("/login")
        url = "/login" + (f"?next={next_url}" if next_url else "")
        return self._client.post(
            url, data={"username": username, "password": password, "csrf_token": token}
        )

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": self.csrf_token()})

    def csrf_token(self, url: str | None = None) -> str:
        """A valid CSRF token of the current session, read from a page that has a form.

        A token stays valid as long as the session keeps its CSRF secret, which signing in
        and out do not change: it is read again only when the secret changed (a new session),
        or from ``url`` when one is given (reading it from the home page before every post
        was a tenth of the page tests' time).
        """
        secret = self._csrf_secret()
        if url is None and secret is not None and self._token and self._token[0] == secret:
            return self._token[1]
        token = csrf_token_in(self._client.get(url or "/").text)
        self._token = (self._csrf_secret(), token)
        return token

    def _csrf_secret(self) -> str | None:
        if self._client.get_cookie("session") is None:
            return None
        with self._client.session_transaction() as session:
            return session.get("csrf_token")

    def post(self, url: str, data: dict | None = None, **kwargs):
        """POST a form with the session's CSRF token added."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self._client.post(url, data=data, **kwargs)


class QueryCounter:
    """Count the SQL statements an engine runs inside a ``with`` block."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        if (
            not statement.lstrip()
            .upper()
            .startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))
        ):
            self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)
