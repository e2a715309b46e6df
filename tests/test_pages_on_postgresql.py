"""Every page and download of every role, read on PostgreSQL with a year of data in it.

The page modules pin wording, layout and permissions once, on SQLite: what they check does
not depend on the database. What does is the SQL behind each page, and this walk runs all of
it on PostgreSQL: the rankings of every period and category, the matrix, the awards, the
review and its indicators, the calendar, the queue and the outstanding months, the exports.
Services, the API, the ranking rule, constraints and concurrency keep their own tests on both
databases.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Member, Report, User
from tracker.schedule import service as schedule
from tracker.services.accounts import create_token

from .award_data import make_award_season
from .factories import cell, make_report

pytestmark = pytest.mark.backends("postgresql")

HTML = "text/html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# What each role opens; "{...}" are filled from the data below.
EVERYONE = [
    ("/", HTML),
    ("/rankings/?year=2022", HTML),
    ("/rankings/?year=2022&month=6", HTML),
    ("/rankings/?year=2022&quarter=3", HTML),
    ("/rankings/?year=2022&category=hamlet", HTML),
    ("/rankings/matrix?year=2022", HTML),
    ("/rankings/matrix?year=2022&category=school", HTML),
    ("/rankings/cells/ap-cho?year=2022", HTML),
    ("/rankings/years", HTML),
    ("/exemplary/", HTML),
    ("/exemplary/{exemplary}", HTML),
    ("/lich/?year=2022&month=11", HTML),
    ("/lich/cua-toi", HTML),
    ("/password", HTML),
    ("/tokens/", HTML),
]
PAGES = {
    "secretary": EVERYONE
    + [
        ("/reports/", HTML),
        ("/reports/new", HTML),
        ("/reports/{own}", HTML),
        ("/reports/{returned}/edit", HTML),
        ("/reports/attendance?year=2022", HTML),
        ("/members/", HTML),
    ],
    "committee": EVERYONE
    + [
        ("/reports/?year=2022&status=approved", HTML),
        ("/reports/queue", HTML),
        ("/reports/{pending}/review", HTML),
        ("/reports/outstanding?year=2022", HTML),
        ("/reports/attendance?year=2022&cell=ap-cho", HTML),
        ("/awards/", HTML),
        ("/awards/2022", HTML),
        ("/awards/2022/workbook.xlsx", XLSX),
        ("/awards/2022/matrix.xlsx", XLSX),
        ("/review/2022", HTML),
        ("/review/2022/indicators", HTML),
        ("/review/2022/report.docx", DOCX),
        ("/members/", HTML),
        ("/members/export.xlsx", XLSX),
        ("/lich/phu-trach", HTML),
        ("/lich/thu-nhac", HTML),
        ("/lich/thong-bao.docx?year=2022&month=11", DOCX),
    ],
    "admin": EVERYONE
    + [
        ("/admin/", HTML),
        ("/admin/cells", HTML),
        ("/admin/cells/{cell}", HTML),
        ("/admin/cells/export.xlsx", XLSX),
        ("/admin/years", HTML),
        ("/admin/years/2022/plan", HTML),
        ("/admin/committee", HTML),
        ("/admin/accounts", HTML),
        ("/admin/rubric", HTML),
        ("/admin/rubric/2022", HTML),
        ("/admin/rubric/2022/settings", HTML),
        ("/audit/", HTML),
        ("/members/import", HTML),
        ("/members/{member}", HTML),
        ("/lich/ca-nam?year=2022", HTML),
        ("/lich/han-nop?year=2022", HTML),
        ("/lich/{meeting}/sua", HTML),
        ("/lich/thong-bao.docx?year=2022&month=11", DOCX),
    ],
}


@pytest.fixture
def year_of_data(app, users, client, auth):
    """2022's season with attendance, a report waiting, one returned, an exemplary meeting,
    and a planned meeting followed by the committee member."""
    app.config["TODAY"] = "2022-12-20"
    with app.app_context():
        planner = db.session.scalar(sa.select(User).where(User.username == "admin"))
        meeting = schedule.plan_meeting(
            planner,
            schedule.check_meeting(
                cell=cell("ap-cho"),
                cell_named=True,
                kind="regular",
                starts_at="2022-11-25T19:30",
                place="Hội trường ấp Chợ",
                topic="Triển khai nghị quyết",
            ),
        )
        make_award_season()
        pending = make_report("thcs", 2022, 8, total=88, status="submitted")
        returned = make_report("ap-cho", 2023, 1, total=80, status="returned")
        own = db.session.scalar(
            sa.select(Report).where(Report.cell_id == cell("ap-cho").id, Report.month == 5)
        )
        member = db.session.scalar(
            sa.select(Member.id).where(Member.cell_id == cell("ap-cho").id).order_by(Member.id)
        )
        ids = {
            "pending": pending.id,
            "returned": returned.id,
            "own": own.id,
            "exemplary": own.id,
            "meeting": meeting.id,
            "member": member,
            "cell": cell("ap-cho").id,
        }
        db.session.commit()
    auth.login(users["committee"])
    marked = auth.post(f"/exemplary/{ids['own']}/mark", {"note": "Chuyên đề tiêu biểu"})
    assert marked.status_code == 303
    follow = auth.post("/lich/phu-trach", {"cells": [str(ids["cell"])]})
    assert follow.status_code in (200, 302, 303)
    auth.logout()
    return ids


@pytest.mark.parametrize("role", ["secretary", "committee", "admin"])
def test_every_page_of_a_role_reads_its_data_on_postgresql(client, auth, users, year_of_data, role):
    auth.login(users[role])
    failures = []
    for template, kind in PAGES[role]:
        url = template.format(**year_of_data)
        answer = client.get(url)
        if answer.status_code != 200 or not answer.content_type.startswith(kind):
            failures.append(f"{url}: {answer.status_code} {answer.content_type}")
            continue
        if kind == HTML:
            text = answer.get_data(as_text=True)
            assert "<main" in text, url
        else:
            assert len(answer.data) > 1000, url
    assert not failures, "\n".join(failures)


def test_the_rankings_page_lists_the_cells_in_the_apis_order_on_postgresql(
    app, client, auth, users, year_of_data
):
    """The SQL of the page and of the API rank alike on PostgreSQL (the rule itself is
    pinned on both databases by the ranking-rule and API tests)."""
    with app.app_context():
        committee = db.session.get(User, users["committee"].id)
        raw, _ = create_token(committee, label="test")
        db.session.commit()
    for query in ("year=2022", "year=2022&quarter=3", "year=2022&category=hamlet"):
        api = client.get(f"/api/v1/rankings?{query}", headers={"Authorization": f"Bearer {raw}"})
        names = [row["name"] for row in api.get_json()["rankings"]]
        auth.login(users["committee"])
        page = client.get(f"/rankings/?{query}").get_data(as_text=True)
        auth.logout()
        positions = [page.find(name) for name in names]
        assert names and all(position >= 0 for position in positions), (query, names)
        assert positions == sorted(positions), (query, names)
