"""Pages of the reports area: filing, reviewing, outstanding work, the attendance register.

Views parse the request, call one service function, commit once and redirect; the rules and
their messages come from tracker/domain/report_rules.py through tracker/services/reports.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from wtforms import SelectChoice

from .. import clock
from ..campaigns import default_year
from ..domain import report_rules as rules
from ..domain.consistency import ContentFacts, contradictions, suggestion_differences
from ..domain.grade_reasons import report_grade_reason
from ..domain.scoring import MeetingFacts, report_grade, suggest_points, to_points
from ..domain.vietnamese import format_points
from ..extensions import db
from ..models import (
    AttendanceStatus,
    Campaign,
    Cell,
    Member,
    Report,
    ReportKind,
    ReportStatus,
    Role,
)
from ..permissions import (
    FORBIDDEN_MESSAGE,
    OTHER_CELL_MESSAGE,
    can_edit_report,
    can_report_for_cell,
    can_review,
    can_view_report,
    committee_required,
    ensure_cell_visible,
)
from ..queries import Rubric, active_cells, cell_by_code, exemplary_of, rubric_of
from ..review.forms import ExemplaryForm
from ..schedule.prefill import meeting_for_form, report_defaults
from ..services import attachments
from ..services import reports as service
from ..unit_of_work import UnitOfWork
from . import checks, queries
from . import history as report_history
from .forms import COUNT_LABELS, ReopenForm, ReportForm, ReviewForm, apply_errors
from .minutes import send_minutes

bp = Blueprint("reports", __name__, url_prefix="/reports")

MONTH_CHOICES = [SelectChoice(str(m), f"Tháng {m}") for m in range(1, 13)]
# The criteria whose points the recorded facts suggest (tracker/domain/scoring.suggest_points).
SUGGESTED_CODES = ("attendance", "duration", "speaking")
MSG_NO_MINUTES = (
    "Báo cáo chưa kèm biên bản. Chọn tệp biên bản, hoặc đánh dấu ô xác nhận "
    "“Gửi báo cáo không kèm biên bản” rồi gửi lại."
)
ATTENDANCE_CHOICES = [(status.value, status.label) for status in AttendanceStatus]


# --------------------------------------------------------------------------------------------
# Loading with permission checks


def _report_or_404(report_id: int) -> Report:
    report = queries.get_report(report_id)
    if report is None:
        abort(404, description="Không tìm thấy báo cáo này.")
    return report


def _visible_report(report_id: int) -> Report:
    report = _report_or_404(report_id)
    if not can_view_report(current_user, report):
        abort(403, description=OTHER_CELL_MESSAGE)
    return report


def _campaign_by_year(raw) -> Campaign | None:
    return service.campaign_named(raw) if raw not in (None, "") else None


def _chosen_campaign(raw_year, years: list[Campaign]) -> Campaign | None:
    """The campaign of ?year=, else the default year's."""
    by_year = {campaign.year: campaign for campaign in years}
    try:
        year = rules.parse_whole(raw_year)
    except ValueError:
        year = default_year((c.year for c in years), clock.today())
    return by_year.get(year) or by_year.get(default_year(by_year, clock.today()))


# --------------------------------------------------------------------------------------------
# The report form


@dataclass
class FormState:
    """What the form shows beyond its WTForms fields."""

    cell: Cell
    rubric: Rubric
    members: list[Member]
    member_state: dict[int, dict]
    scores: dict[str, str]
    manual_counts: bool
    extra_errors: dict = field(
        default_factory=lambda: {"scores": {}, "members": {}, "attendance": [], "other": []}
    )
    counts: dict = field(default_factory=dict)
    suggestions: dict[str, int] = field(default_factory=dict)
    total: int | None = None
    grade: object = None
    young_ids: set[int] = field(default_factory=set)
    score_values: dict = field(default_factory=dict)
    flags: list = field(default_factory=list)
    report_has_minutes: bool = False
    ask_no_minutes: bool = False


