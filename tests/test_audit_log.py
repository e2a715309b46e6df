"""The admin's audit log (filters by user, cell and local date) and a report's history."""

import datetime as dt

import pytest

from tracker.audit.views import MSG_DATE, MSG_RANGE
from tracker.extensions import db
from tracker.services import audit
from tracker.services import reports as service

from .factories import cell
from .reporting import report_input, user

UTC = dt.UTC


def entry(summary, *, actor, cell_code=None, at):
    row = audit.record(
        "test.action",
        actor=actor,
        object_type="test",
        cell_id=cell(cell_code).id if cell_code else None,
        summary=summary,
    )
    row.at = at


@pytest.fixture
def entries(app, users):
    with app.app_context():
        entry(
            "Việc của bí thư ấp Chợ",
            actor=user("bithu.apcho"),
            cell_code="ap-cho",
            at=dt.datetime(2022, 5, 10, 3, 0, tzinfo=UTC),
        )
        entry(
            "Việc của bí thư Công an",
            actor=user("bithu.congan"),
            cell_code="cong-an",
            at=dt.datetime(2022, 6, 20, 3, 0, tzinfo=UTC),
        )
        # 23:30 on 30 June in Viet Nam is 16:30 UTC: it belongs to the local 30 June.
        entry(
            "Việc khuya của Đảng ủy",
            actor=user("danguy"),
            cell_code="cong-an",
            at=dt.datetime(2022, 6, 30, 16, 30, tzinfo=UTC),
        )
        entry(
            "Việc ngày 1 tháng 7",
            actor=user("danguy"),
            at=dt.datetime(2022, 6, 30, 17, 30, tzinfo=UTC),
        )
        db.session.commit()


SUMMARIES = [
    "Việc của bí thư ấp Chợ",
    "Việc của bí thư Công an",
    "Việc khuya của Đảng ủy",
    "Việc ngày 1 tháng 7",
]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", SUMMARIES),
        ("?cell=cong-an", SUMMARIES[1:3]),
        ("?user={committee}", SUMMARIES[2:]),
        ("?from=2022-06-01&to=2022-06-30", SUMMARIES[1:3]),
        ("?from=01/07/2022", SUMMARIES[3:]),
        ("?to=2022-05-31", SUMMARIES[:1]),
        ("?user={committee}&cell=cong-an&from=2022-06-30&to=2022-06-30", SUMMARIES[2:3]),
    ],
)
def test_the_log_filters_by_user_cell_and_local_date(client, auth, users, entries, query, shown):
    auth.login(users["admin"])
    page = client.get("/audit/" + query.format(committee=users["committee"].id))
    assert page.status_code == 200
    assert [summary for summary in SUMMARIES if summary in page.text] == shown


def test_bad_dates_are_reported_beside_the_filter(client, auth, users, entries):
    auth.login(users["admin"])
    bad = client.get("/audit/?from=ngay-mai")
    assert bad.status_code == 400 and MSG_DATE in bad.text
    backwards = client.get("/audit/?from=2022-07-01&to=2022-06-01")
    assert backwards.status_code == 400 and MSG_RANGE in backwards.text


def test_the_log_is_paginated(app, client, auth, users):
    with app.app_context():
        for index in range(55):
            entry(
                f"Mục số {index:02d}",
                actor=user("admin"),
                at=dt.datetime(2022, 1, 1, tzinfo=UTC) + dt.timedelta(minutes=index),
            )
        db.session.commit()
    auth.login(users["admin"])
    first = client.get(f"/audit/?user={users['admin'].id}").text
    assert "Mục số 54" in first and "Mục số 04" not in first and "Trang 1/2" in first
    second = client.get(f"/audit/?user={users['admin'].id}&page=2").text
    assert "Mục số 04" in second and "Mục số 54" not in second


def test_the_admin_menu_has_the_log(client, auth, users):
    auth.login(users["admin"])
    assert ">Nhật ký</a>" in client.get("/").text
    auth.logout()
    auth.login(users["committee"])
    assert ">Nhật ký</a>" not in client.get("/").text


def test_the_report_page_shows_who_did_what_and_old_to_new_points(app, client, auth, users):
    with app.app_context():
        report = service.create_report(
            user("bithu.apcho"), cell=cell("ap-cho"), data=report_input(), submit=True
        )
        service.approve_report(user("danguy"), report, scores={"preparation": 12.5})
        db.session.commit()
        report_id = report.id
    auth.login(users["secretary"])
    page = client.get(f"/reports/{report_id}")
    history = page.text.split("Lịch sử báo cáo", 1)[1]
    assert "Bithu Apcho" in history and "Danguy" in history
    assert "Gửi báo cáo sinh hoạt thường kỳ tháng 5/2022" in history
    assert "(tự chấm): — → 14" in history
    assert "(Đảng ủy chấm): 14 → 12,5" in history
    assert history.index("Lập báo cáo") < history.index("Duyệt báo cáo")
