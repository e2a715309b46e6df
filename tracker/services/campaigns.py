"""Campaign years and plans: opening a new year, registering a plan, citing it.

The competition outlives its first plan: each year is opened from the one before (its rubric,
grade bands, settings and award defaults copied) and cites the plan it carries out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..campaigns import closed_years_citing, committee_as_of, default_award_form, plan_citation
from ..domain.vietnamese import normalise
from ..extensions import db
from ..models import Campaign, Criterion, GradeBand, Plan, User
from ..seed import DEFAULT_RUBRIC, new_campaign_bands
from . import Conflict, ValidationFailed, audit

FIRST_YEAR = 2000
LAST_YEAR = 2100
# Settings copied from the year a new one starts from (besides the rubric and the bands).
COPIED_SETTINGS = ("young_age_limit", "award_quota", "award_form", "individual_min_speeches")


# --------------------------------------------------------------------------------------------
# Opening a year


def _check_year(value, field: str, errors: dict, message: str) -> int | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        errors[field] = message
        return None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        errors[field] = message
        return None
    return value


def open_campaign_year(
    year: int,
    *,
    first_month: int = 1,
    last_month: int = 12,
    copy_from: int | None = None,
    plan: Plan | None = None,
    actor: User | None,
) -> OpenedYear:
    """Open a campaign year: its months, and a copy of the rubric, grade bands, settings and
    award defaults of ``copy_from`` (default: the latest earlier year). It cites ``plan``, or
    the plan of the year it copies.

    Refused (nothing stored) for a year that exists, a year outside 2000–2100, a month outside
    1–12 or a first month after the last, an unknown ``copy_from``.
    """
    errors: dict[str, str] = {}
    year = _check_year(year, "year", errors, f"Năm thi đua phải từ {FIRST_YEAR} đến {LAST_YEAR}.")
    for field, value in (("first_month", first_month), ("last_month", last_month)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
            errors[field] = "Tháng phải từ 1 đến 12."
    if "first_month" not in errors and "last_month" not in errors and first_month > last_month:
        errors["last_month"] = "Tháng kết thúc không được trước tháng bắt đầu."

    campaigns = list(db.session.scalars(sa.select(Campaign).order_by(Campaign.year)))
    by_year = {c.year: c for c in campaigns}
    source = None
    if copy_from is not None:
        if isinstance(copy_from, bool) or not isinstance(copy_from, int) or copy_from not in by_year:
            errors["copy_from"] = f"Không có năm thi đua {copy_from} để sao chép."
        else:
            source = by_year[copy_from]
    elif year is not None and campaigns:
        earlier = [c for c in campaigns if c.year < year]
        source = earlier[-1] if earlier else campaigns[0]
    if errors:
        raise ValidationFailed("Chưa mở được năm thi đua: thông tin chưa hợp lệ.", errors)
    if year in by_year:
        raise Conflict(
            f"Năm thi đua {year} đã được mở trước đây.",
            {"year": f"Năm thi đua {year} đã được mở trước đây."},
        )
    if plan is None:
        plan = source.plan if source is not None else None
    if plan is None:
        raise ValidationFailed(
            "Chưa có kế hoạch thi đua nào: hãy đăng ký kế hoạch trước.",
            {"plan": "Chọn kế hoạch mà năm thi đua này thực hiện."},
        )

    campaign = Campaign(year=year, plan=plan, first_month=first_month, last_month=last_month)
    if source is not None:
        for name in COPIED_SETTINGS:
            setattr(campaign, name, getattr(source, name))
        # The default award form names the committee; after a renaming it follows the new name.
        old_name = committee_as_of(source.year)
        new_name = committee_as_of(year)
        if old_name and new_name and campaign.award_form == default_award_form(old_name.name):
            campaign.award_form = default_award_form(new_name.name)
        campaign.criteria = [
            Criterion(
                code=c.code,
                title=c.title,
                max_half_points=c.max_half_points,
                gate=c.gate,
                position=c.position,
            )
            for c in source.criteria
        ]
    else:
        committee = committee_as_of(year)
        if committee is not None:
            campaign.award_form = default_award_form(committee.name)
        campaign.criteria = [
            Criterion(code=code, title=title, max_half_points=2 * points, gate=gate, position=i)
            for i, (code, title, points, gate) in enumerate(DEFAULT_RUBRIC, start=1)
        ]
    db.session.add(campaign)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as error:  # opened at the same moment by someone else
        raise Conflict(
            f"Năm thi đua {year} đã được mở trước đây.",
            {"year": f"Năm thi đua {year} đã được mở trước đây."},
        ) from error
    if source is not None:
        for band in db.session.scalars(
            sa.select(GradeBand).where(GradeBand.campaign_id == source.id)
        ):
            db.session.add(
                GradeBand(
                    campaign_id=campaign.id, grade=band.grade, min_half_points=band.min_half_points
                )
            )
    else:
        db.session.add_all(new_campaign_bands(campaign))
    db.session.flush()
    audit.record(
        "campaign.open",
        actor=actor,
        object_type="campaign",
        object_id=campaign.id,
        summary=f"Mở năm thi đua {year}"
        + (f", sao chép từ năm {source.year}" if source is not None else ""),
        after={
            "year": year,
            "first_month": first_month,
            "last_month": last_month,
            "copied_from": source.year if source is not None else None,
            "plan": plan.number,
        },
    )
    return OpenedYear(campaign, source.year if source is not None else None)


@dataclass(frozen=True)
class OpenedYear:
    campaign: Campaign
    copied_from: int | None

    @property
    def line(self) -> str:
        """One line saying what was opened (the CLI prints it, the admin page flashes it)."""
        campaign = self.campaign
        source = (
            f", thang điểm và thiết lập sao chép từ năm {self.copied_from}"
            if self.copied_from
            else ""
        )
        return (
            f"Đã mở năm thi đua {campaign.year} (tháng {campaign.first_month}–"
            f"{campaign.last_month}){source}, thực hiện {plan_citation(campaign.plan)}."
        )


def set_campaign_plan(campaign: Campaign, plan: Plan, *, actor: User) -> Campaign:
    """Make a year cite another plan (not once it is closed: its documents are final)."""
    if campaign.is_closed:
        raise Conflict(
            f"Năm thi đua {campaign.year} đã khóa sổ: văn bản của năm này không thay đổi nữa."
        )
    before = campaign.plan.number if campaign.plan else None
    campaign.plan = plan
    db.session.flush()
    if before != plan.number:
        audit.record(
            "campaign.plan",
            actor=actor,
            object_type="campaign",
            object_id=campaign.id,
            summary=f"Năm thi đua {campaign.year} thực hiện Kế hoạch số {plan.number}",
            before={"plan": before},
            after={"plan": plan.number},
        )
    return campaign


# --------------------------------------------------------------------------------------------
# Plans


PLAN_FIELDS = ("number", "issued_on", "issuing_body", "title", "first_year", "last_year")


def _plan_data(plan: Plan) -> dict:
    return {key: getattr(plan, key) for key in PLAN_FIELDS}


def _check_plan(
    *,
    number: str,
    issued_on: dt.date | None,
    issuing_body: str,
    title: str,
    first_year: int | None,
    last_year: int | None,
    exclude_id: int | None,
) -> dict:
    errors: dict[str, str] = {}
    if not number:
        errors["number"] = "Nhập số hiệu kế hoạch, ví dụ 21-KH/ĐU."
    elif len(number) > 60:
        errors["number"] = "Số hiệu không quá 60 ký tự."
    elif "-" not in number or "/" not in number:
        errors["number"] = "Số hiệu có dạng số-KH/cơ quan ban hành, ví dụ 05-KH/ĐU."
    else:
        same = sa.select(Plan.id).where(Plan.number == number)
        if exclude_id is not None:
            same = same.where(Plan.id != exclude_id)
        if db.session.scalar(same.limit(1)) is not None:
            errors["number"] = "Đã có kế hoạch mang số hiệu này."
    if issued_on is None:
        errors["issued_on"] = "Nhập ngày ban hành (ngày/tháng/năm)."
    elif not FIRST_YEAR <= issued_on.year <= LAST_YEAR:
        errors["issued_on"] = "Ngày ban hành không hợp lệ."
    if not issuing_body:
        errors["issuing_body"] = "Nhập cơ quan ban hành."
    elif len(issuing_body) > 200:
        errors["issuing_body"] = "Không quá 200 ký tự."
    if not title:
        errors["title"] = "Nhập trích yếu của kế hoạch."
    elif len(title) > 300:
        errors["title"] = "Không quá 300 ký tự."
    for field, value in (("first_year", first_year), ("last_year", last_year)):
        if value is None or not FIRST_YEAR <= value <= LAST_YEAR:
            errors[field] = f"Năm từ {FIRST_YEAR} đến {LAST_YEAR}."
    if "first_year" not in errors and "last_year" not in errors and first_year > last_year:
        errors["last_year"] = "Năm kết thúc không được trước năm bắt đầu."
    return errors


def create_plan(
    *,
    number: str,
    issued_on: dt.date | None,
    issuing_body: str,
    title: str,
    first_year: int | None,
    last_year: int | None,
    actor: User,
) -> Plan:
    """Register a plan (a new plan for the 2025–2030 term, say) so years can be opened under it."""
    values = {
        "number": normalise(number),
        "issued_on": issued_on,
        "issuing_body": normalise(issuing_body),
        "title": normalise(title),
        "first_year": first_year,
        "last_year": last_year,
    }
    errors = _check_plan(**values, exclude_id=None)
    if errors:
        raise ValidationFailed("Thông tin kế hoạch chưa hợp lệ.", errors)
    plan = Plan(**values)
    db.session.add(plan)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as error:
        raise Conflict(
            "Đã có kế hoạch mang số hiệu này.", {"number": "Đã có kế hoạch mang số hiệu này."}
        ) from error
    audit.record(
        "plan.create",
        actor=actor,
        object_type="plan",
        object_id=plan.id,
        summary=f"Đăng ký Kế hoạch số {plan.number}",
        after=_plan_data(plan),
    )
    return plan


def update_plan(
    plan: Plan,
    *,
    number: str,
    issued_on: dt.date | None,
    issuing_body: str,
    title: str,
    first_year: int | None,
    last_year: int | None,
    actor: User,
) -> Plan:
    """Correct a plan's details; not once a closed year cites it (its documents are final)."""
    closed = closed_years_citing(plan)
    if closed:
        years = ", ".join(str(year) for year in closed)
        raise Conflict(
            f"Kế hoạch số {plan.number} được các năm đã khóa sổ ({years}) trích dẫn: văn bản "
            "của các năm đó không thay đổi nữa, nên không sửa được kế hoạch."
        )
    values = {
        "number": normalise(number),
        "issued_on": issued_on,
        "issuing_body": normalise(issuing_body),
        "title": normalise(title),
        "first_year": first_year,
        "last_year": last_year,
    }
    errors = _check_plan(**values, exclude_id=plan.id)
    if errors:
        raise ValidationFailed("Thông tin kế hoạch chưa hợp lệ.", errors)
    for key, value in values.items():
        setattr(plan, key, value)
    audit.record_changes(
        "plan.update",
        plan,
        PLAN_FIELDS,
        actor=actor,
        object_type="plan",
        object_id=plan.id,
        summary=f"Sửa Kế hoạch số {plan.number}",
    )
    db.session.flush()
    return plan
