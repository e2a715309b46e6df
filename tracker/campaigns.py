"""Campaign years as pages and documents see them (the read side; changes are in
``services/campaigns.py`` and ``services/organisation.py``).

- the ONE rule for the year a page opens on (``default_year``);
- the plan a year carries out, and how documents cite it;
- the committee's names as of a year (renamed and moved under Cần Thơ city in 2025): the
  documents of each year print the names of that year, and a closed year never changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .domain.vietnamese import format_date, normalise
from .extensions import db
from .failures import NotFound
from .models import Campaign, Committee, Plan, Report

# --------------------------------------------------------------------------------------------
# The year a page opens on


def default_year(years: Iterable[int], today: dt.date) -> int | None:
    """The campaign year every page opens on: the calendar's year when it has a campaign;
    otherwise the latest year that has begun; otherwise (only future years) the first one.

    Reports play no part: one cell filing January's report must not move everyone to the
    new year while the old one is still being reviewed (earlier years that are not closed
    are shown beside it, see ``open_earlier_years``).
    """
    years = sorted(set(years))
    if not years:
        return None
    if today.year in years:
        return today.year
    begun = [year for year in years if year <= today.year]
    return begun[-1] if begun else years[0]


def all_campaigns() -> list[Campaign]:
    """Every campaign year in order, with its plan."""
    return list(
        db.session.scalars(
            sa.select(Campaign).options(joinedload(Campaign.plan)).order_by(Campaign.year)
        )
    )


def campaign_years() -> list[int]:
    return list(db.session.scalars(sa.select(Campaign.year).order_by(Campaign.year)))


def closed_years() -> list[int]:
    """The campaign years that are closed (khóa sổ), in order."""
    return list(
        db.session.scalars(
            sa.select(Campaign.year).where(Campaign.closed_at.is_not(None)).order_by(Campaign.year)
        )
    )


def campaign_for_year(year: int) -> Campaign | None:
    return db.session.scalar(sa.select(Campaign).where(Campaign.year == year))


def default_campaign(today: dt.date, campaigns: list[Campaign] | None = None) -> Campaign | None:
    """The campaign of ``default_year``."""
    campaigns = campaigns if campaigns is not None else all_campaigns()
    year = default_year((c.year for c in campaigns), today)
    return next((c for c in campaigns if c.year == year), None)


def open_earlier_years(campaigns: list[Campaign], year: int | None) -> list[Campaign]:
    """The years before ``year`` that are not closed: they stay in front of the committee
    (their outstanding reports, reviews waiting, the closing reminder) until closed."""
    if year is None:
        return []
    return [c for c in campaigns if c.year < year and not c.is_closed]


def year_not_opened(campaigns: list[Campaign], today: dt.date) -> int | None:
    """The calendar's year when it has no campaign yet (after the latest one): the admin is
    invited to open it."""
    years = {c.year for c in campaigns}
    if today.year in years or (years and today.year < max(years)):
        return None
    return today.year


# --------------------------------------------------------------------------------------------
# Plans


def plans() -> list[Plan]:
    return list(db.session.scalars(sa.select(Plan).order_by(Plan.first_year, Plan.issued_on)))


def plan_by_id(plan_id: int) -> Plan | None:
    return db.session.get(Plan, plan_id)


def plan_by_number(number: str) -> Plan | None:
    return db.session.scalar(
        sa.select(Plan).where(Plan.number == normalise(number))
    )


def closed_years_citing(plan: Plan) -> list[int]:
    """The closed years that carry out this plan (their documents cite it as it was)."""
    return list(
        db.session.scalars(
            sa.select(Campaign.year)
            .where(Campaign.plan_id == plan.id, Campaign.closed_at.is_not(None))
            .order_by(Campaign.year)
        )
    )


def report_counts() -> dict[int, int]:
    """The number of reports of each campaign (by campaign id), in one query."""
    return dict(
        db.session.execute(
            sa.select(Report.campaign_id, sa.func.count(Report.id)).group_by(Report.campaign_id)
        ).all()
    )


def plan_citation(plan: Plan | None) -> str:
    """How a page footer or a document cites a plan: "Kế hoạch số 21-KH/ĐU ngày 14/4/2022 của
    Đảng ủy thị trấn Cù Lao Dung về thi đua nâng cao chất lượng sinh hoạt chi bộ"."""
    if plan is None:
        return ""
    title = plan.title.strip()
    if title and not title.lower().startswith("về "):
        title = "về " + title[0].lower() + title[1:]
    parts = [f"Kế hoạch số {plan.number} ngày {format_date(plan.issued_on)}"]
    if plan.issuing_body:
        parts.append(f"của {plan.issuing_body}")
    if title:
        parts.append(title)
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# The committee as of a year


