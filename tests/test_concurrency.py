"""Many secretaries submitting at once through a real server lose nothing and get no 500.

Runs on both databases: SQLite (WAL, busy timeout, write transactions opened with BEGIN
IMMEDIATE) and PostgreSQL. The same cell and month posted at the same moment gives exactly one
success and 409 for the others, decided by the database's unique index.
"""

from __future__ import annotations

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from waitress import wasyncore
from waitress.server import create_server

from tracker.extensions import db
from tracker.models import AuditEntry, Cell, Report, Role
from tracker.seed import CELLS
from tracker.services.accounts import create_token, create_user

from .reporting import api_body


@pytest.fixture
def server(app):
    """The app behind waitress (the production server of run.py) on a free local port."""
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=8)
    stop = threading.Event()

    def serve():
        # waitress's own run() never returns; loop until told to stop, then close from here.
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=wsgi._map, count=1)
        wsgi.task_dispatcher.shutdown()
        wasyncore.close_all(wsgi._map)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield wsgi.effective_port
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.fixture
def secretary_tokens(app):
    """One secretary account and API token per cell: {cell code: token}."""
    tokens = {}
    with app.app_context():
        for seed in CELLS:
            cell = db.session.scalar(sa.select(Cell).where(Cell.code == seed.code))
            user = create_user(
                username=f"bt.{seed.code}", full_name=f"Bí thư {seed.name}",
                role=Role.SECRETARY, password="mat-khau-dai", cell=cell,
            )
            tokens[seed.code], _ = create_token(user)
        db.session.commit()
    return tokens


def call(port: int, method: str, path: str, token: str, body: dict) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            method,
            path,
            body=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


def post_report(port: int, token: str, body: dict) -> tuple[int, dict]:
    return call(port, "POST", "/api/v1/reports", token, body)


def at_once(count: int, job) -> list:
    """Run job(i) for i in range(count) in threads released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        return job(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def committee_token(app):
    with app.app_context():
        committee = create_user(
            username="duyet", full_name="Ủy viên", role=Role.COMMITTEE, password="mat-khau-dai"
        )
        token, _ = create_token(committee)
        db.session.commit()
    return token


def body_for(cell_code: str, month: int) -> dict:
    return api_body(cell=cell_code, month=month, held_on=f"2022-{month:02d}-15")


def report_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Report.id)))


def test_every_cell_submits_every_month_at_once_and_nothing_is_lost(app, server, secretary_tokens):
    jobs = [(code, month) for code in secretary_tokens for month in range(4, 13)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(
            pool.map(lambda job: post_report(server, secretary_tokens[job[0]], body_for(*job)), jobs)
        )
    statuses = [status for status, _ in results]
    assert statuses.count(201) == len(jobs) == 81, [r for r in results if r[0] != 201][:3]
    assert len({answer["id"] for _, answer in results}) == 81
    assert report_count(app) == 81


def test_the_same_cell_and_month_posted_at_once_succeeds_exactly_once(app, server, secretary_tokens):
    attempts = 12
    barrier = threading.Barrier(attempts)
    token = secretary_tokens["ap-cho"]

    def attempt(_):
        barrier.wait()
        return post_report(server, token, body_for("ap-cho", 6))

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        results = list(pool.map(attempt, range(attempts)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (attempts - 1)
    conflicts = [answer for status, answer in results if status == 409]
    assert all(set(answer) == {"error", "fields"} for answer in conflicts)
    assert report_count(app) == 1


def decisions_on(app, report_id: int) -> list[str]:
    with app.app_context():
        return db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.object_type == "report", AuditEntry.object_id == report_id)
            .where(AuditEntry.action.in_(["report.approve", "report.return", "report.submit",
                                          "report.resubmit"]))
            .order_by(AuditEntry.id)
        ).all()


def test_one_report_reviewed_at_once_is_decided_exactly_once(app, server, secretary_tokens,
                                                             committee_token):
    status, created = post_report(server, secretary_tokens["ap-cho"], body_for("ap-cho", 7))
    assert status == 201

    def review(index):
        decision = (
            {"decision": "approve"} if index % 2 else {"decision": "return", "comment": f"Sửa {index}"}
        )
        return call(server, "POST", f"/api/v1/reports/{created['id']}/review", committee_token,
                    decision)

    results = at_once(8, review)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 7, results
    (winner,) = [answer for status, answer in results if status == 200]
    with app.app_context():
        stored = db.session.get(Report, created["id"])
        assert stored.status.value == winner["status"]
        assert stored.review_comment == winner["review_comment"]
    assert decisions_on(app, created["id"])[1:] == [
        "report.approve" if winner["status"] == "approved" else "report.return"
    ]


def test_one_returned_report_resubmitted_at_once_is_accepted_exactly_once(
    app, server, secretary_tokens, committee_token
):
    token = secretary_tokens["ap-cho"]
    status, created = post_report(server, token, body_for("ap-cho", 8))
    assert status == 201
    status, _ = call(server, "POST", f"/api/v1/reports/{created['id']}/review", committee_token,
                     {"decision": "return", "comment": "Bổ sung biên bản."})
    assert status == 200

    results = at_once(
        6, lambda index: call(server, "PUT", f"/api/v1/reports/{created['id']}", token,
                              dict(body_for("ap-cho", 8), duration_minutes=100 + index))
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 5, results
    assert decisions_on(app, created["id"]).count("report.resubmit") == 1


def test_reviews_and_submissions_interleave_without_errors(app, server, secretary_tokens,
                                                           committee_token):
    """Committee reviews run while secretaries keep submitting: no 500, no lost write."""
    first_round = [(code, 4) for code in secretary_tokens]
    with ThreadPoolExecutor(max_workers=9) as pool:
        created = list(pool.map(lambda job: post_report(server, secretary_tokens[job[0]], body_for(*job)), first_round))
    ids = [answer["id"] for status, answer in created if status == 201]
    assert len(ids) == 9

    def review(report_id):
        connection = http.client.HTTPConnection("127.0.0.1", server, timeout=60)
        connection.request(
            "POST", f"/api/v1/reports/{report_id}/review",
            body=json.dumps({"decision": "approve", "comment": ""}),
            headers={"Authorization": f"Bearer {committee_token}", "Content-Type": "application/json"},
        )
        answer = connection.getresponse()
        answer.read()
        connection.close()
        return answer.status

    second_round = [(code, 5) for code in secretary_tokens]
    with ThreadPoolExecutor(max_workers=12) as pool:
        reviews = [pool.submit(review, report_id) for report_id in ids]
        posts = [pool.submit(post_report, server, secretary_tokens[c], body_for(c, m)) for c, m in second_round]
        assert [f.result() for f in reviews] == [200] * 9
        assert [f.result()[0] for f in posts] == [201] * 9
    with app.app_context():
        approved = db.session.scalar(
            sa.select(sa.func.count(Report.id)).where(Report.status == "approved")
        )
    assert approved == 9
    assert report_count(app) == 18
