"""Signing in and out; the `next` redirect; CSRF; the same message for every bad credential."""

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEntry, LoginFailure

from .helpers import PASSWORD

BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."


def test_login_then_logout(client, auth, users):
    answer = auth.login(users["committee"])
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Đăng xuất" in home.text

    answer = auth.logout()
    assert answer.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("username", "password"),
    [("admin", "sai-mat-khau"), ("khong-co-ai", PASSWORD), ("", "")],
    ids=["wrong password", "unknown user", "empty"],
)
def test_bad_credentials_get_one_message(client, auth, users, username, password):
    answer = auth.login(username, password)
    assert answer.status_code in (200, 401)
    if username:
        assert BAD_CREDENTIALS in answer.text
    else:
        assert "Nhập tên đăng nhập." in answer.text
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_user_look_the_same(auth, users):
    wrong_password = auth.login("admin", "sai-mat-khau")
    unknown_user = auth.login("khong-co-ai", "sai-mat-khau")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert BAD_CREDENTIALS in wrong_password.text and BAD_CREDENTIALS in unknown_user.text


def test_inactive_account_cannot_sign_in(app, auth, users):
    with app.app_context():
        from tracker.models import User

        db.session.get(User, users["secretary"].id).active = False
        db.session.commit()
    answer = auth.login(users["secretary"])
    assert answer.status_code == 401
    assert BAD_CREDENTIALS in answer.text


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/login", "/login"),
        ("/?tab=1", "/?tab=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_is_followed_only_when_relative(auth, users, next_url, expected):
    from urllib.parse import quote

    answer = auth.login(users["admin"], next_url=quote(next_url, safe=""))
    assert answer.status_code == 302
    assert answer.headers["Location"] == expected


def test_login_form_without_csrf_token_is_refused(client, users):
    answer = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert answer.status_code == 400
    assert "Phiên làm việc đã hết hạn" in answer.text


def test_logout_without_csrf_token_is_refused(client, auth, users):
    auth.login(users["admin"])
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_logins_and_failures_are_audited(app, auth, users):
    auth.login("admin", "sai-mat-khau")
    auth.login(users["admin"])
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["login.failure", "login.success"]


def test_repeated_failures_make_the_address_wait_for_the_account(app, client, auth, users):
    app.config["LOGIN_MAX_FAILURES"] = 3
    for _ in range(3):
        auth.login("admin", "sai-mat-khau")
    answer = auth.login(users["admin"])  # from this address, even the right one must wait
    assert answer.status_code == 401
    assert "sai nhiều lần" in answer.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LoginFailure.id))) == 3


def test_passwords_are_stored_hashed(app, users):
    with app.app_context():
        from tracker.models import User

        stored = db.session.scalar(sa.select(User.password_hash).where(User.username == "admin"))
    assert PASSWORD not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_password_reset_logs_out_other_sessions(app, client, auth, users):
    auth.login(users["secretary"])
    assert client.get("/").status_code == 200
    with app.app_context():
        from tracker.models import User
        from tracker.services.accounts import reset_password

        admin = db.session.get(User, users["admin"].id)
        reset_password(db.session.get(User, users["secretary"].id), "mat-khau-moi-123", actor=admin)
        db.session.commit()
    assert client.get("/").status_code == 302
