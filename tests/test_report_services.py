"""The report workflow through the service layer: transitions, roles, audit rows, locks."""

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.domain import report_rules as rules
from tracker.domain.scoring import Grade
from tracker.extensions import db
from tracker.models import (
    AuditEntry,
    Report,
    ReportAttendance,
    ReportKind,
    ReportStatus,
    utcnow,
)
from tracker.reports import queries as report_reads
from tracker.services import Conflict, NotAllowed, ValidationFailed, attachments
from tracker.services import reports as service

from .factories import campaign, cell, make_report, members_of
from .reporting import PDF, PNG, SCORES, SCORES_TOTAL, report_input, user


def audit_rows(report_id):
    return db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "report", AuditEntry.object_id == report_id)
        .order_by(AuditEntry.id)
    ).all()


def score_rows(report_id, column=None):
    rows = [entry for entry in audit_rows(report_id) if entry.action == "report.score"]
    if column:
        rows = [entry for entry in rows if entry.before["column"] == column]
    return {
        entry.before["criterion"]: (entry.before["points"], entry.after["points"]) for entry in rows
    }


def test_the_whole_workflow(app, users):
    with app.app_context():
        secretary, committee = user("bithu.apcho"), user("danguy")
        # A draft may be incomplete.
        draft = service.create_report(
            secretary,
            cell=cell("ap-cho"),
            data=rules.ReportInput(kind="regular", year=2022, month=5, scores={"attendance": 15}),
            submit=False,
        )
        db.session.commit()
        assert draft.status is ReportStatus.DRAFT
        assert draft.self_total_half_points == 30
        assert draft.created_by_id == secretary.id and draft.submitted_at is None

        service.update_report(secretary, draft, data=report_input(), submit=True)
        db.session.commit()
        assert draft.status is ReportStatus.SUBMITTED
        assert draft.submitted_by_id == secretary.id and draft.submitted_at is not None
        assert draft.self_total == SCORES_TOTAL

        service.return_report(committee, draft, comment="Biên bản thiếu ý kiến phát biểu.")
        db.session.commit()
        assert draft.status is ReportStatus.RETURNED
        assert draft.review_comment == "Biên bản thiếu ý kiến phát biểu."
        assert draft.reviewed_by_id == committee.id and draft.reviewed_at is not None

        service.update_report(
            secretary, draft, data=report_input(scores=dict(SCORES, results=23)), submit=True
        )
        db.session.commit()
        assert draft.status is ReportStatus.SUBMITTED
        assert draft.self_total == Decimal(95)

        service.approve_report(committee, draft, scores={"preparation": 12, "criticism": "8,5"})
        db.session.commit()
        assert draft.status is ReportStatus.APPROVED
        assert draft.final_total == Decimal("92.5")
        assert draft.self_total == Decimal(95)  # the self-assessment is kept
        assert draft.grade is Grade.TOT
        finals = {s.criterion.code: s.final_half_points for s in draft.scores}
        assert finals["preparation"] == 24 and finals["criticism"] == 17 and finals["results"] == 46

        service.reopen_report(committee, draft, reason="Điểm chuẩn bị chấm nhầm.")
        db.session.commit()
        assert draft.status is ReportStatus.SUBMITTED
        assert draft.final_total_half_points is None and draft.grade is None
        assert all(s.final_half_points is None for s in draft.scores)

        service.approve_report(committee, draft, scores={"attendance": 14})
        db.session.commit()
        assert draft.final_total == Decimal(94) and draft.grade is Grade.KHA  # a gate is not full

        actions = [entry.action for entry in audit_rows(draft.id) if entry.action != "report.score"]
        assert actions == [
            "report.create",
            "report.update",
            "report.submit",
            "report.return",
            "report.update",
            "report.resubmit",
            "report.approve",
            "report.reopen",
            "report.approve",
        ]
        assert all(
            entry.user_id is not None and entry.cell_id == draft.cell_id
            for entry in audit_rows(draft.id)
        )


# --------------------------------------------------------------------------------------------
# Transitions refused from the wrong state


