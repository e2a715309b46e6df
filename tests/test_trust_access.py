"""Issue 15 (b): who gets in and who stays out.

Sessions end on the server (logout, password change, admin reset); API tokens die with a
password change; throttling slows guesses from one address without locking the real user
out; a flood is one audit entry; weak passwords are refused; another cell's report is 403
whatever its state.
"""

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import ApiToken, AuditEntry, LoginSession, Role, User
from tracker.services import ValidationFailed
from tracker.services.accounts import create_token, create_user, failure_delay, reset_password

from .factories import make_report
from .helpers import PASSWORD, csrf_token_in

NEW_PASSWORD = "mot-cau-moi-kho-doan"


def fresh_browser(app, cookie):
    """Another client that replays a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def session_cookie(client):
    return client.get_cookie("session").value


# --- sessions end on the server ------------------------------------------------------------


def test_a_session_cookie_copied_before_logout_opens_nothing_after(app, client, auth, users):
    auth.login(users["secretary"])
    stolen = session_cookie(client)
    assert fresh_browser(app, stolen).get("/reports/").status_code == 200
    auth.logout()
    thief = fresh_browser(app, stolen)
    assert thief.get("/reports/").status_code == 302
    assert thief.get("/tokens/").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 0


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(app, users):
    from .helpers import AuthActions

    laptop, phone = app.test_client(), app.test_client()
    AuthActions(laptop).login(users["secretary"])
    AuthActions(phone).login(users["secretary"])
    answer = AuthActions(laptop).post(
        "/password",
        data={"old_password": PASSWORD, "new_password": NEW_PASSWORD,
              "new_password_again": NEW_PASSWORD},
    )
    assert answer.status_code == 302
    assert laptop.get("/reports/").status_code == 200
    assert phone.get("/reports/").status_code == 302


def test_an_admin_reset_ends_every_session_of_the_account(app, client, auth, users):
    auth.login(users["secretary"])
    stolen = session_cookie(client)
    with app.app_context():
        admin = db.session.get(User, users["admin"].id)
        reset_password(db.session.get(User, users["secretary"].id), NEW_PASSWORD, actor=admin)
        db.session.commit()
    assert fresh_browser(app, stolen).get("/reports/").status_code == 302


# --- API tokens die with the password ------------------------------------------------------


def _token(app, account):
    with app.app_context():
        raw, _ = create_token(db.session.get(User, account.id), label="script")
        db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_changing_ones_password_revokes_ones_api_tokens(app, client, auth, users):
    headers = _token(app, users["secretary"])
    assert client.get("/api/v1/cells", headers=headers).status_code == 200
    auth.login(users["secretary"])
    auth.post(
        "/password",
        data={"old_password": PASSWORD, "new_password": NEW_PASSWORD,
              "new_password_again": NEW_PASSWORD},
    )
    assert client.get("/api/v1/cells", headers=headers).status_code == 401


def test_an_admin_password_reset_revokes_the_accounts_api_tokens(app, client, auth, users):
    headers = _token(app, users["secretary"])
    auth.login(users["admin"])
    answer = auth.post(
        f"/admin/accounts/{users['secretary'].id}/password",
        data={
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
            "csrf_token": auth.csrf_token(f"/admin/accounts/{users['secretary'].id}"),
        },
    )
    assert answer.status_code == 302
    assert client.get("/api/v1/cells", headers=headers).status_code == 401
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))
        ) == 0


# --- throttling ----------------------------------------------------------------------------


def login_from(app, address, username, password):
    browser = app.test_client()
    page = browser.get("/login", environ_base={"REMOTE_ADDR": address})
    return browser.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token_in(page.text)},
        environ_base={"REMOTE_ADDR": address},
    )


def test_delays_grow_after_the_free_failures_and_stop_at_the_cap():
    assert [failure_delay(n, 5, 900) for n in range(4, 12)] == [0, 1, 2, 4, 8, 16, 32, 64]
    assert failure_delay(40, 5, 900) == 900


def test_an_attacker_never_locks_the_real_user_out_from_elsewhere(app, users):
    app.config["LOGIN_MAX_FAILURES"] = 5
    for _ in range(30):  # past both the per-account and the per-address allowance
        login_from(app, "203.0.113.66", "admin", "doan-bua-mot-mat-khau")
    attacker = login_from(app, "203.0.113.66", "admin", PASSWORD)
    assert attacker.status_code == 401, "the guessing address must wait, even with the password"
    assert "Vui lòng đợi" in attacker.text
    real = login_from(app, "198.51.100.7", "admin", PASSWORD)
    assert real.status_code == 302
    other = login_from(app, "198.51.100.8", "danguy", PASSWORD)
    assert other.status_code == 302


def test_the_wait_is_short_at_first_and_then_the_right_password_works(app, users):
    import datetime as dt

    from tracker.models import LoginFailure

    app.config["LOGIN_MAX_FAILURES"] = 2
    for _ in range(2):
        login_from(app, "192.0.2.1", "danguy", "sai-mat-khau-roi")
    assert login_from(app, "192.0.2.1", "danguy", PASSWORD).status_code == 401
    with app.app_context():  # a second passes
        for failure in db.session.scalars(sa.select(LoginFailure)):
            failure.at -= dt.timedelta(seconds=2)
        db.session.commit()
    assert login_from(app, "192.0.2.1", "danguy", PASSWORD).status_code == 302


def test_a_flood_of_blocked_attempts_is_one_audit_entry_with_a_count(app, users):
    app.config["LOGIN_MAX_FAILURES"] = 1
    app.config["LOGIN_MAX_DELAY_SECONDS"] = 600
    from tracker.models import LoginFailure

    with app.app_context():  # twelve failures already: the wait outlasts the flood
        for _ in range(12):
            db.session.add(LoginFailure(username="admin", remote_addr="203.0.113.9"))
        db.session.commit()
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    blocked = sum(
        "Vui lòng đợi" in login_from(app, "203.0.113.9", "admin", "sai-mat-khau-roi").text
        for _ in range(40)
    )
    assert blocked == 40
    with app.app_context():
        after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "login.throttled")
        ).all()
        assert after - before <= 1
        assert sum(entry.after["count"] for entry in entries) >= 40
        assert entries[-1].remote_addr == "203.0.113.9"


@pytest.mark.parametrize(("proxies", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.50")])
def test_the_forwarded_address_counts_only_when_a_proxy_is_configured(
    own_app, proxies, expected
):
    from tracker import trust_proxies

    app = own_app
    seen = []
    app.config["TRUSTED_PROXIES"] = proxies
    trust_proxies(app)

    @app.get("/_whoami")
    def whoami():
        from flask import request

        seen.append(request.remote_addr)
        return "ok"

    app.test_client().get(
        "/_whoami", headers={"X-Forwarded-For": "203.0.113.50"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert seen == [expected]


# --- passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "quá phổ biến"),
        ("matkhau123", "quá phổ biến"),
        ("aaaaaaaaaa", "lặp lại hoặc một dãy"),
        ("abcdefghij", "lặp lại hoặc một dãy"),
        ("bithu.apcho", "tên đăng nhập"),
        ("Bithu.Apcho2024", "tên đăng nhập"),
        ("nguyenthilan", "tên đăng nhập"),
        ("ngan", "ít nhất 8 ký tự"),
    ],
)
def test_weak_passwords_are_refused_in_vietnamese(app, password, message):
    from .factories import cell

    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            create_user(
                username="bithu.apcho", full_name="Nguyễn Thị Lan", role=Role.SECRETARY,
                password=password, cell=cell("ap-cho"),
            )
        assert message in refused.value.fields["password"]


def test_a_weak_new_password_is_refused_on_the_page(auth, users):
    auth.login(users["secretary"])
    answer = auth.post(
        "/password",
        data={"old_password": PASSWORD, "new_password": "bithu.apcho",
              "new_password_again": "bithu.apcho"},
    )
    assert answer.status_code == 400
    assert "tên đăng nhập" in answer.text


def test_a_long_passphrase_is_welcome(app):
    from tracker.domain.passwords import password_problem

    assert password_problem("hoa phượng đỏ sân trường", ("bithu.apcho",)) is None


# --- another cell's report: the same 403 whatever its state --------------------------------


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "approved"])
def test_another_cells_report_is_403_whatever_its_state(app, client, users, state):
    with app.app_context():
        report = make_report("cong-an", 2022, 5, status=state, scores=None)
        db.session.commit()
        report_id = report.id
    headers = _token(app, users["secretary"])
    answer = client.get(f"/api/v1/reports/{report_id}", headers=headers)
    assert answer.status_code == 403
    body = answer.get_json()
    assert "nháp" not in body["error"]
    assert client.get("/api/v1/reports/999999", headers=headers).status_code == 404


def test_a_session_ends_on_the_server_after_its_lifetime(app, client, auth, users):
    import datetime as dt

    auth.login(users["secretary"])
    assert client.get("/reports/").status_code == 200
    with app.app_context():
        for row in db.session.scalars(sa.select(LoginSession)):
            row.created_at -= dt.timedelta(days=8)
        db.session.commit()
    assert client.get("/reports/").status_code == 302


def test_guesses_from_many_addresses_slow_unknown_browsers_but_not_the_users_own(app, users):
    """Per account: guesses spread over many addresses make every unknown browser wait, but
    the browser the user signed in with before (device cookie) goes straight in."""
    app.config["LOGIN_MAX_FAILURES"] = 2  # account-wide: 8 failures, then delays
    own = app.test_client()
    page = own.get("/login", environ_base={"REMOTE_ADDR": "198.51.100.20"})
    first = own.post(
        "/login",
        data={"username": "danguy", "password": PASSWORD, "csrf_token": csrf_token_in(page.text)},
        environ_base={"REMOTE_ADDR": "198.51.100.20"},
    )
    assert first.status_code == 302 and own.get_cookie("tracker_device")
    own.post("/logout", data={"csrf_token": csrf_token_in(own.get("/password").text)})
    for i in range(12):  # a botnet: one guess from each address
        login_from(app, f"203.0.113.{100 + i}", "danguy", "doan-bua-mot-mat-khau")
    stranger = login_from(app, "192.0.2.200", "danguy", PASSWORD)
    assert stranger.status_code == 401 and "Vui lòng đợi" in stranger.text
    page = own.get("/login", environ_base={"REMOTE_ADDR": "198.51.100.21"})
    again = own.post(
        "/login",
        data={"username": "danguy", "password": PASSWORD, "csrf_token": csrf_token_in(page.text)},
        environ_base={"REMOTE_ADDR": "198.51.100.21"},
    )
    assert again.status_code == 302


def test_a_forged_device_cookie_counts_for_nothing(app, users):
    from tracker.auth import sessions

    with app.test_request_context(headers={"Cookie": "tracker_device=danguy"}):
        assert not sessions.is_known_device("danguy")
