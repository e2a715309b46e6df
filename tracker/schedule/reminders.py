"""Reminder e-mails for cron (``flask --app tracker send-reminders``).

- secretaries: their cell's meetings in the coming days, and reports past due;
- committee members: the meetings they are assigned to attend.

Each reminder has a key (who, what, and the meeting's start time: a moved meeting is
reminded again); the outbox table holds one row per key, so nothing is sent twice, and shows
what was sent. Without SMTP settings (``MAIL_SERVER`` in instance/config.py) nothing is
stored or sent: the command prints what it would send.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import CalendarAccount, Campaign, Cell, Meeting, OutboxMessage, Role, User, utcnow
from . import queries, rules

DEFAULT_DAYS_AHEAD = 3


@dataclass(frozen=True)
class Reminder:
    key: str
    user_id: int
    recipient: str
    subject: str
    body: str


def _when(meeting: Meeting) -> str:
    start = meeting.starts_at.astimezone(rules.ZONE)
    return f"{start:%H:%M} ngày {start:%d/%m/%Y}"


def _meeting_lines(meeting: Meeting) -> list[str]:
    lines = [
        f"- Chi bộ: {meeting.cell.name}",
        f"- Loại: sinh hoạt {meeting.kind.label.lower()}",
        f"- Thời gian: {_when(meeting)}",
    ]
    if meeting.place:
        lines.append(f"- Địa điểm: {meeting.place}")
    if meeting.topic:
        lines.append(f"- Nội dung: {meeting.topic}")
    lines.append(
        "- Đảng ủy viên dự: " + (meeting.attendee.full_name if meeting.attendee else "chưa phân công")
    )
    return lines


def _signature() -> list[str]:
    return ["", "Thư tự động của phần mềm thi đua sinh hoạt chi bộ; không trả lời thư này."]


def due_reminders(today: dt.date, days_ahead: int = DEFAULT_DAYS_AHEAD) -> tuple[list[Reminder], list[str]]:
    """Every reminder due today, and the accounts that would get one but have no e-mail."""
    addresses = dict(
        db.session.execute(
            sa.select(CalendarAccount.user_id, CalendarAccount.email).where(CalendarAccount.email != "")
        ).all()
    )
    accounts = list(db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)))
    secretaries: dict[int, list[User]] = {}
    for account in accounts:
        if account.role is Role.SECRETARY and account.cell_id is not None:
            secretaries.setdefault(account.cell_id, []).append(account)

    start = dt.datetime.combine(today, dt.time(0, 0), rules.ZONE)
    end = start + dt.timedelta(days=days_ahead + 1)
    upcoming = [m for m in queries.visible_meetings(None, since=start) if m.starts_at < end]

    reminders: list[Reminder] = []
    missing: set[str] = set()

    def add(user: User, key: str, subject: str, lines: list[str]):
        email = addresses.get(user.id)
        if not email:
            missing.add(user.username)
            return
        reminders.append(Reminder(key, user.id, email, subject, "\n".join([*lines, *_signature()])))

    for meeting in upcoming:
        stamp = rules.local_iso(meeting.starts_at)
        for secretary in secretaries.get(meeting.cell_id, []):
            add(
                secretary,
                f"upcoming:{meeting.id}:{secretary.id}:{stamp}",
                f"Nhắc lịch sinh hoạt {meeting.kind.label.lower()} {_when(meeting)}",
                [f"Kính gửi đồng chí {secretary.full_name},", "",
                 "Chi bộ có buổi sinh hoạt sắp tới:", *_meeting_lines(meeting), "",
                 "Đề nghị chi bộ thông báo đến từng đảng viên và chuẩn bị nội dung."],
            )
        if meeting.attendee is not None and meeting.attendee.active:
            add(
                meeting.attendee,
                f"attend:{meeting.id}:{meeting.attendee_id}:{stamp}",
                f"Phân công dự sinh hoạt {meeting.cell.name} {_when(meeting)}",
                [f"Kính gửi đồng chí {meeting.attendee.full_name},", "",
                 "Đồng chí được phân công dự buổi sinh hoạt:", *_meeting_lines(meeting)],
            )

    campaigns = db.session.scalars(
        sa.select(Campaign).where(Campaign.year <= today.year, Campaign.closed_at.is_(None))
    )
    cell_names = dict(db.session.execute(sa.select(Cell.id, Cell.name)).all())
    for campaign in campaigns:
        for row in queries.timeliness_of_year(campaign, today):
            if row.flag != "overdue":
                continue
            kind_label = "thường kỳ" if row.kind == "regular" else "chuyên đề"
            for secretary in secretaries.get(row.cell_id, []):
                add(
                    secretary,
                    f"overdue:{row.cell_id}:{campaign.year}:{row.month}:{row.kind}:{secretary.id}",
                    f"Quá hạn nộp báo cáo sinh hoạt {kind_label} tháng {row.month}/{campaign.year}",
                    [f"Kính gửi đồng chí {secretary.full_name},", "",
                     (f"Báo cáo buổi sinh hoạt {kind_label} ngày {row.held_on:%d/%m/%Y} của "
                      f"{cell_names.get(row.cell_id, '')} đến hạn ngày {row.due:%d/%m/%Y} mà "
                      "chưa được gửi. Đề nghị chi bộ gửi báo cáo sớm.")],
                )
    return reminders, sorted(missing)


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


# Python 3.11 folds a long Vietnamese subject into encoded words and loses the space between
# two of them ("ấp Chợ" became "ấpChợ"); headers up to RFC 5322's 998 characters never fold.
MAIL_POLICY = email.policy.SMTP.clone(max_line_length=998)


def _message(row: OutboxMessage) -> EmailMessage:
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = current_app.config.get("MAIL_FROM", "lich-sinh-hoat@localhost")
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="sinhhoat-chibo")
    message.set_content(row.body)
    return message


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host = config["MAIL_SERVER"]
    port = int(config.get("MAIL_PORT", 25))
    timeout = float(config.get("MAIL_TIMEOUT", 15))
    if config.get("MAIL_USE_SSL"):
        connection = smtplib.SMTP_SSL(host, port, timeout=timeout)
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            connection.starttls()
    if config.get("MAIL_USERNAME"):
        connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    return connection


@dataclass
class RunOutcome:
    queued: int = 0
    sent: int = 0
    failed: int = 0
    already: int = 0


def queue_reminders(reminders: list[Reminder]) -> RunOutcome:
    """Add the reminders whose key is new to the outbox (committed by the caller)."""
    outcome = RunOutcome()
    keys = set(
        db.session.scalars(sa.select(OutboxMessage.key).where(OutboxMessage.key.in_([r.key for r in reminders] or [""])))
    )
    for reminder in reminders:
        if reminder.key in keys:
            outcome.already += 1
            continue
        keys.add(reminder.key)
        db.session.add(
            OutboxMessage(key=reminder.key, user_id=reminder.user_id, recipient=reminder.recipient,
                          subject=reminder.subject, body=reminder.body)
        )
        outcome.queued += 1
    db.session.flush()
    return outcome


def send_outbox(outcome: RunOutcome, echo=print) -> RunOutcome:
    """Send every unsent row of the outbox, committing after each one (never twice)."""
    rows = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)))
    if not rows:
        return outcome
    try:
        connection = _connect()
    except (OSError, smtplib.SMTPException) as error:
        for row in rows:
            row.error = f"Không kết nối được máy chủ thư: {error}"[:500]
        db.session.commit()
        outcome.failed += len(rows)
        echo(f"Lỗi: không kết nối được máy chủ thư ({error}); {len(rows)} thư chờ lần chạy sau.")
        return outcome
    try:
        for row in rows:
            try:
                connection.send_message(_message(row))
            except smtplib.SMTPException as error:
                row.error = str(error)[:500]
                outcome.failed += 1
                echo(f"Không gửi được tới {row.recipient}: {row.subject} ({error})")
            else:
                row.sent_at = utcnow()
                row.error = ""
                outcome.sent += 1
                echo(f"Đã gửi tới {row.recipient}: {row.subject}")
            db.session.commit()
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return outcome
