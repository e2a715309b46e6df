"""The calendar's commands: the monthly notice and the reminders (for cron)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from .. import clock
from ..campaigns import campaign_for_year
from ..cli import CommandFailed, require_schema
from ..database import begin_write
from ..extensions import db
from . import reminders


@click.command("calendar-notice")
@with_appcontext
@click.option("--year", required=True, type=int, help="Năm thi đua.")
@click.option("--month", required=True, type=int, help="Tháng.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True), help="Tệp .docx sẽ ghi.")
def calendar_notice_command(year, month, output) -> None:
    """Write the notice "Lịch sinh hoạt chi bộ tháng M/YYYY" (.docx)."""
    from .views import notice_bytes

    require_schema()
    campaign = campaign_for_year(year)
    if campaign is None:
        raise CommandFailed(f"Không có năm thi đua {year}.")
    if month not in campaign.months:
        raise CommandFailed(f"Tháng {month}/{year} không thuộc đợt thi đua.")
    data = notice_bytes(campaign, month, clock.today())
    try:
        with open(output, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise CommandFailed(f"Không ghi được tệp {output}: {error.strerror}.") from error
    click.echo(f"Đã ghi lịch sinh hoạt chi bộ tháng {month}/{year} -> {output}")


@click.command("send-reminders")
@with_appcontext
@click.option("--days", default=reminders.DEFAULT_DAYS_AHEAD, type=click.IntRange(0, 30),
              help="Nhắc các buổi trong số ngày tới (mặc định 3).")
def send_reminders_command(days) -> None:
    """E-mail the reminders due today (each one once); without SMTP, print them."""
    require_schema()
    due, missing = reminders.due_reminders(clock.today(), days)
    if missing:
        click.echo(f"Chưa có địa chỉ thư (trang Lịch trên điện thoại): {', '.join(missing)}")
    if not reminders.smtp_configured():
        click.echo(f"Chưa cấu hình máy chủ thư (MAIL_SERVER): không gửi, chỉ liệt kê {len(due)} thư.")
        for reminder in due:
            click.echo(f"--- Tới {reminder.recipient}: {reminder.subject}")
            click.echo(reminder.body)
        return
    begin_write()
    outcome = reminders.queue_reminders(due)
    db.session.commit()
    outcome = reminders.send_outbox(outcome, echo=click.echo)
    click.echo(
        f"Nhắc lịch: {outcome.sent} thư đã gửi, {outcome.already} thư đã gửi từ trước, "
        f"{outcome.failed} thư lỗi."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(calendar_notice_command)
    app.cli.add_command(send_reminders_command)
