"""Error pages in Vietnamese; JSON answers under /api/."""

from __future__ import annotations

from html import escape
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

# A page that needs neither the database nor Jinja: shown when the database cannot be
# reached (the usual error page extends base.html, which reads the committee's name).
UNAVAILABLE_PAGE = (
    Path(__file__).resolve().parent.parent / "templates" / "errors" / "unavailable.html"
).read_text(encoding="utf-8")
MSG_UNAVAILABLE = "Không kết nối được cơ sở dữ liệu."
MSG_BAD_VALUE = "Giá trị gửi lên không hợp lệ hoặc vượt quá giới hạn cho phép."

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Cần đăng nhập.",
    403: "Bạn không có quyền truy cập trang này.",
    404: "Không tìm thấy trang hoặc dữ liệu yêu cầu.",
    405: "Phương thức không được hỗ trợ.",
    409: "Yêu cầu xung đột với dữ liệu đã lưu.",
    413: "Tệp hoặc dữ liệu gửi lên quá lớn (tối đa 10 MB cho tệp đính kèm).",
    429: "Quá nhiều lần thử. Vui lòng đợi rồi thử lại.",
    500: "Đã xảy ra lỗi hệ thống. Dữ liệu chưa được lưu; vui lòng thử lại sau.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def static_error_page(status: int, message: str) -> Response:
    """The error page without database or templates (Vietnamese, never waitress's own)."""
    body = UNAVAILABLE_PAGE.replace("MESSAGE", escape(message))
    return Response(body, status=status, mimetype="text/html")


def error_response(status: int, message: str | None = None, fields: dict | None = None):
    """Answer an error as the contract's JSON under /api/, as a page elsewhere."""
    message = message or MESSAGES.get(status, MESSAGES[400])
    if wants_json():
        return jsonify(error=message, fields=fields or {}), status
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception:  # noqa: BLE001 (the page failed, database down: the static one never does)
        db.session.rollback()
        return static_error_page(status, message)


def database_unreachable(error: BaseException) -> bool:
    """True for an error reaching the database (down, refused, locked too long), not one of a
    statement's values."""
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError))


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(
            400, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status >= 500:
            db.session.rollback()
        # A description given to abort() is ours (Vietnamese); Werkzeug's defaults are not.
        custom = error.description != type(error).description
        response = error_response(status, error.description if custom else None)
        # 405 says which methods the URL has (Allow), as HTTP requires.
        headers = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
        if headers:
            body, code = response if isinstance(response, tuple) else (response, status)
            return body, code, headers
        return response

    @app.errorhandler(sa.exc.DataError)
    @app.errorhandler(OverflowError)
    def value_error(error: Exception):
        """A value the database cannot hold (a number out of range, a NUL...): the request
        is invalid, never a crash; nothing it started is kept."""
        db.session.rollback()
        app.logger.warning("Refused a value the database cannot hold on %s: %s", request.path, error)
        return error_response(400, MSG_BAD_VALUE)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Roll back so that a half-done change is never committed by a later request.
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001, S110 (the connection is gone too)
            pass
        if database_unreachable(error):
            # One line, not a traceback per request while the database is away.
            app.logger.error(
                "Database unreachable on %s %s: %s",
                request.method,
                request.path,
                (str(getattr(error, "orig", error)).splitlines() or [""])[0][:300],
            )
            if wants_json():
                return jsonify(error=MSG_UNAVAILABLE, fields={}), 503
            return static_error_page(503, MSG_UNAVAILABLE)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500)
