"""The secretary and the reviewer are told when the points and the facts disagree: a score
that differs from the facts' suggestion, points for content the report says did not happen,
points for minutes that are not attached; submitting without minutes is confirmed; without
JavaScript a chosen file that could not be kept is named; a draft stays on the form
(issue 12, items 3, 4, 5 and 8)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from tracker.domain.consistency import (
    ContentFacts,
    contradictions,
    held_after_sending,
    suggestion_differences,
)
from tracker.domain.scoring import Criterion
from tracker.extensions import db
from tracker.models import Report

from .factories import make_report
from .reporting import PDF, field_error, form_data
from .test_rankings_pages import text_of

# Hints the form draws from the facts typed (the report service's storage runs on both
# databases in test_report_services): SQLite only.
pytestmark = pytest.mark.backends("sqlite")

RUBRIC = [
    Criterion("attendance", "Tỷ lệ dự họp", 30, gate=True),
    Criterion("ideology", "Nội dung tư tưởng", 10),
    Criterion("criticism", "Tự phê bình", 20),
    Criterion("minutes", "Biên bản", 10, gate=True),
]
NOTHING = ContentFacts(False, False, False, False, has_minutes=False)


def test_a_score_that_differs_from_the_facts_is_flagged_with_both_figures():
    flags = suggestion_differences({"attendance": 21, "minutes": 10}, {"attendance": 30}, RUBRIC)
    assert [f.message for f in flags] == ["“Tỷ lệ dự họp”: chấm 10,5 điểm, số liệu gợi ý 15 điểm."]
    assert suggestion_differences({"attendance": 30}, {"attendance": 30}, RUBRIC) == []


def test_points_for_content_that_did_not_happen_are_contradictions():
    flags = contradictions({"ideology": 8, "criticism": 0, "minutes": 8}, NOTHING, RUBRIC)
    assert [f.code for f in flags] == ["ideology", "minutes"]
    assert "Chấm 4/5 điểm “Nội dung tư tưởng” nhưng báo cáo ghi không sinh hoạt tư tưởng" in (
        flags[0].message
    )
    assert flags[1].message == "Chấm 4/5 điểm “Biên bản” nhưng chưa đính kèm biên bản."
    covered = ContentFacts(True, False, True, True, has_minutes=True)
    assert contradictions({"ideology": 8, "criticism": 20, "minutes": 10}, covered, RUBRIC) == []


def test_submitting_without_minutes_asks_for_an_explicit_confirmation(app, client, auth, users):
    auth.login(users["secretary"])
    page = client.get("/reports/new?year=2022&month=5")
    data = form_data(page.text)
    del data["confirm_no_minutes"]
    answer = auth.post("/reports/new", data=data)
    assert answer.status_code == 400
    assert "Báo cáo chưa kèm biên bản" in field_error(answer.text, "minutes_file")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0
    confirmed = auth.post("/reports/new", data=dict(data, confirm_no_minutes="1"))
    assert confirmed.status_code == 302


def test_a_draft_needs_no_confirmation_and_stays_on_the_form(app, client, auth, users):
    auth.login(users["secretary"])
    page = client.get("/reports/new?year=2022&month=5")
    data = form_data(page.text, action="draft")
    del data["confirm_no_minutes"]
    answer = auth.post("/reports/new", data=data)
    assert answer.status_code == 302
    assert "/edit" in answer.headers["Location"]
    again = client.get(answer.headers["Location"])
    assert "Đã lưu nháp lúc" in again.text
    assert 'id="report-form"' in again.text


def test_without_javascript_a_chosen_file_dropped_by_the_recalculation_is_named(
    client, auth, users
):
    auth.login(users["secretary"])
    page = client.get("/reports/new?year=2022&month=5")
    answer = auth.post(
        "/reports/new",
        data=dict(form_data(page.text, action="suggest"), minutes_file=(io.BytesIO(PDF), "bb.pdf")),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200
    assert "Tệp “bb.pdf” chưa được lưu khi tính lại số liệu: hãy chọn lại tệp" in field_error(
        answer.text, "minutes_file"
    )


def test_the_form_flags_points_that_contradict_the_content_before_submitting(client, auth, users):
    auth.login(users["secretary"])
    page = client.get("/reports/new?year=2022&month=5")
    # Nothing ticked in "Nội dung", no minutes, yet points on ideology and minutes.
    answer = auth.post("/reports/new", data=form_data(page.text, action="suggest"))
    checks = answer.text[answer.text.index('id="score-checks"') :]
    checks = checks[: checks.index("</div>")]
    assert "nhưng chưa đính kèm biên bản" in checks
    assert "nhưng báo cáo ghi không sinh hoạt tư tưởng" in checks


def test_the_reviewer_sees_the_suggestions_and_the_contradictions(app, client, auth, users):
    with app.app_context():
        # 20 summoned, 19 present, 1 excused: attendance suggests 15; self-scored less.
        scores = {
            "attendance": 21,
            "preparation": 30,
            "procedure": 20,
            "ideology": 8,
            "criticism": 20,
            "speaking": 20,
            "duration": 10,
            "minutes": 8,
            "results": 50,
        }
        report = make_report("ap-cho", 2022, 5, scores=scores, status="submitted")
        db.session.commit()
        report_id = report.id
    auth.login(users["committee"])
    text = text_of(client.get(f"/reports/{report_id}/review").get_data(as_text=True))
    assert "Gợi ý theo số liệu" in text
    assert "chấm 10,5 điểm, số liệu gợi ý 15 điểm" in text
    assert "nhưng chưa đính kèm biên bản" in text
    assert "nhưng báo cáo ghi không sinh hoạt tư tưởng" in text


def test_a_meeting_dated_after_the_sending_is_flagged():
    sent = dt.date(2026, 12, 3)
    assert held_after_sending(dt.date(2026, 12, 3), sent) is None  # the same day
    assert held_after_sending(None, sent) is None
    flag = held_after_sending(dt.date(2026, 12, 14), sent)
    assert flag.message.startswith("Ngày họp 14/12/2026 sau ngày gửi báo cáo 03/12/2026")


def test_the_reviewer_and_the_queue_see_a_report_sent_before_its_meeting(
    app, client, auth, users
):
    app.config["TODAY"] = "2022-05-10"
    with app.app_context():
        early = make_report("ap-cho", 2022, 5, status="submitted", held_on=dt.date(2022, 5, 20))
        early.submitted_at = dt.datetime(2022, 5, 10, 2, 0, tzinfo=dt.UTC)  # 09:00 local
        held = make_report("cong-an", 2022, 5, status="submitted", held_on=dt.date(2022, 5, 10))
        held.submitted_at = dt.datetime(2022, 5, 10, 12, 0, tzinfo=dt.UTC)  # 19:00 local
        db.session.commit()
        early_id, held_id = early.id, held.id
    auth.login(users["committee"])
    text = text_of(client.get(f"/reports/{early_id}/review").get_data(as_text=True))
    assert "Ngày họp 20/05/2022 sau ngày gửi báo cáo 10/05/2022" in text
    assert "sau ngày gửi" not in text_of(client.get(f"/reports/{held_id}/review").text)
    rows = client.get("/reports/queue").text.split("<tr>")[2:]
    flagged = [row for row in rows if "sau ngày gửi" in row]
    assert len(rows) == 2 and len(flagged) == 1
    assert f"/reports/{early_id}/review" in flagged[0]


# --------------------------------------------------------------------------------------------
# The reviewer of a resubmitted report (item 9)


def test_the_reviewer_sees_the_return_comment_and_what_changed_since(app, client, auth, users):
    auth.login(users["secretary"])
    page = client.get("/reports/new?year=2022&month=5")
    data = form_data(page.text, duration_minutes="80")
    assert auth.post("/reports/new", data=data).status_code == 302
    with app.app_context():
        report_id = db.session.scalar(sa.select(Report.id))
    auth.logout()
    auth.login(users["committee"])
    returned = auth.post(
        f"/reports/{report_id}/review",
        data={"decision": "return", "comment": "Thời lượng ghi sai, kiểm tra lại."},
    )
    assert returned.status_code == 302
    auth.logout()
    auth.login(users["secretary"])
    edit = client.get(f"/reports/{report_id}/edit").text
    fixed = form_data(edit, duration_minutes="120", **{"score-results": "20"})
    assert auth.post(f"/reports/{report_id}/edit", data=fixed).status_code == 302
    auth.logout()
    auth.login(users["committee"])
    text = text_of(client.get(f"/reports/{report_id}/review").get_data(as_text=True))
    top = text[: text.index("Buổi sinh hoạt")]
    assert "Nhận xét khi trả lại" in top and "Thời lượng ghi sai, kiểm tra lại." in top
    assert "Thời lượng (phút): 80 → 120" in top
    assert "(tự chấm): 22,5 → 20" in top


def test_a_new_report_is_one_history_entry_with_its_details_folded(app, client, auth, users):
    auth.login(users["secretary"])
    page = client.get("/reports/new?year=2022&month=5")
    answer = auth.post("/reports/new", data=form_data(page.text))
    view = client.get(answer.headers["Location"]).get_data(as_text=True)
    history = view[view.index("Lịch sử báo cáo") :]
    assert history.count('class="history__item"') == 1
    assert "Gửi báo cáo sinh hoạt thường kỳ tháng 5/2022" in history
    assert "<details" in history and "(tự chấm): — → 15" in history
