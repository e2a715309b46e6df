"""Fuzzing the API from its own OpenAPI description (schemathesis + hypothesis).

Every operation is called with generated input, valid and invalid by the description, with the
token of each role where the role matters, on a database that has reports in every state. Each
answer must be described: no 5xx, a documented status code, a body that matches its schema,
the right content type, 401 without the token, and invalid input refused with a 4xx. Valid
input may still be refused (the rules of a report are more than a JSON Schema can say), so
schemathesis's "valid data is accepted" check is left out; the report rules get their own
property tests below.

SQLite only, deterministic (derandomized, no example database), with a bounded number of
examples, so that CI stays fast and never flaky: 25 per operation and role (fuzzing a
release deeper: raise EXAMPLES; 50 took 54 s here against 30 s, and found nothing more).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from decimal import Decimal

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from tracker.api import bodies
from tracker.api.openapi import description, example_report
from tracker.domain import report_rules as rules
from tracker.extensions import db
from tracker.models import AuditEntry, Report, User
from tracker.schedule import service as schedule_service
from tracker.seed import DEFAULT_RUBRIC
from tracker.services.accounts import create_token

from .factories import cell, make_report


def path_methods(path: str) -> set[str]:
    return {method.upper() for method in description()["paths"][path]}


pytestmark = pytest.mark.backends("sqlite")

EXAMPLES = 25
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
CHECKS_LEFT_OUT = [schemathesis.checks.positive_data_acceptance]
STATES = ("submitted", "returned", "approved", "draft")


@pytest.fixture
def world(app, users, prepared):
    """Tokens of every role and reports of two cells in every state (2022, ended)."""
    app.config["TODAY"] = "2023-01-15"

    def build():
        ids = []
        for code in ("ap-cho", "cong-an"):
            for month, state in enumerate(STATES, start=4):
                ids.append(make_report(code, 2022, month, status=state, total=85).id)
            for month in range(8, 13):
                make_report(code, 2022, month, status="approved", total=92)
        meeting_ids = [
            schedule_service.plan_meeting(
                db.session.get(User, users["admin"].id),
                schedule_service.check_meeting(
                    cell=cell(code), cell_named=True, kind="thematic",
                    starts_at="2023-03-03T19:30", place="Hội trường", topic="",
                ),
            ).id
            for code in ("ap-cho", "cong-an")
        ]  # fmt: skip
        return {"report_ids": ids, "meeting_ids": meeting_ids}

    rows = prepared(build)
    with app.app_context():  # after the build: a kept copy would replace the tokens
        tokens = {
            key: create_token(db.session.get(User, account.id), label="fuzz")[0]
            for key, account in users.items()
        }
        db.session.commit()
    return {"tokens": tokens, **rows}


@functools.cache
def api_schema(app):
    """The API's description as schemathesis reads it, loaded once per app (loading it
    took about as long as fuzzing an operation)."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def operation_strategy(operation, overrides: list[dict]):
    """Generated cases, valid and invalid, free or pinned to existing data, plus the examples
    of the description."""
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        strategies.extend(operation.as_strategy(generation_mode=mode, **o) for o in overrides)
    strategies.extend(operation.get_strategies_from_examples())
    return st.one_of(strategies)


def pins(path: str, world) -> list[dict]:
    """Values that reach real data: existing reports, campaign years."""
    if path.startswith("/meetings/{id}"):
        return [{"path_parameters": {"id": meeting_id}} for meeting_id in world["meeting_ids"]]
    if path in ("/meetings", "/calendar.ics") and "GET" in path_methods(path):
        return [{"query": {"year": year}} for year in (2022, 2023)]
    if "{id}" in path:
        return [{"path_parameters": {"id": report_id}} for report_id in world["report_ids"]]
    if path == "/rubric/{year}":
        return [{"path_parameters": {"year": year}} for year in (2022, 2025)]
    if path in ("/rankings", "/summary"):
        return [{"query": {"year": year}} for year in (2022, 2023)]
    return []


OPERATIONS = [
    ("/cells", "GET", ("secretary",)),
    ("/campaigns", "GET", ("secretary",)),
    ("/rubric/{year}", "GET", ("secretary",)),
    ("/rankings", "GET", ("committee",)),
    ("/summary", "GET", ("committee", "secretary")),
    ("/openapi.json", "GET", (None,)),
    ("/reports", "POST", ("secretary", "committee", "admin")),
    ("/reports/{id}", "GET", ("secretary", "committee", "admin")),
    ("/reports/{id}", "PUT", ("secretary", "committee", "admin")),
    ("/reports/{id}/review", "POST", ("secretary", "committee", "admin")),
    ("/meetings", "POST", ("secretary", "committee", "admin")),
    ("/meetings", "GET", ("secretary", "committee")),
    ("/meetings/{id}", "GET", ("secretary",)),
    ("/meetings/{id}", "PUT", ("secretary", "committee")),
    ("/meetings/{id}", "DELETE", ("secretary", "committee")),
    ("/meetings/{id}/attendee", "POST", ("secretary", "committee")),
    ("/calendar.ics", "GET", ("secretary", "committee")),
]
CALLS = [
    pytest.param(path, method, role, id=f"{method} {path} as {role or 'anyone'}")
    for path, method, roles in OPERATIONS
    for role in roles
]


