"""Meeting reports: every state change, for the pages, the API and the demo alike.

States: draft -> submitted -> returned | approved; returned -> submitted (resubmitted);
approved -> submitted (reopened, with a reason). Each function checks the actor
(tracker/permissions.py) and the state, stamps who and when, writes its audit rows (one per
changed criterion, with the old and new points) and flushes; the caller commits once.
A closed campaign year locks its reports (409).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..campaigns import campaign_for_year
from ..domain import report_rules as rules
from ..domain.scoring import report_grade, to_points
from ..domain.vietnamese import format_points
from ..extensions import db
from ..models import (
    AttendanceStatus,
    Campaign,
    Cell,
    Report,
    ReportAttendance,
    ReportKind,
    ReportScore,
    ReportStatus,
    Role,
    User,
    utcnow,
)
from ..permissions import FORBIDDEN_MESSAGE, OTHER_CELL_MESSAGE, can_report_for_cell, can_review
from ..queries import Rubric, campaign_facts, rubric_of
from . import Conflict, NotAllowed, ValidationFailed, attachments, audit

MSG_INVALID = "Báo cáo chưa hợp lệ; vui lòng sửa các mục được nêu."
MSG_COMMITTEE_FILES_NOTHING = "Đảng ủy duyệt báo cáo, không lập hay gửi báo cáo."
MSG_REVIEW_ONLY = "Chỉ Đảng ủy và quản trị viên được duyệt báo cáo."
MSG_NOT_EDITABLE = "Chỉ sửa được báo cáo đang là bản nháp hoặc bị trả lại."
MSG_NOT_RETURNED = "Chỉ gửi lại được báo cáo đang bị trả lại."
MSG_NOT_SUBMITTED = "Chỉ duyệt hoặc trả lại được báo cáo đang chờ duyệt."
MSG_NOT_APPROVED = "Chỉ mở lại được báo cáo đã duyệt."
MSG_CELL_CHANGE = "Không thể đổi chi bộ của một báo cáo đã lập."
MSG_INVALID_REVIEW = "Quyết định duyệt chưa hợp lệ."

# The report state guard: the statuses each step starts from, and what is said otherwise.
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
STEPS = {
    "edit": (EDITABLE, MSG_NOT_EDITABLE),
    "resubmit": ((ReportStatus.RETURNED,), MSG_NOT_RETURNED),
    "review": ((ReportStatus.SUBMITTED,), MSG_NOT_SUBMITTED),
    "reopen": ((ReportStatus.APPROVED,), MSG_NOT_APPROVED),
}


def msg_closed(year: int) -> str:
    return f"Năm thi đua {year} đã khóa sổ; không thể thay đổi báo cáo của năm này."


def msg_duplicate(month: int, year: int) -> str:
    return f"Chi bộ đã có báo cáo sinh hoạt thường kỳ tháng {month}/{year}."


def campaign_named(raw_year: Any) -> Campaign | None:
    """The campaign of a raw year value (None when it is not a year or has no campaign)."""
    try:
        year = rules.parse_year(raw_year)
    except ValueError:
        return None
    return campaign_for_year(year)


def report_label(report: Report) -> str:
    """ "báo cáo sinh hoạt thường kỳ tháng 5/2022 — Chi bộ ấp Chợ", to follow a verb."""
    kind = "thường kỳ" if report.kind is ReportKind.REGULAR else "chuyên đề"
    return (
        f"báo cáo sinh hoạt {kind} tháng {report.month}/{report.campaign.year} — {report.cell.name}"
    )


# --------------------------------------------------------------------------------------------
# Checks shared by the transitions


def _ensure_may_file(actor: User, cell: Cell | None) -> None:
    if actor.role is Role.COMMITTEE:
        raise NotAllowed(MSG_COMMITTEE_FILES_NOTHING)
    if cell is not None and not can_report_for_cell(actor, cell.id):
        raise NotAllowed(OTHER_CELL_MESSAGE, {"cell": OTHER_CELL_MESSAGE})
    if actor.role not in (Role.ADMIN, Role.SECRETARY):
        raise NotAllowed(FORBIDDEN_MESSAGE)


def _ensure_may_review(actor: User) -> None:
    if not can_review(actor):
        raise NotAllowed(MSG_REVIEW_ONLY)


def _ensure_open(campaign: Campaign) -> None:
    """Refuse any change to a report of a closed year.

    The closing mark is read again under a shared row lock (PostgreSQL; SQLite writers run one
    at a time anyway): a closing, which locks the row exclusively, either waits for this change
    to commit or has committed before it, never slips in between.
    """
    closed_at = db.session.scalar(
        sa.select(Campaign.closed_at).where(Campaign.id == campaign.id).with_for_update(read=True)
    )
    if closed_at is not None:
        raise Conflict(msg_closed(campaign.year))


def may_take_step(report: Report, step: str) -> bool:
    """True when the report's status lets it take ``step`` (see ``STEPS``)."""
    return report.status in STEPS[step][0]


