"""API tokens in the UI: shown once, stored hashed, revocable at once; the admin sees all."""

import re

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import ApiToken, AuditEntry

TOKEN = re.compile(r'<code id="new-token"[^>]*>(clt_[A-Za-z0-9_\-]+)</code>')


def create(auth, label="Phần mềm tổng hợp của huyện"):
    answer = auth.post("/tokens/", data={"label": label})
    assert answer.status_code == 201
    match = TOKEN.search(answer.text)
    assert match, "the new token is shown"
    return match.group(1), answer


def api_cells(client, raw):
    return client.get("/api/v1/cells", headers={"Authorization": f"Bearer {raw}"})


def token_id(app, raw):
    with app.app_context():
        return db.session.scalar(sa.select(ApiToken.id).where(ApiToken.prefix == raw[:10]))


def test_a_new_token_is_shown_once_and_stored_hashed(app, client, auth, users):
    auth.login(users["secretary"])
    raw, answer = create(auth)
    assert "đây là lần duy nhất mã được hiển thị" in answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    assert api_cells(client, raw).status_code == 200

    again = client.get("/tokens/").text
    assert raw not in again
    assert raw[:10] + "…" in again and "Phần mềm tổng hợp của huyện" in again
    with app.app_context():
        stored = db.session.scalar(sa.select(ApiToken))
        assert stored.user_id == users["secretary"].id
        assert raw not in stored.token_hash and len(stored.token_hash) == 64
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "token.create"))
        assert entry.after["prefix"] == raw[:10] and raw not in str(entry.after)


def test_the_last_use_of_a_token_is_shown(client, auth, users):
    auth.login(users["committee"])
    raw, _answer = create(auth)
    assert "Chưa dùng" in client.get("/tokens/").text
    api_cells(client, raw)
    assert "Chưa dùng" not in client.get("/tokens/").text


def test_a_revoked_token_stops_working_at_once(app, client, auth, users):
    auth.login(users["secretary"])
    raw, _answer = create(auth)
    assert api_cells(client, raw).status_code == 200
    answer = auth.post(f"/tokens/{token_id(app, raw)}/revoke")
    assert answer.status_code == 302
    assert "không dùng được nữa" in client.get("/tokens/").text
    refused = api_cells(client, raw)
    assert refused.status_code == 401
    assert refused.get_json()["error"]
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "token.revoke"))
        assert entry.before == {"revoked_at": None} and entry.after["revoked_at"]


def test_a_token_of_a_locked_account_stops_working(app, client, auth, users):
    auth.login(users["secretary"])
    raw, _answer = create(auth)
    auth.logout()
    auth.login(users["admin"])
    auth.post(f"/admin/accounts/{users['secretary'].id}/deactivate")
    assert api_cells(client, raw).status_code == 401


def test_a_user_sees_only_her_tokens_and_the_admin_sees_all(app, client, auth, users):
    auth.login(users["secretary"])
    mine, _ = create(auth, "Máy tính chi bộ")
    auth.logout()
    auth.login(users["other_secretary"])
    theirs, _ = create(auth, "Điện thoại công an")
    page = client.get("/tokens/").text
    assert theirs[:10] in page and mine[:10] not in page
    assert "Máy tính chi bộ" not in page
    auth.logout()

    auth.login(users["admin"])
    page = client.get("/tokens/").text
    assert "Mã API của mọi tài khoản" in page
    for text in (mine[:10], theirs[:10], "bithu.apcho", "bithu.congan", "Máy tính chi bộ"):
        assert text in page


def test_a_user_cannot_revoke_another_users_token(app, client, auth, users):
    auth.login(users["other_secretary"])
    theirs, _ = create(auth)
    auth.logout()
    auth.login(users["secretary"])
    answer = auth.post(f"/tokens/{token_id(app, theirs)}/revoke")
    assert answer.status_code == 403
    assert "Bạn chỉ được thu hồi mã API của mình." in answer.text
    assert api_cells(client, theirs).status_code == 200


def test_the_admin_revokes_anyones_token(app, client, auth, users):
    auth.login(users["other_secretary"])
    theirs, _ = create(auth)
    auth.logout()
    auth.login(users["admin"])
    assert auth.post(f"/tokens/{token_id(app, theirs)}/revoke").status_code == 302
    assert api_cells(client, theirs).status_code == 401
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "token.revoke"))
        assert entry.user_id == users["admin"].id


def test_revoking_an_unknown_token_is_not_found(auth, users):
    auth.login(users["admin"])
    assert auth.post("/tokens/999999/revoke").status_code == 404


def test_revoking_twice_changes_nothing(app, auth, users):
    auth.login(users["committee"])
    raw, _ = create(auth)
    url = f"/tokens/{token_id(app, raw)}/revoke"
    assert auth.post(url).status_code == 302
    with app.app_context():
        first = db.session.scalar(sa.select(ApiToken.revoked_at))
    assert auth.post(url).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.revoked_at)) == first
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "token.revoke")
            )
            == 1
        )


def test_a_token_needs_a_label(app, auth, users):
    auth.login(users["committee"])
    answer = auth.post("/tokens/", data={"label": "  "})
    assert answer.status_code == 400
    assert "Ghi chú để sau này biết mã dùng ở đâu." in answer.text
    assert not TOKEN.search(answer.text)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