def committee_names() -> list[Committee]:
    """Every set of the committee's names, oldest first."""
    return list(db.session.scalars(sa.select(Committee).order_by(Committee.from_year)))


def get_committee_names(committee_id: int) -> Committee:
    """One set of the committee's names; NotFound (404) when there is no such set."""
    committee = db.session.get(Committee, committee_id)
    if committee is None:
        raise NotFound("Không có tên gọi này của Đảng ủy.")
    return committee


def committee_as_of(year: int | None, names: list[Committee] | None = None) -> Committee | None:
    """The committee's names in force in ``year``: the latest set from that year or before;
    the earliest set serves the years before it (and ``year`` None means the latest)."""
    names = names if names is not None else committee_names()
    if not names:
        return None
    if year is None:
        return names[-1]
    in_force = [row for row in names if row.from_year <= year]
    return in_force[-1] if in_force else names[0]


def years_served(row: Committee, names: list[Committee], campaign_years: Iterable[int]) -> list[int]:
    """The campaign years whose documents print this set of names."""
    ordered = sorted(names, key=lambda r: r.from_year)
    later = [r.from_year for r in ordered if r.from_year > row.from_year]
    until = later[0] if later else None
    earliest = ordered[0].from_year if ordered else row.from_year
    return [
        year
        for year in campaign_years
        if (year >= row.from_year or (row.from_year == earliest and year < earliest))
        and (until is None or year < until)
    ]


@dataclass(frozen=True)
class DocumentIdentity:
    """Who issues a year's documents and under which plan, as plain values."""

    year: int
    issuing_body: str  # "Đảng ủy thị trấn Cù Lao Dung"
    superior_body: str  # "Đảng bộ huyện Cù Lao Dung"
    place_name: str  # "Cù Lao Dung"
    issuer_code: str  # "ĐU"
    secretary_name: str
    plan_number: str
    plan_date: dt.date | None
    plan_citation: str

    @property
    def party_body(self) -> str:
        """The party organisation the committee leads: "Đảng bộ thị trấn Cù Lao Dung"."""
        return party_body_of(self.issuing_body)


def party_body_of(committee_name: str) -> str:
    """ "Đảng ủy xã An Thạnh" -> "Đảng bộ xã An Thạnh" (the body whose executive committee
    awards the Giấy khen)."""
    name = committee_name.strip()
    for prefix in ("Đảng ủy ", "Đảng uỷ "):
        if name.startswith(prefix):
            return "Đảng bộ " + name[len(prefix):]
    return name


def default_award_form(committee_name: str) -> str:
    """The default award form of a year: "Giấy khen của Ban Chấp hành Đảng bộ …"."""
    return f"Giấy khen của Ban Chấp hành {party_body_of(committee_name)}"


def document_identity(campaign: Campaign, names: list[Committee] | None = None) -> DocumentIdentity:
    """The committee's names as of the campaign's year and the plan it carries out."""
    committee = committee_as_of(campaign.year, names)
    plan = campaign.plan
    return DocumentIdentity(
        year=campaign.year,
        issuing_body=committee.name if committee else "",
        superior_body=committee.superior_body if committee else "",
        place_name=committee.place_name if committee else "",
        issuer_code=committee.issuer_code if committee else "ĐU",
        secretary_name=committee.secretary_name if committee else "",
        plan_number=plan.number if plan else "",
        plan_date=plan.issued_on if plan else None,
        plan_citation=plan_citation(plan),
    )
