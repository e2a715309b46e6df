"""Pages of the member register: the list per cell, editing, transfers, Excel import and export."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import aliased
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..database import begin_write_after_reading, reads_before_writing
from ..domain.vietnamese import ascii_fold
from ..extensions import db
from ..models import (
    Cell,
    CellRole,
    Gender,
    Member,
    MemberStatus,
    MemberTransfer,
    User,
)
from ..permissions import admin_required, ensure_cell_visible, is_admin, visible_cell_ids
from ..queries import cell_by_code, cells_in_display_order, member_register
from ..services.members import (
    ImportRejected,
    MemberInput,
    check_member_input,
    create_member,
    import_members,
    read_member_file,
    set_member_active,
    transfer_member,
    update_member,
)
from ..spreadsheets import MemberChoices, member_template, member_workbook, send_workbook
from ..templating import current_committee
from ..unit_of_work import INVALID_FORM, UnitOfWork
from ..webforms import add_service_errors, select_choices
from .forms import ActiveForm, ImportForm, MemberForm, NewMemberForm, TransferForm

bp = Blueprint("members", __name__, url_prefix="/members")

STATUS_FILTERS = {
    "active": ("Đang sinh hoạt", True),
    "inactive": ("Đã thôi sinh hoạt", False),
    "all": ("Tất cả", None),
}


@dataclass
class CellGroup:
    """The members of one cell on the list, with the figures the committee asks for."""

    cell: Cell
    members: list[Member]

    @property
    def women(self) -> int:
        return sum(1 for m in self.members if m.gender is Gender.FEMALE)

    @property
    def probationary(self) -> int:
        return sum(1 for m in self.members if m.status is MemberStatus.PROBATIONARY)

    @property
    def exempted(self) -> int:
        return sum(1 for m in self.members if m.exempted)

    @property
    def minority(self) -> int:
        return sum(1 for m in self.members if m.ethnicity != "Kinh")


def _all_cells() -> list[Cell]:
    return cells_in_display_order()


def _cell_or_404(code: str) -> Cell:
    cell = cell_by_code(code)
    if cell is None:
        abort(404, description=f"Không có chi bộ mã “{code}”.")
    return cell


def _member_or_404(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404, description="Không có đảng viên này.")
    return member


@dataclass(frozen=True)
class ListFilter:
    cell: Cell | None
    status: str
    query: str

    def args(self) -> dict:
        args = {}
        if self.cell is not None:
            args["cell"] = self.cell.code
        if self.status != "active":
            args["status"] = self.status
        if self.query:
            args["q"] = self.query
        return args


def _list_filter() -> ListFilter:
    """Read the list filter from the query string; a secretary is held to her own cell."""
    code = (request.args.get("cell") or "").strip()
    status = request.args.get("status", "active")
    if status not in STATUS_FILTERS:
        status = "active"
    query = " ".join((request.args.get("q") or "").split())[:60]
    cell = None
    if code:
        cell = _cell_or_404(code)
        ensure_cell_visible(current_user, cell.id)
    elif visible_cell_ids(current_user) is not None:
        cell = current_user.cell
        if cell is None:
            abort(403)
    return ListFilter(cell, status, query)


def _filtered_members(selection: ListFilter) -> list[Member]:
    members = member_register(
        cell_ids=[selection.cell.id] if selection.cell is not None else None,
        active=STATUS_FILTERS[selection.status][1],
    )
    if selection.query:
        wanted = ascii_fold(selection.query).casefold()
        members = [m for m in members if wanted in ascii_fold(m.full_name).casefold()]
    return members


@bp.route("/")
@login_required
def index():
    selection = _list_filter()
    members = _filtered_members(selection)
    groups = [CellGroup(cell, list(rows)) for cell, rows in groupby(members, key=lambda m: m.cell)]
    if selection.cell is not None and not groups:
        groups = [CellGroup(selection.cell, [])]
    cells = _all_cells() if visible_cell_ids(current_user) is None else [current_user.cell]
    return render_template(
        "members/index.html",
        groups=groups,
        total=len(members),
        cells=cells,
        selection=selection,
        status_filters=STATUS_FILTERS,
        can_manage=is_admin(current_user),
    )


def _choices() -> MemberChoices:
    return MemberChoices(
        genders=[g.label for g in Gender],
        statuses=[s.label for s in MemberStatus],
        cell_roles=[r.label for r in CellRole],
        cells=[(c.code, c.name, c.category.label) for c in _all_cells() if c.active],
    )


@bp.route("/export.xlsx")
@login_required
def export():
    selection = _list_filter()
    members = _filtered_members(selection)
    if selection.cell is not None:
        owner = selection.cell.name
    else:
        committee = current_committee()
        owner = committee.name if committee else "Đảng bộ"
    filename = f"Danh sách đảng viên - {owner} - {clock.today():%d-%m-%Y}.xlsx"
    return send_workbook(member_workbook(members, _choices()), filename)


@bp.route("/template.xlsx")
@admin_required
def template():
    return send_workbook(member_template(_choices()), "Mẫu nhập danh sách đảng viên.xlsx")


@bp.route("/import", methods=["GET", "POST"])
@reads_before_writing
@admin_required
def import_file():
    form = ImportForm()
    work = UnitOfWork(form, shown_apart=(ImportRejected,))
    if work.validate():
        data = form.file.data.read()
        with work:
            # The file is read without the write lock (it may take a while); then the lock.
            parsed = read_member_file(data)
            begin_write_after_reading()
            result = import_members(parsed, actor=current_user)
        if work.committed:
            flash(
                f"Đã nhập {result.total} dòng: {result.created} đảng viên mới, {result.updated} "
                f"cập nhật, {result.transferred} chuyển chi bộ, {result.unchanged} không thay đổi.",
                "success",
            )
            return redirect(url_for("members.index"))
    rejected = work.error if isinstance(work.error, ImportRejected) else None
    return render_template("members/import.html", form=form, rejected=rejected), work.status


def _choice(enum, field):
    """The member of ``enum`` a select field holds; None when the form could not read it."""
    if field.errors:
        return None
    try:
        return enum(field.data)
    except ValueError:
        return None


def _member_input(form: MemberForm) -> MemberInput:
    """The service's input from the form, with None for a value the form could not read."""
    return MemberInput(
        full_name=form.full_name.data or "",
        gender=_choice(Gender, form.gender),
        birth_year=None if form.birth_year.errors else form.birth_year.data,
        ethnicity=form.ethnicity.data or "",
        status=_choice(MemberStatus, form.status),
        exempted=bool(form.exempted.data),
        cell_role=_choice(CellRole, form.cell_role),
    )


