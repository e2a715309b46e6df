"""The ``flask --app tracker`` commands of contract.md."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .database import begin_write
from .extensions import db
from .models import Role, User
from .queries import cell_by_code
from .seed import seed_reference_data
from .services import ServiceError
from .services.accounts import create_token, create_user


class CommandFailed(click.ClickException):
    """A refusal printed in Vietnamese ("Lỗi: …" on stderr, exit status 1)."""

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", err=True)


MSG_NO_SCHEMA = "Cơ sở dữ liệu chưa được khởi tạo; hãy chạy trước: flask --app tracker init-db"
ROLE_NAMES = ", ".join(role.value for role in Role)


def require_schema() -> None:
    """Refuse clearly, instead of a database traceback, when init-db has never run."""
    if not sa.inspect(db.engine).has_table(User.__tablename__):
        raise CommandFailed(MSG_NO_SCHEMA)


def ask_password() -> str:
    """Ask for a password twice, hidden, until both agree."""
    while True:
        first = click.prompt("Mật khẩu", hide_input=True, err=True)
        if click.prompt("Nhập lại mật khẩu", hide_input=True, err=True) == first:
            return first
        click.echo("Hai lần nhập không khớp; vui lòng nhập lại.", err=True)


def upgrade_database() -> None:
    """Create the schema or bring it to the newest migration."""
    upgrade()


def init_database() -> dict[str, int]:
    """Upgrade the schema and add the reference data that is missing; return what was added."""
    upgrade_database()
    begin_write()
    added = seed_reference_data()
    db.session.commit()
    sweep_attachments()
    return added


def sweep_attachments() -> dict[str, int]:
    """Remove what interrupted uploads and the old upload folder left (see attachments)."""
    from .services.attachments import sweep_orphans

    begin_write()
    done = sweep_orphans()
    db.session.commit()
    return done


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the schema and seed the committee, cells, campaigns, rubric and members."""
    added = init_database()
    if any(added.values()):
        click.echo(
            "Đã khởi tạo dữ liệu: {committee} đảng ủy, {cells} chi bộ, {campaigns} năm thi đua, "
            "{members} đảng viên.".format(**added)
        )
    else:
        click.echo("Cơ sở dữ liệu đã đầy đủ; không có gì thay đổi.")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", required=True, help=f"Vai trò: {ROLE_NAMES}.")
@click.option("--cell", "cell_code", help="Mã chi bộ (bắt buộc với bí thư chi bộ).")
@click.option("--password", help="Mật khẩu; bỏ trống để nhập (ẩn, hai lần).")
@click.option("--full-name", default="", help="Họ và tên.")
def create_user_command(username, role, cell_code, password, full_name) -> None:
    """Create an account."""
    try:
        role = Role(role.strip().lower())
    except ValueError:
        raise CommandFailed(
            f"Vai trò '{role}' không hợp lệ; chọn một trong: {ROLE_NAMES}."
        ) from None
    require_schema()
    begin_write()
    cell = None
    if cell_code:
        cell = cell_by_code(cell_code)
        if cell is None:
            raise CommandFailed(f"Không có chi bộ mã '{cell_code}'.")
    if role is Role.SECRETARY and cell is None:
        raise CommandFailed("Bí thư chi bộ cần --cell MÃ_CHI_BỘ.")
    if password is None:
        password = ask_password()
    try:
        user = create_user(
            username=username, full_name=full_name, role=role, password=password, cell=cell
        )
    except ServiceError as error:
        db.session.rollback()
        details = " ".join(error.fields.values())
        raise CommandFailed(f"{error.message} {details}".strip()) from error
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {user.username} ({user.role.label}).", err=True)


@click.command("create-token")
@with_appcontext
@click.argument("username")
@click.option("--label", default="dòng lệnh", help="Ghi chú của mã.")
def create_token_command(username, label) -> None:
    """Print a new API token for the account (and nothing else on stdout)."""
    require_schema()
    begin_write()
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise CommandFailed(f"Không có tài khoản '{username}'.")
    try:
        raw, _token = create_token(user, label=label)
    except ServiceError as error:
        db.session.rollback()
        raise CommandFailed(error.message) from error
    db.session.commit()
    click.echo(raw)


@click.command("seed-demo")
@with_appcontext
@click.option(
    "--year",
    default=None,
    type=int,
    help="Năm thi đua (mặc định: năm 2022, năm trước và năm nay, mở năm nay nếu chưa có).",
)
def seed_demo_command(year) -> None:
    """Add realistic demo accounts, members' attendance and reports for a campaign year (or a
    living demo: 2022, last year and this year up to last month)."""
    from .demo import seed_demo

    init_database()
    seed_demo(year)


