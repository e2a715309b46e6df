"""Security headers, cookies and the error pages."""

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEntry

# Headers, cookies and error pages come from the app, the same on both databases.
pytestmark = pytest.mark.backends("sqlite")


def test_every_answer_carries_the_security_headers(client):
    answer = client.get("/login")
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_samesite(client, auth, users):
    answer = auth.login(users["admin"])
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_when_configured(app, client, auth, users):
    app.config["SESSION_COOKIE_SECURE"] = True
    answer = auth.login(users["admin"])
    assert "Secure" in answer.headers["Set-Cookie"]


def test_pages_have_no_inline_script(client, auth, users):
    auth.login(users["admin"])
    for url in ("/", "/login"):
        text = client.get(url).text
        assert "<script>" not in text
        assert " style=" not in text


def test_an_unexpected_error_rolls_back_and_leaks_nothing(own_app):
    app = own_app
    client = app.test_client()

    @app.get("/_boom")
    def boom():
        db.session.add(AuditEntry(action="half.done", object_type="test"))
        db.session.flush()
        raise RuntimeError("secret detail /etc/passwd")

    answer = client.get("/_boom")
    assert answer.status_code == 500
    assert "Đã xảy ra lỗi hệ thống" in answer.text
    assert "secret detail" not in answer.text and "Traceback" not in answer.text
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "half.done")
        ) == 0


def test_unknown_page_is_a_vietnamese_404(client):
    answer = client.get("/khong-co-trang-nay")
    assert answer.status_code == 404
    assert "Không tìm thấy" in answer.text
