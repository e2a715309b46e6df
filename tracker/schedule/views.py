"""The calendar's pages: the month view, planning, assignment, following, phone calendars,
the monthly notice and the year's report deadline."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import re

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..campaigns import all_campaigns, default_year
from ..documents.download import send_document
from ..extensions import db
from ..models import Campaign, Cell, Meeting, Role, User
from ..permissions import OTHER_CELL_MESSAGE, committee_required
from ..queries import active_cells
from ..unit_of_work import UnitOfWork, show_refusal
from . import forms, queries, rules, service
from .api import ics_response
from .ics import calendar_bytes
from .notice import build_notice, notice_filename

bp = Blueprint("schedule", __name__, url_prefix="/lich")

_WHOLE = re.compile(r"^[0-9]{1,4}$")
_DATE = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")  # as parse_day reads
MSG_DAY = "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 03/03/2026."
MSG_NO_SUCH_DAY = "Không có ngày này: nhập ngày có thật theo dạng dd/mm/yyyy."
WEEKDAY_HEADERS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")


def _is_reader() -> bool:
    return current_user.role in (Role.ADMIN, Role.COMMITTEE)


def _query_whole(name: str, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not _WHOLE.match(raw) or not low <= int(raw) <= high:
        abort(400, description="Tham số không hợp lệ.")
    return int(raw)


def _campaign_and_month() -> tuple[Campaign, int]:
    """The month a page shows: the query's, else this month when its year has a campaign."""
    campaigns = all_campaigns()
    if not campaigns:
        abort(404, description="Chưa có năm thi đua nào.")
    today = clock.today()
    year = _query_whole("year", 2000, 2100)
    month = _query_whole("month", 1, 12)
    if year is None:
        year = default_year([c.year for c in campaigns], today)
    campaign = next((c for c in campaigns if c.year == year), None)
    if campaign is None:
        abort(404, description=f"Không có năm thi đua {year}.")
    if month is None:
        month = today.month if today.year == year and today.month in campaign.months else campaign.first_month
    if month not in campaign.months:
        abort(404, description=f"Tháng {month}/{year} không thuộc đợt thi đua.")
    return campaign, month


def _neighbour(campaigns: list[Campaign], campaign: Campaign, month: int, step: int):
    """The previous or next campaign month, across years; None at either end."""
    months = [(c.year, m) for c in campaigns for m in c.months]
    index = months.index((campaign.year, month)) + step
    return months[index] if 0 <= index < len(months) else None


