"""The report endpoints of the JSON API, exactly per contract.md."""

import pytest
import sqlalchemy as sa

from tracker.domain import report_rules as rules
from tracker.extensions import db
from tracker.models import AuditEntry, Report, ReportStatus, utcnow
from tracker.services import reports as service
from tracker.services.accounts import create_token

from .factories import campaign, make_report
from .reporting import SCORES, api_body, user


@pytest.fixture
def tokens(app, users):
    with app.app_context():
        raw = {key: create_token(user(account.username))[0] for key, account in users.items()}
        db.session.commit()
    return raw


def call(client, method, url, token, body=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(url, method=method, json=body, headers=headers)


def count(app, model=Report):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def report_in(app, state, code="ap-cho", month=5, **kwargs):
    with app.app_context():
        report = make_report(
            code, 2022, month, status=state, scores={k: 10 for k in SCORES}, **kwargs
        )
        db.session.commit()
        return report.id


# --------------------------------------------------------------------------------------------
# POST /api/v1/reports


def test_filing_a_report_answers_201_with_its_id_status_and_self_total(app, client, tokens):
    answer = call(client, "POST", "/api/v1/reports", tokens["secretary"], api_body())
    assert answer.status_code == 201
    body = answer.get_json()
    assert set(body) == {"id", "status", "self_total"}
    assert body["status"] == "submitted" and body["self_total"] == 94.5
    assert answer.headers["Location"].endswith(f"/api/v1/reports/{body['id']}")
    with app.app_context():
        report = db.session.get(Report, body["id"])
        assert (report.cell.code, report.month, report.kind.value) == ("ap-cho", 5, "regular")
        assert (report.summoned, report.exempted, report.present, report.absent_excused) == (
            48,
            4,
            42,
            2,
        )
        assert (report.speakers, report.young_speakers, report.duration_minutes) == (9, 2, 120)
        assert report.attendance == []  # the API carries counts, not per-member lines


@pytest.mark.parametrize(
    ("role", "code", "status"),
    [
        ("secretary", "ap-cho", 201),
        ("other_secretary", "ap-cho", 403),
        ("other_secretary", "cong-an", 201),
        ("admin", "ap-cho", 201),
        ("committee", "ap-cho", 403),
    ],
)
def test_who_may_file_a_report(app, client, tokens, role, code, status):
    answer = call(client, "POST", "/api/v1/reports", tokens[role], api_body(cell=code))
    assert answer.status_code == status
    if status == 403:
        assert set(answer.get_json()) == {"error", "fields"}
        assert count(app) == 0


@pytest.mark.parametrize("token", [None, "clt_not-a-token", "Basic abc"])
def test_every_call_needs_a_valid_token(client, users, token):
    for method, url in [
        ("POST", "/api/v1/reports"),
        ("GET", "/api/v1/reports/1"),
        ("PUT", "/api/v1/reports/1"),
        ("POST", "/api/v1/reports/1/review"),
    ]:
        answer = call(client, method, url, token, api_body())
        assert answer.status_code == 401
        assert answer.get_json()["error"]


def with_counts(**counts):
    body = api_body()
    body["attendance"] = dict(body["attendance"], **counts)
    return body


INVALID = [
    ("unknown cell", api_body(cell="ap-khong-co"), "cell", rules.MSG_CELL_UNKNOWN),
    ("no cell", api_body(cell=None), "cell", rules.MSG_CELL_REQUIRED),
    (
        "year without campaign",
        api_body(year=2031, held_on="2031-05-10"),
        "year",
        rules.msg_year_without_campaign(2031),
    ),
    ("kind", api_body(kind="special"), "kind", rules.MSG_KIND),
    (
        "month outside campaign",
        api_body(month=2, held_on="2022-02-10"),
        "month",
        rules.msg_month_outside(2, 2022, 4, 12),
    ),
    (
        "held_on another month",
        api_body(held_on="2022-04-30"),
        "held_on",
        rules.msg_held_on_outside(5, 2022),
    ),
    ("held_on format", api_body(held_on="10 tháng 5"), "held_on", rules.MSG_HELD_ON_FORMAT),
    ("duration", api_body(duration_minutes=2000), "duration_minutes", rules.MSG_DURATION),
    ("count", with_counts(present=-2), "attendance.present", rules.MSG_COUNT),
    ("sum", with_counts(present=40), "attendance", rules.msg_attendance_sum(44)),
    ("speakers", api_body(speakers=50), "speakers", rules.MSG_SPEAKERS),
    ("young speakers", api_body(young_speakers=10), "young_speakers", rules.MSG_YOUNG_SPEAKERS),
    (
        "missing score",
        api_body(scores={"attendance": 15}),
        "scores.results",
        rules.MSG_SCORE_REQUIRED,
    ),
    (
        "half points",
        api_body(scores=dict(SCORES, results=22.25)),
        "scores.results",
        rules.MSG_SCORE_HALF,
    ),
    (
        "above max",
        api_body(scores=dict(SCORES, duration=6)),
        "scores.duration",
        rules.msg_score_range(10),
    ),
    (
        "unknown criterion",
        api_body(scores=dict(SCORES, extra=1)),
        "scores.extra",
        rules.msg_score_unknown("extra", 2022),
    ),
    ("thematic topic", api_body(kind="thematic", topic=""), "topic", rules.MSG_TOPIC_REQUIRED),
]


@pytest.mark.parametrize(
    ("body", "field", "message"), [r[1:] for r in INVALID], ids=[r[0] for r in INVALID]
)
def test_an_invalid_body_answers_400_with_the_field_message_and_stores_nothing(
    app, client, tokens, body, field, message
):
    audits = count(app, AuditEntry)
    answer = call(client, "POST", "/api/v1/reports", tokens["secretary"], body)
    assert answer.status_code == 400
    data = answer.get_json()
    assert data["fields"][field] == message
    assert data["error"]
    assert count(app) == 0
    assert count(app, AuditEntry) == audits


def test_a_body_that_is_not_json_is_invalid(client, tokens):
    answer = client.post(
        "/api/v1/reports",
        data="{không phải json",
        headers={
            "Authorization": f"Bearer {tokens['secretary']}",
            "Content-Type": "application/json",
        },
    )
    assert answer.status_code == 400
    assert "body" in answer.get_json()["fields"]


def test_a_second_regular_report_same_cell_and_month_is_409_from_the_database(
    app, client, tokens, count_queries
):
    assert (
        call(client, "POST", "/api/v1/reports", tokens["secretary"], api_body()).status_code == 201
    )
    with count_queries() as counter:
        answer = call(
            client, "POST", "/api/v1/reports", tokens["admin"], api_body(duration_minutes=95)
        )
    assert answer.status_code == 409
    assert answer.get_json()["fields"]["month"] == service.msg_duplicate(5, 2022)
    # The database was asked to insert the row and refused it: no lookup decided in Python.
    assert any(s.lstrip().upper().startswith("INSERT INTO REPORT") for s in counter.statements)
    assert count(app) == 1
    # A thematic meeting of the same month is fine.
    thematic = api_body(kind="thematic", topic="Học tập và làm theo tư tưởng Hồ Chí Minh")
    assert call(client, "POST", "/api/v1/reports", tokens["secretary"], thematic).status_code == 201


def test_a_closed_year_refuses_new_reports_with_409(app, client, tokens):
    with app.app_context():
        campaign(2022).closed_at = utcnow()
        db.session.commit()
    answer = call(client, "POST", "/api/v1/reports", tokens["secretary"], api_body())
    assert answer.status_code == 409
    assert answer.get_json()["error"] == service.msg_closed(2022)
    assert count(app) == 0


# --------------------------------------------------------------------------------------------
# GET /api/v1/reports/ID


def test_reading_a_report_before_and_after_approval(app, client, tokens):
    report_id = call(client, "POST", "/api/v1/reports", tokens["secretary"], api_body()).get_json()[
        "id"
    ]
    body = call(client, "GET", f"/api/v1/reports/{report_id}", tokens["secretary"]).get_json()
    assert body == {
        "id": report_id,
        "cell": "ap-cho",
        "year": 2022,
        "month": 5,
        "kind": "regular",
        "status": "submitted",
        "self_scores": SCORES,
        "final_scores": None,
        "total": 94.5,
        "grade": None,
        "review_comment": "",
    }
    assert isinstance(body["self_scores"]["results"], float) and isinstance(
        body["self_scores"]["attendance"], int
    )

    review = {"decision": "approve", "scores": {"results": 20}, "comment": "Đạt yêu cầu."}
    approved = call(
        client, "POST", f"/api/v1/reports/{report_id}/review", tokens["committee"], review
    )
    assert approved.status_code == 200
    body = approved.get_json()
    assert body["status"] == "approved"
    assert body["final_scores"] == dict(SCORES, results=20)
    assert body["self_scores"] == SCORES
    assert body["total"] == 92 and body["grade"] == "tot"
    assert body["review_comment"] == "Đạt yêu cầu."
    assert (
        call(client, "GET", f"/api/v1/reports/{report_id}", tokens["committee"]).get_json() == body
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("secretary", 200), ("committee", 200), ("admin", 200), ("other_secretary", 403)],
)
def test_who_may_read_a_report(app, client, tokens, role, status):
    report_id = report_in(app, "submitted")
    assert call(client, "GET", f"/api/v1/reports/{report_id}", tokens[role]).status_code == status


