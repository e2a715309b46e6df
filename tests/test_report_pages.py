"""The report pages: who may open what, filing through the form, messages beside the fields,
the same messages as the API, attachments, review, and the weight of the form."""

import io
import re

import pytest
import sqlalchemy as sa

from tracker.domain import report_rules as rules
from tracker.extensions import db
from tracker.models import AuditEntry, Report, ReportStatus
from tracker.services import attachments
from tracker.services import reports as service
from tracker.services.accounts import create_token

from .factories import make_report, members_of
from .reporting import (
    JPEG,
    PDF,
    PNG,
    SCORES,
    TEXT,
    api_body,
    field_error,
    form_data,
    input_value,
    multipart,
    user,
)

# What these tests pin (the report pages' wording, layout and forms) does not depend on the
# database: they run on SQLite, and tests/test_pages_on_postgresql.py reads every page on
# PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")


def one_report(app, state="submitted", code="ap-cho", month=5, attachment=False):
    with app.app_context():
        report = make_report(code, 2022, month, status=state, scores={k: 10 for k in SCORES})
        if attachment:
            checked, _ = attachments.check_upload(
                attachments.Upload("bb.pdf", PDF), 10 * 1024 * 1024
            )
            report.attachment_path = attachments.store(db.session(), report, checked)
            report.attachment_name, report.attachment_type = "Biên bản.pdf", "application/pdf"
            report.attachment_size = len(PDF)
        db.session.commit()
        return report.id


def report_count(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Report.id)))


# --------------------------------------------------------------------------------------------
# Who may open what


ROLES = ["admin", "committee", "secretary", "other_secretary"]
PAGES = [
    # (url template, expected status for admin, committee, secretary (ap-cho), other_secretary)
    ("/reports/", (200, 200, 200, 200)),
    ("/reports/?cell=ap-cho", (200, 200, 200, 403)),
    ("/reports/new", (200, 403, 200, 200)),
    ("/reports/new?cell=ap-cho", (200, 403, 200, 403)),
    ("/reports/{draft}/edit", (200, 403, 200, 403)),
    ("/reports/{submitted}", (200, 200, 200, 403)),
    ("/reports/{submitted}/attachment", (200, 200, 200, 403)),
    ("/reports/queue", (200, 200, 403, 403)),
    ("/reports/{submitted}/review", (200, 200, 403, 403)),
    ("/reports/outstanding", (200, 200, 200, 200)),
    ("/reports/attendance?cell=ap-cho", (200, 200, 200, 403)),
    ("/reports/attendance", (200, 200, 200, 200)),
    ("/audit/", (200, 403, 403, 403)),
    ("/", (200, 200, 200, 200)),
]


@pytest.mark.parametrize("role", ROLES)
def test_permission_table(app, client, auth, users, role, subtests):
    """Each role signs in once and opens every page of the table (one subtest a page)."""
    ids = {
        "draft": one_report(app, "draft", month=6),
        "submitted": one_report(app, attachment=True),
    }
    auth.login(users[role])
    for template, expected in PAGES:
        with subtests.test(url=template):
            answer = client.get(template.format(**ids))
            answer.close()  # a served file is streamed from disk
            assert answer.status_code == expected[ROLES.index(role)]


@pytest.mark.parametrize("template", [p[0] for p in PAGES])
def test_every_page_needs_a_login(app, client, template):
    ids = {"draft": one_report(app, "draft", month=6), "submitted": one_report(app)}
    answer = client.get(template.format(**ids))
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


@pytest.mark.parametrize(
    "url", ["/reports/999", "/reports/999/edit", "/reports/999/review", "/reports/999/attachment"]
)
def test_an_unknown_report_is_404(client, auth, users, url):
    auth.login(users["admin"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("committee", "/reports/new?cell=ap-cho", 403),
        ("other_secretary", "/reports/new?cell=ap-cho", 403),
        ("secretary", "/reports/{submitted}/review", 403),
        ("secretary", "/reports/{approved}/reopen", 403),
        ("other_secretary", "/reports/{draft}/edit", 403),
        ("committee", "/reports/{draft}/edit", 403),
    ],
)
def test_forms_refuse_posts_from_the_wrong_role(app, client, auth, users, role, url, status):
    ids = {
        "draft": one_report(app, "draft", month=6),
        "submitted": one_report(app),
        "approved": one_report(app, "approved", month=7),
    }
    auth.login(users[role])
    answer = auth.post(
        url.format(**ids), data={"action": "submit", "decision": "approve", "reason": "x"}
    )
    assert answer.status_code == status
    assert report_count(app) == 3


