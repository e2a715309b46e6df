"""The review pages (committee and admin): the year's figures and the committee's draft of
parts II-IV, the indicators with their charts, and the review report as .docx."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import clock
from ..campaigns import all_campaigns, campaign_for_year, default_campaign
from ..documents.download import send_document
from ..documents.review import figure_rows
from ..domain.periods import month_has_ended
from ..models import CellCategory
from ..permissions import committee_required
from ..queries import review_of
from ..services.review import ReviewInput, save_review
from ..standings import load_campaigns
from ..summary import calendar_figures, year_summary
from ..unit_of_work import UnitOfWork
from . import charts
from .forms import ReviewForm
from .indicators import indicators
from .queries import default_recipients, document_for, review_text

bp = Blueprint("review", __name__, url_prefix="/review")


def _campaign_or_404(year: int):
    campaign = campaign_for_year(year)
    if campaign is None:
        abort(404, description=f"Không có năm thi đua {year}.")
    return campaign


@bp.get("/")
@committee_required
def index():
    """Open on the year every page opens on (campaigns.default_year)."""
    campaign = default_campaign(clock.today())
    if campaign is None:
        abort(404, description="Chưa có năm thi đua nào.")
    return redirect(url_for("review.page", year=campaign.year))


def _form_for(campaign) -> ReviewForm:
    review = review_of(campaign)
    text = review_text(campaign, review)
    form = ReviewForm(formdata=None)
    form.document_number.data = text.document_number
    form.document_date.process_data(text.document_date)
    form.signer_name.data = text.signer_name
    form.assessment.data = text.assessment
    form.direction.data = text.direction
    form.proposals.data = text.proposals
    if review is not None:
        form.recipients.data = review.recipients
    else:
        from ..campaigns import document_identity

        form.recipients.data = default_recipients(document_identity(campaign).superior_body)
    return form


def _render(campaign, form: ReviewForm, status: int = 200):
    today = clock.today()
    summary = year_summary(campaign.year, today)
    info = load_campaigns([campaign.year])[campaign.year]
    review = review_of(campaign)
    year_ended = month_has_ended(campaign.year, campaign.last_month, today)
    attendance = charts.by_key("attendance")
    data = indicators(campaign.year, today)
    months = [m for m in campaign.months if month_has_ended(campaign.year, m, today)]
    return (
        render_template(
            "review/page.html",
            campaign=campaign,
            campaigns=all_campaigns(),
            summary=summary,
            review=review,
            form=form,
            year_ended=year_ended,
            calendar=calendar_figures(info, today),
            attendance_chart=charts.months_chart(attendance, data, months) if months else None,
            attendance_rows=[
                (
                    m,
                    data.months.get(campaign.year, {}).get(m),
                    data.months.get(campaign.year - 1, {}).get(m),
                )
                for m in months
            ],
            percent_text=charts.percent_text,
            figure_rows=figure_rows(summary.current, summary.previous),
            text=review_text(campaign, review),
        ),
        status,
    )


@bp.get("/<int:year>")
@committee_required
def page(year: int):
    campaign = _campaign_or_404(year)
    return _render(campaign, _form_for(campaign))


@bp.post("/<int:year>")
@committee_required
def save(year: int):
    campaign = _campaign_or_404(year)
    form = ReviewForm()
    if not form.validate():
        return _render(campaign, form, 400)
    with UnitOfWork(form) as work:
        save_review(
            campaign,
            ReviewInput(
                document_number=form.document_number.data,
                document_date=form.document_date.day,
                assessment=form.assessment.data,
                direction=form.direction.data,
                proposals=form.proposals.data,
                recipients=form.recipients.data,
                signer_name=form.signer_name.data,
            ),
            actor=current_user,
        )
    if work.refused:
        return _render(campaign, form, work.status)
    flash("Đã lưu bản dự thảo báo cáo sơ kết.", "success")
    return redirect(url_for("review.page", year=year) + "#du-thao", code=303)


@bp.get("/<int:year>/indicators")
@committee_required
def indicators_page(year: int):
    campaign = _campaign_or_404(year)
    today = clock.today()
    data = indicators(year, today)
    months = [m for m in campaign.months if month_has_ended(year, m, today)]
    return render_template(
        "review/indicators.html",
        campaign=campaign,
        campaigns=all_campaigns(),
        data=data,
        months=months,
        indicators=charts.INDICATORS,
        years_charts={i.key: charts.years_chart(i, data) for i in charts.INDICATORS},
        month_charts=(
            {
                key: charts.months_chart(charts.by_key(key), data, months)
                for key in ("attendance", "young", "criticism", "complete")
            }
            if months
            else {}
        ),
        categories=CellCategory,
    )


@bp.get("/<int:year>/report.docx")
@committee_required
def document(year: int):
    campaign = _campaign_or_404(year)
    data, filename = document_for(campaign, clock.today())
    return send_document(data, filename)