def test_an_unknown_id_is_404(client, tokens):
    for method, url, body in [
        ("GET", "/api/v1/reports/999", None),
        ("PUT", "/api/v1/reports/999", api_body()),
        ("POST", "/api/v1/reports/999/review", {"decision": "approve"}),
    ]:
        answer = call(client, method, url, tokens["admin"], body)
        assert answer.status_code == 404
        assert set(answer.get_json()) == {"error", "fields"}


# --------------------------------------------------------------------------------------------
# PUT /api/v1/reports/ID


def test_resubmitting_a_returned_report(app, client, tokens):
    report_id = report_in(app, "returned")
    answer = call(client, "PUT", f"/api/v1/reports/{report_id}", tokens["secretary"], api_body())
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "submitted" and body["self_scores"] == SCORES and body["total"] == 94.5
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(
                AuditEntry.object_id == report_id, AuditEntry.object_type == "report"
            )
        ).all()
        assert "report.resubmit" in actions


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_only_a_returned_report_can_be_resubmitted(app, client, tokens, state):
    report_id = report_in(app, state)
    answer = call(client, "PUT", f"/api/v1/reports/{report_id}", tokens["secretary"], api_body())
    assert answer.status_code == 409
    with app.app_context():
        assert db.session.get(Report, report_id).status.value == state


