"""The API blueprint: bearer-token authentication, JSON errors and request parsing."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from ..database import begin_write
from ..extensions import csrf, db
from ..models import User
from ..services import ServiceError
from ..services.accounts import find_token, token_needs_touch, touch_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, never cookies: there is nothing for a forged form to ride on

UNAUTHORIZED = "Thiếu mã xác thực API hợp lệ (Authorization: Bearer MÃ)."
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


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
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    token = find_token(raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        db.session.rollback()
        return api_error(401, UNAUTHORIZED)
    user_id = token.user_id
    if token_needs_touch(token):
        # Record the use in a short write transaction of its own, so that it is kept even
        # when the request itself is refused.
        db.session.rollback()
        begin_write()
        touch_token(token.id)
        db.session.commit()
        if request.method in WRITE_METHODS:
            begin_write()
    g.api_user = db.session.get(User, user_id)


def json_body() -> dict:
    """Return the request's JSON object, or raise ValidationFailed."""
    from ..services import ValidationFailed

    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed(
            "Nội dung yêu cầu phải là một đối tượng JSON hợp lệ (UTF-8).",
            {"body": "Không đọc được JSON."},
        )
    return data