def _ensure_step(report: Report, step: str) -> None:
    if not may_take_step(report, step):
        raise Conflict(STEPS[step][1])


def _start_review(actor: User, report: Report, step: str) -> None:
    """Lock the report, then check the reviewer, the report's status and its year."""
    _lock(report)
    _ensure_may_review(actor)
    _ensure_step(report, step)
    _ensure_open(report.campaign)


def _lock(report: Report) -> None:
    """Hold the report's row until the transaction ends, and read it (and its lines) afresh.

    Every change to a stored report starts here, before it checks the state: two reviews or two
    resubmissions of one report sent at once then run one after the other on PostgreSQL, and
    the second sees the first's outcome (409) instead of both passing the check. Taken before
    any flush, so always before the year-tally lock (tracker/tallies.py): no deadlock. SQLite
    writers run one at a time anyway (BEGIN IMMEDIATE).
    """
    db.session.execute(
        sa.select(Report)
        .where(Report.id == report.id)
        .options(selectinload(Report.scores), selectinload(Report.attendance))
        .with_for_update(of=Report)
        .execution_options(populate_existing=True)
    ).scalar_one()  # the rows must be fetched for the ORM to refresh the objects


def _check(
    data: rules.ReportInput,
    rows: Sequence[rules.AttendanceRow] | None,
    *,
    campaign: Campaign | None,
    complete: bool,
    cell_known: bool | None,
) -> tuple[
    rules.RuleResult, list[rules.CleanAttendance] | None, rules.DerivedCounts | None, Rubric | None
]:
    """Run the shared rules; with per-member rows, their counts replace the given ones."""
    rubric = rubric_of(campaign) if campaign is not None else None
    clean_rows = derived = None
    row_errors: dict[str, str] = {}
    if rows is not None:
        year_for_age = campaign.year if campaign is not None else utcnow().year
        limit = campaign.young_age_limit if campaign is not None else 35
        clean_rows, derived, row_errors = rules.derive_attendance(
            rows, year=year_for_age, young_age_limit=limit
        )
        data = rules.ReportInput(**vars(data))
        data.attendance = derived.attendance()
        data.speakers = derived.speakers
        data.young_speakers = derived.young_speakers
    result = rules.check_report(
        data,
        campaign=campaign_facts(campaign) if campaign is not None else None,
        criteria=rubric.lines if rubric else [],
        complete=complete,
        cell_known=cell_known,
    )
    if rubric is None:
        # No campaign, no rubric: the year's own error says why; points cannot be checked.
        result.errors = {k: v for k, v in result.errors.items() if not k.startswith("scores.")}
    result.errors.update(row_errors)
    return result, clean_rows, derived, rubric


def msg_not_taking_part(cell: Cell, year: int | None = None) -> str:
    if cell.left_year is not None and (year is None or year >= cell.left_year):
        return f"{cell.name} không còn tham gia thi đua từ năm {cell.left_year}."
    return f"{cell.name} tham gia thi đua từ năm {cell.joined_year}."


def _check_taking_part(cell: Cell | None, campaign: Campaign | None, errors: dict) -> None:
    """A cell files reports only for the campaign years it takes part in."""
    if cell is not None and campaign is not None and not cell.takes_part_in(campaign.year):
        errors.setdefault("year", msg_not_taking_part(cell, campaign.year))


def _check_attachment(upload: attachments.Upload | None, errors: dict[str, str]):
    if upload is None:
        return None
    checked, message = attachments.check_upload(upload, attachments.max_bytes())
    if message:
        errors[attachments.ATTACHMENT_FIELD] = message
    return checked