def _add_service_errors(form: MemberForm) -> None:
    """The form is refused anyway: also give the service's messages for the other fields
    (a one-word name along with an empty birth year)."""
    add_service_errors(form, lambda: check_member_input(_member_input(form)))


def _active_cell_choices(exclude: Cell | None = None) -> list[SelectChoice]:
    return select_choices(
        (c.code, c.name)
        for c in _all_cells()
        if c.active and (exclude is None or c.id != exclude.id)
    )


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = NewMemberForm()
    form.cell.choices = _active_cell_choices()
    if request.method == "GET" and request.args.get("cell"):
        form.cell.data = request.args["cell"]
    work = UnitOfWork(form)
    if work.validate():
        cell = _cell_or_404(form.cell.data)
        with work:
            member = create_member(_member_input(form), cell=cell, actor=current_user)
        if work.committed:
            flash(f"Đã thêm đảng viên {member.full_name} vào {cell.name}.", "success")
            return redirect(url_for("members.index", cell=cell.code))
    elif form.is_submitted():
        _add_service_errors(form)
    return render_template("members/new.html", form=form), work.status


def _transfers(member: Member) -> list:
    source = aliased(Cell)
    target = aliased(Cell)
    return db.session.execute(
        sa.select(MemberTransfer, source.name, target.name, User.full_name)
        .join(source, MemberTransfer.from_cell_id == source.id)
        .join(target, MemberTransfer.to_cell_id == target.id)
        .outerjoin(User, MemberTransfer.created_by_id == User.id)
        .where(MemberTransfer.member_id == member.id)
        .order_by(MemberTransfer.transferred_on.desc(), MemberTransfer.id.desc())
    ).all()


def _render_member(member: Member, *, form=None, transfer_form=None, status: int = 200):
    if form is None:
        form = MemberForm(
            formdata=None,
            data={
                "full_name": member.full_name,
                "gender": member.gender.value,
                "birth_year": member.birth_year,
                "ethnicity": member.ethnicity,
                "status": member.status.value,
                "cell_role": member.cell_role.value,
                "exempted": member.exempted,
            },
        )
    if transfer_form is None:
        transfer_form = TransferForm(formdata=None, data={"on": clock.today()})
    transfer_form.to_cell.choices = _active_cell_choices(exclude=member.cell)
    return (
        render_template(
            "members/edit.html",
            member=member,
            form=form,
            transfer_form=transfer_form,
            active_form=ActiveForm(formdata=None),
            transfers=_transfers(member),
        ),
        status,
    )


@bp.route("/<int:member_id>", methods=["GET", "POST"])
@admin_required
def edit(member_id: int):
    member = _member_or_404(member_id)
    if request.method == "GET":
        return _render_member(member)
    form = MemberForm()
    if not form.validate():
        _add_service_errors(form)
        return _render_member(member, form=form, status=INVALID_FORM)
    with UnitOfWork(form) as work:
        update_member(member, _member_input(form), actor=current_user)
    if work.refused:
        return _render_member(_member_or_404(member_id), form=form, status=work.status)
    flash(f"Đã lưu thông tin đảng viên {member.full_name}.", "success")
    return redirect(url_for("members.index", cell=member.cell.code))


@bp.route("/<int:member_id>/transfer", methods=["POST"])
@admin_required
def transfer(member_id: int):
    member = _member_or_404(member_id)
    form = TransferForm()
    form.to_cell.choices = _active_cell_choices(exclude=member.cell)
    if not form.validate():
        return _render_member(member, transfer_form=form, status=INVALID_FORM)
    to_cell = _cell_or_404(form.to_cell.data)
    from_name = member.cell.name
    with UnitOfWork(form) as work:
        transfer_member(
            member,
            to_cell=to_cell,
            on=form.on.day,
            reason=form.reason.data or "",
            cell_role=CellRole(form.cell_role.data),
            actor=current_user,
        )
    if work.refused:
        return _render_member(_member_or_404(member_id), transfer_form=form, status=work.status)
    flash(f"Đã chuyển {member.full_name} từ {from_name} sang {to_cell.name}.", "success")
    return redirect(url_for("members.edit", member_id=member.id))


@bp.route("/<int:member_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@admin_required
def active(member_id: int, action: str):
    member = _member_or_404(member_id)
    if not ActiveForm().validate():
        abort(400)
    with UnitOfWork(flash_message=True) as work:
        set_member_active(member, action == "reactivate", actor=current_user)
    if work.refused:
        return redirect(url_for("members.edit", member_id=member_id))
    flash(
        f"{member.full_name}: {'đã cho sinh hoạt lại' if member.active else 'đã thôi sinh hoạt'}.",
        "success",
    )
    return redirect(url_for("members.edit", member_id=member.id))