ACTIONS = {
    "save": lambda r, u: service.update_report(
        u["secretary"], r, data=report_input(), submit=False
    ),
    "submit": lambda r, u: service.update_report(
        u["secretary"], r, data=report_input(), submit=True
    ),
    "api_resubmit": lambda r, u: service.update_report(
        u["secretary"], r, data=report_input(), submit=True, cell=cell("ap-cho"), only_returned=True
    ),
    "approve": lambda r, u: service.approve_report(u["committee"], r),
    "return": lambda r, u: service.return_report(u["committee"], r, comment="Bổ sung biên bản."),
    "review": lambda r, u: service.review_report(u["committee"], r, decision="approve"),
    "reopen": lambda r, u: service.reopen_report(u["committee"], r, reason="Chấm lại."),
}
ALLOWED_FROM = {
    "save": {"draft", "returned"},
    "submit": {"draft", "returned"},
    "api_resubmit": {"returned"},
    "approve": {"submitted"},
    "return": {"submitted"},
    "review": {"submitted"},
    "reopen": {"approved"},
}
STATES = ["draft", "submitted", "returned", "approved"]


def accounts():
    return {
        "admin": user("admin"),
        "committee": user("danguy"),
        "secretary": user("bithu.apcho"),
        "other_secretary": user("bithu.congan"),
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_transition_runs_only_from_its_states(app, users, action, state):
    with app.app_context():
        report = make_report("ap-cho", 2022, 5, status=state, scores={k: 2 for k in SCORES})
        db.session.commit()
        before = (report.status, report.self_total_half_points, report.final_total_half_points)
        audits = len(audit_rows(report.id))
        if state in ALLOWED_FROM[action]:
            ACTIONS[action](report, accounts())
            db.session.commit()
            assert len(audit_rows(report.id)) > audits
        else:
            with pytest.raises(Conflict):
                ACTIONS[action](report, accounts())
            db.session.rollback()
            report = db.session.get(Report, report.id)
            assert (
                report.status,
                report.self_total_half_points,
                report.final_total_half_points,
            ) == before
            assert len(audit_rows(report.id)) == audits


# --------------------------------------------------------------------------------------------
# Transitions refused to the wrong role


ROLE_ACTIONS = {
    # action: (state of the report, how to run it with an actor)
    "create": (
        None,
        lambda r, a: service.create_report(
            a, cell=cell("ap-cho"), data=report_input(month=6, held_on="2022-06-10"), submit=True
        ),
    ),
    "save": ("draft", lambda r, a: service.update_report(a, r, data=report_input(), submit=False)),
    "submit": ("draft", lambda r, a: service.update_report(a, r, data=report_input(), submit=True)),
    "resubmit": (
        "returned",
        lambda r, a: service.update_report(a, r, data=report_input(), submit=True),
    ),
    "approve": ("submitted", lambda r, a: service.approve_report(a, r)),
    "return": ("submitted", lambda r, a: service.return_report(a, r, comment="Sửa lại.")),
    "reopen": ("approved", lambda r, a: service.reopen_report(a, r, reason="Chấm lại.")),
}
MAY = {
    "create": {"admin", "secretary"},
    "save": {"admin", "secretary"},
    "submit": {"admin", "secretary"},
    "resubmit": {"admin", "secretary"},
    "approve": {"admin", "committee"},
    "return": {"admin", "committee"},
    "reopen": {"admin", "committee"},
}


@pytest.mark.parametrize("role", ["admin", "committee", "secretary", "other_secretary"])
@pytest.mark.parametrize("action", list(ROLE_ACTIONS))
def test_each_transition_is_refused_to_the_wrong_role(app, users, action, role):
    with app.app_context():
        state, run = ROLE_ACTIONS[action]
        report = None
        if state:
            report = make_report("ap-cho", 2022, 5, status=state, scores={k: 2 for k in SCORES})
        db.session.commit()
        count = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
        actor = accounts()[role]
        if role in MAY[action]:
            run(report, actor)
            db.session.commit()
        else:
            with pytest.raises(NotAllowed):
                run(report, actor)
            db.session.rollback()
            assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == count
            if report is not None:
                assert db.session.get(Report, report.id).status.value == state


# --------------------------------------------------------------------------------------------
# Audit rows: one per changed criterion, old and new points, same transaction


def test_creating_a_report_audits_every_criterion_given(app, users):
    with app.app_context():
        report = service.create_report(
            user("bithu.apcho"), cell=cell("ap-cho"), data=report_input(), submit=True
        )
        db.session.commit()
        assert score_rows(report.id, "self") == {
            code: (None, points) for code, points in SCORES.items()
        }


def test_saving_audits_only_the_changed_criteria_with_old_and_new_points(app, users):
    with app.app_context():
        secretary = user("bithu.apcho")
        report = service.create_report(
            secretary, cell=cell("ap-cho"), data=report_input(), submit=False
        )
        db.session.commit()
        first = {entry.id for entry in audit_rows(report.id)}
        service.update_report(
            secretary,
            report,
            data=report_input(scores=dict(SCORES, preparation=12.5, results=20)),
            submit=False,
        )
        db.session.commit()
        new = [
            entry
            for entry in audit_rows(report.id)
            if entry.id not in first and entry.action == "report.score"
        ]
        assert {e.before["criterion"]: (e.before["points"], e.after["points"]) for e in new} == {
            "preparation": (14, 12.5),
            "results": (22.5, 20),
        }
        assert "12,5" in next(e.summary for e in new if e.before["criterion"] == "preparation")


def test_approval_audits_each_committee_adjustment(app, users):
    with app.app_context():
        report = service.create_report(
            user("bithu.apcho"), cell=cell("ap-cho"), data=report_input(), submit=True
        )
        db.session.commit()
        service.approve_report(user("danguy"), report, scores={"results": 20, "ideology": 5})
        db.session.commit()
        # ideology was already 5: unchanged, so no row.
        assert score_rows(report.id, "final") == {"results": (22.5, 20)}
        approve = next(e for e in audit_rows(report.id) if e.action == "report.approve")
        assert approve.after["final_total"] == 92 and approve.after["grade"] == "tot"


def test_a_refused_change_stores_nothing(app, users):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
        with pytest.raises(ValidationFailed) as refused:
            service.create_report(
                user("bithu.apcho"),
                cell=cell("ap-cho"),
                data=report_input(duration_minutes=0),
                submit=True,
            )
        db.session.rollback()
        assert refused.value.fields == {"duration_minutes": rules.MSG_DURATION}
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == before


def test_changes_and_audit_rows_roll_back_together(app, users):
    with app.app_context():
        report = service.create_report(
            user("bithu.apcho"), cell=cell("ap-cho"), data=report_input(), submit=True
        )
        db.session.commit()
        count = len(audit_rows(report.id))
        service.approve_report(user("danguy"), report, scores={"results": 10})
        db.session.rollback()
        report = db.session.get(Report, report.id)
        assert report.status is ReportStatus.SUBMITTED and report.final_total_half_points is None
        assert len(audit_rows(report.id)) == count


# --------------------------------------------------------------------------------------------
# Review rules


def test_returning_needs_a_comment_and_reopening_a_reason(app, users):
    with app.app_context():
        submitted = make_report("ap-cho", 2022, 5, status="submitted")
        approved = make_report("ap-cho", 2022, 6, status="approved")
        db.session.commit()
        with pytest.raises(ValidationFailed) as no_comment:
            service.return_report(user("danguy"), submitted, comment="   ")
        assert no_comment.value.fields == {"comment": rules.MSG_RETURN_COMMENT}
        with pytest.raises(ValidationFailed) as no_reason:
            service.reopen_report(user("danguy"), approved, reason="")
        assert no_reason.value.fields == {"reason": rules.MSG_REOPEN_REASON}


def test_committee_adjustments_follow_the_score_rules(app, users):
    with app.app_context():
        report = make_report("ap-cho", 2022, 5, status="submitted")
        db.session.commit()
        with pytest.raises(ValidationFailed) as refused:
            service.approve_report(
                user("danguy"), report, scores={"attendance": 16, "beauty": 1, "results": 7.3}
            )
        assert refused.value.fields == {
            "scores.attendance": rules.msg_score_range(30),
            "scores.beauty": rules.msg_score_unknown("beauty", 2022),
            "scores.results": rules.MSG_SCORE_HALF,
        }


def test_an_unknown_decision_is_invalid(app, users):
    with app.app_context():
        report = make_report("ap-cho", 2022, 5, status="submitted")
        db.session.commit()
        with pytest.raises(ValidationFailed) as refused:
            service.review_report(user("danguy"), report, decision="maybe")
        assert refused.value.fields == {"decision": rules.MSG_DECISION}


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("save", "draft"),
        ("approve", "submitted"),
        ("return", "submitted"),
        ("reopen", "approved"),
        ("create", None),
    ],
)
def test_a_closed_campaign_year_locks_its_reports(app, users, action, state):
    with app.app_context():
        report = make_report("ap-cho", 2022, 5, status=state) if state else None
        campaign(2022).closed_at = utcnow()
        db.session.commit()
        run = ROLE_ACTIONS[action][1] if action != "save" else ACTIONS["save"]
        actor = user("danguy") if action in ("approve", "return", "reopen") else user("bithu.apcho")
        with pytest.raises(Conflict) as refused:
            if action == "save":
                run(report, accounts())
            else:
                run(report, actor)
        assert refused.value.message == service.msg_closed(2022)