# --------------------------------------------------------------------------------------------
# Writing the values of a report


def _apply_values(report: Report, clean: rules.CleanReport) -> None:
    report.kind = ReportKind(clean.kind)
    report.month = clean.month
    report.held_on = clean.held_on
    report.duration_minutes = clean.duration_minutes
    for key in rules.COUNT_KEYS:
        setattr(report, key, clean.counts.get(key) or 0)
    report.speakers = clean.speakers or 0
    report.young_speakers = clean.young_speakers or 0
    report.topic = clean.topic
    report.notes = clean.notes
    report.chaired_by = clean.chaired_by
    report.minutes_taker = clean.minutes_taker
    report.delegate_name = clean.delegate_name


CHECKLIST = (
    "ideology_covered",
    "hcm_study_covered",
    "criticism_done",
    "resolution_voted",
    "minutes_complete",
)


def _apply_flags(report: Report, flags: Mapping[str, bool] | None) -> None:
    """The content checklist and the delegate (the form sends them; the API does not)."""
    if flags is None:
        return
    for key in CHECKLIST + ("delegate_present",):
        if key in flags:
            setattr(report, key, bool(flags[key]))
    if not report.delegate_present:
        report.delegate_name = ""


def _set_self_scores(report: Report, scores: Mapping[str, int], rubric: Rubric) -> list[tuple]:
    """Store the self-assessed half-points; return (criterion, old, new) of each change.

    Lines are matched by criterion, not by code: a report moved to another campaign year drops
    the lines of the old year's rubric and takes those of the new one.
    """
    wanted = {criterion.id for criterion in rubric.criteria}
    changes = []
    for score in list(report.scores):
        if score.criterion_id not in wanted:
            changes.append((score.criterion, score.self_half_points, None))
            report.scores.remove(score)
    existing = {score.criterion_id: score for score in report.scores}
    for criterion in rubric.criteria:
        old = existing.get(criterion.id)
        new = scores.get(criterion.code)
        old_value = old.self_half_points if old is not None else None
        if old_value == new:
            continue
        changes.append((criterion, old_value, new))
        if new is None:
            report.scores.remove(old)
        elif old is None:
            report.scores.append(
                ReportScore(criterion=criterion, self_half_points=new, final_half_points=None)
            )
        else:
            old.self_half_points = new
    report.self_total_half_points = sum(
        value for code, value in scores.items() if code in rubric.by_code()
    )
    return changes


def _set_attendance(report: Report, rows: list[rules.CleanAttendance]) -> None:
    existing = {row.member_id: row for row in report.attendance}
    wanted = {row.member_id for row in rows}
    for member_id, row in list(existing.items()):
        if member_id not in wanted:
            report.attendance.remove(row)
    for row in rows:
        target = existing.get(row.member_id)
        if target is None:
            target = ReportAttendance(member_id=row.member_id)
            report.attendance.append(target)
        target.status = AttendanceStatus(row.status)
        target.spoke = row.spoke
        target.absence_reason = row.reason


def _counts_of(report: Report) -> tuple:
    return tuple(getattr(report, key) for key in rules.COUNT_KEYS) + (
        report.speakers,
        report.young_speakers,
    )


def _audit_scores(report: Report, actor: User, changes: Iterable[tuple], column: str) -> None:
    label = "tự chấm" if column == "self" else "Đảng ủy chấm"
    for criterion, old, new in changes:
        audit.record(
            "report.score",
            actor=actor,
            object_type="report",
            object_id=report.id,
            cell_id=report.cell_id,
            summary=(
                f"{criterion.title[:200]} ({label}): {_points_text(old)} → {_points_text(new)}"
            ),
            before={"criterion": criterion.code, "column": column, "points": to_points(old)},
            after={"criterion": criterion.code, "column": column, "points": to_points(new)},
        )


def _points_text(half_points: int | None) -> str:
    return "—" if half_points is None else format_points(to_points(half_points))