# --------------------------------------------------------------------------------------------
# Filing through the form


def test_a_secretary_files_a_report_and_the_counts_come_from_the_member_lines(
    app, client, auth, users
):
    auth.login(users["secretary"])
    page = client.get("/reports/new?year=2022&month=5")
    assert page.status_code == 200
    data = form_data(page.text, spoke=6)
    answer = auth.post("/reports/new", data=data)
    assert answer.status_code == 302
    with app.app_context():
        report = db.session.scalar(sa.select(Report))
        members = [m for m in members_of("ap-cho") if m.active]
        exempted = sum(m.exempted for m in members)
        assert report.status is ReportStatus.SUBMITTED
        assert (report.summoned, report.exempted, report.present) == (
            len(members),
            exempted,
            len(members) - exempted,
        )
        assert report.speakers == len([k for k in data if k.startswith("spoke-")])
        spoke = {int(k.split("-")[1]) for k in data if k.startswith("spoke-")}
        young = {m.id for m in members if 2022 - m.birth_year < 35}
        assert report.young_speakers == len(spoke & young)
        assert len(report.attendance) == len(members)
        assert report.self_total_half_points == 189
        assert answer.headers["Location"] == f"/reports/{report.id}"


def test_absences_and_young_speakers_are_counted_from_the_form(app, client, auth, users):
    auth.login(users["secretary"])
    page = client.get("/reports/new")
    with app.app_context():
        members = [m for m in members_of("ap-cho") if m.active and not m.exempted]
        young = [m for m in members if 2022 - m.birth_year < 35]
        old = [m for m in members if 2022 - m.birth_year >= 35]
    assert young, "the seed has young members in ap-cho"
    data = form_data(page.text, spoke=0)
    data[f"status-{old[0].id}"] = "absent_excused"
    data[f"reason-{old[0].id}"] = "Đi công tác"
    data[f"status-{old[1].id}"] = "absent_unexcused"
    data[f"spoke-{young[0].id}"] = "1"
    data[f"spoke-{old[2].id}"] = "1"
    assert auth.post("/reports/new", data=data).status_code == 302
    with app.app_context():
        report = db.session.scalar(sa.select(Report))
        assert (
            report.absent_excused,
            report.absent_unexcused,
            report.speakers,
            report.young_speakers,
        ) == (1, 1, 2, 1)
        reasons = {row.member_id: row.absence_reason for row in report.attendance}
        assert reasons[old[0].id] == "Đi công tác"


def test_a_draft_may_be_incomplete_and_is_edited_then_submitted(app, client, auth, users):
    auth.login(users["secretary"])
    page = client.get("/reports/new")
    data = form_data(
        page.text, action="draft", held_on="", duration_minutes="", **{"score-results": ""}
    )
    answer = auth.post("/reports/new", data=data)
    assert answer.status_code == 302
    with app.app_context():
        report = db.session.scalar(sa.select(Report))
        assert report.status is ReportStatus.DRAFT and report.held_on is None
    edit = client.get(f"/reports/{report.id}/edit")
    assert input_value(edit.text, "score-attendance") == "15"
    assert input_value(edit.text, "score-results") == ""
    incomplete = auth.post(
        f"/reports/{report.id}/edit", data=form_data(edit.text, held_on="", **{"score-results": ""})
    )
    assert incomplete.status_code == 400
    assert field_error(incomplete.text, "held_on") == rules.MSG_HELD_ON_REQUIRED
    assert field_error(incomplete.text, "score-results") == rules.MSG_SCORE_REQUIRED
    done = auth.post(f"/reports/{report.id}/edit", data=form_data(edit.text))
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Report, report.id).status is ReportStatus.SUBMITTED