def _weeks(year: int, month: int) -> list[list[dt.date | None]]:
    return [
        [day if day.month == month else None for day in week]
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


@bp.route("/")
@login_required
def month():
    campaign, month_number = _campaign_and_month()
    user = current_user
    meetings = queries.visible_meetings(user, year=campaign.year, month=month_number)
    by_day: dict[dt.date, list[Meeting]] = {}
    for meeting in meetings:
        by_day.setdefault(meeting.starts_at.astimezone(rules.ZONE).date(), []).append(meeting)
    cells = queries.cells_of_year(campaign.year)
    if user.role is Role.SECRETARY:
        cells = [c for c in cells if c.id == user.cell_id]
    cell_names = {c.id: c.name for c in cells}
    quarter = rules.quarter_of(month_number)
    quarter_months = [m for m in campaign.months if rules.quarter_of(m) == quarter]
    quarter_meetings = queries.visible_meetings(user, year=campaign.year)
    quarter_slots = [s for s in queries.slots(quarter_meetings) if s.month in quarter_months]
    reported = queries.reports_of_slots(campaign.id, quarter_months)
    without_regular = [
        cell_id
        for cell_id in rules.cells_without_regular([c.id for c in cells], queries.slots(meetings), month_number)
        if (cell_id, month_number, "regular") not in reported
    ]
    thematic_reported = {cell_id for cell_id, _month, kind in reported if kind == "thematic"}
    without_thematic = [
        cell_id
        for cell_id in rules.quarters_without_thematic([c.id for c in cells], quarter_slots, [quarter])
        if cell_id not in thematic_reported
    ]
    clash_pairs = rules.clashes(queries.slots(meetings)) if _is_reader() else []
    by_id = {m.id: m for m in meetings}
    campaigns = all_campaigns()
    attendee_form = forms.AttendeeForm()
    return render_template(
        "schedule/month.html",
        campaign=campaign,
        month=month_number,
        quarter=quarter,
        meetings=meetings,
        by_day=by_day,
        weeks=_weeks(campaign.year, month_number),
        weekday_headers=WEEKDAY_HEADERS,
        weekday_names=("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"),
        without_regular=[cell_names[i] for i in without_regular],
        without_thematic=[cell_names[i] for i in without_thematic],
        clashes=[(by_id[a.meeting_id], by_id[b.meeting_id]) for a, b in clash_pairs],
        clashing_ids={s.meeting_id for pair in clash_pairs for s in pair},
        previous=_neighbour(campaigns, campaign, month_number, -1),
        following=_neighbour(campaigns, campaign, month_number, 1),
        may_plan=user.role in (Role.ADMIN, Role.SECRETARY),
        report_of={m.id: reported.get((m.cell_id, m.month, m.kind.value)) for m in meetings},
        is_reader=_is_reader(),
        accounts=queries.committee_accounts() if _is_reader() else [],
        attendee_form=attendee_form,
        action_form=forms.ActionForm(),
        today=clock.today(),
    )


# --------------------------------------------------------------------------------------------
# Planning one meeting


def _cell_choices() -> list[tuple[str, str]]:
    if current_user.role is Role.SECRETARY:
        return [(str(current_user.cell.id), current_user.cell.name)]
    cells = active_cells()
    return [(str(c.id), c.name) for c in cells]


def _starts_at_text(form) -> str | None:
    """"03/03/2026" and "19:30" as the contract's "2026-03-03T19:30", or None (errors set)."""
    ok = True
    match = _DATE.match((form.day.data or "").strip())
    if not match:
        form.day.errors = [*form.day.errors, MSG_DAY]
        ok = False
    at = rules.parse_clock(form.time.data or "")
    if at is None:
        form.time.errors = [*form.time.errors, rules.MSG_TIME]
        ok = False
    if not ok:
        return None
    day, month, year = (int(part) for part in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}T{at:%H:%M}"


def _chosen_cell(form) -> tuple[Cell | None, bool]:
    raw = form.cell.data
    if current_user.role is Role.SECRETARY:
        return current_user.cell, True
    if not raw or not str(raw).isdigit():
        return None, False
    return db.session.get(Cell, int(raw)), True


def _ensure_planner():
    if current_user.role not in (Role.ADMIN, Role.SECRETARY):
        abort(403, description=service.MSG_COMMITTEE_DOES_NOT_PLAN)


def _meeting_or_404(meeting_id: int) -> Meeting:
    # Ids are PostgreSQL INTEGERs: a larger number in the URL is no meeting, not an error.
    meeting = db.session.get(Meeting, meeting_id) if meeting_id <= 2**31 - 1 else None
    if meeting is None:
        abort(404, description="Không có lịch sinh hoạt này.")
    if current_user.role is Role.SECRETARY and meeting.cell_id != current_user.cell_id:
        abort(403, description=OTHER_CELL_MESSAGE)
    return meeting


def _save_meeting(form, meeting: Meeting | None):
    """Check the form, plan or move the meeting; the page again with messages when refused."""
    # Validating resets each field's errors: the date and time are read after it, so that
    # their messages stay (a wrongly typed date came back without a word).
    form.validate()
    starts_at = _starts_at_text(form)
    if starts_at is None or form.day.errors or form.time.errors:
        return None
    cell, named = _chosen_cell(form)
    with UnitOfWork() as work:
        checked = service.check_meeting(
            cell=cell, cell_named=named, kind=form.kind.data, starts_at=starts_at,
            place=form.place.data or "", topic=form.topic.data or "",
        )
        if meeting is None:
            meeting = service.plan_meeting(current_user, checked)
        else:
            service.reschedule_meeting(current_user, meeting, checked)
    if work.refused:
        if work.error.fields.get("starts_at") == rules.MSG_STARTS_AT:
            work.error.fields["starts_at"] = MSG_NO_SUCH_DAY
        show_refusal(work.error, form, field_names={"starts_at": "day"})
        return None
    return meeting


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def plan():
    _ensure_planner()
    form = forms.MeetingForm()
    form.cell.choices = _cell_choices()
    if request.method == "GET":
        day = request.args.get("day", "")
        if _DATE.match(day):
            form.day.data = day
        form.time.data = form.time.data or "19:30"
        kind = request.args.get("kind")
        if kind in rules.KINDS:
            form.kind.data = kind
        cell_id = request.args.get("cell", "")
        if cell_id.isdigit():
            form.cell.data = cell_id
    if request.method == "POST":
        meeting = _save_meeting(form, None)
        if meeting is not None:
            flash("Đã lập lịch sinh hoạt.", "success")
            return redirect(_month_url(meeting))
    page = render_template("schedule/form.html", form=form, meeting=None,
                           choose_cell=current_user.role is Role.ADMIN)
    return page, 400 if request.method == "POST" else 200


def _month_url(meeting: Meeting) -> str:
    return url_for("schedule.month", year=meeting.campaign.year, month=meeting.month)


@bp.route("/<int:meeting_id>/sua", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    _ensure_planner()
    meeting = _meeting_or_404(meeting_id)
    form = forms.MeetingForm()
    form.cell.choices = _cell_choices()
    if request.method == "GET":
        start = meeting.starts_at.astimezone(rules.ZONE)
        form.cell.data = str(meeting.cell_id)
        form.kind.data = meeting.kind.value
        form.day.data = f"{start:%d/%m/%Y}"
        form.time.data = f"{start:%H:%M}"
        form.place.data = meeting.place
        form.topic.data = meeting.topic
    else:
        saved = _save_meeting(form, meeting)
        if saved is not None:
            flash("Đã đổi lịch sinh hoạt.", "success")
            return redirect(_month_url(saved))
    frozen_report = queries.reports_of_slots(meeting.campaign_id, [meeting.month], meeting.cell_id).get(
        (meeting.cell_id, meeting.month, meeting.kind.value)
    )
    page = render_template("schedule/form.html", form=form, meeting=meeting,
                           frozen=frozen_report is not None, frozen_report=frozen_report,
                           choose_cell=current_user.role is Role.ADMIN, action_form=forms.ActionForm())
    return page, 400 if request.method == "POST" else 200


@bp.post("/<int:meeting_id>/huy")
@login_required
def cancel(meeting_id: int):
    _ensure_planner()
    meeting = _meeting_or_404(meeting_id)
    form = forms.ActionForm()
    if not form.validate():
        abort(400)
    target = _month_url(meeting)
    with UnitOfWork(flash_message=True) as work:
        service.cancel_meeting(current_user, meeting)
    if work.committed:
        flash("Đã hủy lịch sinh hoạt.", "success")
    return redirect(target)


@bp.route("/ca-nam", methods=["GET", "POST"])
@login_required
def rule():
    """ "Ngày 3 hằng tháng, 19:30, hội trường ấp": the whole year at once."""
    _ensure_planner()
    form = forms.RuleForm()
    form.cell.choices = _cell_choices()
    campaigns = [c for c in all_campaigns() if not c.is_closed]
    form.year.choices = [(str(c.year), str(c.year)) for c in campaigns]
    outcome = None
    if request.method == "GET":
        form.year.data = str(default_year([c.year for c in campaigns], clock.today()) or "")
        form.time.data = "19:30"
        form.day.data = 3
    else:
        # Every field's message at once: the time is read whatever the day typed.
        valid = form.validate()
        at = rules.parse_clock(form.time.data or "")
        cell, _ = _chosen_cell(form)
        campaign = next((c for c in campaigns if str(c.year) == form.year.data), None)
        if at is None and not form.time.errors:
            form.time.errors = [rules.MSG_TIME]
        if cell is None:
            form.cell.errors = [*form.cell.errors, "Chọn chi bộ."]
        if campaign is None:
            form.year.errors = [*form.year.errors, "Chọn năm thi đua."]
        if valid and at is not None and cell is not None and campaign is not None:
            with UnitOfWork(form):
                outcome = service.plan_year_by_rule(
                    current_user, cell, campaign, day=form.day.data, at=at,
                    place=form.place.data or "", topic=form.topic.data or "",
                )
    page = render_template("schedule/rule.html", form=form, outcome=outcome,
                           choose_cell=current_user.role is Role.ADMIN)
    return page, 400 if request.method == "POST" and outcome is None else 200


# --------------------------------------------------------------------------------------------
# Assigning and following


@bp.post("/<int:meeting_id>/nguoi-du")
@committee_required
def assign(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.AttendeeForm()
    if not form.validate():
        abort(400)
    raw = form.attendee.data or ""
    username = None
    if raw:
        account = db.session.get(User, int(raw)) if raw.isdigit() else None
        username = account.username if account else "?"
    with UnitOfWork(flash_message="username") as work:
        service.assign_attendee(current_user, meeting, username)
    if work.committed:
        flash(f"Đã phân công người dự sinh hoạt của {meeting.cell.name}.", "success")
    return redirect(_month_url(meeting) + f"#meeting-{meeting.id}")


@bp.post("/phan-cong-theo-phu-trach")
@committee_required
def fill_from_followers():
    campaign, month_number = _campaign_and_month()
    form = forms.ActionForm()
    if not form.validate():
        abort(400)
    count = service.fill_unassigned_from_followers(current_user, campaign, month_number)
    db.session.commit()
    flash(f"Đã phân công {count} buổi theo Đảng ủy viên phụ trách.", "success")
    return redirect(url_for("schedule.month", year=campaign.year, month=month_number))


@bp.route("/phu-trach", methods=["GET", "POST"])
@committee_required
def followers():
    cells = active_cells()
    accounts = queries.committee_accounts()
    form = forms.ActionForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        for cell in cells:
            chosen = [int(v) for v in request.form.getlist(f"cell-{cell.id}") if v.isdigit()]
            service.set_followers(current_user, cell, chosen)
        db.session.commit()
        flash("Đã lưu phân công Đảng ủy viên phụ trách chi bộ.", "success")
        return redirect(url_for("schedule.followers"))
    following = queries.followers_by_cell()
    return render_template(
        "schedule/followers.html",
        cells=cells,
        accounts=accounts,
        following={cell_id: {u.id for u in users} for cell_id, users in following.items()},
        form=form,
    )


# --------------------------------------------------------------------------------------------
# Phone calendars


@bp.route("/cua-toi", methods=["GET", "POST"])
@login_required
def mine():
    row = service.calendar_account(current_user)
    email_form = forms.EmailForm(prefix="email")
    if request.method == "POST" and email_form.validate():
        with UnitOfWork(email_form) as work:
            service.set_reminder_email(current_user, email_form.email.data or "")
        if work.committed:
            flash("Đã lưu địa chỉ nhận nhắc lịch.", "success")
            return redirect(url_for("schedule.mine"))
    refused = request.method == "POST"
    if request.method == "GET" and row is not None:
        email_form.email.data = row.email
    secret = row.feed_secret if row else None
    address = url_for("schedule.feed", secret=secret, _external=True) if secret else None
    return render_template(
        "schedule/mine.html",
        address=address,
        webcal=address.replace("https://", "webcal://").replace("http://", "webcal://") if address else None,
        created_at=row.feed_created_at if row else None,
        email_form=email_form,
        action_form=forms.ActionForm(),
    ), 400 if refused else 200


@bp.post("/cua-toi/dia-chi-moi")
@login_required
def new_address():
    if not forms.ActionForm().validate():
        abort(400)
    service.new_feed_secret(current_user)
    db.session.commit()
    flash("Đã tạo địa chỉ lịch mới. Địa chỉ cũ (nếu có) không còn dùng được.", "success")
    return redirect(url_for("schedule.mine"))


@bp.post("/cua-toi/thu-hoi")
@login_required
def revoke_address():
    if not forms.ActionForm().validate():
        abort(400)
    service.revoke_feed_secret(current_user)
    db.session.commit()
    flash("Đã thu hồi địa chỉ lịch: điện thoại sẽ không nhận lịch mới qua địa chỉ đó.", "success")
    return redirect(url_for("schedule.mine"))


@bp.get("/dang-ky/<secret>.ics")
def feed(secret: str):
    """The account's calendar for phones, opened by its secret address (no login)."""
    user = service.user_for_feed_secret(secret)
    if user is None:
        abort(404)
    meetings = queries.feed_meetings(user, clock.today())
    data = calendar_bytes(meetings, name="Lịch sinh hoạt chi bộ", stamp=clock.now())
    return ics_response(data, "lich-sinh-hoat.ics")


# --------------------------------------------------------------------------------------------
# The notice and the deadline


@bp.get("/thong-bao.docx")
@committee_required
def notice():
    campaign, month_number = _campaign_and_month()
    data = notice_bytes(campaign, month_number, clock.today())
    return send_document(data, notice_filename(month_number, campaign.year))


def notice_bytes(campaign: Campaign, month_number: int, issued_on: dt.date) -> bytes:
    meetings = queries.visible_meetings(None, year=campaign.year, month=month_number)
    return build_notice(campaign, month_number, meetings, queries.cells_of_year(campaign.year),
                        issued_on=issued_on)


@bp.route("/han-nop", methods=["GET", "POST"])
@committee_required
def deadline():
    campaign, _ = _campaign_and_month()
    form = forms.DeadlineForm()
    if request.method == "GET":
        form.rule.data, form.days.data = queries.deadline_of(campaign.id)
    elif form.validate():
        with UnitOfWork(form) as work:
            service.set_deadline(current_user, campaign, form.rule.data, form.days.data)
        if work.committed:
            flash(f"Đã lưu hạn nộp báo cáo năm {campaign.year}.", "success")
            return redirect(url_for("schedule.deadline", year=campaign.year))
    counts = queries.count_late_reports(campaign.year, clock.today())
    return render_template("schedule/deadline.html", form=form, campaign=campaign, counts=counts,
                           campaigns=all_campaigns())


@bp.app_template_filter("localtime")
def _local_time(value: dt.datetime) -> str:
    return value.astimezone(rules.ZONE).strftime("%H:%M")


@bp.app_template_filter("localdate")
def _local_date(value: dt.datetime) -> str:
    return value.astimezone(rules.ZONE).strftime("%d/%m/%Y")


@bp.app_template_filter("localdate_value")
def _local_date_value(value: dt.datetime) -> dt.date:
    return value.astimezone(rules.ZONE).date()


@bp.app_template_global("calendar_home_panel")
def _calendar_home_panel():
    from .home import home_panel

    return home_panel(current_user)


@bp.app_template_global("report_timeliness")
def _report_timeliness(campaign):
    from .home import report_timeliness

    return report_timeliness(campaign)


@bp.get("/thu-nhac")
@committee_required
def outbox():
    """What the reminders sent (and what waits after an error), newest first."""
    from ..models import OutboxMessage

    rows = list(
        db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200))
    )
    return render_template("schedule/outbox.html", rows=rows)


@bp.app_template_global("report_lateness")
def _report_lateness(report):
    from .home import report_lateness

    return report_lateness(report)