def _default_state(member: Member) -> dict:
    status = AttendanceStatus.EXEMPTED if member.exempted else AttendanceStatus.PRESENT
    return {"status": status.value, "spoke": False, "reason": ""}


def _member_state_of(report: Report | None, members: list[Member]) -> dict[int, dict]:
    stored = {row.member_id: row for row in report.attendance} if report is not None else {}
    state = {}
    for member in members:
        row = stored.get(member.id)
        state[member.id] = (
            {"status": row.status.value, "spoke": row.spoke, "reason": row.absence_reason}
            if row is not None
            else _default_state(member)
        )
    return state


def _posted_member_state(members: list[Member], formdata) -> dict[int, dict]:
    return {
        member.id: {
            "status": formdata.get(f"status-{member.id}", ""),
            "spoke": formdata.get(f"spoke-{member.id}") in ("1", "on", "y"),
            "reason": formdata.get(f"reason-{member.id}", ""),
        }
        for member in members
    }


def _rows(members: list[Member], state: dict[int, dict]) -> list[rules.AttendanceRow]:
    return [
        rules.AttendanceRow(
            member_id=member.id,
            birth_year=member.birth_year,
            status=state[member.id]["status"],
            spoke=state[member.id]["spoke"],
            reason=state[member.id]["reason"],
        )
        for member in members
    ]


def _score_text(half_points: int | None) -> str:
    return "" if half_points is None else format_points(to_points(half_points))


def _posted_scores(rubric: Rubric, formdata, prefix: str = "score-") -> dict[str, str]:
    return {c.code: formdata.get(prefix + c.code, "").strip() for c in rubric.criteria}


def _compute(state: FormState, form: ReportForm) -> None:
    """Derived counts, suggested points, the running total and grade (also done live by JS)."""
    campaign = state.rubric.campaign
    limit = campaign.young_age_limit
    state.young_ids = {
        m.id for m in state.members if rules.is_young(m.birth_year, campaign.year, limit)
    }
    if state.manual_counts:
        counts = {}
        for key in list(rules.COUNT_KEYS) + ["speakers", "young_speakers"]:
            try:
                counts[key] = rules.parse_whole(getattr(form, key).data)
            except ValueError:
                counts[key] = 0
        counts["young_present"] = 0
    else:
        _rows_clean, derived, _errors = rules.derive_attendance(
            _rows(state.members, state.member_state), year=campaign.year, young_age_limit=limit
        )
        counts = dict(vars(derived))
    state.counts = counts
    try:
        duration = rules.parse_whole(form.duration_minutes.data)
    except ValueError:
        duration = None
    facts = MeetingFacts(
        required=counts["summoned"] - counts["exempted"],
        present=counts["present"],
        absent_unexcused=counts["absent_unexcused"],
        duration_minutes=duration,
        speakers=counts["speakers"],
        young_speakers=counts["young_speakers"],
        young_present=counts.get("young_present", 0),
    )
    state.suggestions = suggest_points(facts, state.rubric.lines)
    values, errors = rules.check_scores(state.scores, state.rubric.lines, complete=False)
    state.total = sum(values.values())
    complete = len(values) == len(state.rubric.lines) and not errors
    state.grade = report_grade(values, state.rubric.lines, state.rubric.bands) if complete else None
    state.score_values = values if complete else {}
    # Issue 12: differences from the facts' suggestions and contradictions, before submitting.
    chosen = form.minutes_file.data
    has_minutes = bool(getattr(chosen, "filename", None)) or bool(
        state.report_has_minutes
    )
    state.flags = suggestion_differences(values, state.suggestions, state.rubric.lines) + (
        contradictions(
            values,
            ContentFacts(
                ideology_covered=bool(form.ideology_covered.data),
                hcm_study_covered=bool(form.hcm_study_covered.data),
                criticism_done=bool(form.criticism_done.data),
                minutes_complete=bool(form.minutes_complete.data),
                has_minutes=has_minutes,
            ),
            state.rubric.lines,
        )
    )