def test_the_form_rerenders_with_messages_beside_the_fields_and_keeps_what_was_typed(
    app, client, auth, users
):
    auth.login(users["secretary"])
    page = client.get("/reports/new")
    member_id = int(re.search(r'name="status-(\d+)"', page.text).group(1))
    data = form_data(
        page.text,
        duration_minutes="0",
        held_on="2022-06-03",
        chaired_by="Nguyễn Văn Chủ Trì",
        notes="Ghi chú đã gõ",
        **{
            "score-preparation": "7,3",
            "score-attendance": "",
            f"status-{member_id}": "absent_excused",
            f"spoke-{member_id}": "1",
        },
    )
    answer = auth.post("/reports/new", data=data)
    assert answer.status_code == 400
    html = answer.text
    assert field_error(html, "duration_minutes") == rules.MSG_DURATION
    assert field_error(html, "held_on") == rules.msg_held_on_outside(5, 2022)
    assert field_error(html, "score-preparation") == rules.MSG_SCORE_HALF
    assert field_error(html, "score-attendance") == rules.MSG_SCORE_REQUIRED
    assert rules.MSG_SPOKE_ABSENT in html
    # What was typed is still there.
    assert input_value(html, "duration_minutes") == "0"
    assert input_value(html, "held_on") == "2022-06-03"
    assert input_value(html, "score-preparation") == "7,3"
    assert input_value(html, "chaired_by") == "Nguyễn Văn Chủ Trì"
    assert "Ghi chú đã gõ" in html
    assert re.search(
        rf'name="status-{member_id}".*?<option value="absent_excused" selected', html, re.DOTALL
    )
    assert report_count(app) == 0


# The same rule broken on the form and through the API gives the same message.
SAME = [
    (
        {"duration_minutes": "1441"},
        {"duration_minutes": 1441},
        "duration_minutes",
        "duration_minutes",
    ),
    ({"held_on": "2022-07-01"}, {"held_on": "2022-07-01"}, "held_on", "held_on"),
    ({"held_on": "khong-phai-ngay"}, {"held_on": "khong-phai-ngay"}, "held_on", "held_on"),
    (
        {"month": "2", "held_on": "2022-02-10"},
        {"month": 2, "held_on": "2022-02-10"},
        "month",
        "month",
    ),
    (
        {"year": "2031", "held_on": "2031-05-10"},
        {"year": 2031, "held_on": "2031-05-10"},
        "year",
        "year",
    ),
    ({"kind": "thematic", "topic": ""}, {"kind": "thematic", "topic": ""}, "topic", "topic"),
    ({"kind": "hop"}, {"kind": "hop"}, "kind-0", "kind"),
    (
        {"score-results": "25,5"},
        {"scores": dict(SCORES, results=25.5)},
        "score-results",
        "scores.results",
    ),
    (
        {"score-ideology": "4.25"},
        {"scores": dict(SCORES, ideology=4.25)},
        "score-ideology",
        "scores.ideology",
    ),
    (
        {"score-minutes": "năm"},
        {"scores": dict(SCORES, minutes="năm")},
        "score-minutes",
        "scores.minutes",
    ),
]