# --------------------------------------------------------------------------------------------
# One regular report per cell and month: decided by the database


def test_a_second_regular_report_for_the_month_is_a_conflict(app, users):
    with app.app_context():
        secretary = user("bithu.apcho")
        service.create_report(secretary, cell=cell("ap-cho"), data=report_input(), submit=False)
        db.session.commit()
        with pytest.raises(Conflict) as refused:
            service.create_report(secretary, cell=cell("ap-cho"), data=report_input(), submit=True)
        db.session.rollback()
        assert refused.value.fields == {"month": service.msg_duplicate(5, 2022)}
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 1
        # Thematic meetings may be several in a month.
        for _ in range(2):
            service.create_report(
                secretary,
                cell=cell("ap-cho"),
                data=report_input(kind="thematic", topic="Chuyên đề"),
                submit=True,
            )
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 3


def test_the_unique_index_itself_refuses_a_second_regular_report(app, users):
    with app.app_context():
        for _ in range(2):
            db.session.add(
                Report(
                    cell=cell("cong-an"), campaign=campaign(2022), month=7, kind=ReportKind.REGULAR
                )
            )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_moving_a_draft_onto_a_taken_month_is_a_conflict(app, users):
    with app.app_context():
        secretary = user("bithu.apcho")
        make_report("ap-cho", 2022, 6, status="approved")
        draft = service.create_report(
            secretary, cell=cell("ap-cho"), data=report_input(), submit=False
        )
        db.session.commit()
        with pytest.raises(Conflict):
            service.update_report(
                secretary, draft, data=report_input(month=6, held_on="2022-06-03"), submit=False
            )
        db.session.rollback()
        assert db.session.get(Report, draft.id).month == 5


