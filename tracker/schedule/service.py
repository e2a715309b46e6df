"""Every change of the calendar: plan, move, cancel, assign, follow, feed address, deadline.

Each function checks the rules, changes the rows, writes its audit row and flushes; the
caller commits once (or rolls back on error).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..campaigns import campaign_for_year
from ..domain import report_rules
from ..extensions import db
from ..models import (
    CalendarAccount,
    Campaign,
    Cell,
    CellFollower,
    DeadlineRule,
    Meeting,
    Report,
    ReportDeadline,
    ReportKind,
    Role,
    User,
    utcnow,
)
from ..permissions import FORBIDDEN_MESSAGE, OTHER_CELL_MESSAGE
from ..services import Conflict, NotAllowed, ValidationFailed, audit
from . import rules
from .queries import deadline_of, reports_of_slots

MSG_INVALID = "Lịch sinh hoạt chưa hợp lệ: xem các trường được đánh dấu."
MSG_COMMITTEE_DOES_NOT_PLAN = (
    "Đảng ủy phân công người dự và theo dõi lịch; chi bộ (hoặc quản trị) lập lịch sinh hoạt."
)
MSG_ASSIGN_ROLE = "Chỉ Đảng ủy hoặc quản trị phân công người dự sinh hoạt."
MSG_ATTENDEE_UNKNOWN = "Không có tài khoản này."
MSG_ATTENDEE_ROLE = "Người dự phải là tài khoản Đảng ủy hoặc quản trị."
MSG_USERNAME = "Tên đăng nhập phải là một chuỗi (hoặc null để bỏ phân công)."
MSG_NOT_TAKING_PART = "Chi bộ này không tham gia đợt thi đua năm {year}."
MSG_EMAIL = "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@example.vn)."
MSG_EMAIL_NOT_SAVED = "Chưa lưu được địa chỉ nhận nhắc lịch."
# name@domain.tld: what a reminder can be sent to ("a@b" cannot).
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
MSG_DEADLINE_DAYS = "Số ngày phải là số nguyên từ 1 đến 60."


def _bad(errors: dict[str, str]):
    return ValidationFailed(MSG_INVALID, errors)


@dataclass
class CheckedMeeting:
    """A meeting body once checked: the values to store."""

    cell: Cell
    kind: ReportKind
    starts_at: dt.datetime  # aware, local
    campaign: Campaign
    month: int
    place: str
    topic: str
    errors: dict[str, str] = field(default_factory=dict)


def check_meeting(
    *,
    cell: Cell | None,
    cell_named: bool,
    kind: object,
    starts_at: object,
    place: object,
    topic: object,
    extra_errors: dict[str, str] | None = None,
) -> CheckedMeeting:
    """Check every field at once; raise ValidationFailed (400) listing each problem."""
    errors = dict(extra_errors or {})
    if cell is None:
        errors.setdefault(
            "cell", report_rules.MSG_CELL_UNKNOWN if cell_named else report_rules.MSG_CELL_REQUIRED
        )
    kind_value = None
    if isinstance(kind, str) and kind in rules.KINDS:
        kind_value = ReportKind(kind)
    else:
        errors.setdefault("kind", rules.MSG_KIND)
    start = rules.parse_local_start(starts_at)
    campaign = None
    if start is None:
        errors.setdefault("starts_at", rules.MSG_STARTS_AT)
    else:
        campaign = campaign_for_year(start.year)
        if campaign is None or start.month not in campaign.months:
            errors.setdefault("starts_at", rules.msg_month_outside(start.year, start.month))
            campaign = None
    place_text, problem = rules.clean_text(place, rules.PLACE_LIMIT)
    if problem:
        errors.setdefault("place", problem)
    topic_text, problem = rules.clean_text(topic, rules.TOPIC_LIMIT)
    if problem:
        errors.setdefault("topic", problem)
    if cell is not None and campaign is not None and not cell.takes_part_in(campaign.year):
        errors.setdefault("cell", MSG_NOT_TAKING_PART.format(year=campaign.year))
    if errors:
        raise _bad(errors)
    return CheckedMeeting(cell, kind_value, start, campaign, start.month, place_text, topic_text)


def _ensure_may_plan(actor: User, cell_id: int | None) -> None:
    if actor.role is Role.COMMITTEE:
        raise NotAllowed(MSG_COMMITTEE_DOES_NOT_PLAN)
    if actor.role is Role.SECRETARY and cell_id is not None and actor.cell_id != cell_id:
        raise NotAllowed(OTHER_CELL_MESSAGE)


def may_plan(actor: User, cell_id: int) -> bool:
    return actor.role is Role.ADMIN or (actor.role is Role.SECRETARY and actor.cell_id == cell_id)


def report_exists(cell_id: int, campaign_id: int, month: int, kind: ReportKind) -> bool:
    return (cell_id, month, kind.value) in reports_of_slots(campaign_id, [month], cell_id)


def msg_closed(year: int) -> str:
    return f"Năm {year} đã khóa sổ: lịch sinh hoạt của năm này không còn thay đổi được."


def _refuse_after_report(cell_id: int, campaign: Campaign, month: int, kind: ReportKind) -> None:
    """A closed year, or a slot whose report exists, keeps its meetings as they are (409)."""
    if campaign.is_closed:
        message = msg_closed(campaign.year)
        raise Conflict(message, {"starts_at": message})
    if report_exists(cell_id, campaign.id, month, kind):
        message = rules.msg_report_exists(month, campaign.year, kind.label)
        raise Conflict(message, {"starts_at": message})


@contextmanager
def _one_regular_meeting_per_month(month: int, year: int):
    """The database's unique index decides a second regular meeting of a month (409)."""
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError as error:
        message = rules.msg_second_regular(month, year)
        raise Conflict(message, {"starts_at": message}) from error