@pytest.mark.parametrize(
    ("form_change", "api_change", "form_field", "api_field"),
    SAME,
    ids=[s[3] + ":" + str(next(iter(s[1].values())))[:12] for s in SAME],
)
def test_form_and_api_give_the_same_message(
    app, client, auth, users, form_change, api_change, form_field, api_field
):
    with app.app_context():
        token = create_token(user("bithu.apcho"))[0]
        db.session.commit()
    api = client.post(
        "/api/v1/reports", json=api_body(**api_change), headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status_code == 400
    api_message = api.get_json()["fields"][api_field]
    auth.login(users["secretary"])
    page = client.get("/reports/new")
    form = auth.post("/reports/new", data=form_data(page.text, **form_change))
    assert form.status_code == 400
    if form_field == "kind-0":
        assert api_message in form.text
    else:
        assert field_error(form.text, form_field) == api_message
    assert report_count(app) == 0


def test_a_second_regular_report_of_the_month_is_refused_on_the_form(app, client, auth, users):
    one_report(app, "approved", month=5)
    auth.login(users["secretary"])
    page = client.get("/reports/new")
    answer = auth.post("/reports/new", data=form_data(page.text))
    assert answer.status_code == 409
    assert field_error(answer.text, "month") == service.msg_duplicate(5, 2022)
    assert report_count(app) == 1


def test_the_form_says_at_once_that_the_month_has_its_regular_report(app, client, auth, users):
    """Opened on a month that has its regular report (from the calendar, a link, a choice),
    the form says so before anything is typed, with a link to that report."""
    report_id = one_report(app, "approved", month=5)
    auth.login(users["secretary"])
    page = client.get("/reports/new?year=2022&month=5").text
    notice = re.search(r'<div class="alert alert--warning month-taken".*?</div>', page, re.DOTALL)
    assert notice, "the form names the month's report"
    assert "Tháng 5/2022 chi bộ đã có báo cáo sinh hoạt thường kỳ" in notice.group(0)
    assert f'href="/reports/{report_id}"' in notice.group(0)
    assert "month-taken" not in client.get("/reports/new?year=2022&month=6").text
    assert "month-taken" not in client.get("/reports/new?year=2022&month=5&kind=thematic").text


def test_the_admin_files_a_paper_report_for_a_cell(app, client, auth, users):
    auth.login(users["admin"])
    chooser = client.get("/reports/new")
    assert "Chi bộ Công an" in chooser.text
    page = client.get("/reports/new?cell=cong-an")
    assert page.status_code == 200
    answer = auth.post("/reports/new?cell=cong-an", data=form_data(page.text))
    assert answer.status_code == 302
    with app.app_context():
        report = db.session.scalar(sa.select(Report))
        assert report.cell.code == "cong-an" and report.created_by_id == users["admin"].id


def test_without_javascript_the_suggestions_are_computed_on_the_server(app, client, auth, users):
    auth.login(users["secretary"])
    page = client.get("/reports/new")
    blank = {f"score-{code}": "" for code in SCORES}
    answer = auth.post(
        "/reports/new", data=form_data(page.text, action="suggest", duration_minutes="75", **blank)
    )
    assert answer.status_code == 200
    assert input_value(answer.text, "score-attendance") == "15"  # everyone present: full points
    assert input_value(answer.text, "score-duration") == "2,5"  # 60 to 89 minutes: half
    assert input_value(answer.text, "score-preparation") == ""  # people decide the rest
    assert report_count(app) == 0


def test_only_a_draft_or_returned_report_can_be_edited(app, client, auth, users):
    report_id = one_report(app, "submitted")
    auth.login(users["secretary"])
    answer = client.get(f"/reports/{report_id}/edit")
    assert answer.status_code == 302 and answer.headers["Location"] == f"/reports/{report_id}"
    assert service.MSG_NOT_EDITABLE in client.get(answer.headers["Location"]).text
    page = client.get("/reports/new")
    posted = auth.post(f"/reports/{report_id}/edit", data=form_data(page.text))
    assert posted.status_code == 409
    assert service.MSG_NOT_EDITABLE in posted.text


def test_a_returned_report_shows_the_comment_and_is_resubmitted(app, client, auth, users):
    with app.app_context():
        report = make_report("ap-cho", 2022, 5, status="returned")
        report.review_comment = "Bổ sung ý kiến phát biểu vào biên bản."
        db.session.commit()
        report_id = report.id
    auth.login(users["secretary"])
    home = client.get("/")
    assert "Bổ sung ý kiến phát biểu vào biên bản." in home.text
    edit = client.get(f"/reports/{report_id}/edit")
    assert "Bổ sung ý kiến phát biểu vào biên bản." in edit.text and "Gửi lại báo cáo" in edit.text
    assert auth.post(f"/reports/{report_id}/edit", data=form_data(edit.text)).status_code == 302
    with app.app_context():
        assert db.session.get(Report, report_id).status is ReportStatus.SUBMITTED
        assert db.session.scalar(
            sa.select(AuditEntry.id).where(
                AuditEntry.action == "report.resubmit", AuditEntry.object_id == report_id
            )
        )


# --------------------------------------------------------------------------------------------
# Attachments through the form


def upload(data, name):
    return (io.BytesIO(data), name)


@pytest.mark.parametrize(
    ("data", "name"), [(PDF, "bien-ban.pdf"), (JPEG, "anh.jpg"), (PNG, "anh.png")]
)
def test_minutes_are_attached_and_served_only_as_a_download(app, client, auth, users, data, name):
    auth.login(users["secretary"])
    page = client.get("/reports/new")
    answer = auth.post(
        "/reports/new",
        data=dict(form_data(page.text), minutes_file=upload(data, name)),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    report_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    served = client.get(f"/reports/{report_id}/attachment")
    assert served.status_code == 200
    assert served.get_data() == data
    served.close()
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert (
        served.mimetype
        == {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}[name.rsplit(".")[1]]
    )
    auth.logout()
    auth.login(users["other_secretary"])
    assert client.get(f"/reports/{report_id}/attachment").status_code == 403


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PNG, "bien-ban.pdf", attachments.msg_mismatch(".pdf", "png")),
        (TEXT, "bien-ban.pdf", attachments.MSG_CONTENT),
        (PDF, "bien-ban.docx", attachments.MSG_EXTENSION),
        (PDF + b"0" * (10 * 1024 * 1024), "lon.pdf", attachments.msg_too_large(10 * 1024 * 1024)),
    ],
    ids=["png named pdf", "text named pdf", "docx", "over 10 MB"],
)
def test_a_wrong_file_is_refused_beside_the_field_and_nothing_is_stored(
    app, client, auth, users, data, name, message
):
    auth.login(users["secretary"])
    page = client.get("/reports/new")
    fields = dict(form_data(page.text), csrf_token=auth.csrf_token("/reports/new"))
    body, content_type = multipart(fields, {"minutes_file": (name, data)})
    answer = client.post("/reports/new", data=body, content_type=content_type)
    assert answer.status_code == 400
    assert field_error(answer.text, "minutes_file") == message
    assert report_count(app) == 0
    from pathlib import Path

    folder = Path(app.config["UPLOAD_FOLDER"])
    assert not folder.exists() or not any(folder.iterdir())


