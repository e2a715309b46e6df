"""The OpenAPI description: a valid OpenAPI 3.1 document that says exactly what the API does."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from tracker.api import bodies, core
from tracker.api import rankings as api_rankings
from tracker.api.openapi import PREFIX, description, example_report
from tracker.domain import report_rules as rules
from tracker.domain.scoring import Grade
from tracker.extensions import db
from tracker.models import CellCategory, Report, ReportStatus, User
from tracker.services.accounts import create_token

from .factories import make_report

# The description is built from the code, not read from the database: SQLite only.
pytestmark = pytest.mark.backends("sqlite")

METHODS = {"get", "put", "post", "delete", "patch"}


def schema(name: str) -> dict:
    return description()["components"]["schemas"][name]


def operations():
    for path, item in description()["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_description_is_a_valid_openapi_3_1_document():
    document = description()
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any error


def test_it_is_served_to_anyone_without_a_token(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert answer.get_json() == description()


def test_it_refuses_parameters_it_does_not_have_like_every_endpoint(client):
    answer = client.get("/api/v1/openapi.json?format=yaml")
    assert answer.status_code == 400
    assert answer.get_json()["fields"] == {"format": core.MSG_UNKNOWN_PARAMETER}


def _template(path: str) -> str:
    """'/reports/<report_id>' and '/reports/{id}' both become '/reports/{}'."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_route_of_the_api_is_described_and_every_description_is_a_route(app):
    routes = {
        (_template(rule.rule.removeprefix(PREFIX)), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/")
        for method in rule.methods
        if method not in ("HEAD", "OPTIONS")
    }
    described = {(_template(path), method) for path, method, _op in operations()}
    assert routes == described
    assert description()["servers"] == [{"url": PREFIX}]


def test_the_path_parameters_of_the_routes_are_whole_numbers_in_their_ranges(app):
    for path, _method, operation in operations():
        names = re.findall(r"\{([^}]+)\}", path)
        documented = [p for p in operation.get("parameters", []) if p["in"] == "path"]
        assert [p["name"] for p in documented] == names
        for parameter in documented:
            assert parameter["required"] is True
            assert parameter["schema"]["type"] == "integer"
    report_id = next(
        p for p in description()["paths"]["/reports/{id}"]["get"]["parameters"] if p["name"] == "id"
    )
    assert (report_id["schema"]["minimum"], report_id["schema"]["maximum"]) == (
        core.MIN_ID,
        core.MAX_ID,
    )


def test_the_query_parameters_are_those_the_views_read(app):
    for path, method, operation in operations():
        endpoint = next(
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if _template(rule.rule.removeprefix(PREFIX)) == _template(path)
            and method.upper() in rule.methods
        )
        documented = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        with app.app_context():
            assert tuple(documented) == core.allowed_query_parameters(endpoint), path


def test_the_rankings_parameters_have_the_ranges_of_the_checks():
    parameters = {p["name"]: p for p in description()["paths"]["/rankings"]["get"]["parameters"]}
    assert parameters["year"]["required"] is True
    assert not any(parameters[name]["required"] for name in ("month", "quarter", "category"))
    ranges = {
        name: (p["schema"].get("minimum"), p["schema"].get("maximum"))
        for name, p in parameters.items()
    }
    assert ranges["year"] == (rules.MIN_YEAR, rules.MAX_YEAR)
    assert ranges["month"] == (rules.MIN_MONTH, rules.MAX_MONTH)
    assert ranges["quarter"] == (api_rankings.MIN_QUARTER, api_rankings.MAX_QUARTER)
    assert parameters["category"]["schema"]["enum"] == [c.value for c in CellCategory]


def test_the_report_body_is_the_one_the_checks_read():
    new, again = schema("NewReport"), schema("Resubmission")
    for body in (new, again):
        assert tuple(body["properties"]) == bodies.REPORT_FIELDS
        assert body["additionalProperties"] is False
    assert new["required"] == list(bodies.REPORT_REQUIRED)
    assert again["required"] == [key for key in bodies.REPORT_REQUIRED if key != "cell"]
    properties = new["properties"]
    assert (properties["year"]["minimum"], properties["year"]["maximum"]) == (
        rules.MIN_YEAR,
        rules.MAX_YEAR,
    )
    assert (
        properties["duration_minutes"]["minimum"],
        properties["duration_minutes"]["maximum"],
    ) == (
        rules.MIN_DURATION,
        rules.MAX_DURATION,
    )
    assert properties["kind"]["enum"] == list(rules.KINDS)
    for key in ("speakers", "young_speakers"):
        assert (properties[key]["minimum"], properties[key]["maximum"]) == (0, rules.MAX_COUNT)
    for key in bodies.API_TEXT_FIELDS:
        assert properties[key]["maxLength"] == rules.TEXT_LIMITS[key]
    attendance = schema("Attendance")
    assert attendance["required"] == list(rules.COUNT_KEYS)
    assert attendance["additionalProperties"] is False
    for count in attendance["properties"].values():
        assert (count["type"], count["minimum"], count["maximum"]) == (
            "integer",
            rules.MIN_COUNT,
            rules.MAX_COUNT,
        )
    assert schema("Points") == {
        "type": "number",
        "multipleOf": 0.5,
        "minimum": 0,
        "description": schema("Points")["description"],
    }
    assert properties["scores"]["additionalProperties"] == {"$ref": "#/components/schemas/Points"}


def test_the_review_body_is_the_one_the_checks_read():
    review = schema("Review")
    assert tuple(review["properties"]) == bodies.REVIEW_FIELDS
    assert review["required"] == ["decision"]
    assert review["additionalProperties"] is False
    assert review["properties"]["decision"]["enum"] == list(rules.DECISIONS)
    assert review["properties"]["comment"]["maxLength"] == rules.COMMENT_LIMIT
    assert review["then"]["required"] == ["comment"]


def test_the_answers_use_the_enums_of_the_models():
    report = schema("Report")["properties"]
    # The contract's three statuses: a draft saved on the web does not exist for the API.
    assert report["status"]["enum"] == ["submitted", "returned", "approved"]
    assert {s.value for s in ReportStatus} == {"draft", "submitted", "returned", "approved"}
    grades = [g.value for g in Grade]
    assert report["grade"]["anyOf"][0]["enum"] == grades
    assert schema("Standing")["properties"]["grade"]["anyOf"][0]["enum"] == grades
    assert schema("Cell")["properties"]["category"]["enum"] == [c.value for c in CellCategory]


def test_every_operation_documents_its_errors_with_the_error_shape():
    error = schema("Error")
    assert error["required"] == ["error", "fields"]
    assert error["properties"]["fields"]["additionalProperties"] == {"type": "string"}
    for path, method, operation in operations():
        answers = operation["responses"]
        if path == "/openapi.json":
            assert operation["security"] == []
            continue
        assert "security" not in operation  # the document's bearer scheme applies
        assert "401" in answers, (method, path)
        assert "400" in answers, (method, path)  # at least for a parameter it does not have
        for status, answer in answers.items():
            if status == "204":  # DELETE /meetings/ID: no content
                assert "content" not in answer
            elif status.startswith("4"):
                media = answer["content"]["application/json"]["schema"]
                assert media == {"$ref": "#/components/schemas/Error"}
            else:  # JSON, or text/calendar for the feed
                assert set(answer["content"]) <= {"application/json", "text/calendar"}
    assert description()["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": description()["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert description()["security"] == [{"bearerAuth": []}]


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("post", "/reports", {"201", "400", "401", "403", "409", "413"}),
        ("put", "/reports/{id}", {"200", "400", "401", "403", "404", "409", "413"}),
        ("get", "/reports/{id}", {"200", "400", "401", "403", "404"}),
        ("post", "/reports/{id}/review", {"200", "400", "401", "403", "404", "409", "413"}),
        ("get", "/rankings", {"200", "400", "401", "404"}),
        ("get", "/rubric/{year}", {"200", "400", "401", "404"}),
        ("get", "/cells", {"200", "400", "401"}),
    ],
)
def test_each_operation_documents_the_statuses_of_the_contract(method, path, statuses):
    assert set(description()["paths"][path][method]["responses"]) == statuses


def test_the_examples_of_the_description_work(app, client, users):
    """The example bodies that the API page shows are accepted as they are."""
    with app.app_context():
        secretary = create_token(db.session.get(User, users["secretary"].id))[0]
        committee = create_token(db.session.get(User, users["committee"].id))[0]
        db.session.commit()
    paths = description()["paths"]
    example = paths["/reports"]["post"]["requestBody"]["content"]["application/json"]["example"]
    assert example == example_report()
    answer = client.post(
        "/api/v1/reports", json=example, headers={"Authorization": f"Bearer {secretary}"}
    )
    assert answer.status_code == 201, answer.get_json()
    review = paths["/reports/{id}/review"]["post"]["requestBody"]["content"]["application/json"]
    approved = client.post(
        f"/api/v1/reports/{answer.get_json()['id']}/review",
        json=review["example"],
        headers={"Authorization": f"Bearer {committee}"},
    )
    assert approved.status_code == 200, approved.get_json()


def test_the_example_resubmission_is_accepted_for_a_returned_report(app, client, users):
    with app.app_context():
        secretary = create_token(db.session.get(User, users["secretary"].id))[0]
        report_id = make_report("ap-cho", 2022, 5, status="returned").id
        db.session.commit()
    put = description()["paths"]["/reports/{id}"]["put"]["requestBody"]["content"]
    answer = client.put(
        f"/api/v1/reports/{report_id}",
        json=put["application/json"]["example"],
        headers={"Authorization": f"Bearer {secretary}"},
    )
    assert answer.status_code == 200, answer.get_json()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 1
