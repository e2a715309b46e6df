"""Nhân rộng: the committee marks exemplary meetings; every account, secretaries included,
reads the marked ones (read only, with their minutes), and nothing else of another cell."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEntry, ExemplaryMeeting
from tracker.services import attachments

from .factories import make_report
from .reporting import PDF

# What these tests pin (the exemplary pages' wording and permissions) does not depend on the
# database: they run on SQLite, and tests/test_pages_on_postgresql.py reads every page on
# PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")

NOTE = "Chi ủy chuẩn bị dự thảo nghị quyết từ trước; đảng viên trẻ được giao ý kiến."


def report_of_cong_an(app, *, status="approved", month=5, minutes=True, topic="") -> int:
    with app.app_context():
        report = make_report("cong-an", 2022, month, total=95, status=status)
        report.topic = topic
        if minutes:
            checked, _ = attachments.check_upload(attachments.Upload("bb.pdf", PDF), 10 << 20)
            report.attachment_path = attachments.store(db.session(), report, checked)
            report.attachment_name, report.attachment_type = "Biên bản.pdf", "application/pdf"
            report.attachment_size = len(PDF)
        db.session.commit()
        return report.id


def mark(auth, report_id, note=NOTE):
    return auth.post(f"/exemplary/{report_id}/mark", {"note": note})


@pytest.fixture
def marked(app, client, auth, users):
    """A Công an meeting marked by the committee, and an unmarked one."""
    chosen = report_of_cong_an(app, topic="Học tập và làm theo tư tưởng Hồ Chí Minh")
    other = report_of_cong_an(app, month=6)
    auth.login(users["committee"])
    assert mark(auth, chosen).status_code == 303
    auth.logout()
    return chosen, other


def test_the_committee_marks_an_approved_meeting_with_a_note(app, marked):
    chosen, _other = marked
    with app.app_context():
        entry = db.session.scalar(sa.select(ExemplaryMeeting))
        assert (entry.report_id, entry.note) == (chosen, NOTE)
        audit = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "exemplary.mark")
        )
        assert audit.object_id == chosen


ROLES = ["admin", "committee", "secretary", "other_secretary"]


@pytest.mark.parametrize("role", ROLES)
def test_every_account_reads_a_marked_meeting_and_its_minutes(client, auth, users, marked, role):
    chosen, _other = marked
    auth.login(users[role])
    listing = client.get("/exemplary/")
    assert listing.status_code == 200
    assert f'href="/exemplary/{chosen}"' in listing.text
    assert NOTE in listing.text
    page = client.get(f"/exemplary/{chosen}")
    assert page.status_code == 200
    assert "Chi bộ Công an" in page.text and NOTE in page.text
    assert f'href="/exemplary/{chosen}/minutes"' in page.text
    minutes = client.get(f"/exemplary/{chosen}/minutes")
    assert minutes.status_code == 200 and minutes.get_data() == PDF
    minutes.close()
    assert minutes.headers["Content-Disposition"].startswith("attachment")


def test_a_secretary_sees_only_what_was_marked_of_another_cell(client, auth, users, marked):
    chosen, other = marked
    auth.login(users["secretary"])  # ấp Chợ's secretary
    assert client.get(f"/exemplary/{other}").status_code == 404
    assert client.get(f"/exemplary/{other}/minutes").status_code == 404
    # The report itself stays closed to her: only the read-only exemplary page opens.
    assert client.get(f"/reports/{chosen}").status_code == 403
    assert client.get(f"/reports/{chosen}/attachment").status_code == 403
    page = client.get(f"/exemplary/{chosen}").text
    assert "Sửa" not in page.replace("Sửa ghi chú", "")  # no edit action
    assert f"/exemplary/{chosen}/mark" not in page
    assert f"/exemplary/{chosen}/unmark" not in page
    assert "Chọn làm mô hình hay" not in client.get("/exemplary/").text  # not hers to do


def test_the_committee_is_told_where_a_meeting_is_marked(client, auth, users):
    auth.login(users["committee"])
    page = client.get("/exemplary/").text
    assert "mở báo cáo đã duyệt của buổi đó" in page and "“Chọn làm mô hình hay”" in page


@pytest.mark.parametrize("role", ["secretary", "other_secretary"])
def test_a_secretary_cannot_mark_or_unmark(app, client, auth, users, marked, role):
    chosen, other = marked
    auth.login(users[role])
    assert mark(auth, other).status_code == 403
    assert auth.post(f"/exemplary/{chosen}/unmark").status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ExemplaryMeeting.id))) == 1


def test_a_mark_needs_a_note_and_an_approved_report(app, client, auth, users):
    approved = report_of_cong_an(app, minutes=False)
    waiting = report_of_cong_an(app, status="submitted", month=7, minutes=False)
    auth.login(users["committee"])
    answer = mark(auth, approved, note="   ")
    assert answer.status_code == 303
    assert "Ghi rõ điều các chi bộ khác nên học tập" in client.get(answer.headers["Location"]).text
    mark(auth, waiting)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ExemplaryMeeting.id))) == 0


def test_the_committee_changes_the_note_and_unmarks(app, client, auth, users, marked):
    chosen, _other = marked
    auth.login(users["committee"])
    mark(auth, chosen, "Ghi chú mới.")
    assert "Ghi chú mới." in client.get(f"/exemplary/{chosen}").text
    assert auth.post(f"/exemplary/{chosen}/unmark").status_code == 303
    assert client.get(f"/exemplary/{chosen}").status_code == 404
    with app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEntry.action)))
        assert {"exemplary.mark", "exemplary.update", "exemplary.unmark"} <= actions


def test_the_report_page_offers_the_mark_to_the_committee_only(client, auth, users, app):
    approved = report_of_cong_an(app, minutes=False)
    auth.login(users["committee"])
    assert f'action="/exemplary/{approved}/mark"' in client.get(f"/reports/{approved}").text
    auth.logout()
    auth.login(users["other_secretary"])  # Công an's own secretary
    assert f'action="/exemplary/{approved}/mark"' not in client.get(f"/reports/{approved}").text


def test_the_list_filters_by_year_kind_and_topic(client, auth, users, marked, app):
    chosen, other = marked
    auth.login(users["committee"])
    mark(auth, other, "Điểm danh từng đảng viên.")
    everything = client.get("/exemplary/").text
    assert (
        f'href="/exemplary/{chosen}"' in everything and f'href="/exemplary/{other}"' in everything
    )
    by_topic = client.get(
        "/exemplary/?year=2022&topic=Học tập và làm theo tư tưởng Hồ Chí Minh"
    ).text
    assert (
        f'href="/exemplary/{chosen}"' in by_topic and f'href="/exemplary/{other}"' not in by_topic
    )
    assert f'href="/exemplary/{chosen}"' not in client.get("/exemplary/?kind=thematic").text
    assert client.get("/exemplary/?year=abc&kind=x").status_code == 200  # never a 500


def test_a_visitor_is_sent_to_the_login(client, marked):
    chosen, _other = marked
    for url in ("/exemplary/", f"/exemplary/{chosen}", f"/exemplary/{chosen}/minutes"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_marked_meeting_reopened_for_review_is_hidden_until_approved_again(
    app, client, auth, users, marked
):
    from tracker.models import Report, ReportStatus

    chosen, _other = marked
    with app.app_context():
        db.session.get(Report, chosen).status = ReportStatus.SUBMITTED
        db.session.commit()
    auth.login(users["secretary"])
    assert f'href="/exemplary/{chosen}"' not in client.get("/exemplary/").text
    assert client.get(f"/exemplary/{chosen}").status_code == 404
    assert client.get(f"/exemplary/{chosen}/minutes").status_code == 404
    auth.logout()
    auth.login(users["committee"])
    assert auth.post(f"/exemplary/{chosen}/unmark").status_code == 303
