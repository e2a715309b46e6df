"""Pages of the awards area: the year chooser, a year's proposal, closing and reopening the
year, and the downloads (the award workbook; the rankings' monthly matrix as a workbook).

The proposal is the committee's (and the admin's); reopening a closed year is the admin's;
the monthly matrix is for every role that reads the rankings.
"""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import award_queries as queries
from .. import clock, spreadsheets
from ..campaigns import campaign_for_year, committee_as_of
from ..extensions import db
from ..models import CellCategory, User
from ..permissions import can_reopen_year, committee_required, rankings_readers
from ..services import ServiceError, ValidationFailed
from ..services import awards as service
from ..standings import load_campaigns, monthly_matrix, standings_for_period
from ..unit_of_work import UnitOfWork
from ..webforms import apply_service_error, select_choices
from .forms import (
    ActionForm,
    AddCellForm,
    AddMemberForm,
    ConfirmForm,
    DocumentForm,
    EntryForm,
    ReopenForm,
)

bp = Blueprint("awards", __name__, url_prefix="/awards")

WORKBOOK_NAME = "Danh sách đề nghị khen thưởng năm {year} - {committee}.xlsx"
MATRIX_NAME = "Điểm sinh hoạt từng tháng năm {year}.xlsx"
MATRIX_CATEGORY_NAME = "Điểm sinh hoạt từng tháng năm {year} - {category}.xlsx"


def _campaign_or_404(year: int):
    campaign = campaign_for_year(year)
    if campaign is None:
        abort(404, description=f"Không có năm thi đua {year}.")
    return campaign


# --------------------------------------------------------------------------------------------
# The year chooser


@bp.get("/")
@committee_required
def index():
    """Every campaign year, with whether it is open or closed and how far its proposal is."""
    years = queries.campaigns()
    saved = queries.saved_proposals()
    today = clock.today()
    closers = {
        user.id: user.full_name
        for user in db.session.scalars(
            sa.select(User).where(User.id.in_([c.closed_by_id for c in years if c.closed_by_id]))
        )
    }
    return render_template(
        "awards/index.html",
        years=years,
        saved=saved,
        closers=closers,
        ended={c.id: service.year_has_ended(c, today) for c in years},
    )


# --------------------------------------------------------------------------------------------
# A year's proposal


@bp.get("/<int:year>")
@committee_required
def proposal(year: int):
    """The proposal of a year: editable while the year is open, as stored once it is closed."""
    campaign = _campaign_or_404(year)
    return _render(campaign)


def _render(campaign, status: int = 200, **failed):
    """Render the proposal page; ``failed`` holds a refused form to show with its errors."""
    if campaign.is_closed:
        return _render_closed(campaign, status, **failed)
    today = clock.today()
    page = queries.proposal_page(campaign, today)
    forms = _page_forms(page, failed)
    return (
        render_template(
            "awards/proposal.html",
            campaign=campaign,
            page=page,
            forms=forms,
            today=today,
            year_ended=service.year_has_ended(campaign, today),
            unreviewed=queries.unreviewed_reports(campaign),
            categories=dict(CellCategory.choices()),
        ),
        status,
    )


def _page_forms(page: queries.ProposalPage, failed: dict) -> dict:
    """The forms of the page, prefilled from the proposal (or kept as typed when refused)."""
    forms: dict = {"cells": {}, "members": {}}
    for kind, entries in (("cells", page.cells), ("members", page.members)):
        for entry in entries:
            if entry.id is None:
                continue
            refused = failed.get("entry")
            if refused and refused[0] == kind and refused[1] == entry.id:
                forms[kind][entry.id] = refused[2]
            else:
                forms[kind][entry.id] = EntryForm(
                    formdata=None,
                    data={
                        "award_form": entry.award_form,
                        "summary": entry.summary,
                        "note": entry.note,
                    },
                )
    proposal = page.proposal
    forms["document"] = failed.get("document") or DocumentForm(
        formdata=None,
        data={
            "document_number": proposal.document_number if proposal else "",
            "document_date": proposal.document_date if proposal else None,
            "signer_name": proposal.signer_name if proposal else "",
            "recipients": proposal.recipients if proposal else "",
        },
    )
    add_cell = failed.get("add_cell") or AddCellForm(formdata=None)
    add_cell.cell.choices = select_choices(
        [("", "— Chọn chi bộ —")]
        + [
            (
                check.standing.code,
                f"{check.standing.name} (hạng {check.standing.rank}"
                + ("" if check.eligible else ", chưa đủ điều kiện")
                + ")",
            )
            for check in page.other_cells()
        ]
    )
    forms["add_cell"] = add_cell
    forms["add_member"] = failed.get("add_member") or AddMemberForm(formdata=None)
    forms["action"] = ActionForm(formdata=None)
    forms["reset"] = failed.get("reset") or ConfirmForm(formdata=None)
    forms["close"] = failed.get("close") or ConfirmForm(formdata=None)
    forms["error"] = failed.get("error")
    return forms


