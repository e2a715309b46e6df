"""Issue 15 (c, d): staying up under slow clients, a locked or absent database, odd input.

Waitress's limits come from run.py; read-only API calls never fail for the token's last-use
record; a database that is down gets a static Vietnamese page; NUL characters and numbers too
large are answered 400, never 500, on both databases; duplicate JSON keys are refused.
"""

import json
import socket
import sqlite3
import threading
import time
import urllib.request

import pytest
import sqlalchemy as sa

from tracker import create_app
from tracker.extensions import db
from tracker.models import User
from tracker.services.accounts import create_token

from .reporting import api_body


def token_headers(app, account):
    with app.app_context():
        raw, _ = create_token(db.session.get(User, account.id), label="t")
        db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


# --- waitress ------------------------------------------------------------------------------


@pytest.mark.backends("sqlite")
def test_a_burst_of_slow_clients_does_not_starve_a_normal_request(app):
    """150 connections that send half a request and wait (more than waitress's default
    limit of 100): a normal request is still answered at once."""
    from waitress.server import create_server

    from run import waitress_settings

    settings = waitress_settings(app, threads=4)
    assert settings["connection_limit"] >= 500 and settings["channel_timeout"] <= 60
    server = create_server(app, host="127.0.0.1", port=0, **settings)
    port = server.effective_port
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    slow = []
    try:
        for _ in range(150):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
            slow.append(sock)
        time.sleep(0.5)
        started = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as answer:
            assert answer.status == 200
        assert time.monotonic() - started < 3
    finally:
        for sock in slow:
            sock.close()
        server.close()
        thread.join(timeout=5)


# --- the token's last use is best effort ---------------------------------------------------


@pytest.mark.backends("sqlite")
def test_read_only_api_calls_work_while_the_database_is_write_locked(app, client, users):
    headers = token_headers(app, users["committee"])
    path = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        started = time.monotonic()
        answer = client.get("/api/v1/cells", headers=headers)
        assert answer.status_code == 200
        assert time.monotonic() - started < 3
    finally:
        locker.execute("ROLLBACK")
        locker.close()


# --- a database that is down ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/reports/", "/"])
def test_a_database_that_is_down_gets_a_static_vietnamese_page(tmp_path, path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "postgresql://tracker@127.0.0.1:9/none",
         "UPLOAD_FOLDER": str(tmp_path / "u")}
    )
    app.config["PROPAGATE_EXCEPTIONS"] = False
    browser = app.test_client()
    with browser.session_transaction() as session:  # signed in before the database went
        session["_user_id"], session["_tracker_sid"] = "1:1", "key"
    answer = browser.get(path)
    assert answer.status_code == 503
    assert "Hệ thống tạm thời gián đoạn" in answer.text
    assert "Internal Server Error" not in answer.text
    api = app.test_client().get("/api/v1/cells", headers={"Authorization": "Bearer clt_x"})
    assert api.status_code == 503
    assert api.get_json()["error"]


# --- NUL characters and numbers too large: 400, never 500 ---------------------------------


def test_a_nul_in_the_login_username_is_refused_without_a_crash(client, auth, users):
    page = client.get("/login")
    from .helpers import csrf_token_in

    answer = client.post(
        "/login",
        data={"username": "admin\x00", "password": "x", "csrf_token": csrf_token_in(page.text)},
    )
    assert answer.status_code == 400
    assert "ký tự không hợp lệ" in answer.text


@pytest.mark.parametrize(
    "url",
    [
        "/members/?cell=%00",
        "/members/export.xlsx?cell=%00",
        "/reports/attendance?cell=%00",
        "/rankings/cells/a%00b",
        "/audit/?action=%00",
        "/audit/?page=%C2%B2",
        "/audit/?page=99999999999999999999",
        "/audit/?user=9223372036854775808",
        "/audit/?user=%D9%A3",
    ],
)
def test_odd_query_and_path_values_never_crash_a_page(client, auth, users, url):
    auth.login(users["admin"])
    answer = client.get(url)
    assert answer.status_code in (200, 400, 404), url