def _year_choices(report: Report | None) -> list[SelectChoice]:
    years = [c for c in queries.campaigns() if c.closed_at is None]
    if report is not None and report.campaign not in years:
        years.append(report.campaign)
    return [
        SelectChoice(str(c.year), render_kw={"data-young-limit": str(c.young_age_limit)})
        for c in sorted(years, key=lambda c: c.year)
    ]


def _suggested_period(cell: Cell) -> tuple[Campaign | None, int | None]:
    """The year and month a new report most likely concerns: the first ended (or current)
    month of an open campaign year after the cell's latest regular report; else the earliest
    gap of that report's year; else the current month of the default year.

    Gaps of older years left open are not proposed (the home page lists them): a form that
    opened on January three years back was taken for this month's and filed there.
    """
    today = clock.today()
    years = [c for c in queries.campaigns() if c.closed_at is None]
    if not years:
        return None, None
    default = default_year((c.year for c in years), today)
    filed = {
        (campaign_id, month)
        for campaign_id, month in db.session.execute(
            sa.select(Report.campaign_id, Report.month).where(
                Report.cell_id == cell.id,
                Report.campaign_id.in_([c.id for c in years]),
                Report.kind == ReportKind.REGULAR,
            )
        )
    }
    due = [
        (campaign, month)
        for campaign in years
        for month in campaign.months
        if (campaign.year, month) <= (today.year, today.month)
    ]
    latest = max((index for index, (c, m) in enumerate(due) if (c.id, m) in filed), default=-1)
    if latest < 0:  # nothing filed in an open year: from the year before the default one on
        candidates = [(c, m) for c, m in due if c.year >= default - 1]
    else:
        candidates = due[latest + 1 :] + [(c, m) for c, m in due if c is due[latest][0]]
    for campaign, month in candidates:
        if (campaign.id, month) not in filed:
            return campaign, month
    campaign = next((c for c in years if c.year == default), years[-1])
    if campaign.year == today.year and today.month in campaign.months:
        return campaign, today.month
    return campaign, campaign.last_month


def _build_form(cell: Cell, report: Report | None) -> tuple[ReportForm, FormState] | None:
    """The form and its state, from the request (POST) or the report / defaults (GET)."""
    if request.method == "POST":
        form = ReportForm()
    elif report is not None:
        form = ReportForm(
            data={
                "kind": report.kind.value,
                "year": str(report.campaign.year),
                "month": str(report.month),
                "held_on": report.held_on.strftime("%d/%m/%Y") if report.held_on else "",
                "duration_minutes": str(report.duration_minutes or ""),
                "chaired_by": report.chaired_by,
                "minutes_taker": report.minutes_taker,
                "delegate_present": report.delegate_present,
                "delegate_name": report.delegate_name,
                "topic": report.topic,
                "notes": report.notes,
                **{name: getattr(report, name) for name in service.CHECKLIST},
                **{key: str(getattr(report, key)) for key in COUNT_LABELS},
            }
        )
    else:
        campaign, month = _suggested_period(cell)
        kind = request.args.get("kind") if request.args.get("kind") in rules.KINDS else "regular"
        chosen = _campaign_by_year(request.args.get("year")) or campaign
        try:
            month = (
                rules.parse_whole(request.args.get("month")) if request.args.get("month") else month
            )
        except ValueError:
            pass
        planned = meeting_for_form(cell, request.args.get("meeting"))
        form = ReportForm(
            data={
                "kind": kind,
                "year": str(chosen.year) if chosen else "",
                "month": str(month or ""),
                **report_defaults(cell, planned, chosen, month, kind),
            }
        )
    form.year.choices = _year_choices(report)
    form.month.choices = MONTH_CHOICES

    campaign = _campaign_by_year(form.year.data) or (
        report.campaign if report is not None else _suggested_period(cell)[0]
    )
    if campaign is None:
        return None
    rubric = rubric_of(campaign)
    members = queries.members_for_form(cell, report)
    if request.method == "POST":
        member_state = _posted_member_state(members, request.form)
        scores = _posted_scores(rubric, request.form)
    else:
        member_state = _member_state_of(report, members)
        stored = (
            {code: s.self_half_points for code, s in queries.scores_by_code(report, rubric).items()}
            if report
            else {}
        )
        scores = {c.code: _score_text(stored.get(c.code)) for c in rubric.criteria}
    state = FormState(
        cell=cell,
        rubric=rubric,
        members=members,
        member_state=member_state,
        scores=scores,
        manual_counts=not members,
        report_has_minutes=bool(report is not None and report.attachment_path),
    )
    return form, state


