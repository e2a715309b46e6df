"""Pages of the admin area: accounts, cells, the committee, rubrics and campaign settings."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..auth.sessions import sign_in
from ..campaigns import campaign_for_year, campaign_years
from ..database import begin_write_after_reading, reads_before_writing
from ..domain.scoring import to_points
from ..domain.vietnamese import format_points
from ..extensions import db
from ..guards import whole_number
from ..members.forms import ImportForm
from ..models import Campaign, Cell, CellCategory, Role, User
from ..permissions import admin_required, is_admin
from ..queries import cell_by_code, cells_in_display_order, rubric_for_year
from ..services.accounts import create_user, reset_password, set_user_active, update_user
from ..services.cell_import import import_cells, read_cell_file
from ..services.members import ImportRejected
from ..services.organisation import (
    KEEP,
    RubricLineInput,
    create_cell,
    replace_rubric,
    rubric_lock_reason,
    update_campaign_settings,
    update_cell,
)
from ..spreadsheets import send_workbook
from ..spreadsheets.cell_list import cell_workbook
from ..unit_of_work import INVALID_FORM, UnitOfWork
from ..webforms import add_service_errors, select_choices
from . import queries
from .forms import (
    AccountForm,
    ActiveForm,
    CampaignSettingsForm,
    CellForm,
    NewAccountForm,
    NewCellForm,
    ResetPasswordForm,
    RubricForm,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")

SPARE_CRITERION_ROWS = 3
MSG_OWN_ADMIN_ROLE = (
    "Không thể tự bỏ quyền quản trị của mình; một quản trị viên khác phải làm việc này."
)


def _get_or_404(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _campaign_or_404(year: int) -> Campaign:
    campaign = campaign_for_year(year)
    if campaign is None:
        abort(404, description=f"Không có năm thi đua {year}.")
    return campaign


def _cell_choices(*, blank: str | None = None, keep: Cell | None = None) -> list[SelectChoice]:
    """Active cells for a select (plus ``keep``, the current one, even when closed)."""
    cells = cells_in_display_order()
    choices = [("", blank)] if blank is not None else []
    for cell in cells:
        if cell.active or (keep is not None and cell.id == keep.id):
            label = cell.name if cell.active else f"{cell.name} (ngừng hoạt động)"
            choices.append((cell.code, label))
    return select_choices(choices)


# --------------------------------------------------------------------------------------------
# Index


@bp.route("/")
@admin_required
def index():
    return render_template(
        "admin/index.html",
        counts=queries.active_counts(),
        campaigns=queries.campaigns_newest_first(),
        audit_url=_optional_url("audit.index"),
    )


def _optional_url(endpoint: str) -> str | None:
    """A link to a page another area may add; None while it does not exist."""
    return url_for(endpoint) if endpoint in current_app.view_functions else None


# --------------------------------------------------------------------------------------------
# Accounts


@bp.route("/accounts")
@admin_required
def accounts():
    return render_template("admin/accounts.html", users=queries.accounts_in_list_order())


@bp.route("/accounts/new", methods=["GET", "POST"])
@admin_required
def account_new():
    form = NewAccountForm()
    form.cell.choices = _cell_choices(blank="— Không thuộc chi bộ —")
    work = UnitOfWork(form)
    if work.validate():
        with work:
            user = create_user(
                username=form.username.data,
                full_name=form.full_name.data,
                role=Role(form.role.data),
                password=form.password.data,
                cell=cell_by_code(form.cell.data),
                actor=current_user,
            )
        if work.committed:
            flash(f"Đã tạo tài khoản {user.username} ({user.role.label}).", "success")
            return redirect(url_for("admin.accounts"))
    elif form.is_submitted():
        form.add_taken_errors()
    return render_template("admin/account_new.html", form=form), work.status


def _render_account(user: User, *, form=None, password_form=None, status: int = 200):
    if form is None:
        form = AccountForm(
            formdata=None,
            data={
                "full_name": user.full_name,
                "role": user.role.value,
                "cell": user.cell.code if user.cell else "",
            },
        )
    form.cell.choices = _cell_choices(blank="— Không thuộc chi bộ —", keep=user.cell)
    password_form = password_form or ResetPasswordForm(formdata=None)
    return (
        render_template(
            "admin/account_edit.html",
            user=user,
            form=form,
            password_form=password_form,
            active_form=ActiveForm(formdata=None),
            token_count=queries.live_token_count(user),
        ),
        status,
    )


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@admin_required
def account_edit(user_id: int):
    user = _get_or_404(User, user_id)
    if request.method == "GET":
        return _render_account(user)
    form = AccountForm()
    form.cell.choices = _cell_choices(blank="— Không thuộc chi bộ —", keep=user.cell)
    if not form.validate():
        if user.id == current_user.id and form.role.data != Role.ADMIN.value:
            # The service refuses this (403) once the form is valid; the form is refused
            # anyway, so say it now along with the other fields' errors.
            form.role.errors = [*form.role.errors, MSG_OWN_ADMIN_ROLE][:1]
        return _render_account(user, form=form, status=INVALID_FORM)
    with UnitOfWork(form) as work:
        update_user(
            user,
            full_name=form.full_name.data,
            role=Role(form.role.data),
            cell=cell_by_code(form.cell.data),
            active=user.active,
            actor=current_user,
        )
    if work.refused:
        return _render_account(db.session.get(User, user_id), form=form, status=work.status)
    flash(f"Đã lưu tài khoản {user.username}.", "success")
    return redirect(url_for("admin.accounts"))


@bp.route("/accounts/<int:user_id>/password", methods=["POST"])
@admin_required
def account_password(user_id: int):
    user = _get_or_404(User, user_id)
    form = ResetPasswordForm()
    if not form.validate():
        return _render_account(user, password_form=form, status=INVALID_FORM)
    with UnitOfWork(form) as work:
        reset_password(user, form.password.data, actor=current_user)
    if work.refused:
        return _render_account(
            db.session.get(User, user_id), password_form=form, status=work.status
        )
    if user.id == current_user.id:
        sign_in(user)  # this browser carries on in a new session; the others ended
    flash(
        f"Đã đặt lại mật khẩu của {user.username}; "
        "các phiên đăng nhập cũ của tài khoản đã bị đăng xuất và các mã API đã bị thu hồi.",
        "success",
    )
    return redirect(url_for("admin.account_edit", user_id=user.id))


@bp.route("/accounts/<int:user_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@admin_required
def account_active(user_id: int, action: str):
    user = _get_or_404(User, user_id)
    form = ActiveForm()
    if not form.validate():
        abort(400)
    with UnitOfWork(flash_message=True) as work:
        set_user_active(user, action == "reactivate", actor=current_user)
    if work.refused:
        return redirect(url_for("admin.account_edit", user_id=user_id))
    flash(
        f"Đã {'mở khóa' if user.active else 'khóa'} tài khoản {user.username}.",
        "success",
    )
    return redirect(url_for("admin.account_edit", user_id=user.id))


# --------------------------------------------------------------------------------------------
# Cells and the committee


@bp.route("/cells")
@admin_required
def cells():
    return render_template("admin/cells.html", rows=queries.cells_with_active_member_counts())


@bp.route("/cells/export.xlsx")
@admin_required
def cells_export():
    data = cell_workbook(queries.cells_in_list_order(), this_year=clock.today().year)
    return send_workbook(data, f"Danh sách chi bộ - {clock.today():%d-%m-%Y}.xlsx")


@bp.route("/cells/template.xlsx")
@admin_required
def cells_template():
    data = cell_workbook([], this_year=clock.today().year)
    return send_workbook(data, "Mẫu nhập danh sách chi bộ.xlsx")


@bp.route("/cells/import", methods=["GET", "POST"])
@reads_before_writing
@admin_required
def cells_import():
    form = ImportForm()
    work = UnitOfWork(form, shown_apart=(ImportRejected,))
    if work.validate():
        with work:
            # The file is read without the write lock (it may take a while); then the lock.
            parsed = read_cell_file(form.file.data.read())
            begin_write_after_reading()
            result = import_cells(parsed, actor=current_user)
        if work.committed:
            flash(
                f"Đã nhập {result.total} dòng: {len(result.created)} chi bộ mới, "
                f"{len(result.updated)} cập nhật, {result.unchanged} không thay đổi.",
                "success",
            )
            return redirect(url_for("admin.cells"))
    rejected = work.error if isinstance(work.error, ImportRejected) else None
    return render_template("admin/cells_import.html", form=form, rejected=rejected), work.status


def _offer_years(form: CellForm) -> None:
    form.offer_years(campaign_years(), clock.today().year)


@bp.route("/cells/new", methods=["GET", "POST"])
@admin_required
def cell_new():
    form = NewCellForm()
    _offer_years(form)
    if request.method == "GET":
        form.display_order.data = queries.last_display_order() + 1
        form.joined_year.data = str(clock.today().year)
    work = UnitOfWork(form)
    if work.validate():
        with work:
            cell = create_cell(
                code=form.code.data,
                name=form.name.data,
                category=CellCategory(form.category.data),
                display_order=form.display_order.data,
                actor=current_user,
                joined_year=form.joined_year_value,
                left_year=form.left_year_value,
            )
        if work.committed:
            flash(f"Đã thêm {cell.name} (mã {cell.code}).", "success")
            return redirect(url_for("admin.cells"))
    elif form.is_submitted():
        form.add_taken_errors()
    return render_template("admin/cell_form.html", form=form, cell=None), work.status


@bp.route("/cells/<int:cell_id>", methods=["GET", "POST"])
@admin_required
def cell_edit(cell_id: int):
    cell = _get_or_404(Cell, cell_id)
    form = CellForm(obj=cell)
    form.editing_id = cell.id
    _offer_years(form)
    if request.method == "GET":
        form.category.data = cell.category.value
        form.joined_year.data = str(cell.joined_year or "")
        form.left_year.data = str(cell.left_year or "")
    work = UnitOfWork(form)
    if work.validate():
        with work:
            update_cell(
                cell,
                name=form.name.data,
                category=CellCategory(form.category.data),
                display_order=form.display_order.data,
                active=form.active.data,
                actor=current_user,
                joined_year=form.joined_year_value,
                # A closed cell leaves the competition: from the year given, else by the rule.
                left_year=(
                    form.left_year_value
                    if form.left_year_value is not None or form.active.data
                    else KEEP
                ),
            )
        if work.committed:
            flash(f"Đã lưu {cell.name}.", "success")
            return redirect(url_for("admin.cells"))
        cell = db.session.get(Cell, cell_id)
    return render_template("admin/cell_form.html", form=form, cell=cell), work.status


# --------------------------------------------------------------------------------------------
# Rubric and settings of each campaign year (read by everyone, changed by the admin)


@bp.route("/rubric")
@login_required
def rubric_index():
    campaigns = queries.campaigns_with_report_counts()
    return render_template("admin/rubric_index.html", campaigns=campaigns)


@bp.route("/rubric/<int:year>")
@login_required
def rubric(year: int):
    campaign = _campaign_or_404(year)
    criteria = rubric_for_year(campaign)
    return render_template(
        "admin/rubric.html",
        campaign=campaign,
        criteria=criteria,
        total=sum(c.max_half_points for c in criteria),
        lock_reason=rubric_lock_reason(campaign),
        can_edit=is_admin(current_user),
    )


def _rubric_rows(campaign: Campaign) -> list[dict]:
    rows = [
        {
            "criterion_id": str(c.id),
            "code": c.code,
            "title": c.title,
            "max_points": _points_text(c.max_half_points),
            "gate": c.gate,
            "order": c.position,
        }
        for c in rubric_for_year(campaign)
    ]
    return rows + [{} for _ in range(SPARE_CRITERION_ROWS)]


def _points_text(half_points: int) -> str:
    return format_points(to_points(half_points))


def _rubric_lines(form: RubricForm) -> list[RubricLineInput]:
    lines = []
    for entry in form.criteria.entries:
        row = entry.form
        if row.remove.data or row.is_blank():
            continue
        raw_id = (row.criterion_id.data or "").strip()
        if row.order.errors:
            order = None  # the service says what is wrong with it
        else:
            order = row.order.data if row.order.data is not None else 1000
        lines.append(
            RubricLineInput(
                key=entry.name,
                criterion_id=whole_number(raw_id, low=1),
                code=row.code.data or "",
                title=row.title.data or "",
                max_points=row.max_points.data or "",
                gate=bool(row.gate.data),
                order=order,
            )
        )
    return lines


@bp.route("/rubric/<int:year>/edit", methods=["GET", "POST"])
@admin_required
def rubric_edit(year: int):
    campaign = _campaign_or_404(year)
    lock_reason = rubric_lock_reason(campaign)
    if request.method == "POST":
        form = RubricForm()
    else:
        form = RubricForm(formdata=None, data={"criteria": _rubric_rows(campaign)})
    work = UnitOfWork(form)
    if work.validate():
        with work:
            replace_rubric(campaign, _rubric_lines(form), actor=current_user)
        if work.committed:
            flash(f"Đã lưu thang điểm năm {year}.", "success")
            return redirect(url_for("admin.rubric", year=year))
        campaign = db.session.get(Campaign, campaign.id)
        lock_reason = rubric_lock_reason(campaign)
    elif form.is_submitted() and not form.csrf_token.errors and not lock_reason:
        add_service_errors(
            form, lambda: replace_rubric(campaign, _rubric_lines(form), actor=current_user)
        )
    return (
        render_template(
            "admin/rubric_edit.html", campaign=campaign, form=form, lock_reason=lock_reason
        ),
        work.status,
    )


@bp.route("/rubric/<int:year>/settings", methods=["GET", "POST"])
@admin_required
def campaign_settings(year: int):
    campaign = _campaign_or_404(year)
    form = CampaignSettingsForm(obj=campaign)
    work = UnitOfWork(form)
    if work.validate():
        with work:
            update_campaign_settings(
                campaign,
                young_age_limit=form.young_age_limit.data,
                award_quota=form.award_quota.data,
                award_form=form.award_form.data,
                individual_min_speeches=form.individual_min_speeches.data,
                actor=current_user,
            )
        if work.committed:
            flash(f"Đã lưu thiết lập năm thi đua {year}.", "success")
            return redirect(url_for("admin.rubric", year=year))
        campaign = db.session.get(Campaign, campaign.id)
    return (
        render_template("admin/campaign_settings.html", campaign=campaign, form=form),
        work.status,
    )