def _render_closed(campaign, status: int = 200, **failed):
    book = queries.closed_book(campaign)
    snapshot = campaign.closed_snapshot or {}
    closer = db.session.get(User, campaign.closed_by_id) if campaign.closed_by_id else None
    return (
        render_template(
            "awards/closed.html",
            campaign=campaign,
            book=book,
            closed_by=closer.full_name if closer else snapshot.get("closed_by", ""),
            unreviewed=snapshot.get("unreviewed_reports", 0),
            reopen_form=failed.get("reopen") or ReopenForm(formdata=None),
            can_reopen=can_reopen_year(current_user),
            error=failed.get("error"),
        ),
        status,
    )


def _refused(campaign, work: UnitOfWork, **failed):
    """Show the page again after a refused change, its forms as typed (``failed``)."""
    failed.setdefault("error", work.error.message)
    return _render(_campaign_or_404(campaign.year), work.status, **failed)


def _done(campaign, message: str, anchor: str | None = None):
    flash(message, "success")
    return redirect(url_for("awards.proposal", year=campaign.year, _anchor=anchor), code=303)


def _checked(form) -> bool:
    """Validate the form's CSRF token (and parse its fields); a bad token is refused with 400."""
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400, description="Phiên làm việc đã hết hạn; vui lòng tải lại trang.")
        return False
    return True


@bp.post("/<int:year>/create")
@committee_required
def create_default(year: int):
    campaign = _campaign_or_404(year)
    _checked(ActionForm())
    with UnitOfWork() as work:
        service.create_default_proposal(campaign, actor=current_user)
    if work.refused:
        return _refused(campaign, work)
    return _done(campaign, "Đã tạo đề xuất mặc định; có thể chỉnh sửa bên dưới.")


@bp.post("/<int:year>/reset")
@committee_required
def reset(year: int):
    campaign = _campaign_or_404(year)
    form = ConfirmForm()
    _checked(form)
    with UnitOfWork(form) as work:
        if not form.confirm.data:
            raise ValidationFailed(
                "Cần xác nhận trước khi đặt lại.",
                {"confirm": "Đánh dấu để xác nhận bỏ mọi chỉnh sửa của hai danh sách."},
            )
        service.reset_proposal(campaign, actor=current_user)
    if work.refused:
        return _refused(campaign, work, reset=form)
    return _done(campaign, "Đã đặt lại đề xuất theo mặc định.")


@bp.post("/<int:year>/document")
@committee_required
def document(year: int):
    campaign = _campaign_or_404(year)
    form = DocumentForm()
    checked = _checked(form)
    with UnitOfWork(form if checked else None) as work:
        if not checked:
            raise ValidationFailed("Thông tin chưa hợp lệ.", {})
        service.update_document(
            campaign,
            actor=current_user,
            document_number=form.document_number.data,
            document_date=form.document_date.day,
            signer_name=form.signer_name.data,
            recipients=form.recipients.data,
        )
    if work.refused:
        return _refused(campaign, work, document=form)
    return _done(campaign, "Đã lưu số, ngày, người ký và nơi nhận.", "van-ban")


# The two lists share their routes: <kind> is "cells" or "members".
_KINDS = {
    "cells": (service.update_cell_entry, service.move_cell, service.remove_cell),
    "members": (service.update_member_entry, service.move_member, service.remove_member),
}


def _kind_or_404(kind: str):
    if kind not in _KINDS:
        abort(404)
    return _KINDS[kind]


@bp.post("/<int:year>/cells")
@committee_required
def add_cell(year: int):
    campaign = _campaign_or_404(year)
    form = AddCellForm()
    _checked(form)
    with UnitOfWork() as work:
        entry = service.add_cell(campaign, actor=current_user, cell_code=request.form.get("cell"))
    if work.refused:
        return _refused(campaign, work, add_cell=_fresh_with_error(AddCellForm, work.error))
    return _done(campaign, f"Đã thêm {entry.cell.name} vào danh sách.", "tap-the")


@bp.post("/<int:year>/members")
@committee_required
def add_member(year: int):
    campaign = _campaign_or_404(year)
    form = AddMemberForm()
    _checked(form)
    with UnitOfWork() as work:
        entry = service.add_member(
            campaign, actor=current_user, member_id=request.form.get("member")
        )
    if work.refused:
        return _refused(campaign, work, add_member=_fresh_with_error(AddMemberForm, work.error))
    return _done(campaign, f"Đã thêm {entry.member.full_name} vào danh sách.", "ca-nhan")


def _fresh_with_error(form_class, error: ServiceError):
    """An empty add form carrying a refusal's messages (its choices are filled on render)."""
    form = form_class(formdata=None)
    apply_service_error(form, error)
    return form


