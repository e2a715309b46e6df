"""The same regular month planned at the same moment by several requests: exactly one wins,
the others get 409, nothing else is stored and nothing answers 500 (both databases)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEntry, Meeting

from .test_concurrency import call, secretary_tokens, server  # noqa: F401  (fixtures)


def test_one_regular_meeting_per_month_under_contention(app, server, secretary_tokens):  # noqa: F811
    token = secretary_tokens["ap-cho"]
    bodies = [
        {"cell": "ap-cho", "kind": "regular", "starts_at": f"2023-03-{day:02d}T19:30", "place": "Hội trường"}
        for day in range(1, 13)
    ]
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda body: call(server, "POST", "/api/v1/meetings", token, body), bodies))
    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * 11, answers
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 1
        assert db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "meeting.plan")
        ) == 1
