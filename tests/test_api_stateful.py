"""Issue 15: schemathesis's stateful phase, following the links of the OpenAPI description.

A report created by POST /reports is read, reviewed and resubmitted through the links of its
answer (``$response.body#/id``), with every answer checked against the description. Bodies of
POST /reports are made valid (fresh cell and month each time: the rules of a report are more
than a JSON Schema says), so that the chain goes on past creation. SQLite, derandomized, few
steps: fast and never flaky.
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tracker.api.openapi import description, example_report
from tracker.extensions import db
from tracker.models import User
from tracker.services.accounts import create_token

pytestmark = pytest.mark.backends("sqlite")

CELLS = ("ap-cho", "cong-an", "thcs", "tieu-hoc", "mam-non", "quan-su")
MONTHS = range(4, 13)


def test_the_report_answers_link_to_the_operations_on_that_report():
    paths = description()["paths"]
    created = paths["/reports"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in created.values()} == {
        "getReport",
        "reviewReport",
        "resubmitReport",
    }
    for link in created.values():
        assert link["parameters"] == {"id": "$response.body#/id"}
    assert paths["/reports/{id}"]["get"]["responses"]["200"]["links"]


def test_the_stateful_phase_reaches_review_and_resubmission(app, users):
    app.config["TODAY"] = "2023-01-15"
    with app.app_context():
        token = create_token(db.session.get(User, users["admin"].id), label="stateful")[0]
        db.session.commit()
    fresh = itertools.product(CELLS, MONTHS)
    reached: set[tuple[str, str, int]] = set()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # This phase is about reaching states: the test replaces the generated body and headers
    # with valid ones (below), so schemathesis's verdicts on its own negative or positive data
    # do not apply here. The fuzz test (test_api_fuzz) keeps those checks on every operation.
    left_out = [
        schemathesis.checks.positive_data_acceptance,
        schemathesis.checks.negative_data_rejection,
    ]

    class ReportStates(schema.as_state_machine()):
        def before_call(self, case):
            if case.operation.method.upper() == "POST" and case.operation.path == "/reports":
                cell, month = next(fresh, ("ap-cho", 5))
                body = example_report()
                body.update(cell=cell, month=month, held_on=f"2022-{month:02d}-10")
                case.body = body

        def get_call_kwargs(self, case):
            # Schemathesis's WSGI transport does not decode compressed bodies: ask for plain.
            return {"headers": {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}}

        def after_call(self, response, case):
            reached.add((case.operation.method.upper(), case.operation.path, response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                excluded_checks=left_out,
                headers=kwargs.get("headers"),
                transport_kwargs=kwargs,
            )

    ReportStates.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    statuses = {status for _m, _p, status in reached}
    assert max(statuses) < 500
    assert ("POST", "/reports", 201) in reached
    linked = {(method, path) for method, path, status in reached if status != 404}
    assert ("POST", "/reports/{id}/review") in linked
    assert ("PUT", "/reports/{id}") in linked