@click.command("export-awards")
@with_appcontext
@click.option("--year", required=True, type=int, help="Năm thi đua.")
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Tệp .xlsx sẽ ghi.",
)
def export_awards_command(year, output) -> None:
    """Write the year-end award workbook (as stored at closing once the year is closed)."""
    from .award_queries import book_for_year
    from .campaigns import campaign_for_year
    from .spreadsheets import award_workbook

    require_schema()
    campaign = campaign_for_year(year)
    if campaign is None:
        raise CommandFailed(f"Không có năm thi đua {year}.")
    book = book_for_year(campaign)
    data = award_workbook(book)
    try:
        with open(output, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise CommandFailed(f"Không ghi được tệp {output}: {error.strerror}.") from error
    state = "đã khóa sổ" if campaign.is_closed else "chưa khóa sổ, theo đề xuất hiện tại"
    click.echo(
        f"Đã ghi danh sách đề nghị khen thưởng năm {year} ({state}): {len(book.cells)} tập thể, "
        f"{len(book.members)} cá nhân, {len(book.standings)} chi bộ xếp hạng -> {output}"
    )


def _whole_number(text: str | None, what: str) -> int | None:
    """Read a whole number typed on the command line, refusing clearly in Vietnamese."""
    if text is None:
        return None
    cleaned = text.strip()
    if not cleaned.isascii() or not cleaned.lstrip("-").isdigit() or len(cleaned) > 6:
        raise CommandFailed(f"{what} phải là số nguyên (đã nhập “{text}”).")
    return int(cleaned)


@click.command("open-year")
@with_appcontext
@click.argument("year")
@click.option("--first-month", default=None, help="Tháng bắt đầu (mặc định 1).")
@click.option("--last-month", default=None, help="Tháng kết thúc (mặc định 12).")
@click.option(
    "--copy-from",
    default=None,
    help="Năm sao chép thang điểm, mức xếp loại và thiết lập (mặc định: năm liền trước).",
)
@click.option(
    "--plan",
    "plan_number",
    default=None,
    help="Số hiệu kế hoạch (mặc định: kế hoạch của năm được sao chép).",
)
def open_year_command(year, first_month, last_month, copy_from, plan_number) -> None:
    """Open a campaign year, copying the rubric and settings of an earlier one."""
    from .campaigns import plan_by_number
    from .services.campaigns import open_campaign_year

    year = _whole_number(year, "Năm thi đua")
    first = _whole_number(first_month, "Tháng bắt đầu")
    last = _whole_number(last_month, "Tháng kết thúc")
    source = _whole_number(copy_from, "Năm sao chép")
    require_schema()
    begin_write()
    plan = None
    if plan_number is not None:
        plan = plan_by_number(plan_number)
        if plan is None:
            raise CommandFailed(f"Không có kế hoạch số {plan_number}.")
    try:
        opened = open_campaign_year(
            year,
            first_month=1 if first is None else first,
            last_month=12 if last is None else last,
            copy_from=source,
            plan=plan,
            actor=None,
        )
    except ServiceError as error:
        db.session.rollback()
        details = " ".join(m for m in dict.fromkeys(error.fields.values()) if m != error.message)
        raise CommandFailed(f"{error.message} {details}".strip()) from error
    db.session.commit()
    click.echo(opened.line)


@click.command("export-summary")
@with_appcontext
@click.option("--year", required=True, type=int, help="Năm thi đua.")
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Tệp .docx sẽ ghi.",
)
def export_summary_command(year, output) -> None:
    """Write the year's review report (báo cáo sơ kết) as a .docx Party document."""
    from . import clock
    from .campaigns import campaign_for_year
    from .review.queries import document_for

    require_schema()
    campaign = campaign_for_year(year)
    if campaign is None:
        raise CommandFailed(f"Không có năm thi đua {year}.")
    data, _name = document_for(campaign, clock.today())
    try:
        with open(output, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise CommandFailed(f"Không ghi được tệp {output}: {error.strerror}.") from error
    state = "đã khóa sổ" if campaign.is_closed else "chưa khóa sổ, bản dự thảo"
    click.echo(f"Đã ghi báo cáo sơ kết năm {year} ({state}) -> {output}")


def init_app(app: Flask) -> None:
    """Add the commands of this module (backup.py and schedule/cli.py add their own)."""
    for command in (
        init_db_command,
        create_user_command,
        create_token_command,
        seed_demo_command,
        export_awards_command,
        open_year_command,
        export_summary_command,
    ):
        app.cli.add_command(command)