def _handle_form(cell: Cell, report: Report | None):
    built = _build_form(cell, report)
    if built is None:
        abort(404, description="Không có năm thi đua nào đang mở để lập báo cáo.")
    form, state = built
    status_code = 200
    if request.method == "POST" and form.validate_on_submit():
        action = request.form.get("action", "draft")
        chosen = getattr(form.minutes_file.data, "filename", None)
        if action == "suggest":
            # Without JavaScript: fill the empty points with the suggestions, store nothing.
            _compute(state, form)
            for code, half in state.suggestions.items():
                if not state.scores.get(code):
                    state.scores[code] = _score_text(half)
            _compute(state, form)
            if chosen:
                # A browser cannot keep a chosen file across pages: say so plainly (issue 12).
                dropped = (
                    f"Tệp “{chosen}” chưa được lưu khi tính lại số liệu: "
                    "hãy chọn lại tệp biên bản trước khi lưu hoặc gửi."
                )
                form.minutes_file.errors = [*form.minutes_file.errors, dropped]
            return _render_form(form, state, report), 200
        submit = action == "submit"
        if (
            submit
            and not chosen
            and not (report is not None and report.attachment_path)
            and request.form.get("confirm_no_minutes") != "1"
        ):
            # Submitting without minutes needs an explicit "yes" (issue 12).
            form.minutes_file.errors = list(form.minutes_file.errors) + [MSG_NO_MINUTES]
            state.ask_no_minutes = True
            _compute(state, form)
            return _render_form(form, state, report), 400
        data = form.to_input(scores=state.scores, manual_counts=state.manual_counts)
        rows = None if state.manual_counts else _rows(state.members, state.member_state)
        upload = attachments.Upload.from_storage(form.minutes_file.data, attachments.max_bytes())
        with UnitOfWork() as work:
            if report is None:
                saved = service.create_report(
                    current_user,
                    cell=cell,
                    data=data,
                    rows=rows,
                    flags=form.flags(),
                    submit=submit,
                    attachment=upload,
                )
            else:
                saved = service.update_report(
                    current_user,
                    report,
                    data=data,
                    rows=rows,
                    flags=form.flags(),
                    submit=submit,
                    attachment=upload,
                )
        if work.refused:
            error, status_code = work.error, work.status
            state.extra_errors = apply_errors(form, error.fields, manual_counts=state.manual_counts)
            if not error.fields:
                state.extra_errors["other"].append(error.message)
            if upload is not None and attachments.ATTACHMENT_FIELD not in error.fields:
                form.minutes_file.errors = list(form.minutes_file.errors) + [
                    "Vì báo cáo chưa lưu được, hãy chọn lại tệp biên bản."
                ]
        else:
            if submit:
                flash("Đã gửi báo cáo. Đảng ủy sẽ xem xét và phản hồi.", "success")
                return redirect(url_for("reports.view", report_id=saved.id))
            # A draft stays on the form: she goes on typing where she was (issue 12).
            flash(
                f"Đã lưu nháp lúc {clock.now():%H:%M}. "
                "Bạn có thể nhập tiếp rồi bấm “Gửi báo cáo” khi xong.",
                "success",
            )
            return redirect(url_for("reports.edit", report_id=saved.id, saved=1))
    elif request.method == "POST":
        status_code = 400
    _compute(state, form)
    return _render_form(form, state, report), status_code