@bp.post("/<int:year>/<kind>/<int:entry_id>")
@committee_required
def update_entry(year: int, kind: str, entry_id: int):
    update, _move, _remove = _kind_or_404(kind)
    campaign = _campaign_or_404(year)
    form = EntryForm()
    _checked(form)
    with UnitOfWork(form) as work:
        update(
            campaign,
            actor=current_user,
            entry_id=entry_id,
            award_form=form.award_form.data,
            summary=form.summary.data,
            note=form.note.data,
        )
    if work.refused:
        return _refused(campaign, work, entry=(kind, entry_id, form))
    return _done(campaign, "Đã lưu.", f"{kind}-{entry_id}")


@bp.post("/<int:year>/<kind>/<int:entry_id>/move")
@committee_required
def move_entry(year: int, kind: str, entry_id: int):
    _update, move, _remove = _kind_or_404(kind)
    campaign = _campaign_or_404(year)
    _checked(ActionForm())
    with UnitOfWork() as work:
        move(
            campaign,
            actor=current_user,
            entry_id=entry_id,
            direction=request.form.get("direction"),
        )
    if work.refused:
        return _refused(campaign, work)
    return _done(campaign, "Đã đổi thứ tự.", f"{kind}-{entry_id}")


@bp.post("/<int:year>/<kind>/<int:entry_id>/remove")
@committee_required
def remove_entry(year: int, kind: str, entry_id: int):
    _update, _move, remove = _kind_or_404(kind)
    campaign = _campaign_or_404(year)
    _checked(ActionForm())
    with UnitOfWork() as work:
        remove(campaign, actor=current_user, entry_id=entry_id)
    if work.refused:
        return _refused(campaign, work)
    return _done(campaign, "Đã bỏ khỏi danh sách.", "tap-the" if kind == "cells" else "ca-nhan")


# --------------------------------------------------------------------------------------------
# Closing and reopening


@bp.post("/<int:year>/close")
@committee_required
def close(year: int):
    campaign = _campaign_or_404(year)
    form = ConfirmForm()
    _checked(form)
    with UnitOfWork(form) as work:
        service.close_year(campaign, actor=current_user, confirmed=bool(form.confirm.data))
    if work.refused:
        return _refused(campaign, work, close=form)
    flash(
        f"Đã khóa sổ năm thi đua {year}: báo cáo của năm bị khóa, danh sách được lưu lại.",
        "success",
    )
    return redirect(url_for("awards.proposal", year=year), code=303)


@bp.post("/<int:year>/reopen")
@committee_required
def reopen(year: int):
    campaign = _campaign_or_404(year)
    form = ReopenForm()
    _checked(form)
    with UnitOfWork(form) as work:
        service.reopen_year(campaign, actor=current_user, reason=form.reason.data)
    if work.status == 403:
        abort(403, description=work.error.message)
    if work.refused:
        return _refused(campaign, work, reopen=form)
    flash(f"Đã mở lại năm thi đua {year}.", "success")
    return redirect(url_for("awards.proposal", year=year), code=303)


# --------------------------------------------------------------------------------------------
# Downloads


def award_filename(year: int) -> str:
    found = queries.committee(year)
    return WORKBOOK_NAME.format(year=year, committee=found.name if found else "Đảng ủy")


@bp.get("/<int:year>/workbook.xlsx")
@committee_required
def workbook(year: int):
    """The award workbook of a year (as stored at closing once the year is closed)."""
    campaign = _campaign_or_404(year)
    book = queries.book_for_year(campaign, clock.today())
    return spreadsheets.send_workbook(spreadsheets.award_workbook(book), award_filename(year))


@bp.get("/<int:year>/matrix.xlsx")
@rankings_readers
def matrix_workbook(year: int):
    """The monthly matrix of the rankings page as a workbook (optionally one category, then
    named in the file name). Linked from the matrix page and the awards page: whoever reads
    the rankings may download it."""
    campaigns = load_campaigns([year])
    if year not in campaigns:
        abort(404, description=f"Không có năm thi đua {year}.")
    category = request.args.get("category") or None
    if category is not None and category not in {c.value for c in CellCategory}:
        abort(400, description="Loại chi bộ không hợp lệ.")
    today = clock.today()
    standings = standings_for_period(year, category=category, today=today, campaigns=campaigns)
    table = spreadsheets.matrix_table(standings, monthly_matrix(campaigns[year]))
    found = committee_as_of(year)  # the file's author: the committee as named that year
    data = spreadsheets.matrix_workbook(replace(table, committee=found.name if found else ""))
    if category is None:
        filename = MATRIX_NAME.format(year=year)
    else:
        filename = MATRIX_CATEGORY_NAME.format(year=year, category=CellCategory(category).label)
    return spreadsheets.send_workbook(data, filename)