def _snapshot(report: Report) -> dict:
    return {
        "status": report.status,
        "kind": report.kind,
        "year": report.campaign.year if report.campaign else None,
        "month": report.month,
        "held_on": report.held_on,
        "duration_minutes": report.duration_minutes,
        "attendance": {key: getattr(report, key) for key in rules.COUNT_KEYS},
        "speakers": report.speakers,
        "young_speakers": report.young_speakers,
        "self_total": to_points(report.self_total_half_points),
    }


@contextmanager
def _one_regular_report_per_month(month: int, year: int):
    """Run the changes of a report's slot in a savepoint and flush them: the database's unique
    index decides whether the cell already has a regular report that month (409)."""
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError as error:
        message = msg_duplicate(month, year)
        raise Conflict(message, {"month": message}) from error


def _store_attachment(
    report: Report, checked: attachments.CheckedUpload | None, actor: User
) -> None:
    if checked is None:
        return
    old_name = report.attachment_path
    report.attachment_path = attachments.store(db.session(), report, checked)
    report.attachment_name = checked.original_name
    report.attachment_type = checked.mime_type
    report.attachment_size = len(checked.data)
    audit.record(
        "report.attach",
        actor=actor,
        object_type="report",
        object_id=report.id,
        cell_id=report.cell_id,
        summary=f"Đính kèm biên bản: {report.attachment_name} ({len(checked.data):,} byte)".replace(
            ",", "."
        ),
        before={"file": old_name or None},
        after={"file": report.attachment_path, "name": report.attachment_name},
    )


def _mark_submitted(report: Report, actor: User, *, resubmit: bool) -> None:
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = utcnow()
    report.submitted_by_id = actor.id
    audit.record(
        "report.resubmit" if resubmit else "report.submit",
        actor=actor,
        object_type="report",
        object_id=report.id,
        cell_id=report.cell_id,
        summary=("Gửi lại " if resubmit else "Gửi ") + report_label(report),
        after={
            "status": ReportStatus.SUBMITTED,
            "self_total": to_points(report.self_total_half_points),
        },
    )


# --------------------------------------------------------------------------------------------
# Filing: create, save, submit, resubmit


def create_report(
    actor: User,
    *,
    cell: Cell | None,
    data: rules.ReportInput,
    rows: Sequence[rules.AttendanceRow] | None = None,
    flags: Mapping[str, bool] | None = None,
    submit: bool,
    attachment: attachments.Upload | None = None,
    cell_named: bool = True,
    extra_errors: Mapping[str, str] | None = None,
) -> Report:
    """File a new report for ``cell`` (a draft, or submitted at once).

    ``rows`` are the per-member lines of the form (their counts replace ``data``'s);
    ``cell_named`` tells an unknown cell (400) from a missing one; ``extra_errors`` are the
    caller's own findings (the API's JSON types and unknown fields), refused with the rest.
    """
    _ensure_may_file(actor, cell)
    campaign = campaign_named(data.year)
    result, clean_rows, _derived, rubric = _check(
        data,
        rows,
        campaign=campaign,
        complete=submit,
        cell_known=(cell is not None) if cell_named else None,
    )
    errors = dict(result.errors)
    errors.update(extra_errors or {})
    _check_taking_part(cell, campaign, errors)
    checked = _check_attachment(attachment, errors)
    if errors:
        raise ValidationFailed(MSG_INVALID, errors)
    _ensure_open(campaign)

    clean = result.values
    report = Report(
        cell=cell,
        campaign=campaign,
        status=ReportStatus.DRAFT,
        created_by_id=actor.id,
    )
    _apply_values(report, clean)
    _apply_flags(report, flags)
    with _one_regular_report_per_month(clean.month, clean.year):
        db.session.add(report)
    changes = _set_self_scores(report, clean.scores, rubric)
    if clean_rows is not None:
        _set_attendance(report, clean_rows)
    _store_attachment(report, checked, actor)
    audit.record(
        "report.create",
        actor=actor,
        object_type="report",
        object_id=report.id,
        cell_id=report.cell_id,
        summary="Lập " + report_label(report),
        after=_snapshot(report),
    )
    _audit_scores(report, actor, changes, "self")
    if submit:
        _mark_submitted(report, actor, resubmit=False)
    db.session.flush()
    return report


