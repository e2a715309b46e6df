"""Every bad input to every endpoint of the API: the status of contract.md, the field that is
wrong, a Vietnamese message, nothing stored, and never a 500.

Each table row names the input, the expected status and the key expected in ``fields``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tracker.api import bodies
from tracker.api import core as api_core
from tracker.api import rankings as api_rankings
from tracker.domain import report_rules as rules
from tracker.extensions import db
from tracker.models import ApiToken, AuditEntry, Report, ReportStatus, User
from tracker.services import reports as service
from tracker.services.accounts import create_token, revoke_token

from .factories import make_report
from .reporting import SCORES, api_body

JSON = "application/json"


@pytest.fixture
def tokens(app, users):
    with app.app_context():
        raw = {
            key: create_token(db.session.get(User, account.id), label="test")[0]
            for key, account in users.items()
        }
        db.session.commit()
    return raw


def report_in(app, state: str, code: str = "ap-cho", month: int = 5) -> int:
    with app.app_context():
        report = make_report(code, 2022, month, status=state, scores={k: 10 for k in SCORES})
        db.session.commit()
        return report.id


def send(client, method, url, token, *, body=None, raw=None, content_type=JSON):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if raw is not None:
        return client.open(url, method=method, data=raw, content_type=content_type, headers=headers)
    if body is not None:
        return client.open(url, method=method, json=body, headers=headers)
    return client.open(url, method=method, headers=headers)


def stored(app) -> tuple[int, int]:
    """How many reports and audit rows there are (a refused request adds none)."""
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(Report.id))),
            db.session.scalar(sa.select(sa.func.count(AuditEntry.id))),
        )


def assert_refused(answer, status: int, field: str | None, message: str | None = None):
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == JSON
    body = answer.get_json()
    assert set(body) == {"error", "fields"}
    assert isinstance(body["error"], str) and body["error"].strip()
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in body["fields"].items())
    if field is not None:
        assert field in body["fields"], body
        if message is not None:
            assert body["fields"][field] == message
    return body


def with_attendance(**counts):
    body = api_body()
    body["attendance"] = dict(body["attendance"], **counts)
    return body


def with_scores(**scores):
    return api_body(scores=dict(SCORES, **scores))


def literal(body: dict, number: str) -> str:
    """The body as JSON text with the value "@" replaced by a number literal written as is."""
    return json.dumps(body).replace('"@"', number)


def without(*keys):
    body = api_body()
    for key in keys:
        del body[key]
    return body


@dataclass(frozen=True)
class Bad:
    """One row of a table: a bad body (JSON, or raw text sent as it is) and what it gets."""

    name: str
    field: str | None
    body: object = None
    raw: str | bytes | None = None
    content_type: str = JSON
    message: str | None = None
    status: int = 400

    def send(self, client, method, url, token):
        return send(
            client,
            method,
            url,
            token,
            body=self.body,
            raw=self.raw,
            content_type=self.content_type,
        )


row = Bad


# --------------------------------------------------------------------------------------------
# POST /api/v1/reports (and the same body on PUT /api/v1/reports/ID)

REPORT_BODIES = [
    # The body itself.
    row("not json", "body", raw="{khong phai json"),
    row("empty body", "body", raw=""),
    row("array", "body", raw="[1, 2]", message=api_core.MSG_BODY_NOT_OBJECT),
    row("string", "body", raw='"báo cáo"', message=api_core.MSG_BODY_NOT_OBJECT),
    row("null", "body", raw="null", message=api_core.MSG_BODY_NOT_OBJECT),
    row("NaN", "body", raw='{"year": NaN}', message=api_core.MSG_BODY_CONSTANT),
    row(
        "Infinity", "body", raw='{"duration_minutes": Infinity}', message=api_core.MSG_BODY_CONSTANT
    ),
    row(
        "-Infinity",
        "body",
        raw='{"scores": {"results": -Infinity}}',
        message=api_core.MSG_BODY_CONSTANT,
    ),
    row(
        "text/plain",
        "body",
        raw='{"year": 2022}',
        content_type="text/plain",
        message=api_core.MSG_BODY_CONTENT_TYPE,
    ),
    row(
        "form encoded",
        "body",
        raw="year=2022",
        content_type="application/x-www-form-urlencoded",
        message=api_core.MSG_BODY_CONTENT_TYPE,
    ),
    row("latin-1 bytes", "body", raw=b'{"topic": "\xe9"}', message=api_core.MSG_BODY_ENCODING),
    row(
        "utf-16", "body", raw='{"year": 2022}'.encode("utf-16"), message=api_core.MSG_BODY_ENCODING
    ),
    row(
        "deeply nested", "body", raw="[" * 50_000 + "]" * 50_000, message=api_core.MSG_BODY_TOO_DEEP
    ),
    row("integer of 5000 digits", "body", raw='{"year": ' + "9" * 5000 + "}"),
    row("unknown field", "colour", body=api_body(colour="đỏ"), message=api_core.MSG_UNKNOWN_FIELD),
    row(
        "unknown attendance key",
        "attendance.guests",
        body=with_attendance(guests=3),
        message=api_core.MSG_UNKNOWN_FIELD,
    ),
    # The cell and the year.
    row("unknown cell", "cell", body=api_body(cell="ap-khong-co"), message=rules.MSG_CELL_UNKNOWN),
    row("cell with NUL", "cell", body=api_body(cell="ap-cho\x00"), message=rules.MSG_CELL_UNKNOWN),
    row("cell a number", "cell", body=api_body(cell=7), message=rules.MSG_CELL_UNKNOWN),
    row("cell missing", "cell", body=without("cell"), message=rules.MSG_CELL_REQUIRED),
    row(
        "year without campaign",
        "year",
        body=api_body(year=2031, held_on="2031-05-10"),
        message=rules.msg_year_without_campaign(2031),
    ),
    row("year as text", "year", body=api_body(year="2022"), message=rules.MSG_YEAR),
    row("year true", "year", body=api_body(year=True), message=rules.MSG_YEAR),
    row("year a fraction", "year", body=api_body(year=2022.5), message=rules.MSG_YEAR),
    row("year null", "year", body=api_body(year=None), message=rules.MSG_YEAR),
    row("year 0", "year", body=api_body(year=0), message=rules.MSG_YEAR),
    row("year 10**400", "year", body=api_body(year=10**400), message=rules.MSG_YEAR),
    row("year 1e308", "year", body=api_body(year=1e308), message=rules.MSG_YEAR),
    # Kind, month, date.
    row("kind unknown", "kind", body=api_body(kind="special"), message=rules.MSG_KIND),
    row("kind a number", "kind", body=api_body(kind=1), message=rules.MSG_KIND),
    row("kind missing", "kind", body=without("kind"), message=rules.MSG_KIND),
    row("month 13", "month", body=api_body(month=13), message=rules.MSG_MONTH),
    row("month 0", "month", body=api_body(month=0), message=rules.MSG_MONTH),
    row("month as text", "month", body=api_body(month="5"), message=rules.MSG_MONTH),
    row("month 5.5", "month", body=api_body(month=5.5), message=rules.MSG_MONTH),
    row("month 10**30", "month", body=api_body(month=10**30), message=rules.MSG_MONTH),
    row(
        "month outside campaign",
        "month",
        body=api_body(month=2, held_on="2022-02-10"),
        message=rules.msg_month_outside(2, 2022, 4, 12),
    ),
    row(
        "date 2022-02-30",
        "held_on",
        body=api_body(month=2, year=2023, held_on="2023-02-30"),
        message=rules.MSG_HELD_ON_IMPOSSIBLE,
    ),
    row(
        "date 2022-05-32",
        "held_on",
        body=api_body(held_on="2022-05-32"),
        message=rules.MSG_HELD_ON_IMPOSSIBLE,
    ),
    row(
        "date dd/mm/yyyy",
        "held_on",
        body=api_body(held_on="10/05/2022"),
        message=rules.MSG_HELD_ON_FORMAT,
    ),
    row(
        "date with time",
        "held_on",
        body=api_body(held_on="2022-05-10T08:00:00"),
        message=rules.MSG_HELD_ON_FORMAT,
    ),
    row(
        "date a number",
        "held_on",
        body=api_body(held_on=20220510),
        message=rules.MSG_HELD_ON_FORMAT,
    ),
    row("date missing", "held_on", body=without("held_on"), message=rules.MSG_HELD_ON_REQUIRED),
    row(
        "date in another month",
        "held_on",
        body=api_body(held_on="2022-06-01"),
        message=rules.msg_held_on_outside(5, 2022),
    ),
    row(
        "date in another year",
        "held_on",
        body=api_body(held_on="2023-05-10"),
        message=rules.msg_held_on_outside(5, 2022),
    ),
    # Duration and counts.
    row(
        "duration 0",
        "duration_minutes",
        body=api_body(duration_minutes=0),
        message=rules.MSG_DURATION,
    ),
    row(
        "duration 1441",
        "duration_minutes",
        body=api_body(duration_minutes=1441),
        message=rules.MSG_DURATION,
    ),
    row(
        "duration as text",
        "duration_minutes",
        body=api_body(duration_minutes="120"),
        message=rules.MSG_DURATION,
    ),
    row(
        "duration false",
        "duration_minutes",
        body=api_body(duration_minutes=False),
        message=rules.MSG_DURATION,
    ),
    row(
        "duration 90.5",
        "duration_minutes",
        body=api_body(duration_minutes=90.5),
        message=rules.MSG_DURATION,
    ),
    row(
        "duration 1e308",
        "duration_minutes",
        body=api_body(duration_minutes=1e308),
        message=rules.MSG_DURATION,
    ),
    row(
        "duration null",
        "duration_minutes",
        body=api_body(duration_minutes=None),
        message=rules.MSG_DURATION_REQUIRED,
    ),
    row(
        "attendance not an object",
        "attendance",
        body=api_body(attendance=[48, 4, 42, 2, 0]),
        message=rules.MSG_ATTENDANCE_OBJECT,
    ),
    row(
        "attendance null",
        "attendance",
        body=api_body(attendance=None),
        message=rules.MSG_ATTENDANCE_OBJECT,
    ),
    row(
        "attendance missing",
        "attendance.summoned",
        body=without("attendance"),
        message=rules.MSG_COUNT_REQUIRED,
    ),
    row(
        "count negative",
        "attendance.present",
        body=with_attendance(present=-2),
        message=rules.MSG_COUNT,
    ),
    row(
        "count 10001",
        "attendance.summoned",
        body=with_attendance(summoned=10_001),
        message=rules.MSG_COUNT,
    ),
    row(
        "count 10**400",
        "attendance.summoned",
        body=with_attendance(summoned=10**400),
        message=rules.MSG_COUNT,
    ),
    row(
        "count as text",
        "attendance.present",
        body=with_attendance(present="42"),
        message=rules.MSG_COUNT,
    ),
    row(
        "count true",
        "attendance.exempted",
        body=with_attendance(exempted=True),
        message=rules.MSG_COUNT,
    ),
    row(
        "count 1.5",
        "attendance.absent_excused",
        body=with_attendance(absent_excused=1.5),
        message=rules.MSG_COUNT,
    ),
    row(
        "count missing",
        "attendance.absent_unexcused",
        body=with_attendance(absent_unexcused=None),
        message=rules.MSG_COUNT_REQUIRED,
    ),
    row(
        "attendance does not add up",
        "attendance",
        body=with_attendance(present=40),
        message=rules.msg_attendance_sum(44),
    ),
    row(
        "more exempted than summoned",
        "attendance.exempted",
        body=with_attendance(exempted=49),
        message=rules.MSG_EXEMPTED_OVER_SUMMONED,
    ),
    row(
        "count a fraction no float holds",
        "attendance.exempted",
        raw=literal(with_attendance(exempted="@"), "4.0000000000000000001"),
        message=rules.MSG_COUNT,
    ),
    row(
        "speakers above present", "speakers", body=api_body(speakers=50), message=rules.MSG_SPEAKERS
    ),
    row("speakers as text", "speakers", body=api_body(speakers="9"), message=rules.MSG_COUNT),
    row(
        "young speakers above speakers",
        "young_speakers",
        body=api_body(young_speakers=10),
        message=rules.MSG_YOUNG_SPEAKERS,
    ),
    row(
        "young speakers negative",
        "young_speakers",
        body=api_body(young_speakers=-1),
        message=rules.MSG_COUNT,
    ),
    # Texts.
    row("topic null", "topic", body=api_body(topic=None), message=rules.MSG_TEXT),
    row("topic a number", "topic", body=api_body(topic=5), message=rules.MSG_TEXT),
    row(
        "topic too long",
        "topic",
        body=api_body(topic="x" * 301),
        message=rules.msg_text_too_long(300),
    ),
    row(
        "topic too long before spaces are tidied",
        "topic",
        body=api_body(topic="x " * 151),
        message=rules.msg_text_too_long(300),
    ),
    row(
        "topic with NUL",
        "topic",
        body=api_body(topic="Chủ đề\x00"),
        message=rules.MSG_TEXT_CHARACTERS,
    ),
    row(
        "thematic without topic",
        "topic",
        body=api_body(kind="thematic", topic=""),
        message=rules.MSG_TOPIC_REQUIRED,
    ),
    row("notes an object", "notes", body=api_body(notes={"a": 1}), message=rules.MSG_TEXT),
    row(
        "notes a lone surrogate",
        "notes",
        raw='{"notes": "\\ud800"}',
        message=rules.MSG_TEXT_CHARACTERS,
    ),
    row(
        "notes too long",
        "notes",
        body=api_body(notes="x" * 5_001),
        message=rules.msg_text_too_long(5_000),
    ),
    # Scores.
    row(
        "scores not an object",
        "scores",
        body=api_body(scores=[15, 14]),
        message=rules.MSG_SCORES_OBJECT,
    ),
    row("scores null", "scores", body=api_body(scores=None), message=rules.MSG_SCORES_OBJECT),
    row(
        "scores missing",
        "scores.attendance",
        body=without("scores"),
        message=rules.MSG_SCORE_REQUIRED,
    ),
    row(
        "a criterion missing",
        "scores.results",
        body=api_body(scores={k: v for k, v in SCORES.items() if k != "results"}),
        message=rules.MSG_SCORE_REQUIRED,
    ),
    row(
        "a criterion null",
        "scores.results",
        body=with_scores(results=None),
        message=rules.MSG_SCORE_REQUIRED,
    ),
    row(
        "unknown criterion",
        "scores.extra",
        body=with_scores(extra=1),
        message=rules.msg_score_unknown("extra", 2022),
    ),
    row(
        "points as text",
        "scores.results",
        body=with_scores(results="22,5"),
        message=rules.MSG_SCORE_NUMBER,
    ),
    row(
        "points true",
        "scores.minutes",
        body=with_scores(minutes=True),
        message=rules.MSG_SCORE_NUMBER,
    ),
    row(
        "points not a half",
        "scores.results",
        body=with_scores(results=22.25),
        message=rules.MSG_SCORE_HALF,
    ),
    row(
        "points just above a half, beyond a float's precision",
        "scores.results",
        raw=literal(with_scores(results="@"), "22.50000000000000001"),
        message=rules.MSG_SCORE_HALF,
    ),
    row(
        "points too small for a float",
        "scores.results",
        raw=literal(with_scores(results="@"), "1e-400"),
        message=rules.MSG_SCORE_HALF,
    ),
    row(
        "points above max",
        "scores.duration",
        body=with_scores(duration=6),
        message=rules.msg_score_range(10),
    ),
    row(
        "points negative",
        "scores.ideology",
        body=with_scores(ideology=-0.5),
        message=rules.msg_score_range(10),
    ),
    row(
        "points 1e308",
        "scores.results",
        body=with_scores(results=1e308),
        message=rules.msg_score_range(50),
    ),
    row(
        "points 10**400",
        "scores.results",
        body=with_scores(results=10**400),
        message=rules.msg_score_range(50),
    ),
]


def test_a_bad_report_body_is_refused_and_stores_nothing(app, client, tokens, subtests):
    before = stored(app)
    for bad in REPORT_BODIES:
        with subtests.test(bad.name):
            answer = bad.send(client, "POST", "/api/v1/reports", tokens["secretary"])
            assert_refused(answer, bad.status, bad.field, bad.message)
    assert stored(app) == before


def test_a_bad_resubmission_is_refused_and_changes_nothing(app, client, tokens, subtests):
    report_id = report_in(app, "returned")
    before = stored(app)
    for bad in REPORT_BODIES:
        if bad.name == "cell missing":
            continue  # a resubmission may leave the cell out: it is the report's own
        with subtests.test(bad.name):
            answer = bad.send(client, "PUT", f"/api/v1/reports/{report_id}", tokens["secretary"])
            assert_refused(answer, bad.status, bad.field, bad.message)
    assert stored(app) == before
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.status is ReportStatus.RETURNED and report.month == 5


def test_a_resubmission_may_leave_the_cell_out(app, client, tokens):
    report_id = report_in(app, "returned")
    answer = send(
        client, "PUT", f"/api/v1/reports/{report_id}", tokens["secretary"], body=without("cell")
    )
    assert answer.status_code == 200
    assert answer.get_json()["cell"] == "ap-cho"


def test_a_body_can_report_every_problem_at_once(client, tokens):
    body = api_body(month="5", kind=None, colour=1, speakers=True, scores=dict(SCORES, x="1"))
    fields = assert_refused(
        send(client, "POST", "/api/v1/reports", tokens["admin"], body=body), 400, None
    )["fields"]
    assert {"month", "kind", "colour", "speakers", "scores.x"} <= set(fields)


def test_a_whole_number_written_with_a_zero_fraction_is_a_json_integer(app, client, tokens):
    # JSON Schema counts 5.0 as an integer; so does the API (and its description says so).
    body = api_body(year=2022.0, month=5.0, duration_minutes=120.0)
    answer = send(client, "POST", "/api/v1/reports", tokens["secretary"], body=body)
    assert answer.status_code == 201


def test_a_refused_body_does_not_win_over_a_conflict_it_causes(app, client, tokens):
    """An invalid body is 400 even where a valid one would have been a 409 duplicate."""
    assert (
        send(client, "POST", "/api/v1/reports", tokens["secretary"], body=api_body()).status_code
        == 201
    )
    answer = send(client, "POST", "/api/v1/reports", tokens["secretary"], body=api_body(colour=1))
    assert_refused(answer, 400, "colour")
    answer = send(client, "POST", "/api/v1/reports", tokens["secretary"], body=api_body())
    assert_refused(answer, 409, "month", service.msg_duplicate(5, 2022))


# --------------------------------------------------------------------------------------------
# Who and what state: 403, 404, 409 on the report endpoints


def test_filing_for_a_cell_one_may_not_is_403(app, client, tokens, subtests):
    before = stored(app)
    for role, body, field in [
        ("committee", api_body(), None),
        ("committee", api_body(year="x"), None),  # who comes before what
        ("other_secretary", api_body(), "cell"),
        ("secretary", api_body(cell="cong-an"), "cell"),
    ]:
        with subtests.test(role=role, cell=body["cell"]):
            answer = send(client, "POST", "/api/v1/reports", tokens[role], body=body)
            assert_refused(answer, 403, field)
    assert stored(app) == before


def test_a_closed_year_is_409(app, client, tokens):
    from tracker.models import utcnow

    from .factories import campaign

    with app.app_context():
        campaign(2022).closed_at = utcnow()
        db.session.commit()
    before = stored(app)
    answer = send(client, "POST", "/api/v1/reports", tokens["secretary"], body=api_body())
    assert_refused(answer, 409, None, service.msg_closed(2022))
    assert stored(app) == before


BAD_IDS = [
    ("99999999999999999999", 400, "id"),
    ("2147483648", 400, "id"),
    ("0", 400, "id"),
    ("-1", 400, "id"),
    ("abc", 400, "id"),
    ("1.5", 400, "id"),
    ("%20", 400, "id"),
    ("2147483647", 404, "id"),
    ("999", 404, "id"),
]


def test_a_bad_or_unknown_id_in_the_url(app, client, tokens, subtests):
    before = stored(app)
    for method, suffix, body in [
        ("GET", "", None),
        ("PUT", "", api_body()),
        ("POST", "/review", {"decision": "approve"}),
    ]:
        for report_id, status, field in BAD_IDS:
            url = f"/api/v1/reports/{report_id}{suffix}"
            with subtests.test(f"{method} {url}"):
                answer = send(client, method, url, tokens["admin"], body=body)
                message = api_core.MSG_ID if status == 400 else None
                assert_refused(answer, status, field, message)
    assert stored(app) == before


WHO_AND_STATE = [
    ("GET", "", "other_secretary", "submitted", None, 403),
    ("PUT", "", "other_secretary", "returned", api_body(), 403),
    ("PUT", "", "committee", "returned", api_body(), 403),
    ("PUT", "", "secretary", "submitted", api_body(), 409),
    ("PUT", "", "secretary", "approved", api_body(), 409),
    ("PUT", "", "secretary", "draft", api_body(), 404),  # a draft is not filed: unknown here
    ("POST", "/review", "secretary", "submitted", {"decision": "approve"}, 403),
    ("POST", "/review", "other_secretary", "submitted", {"decision": "approve"}, 403),
    ("POST", "/review", "committee", "approved", {"decision": "approve"}, 409),
    ("POST", "/review", "committee", "returned", {"decision": "return", "comment": "x"}, 409),
    ("POST", "/review", "admin", "draft", {"decision": "approve"}, 404),
    ("GET", "", "secretary", "draft", None, 404),
]


def test_who_and_which_state(app, client, tokens, subtests):
    ids = {
        state: report_in(app, state, month=month)
        for month, state in enumerate(("submitted", "returned", "approved", "draft"), start=5)
    }
    before = stored(app)
    for method, suffix, role, state, body, status in WHO_AND_STATE:
        with subtests.test(f"{role} {method} {state}{suffix}"):
            url = f"/api/v1/reports/{ids[state]}{suffix}"
            assert_refused(send(client, method, url, tokens[role], body=body), status, None)
    assert stored(app) == before
    with app.app_context():
        assert {state: db.session.get(Report, i).status.value for state, i in ids.items()} == {
            state: state for state in ids
        }


# --------------------------------------------------------------------------------------------
# POST /api/v1/reports/ID/review

REVIEW_BODIES = [
    row(
        "not json", "body", raw="decision=approve", content_type="application/x-www-form-urlencoded"
    ),
    row("array", "body", raw='["approve"]', message=api_core.MSG_BODY_NOT_OBJECT),
    row(
        "NaN points",
        "body",
        raw='{"decision": "approve", "scores": {"results": NaN}}',
        message=api_core.MSG_BODY_CONSTANT,
    ),
    row("no decision", "decision", body={}, message=rules.MSG_DECISION),
    row("decision unknown", "decision", body={"decision": "accept"}, message=rules.MSG_DECISION),
    row("decision a number", "decision", body={"decision": 1}, message=rules.MSG_DECISION),
    row("decision a list", "decision", body={"decision": ["approve"]}, message=rules.MSG_DECISION),
    row(
        "return without comment",
        "comment",
        body={"decision": "return"},
        message=rules.MSG_RETURN_COMMENT,
    ),
    row(
        "return with blank comment",
        "comment",
        body={"decision": "return", "comment": "  \n "},
        message=rules.MSG_RETURN_COMMENT,
    ),
    row(
        "comment null",
        "comment",
        body={"decision": "approve", "comment": None},
        message=rules.MSG_TEXT,
    ),
    row(
        "comment a number",
        "comment",
        body={"decision": "approve", "comment": 5},
        message=rules.MSG_TEXT,
    ),
    row(
        "comment too long",
        "comment",
        body={"decision": "return", "comment": "x" * 2_001},
        message=rules.msg_text_too_long(2_000),
    ),
    row(
        "comment with NUL",
        "comment",
        body={"decision": "return", "comment": "Sửa\x00"},
        message=rules.MSG_TEXT_CHARACTERS,
    ),
    row(
        "unknown field",
        "grade",
        body={"decision": "approve", "grade": "tot"},
        message=api_core.MSG_UNKNOWN_FIELD,
    ),
    row(
        "scores not an object",
        "scores",
        body={"decision": "approve", "scores": "all"},
        message=rules.MSG_SCORES_OBJECT,
    ),
    row(
        "scores null",
        "scores",
        body={"decision": "approve", "scores": None},
        message=rules.MSG_SCORES_OBJECT,
    ),
    row(
        "a criterion null",
        "scores.results",
        body={"decision": "approve", "scores": {"results": None}},
        message=rules.MSG_SCORE_NUMBER,
    ),
    row(
        "points as text",
        "scores.results",
        body={"decision": "approve", "scores": {"results": "20"}},
        message=rules.MSG_SCORE_NUMBER,
    ),
    row(
        "points false",
        "scores.results",
        body={"decision": "approve", "scores": {"results": False}},
        message=rules.MSG_SCORE_NUMBER,
    ),
    row(
        "points above max",
        "scores.attendance",
        body={"decision": "approve", "scores": {"attendance": 20}},
        message=rules.msg_score_range(30),
    ),
    row(
        "points not a half",
        "scores.results",
        body={"decision": "approve", "scores": {"results": 20.2}},
        message=rules.MSG_SCORE_HALF,
    ),
    row(
        "points 1e308",
        "scores.results",
        body={"decision": "approve", "scores": {"results": 1e308}},
        message=rules.msg_score_range(50),
    ),
    row(
        "unknown criterion",
        "scores.bonus",
        body={"decision": "approve", "scores": {"bonus": 1}},
        message=rules.msg_score_unknown("bonus", 2022),
    ),
]


def test_a_bad_review_is_refused_and_changes_nothing(app, client, tokens, subtests):
    report_id = report_in(app, "submitted")
    before = stored(app)
    url = f"/api/v1/reports/{report_id}/review"
    for bad in REVIEW_BODIES:
        with subtests.test(bad.name):
            answer = bad.send(client, "POST", url, tokens["committee"])
            assert_refused(answer, bad.status, bad.field, bad.message)
    assert stored(app) == before
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.status is ReportStatus.SUBMITTED and report.final_total_half_points is None


# --------------------------------------------------------------------------------------------
# GET /api/v1/rubric/YEAR and GET /api/v1/rankings

RUBRIC_YEARS = [
    ("abc", 400),
    ("0", 400),
    ("10000", 400),
    ("99999999999999999999", 400),
    ("-2022", 400),
    ("2022.0", 400),
    ("2031", 404),
    ("1999", 404),
]


def test_a_bad_or_unknown_rubric_year(client, tokens, subtests):
    for year, status in RUBRIC_YEARS:
        with subtests.test(year):
            answer = send(client, "GET", f"/api/v1/rubric/{year}", tokens["secretary"])
            assert_refused(answer, status, "year", rules.MSG_YEAR if status == 400 else None)


REPEATED = api_rankings.MSG_REPEATED
RANKING_QUERIES = [
    ("year=2022&month=13", 400, "month", "Tháng phải là số nguyên từ 1 đến 12."),
    ("year=2022&month=0", 400, "month", None),
    ("year=2022&month=", 400, "month", None),
    ("year=2022&month=5.0", 400, "month", None),
    ("year=2022&quarter=0", 400, "quarter", "Quý phải là số nguyên từ 1 đến 4."),
    ("year=2022&quarter=5", 400, "quarter", None),
    ("year=2022&month=5&quarter=2", 400, "quarter", None),
    ("year=2022&category=xyz", 400, "category", None),
    ("year=2022&category=", 400, "category", None),
    ("year=abc", 400, "year", None),
    ("year=", 400, "year", None),
    ("", 400, "year", None),
    ("month=5", 400, "year", None),
    ("year=0", 400, "year", rules.MSG_YEAR),
    ("year=99999999999999999999", 400, "year", None),
    ("year=2022&year=2023", 400, "year", REPEATED),
    ("year=2022&category=hamlet&category=school", 400, "category", REPEATED),
    ("year=2022&month=2", 400, "month", rules.msg_month_outside(2, 2022, 4, 12)),
    ("year=2022&quarter=1", 400, "quarter", api_rankings.msg_quarter_outside(1, 2022)),
    ("year=2031", 404, "year", None),
    ("year=2031&category=hamlet", 404, "year", None),
]


def test_a_bad_rankings_query(client, tokens, subtests):
    for query, status, field, message in RANKING_QUERIES:
        with subtests.test(query):
            answer = send(client, "GET", f"/api/v1/rankings?{query}", tokens["committee"])
            assert_refused(answer, status, field, message)


# --------------------------------------------------------------------------------------------
# 401 on every endpoint; a revoked token stops working at once

EVERY_CALL = [
    ("GET", "/api/v1/cells", None),
    ("GET", "/api/v1/rubric/2022", None),
    ("GET", "/api/v1/rankings?year=2022", None),
    ("POST", "/api/v1/reports", api_body()),
    ("GET", "/api/v1/reports/{id}", None),
    ("PUT", "/api/v1/reports/{id}", api_body()),
    ("POST", "/api/v1/reports/{id}/review", {"decision": "approve"}),
]
BAD_AUTHORIZATION = [
    None,
    "Bearer",
    "Bearer ",
    "Bearer clt_wrong",
    "Basic YWRtaW46eA==",
    "clt_no_scheme",
    "Bearer clt_" + "x" * 5000,
]


def test_every_endpoint_needs_a_valid_token(app, client, users, subtests):
    report_id = report_in(app, "submitted")
    before = stored(app)
    for method, url, body in EVERY_CALL:
        for header in BAD_AUTHORIZATION:
            with subtests.test(f"{method} {url}", header=(header or "")[:20]):
                headers = {"Authorization": header} if header is not None else {}
                answer = client.open(
                    url.format(id=report_id), method=method, json=body, headers=headers
                )
                assert_refused(answer, 401, None, api_core.UNAUTHORIZED)
                assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored(app) == before


def test_a_revoked_token_stops_working_at_once(app, client, users, subtests):
    report_id = report_in(app, "returned")
    with app.app_context():
        raw, token = create_token(db.session.get(User, users["admin"].id), label="script")
        db.session.commit()
        token_id = token.id
    assert send(client, "GET", "/api/v1/cells", raw).status_code == 200
    with app.app_context():
        revoke_token(
            db.session.get(ApiToken, token_id), actor=db.session.get(User, users["admin"].id)
        )
        db.session.commit()
    # The very next call with it is refused, whatever it asks.
    before = stored(app)
    for method, url, body in EVERY_CALL:
        with subtests.test(f"{method} {url}"):
            answer = send(client, method, url.format(id=report_id), raw, body=body)
            assert_refused(answer, 401, None, api_core.UNAUTHORIZED)
    assert stored(app) == before


def test_the_shape_checks_know_the_fields_of_the_description():
    """bodies.py and the rules agree on the fields a report has (openapi.py uses both)."""
    assert set(bodies.REPORT_REQUIRED) <= set(bodies.REPORT_FIELDS)
    assert set(bodies.API_TEXT_FIELDS) <= set(rules.TEXT_LIMITS)
    assert copy.deepcopy(api_body()).keys() == set(bodies.REPORT_FIELDS)


UNKNOWN_PARAMETERS = [
    ("GET", "/api/v1/cells?x=1", None, "x"),
    ("GET", "/api/v1/rubric/2022?lang=vi", None, "lang"),
    ("GET", "/api/v1/rankings?year=2022&page=2", None, "page"),
    ("GET", "/api/v1/rankings?year=2022&Month=5", None, "Month"),
    ("GET", "/api/v1/reports/{id}?expand=scores", None, "expand"),
    ("POST", "/api/v1/reports?dry_run=1", api_body(), "dry_run"),
    ("PUT", "/api/v1/reports/{id}?force=1", api_body(), "force"),
    ("POST", "/api/v1/reports/{id}/review?notify=0", {"decision": "approve"}, "notify"),
    ("GET", "/api/v1/cells?=1", None, "query"),
]


def test_a_query_parameter_the_endpoint_does_not_have_is_400(app, client, tokens, subtests):
    returned = report_in(app, "returned")
    before = stored(app)
    for method, url, body, field in UNKNOWN_PARAMETERS:
        with subtests.test(f"{method} {url}"):
            answer = send(client, method, url.format(id=returned), tokens["admin"], body=body)
            assert_refused(answer, 400, field, api_core.MSG_UNKNOWN_PARAMETER)
    assert stored(app) == before


def test_a_body_larger_than_the_limit_is_413_with_the_error_shape(app, client, tokens):
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    raw = '{"notes": "' + "x" * too_big + '"}'
    before = stored(app)
    answer = send(client, "POST", "/api/v1/reports", tokens["secretary"], raw=raw)
    assert_refused(answer, 413, None)
    assert stored(app) == before