@pytest.mark.parametrize(
    ("role", "status"), [("committee", 403), ("other_secretary", 403), ("admin", 200)]
)
def test_who_may_resubmit(app, client, tokens, role, status):
    report_id = report_in(app, "returned")
    assert (
        call(client, "PUT", f"/api/v1/reports/{report_id}", tokens[role], api_body()).status_code
        == status
    )


def test_an_invalid_resubmission_is_400_and_changes_nothing(app, client, tokens):
    report_id = report_in(app, "returned")
    answer = call(
        client, "PUT", f"/api/v1/reports/{report_id}", tokens["secretary"], api_body(speakers=99)
    )
    assert answer.status_code == 400
    assert answer.get_json()["fields"] == {"speakers": rules.MSG_SPEAKERS}
    moved = call(
        client, "PUT", f"/api/v1/reports/{report_id}", tokens["secretary"], api_body(cell="cong-an")
    )
    assert moved.status_code == 400
    assert moved.get_json()["fields"]["cell"] == service.MSG_CELL_CHANGE
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.status is ReportStatus.RETURNED and report.speakers == 6


# --------------------------------------------------------------------------------------------
# POST /api/v1/reports/ID/review


def test_returning_needs_a_comment(app, client, tokens):
    report_id = report_in(app, "submitted")
    answer = call(
        client,
        "POST",
        f"/api/v1/reports/{report_id}/review",
        tokens["committee"],
        {"decision": "return"},
    )
    assert answer.status_code == 400
    assert answer.get_json()["fields"] == {"comment": rules.MSG_RETURN_COMMENT}
    answer = call(
        client,
        "POST",
        f"/api/v1/reports/{report_id}/review",
        tokens["committee"],
        {"decision": "return", "comment": "Bổ sung biên bản."},
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "returned" and body["review_comment"] == "Bổ sung biên bản."
    assert body["final_scores"] is None and body["grade"] is None


def test_criteria_left_out_keep_the_self_assessed_points(app, client, tokens):
    report_id = report_in(app, "submitted")
    body = call(
        client,
        "POST",
        f"/api/v1/reports/{report_id}/review",
        tokens["admin"],
        {"decision": "approve", "scores": {"ideology": 4.5}},
    ).get_json()
    assert body["final_scores"] == dict({k: 5 for k in SCORES}, ideology=4.5)
    assert body["total"] == 44.5 and body["grade"] == "kem"


@pytest.mark.parametrize(
    ("role", "status"),
    [("secretary", 403), ("other_secretary", 403), ("committee", 200), ("admin", 200)],
)
def test_only_the_committee_and_admin_review(app, client, tokens, role, status):
    report_id = report_in(app, "submitted")
    answer = call(
        client, "POST", f"/api/v1/reports/{report_id}/review", tokens[role], {"decision": "approve"}
    )
    assert answer.status_code == status


@pytest.mark.parametrize("state", ["approved", "returned"])
def test_only_a_submitted_report_can_be_reviewed(app, client, tokens, state):
    report_id = report_in(app, state)
    for decision in ("approve", "return"):
        answer = call(
            client,
            "POST",
            f"/api/v1/reports/{report_id}/review",
            tokens["committee"],
            {"decision": decision, "comment": "x"},
        )
        assert answer.status_code == 409


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"decision": "approve", "scores": {"attendance": 20}},
            {"scores.attendance": rules.msg_score_range(30)},
        ),
        ({"decision": "approve", "scores": "all"}, {"scores": rules.MSG_SCORES_OBJECT}),
        ({"decision": "accept"}, {"decision": rules.MSG_DECISION}),
        ({}, {"decision": rules.MSG_DECISION}),
    ],
)
def test_an_invalid_review_is_400_and_changes_nothing(app, client, tokens, body, fields):
    report_id = report_in(app, "submitted")
    answer = call(client, "POST", f"/api/v1/reports/{report_id}/review", tokens["committee"], body)
    assert answer.status_code == 400
    assert answer.get_json()["fields"] == fields
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.status is ReportStatus.SUBMITTED and report.final_total_half_points is None


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("GET", "", None), ("PUT", "", api_body()), ("POST", "/review", {"decision": "approve"})],
)
def test_a_draft_saved_on_the_web_does_not_exist_for_the_api(
    app, client, tokens, method, suffix, body
):
    report_id = report_in(app, "draft")
    token = tokens["admin"]
    answer = call(client, method, f"/api/v1/reports/{report_id}{suffix}", token, body)
    assert answer.status_code == 404
    assert answer.json["fields"] == {"id": "Báo cáo này là bản nháp chưa gửi: chỉ xem và sửa được trên trang web."}
    with app.app_context():
        assert db.session.get(Report, report_id).status.value == "draft"
