"""Input every request is checked for before any view runs, and whole numbers from text.

PostgreSQL refuses a NUL character in text (psycopg raises DataError) where SQLite stores it:
a NUL in a query parameter, a form field, a file name or a path segment is refused here, once
for every page and API call, with a 400 and a Vietnamese message, on both databases.
"""

from __future__ import annotations

import re

from flask import Flask, request

MSG_NUL = "Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự NUL); vui lòng nhập lại."
# Ids and counts of rows are PostgreSQL INTEGERs.
MAX_WHOLE = 2**31 - 1
_ASCII_DIGITS = re.compile(r"^[0-9]{1,10}$")


def whole_number(raw: str | None, *, low: int = 0, high: int = MAX_WHOLE) -> int | None:
    """The whole number written in ASCII digits in ``raw`` within [low, high], else None.

    ``str.isdigit`` is true for "²" or "٣", and int() takes any length: neither is safe for
    a query parameter that goes to the database."""
    text = (raw or "").strip()
    if not _ASCII_DIGITS.match(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def _has_nul(text) -> bool:
    return isinstance(text, str) and "\x00" in text


def bad_input_field() -> str | None:
    """The name of the first parameter, field, file or path part carrying a NUL, or None."""
    if _has_nul(request.path):
        return "path"
    for name, value in (request.view_args or {}).items():
        if _has_nul(value):
            return name
    for source in (request.args, request.form):
        for name, values in source.lists():
            if _has_nul(name) or any(_has_nul(value) for value in values):
                return name.replace("\x00", "") or "query"
    for name, storage in request.files.items(multi=True):
        if _has_nul(storage.filename or ""):
            return name
    return None


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        for value in (request.view_args or {}).values():
            # <int:id> takes any number of digits; no row has an id beyond PostgreSQL's
            # INTEGER, and the database must not be asked (out of range: an error).
            if isinstance(value, int) and not isinstance(value, bool) and not (
                -MAX_WHOLE - 1 <= value <= MAX_WHOLE
            ):
                from .errors import error_response

                return error_response(404)
        field = bad_input_field()
        if field is None:
            return None
        from .errors import error_response

        return error_response(400, MSG_NUL, {field: MSG_NUL})
