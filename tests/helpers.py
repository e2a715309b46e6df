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
        self._token: tuple[str | None, str] | None = None  # (session cookie, CSRF token)

    def login(self, username: str | Account = "admin", password: str = PASSWORD, next_url=None):
        if isinstance(username, Account):
            username = username.username
        page = self._client.get("/login")
        url = "/login" + (f"?next={next_url}" if next_url else "")
        return self._client.post(
            url,
            data={
                "username": username,
                "password": password,
                "csrf_token": csrf_token_in(page.text),
            },
        )

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": self.csrf_token()})

    def csrf_token(self, url: str | None = None) -> str:
        """A valid CSRF token of the current session, read from a page that has a form.

        The token lives as long as the session, so it is read once and read again only when
        the session cookie changes (signing in or out), or from ``url`` when one is given.
        """
        if url is None and self._token and self._token[0] == self._session_cookie():
            return self._token[1]
        token = csrf_token_in(self._client.get(url or "/").text)
        self._token = (self._session_cookie(), token)
        return token

    def _session_cookie(self) -> str | None:
        cookie = self._client.get_cookie("session")
        return cookie.value if cookie else None

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