def test_a_request_larger_than_the_limit_gets_a_vietnamese_413(client, auth, users):
    auth.login(users["secretary"])
    fields = {"csrf_token": auth.csrf_token("/reports/new")}
    body, content_type = multipart(
        fields, {"minutes_file": ("x.pdf", b"%PDF-" + b"0" * (13 * 1024 * 1024))}
    )
    answer = client.post("/reports/new", data=body, content_type=content_type)
    assert answer.status_code == 413
    assert "tối đa 10 MB" in answer.text


def test_a_report_without_minutes_has_no_attachment_to_serve(app, client, auth, users):
    report_id = one_report(app)
    auth.login(users["committee"])
    assert client.get(f"/reports/{report_id}/attachment").status_code == 404


# --------------------------------------------------------------------------------------------
# Review through the pages


def test_after_a_decision_the_reviewer_goes_on_to_the_report_waiting_longest(
    app, client, auth, users
):
    first = one_report(app, "submitted", code="ap-cho")
    second = one_report(app, "submitted", code="cong-an")
    auth.login(users["committee"])
    answer = auth.post(f"/reports/{first}/review", data={"decision": "approve", "comment": ""})
    assert answer.headers["Location"] == f"/reports/{second}/review?after={first}"
    page = client.get(answer.headers["Location"]).text
    assert "Đã duyệt báo cáo" in page
    assert "Còn 1 báo cáo chờ duyệt: đây là báo cáo gửi sớm nhất của năm 2022." in page
    assert f'Báo cáo vừa duyệt: <a href="/reports/{first}">Chi bộ ấp Chợ' in page  # a way back
    answer = auth.post(
        f"/reports/{second}/review", data={"decision": "return", "comment": "Bổ sung biên bản."}
    )
    assert answer.headers["Location"] == "/reports/queue"  # nothing left: the empty queue


