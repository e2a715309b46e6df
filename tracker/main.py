"""The home page, which fits the role of whoever signs in."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user, login_required

from . import clock
from .campaigns import all_campaigns, default_campaign, open_earlier_years, year_not_opened
from .extensions import db
from .models import Campaign, Member, Report, Role
from .reports import queries
from .services.reports import EDITABLE

bp = Blueprint("main", __name__)

# Admin shortcuts on the admin's home page, shown when the page exists.
ADMIN_LINKS = [
    ("Trang quản trị", "admin.index"),
    ("Đảng viên", "members.index"),
    ("Nhật ký hệ thống", "audit.index"),
]


def _admin_links() -> list[tuple[str, str]]:
    return [
        (label, url_for(endpoint))
        for label, endpoint in ADMIN_LINKS
        if endpoint in current_app.view_functions
    ]


@bp.route("/")
@login_required
def home():
    today = clock.today()
    years = all_campaigns()
    campaign = default_campaign(today, years)
    earlier = [
        EarlierYear(c, queries.outstanding(c, today, cell_id=_own_cell_id()))
        for c in open_earlier_years(years, campaign.year if campaign else None)
    ]
    not_opened = year_not_opened(years, today)
    if current_user.role is Role.SECRETARY:
        return _secretary_home(campaign, today, earlier, not_opened)
    work = (
        queries.outstanding(campaign, today)
        if campaign is not None and not campaign.is_closed
        else None
    )
    return render_template(
        "main/home_committee.html",
        campaign=campaign,
        work=work,
        earlier=earlier,
        not_opened=not_opened,
        queue_count=queries.queue_count(),
        oldest=queries.review_queue(limit=5),
        is_admin=current_user.role is Role.ADMIN,
        admin_links=_admin_links() if current_user.role is Role.ADMIN else [],
    )


@dataclass(frozen=True)
class EarlierYear:
    """An earlier campaign year that is not closed yet, and what is left to do in it."""

    campaign: Campaign
    work: queries.Outstanding

    @property
    def year(self) -> int:
        return self.campaign.year


def _own_cell_id() -> int | None:
    return current_user.cell_id if current_user.role is Role.SECRETARY else None


def _secretary_home(campaign, today, earlier, not_opened):
    cell = current_user.cell
    member_count = db.session.scalar(
        sa.select(sa.func.count(Member.id)).where(
            Member.cell_id == cell.id, Member.active.is_(True)
        )
    )
    work = (
        queries.outstanding(campaign, today, cell_id=cell.id)
        if campaign is not None and not campaign.is_closed
        else None
    )
    open_reports = list(
        db.session.scalars(
            sa.select(Report)
            .join(Report.campaign)
            .where(
                Report.cell_id == cell.id,
                Report.status.in_(EDITABLE),
                Campaign.closed_at.is_(None),  # a closed year's reports can no longer change
            )
            .order_by(Report.updated_at.desc())
        )
    )
    return render_template(
        "main/home_secretary.html",
        cell=cell,
        member_count=member_count,
        campaign=campaign,
        work=work,
        entry=work.cells[0] if work and work.cells else None,
        open_reports=open_reports,
        outcomes=queries.latest_outcomes(cell.id),
        earlier=earlier,
        not_opened=not_opened,
    )