def default_attendee_id(cell_id: int) -> int | None:
    """The committee member who follows the cell (the first by name when several do)."""
    return db.session.scalar(
        sa.select(User.id)
        .join(CellFollower, CellFollower.user_id == User.id)
        .where(CellFollower.cell_id == cell_id, User.active.is_(True))
        .order_by(User.full_name, User.id)
        .limit(1)
    )


def _snapshot(meeting: Meeting) -> dict:
    return {
        "cell": meeting.cell.code if meeting.cell else None,
        "kind": meeting.kind,
        "starts_at": rules.local_iso(meeting.starts_at),
        "place": meeting.place,
        "topic": meeting.topic,
        "attendee": meeting.attendee.username if meeting.attendee else None,
    }


def _summary(action: str, meeting: Meeting) -> str:
    start = meeting.starts_at.astimezone(rules.ZONE)
    return (
        f"{action} sinh hoạt {meeting.kind.label.lower()} {meeting.cell.name} "
        f"lúc {start:%H:%M} ngày {start:%d/%m/%Y}"
    )


def plan_meeting(actor: User, checked: CheckedMeeting) -> Meeting:
    """Plan a meeting; the cell's follower attends it unless the committee assigns another."""
    _ensure_may_plan(actor, checked.cell.id)
    _refuse_after_report(checked.cell.id, checked.campaign, checked.month, checked.kind)
    meeting = Meeting(
        uid=f"{uuid.uuid4()}@sinhhoat-chibo",
        cell=checked.cell,
        campaign=checked.campaign,
        month=checked.month,
        kind=checked.kind,
        starts_at=checked.starts_at.astimezone(dt.UTC),
        place=checked.place,
        topic=checked.topic,
        attendee_id=default_attendee_id(checked.cell.id),
        created_by_id=actor.id,
    )
    with _one_regular_meeting_per_month(checked.month, checked.campaign.year):
        db.session.add(meeting)
    audit.record(
        "meeting.plan",
        actor=actor,
        object_type="meeting",
        object_id=meeting.id,
        cell_id=meeting.cell_id,
        summary=_summary("Lập lịch", meeting),
        after=_snapshot(meeting),
    )
    return meeting