def test_the_committee_approves_with_adjusted_points(app, client, auth, users):
    report_id = one_report(app, "submitted")
    auth.login(users["committee"])
    page = client.get(f"/reports/{report_id}/review")
    assert input_value(page.text, "final-results") == "5"  # prefilled with the self-assessment
    answer = auth.post(
        f"/reports/{report_id}/review",
        data={"decision": "approve", "final-results": "4,5", "comment": "Đạt."},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/reports/queue"
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.status is ReportStatus.APPROVED and report.final_total_half_points == 89
    view = client.get(f"/reports/{report_id}")
    assert "5 → 4,5" in view.text  # the history shows old and new points


def test_the_queue_keeps_to_one_year_when_asked(app, client, auth, users):
    with app.app_context():
        older = make_report("ap-cho", 2022, 6, status="submitted").id
        newer = make_report("ap-cho", 2023, 5, status="submitted").id
        db.session.commit()
    auth.login(users["committee"])
    page = client.get("/reports/queue").text
    assert 'aria-current="page">Tất cả (2)</a>' in page and "Năm 2022 (1)" in page
    only = client.get("/reports/queue?year=2023").text
    assert f"/reports/{newer}/review" in only and f"/reports/{older}/review" not in only
    assert "1 báo cáo năm 2023, gửi sớm nhất ở trên." in only
    for bad in ("2031", "abc", "-1"):  # no such year in the queue: the whole queue
        assert f"/reports/{older}/review" in client.get(f"/reports/queue?year={bad}").text


def test_the_next_report_is_of_the_same_year_first(app, client, auth, users):
    with app.app_context():
        older = make_report("ap-cho", 2022, 6, status="submitted").id  # waiting longest
        decided = make_report("ap-cho", 2023, 5, status="submitted").id
        same_year = make_report("cong-an", 2023, 5, status="submitted").id
        db.session.commit()
    auth.login(users["committee"])
    answer = auth.post(f"/reports/{decided}/review", data={"decision": "approve", "comment": ""})
    assert answer.headers["Location"] == f"/reports/{same_year}/review?after={decided}"
    assert "đây là báo cáo gửi sớm nhất của năm 2023." in client.get(answer.headers["Location"]).text
    answer = auth.post(f"/reports/{same_year}/review", data={"decision": "approve", "comment": ""})
    assert answer.headers["Location"] == f"/reports/{older}/review?after={same_year}"


def test_returning_without_a_comment_shows_the_message_beside_it(app, client, auth, users):
    report_id = one_report(app, "submitted")
    auth.login(users["committee"])
    answer = auth.post(f"/reports/{report_id}/review", data={"decision": "return", "comment": ""})
    assert answer.status_code == 400
    assert field_error(answer.text, "comment") == rules.MSG_RETURN_COMMENT
    bad_points = auth.post(
        f"/reports/{report_id}/review", data={"decision": "approve", "final-attendance": "16"}
    )
    assert bad_points.status_code == 400
    assert field_error(bad_points.text, "final-attendance") == rules.msg_score_range(30)
    assert input_value(bad_points.text, "final-attendance") == "16"
    # The summary names each field and links to it.
    summary = re.search(r'<div class="alert alert--error error-summary".*?</div>', bad_points.text,
                        re.DOTALL).group(0)  # fmt: skip
    assert '<a href="#final-attendance">Điểm “' in summary
    assert rules.msg_score_range(30) in summary
    too_long = auth.post(
        f"/reports/{report_id}/review", data={"decision": "approve", "comment": "x" * 2001}
    )
    summary = re.search(r'<div class="alert alert--error error-summary".*?</div>', too_long.text,
                        re.DOTALL).group(0)  # fmt: skip
    assert '<a href="#comment">Nhận xét của Đảng ủy' in summary
    with app.app_context():
        assert db.session.get(Report, report_id).status is ReportStatus.SUBMITTED


def test_reviewing_a_report_that_is_not_waiting_is_a_conflict(app, client, auth, users):
    report_id = one_report(app, "approved")
    auth.login(users["committee"])
    page = client.get(f"/reports/{report_id}/review")
    assert page.status_code == 200 and 'name="decision"' not in page.text
    answer = auth.post(f"/reports/{report_id}/review", data={"decision": "approve"})
    assert answer.status_code == 409


def test_reopening_an_approved_report_needs_a_reason(app, client, auth, users):
    report_id = one_report(app, "approved")
    auth.login(users["committee"])
    refused = auth.post(f"/reports/{report_id}/reopen", data={"reason": " "})
    assert refused.status_code == 400
    assert field_error(refused.text, "reason") == rules.MSG_REOPEN_REASON
    answer = auth.post(
        f"/reports/{report_id}/reopen", data={"reason": "Chấm nhầm tiêu chí kết quả."}
    )
    assert answer.status_code == 302
    with app.app_context():
        report = db.session.get(Report, report_id)
        assert report.status is ReportStatus.SUBMITTED and report.grade is None
        assert report.review_comment == "Chấm nhầm tiêu chí kết quả."


# --------------------------------------------------------------------------------------------
# Weight of the form on a phone


def test_the_form_with_its_assets_weighs_under_150_kb(client, auth, users):
    auth.login(users["secretary"])  # ap-cho: the largest cell
    page = client.get("/reports/new")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))\?v=[0-9a-f]+"', page.text)
    assert assets == [
        "/static/css/app.css",
        "/static/js/scroll-regions.js",  # issue 12: scrolling tables reachable by keyboard
        "/static/js/report-form.js",
    ]
    total = len(page.data)
    for url in assets:
        with client.get(url) as asset:
            assert asset.status_code == 200
            total += len(asset.get_data())
    assert total < 150 * 1024, total


