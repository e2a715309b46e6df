"""Admin pages of time and the organisation: campaign years (open a new one), the plans they
carry out, and the committee's names from a year on."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import campaigns as years_read
from .. import clock
from ..campaigns import closed_years_citing, get_committee_names
from ..extensions import db
from ..models import Campaign, Plan
from ..permissions import admin_required
from ..services import ServiceError
from ..services.campaigns import (
    create_plan,
    open_campaign_year,
    set_campaign_plan,
    update_plan,
)
from ..services.organisation import (
    add_committee_names,
    delete_committee_names,
    update_committee,
)
from ..unit_of_work import UnitOfWork
from ..webforms import select_choices
from .forms import ActiveForm, CampaignPlanForm, CommitteeForm, OpenYearForm, PlanForm
from .views import bp

# --------------------------------------------------------------------------------------------
# Campaign years


def _plan_choices(plans: list[Plan]) -> list:
    return select_choices(
        (str(plan.id), f"Kế hoạch số {plan.number} ({plan.first_year}–{plan.last_year})")
        for plan in plans
    )


def _prepare_open_form(form: OpenYearForm, campaigns: list[Campaign], plans: list[Plan]) -> None:
    today = clock.today()
    form.copy_from.choices = select_choices(
        (str(c.year), f"Năm {c.year}") for c in reversed(campaigns)
    )
    form.plan.choices = _plan_choices(plans)
    if request.method == "GET":
        next_year = max([c.year for c in campaigns] + [today.year - 1]) + 1
        suggested = years_read.year_not_opened(campaigns, today) or next_year
        form.year.data = suggested
        earlier = [c for c in campaigns if c.year < suggested]
        source = earlier[-1] if earlier else (campaigns[-1] if campaigns else None)
        if source is not None:
            form.copy_from.data = str(source.year)
        covering = [plan for plan in plans if plan.covers(suggested)]
        chosen = covering[-1] if covering else (source.plan if source else None)
        if chosen is not None:
            form.plan.data = str(chosen.id)


@bp.route("/years", methods=["GET", "POST"])
@admin_required
def years():
    campaigns = years_read.all_campaigns()
    plans = years_read.plans()
    form = OpenYearForm()
    _prepare_open_form(form, campaigns, plans)
    work = UnitOfWork(form)
    if work.validate():
        plan = db.session.get(Plan, int(form.plan.data)) if form.plan.data else None
        with work:
            opened = open_campaign_year(
                form.year.data,
                first_month=int(form.first_month.data),
                last_month=int(form.last_month.data),
                copy_from=int(form.copy_from.data) if form.copy_from.data else None,
                plan=plan,
                actor=current_user,
            )
        if work.committed:
            flash(opened.line, "success")
            return redirect(url_for("admin.years"))
        campaigns = years_read.all_campaigns()
    today = clock.today()
    return (
        render_template(
            "admin/years.html",
            campaigns=list(reversed(campaigns)),
            counts=years_read.report_counts(),
            citation=years_read.plan_citation,
            form=form,
            plans=plans,
            this_year=today.year,
            not_opened=years_read.year_not_opened(campaigns, today),
        ),
        work.status,
    )


@bp.route("/years/<int:year>/plan", methods=["GET", "POST"])
@admin_required
def year_plan(year: int):
    campaign = years_read.campaign_for_year(year)
    if campaign is None:
        abort(404, description=f"Không có năm thi đua {year}.")
    form = CampaignPlanForm()
    form.plan.choices = _plan_choices(years_read.plans())
    if request.method == "GET":
        form.plan.data = str(campaign.plan_id)
    work = UnitOfWork(form)
    if work.validate():
        with work:
            set_campaign_plan(
                campaign, db.session.get(Plan, int(form.plan.data)), actor=current_user
            )
        if work.committed:
            flash(f"Năm thi đua {year} thực hiện Kế hoạch số {campaign.plan.number}.", "success")
            return redirect(url_for("admin.years"))
    return render_template("admin/year_plan.html", campaign=campaign, form=form), work.status


# --------------------------------------------------------------------------------------------
# Plans


def _plan_values(form: PlanForm) -> dict:
    return {
        "number": form.number.data or "",
        "issued_on": form.issued_on.day,
        "issuing_body": form.issuing_body.data or "",
        "title": form.title.data or "",
        "first_year": form.first_year.data,
        "last_year": form.last_year.data,
    }


@bp.route("/plans/new", methods=["GET", "POST"])
@admin_required
def plan_new():
    form = PlanForm()
    if request.method == "GET":
        this_year = clock.today().year
        current = years_read.committee_as_of(this_year)
        form.issuing_body.data = current.name if current else ""
        form.title.data = "Thi đua nâng cao chất lượng sinh hoạt chi bộ"
        form.first_year.data = this_year
        form.last_year.data = this_year + 4
    work = UnitOfWork(form)
    if work.validate():
        with work:
            plan = create_plan(**_plan_values(form), actor=current_user)
        if work.committed:
            flash(f"Đã đăng ký Kế hoạch số {plan.number}.", "success")
            return redirect(url_for("admin.years"))
    return render_template("admin/plan_form.html", form=form, plan=None, locked=None), work.status


@bp.route("/plans/<int:plan_id>", methods=["GET", "POST"])
@admin_required
def plan_edit(plan_id: int):
    plan = years_read.plan_by_id(plan_id)
    if plan is None:
        abort(404)
    form = PlanForm(obj=plan)
    locked = closed_years_citing(plan)
    work = UnitOfWork(form)
    if work.validate():
        with work:
            update_plan(plan, **_plan_values(form), actor=current_user)
        if work.committed:
            flash(f"Đã lưu Kế hoạch số {plan.number}.", "success")
            return redirect(url_for("admin.years"))
        plan = db.session.get(Plan, plan_id)
    return render_template("admin/plan_form.html", form=form, plan=plan, locked=locked), work.status


# --------------------------------------------------------------------------------------------
# The committee's names from a year on


def _committee_values(form: CommitteeForm) -> dict:
    return {
        "name": form.name.data or "",
        "superior_body": form.superior_body.data or "",
        "place_name": form.place_name.data or "",
        "issuer_code": form.issuer_code.data or "",
        "secretary_name": form.secretary_name.data or "",
    }


def _committee_rows():
    names = years_read.committee_names()
    years = years_read.campaign_years()
    closed = set(years_read.closed_years())
    return [
        {
            "row": row,
            "years": years_read.years_served(row, names, years),
            "closed": [y for y in years_read.years_served(row, names, years) if y in closed],
        }
        for row in names
    ]


@bp.route("/committee", methods=["GET", "POST"])
@admin_required
def committee():
    form = CommitteeForm()
    if request.method == "GET":
        latest = years_read.committee_as_of(None)
        if latest is not None:
            form.process(obj=latest)
        form.from_year.data = max(clock.today().year, (latest.from_year + 1) if latest else 0)
    work = UnitOfWork(form)
    if work.validate():
        with work:
            row = add_committee_names(
                from_year=form.from_year.data, **_committee_values(form), actor=current_user
            )
        if work.committed:
            flash(f"Đã ghi tên gọi áp dụng từ năm {row.from_year}: {row.name}.", "success")
            return redirect(url_for("admin.committee"))
    return (
        render_template(
            "admin/committee.html", rows=_committee_rows(), form=form, delete_form=ActiveForm()
        ),
        work.status,
    )


@bp.route("/committee/<int:committee_id>", methods=["GET", "POST"])
@admin_required
def committee_edit(committee_id: int):
    try:
        row = get_committee_names(committee_id)
    except ServiceError:
        abort(404)
    form = CommitteeForm(obj=row)
    work = UnitOfWork(form)
    if work.validate():
        with work:
            update_committee(
                row, from_year=form.from_year.data, **_committee_values(form), actor=current_user
            )
        if work.committed:
            flash(f"Đã lưu tên gọi áp dụng từ năm {row.from_year}.", "success")
            return redirect(url_for("admin.committee"))
        row = get_committee_names(committee_id)
    return render_template("admin/committee_edit.html", form=form, row=row), work.status


@bp.route("/committee/<int:committee_id>/delete", methods=["POST"])
@admin_required
def committee_delete(committee_id: int):
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    with UnitOfWork(flash_message=True) as work:
        delete_committee_names(get_committee_names(committee_id), actor=current_user)
    if work.committed:
        flash("Đã xóa tên gọi.", "success")
    return redirect(url_for("admin.committee"))