def reschedule_meeting(actor: User, meeting: Meeting, checked: CheckedMeeting) -> Meeting:
    """Move a meeting (or change its kind, place, topic, even its cell for the admin)."""
    _ensure_may_plan(actor, meeting.cell_id)
    _ensure_may_plan(actor, checked.cell.id)
    _refuse_after_report(meeting.cell_id, meeting.campaign, meeting.month, meeting.kind)
    _refuse_after_report(checked.cell.id, checked.campaign, checked.month, checked.kind)
    before = _snapshot(meeting)
    with _one_regular_meeting_per_month(checked.month, checked.campaign.year):
        if checked.cell.id != meeting.cell_id:
            meeting.attendee_id = default_attendee_id(checked.cell.id)
        meeting.cell = checked.cell
        meeting.campaign = checked.campaign
        meeting.month = checked.month
        meeting.kind = checked.kind
        meeting.starts_at = checked.starts_at.astimezone(dt.UTC)
        meeting.place = checked.place
        meeting.topic = checked.topic
        meeting.updated_at = utcnow()
    audit.record(
        "meeting.reschedule",
        actor=actor,
        object_type="meeting",
        object_id=meeting.id,
        cell_id=meeting.cell_id,
        summary=_summary("Đổi lịch", meeting),
        before=before,
        after=_snapshot(meeting),
    )
    return meeting


def cancel_meeting(actor: User, meeting: Meeting) -> None:
    _ensure_may_plan(actor, meeting.cell_id)
    _refuse_after_report(meeting.cell_id, meeting.campaign, meeting.month, meeting.kind)
    audit.record(
        "meeting.cancel",
        actor=actor,
        object_type="meeting",
        object_id=meeting.id,
        cell_id=meeting.cell_id,
        summary=_summary("Hủy lịch", meeting),
        before=_snapshot(meeting),
    )
    db.session.delete(meeting)
    db.session.flush()


def assign_attendee(actor: User, meeting: Meeting, username: object) -> Meeting:
    """The committee (or the admin) names the committee member who attends (None: nobody)."""
    if actor.role not in (Role.ADMIN, Role.COMMITTEE):
        raise NotAllowed(MSG_ASSIGN_ROLE)
    attendee = None
    if username is not None:
        if not isinstance(username, str) or rules.has_bad_characters(username):
            raise _bad({"username": MSG_USERNAME})
        attendee = db.session.scalar(sa.select(User).where(User.username == username.strip()))
        if attendee is None:
            raise _bad({"username": MSG_ATTENDEE_UNKNOWN})
        if attendee.role not in (Role.ADMIN, Role.COMMITTEE) or not attendee.active:
            raise _bad({"username": MSG_ATTENDEE_ROLE})
    before = _snapshot(meeting)
    meeting.attendee = attendee
    meeting.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "meeting.assign",
        actor=actor,
        object_type="meeting",
        object_id=meeting.id,
        cell_id=meeting.cell_id,
        summary=(
            f"Phân công {attendee.full_name} dự " if attendee else "Bỏ phân công người dự "
        )
        + _summary("", meeting).strip(),
        before=before,
        after=_snapshot(meeting),
    )
    return meeting


# --------------------------------------------------------------------------------------------
# A monthly rule: "ngày 3 hằng tháng, 19:30, hội trường ấp"


@dataclass
class RuleOutcome:
    planned: list[Meeting]
    skipped: list[tuple[int, str]]  # (month, why)