def test_a_report_moved_to_another_year_is_scored_on_that_year_s_rubric(app, users):
    with app.app_context():
        secretary, committee = user("bithu.apcho"), user("danguy")
        report = service.create_report(
            secretary, cell=cell("ap-cho"), data=report_input(), submit=True
        )
        service.return_report(committee, report, comment="Sai năm: cuộc họp diễn ra năm 2023.")
        db.session.commit()

        service.update_report(
            secretary, report, data=report_input(year=2023, held_on="2023-05-10"), submit=True
        )
        service.approve_report(committee, report, scores={"results": 20})
        db.session.commit()

        db.session.expire_all()
        report = db.session.get(Report, report.id)
        assert {score.criterion.campaign.year for score in report.scores} == {2023}
        scores = report_reads.scores_by_code(report)
        assert set(scores) == set(SCORES)
        assert scores["results"].final_half_points == 40
        assert report.final_total_half_points == int(SCORES_TOTAL * 2) - 5
        assert report.grade is Grade.TOT


# --------------------------------------------------------------------------------------------
# Per-member lines and counts


def lines_for(code, *, absent=0, spoke=0):
    rows = []
    for index, member in enumerate(m for m in members_of(code) if m.active):
        status = (
            "exempted" if member.exempted else ("absent_excused" if index < absent else "present")
        )
        rows.append(
            rules.AttendanceRow(
                member.id, member.birth_year, status, status == "present" and index < absent + spoke
            )
        )
    return rows