def test_a_cell_without_a_member_list_types_its_counts(app, client, auth, users):
    with app.app_context():
        for member in members_of("cong-an"):
            member.active = False
        db.session.commit()
    auth.login(users["other_secretary"])
    page = client.get("/reports/new")
    assert 'name="status-' not in page.text and 'name="summoned"' in page.text
    data = form_data(
        page.text,
        summoned="18",
        exempted="0",
        present="16",
        absent_excused="1",
        absent_unexcused="0",
        speakers="5",
        young_speakers="1",
    )
    refused = auth.post("/reports/new", data=data)
    assert refused.status_code == 400
    assert rules.msg_attendance_sum(18) in refused.text
    assert input_value(refused.text, "present") == "16"
    answer = auth.post("/reports/new", data=dict(data, present="17"))
    assert answer.status_code == 302
    with app.app_context():
        report = db.session.scalar(sa.select(Report))
        assert (report.summoned, report.present, report.speakers, report.attendance) == (
            18,
            17,
            5,
            [],
        )


def test_a_closed_year_shows_its_reports_without_any_action(app, client, auth, users):
    draft_id = one_report(app, "draft", month=6)
    submitted_id = one_report(app, "submitted")
    with app.app_context():
        from tracker.models import utcnow

        from .factories import campaign

        campaign(2022).closed_at = utcnow()
        db.session.commit()
    auth.login(users["secretary"])
    view = client.get(f"/reports/{draft_id}").text
    assert "đã khóa sổ" in view and f"/reports/{draft_id}/edit" not in view
    page = client.get("/reports/new?year=2022")
    assert '<option value="2022"' not in page.text  # a closed year is not offered
    auth.logout()
    auth.login(users["committee"])
    review = client.get(f"/reports/{submitted_id}/review").text
    assert "đã khóa sổ" in review and 'name="decision"' not in review
    answer = auth.post(f"/reports/{submitted_id}/review", data={"decision": "approve"})
    assert answer.status_code == 409
    assert service.msg_closed(2022) in answer.text
