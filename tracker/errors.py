"""Error pages in Vietnamese; JSON answers under /api/."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

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


def error_response(status: int, message: str | None = None, fields: dict | None = None):
    """Answer an error as the contract's JSON under /api/, as a page elsewhere."""
    message = message or MESSAGES.get(status, MESSAGES[400])
    if wants_json():
        return jsonify(error=message, fields=fields or {}), status
    return render_template("errors/error.html", status=status, message=message), status


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
        return error_response(status, error.description if custom else None)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Roll back so that a half-done change is never committed by a later request.
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500)
