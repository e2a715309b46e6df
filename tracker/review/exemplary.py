"""Nhân rộng: the meetings the committee marked as models to copy, for every account.

This is the one place where a secretary sees another cell's report: only a marked one, read
only, with its minutes. Marking and unmarking are the committee's (and the admin's).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Campaign, Cell, ExemplaryMeeting, Report, ReportKind, ReportStatus
from ..permissions import can_review, committee_required
from ..queries import exemplary_of
from ..reports import queries as report_reads
from ..reports.minutes import send_minutes
from ..services.review import mark_exemplary, unmark_exemplary
from ..unit_of_work import UnitOfWork
from .forms import ExemplaryForm, UnmarkForm

bp = Blueprint("exemplary", __name__, url_prefix="/exemplary")


def _whole(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 4 else None


@bp.get("/")
@login_required
def index():
    """The marked meetings, newest year first, by year and topic."""
    years = list(
        db.session.scalars(
            sa.select(Campaign.year)
            .join(Report, Report.campaign_id == Campaign.id)
            .join(ExemplaryMeeting, ExemplaryMeeting.report_id == Report.id)
            .distinct()
            .order_by(Campaign.year.desc())
        )
    )
    year = _whole(request.args.get("year"))
    if year not in years:
        year = None
    topic = (request.args.get("topic") or "").strip()[:300]
    kind = request.args.get("kind") or ""
    if kind not in {k.value for k in ReportKind}:
        kind = ""
    query = (
        sa.select(ExemplaryMeeting, Report, Cell, Campaign)
        .join(Report, Report.id == ExemplaryMeeting.report_id)
        .join(Cell, Cell.id == Report.cell_id)
        .join(Campaign, Campaign.id == Report.campaign_id)
        .where(Report.status == ReportStatus.APPROVED)
        .order_by(Campaign.year.desc(), Report.month.desc(), Cell.display_order, Report.id)
    )
    if year is not None:
        query = query.where(Campaign.year == year)
    if kind:
        query = query.where(Report.kind == ReportKind(kind))
    topics_query = sa.select(Report.topic).join(
        ExemplaryMeeting, ExemplaryMeeting.report_id == Report.id
    )
    if year is not None:
        topics_query = topics_query.join(Campaign, Campaign.id == Report.campaign_id).where(
            Campaign.year == year
        )
    topics = sorted({t for t in db.session.scalars(topics_query.distinct()) if t})
    if topic:
        query = query.where(Report.topic == topic)
    rows = db.session.execute(query).all()
    return render_template(
        "review/exemplary_index.html",
        rows=rows,
        years=years,
        year=year,
        topics=topics,
        topic=topic,
        kind=kind,
        kinds=ReportKind,
    )


def _marked_or_404(report_id: int) -> tuple[Report, ExemplaryMeeting]:
    report = db.session.get(Report, report_id)
    entry = exemplary_of(report) if report is not None else None
    # A marked report that was reopened for review is not shown until approved again.
    if report is None or entry is None or report.status is not ReportStatus.APPROVED:
        abort(404, description="Buổi sinh hoạt này không có trong danh sách mô hình hay.")
    return report, entry


@bp.get("/<int:report_id>")
@login_required
def view(report_id: int):
    """A marked meeting, read only, for every account."""
    report, entry = _marked_or_404(report_id)
    return render_template(
        "review/exemplary_view.html",
        report=report,
        entry=entry,
        scores=report_reads.score_table(report),
        can_mark=can_review(current_user),
        form=ExemplaryForm(formdata=None, note=entry.note),
        unmark_form=UnmarkForm(),
        attachment_url=(
            url_for("exemplary.minutes", report_id=report.id) if report.attachment_path else ""
        ),
    )


@bp.get("/<int:report_id>/minutes")
@login_required
def minutes(report_id: int):
    """The minutes of a marked meeting, as a download, for every account."""
    report, _entry = _marked_or_404(report_id)
    return send_minutes(
        report,
        f"bien-ban-{report.cell.code}-{report.campaign.year}-{report.month:02d}",
        "Buổi sinh hoạt này chưa có biên bản đính kèm.",
    )


@bp.post("/<int:report_id>/mark")
@committee_required
def mark(report_id: int):
    """Mark a meeting (or change its note), from the report's page or the marked page."""
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404, description="Không có báo cáo này.")
    form = ExemplaryForm()
    if not form.validate():
        abort(400, description="Phiên làm việc đã hết hạn, vui lòng tải lại trang.")
    with UnitOfWork(flash_message="note") as work:
        mark_exemplary(report, form.note.data, actor=current_user)
    if work.refused:
        return redirect(url_for("reports.view", report_id=report.id) + "#mo-hinh-hay", code=303)
    flash("Đã đưa buổi sinh hoạt vào danh sách mô hình hay.", "success")
    return redirect(url_for("exemplary.view", report_id=report.id), code=303)


@bp.post("/<int:report_id>/unmark")
@committee_required
def unmark(report_id: int):
    report = db.session.get(Report, report_id)
    if report is None or exemplary_of(report) is None:
        abort(404, description="Buổi sinh hoạt này không có trong danh sách mô hình hay.")
    form = UnmarkForm()
    if not form.validate():
        abort(400, description="Phiên làm việc đã hết hạn, vui lòng tải lại trang.")
    unmark_exemplary(report, actor=current_user)
    db.session.commit()
    flash("Đã bỏ buổi sinh hoạt khỏi danh sách mô hình hay.", "success")
    return redirect(url_for("exemplary.index"), code=303)
