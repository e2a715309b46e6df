"""The JSON shape of the API's request bodies, checked before the shared report rules.

The rules of ``domain/report_rules.py`` serve the form too, so they are lenient about types:
a form sends "2022" and "7,5" as text. The API is stricter, as its OpenAPI description says
(``openapi.py`` is built from the same field lists): numbers must be JSON numbers, dates
``YYYY-MM-DD``, texts JSON strings, and a field the API does not know is refused. A value of
the wrong JSON type is handed to the rules as ``WRONG_TYPE``, which every rule refuses with its
usual message, so that the API and the form say the same thing about the same field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..domain import report_rules as rules
from .core import MSG_UNKNOWN_FIELD

# The fields of POST /reports and PUT /reports/ID, and of POST /reports/ID/review.
REPORT_FIELDS = (
    "cell",
    "year",
    "month",
    "kind",
    "held_on",
    "duration_minutes",
    "attendance",
    "speakers",
    "young_speakers",
    "topic",
    "notes",
    "scores",
)
REPORT_REQUIRED = (
    "cell",
    "year",
    "month",
    "kind",
    "held_on",
    "duration_minutes",
    "attendance",
    "speakers",
    "young_speakers",
    "scores",
)
WHOLE_FIELDS = ("year", "month", "duration_minutes", "speakers", "young_speakers")
API_TEXT_FIELDS = ("topic", "notes")  # the form's other texts (chaired_by...) are not in the API
REVIEW_FIELDS = ("decision", "scores", "comment")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class _WrongType:
    """A value of the wrong JSON type: not blank, not a number, not text, not a date."""

    def __repr__(self) -> str:
        return "WRONG_TYPE"


WRONG_TYPE = _WrongType()


def is_json_whole(value: Any) -> bool:
    """A JSON integer: JSON Schema counts 5.0 as an integer too; true and false are not."""
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):  # a literal no float holds exactly (see core.json_body)
        return value == value.to_integral_value()
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def is_json_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _whole(value: Any) -> Any:
    """None stays None (the rules say it is required); anything but a JSON integer is wrong."""
    return value if value is None or is_json_whole(value) else WRONG_TYPE


def _points(value: Any, *, null_allowed: bool) -> Any:
    if value is None and null_allowed:
        return None
    return value if is_json_number(value) else WRONG_TYPE


def _unknown(body: Mapping, known: tuple[str, ...], errors: dict[str, str], prefix: str = ""):
    for key in body:
        if key not in known:
            errors[f"{prefix}{key}"] = MSG_UNKNOWN_FIELD


def _text(body: Mapping, key: str, limit: int, errors: dict[str, str]) -> Any:
    """A text field: absent is empty, null or a non-string is wrong, too long is refused as it
    was sent (the rules measure it once spaces are tidied; the description measures it raw)."""
    if key not in body:
        return ""
    value = body[key]
    if not isinstance(value, str):
        return WRONG_TYPE
    if len(value) > limit:
        errors[key] = rules.msg_text_too_long(limit)
    return value


def _object(body: Mapping, key: str) -> Any:
    """An object field: absent is None (the rules say what is missing); null is wrong."""
    if key not in body:
        return None
    return body[key] if body[key] is not None else WRONG_TYPE


def _scores(raw: Any, *, null_allowed: bool) -> Any:
    if not isinstance(raw, Mapping):
        return raw  # the rules refuse anything but an object
    return {code: _points(value, null_allowed=null_allowed) for code, value in raw.items()}


def report_input(body: Mapping) -> tuple[rules.ReportInput, dict[str, str]]:
    """Map a report body onto the rules' raw input; return it and the errors of JSON shape."""
    errors: dict[str, str] = {}
    _unknown(body, REPORT_FIELDS, errors)

    attendance = _object(body, "attendance")
    if isinstance(attendance, Mapping):
        _unknown(attendance, rules.COUNT_KEYS, errors, prefix="attendance.")
        attendance = {key: _whole(attendance.get(key)) for key in rules.COUNT_KEYS}

    held_on = body.get("held_on")
    if held_on is not None and not (isinstance(held_on, str) and ISO_DATE.match(held_on)):
        held_on = WRONG_TYPE

    kind = body.get("kind")
    data = rules.ReportInput(
        kind=kind if isinstance(kind, str) else WRONG_TYPE,
        year=_whole(body.get("year")),
        month=_whole(body.get("month")),
        held_on=held_on,
        duration_minutes=_whole(body.get("duration_minutes")),
        attendance=attendance,
        speakers=_whole(body.get("speakers")),
        young_speakers=_whole(body.get("young_speakers")),
        topic=_text(body, "topic", rules.TEXT_LIMITS["topic"], errors),
        notes=_text(body, "notes", rules.TEXT_LIMITS["notes"], errors),
        scores=_scores(_object(body, "scores"), null_allowed=True),
    )
    return data, errors


def review_input(body: Mapping) -> tuple[dict[str, Any], dict[str, str]]:
    """The decision, scores and comment of a review body, and the errors of JSON shape.

    A criterion left out keeps its self-assessed points; one sent as null is an error (a
    number is expected), not a way to leave it out."""
    errors: dict[str, str] = {}
    _unknown(body, REVIEW_FIELDS, errors)
    decision = body.get("decision")
    values = {
        "decision": decision if isinstance(decision, str) else WRONG_TYPE,
        "scores": _scores(_object(body, "scores"), null_allowed=False),
        "comment": _text(body, "comment", rules.COMMENT_LIMIT, errors),
    }
    return values, errors