def update_report(
    actor: User,
    report: Report,
    *,
    data: rules.ReportInput,
    rows: Sequence[rules.AttendanceRow] | None = None,
    flags: Mapping[str, bool] | None = None,
    submit: bool,
    attachment: attachments.Upload | None = None,
    cell: Cell | None | bool = True,
    only_returned: bool = False,
    extra_errors: Mapping[str, str] | None = None,
) -> Report:
    """Save a draft or returned report; with ``submit``, send it (again) for review.

    ``cell``: True when the caller does not name a cell (the form), else the cell named in the
    body (None when the code is unknown), which must be the report's own.
    ``only_returned``: the API's PUT resubmits returned reports only (409 otherwise).
    ``extra_errors``: the caller's own findings, refused with the rest (see create_report).
    """
    _lock(report)
    _ensure_may_file(actor, report.cell)
    if only_returned:
        _ensure_step(report, "resubmit")
    _ensure_step(report, "edit")
    _ensure_open(report.campaign)

    campaign = campaign_named(data.year)
    result, clean_rows, _derived, rubric = _check(
        data,
        rows,
        campaign=campaign,
        complete=submit,
        cell_known=True if cell is True else (cell is not None),
    )
    errors = dict(result.errors)
    errors.update(extra_errors or {})
    if cell is not True and cell is not None and cell.id != report.cell_id:
        errors["cell"] = MSG_CELL_CHANGE
    _check_taking_part(report.cell, campaign, errors)
    checked = _check_attachment(attachment, errors)
    if errors:
        raise ValidationFailed(MSG_INVALID, errors)
    _ensure_open(campaign)

    clean = result.values
    before = _snapshot(report)
    counts_before = _counts_of(report)
    was_returned = report.status is ReportStatus.RETURNED
    with _one_regular_report_per_month(clean.month, clean.year):
        report.campaign = campaign
        _apply_values(report, clean)
        _apply_flags(report, flags)
    changes = _set_self_scores(report, clean.scores, rubric)
    if clean_rows is not None:
        _set_attendance(report, clean_rows)
    elif report.attendance and _counts_of(report) != counts_before:
        # Counts sent without per-member lines that disagree with the stored lines: the lines
        # no longer describe the meeting.
        report.attendance.clear()
    _store_attachment(report, checked, actor)
    db.session.flush()
    after = _snapshot(report)
    if after != before:
        audit.record(
            "report.update",
            actor=actor,
            object_type="report",
            object_id=report.id,
            cell_id=report.cell_id,
            summary="Sửa " + report_label(report),
            before=before,
            after=after,
        )
    _audit_scores(report, actor, changes, "self")
    if submit:
        _mark_submitted(report, actor, resubmit=was_returned)
    db.session.flush()
    return report


# --------------------------------------------------------------------------------------------
# Review: approve, return, reopen


def review_report(
    actor: User,
    report: Report,
    *,
    decision: Any,
    scores: Any = None,
    comment: Any = "",
    extra_errors: Mapping[str, str] | None = None,
) -> Report:
    """Approve or return a submitted report (the API's single review call).

    ``extra_errors``: the caller's own findings, refused with the rest (see create_report).
    """
    _start_review(actor, report, "review")
    _adjusted, errors = _check_adjustments(report, scores)
    if decision not in rules.DECISIONS:
        errors["decision"] = rules.MSG_DECISION
    elif decision == "return":
        errors.update(rules.check_comment(comment, required_message=rules.MSG_RETURN_COMMENT)[1])
    else:
        errors.update(rules.check_comment(comment, required_message=None)[1])
    errors.update(extra_errors or {})
    if errors:
        raise ValidationFailed(MSG_INVALID_REVIEW, errors)
    if decision == "approve":
        return approve_report(actor, report, scores=scores, comment=comment)
    return return_report(actor, report, comment=comment)


def _check_adjustments(report: Report, scores: Any) -> tuple[dict[str, int], dict[str, str]]:
    rubric = rubric_of(report.campaign)
    return rules.check_scores(scores, rubric.lines, complete=False, year=report.campaign.year)


