"""The first API endpoints: cells and rubric, and the bearer-token plumbing."""

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import ApiToken, User
from tracker.services.accounts import create_token, revoke_token


@pytest.fixture
def token(app, users):
    with app.app_context():
        user = db.session.get(User, users["secretary"].id)
        raw, _ = create_token(user, label="test")
        db.session.commit()
    return raw


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer clt_wrong"}, {"Authorization": "Basic YWRtaW46eA=="},
     {"Authorization": "Bearer "}, {"Authorization": "clt_missing_scheme"}],
    ids=["missing", "wrong", "basic", "empty", "no scheme"],
)
@pytest.mark.parametrize("url", ["/api/v1/cells", "/api/v1/rubric/2022"])
def test_missing_or_wrong_token_is_401(client, users, headers, url):
    answer = client.get(url, headers=headers)
    assert answer.status_code == 401
    assert answer.is_json
    assert set(answer.json) == {"error", "fields"}
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_session_cookie_does_not_authenticate_the_api(client, auth, users):
    auth.login(users["admin"])
    assert client.get("/api/v1/cells").status_code == 401


def test_cells_lists_the_nine_cells_with_member_counts(client, token):
    answer = client.get("/api/v1/cells", headers=bearer(token))
    assert answer.status_code == 200
    cells = answer.json["cells"]
    assert len(cells) == 9
    assert cells[0] == {"code": "ap-cho", "name": "Chi bộ ấp Chợ", "category": "hamlet", "members": 48}
    assert {c["category"] for c in cells} == {"hamlet", "sector", "school"}
    assert sum(c["members"] for c in cells) == 256


def test_rubric_of_a_year(client, token):
    answer = client.get("/api/v1/rubric/2022", headers=bearer(token))
    assert answer.status_code == 200
    body = answer.json
    assert body["year"] == 2022
    assert body["total"] == 100
    assert body["criteria"][0] == {
        "code": "attendance",
        "title": "Tỷ lệ đảng viên dự sinh hoạt (trên 85%, không vắng không lý do)",
        "max_points": 15,
        "gate": True,
    }
    assert [c["code"] for c in body["criteria"]] == [
        "attendance", "preparation", "procedure", "ideology", "criticism", "speaking",
        "duration", "minutes", "results",
    ]


def test_rubric_of_a_year_without_campaign_is_404(client, token):
    answer = client.get("/api/v1/rubric/2019", headers=bearer(token))
    assert answer.status_code == 404
    assert answer.json["error"]


def test_unknown_api_path_answers_json_404(client, token):
    answer = client.get("/api/v1/nothing-here", headers=bearer(token))
    assert answer.status_code == 404
    assert answer.is_json and "error" in answer.json


def test_revoked_token_stops_working_at_once(app, client, token, users):
    assert client.get("/api/v1/cells", headers=bearer(token)).status_code == 200
    with app.app_context():
        stored = db.session.scalar(sa.select(ApiToken))
        revoke_token(stored, actor=db.session.get(User, users["secretary"].id))
        db.session.commit()
    assert client.get("/api/v1/cells", headers=bearer(token)).status_code == 401


def test_token_of_a_deactivated_account_stops_working(app, client, token, users):
    with app.app_context():
        db.session.get(User, users["secretary"].id).active = False
        db.session.commit()
    assert client.get("/api/v1/cells", headers=bearer(token)).status_code == 401


def test_token_use_is_recorded(app, client, token):
    client.get("/api/v1/cells", headers=bearer(token))
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None