@pytest.mark.parametrize(("path", "method", "role"), CALLS)
def test_every_operation_answers_as_described(app, world, path, method, role):
    schema = api_schema(app)
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {world['tokens'][role]}"} if role else {}
    # Schemathesis's WSGI transport does not decode compressed bodies (responses are
    # compressed for clients that ask): ask for the plain body.
    headers["Accept-Encoding"] = "identity"
    statuses = set()

    @FUZZ
    @given(case=operation_strategy(operation, pins(path, world)))
    def fuzz(case):
        answer = case.call_and_validate(headers=headers, excluded_checks=CHECKS_LEFT_OUT)
        statuses.add(answer.status_code)

    fuzz()
    assert statuses, "the fuzzer made calls"
    assert max(statuses) < 500


def test_the_fuzzing_covers_every_operation_of_the_description():
    described = {
        (path, method.upper()) for path, item in description()["paths"].items() for method in item
    }
    assert described == {(path, method) for path, method, _roles in OPERATIONS}


# --------------------------------------------------------------------------------------------
# Property tests of the report rules through the API

RUBRIC = {code: points for code, _title, points, _gate in DEFAULT_RUBRIC}
# Any text a person may type (NUL and lone surrogates are refused, see test_api_bad_input).
TYPED = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
CELLS = ("ap-cho", "ap-phuoc-hoa-a", "quan-su", "cong-an", "mam-non", "thcs")


def points(maximum: int):
    return st.integers(0, 2 * maximum).map(lambda half: half / 2 if half % 2 else half // 2)


@st.composite
def valid_reports(draw):
    """A report every rule accepts (2022: April to December; the default rubric)."""
    month = draw(st.integers(4, 12))
    day = draw(st.integers(1, 28))
    summoned = draw(st.integers(0, rules.MAX_COUNT))
    exempted = draw(st.integers(0, summoned))
    required = summoned - exempted
    present = draw(st.integers(0, required))
    excused = draw(st.integers(0, required - present))
    speakers = draw(st.integers(0, present))
    kind = draw(st.sampled_from(rules.KINDS))
    return {
        "cell": draw(st.sampled_from(CELLS)),
        "year": 2022,
        "month": month,
        "kind": kind,
        "held_on": dt.date(2022, month, day).isoformat(),
        "duration_minutes": draw(st.integers(rules.MIN_DURATION, rules.MAX_DURATION)),
        "attendance": {
            "summoned": summoned,
            "exempted": exempted,
            "present": present,
            "absent_excused": excused,
            "absent_unexcused": required - present - excused,
        },
        "speakers": speakers,
        "young_speakers": draw(st.integers(0, speakers)),
        "topic": draw(st.text(TYPED, min_size=1, max_size=40).filter(str.strip))
        if kind == "thematic"
        else "",
        "notes": draw(st.text(TYPED, max_size=60)),
        "scores": {code: draw(points(maximum)) for code, maximum in RUBRIC.items()},
    }


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count(Report.id))),
            db.session.scalar(sa.select(sa.func.count(AuditEntry.id))),
        )


def test_a_valid_report_is_accepted_and_read_back_as_sent(app, users):
    with app.app_context():
        raw = create_token(db.session.get(User, users["admin"].id), label="fuzz")[0]
        db.session.commit()
    client = app.test_client()
    auth = {"Authorization": f"Bearer {raw}"}
    filed = set()

    @settings(FUZZ, max_examples=40)
    @given(body=valid_reports())
    def check(body):
        answer = client.post("/api/v1/reports", json=body, headers=auth)
        slot = (body["cell"], body["month"])
        if body["kind"] == "regular" and slot in filed:
            assert answer.status_code == 409, answer.get_json()
            return
        assert answer.status_code == 201, answer.get_json()
        if body["kind"] == "regular":
            filed.add(slot)
        total = sum(Decimal(str(value)) for value in body["scores"].values())
        assert Decimal(str(answer.get_json()["self_total"])) == total
        report = client.get(answer.headers["Location"], headers=auth).get_json()
        assert report["self_scores"] == body["scores"]
        assert (report["cell"], report["year"], report["month"], report["kind"]) == (
            body["cell"],
            2022,
            body["month"],
            body["kind"],
        )

    check()


@st.composite
def near_valid_reports(draw, generated):
    """A valid report with one to three fields replaced by values that the description allows
    (drawn by schemathesis from it): the rules decide, the answer must say which field."""
    body = copy.deepcopy(example_report())
    fuzzed = draw(generated).body
    for key in draw(st.sets(st.sampled_from(bodies.REPORT_FIELDS), min_size=1, max_size=3)):
        if key == "scores":
            # Keep the real criteria codes, take the fuzzed points.
            values = list(fuzzed["scores"].values())
            body["scores"] = dict(body["scores"], **dict(zip(RUBRIC, values, strict=False)))
        elif key in fuzzed:
            body[key] = fuzzed[key]
        else:
            del body[key]
    return body


def test_a_nearly_valid_report_is_accepted_or_refused_with_its_field(app, users):
    with app.app_context():
        raw = create_token(db.session.get(User, users["admin"].id), label="fuzz")[0]
        db.session.commit()
    client = app.test_client()
    auth = {"Authorization": f"Bearer {raw}"}
    schema = api_schema(app)
    operation = schema["/reports"]["POST"]
    generated = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    seen = set()

    @FUZZ
    @given(body=near_valid_reports(generated))
    def check(body):
        before = counts(app)
        answer = client.post("/api/v1/reports", json=body, headers=auth)
        seen.add(answer.status_code)
        assert answer.status_code in (201, 400, 409), answer.get_data(as_text=True)
        if answer.status_code == 201:
            assert counts(app)[0] == before[0] + 1
            client_id = answer.get_json()["id"]
            assert client.get(f"/api/v1/reports/{client_id}", headers=auth).status_code == 200
        else:
            error = answer.get_json()
            assert error["fields"] and error["error"]
            assert counts(app) == before

    check()
    assert 400 in seen