def approve_report(actor: User, report: Report, *, scores: Any = None, comment: Any = "") -> Report:
    """Approve a submitted report with the committee's points.

    ``scores`` maps criterion codes to the committee's points (raw); a criterion left out or
    blank keeps the self-assessed points. Stores the final points, total and grade.
    """
    _start_review(actor, report, "review")
    rubric = rubric_of(report.campaign)
    adjusted, errors = rules.check_scores(
        scores, rubric.lines, complete=False, year=report.campaign.year
    )
    text, comment_errors = rules.check_comment(comment, required_message=None)
    errors.update(comment_errors)
    if errors:
        raise ValidationFailed(MSG_INVALID_REVIEW, errors)

    existing = {score.criterion_id: score for score in report.scores}
    final: dict[str, int] = {}
    changes = []
    for criterion in rubric.criteria:
        score = existing.get(criterion.id)
        if score is None:  # the rubric gained a criterion after submission (it should not)
            score = ReportScore(criterion=criterion, self_half_points=0)
            report.scores.append(score)
        new = adjusted.get(criterion.code, score.self_half_points)
        old = (
            score.final_half_points
            if score.final_half_points is not None
            else score.self_half_points
        )
        if new != old:
            changes.append((criterion, old, new))
        score.final_half_points = new
        final[criterion.code] = new

    report.final_total_half_points = sum(final.values())
    report.grade = report_grade(final, rubric.lines, rubric.bands)
    report.status = ReportStatus.APPROVED
    report.reviewed_at = utcnow()
    report.reviewed_by_id = actor.id
    report.review_comment = text
    audit.record(
        "report.approve",
        actor=actor,
        object_type="report",
        object_id=report.id,
        cell_id=report.cell_id,
        summary=(
            "Duyệt "
            + report_label(report)
            + f": {format_points(to_points(report.final_total_half_points))} điểm, {report.grade.label}"
        ),
        before={
            "status": ReportStatus.SUBMITTED,
            "self_total": to_points(report.self_total_half_points),
        },
        after={
            "status": ReportStatus.APPROVED,
            "final_total": to_points(report.final_total_half_points),
            "grade": report.grade,
            "comment": text,
        },
    )
    _audit_scores(report, actor, changes, "final")
    db.session.flush()
    return report


def return_report(actor: User, report: Report, *, comment: Any) -> Report:
    """Send a submitted report back to its cell; the comment says what to fix (required)."""
    _start_review(actor, report, "review")
    text, errors = rules.check_comment(comment, required_message=rules.MSG_RETURN_COMMENT)
    if errors:
        raise ValidationFailed(MSG_INVALID_REVIEW, errors)
    report.status = ReportStatus.RETURNED
    report.reviewed_at = utcnow()
    report.reviewed_by_id = actor.id
    report.review_comment = text
    for score in report.scores:
        score.final_half_points = None
    report.final_total_half_points = None
    report.grade = None
    audit.record(
        "report.return",
        actor=actor,
        object_type="report",
        object_id=report.id,
        cell_id=report.cell_id,
        summary="Trả lại " + report_label(report) + f": {text[:200]}",
        before={"status": ReportStatus.SUBMITTED},
        after={"status": ReportStatus.RETURNED, "comment": text},
    )
    db.session.flush()
    return report


def reopen_report(actor: User, report: Report, *, reason: Any) -> Report:
    """Take an approved report back into the review queue; the reason is required.

    Its final points, total and grade are withdrawn (the audit trail keeps them) until it is
    approved again.
    """
    _start_review(actor, report, "reopen")
    text, errors = rules.check_comment(
        reason, required_message=rules.MSG_REOPEN_REASON, key="reason"
    )
    if errors:
        raise ValidationFailed(MSG_INVALID_REVIEW, errors)
    before = {
        "status": ReportStatus.APPROVED,
        "final_total": to_points(report.final_total_half_points),
        "grade": report.grade,
        "final_scores": {s.criterion.code: to_points(s.final_half_points) for s in report.scores},
    }
    report.status = ReportStatus.SUBMITTED
    report.final_total_half_points = None
    report.grade = None
    for score in report.scores:
        score.final_half_points = None
    report.reviewed_at = utcnow()
    report.reviewed_by_id = actor.id
    report.review_comment = text
    audit.record(
        "report.reopen",
        actor=actor,
        object_type="report",
        object_id=report.id,
        cell_id=report.cell_id,
        summary="Mở lại " + report_label(report) + f": {text[:200]}",
        before=before,
        after={"status": ReportStatus.SUBMITTED, "reason": text},
    )
    db.session.flush()
    return report