def plan_year_by_rule(
    actor: User,
    cell: Cell,
    campaign: Campaign,
    *,
    day: int,
    at: dt.time,
    place: str,
    topic: str = "",
) -> RuleOutcome:
    """Plan the regular meeting of every campaign month that has none yet (and no report).

    Months already planned or reported are left as they are and listed as skipped; single
    meetings can then be moved one by one."""
    _ensure_may_plan(actor, cell.id)
    errors = {}
    if not isinstance(day, int) or not 1 <= day <= 31:
        errors["day"] = rules.MSG_DAY
    place_text, problem = rules.clean_text(place, rules.PLACE_LIMIT)
    if problem:
        errors["place"] = problem
    topic_text, problem = rules.clean_text(topic, rules.TOPIC_LIMIT)
    if problem:
        errors["topic"] = problem
    if not cell.takes_part_in(campaign.year):
        errors["cell"] = MSG_NOT_TAKING_PART.format(year=campaign.year)
    if errors:
        raise _bad(errors)
    planned_months = set(
        db.session.scalars(
            sa.select(Meeting.month).where(
                Meeting.cell_id == cell.id,
                Meeting.campaign_id == campaign.id,
                Meeting.kind == ReportKind.REGULAR,
            )
        )
    )
    reported_months = set(
        db.session.scalars(
            sa.select(Report.month).where(
                Report.cell_id == cell.id,
                Report.campaign_id == campaign.id,
                Report.kind == ReportKind.REGULAR,
            )
        )
    )
    outcome = RuleOutcome([], [])
    for start in rules.monthly_starts(campaign.year, campaign.months, day, at):
        if start.month in planned_months:
            outcome.skipped.append((start.month, "đã có lịch"))
            continue
        if start.month in reported_months:
            outcome.skipped.append((start.month, "đã có báo cáo"))
            continue
        checked = CheckedMeeting(
            cell, ReportKind.REGULAR, start, campaign, start.month, place_text, topic_text
        )
        outcome.planned.append(plan_meeting(actor, checked))
    return outcome


# --------------------------------------------------------------------------------------------
# Who follows which cell


def set_followers(actor: User, cell: Cell, user_ids: list[int]) -> None:
    """The committee members who follow a cell (committee or admin only)."""
    if actor.role not in (Role.ADMIN, Role.COMMITTEE):
        raise NotAllowed(FORBIDDEN_MESSAGE)
    wanted = set(
        db.session.scalars(
            sa.select(User.id).where(
                User.id.in_(user_ids or [-1]), User.role.in_([Role.ADMIN, Role.COMMITTEE])
            )
        )
    )
    current = {
        row.user_id: row
        for row in db.session.scalars(sa.select(CellFollower).where(CellFollower.cell_id == cell.id))
    }
    if wanted == set(current):
        return
    for user_id, row in current.items():
        if user_id not in wanted:
            db.session.delete(row)
    for user_id in wanted - set(current):
        db.session.add(CellFollower(cell_id=cell.id, user_id=user_id))
    db.session.flush()
    names = list(
        db.session.scalars(sa.select(User.username).where(User.id.in_(wanted or {-1})).order_by(User.username))
    )
    audit.record(
        "meeting.followers",
        actor=actor,
        object_type="cell",
        object_id=cell.id,
        cell_id=cell.id,
        summary=f"Đảng ủy viên phụ trách {cell.name}: " + (", ".join(names) or "không ai"),
        before={"followers": sorted(current)},
        after={"followers": sorted(wanted)},
    )


def fill_unassigned_from_followers(actor: User, campaign: Campaign, month: int) -> int:
    """Give every unassigned meeting of a month its cell's follower; return how many."""
    if actor.role not in (Role.ADMIN, Role.COMMITTEE):
        raise NotAllowed(FORBIDDEN_MESSAGE)
    count = 0
    meetings = db.session.scalars(
        sa.select(Meeting).where(
            Meeting.campaign_id == campaign.id, Meeting.month == month, Meeting.attendee_id.is_(None)
        )
    )
    for meeting in meetings:
        follower = default_attendee_id(meeting.cell_id)
        if follower is not None:
            assign_attendee(actor, meeting, db.session.get(User, follower).username)
            count += 1
    return count


