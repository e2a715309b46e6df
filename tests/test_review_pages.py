"""The review pages: who opens them, the draft of parts II-IV (saved, refused, frozen when the
year is closed, editable again when it is reopened), the charts and their text alternatives,
the download; and the indicators, each built by hand."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from docx import Document

from tracker.extensions import db
from tracker.models import (
    AttendanceStatus,
    AuditEntry,
    CellRole,
    Member,
    ReportAttendance,
    YearReview,
    utcnow,
)
from tracker.review.indicators import indicators

from .factories import campaign, make_report, members_of

# What these tests pin (the review pages' wording, forms and permissions) does not depend on the
# database: they run on SQLite, and tests/test_pages_on_postgresql.py reads every page on
# PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")

ROLES = ["admin", "committee", "secretary", "other_secretary"]
PAGES = [
    ("/review/", (302, 302, 403, 403)),
    ("/review/2022", (200, 200, 403, 403)),
    ("/review/2022/indicators", (200, 200, 403, 403)),
    ("/review/2022/report.docx", (200, 200, 403, 403)),
    ("/review/2031", (404, 404, 403, 403)),
]


@pytest.mark.parametrize(("url", "statuses"), PAGES)
@pytest.mark.parametrize("role", range(len(ROLES)))
def test_only_the_committee_and_the_admin_open_the_review(
    client, auth, users, app, url, statuses, role
):
    app.config["TODAY"] = "2023-02-01"
    auth.login(users[ROLES[role]])
    assert client.get(url).status_code == statuses[role]


def test_a_visitor_is_sent_to_the_login(client):
    answer = client.get("/review/2022")
    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]


def test_the_menu_offers_the_review_to_the_committee_and_the_exemplary_list_to_all(
    client, auth, users
):
    auth.login(users["committee"])
    home = client.get("/").text
    assert 'href="/review/"' in home and 'href="/exemplary/"' in home
    auth.logout()
    auth.login(users["secretary"])
    home = client.get("/").text
    assert 'href="/review/"' not in home and 'href="/exemplary/"' in home


DRAFT = {
    "document_number": "45-BC/ĐU",
    "document_date": "10/01/2023",
    "signer_name": "Nguyễn Văn Bí",
    "assessment": "Ưu điểm: sinh hoạt đều.\nHạn chế: đảng viên trẻ ngại nói.",
    "direction": "Mỗi quý một buổi chuyên đề về Bác.",
    "proposals": "Tập huấn ghi biên bản.",
    "recipients": "- Huyện ủy (báo cáo);\n- Các chi bộ;",
}


def test_the_committee_saves_a_draft_and_finds_it_again(client, auth, users, app):
    app.config["TODAY"] = "2023-02-01"
    auth.login(users["committee"])
    answer = auth.post("/review/2022", DRAFT)
    assert answer.status_code == 303
    page = client.get("/review/2022").text
    assert "Hạn chế: đảng viên trẻ ngại nói." in page
    assert "45-BC/ĐU" in page
    date_input = re.search(r'<input[^>]*name="document_date"[^>]*>', page).group(0)
    assert 'value="10/01/2023"' in date_input and 'type="text"' in date_input  # typed, dd/mm
    with app.app_context():
        review = db.session.scalar(sa.select(YearReview))
        assert review.direction == "Mỗi quý một buổi chuyên đề về Bác."
        assert review.document_date == dt.date(2023, 1, 10)
        assert review.updated_by_id == users["committee"].id
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "review.update"))
        assert entry.after["proposals"] == "Tập huấn ghi biên bản."
    document = Document(io.BytesIO(client.get("/review/2022/report.docx").data))
    assert "Hạn chế: đảng viên trẻ ngại nói." in [p.text for p in document.paragraphs]


def test_a_bad_date_or_an_overlong_part_is_refused_beside_its_field(client, auth, users, app):
    auth.login(users["committee"])
    answer = auth.post("/review/2022", {**DRAFT, "document_date": "10/13/2023"})
    assert answer.status_code == 400
    assert "field__error" in answer.text
    answer = auth.post("/review/2022", {**DRAFT, "proposals": "x" * 20_001})
    assert answer.status_code == 400
    assert "Tối đa 20.000 ký tự." in answer.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(YearReview.id))) == 0


def test_a_closed_year_freezes_the_draft_and_reopening_thaws_it(client, auth, users, app):
    app.config["TODAY"] = "2023-02-01"
    auth.login(users["committee"])
    auth.post("/review/2022", DRAFT)
    with app.app_context():
        campaign(2022).closed_at = utcnow()
        db.session.commit()
    page = client.get("/review/2022").text
    assert "đã khóa sổ" in page
    assert 'action="/review/2022"' not in page  # no form to post
    assert "Hạn chế: đảng viên trẻ ngại nói." in page
    token = auth.csrf_token("/reports/")
    answer = client.post("/review/2022", data={**DRAFT, "assessment": "Đổi", "csrf_token": token})
    assert answer.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(YearReview.assessment)) == DRAFT["assessment"]
        campaign(2022).closed_at = None  # the admin reopens the year
        db.session.commit()
    assert 'action="/review/2022"' in client.get("/review/2022").text
    answer = auth.post("/review/2022", {**DRAFT, "assessment": "Đổi"})
    assert answer.status_code == 303


def test_the_review_page_shows_the_summary_figures_and_an_accessible_chart(
    client, auth, users, app
):
    app.config["TODAY"] = "2023-07-15"
    with app.app_context():
        make_report("ap-cho", 2023, 1, total=95, attendance=(20, 2, 16, 2, 0))
        make_report("ap-cho", 2022, 5, total=95)
        db.session.commit()
    auth.login(users["committee"])
    page = client.get("/review/2023").text
    assert "Số báo cáo sinh hoạt thường kỳ đã duyệt" in page
    assert '<svg class="chart" id="chart-month-attendance"' in page
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "Bảng số liệu tỷ lệ dự sinh hoạt" in page
    assert "88,9%" in page  # 16 of 18, in the data table


def test_the_indicators_page_has_a_chart_and_a_table_for_each_indicator(client, auth, users, app):
    app.config["TODAY"] = "2024-01-15"
    with app.app_context():
        make_report("ap-cho", 2022, 5, total=95)
        make_report("ap-cho", 2023, 5, total=95)
        db.session.commit()
    auth.login(users["committee"])
    page = client.get("/review/2023/indicators").text
    for key in ("attendance", "plain_attendance", "young", "criticism", "ideology", "hcm",
                "attached", "complete", "long", "duration"):  # fmt: skip
        assert f'id="chart-{key}"' in page
    assert "So sánh các năm" in page and "Theo loại chi bộ" in page and "Theo chi bộ" in page
    assert "Chi bộ ấp Chợ" in page


def test_the_download_is_a_word_document_named_for_the_year(client, auth, users, app):
    app.config["TODAY"] = "2023-02-01"
    auth.login(users["committee"])
    answer = client.get("/review/2022/report.docx")
    assert answer.mimetype.endswith("wordprocessingml.document")
    assert "no-store" in answer.headers["Cache-Control"]
    assert "2022" in answer.headers["Content-Disposition"]


# --------------------------------------------------------------------------------------------
# The indicators, each built by hand


def test_each_indicator_is_built_from_approved_reports_of_ended_months(app):
    with app.app_context():
        first = make_report("ap-cho", 2023, 1, total=80, attendance=(20, 0, 18, 2, 0),
                            speakers=8, young_speakers=2)  # fmt: skip
        first.attachment_path = "ab" * 16 + ".pdf"
        first.minutes_complete = True
        first.duration_minutes = 120
        second = make_report("co-quan", 2023, 1, total=80, attendance=(10, 0, 5, 5, 0),
                             speakers=2, young_speakers=0)  # fmt: skip
        second.duration_minutes = 60
        ticked = make_report("ap-cho", 2023, 1, kind="thematic", total=90)
        ticked.topic, ticked.hcm_study_covered = "Sinh hoạt chuyên đề quý I", True
        named = make_report("co-quan", 2023, 1, kind="thematic", total=90)
        named.topic = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
        make_report("co-quan", 2023, 2, kind="thematic", total=90).topic = "Nghị quyết Đại hội"
        make_report("ap-cho", 2023, 2, total=80, status="submitted")  # not approved
        make_report("ap-cho", 2023, 3, total=80)  # March has not ended
        # Per-member attendance of ấp Chợ: two members without a position, one present.
        plain = [m for m in members_of("ap-cho") if m.cell_role is CellRole.MEMBER][:2]
        officer = next(m for m in members_of("ap-cho") if m.cell_role is not CellRole.MEMBER)
        statuses = [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT_EXCUSED]
        for member, status in zip(plain, statuses):
            first.attendance.append(ReportAttendance(member=member, status=status))
        first.attendance.append(ReportAttendance(member=officer, status=AttendanceStatus.PRESENT))
        db.session.flush()
        data = indicators(2023, dt.date(2023, 3, 10))
        year = data.year_tally(2023)
        assert year.meetings == 2
        assert year.attendance == pytest.approx((18 + 5) / 30)
        assert year.speakers_per_meeting == 5 and year.young_per_meeting == 1
        assert (year.thematic, year.hcm_thematic) == (3, 2)  # ticked, or named in the topic
        assert year.attached == 0.5 and year.complete == 0.5
        assert year.average_duration == 90 and year.long_share == 0.5
        assert year.plain_attendance == 0.5
        # The factory's scores fill the gates first: criticism and ideology get what remains.
        criticism = sum(s.final_half_points for r in (first, second) for s in r.scores
                        if s.criterion.code == "criticism")  # fmt: skip
        assert year.criticism_points == criticism
        assert year.criticism_max == 2 * 20
        hamlet = data.categories[first.cell.category]
        assert hamlet.meetings == 1 and hamlet.attendance == pytest.approx(0.9)
        by_cell = {cell.code: tally for cell, tally in data.cells}
        assert by_cell["co-quan"].attendance == 0.5
        assert list(data.months[2023]) == [1, 2]
        assert db.session.get(Member, plain[0].id) is not None


def test_the_awards_pages_offer_the_review_report_download(client, auth, users, app):
    app.config["TODAY"] = "2023-02-01"
    with app.app_context():  # a year with results (an empty year offers no downloads)
        make_report("ap-cho", 2022, 5, total=90)
        db.session.commit()
    auth.login(users["committee"])
    page = client.get("/awards/2022").text
    assert 'href="/review/2022/report.docx"' in page
    assert 'href="/review/2022"' in page
