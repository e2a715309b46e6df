"""The API blueprint: bearer-token authentication, JSON errors and request parsing."""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal

from flask import Blueprint, current_app, g, jsonify, request

from ..database import begin_write
from ..extensions import csrf, db
from ..failures import ServiceError, ValidationFailed
from ..models import User
from ..services.accounts import find_token, token_needs_touch, touch_token_best_effort

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, never cookies: there is nothing for a forged form to ride on

UNAUTHORIZED = "Thiếu mã xác thực API hợp lệ (Authorization: Bearer MÃ)."
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Endpoints anyone may read: the description of the API itself.
PUBLIC_ENDPOINTS = {"api.openapi_document"}

# Ids of rows are positive 32-bit integers (PostgreSQL's INTEGER).
MIN_ID = 1
MAX_ID = 2**31 - 1

MSG_BODY_INVALID = "Nội dung yêu cầu phải là một đối tượng JSON hợp lệ (UTF-8)."
MSG_BODY_CONTENT_TYPE = "Gửi nội dung JSON kèm tiêu đề Content-Type: application/json."
MSG_BODY_ENCODING = "Nội dung JSON phải được mã hóa UTF-8."
MSG_BODY_NOT_OBJECT = "Nội dung phải là một đối tượng JSON {...}, không phải mảng hay giá trị đơn."
MSG_BODY_CONSTANT = "NaN, Infinity và -Infinity không phải là số JSON hợp lệ."
MSG_BODY_TOO_DEEP = "JSON lồng nhau quá sâu."
MSG_UNKNOWN_FIELD = "API không có trường này."
MSG_UNKNOWN_PARAMETER = "API không có tham số này."
MSG_INVALID_QUERY = "Tham số không hợp lệ."
MSG_ID = "Mã báo cáo phải là số nguyên từ {} đến {}.".format(
    MIN_ID, f"{MAX_ID:,}".replace(",", ".")
)
MSG_BAD_PATH = "Giá trị trong đường dẫn không hợp lệ."
MSG_BODY_DUPLICATE = "JSON có khóa lặp lại: {}. Mỗi trường chỉ được ghi một lần."


def msg_json_syntax(error: json.JSONDecodeError) -> str:
    return f"Không đọc được JSON: lỗi cú pháp ở dòng {error.lineno}, cột {error.colno}."


def api_error(status: int, message: str, fields: dict[str, str] | None = None):
    """Answer the contract's error shape: {"error": MESSAGE, "fields": {FIELD: MESSAGE}}."""
    response = jsonify(error=message, fields=fields or {})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def service_error(error: ServiceError):
    """Answer a refused change; nothing it started is kept."""
    db.session.rollback()
    return api_error(error.status, error.message, error.fields)


bp.register_error_handler(ServiceError, service_error)


def api_user() -> User:
    """The account of the token of this request."""
    return g.api_user


@bp.before_request
def authenticate_token():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    token = find_token(raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        db.session.rollback()
        return api_error(401, UNAUTHORIZED)
    user_id, token_id = token.user_id, token.id  # read before the rollback expires them
    if token_needs_touch(token):
        # Record the use in a short write transaction of its own, so that it is kept even
        # when the request itself is refused. Best effort: a locked or read-only database
        # never fails the request for it (the next call records it).
        db.session.rollback()
        touch_token_best_effort(token_id)
        if request.method in WRITE_METHODS:
            begin_write()
    g.api_user = db.session.get(User, user_id)


def _refuse_constant(name: str):
    raise _JSONConstant(name)


class _JSONConstant(ValueError):
    """NaN or Infinity: Python's json reads them, JSON (RFC 8259) has no such numbers."""


class _JSONDuplicate(ValueError):
    """An object with a key twice: Python keeps the last, the API refuses (contract.md)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict:
    data = {}
    for key, value in pairs:
        if key in data:
            raise _JSONDuplicate(key)
        data[key] = value
    return data


def query_parameters(*names: str):
    """Declare the query parameters a view reads; any other one is refused (400)."""

    def declare(view):
        view.api_query_parameters = names
        return view

    return declare


def allowed_query_parameters(endpoint: str | None) -> tuple[str, ...]:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "api_query_parameters", ())


@bp.before_request
def refuse_unknown_query_parameters():
    """After the token (401 first): a parameter the operation does not have is an error, as an
    unknown field of a body is; a typo never goes unnoticed."""

    allowed = allowed_query_parameters(request.endpoint)
    unknown = {
        (name or "query"): MSG_UNKNOWN_PARAMETER for name in request.args if name not in allowed
    }
    if unknown:
        db.session.rollback()
        return api_error(400, MSG_INVALID_QUERY, unknown)
    return None


def _exact_number(literal: str) -> float | Decimal:
    """A JSON number with a fraction or exponent: a float when one holds it exactly, else the
    exact Decimal, so that 24.50000000000000001 or 1e-400 is not taken for 24.5 or 0 (the rules
    then find it is not a multiple of 0.5, or not a whole number)."""
    value = float(literal)
    if math.isfinite(value) and Decimal(value) != Decimal(literal):
        return Decimal(literal)
    return value


def json_body() -> dict:
    """Return the request's JSON object (strict RFC 8259, UTF-8), or raise ValidationFailed.

    Python's json accepts NaN and Infinity, and Flask's reader tries other encodings; the API
    refuses both, and says what is wrong with the body under the field ``body``.
    """

    def refuse(message: str):
        return ValidationFailed(MSG_BODY_INVALID, {"body": message})

    if not request.is_json:
        raise refuse(MSG_BODY_CONTENT_TYPE)
    try:
        text = request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise refuse(MSG_BODY_ENCODING) from None
    try:
        data = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_exact_number,
            object_pairs_hook=_refuse_duplicates,
        )
    except _JSONConstant:
        raise refuse(MSG_BODY_CONSTANT) from None
    except _JSONDuplicate as duplicate:
        raise refuse(
            MSG_BODY_DUPLICATE.format(json.dumps(duplicate.key, ensure_ascii=False))
        ) from None
    except json.JSONDecodeError as error:
        raise refuse(msg_json_syntax(error)) from None
    except RecursionError:
        raise refuse(MSG_BODY_TOO_DEEP) from None
    except ValueError:  # an integer literal longer than Python converts (4,300 digits)
        raise refuse(MSG_BODY_INVALID) from None
    if not isinstance(data, dict):
        raise refuse(MSG_BODY_NOT_OBJECT)
    return data


_DIGITS = re.compile(r"^[0-9]{1,12}$")


def path_whole(raw: str, *, low: int, high: int, field: str, message: str) -> int:
    """Read a whole number from a URL segment, in [low, high]; raise ValidationFailed (400).

    The routes take the segment as text so that ``abc``, ``-1`` or a number too large for the
    database are refused by the API itself, with the contract's error shape."""

    number = int(raw) if _DIGITS.match(raw) else None
    if number is None or not low <= number <= high:
        raise ValidationFailed(MSG_BAD_PATH, {field: message})
    return number


def report_id_from(raw: str) -> int:
    return path_whole(raw, low=MIN_ID, high=MAX_ID, field="id", message=MSG_ID)