# --------------------------------------------------------------------------------------------
# The account's calendar: secret feed address and reminder e-mail


def calendar_account(user: User, *, create: bool = False) -> CalendarAccount | None:
    row = db.session.get(CalendarAccount, user.id)
    if row is None and create:
        row = CalendarAccount(user_id=user.id, email="")
        db.session.add(row)
        db.session.flush()
    return row


def new_feed_secret(actor: User) -> str:
    """Give the account a new secret subscription address (the old one stops working)."""
    row = calendar_account(actor, create=True)
    replaced = row.feed_secret is not None
    row.feed_secret = secrets.token_urlsafe(32)
    row.feed_created_at = utcnow()
    db.session.flush()
    audit.record(
        "calendar.feed_new",
        actor=actor,
        object_type="user",
        object_id=actor.id,
        summary="Tạo lại địa chỉ lịch bí mật" if replaced else "Tạo địa chỉ lịch bí mật",
    )
    return row.feed_secret


def revoke_feed_secret(actor: User) -> None:
    row = calendar_account(actor)
    if row is None or row.feed_secret is None:
        return
    row.feed_secret = None
    row.feed_created_at = None
    db.session.flush()
    audit.record(
        "calendar.feed_revoke",
        actor=actor,
        object_type="user",
        object_id=actor.id,
        summary="Thu hồi địa chỉ lịch bí mật",
    )


def user_for_feed_secret(secret: str) -> User | None:
    if not secret or len(secret) > 64:
        return None
    row = db.session.scalar(sa.select(CalendarAccount).where(CalendarAccount.feed_secret == secret))
    if row is None or not row.user.active:
        return None
    return row.user


def set_reminder_email(actor: User, email: str) -> None:
    email = (email or "").strip()
    if email and (len(email) > 200 or not _EMAIL.fullmatch(email) or rules.has_bad_characters(email)):
        raise ValidationFailed(MSG_EMAIL_NOT_SAVED, {"email": MSG_EMAIL})
    row = calendar_account(actor, create=True)
    if row.email == email:
        return
    before = row.email
    row.email = email
    db.session.flush()
    audit.record(
        "calendar.email",
        actor=actor,
        object_type="user",
        object_id=actor.id,
        summary="Đổi địa chỉ nhận nhắc lịch",
        before={"email": before},
        after={"email": email},
    )


# --------------------------------------------------------------------------------------------
# The year's report deadline


def set_deadline(actor: User, campaign: Campaign, rule: str, days: object) -> None:
    if actor.role not in (Role.ADMIN, Role.COMMITTEE):
        raise NotAllowed(FORBIDDEN_MESSAGE)
    if campaign.is_closed:
        raise Conflict(f"Năm {campaign.year} đã khóa sổ: hạn nộp báo cáo không còn thay đổi được.")
    errors = {}
    if rule not in (r.value for r in DeadlineRule):
        errors["rule"] = "Chọn cách tính hạn nộp."
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
        errors["days"] = MSG_DEADLINE_DAYS
    if errors:
        raise _bad(errors)
    before = deadline_of(campaign.id)
    row = db.session.get(ReportDeadline, campaign.id)
    if row is None:
        row = ReportDeadline(campaign_id=campaign.id, rule=DeadlineRule(rule), days=days)
        db.session.add(row)
    else:
        row.rule, row.days = DeadlineRule(rule), days
    db.session.flush()
    audit.record(
        "calendar.deadline",
        actor=actor,
        object_type="campaign",
        object_id=campaign.id,
        summary=f"Đặt hạn nộp báo cáo năm {campaign.year}",
        before={"rule": before[0], "days": before[1]},
        after={"rule": rule, "days": days},
    )


def local_today() -> dt.date:
    return clock.today()