def test_nul_in_forms_is_refused_on_every_backend(app, auth, users):
    auth.login(users["admin"])
    for url, data in [
        ("/admin/accounts/new", {"username": "ab\x00c", "full_name": "X", "role": "admin",
                                 "password": "mot-cau-dai-du", "password_again": "mot-cau-dai-du"}),
        ("/tokens/", {"label": "nhan\x00"}),
    ]:
        answer = auth.post(url, data=data)
        assert answer.status_code == 400, url
        assert "ký tự không hợp lệ" in answer.text


def test_a_nul_in_an_api_query_parameter_is_a_400_json(app, client, users):
    headers = token_headers(app, users["committee"])
    answer = client.get("/api/v1/rankings?year=2022%00", headers=headers)
    assert answer.status_code == 400
    assert answer.get_json()["error"]


def test_a_rubric_line_id_in_odd_digits_is_refused_without_a_crash(app, auth, users):
    auth.login(users["admin"])
    page = auth._client.get("/admin/rubric/2024/edit")
    assert page.status_code == 200
    answer = auth.post(
        "/admin/rubric/2024/edit",
        data={"criteria-0-criterion_id": "²", "criteria-0-code": "moi",
              "criteria-0-title": "Tiêu chí", "criteria-0-max_points": "5",
              "criteria-0-order": "1"},
    )
    assert answer.status_code in (200, 302, 400, 409)


def test_a_value_the_database_cannot_hold_is_a_400_not_a_500(own_app, users):
    """The central net: whatever a view lets through that the database refuses."""
    from sqlalchemy.exc import DataError

    from .helpers import AuthActions

    app = own_app
    client = app.test_client()
    auth = AuthActions(client)

    @app.get("/_too_big")
    def too_big():
        raise DataError("UPDATE x", {}, Exception("integer out of range"))

    auth.login(users["admin"])
    assert client.get("/_too_big").status_code == 400


# --- JSON with a duplicate key --------------------------------------------------------------


def test_json_with_a_duplicate_key_is_refused(app, client, users):
    headers = token_headers(app, users["secretary"])
    text = json.dumps(api_body())[:-1] + ', "cell": "cong-an"}'
    answer = client.post(
        "/api/v1/reports", data=text, headers={**headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert "lặp lại" in answer.get_json()["fields"]["body"]
    nested = json.dumps(api_body())
    nested = nested.replace('"present":', '"present": 1, "present":', 1)
    answer = client.post(
        "/api/v1/reports", data=nested, headers={**headers, "Content-Type": "application/json"}
    )
    assert answer.status_code == 400


# --- 405 says what is allowed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [("delete", "/api/v1/cells"), ("put", "/api/v1/reports"), ("patch", "/api/v1/reports/1"),
     ("delete", "/api/v1/rankings"), ("post", "/api/v1/campaigns"), ("put", "/login")],
)
def test_a_method_not_allowed_answers_405_with_allow(app, client, users, method, url):
    headers = token_headers(app, users["admin"])
    answer = getattr(client, method)(url, headers=headers)
    assert answer.status_code == 405
    assert answer.headers.get("Allow")


@pytest.mark.parametrize(
    "url", ["/reports/99999999999999999999", "/reports/2147483648/attachment",
            "/admin/accounts/9223372036854775808", "/members/99999999999999999999"],
)
def test_ids_beyond_the_databases_integers_are_not_found(client, auth, users, url):
    auth.login(users["admin"])
    assert client.get(url).status_code == 404


@pytest.mark.backends("sqlite")
def test_read_only_api_calls_work_on_a_read_only_database(app, users):
    headers = token_headers(app, users["committee"])
    path = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    with app.app_context():
        db.engine.dispose()
    read_only = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///file:{path}?mode=ro&uri=true",
         "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"]}
    )
    answer = read_only.test_client().get("/api/v1/cells", headers=headers)
    assert answer.status_code == 200
    with read_only.app_context():
        db.engine.dispose()