def _month_taken(form: ReportForm, state: FormState, report: Report | None) -> Report | None:
    """A new regular report's month that already has the cell's regular report: said on the
    form at once, with a link, rather than after everything is typed (409 on saving)."""
    if report is not None or form.kind.data != "regular" or not str(form.month.data).isdigit():
        return None
    campaign = _campaign_by_year(form.year.data)
    if campaign is None:
        return None
    return queries.regular_report_of(state.cell.id, campaign.id, int(form.month.data))


def _render_form(form: ReportForm, state: FormState, report: Report | None):
    return render_template(
        "reports/form.html",
        form=form,
        state=state,
        report=report,
        taken=_month_taken(form, state, report),
        attendance_choices=ATTENDANCE_CHOICES,
        count_labels=COUNT_LABELS,
        suggested_codes=SUGGESTED_CODES,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """File a report: a secretary for her cell, the admin for any cell (?cell=CODE)."""
    if current_user.role is Role.COMMITTEE:
        abort(403, description=service.MSG_COMMITTEE_FILES_NOTHING)
    if current_user.role is Role.SECRETARY:
        cell = current_user.cell
        asked = request.args.get("cell")
        if asked and asked != cell.code:
            abort(403, description=OTHER_CELL_MESSAGE)
    else:
        cell = cell_by_code(request.args.get("cell"))
        if cell is None:
            return render_template(
                "reports/choose_cell.html",
                cells=active_cells(),
                asked=request.args.get("cell"),
            )
    if not can_report_for_cell(current_user, cell.id):
        abort(403, description=FORBIDDEN_MESSAGE)
    return _handle_form(cell, None)


@bp.route("/<int:report_id>/edit", methods=["GET", "POST"])
@login_required
def edit(report_id: int):
    report = _report_or_404(report_id)
    if not can_edit_report(current_user, report):
        abort(
            403,
            description=OTHER_CELL_MESSAGE
            if current_user.role is Role.SECRETARY
            else FORBIDDEN_MESSAGE,
        )
    if request.method == "GET" and report.campaign.closed_at is not None:
        flash(service.msg_closed(report.campaign.year), "warning")
        return redirect(url_for("reports.view", report_id=report.id))
    if not service.may_take_step(report, "edit") and request.method == "GET":
        flash(service.MSG_NOT_EDITABLE, "warning")
        return redirect(url_for("reports.view", report_id=report.id))
    return _handle_form(report.cell, report)


# --------------------------------------------------------------------------------------------
# Reading a report


def _report_page(report: Report, template: str, **context):
    entries = queries.report_history(report.id)
    history = report_history.group_history(entries)
    returned_by, since_return = report_history.changes_since_return(entries)
    return render_template(
        template,
        report=report,
        returned_by=returned_by,
        since_return=since_return,
        scores=context.pop("scores", None) or queries.score_table(report),
        attendance=queries.attendance_rows(report),
        history=history,
        young_limit=report.campaign.young_age_limit,
        can_edit=can_edit_report(current_user, report)
        and service.may_take_step(report, "edit")
        and report.campaign.closed_at is None,
        can_review=can_review(current_user) and report.campaign.closed_at is None,
        closed=report.campaign.closed_at is not None,
        exemplary=exemplary_of(report),
        exemplary_form=ExemplaryForm(formdata=None),
        **context,
    )


@bp.route("/<int:report_id>")
@login_required
def view(report_id: int):
    report = _visible_report(report_id)
    return _report_page(report, "reports/view.html", reopen_form=ReopenForm())


@bp.route("/<int:report_id>/attachment")
@login_required
def attachment(report_id: int):
    """The minutes, only to those who may see the report, always as a download."""
    report = _visible_report(report_id)
    return send_minutes(
        report,
        f"bien-ban-{report.cell.code}-{report.campaign.year}-{report.month:02d}-{report.id}",
        "Báo cáo này chưa có biên bản đính kèm.",
    )


@bp.route("/")
@login_required
def index():
    years = queries.campaigns()
    campaign = _chosen_campaign(request.args.get("year"), years)
    if current_user.role is Role.SECRETARY:
        cell = current_user.cell
        asked = request.args.get("cell")
        if asked and asked != cell.code:
            abort(403, description=OTHER_CELL_MESSAGE)
    else:
        cell = cell_by_code(request.args.get("cell"))
    status = request.args.get("status")
    status = ReportStatus(status) if status in {s.value for s in ReportStatus} else None
    kind = request.args.get("kind")
    kind = ReportKind(kind) if kind in rules.KINDS else None
    reports = queries.report_list(
        campaign=campaign, cell_id=cell.id if cell else None, status=status, kind=kind
    )
    return render_template(
        "reports/index.html",
        reports=reports,
        years=years,
        campaign=campaign,
        cells=active_cells() if current_user.role is not Role.SECRETARY else [],
        cell=cell,
        status=status,
        kind=kind,
        statuses=list(ReportStatus),
        may_file=current_user.role in (Role.SECRETARY, Role.ADMIN),
    )


# --------------------------------------------------------------------------------------------
# Review


@bp.route("/queue")
@committee_required
def queue():
    """The reports waiting for review, the longest waiting first; ?year= keeps to one year."""
    years = queries.queue_years()
    chosen = _campaign_by_year(request.args.get("year"))
    if chosen is not None and chosen.year not in dict(years):
        chosen = None
    return render_template(
        "reports/queue.html",
        reports=queries.review_queue(campaign_id=chosen.id if chosen else None),
        years=years,
        year=chosen.year if chosen else None,
        sent_before_meeting=checks.sent_before_meeting,
    )


def _committee_scores(report: Report, formdata) -> dict[str, str]:
    rubric = rubric_of(report.campaign)
    return _posted_scores(rubric, formdata, prefix="final-")


@bp.route("/<int:report_id>/review", methods=["GET", "POST"])
@committee_required
def review(report_id: int):
    report = _report_or_404(report_id)
    form = ReviewForm()
    table = queries.score_table(report)
    committee_scores = {
        row["criterion"].code: _score_text(
            row["final"] if row["final"] is not None else row["self"]
        )
        for row in table
    }
    score_errors: dict[str, str] = {}
    other_errors: list[str] = []
    status_code = 200
    if request.method == "POST" and form.validate_on_submit():
        committee_scores = _committee_scores(report, request.form)
        decision = request.form.get("decision")
        with UnitOfWork() as work:
            if decision == "approve":
                service.approve_report(
                    current_user, report, scores=committee_scores, comment=form.comment.data
                )
            elif decision == "return":
                service.return_report(current_user, report, comment=form.comment.data)
            else:
                service.review_report(current_user, report, decision=decision)
        if work.refused:
            error, status_code = work.error, work.status
            extra = apply_errors(form, error.fields)
            score_errors = extra["scores"]
            other_errors = extra["other"] + ([error.message] if not error.fields else [])
        else:
            if decision == "approve":
                flash(
                    f"Đã duyệt báo cáo: {_score_text(report.final_total_half_points)} điểm, "
                    f"xếp loại {report.grade.label}.",
                    "success",
                )
            else:
                flash("Đã trả lại báo cáo cho chi bộ kèm nhận xét.", "success")
            return _next_in_queue(report)
    elif request.method == "POST":
        status_code = 400
    rubric = rubric_of(report.campaign)
    values, _errors = rules.check_scores(committee_scores, rubric.lines, complete=False)
    full = {row["criterion"].code: row["self"] or 0 for row in table}
    full.update(values)
    return (
        _report_page(
            report,
            "reports/review.html",
            scores=table,
            form=form,
            committee_scores=committee_scores,
            score_errors=score_errors,
            other_errors=other_errors,
            committee_total=sum(full.values()),
            committee_grade=report_grade(full, rubric.lines, rubric.bands),
            committee_grade_note=report_grade_reason(full, rubric.lines, rubric.bands),
            checks=checks.report_checks(report, table, rubric.lines),
            rubric=rubric,
            just_decided=_just_decided(),
            reopen_form=ReopenForm(),
        ),
        status_code,
    )


def _next_in_queue(decided: Report):
    """After a decision, the report that has waited longest, of the same year first, for a
    reviewer clearing the queue one report after the other (with a way back to the one just
    decided); the (empty) queue when none is left."""
    waiting = queries.queue_count()
    if not waiting:
        return redirect(url_for("reports.queue"))
    same_year = queries.review_queue(limit=1, campaign_id=decided.campaign_id)
    (following,) = same_year or queries.review_queue(limit=1)
    flash(
        f"Còn {waiting} báo cáo chờ duyệt: đây là báo cáo gửi sớm nhất"
        + (f" của năm {decided.campaign.year}." if same_year else "."),
        "info",
    )
    return redirect(url_for("reports.review", report_id=following.id, after=decided.id))


def _just_decided() -> Report | None:
    """The report decided before this one (?after=ID), to go back to it."""
    raw = request.args.get("after", "")
    if not raw.isdigit() or len(raw) > 10:
        return None
    decided = queries.get_report(int(raw))
    return decided if decided is not None and decided.status is not ReportStatus.SUBMITTED else None


@bp.route("/<int:report_id>/reopen", methods=["POST"])
@committee_required
def reopen(report_id: int):
    report = _report_or_404(report_id)
    form = ReopenForm()
    if form.validate_on_submit():
        with UnitOfWork() as work:
            service.reopen_report(current_user, report, reason=form.reason.data)
        if work.refused:
            apply_errors(form, work.error.fields)
            if not work.error.fields:
                flash(work.error.message, "error")
            return _report_page(report, "reports/view.html", reopen_form=form), work.status
        flash("Đã mở lại báo cáo; báo cáo trở về danh sách chờ duyệt.", "success")
        return redirect(url_for("reports.review", report_id=report.id))
    return _report_page(report, "reports/view.html", reopen_form=form), 400


# --------------------------------------------------------------------------------------------
# Outstanding work and the attendance register


@bp.route("/outstanding")
@login_required
def outstanding():
    years = queries.campaigns()
    campaign = _chosen_campaign(request.args.get("year"), years)
    if campaign is None:
        abort(404, description="Chưa có năm thi đua nào.")
    cell_id = current_user.cell_id if current_user.role is Role.SECRETARY else None
    work = queries.outstanding(campaign, clock.today(), cell_id=cell_id)
    return render_template("reports/outstanding.html", work=work, years=years, campaign=campaign)


@bp.route("/attendance")
@login_required
def attendance():
    years = queries.campaigns()
    campaign = _chosen_campaign(request.args.get("year"), years)
    if campaign is None:
        abort(404, description="Chưa có năm thi đua nào.")
    cells = active_cells()
    if current_user.role is Role.SECRETARY:
        cell = (
            cell_by_code(request.args.get("cell"))
            if request.args.get("cell")
            else current_user.cell
        )
    else:
        cell = (
            cell_by_code(request.args.get("cell"))
            if request.args.get("cell")
            else (cells[0] if cells else None)
        )
    if cell is None:
        abort(404, description="Không có chi bộ này.")
    ensure_cell_visible(current_user, cell.id)
    register = queries.attendance_register(cell, campaign)
    return render_template(
        "reports/attendance.html",
        register=register,
        years=years,
        campaign=campaign,
        cells=cells if current_user.role is not Role.SECRETARY else [],
        statuses={status.value: status for status in AttendanceStatus},
    )