def test_the_counts_of_a_report_come_from_its_member_lines(app, users):
    with app.app_context():
        members = [m for m in members_of("ap-cho") if m.active]
        report = service.create_report(
            user("bithu.apcho"),
            cell=cell("ap-cho"),
            data=report_input(attendance=None, speakers=None, young_speakers=None),
            rows=lines_for("ap-cho", absent=3, spoke=5),
            submit=True,
        )
        db.session.commit()
        exempted = sum(m.exempted for m in members)
        assert (report.summoned, report.exempted) == (len(members), exempted)
        assert (report.present, report.absent_excused, report.absent_unexcused) == (
            len(members) - exempted - 3,
            3,
            0,
        )
        assert report.speakers == 5
        young = [m for m in members if 2022 - m.birth_year < 35]
        spoke_ids = {row.member_id for row in report.attendance if row.spoke}
        assert report.young_speakers == len([m for m in young if m.id in spoke_ids])
        assert len(report.attendance) == len(members)


def test_counts_sent_without_lines_drop_lines_that_no_longer_match(app, users):
    with app.app_context():
        secretary = user("bithu.apcho")
        report = service.create_report(
            secretary,
            cell=cell("ap-cho"),
            data=report_input(),
            rows=lines_for("ap-cho", spoke=4),
            submit=True,
        )
        report.status = ReportStatus.RETURNED
        db.session.commit()
        same = report_input(
            attendance={k: getattr(report, k) for k in rules.COUNT_KEYS},
            speakers=report.speakers,
            young_speakers=report.young_speakers,
        )
        service.update_report(secretary, report, data=same, submit=False)
        db.session.commit()
        assert len(report.attendance) > 0
        service.update_report(secretary, report, data=report_input(), submit=True)
        db.session.commit()
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(ReportAttendance)
                .where(ReportAttendance.report_id == report.id)
            )
            == 0
        )


# --------------------------------------------------------------------------------------------
# Attachments


def stored_files(app):
    """The names of the attachments kept in the database (none go to a folder any more)."""
    from pathlib import Path

    from tracker.models import AttachmentContent

    folder = Path(app.config["UPLOAD_FOLDER"])
    assert not folder.exists() or not any(folder.iterdir())
    return sorted(db.session.scalars(sa.select(AttachmentContent.name)))


def test_minutes_are_stored_in_the_database_under_a_generated_name(app, users):
    with app.app_context():
        report = service.create_report(
            user("bithu.apcho"),
            cell=cell("ap-cho"),
            data=report_input(),
            submit=True,
            attachment=attachments.Upload("Biên bản tháng 5.pdf", PDF),
        )
        db.session.commit()
        assert report.attachment_name == "Biên bản tháng 5.pdf"
        assert report.attachment_type == "application/pdf" and report.attachment_size == len(PDF)
        assert stored_files(app) == [report.attachment_path]
        assert attachments.STORED_NAME.match(report.attachment_path)
        assert attachments.content_of(report) == PDF


def test_a_rolled_back_change_keeps_no_bytes_and_a_replaced_file_goes(app, users):
    with app.app_context():
        secretary = user("bithu.apcho")
        report = service.create_report(
            secretary,
            cell=cell("ap-cho"),
            data=report_input(),
            submit=False,
            attachment=attachments.Upload("a.pdf", PDF),
        )
        db.session.commit()
        first = report.attachment_path
        service.update_report(
            secretary,
            report,
            data=report_input(),
            submit=False,
            attachment=attachments.Upload("b.png", PNG),
        )
        db.session.rollback()
        assert stored_files(app) == [first]
        report = db.session.get(Report, report.id)
        service.update_report(
            secretary,
            report,
            data=report_input(),
            submit=False,
            attachment=attachments.Upload("c.png", PNG),
        )
        db.session.commit()
        assert stored_files(app) == [report.attachment_path] != [first]


def test_a_wrong_attachment_is_a_field_error_and_nothing_is_stored(app, users):
    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            service.create_report(
                user("bithu.apcho"),
                cell=cell("ap-cho"),
                data=report_input(),
                submit=True,
                attachment=attachments.Upload("bien-ban.pdf", PNG),
            )
        db.session.rollback()
        assert refused.value.fields == {"minutes_file": attachments.msg_mismatch(".pdf", "png")}
        assert stored_files(app) == []
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0


def test_backdated_stamps_are_aware_utc(app, users):
    with app.app_context():
        report = service.create_report(
            user("bithu.apcho"), cell=cell("ap-cho"), data=report_input(), submit=True
        )
        db.session.commit()
        db.session.expire_all()
        report = db.session.get(Report, report.id)
        assert report.submitted_at.tzinfo is not None
        assert abs(report.submitted_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
