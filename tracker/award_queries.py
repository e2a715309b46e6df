"""Read side of the awards area: a year's standings, eligibility and member records, the
default proposal drawn from them, and the ``AwardBook`` that the workbook prints.

The ranks and averages come from THE standings function (tracker/standings.py), so that a
cell's place in the award lists is the one the rankings page and the API show. A fixed number
of statements, whatever the number of cells and members. The award service and the CLI read
it too, so it lives beside standings.py, outside the awards blueprint package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from . import clock
from .campaigns import committee_as_of, document_identity
from .domain import awards as rules
from .domain.periods import Period, campaign_quarters
from .domain.ranking import Standing
from .domain.vietnamese import name_key
from .extensions import db
from .models import (
    AttendanceStatus,
    AwardCell,
    AwardMember,
    AwardProposal,
    Campaign,
    Cell,
    CellCategory,
    CellRole,
    Committee,
    Member,
    Report,
    ReportAttendance,
    ReportKind,
    ReportStatus,
)
from .standings import (
    PeriodStandings,
    approved_month_scores,
    load_campaigns,
    standings_for_periods,
)


@dataclass(frozen=True)
class MemberInfo:
    """An active member as the proposal shows her."""

    id: int
    full_name: str
    birth_year: int
    cell_role: CellRole
    cell_id: int
    cell_code: str
    cell_name: str


class CellInfo(NamedTuple):
    """A cell as the proposal shows it (read without the ORM)."""

    id: int
    code: str
    name: str
    category: str
    active: bool
    display_order: int


@dataclass
class AwardYear:
    """What the proposal of a campaign year is drawn from."""

    campaign: Campaign
    committee: Committee | None
    standings: PeriodStandings
    quarters: int  # quarters of the campaign (a thematic meeting is due in each)
    checks: list[rules.CellAwardCheck]  # every ranked cell, in rank order
    default_cells: list[rules.CellAwardCheck]
    members: dict[int, MemberInfo]  # active members by id
    records: dict[int, rules.MemberRecord]  # their attendance over the counted months
    member_counts: dict[int, int]  # active members per cell id
    cells: dict[int, CellInfo] = field(default_factory=dict)  # every cell by id

    def __post_init__(self) -> None:
        self._checks = {check.standing.code: check for check in self.checks}

    @property
    def year(self) -> int:
        return self.campaign.year

    def check_of(self, code: str) -> rules.CellAwardCheck | None:
        return self._checks.get(code)

    def cell_summary(self, standing: Standing | None) -> str:
        if standing is None:
            return ""
        return rules.cell_summary(standing, self.quarters)

    def suggestions(self, proposed_codes: list[str]) -> list[tuple[rules.MemberRecord, str]]:
        """Members suggested by the rule, given the cells proposed."""
        return rules.suggest_members(
            self.records.values(), proposed_codes, self.campaign.individual_min_speeches
        )

    def member_summary(self, member_id: int, proposed_codes: list[str]) -> str:
        record = self.records.get(member_id)
        if record is None:
            return ""
        leads = record.is_secretary and record.cell_code in proposed_codes
        return rules.member_summary(record, leads_proposed_cell=leads)


def committee(year: int) -> Committee | None:
    """The committee's names as of the year (its documents print those)."""
    return committee_as_of(year)


def load_award_year(campaign: Campaign, today: dt.date | None = None) -> AwardYear:
    """Standings, eligibility and member records of a campaign year (seven statements)."""
    today = today or clock.today()
    infos = load_campaigns([campaign.year])
    (standings,) = standings_for_periods([Period(campaign.year)], today=today, campaigns=infos)
    quarters = len(campaign_quarters(campaign.first_month, campaign.last_month))
    checks = [rules.check_cell(row, quarters) for row in standings.rows]
    default_cells, _others = rules.split_default(checks, campaign.award_quota)

    # Plain rows, not ORM entities: a province has thousands of cells.
    cells = {
        row.id: row
        for row in map(
            CellInfo._make,
            db.session.execute(
                sa.select(
                    Cell.id,
                    Cell.code,
                    Cell.name,
                    sa.type_coerce(Cell.category, sa.String),
                    Cell.active,
                    Cell.display_order,
                )
            ),
        )
    }
    members: dict[int, MemberInfo] = {}
    counts: dict[int, int] = {}
    for row in db.session.execute(
        sa.select(
            Member.id, Member.full_name, Member.birth_year, Member.cell_role, Member.cell_id
        ).where(Member.active.is_(True))
    ):
        cell = cells[row.cell_id]
        members[row.id] = MemberInfo(
            row.id, row.full_name, row.birth_year, row.cell_role, cell.id, cell.code, cell.name
        )
        counts[cell.id] = counts.get(cell.id, 0) + 1

    records = _member_records(campaign, standings.months, members)
    return AwardYear(
        campaign=campaign,
        committee=committee(campaign.year),
        standings=standings,
        quarters=quarters,
        checks=checks,
        default_cells=default_cells,
        members=members,
        records=records,
        member_counts=counts,
        cells=cells,
    )


def _member_records(
    campaign: Campaign, months: tuple[int, ...], members: dict[int, MemberInfo]
) -> dict[int, rules.MemberRecord]:
    """Each active member's attendance at the approved regular meetings of the counted months.

    One statement, counted in the database: the months she was present at (a month counts
    once), the meetings she spoke at, and the meetings that recorded her at all. Full
    attendance is measured against every counted month (``rules.full_attendance``), so a
    month without an approved report is a month missed.
    """
    counts: dict[int, tuple[int, int, int]] = {}
    if months:
        present = ReportAttendance.status == AttendanceStatus.PRESENT
        rows = db.session.execute(
            sa.select(
                ReportAttendance.member_id,
                sa.func.count(sa.distinct(sa.case((present, Report.month)))),
                sa.func.count(
                    sa.case((sa.and_(present, ReportAttendance.spoke.is_(True)), Report.id))
                ),
                sa.func.count(ReportAttendance.report_id),
            )
            .join(Report, Report.id == ReportAttendance.report_id)
            .where(
                Report.campaign_id == campaign.id,
                Report.kind == ReportKind.REGULAR,
                Report.status == ReportStatus.APPROVED,
                Report.month.in_(months),
            )
            .group_by(ReportAttendance.member_id)
        )
        counts = {
            member_id: (attended, spoke, recorded) for member_id, attended, spoke, recorded in rows
        }
    records = {}
    for member in members.values():
        attended, spoke, recorded = counts.get(member.id, (0, 0, 0))
        records[member.id] = rules.MemberRecord(
            member_id=member.id,
            full_name=member.full_name,
            cell_code=member.cell_code,
            is_secretary=member.cell_role is CellRole.SECRETARY,
            months=len(months),
            attended=attended,
            spoke=spoke,
            recorded=recorded,
        )
    return records


# --------------------------------------------------------------------------------------------
# The proposal


def proposal_of(campaign: Campaign) -> AwardProposal | None:
    """The saved proposal of a year with its entries, their cells and members (3 statements)."""
    return db.session.scalar(
        sa.select(AwardProposal)
        .where(AwardProposal.campaign_id == campaign.id)
        .options(
            selectinload(AwardProposal.cells).joinedload(AwardCell.cell),
            selectinload(AwardProposal.members)
            .joinedload(AwardMember.member)
            .joinedload(Member.cell),
        )
    )


@dataclass(frozen=True)
class CellEntry:
    """A proposed cell as the page shows it (``id`` None while the proposal is not saved)."""

    id: int | None
    cell_id: int
    code: str
    name: str
    category: str
    active: bool
    standing: Standing | None
    reasons: tuple[str, ...]
    summary: str
    award_form: str
    note: str

    @property
    def eligible(self) -> bool:
        return self.standing is not None and not self.reasons


@dataclass(frozen=True)
class MemberEntry:
    """A proposed member as the page shows her."""

    id: int | None
    member_id: int
    full_name: str
    birth_year: int | None
    position: str
    cell_name: str
    active: bool
    record: rules.MemberRecord | None
    summary: str
    award_form: str
    note: str


@dataclass
class ProposalPage:
    """The proposal of an open year: saved or, until the committee saves it, the default."""

    year: AwardYear
    proposal: AwardProposal | None
    cells: list[CellEntry]
    members: list[MemberEntry]

    @property
    def saved(self) -> bool:
        return self.proposal is not None

    @property
    def proposed_codes(self) -> list[str]:
        return [entry.code for entry in self.cells]

    def other_cells(self) -> list[rules.CellAwardCheck]:
        """Ranked cells not in the proposal, with why they are not eligible (if they are not)."""
        chosen = set(self.proposed_codes)
        return [check for check in self.year.checks if check.standing.code not in chosen]

    def suggested_members(self) -> list[tuple[rules.MemberRecord, str]]:
        """Members the rule suggests that are not in the proposal yet."""
        chosen = {entry.member_id for entry in self.members}
        return [
            (record, reason)
            for record, reason in self.year.suggestions(self.proposed_codes)
            if record.member_id not in chosen
        ]

    def addable_members(self) -> list[tuple[str, list[MemberInfo]]]:
        """Active members not in the proposal, by cell (cells in display order)."""
        chosen = {entry.member_id for entry in self.members}
        by_cell: dict[int, list[MemberInfo]] = {}
        for member in self.year.members.values():
            if member.id not in chosen:
                by_cell.setdefault(member.cell_id, []).append(member)
        groups = []
        for cell in sorted(self.year.cells.values(), key=lambda c: (c.display_order, c.id)):
            people = by_cell.get(cell.id)
            if people:
                groups.append((cell.name, sorted(people, key=lambda m: name_key(m.full_name))))
        return groups


_CATEGORY_LABELS = {category.value: category.label for category in CellCategory}


def _category_label(value: str | CellCategory) -> str:
    if isinstance(value, CellCategory):
        return value.label
    return _CATEGORY_LABELS[value]  # a dictionary, not CellCategory(value): 10,000 rows


def default_cell_entries(year: AwardYear) -> list[CellEntry]:
    return [
        cell_entry(year, None, year.cells[check.standing.tally.cell_id], check.standing, "", "")
        for check in year.default_cells
    ]


def cell_entry(
    year: AwardYear,
    entry_id: int | None,
    cell: Cell | CellInfo,
    standing: Standing | None,
    summary: str | None,
    note: str,
    award_form: str | None = None,
) -> CellEntry:
    check = year.check_of(cell.code)
    if standing is None and check is not None:
        standing = check.standing
    reasons = check.reasons if check else ("Chi bộ đã ngừng hoạt động, không được xếp hạng",)
    return CellEntry(
        id=entry_id,
        cell_id=cell.id,
        code=cell.code,
        name=cell.name,
        category=_category_label(cell.category),
        active=cell.active,
        standing=standing,
        reasons=reasons,
        summary=summary if summary else year.cell_summary(standing),
        award_form=award_form or year.campaign.award_form,
        note=note,
    )


def default_member_entries(year: AwardYear, proposed_codes: list[str]) -> list[MemberEntry]:
    entries = []
    for record, _reason in year.suggestions(proposed_codes):
        info = year.members[record.member_id]
        entries.append(
            MemberEntry(
                id=None,
                member_id=info.id,
                full_name=info.full_name,
                birth_year=info.birth_year,
                position=info.cell_role.label,
                cell_name=info.cell_name,
                active=True,
                record=record,
                summary=year.member_summary(info.id, proposed_codes),
                award_form=year.campaign.award_form,
                note="",
            )
        )
    return entries


def proposal_page(campaign: Campaign, today: dt.date | None = None) -> ProposalPage:
    """The proposal of an open year as the page and the workbook show it."""
    year = load_award_year(campaign, today)
    proposal = proposal_of(campaign)
    if proposal is None:
        cells = default_cell_entries(year)
        members = default_member_entries(year, [entry.code for entry in cells])
        return ProposalPage(year, None, cells, members)
    cells = [
        cell_entry(year, entry.id, entry.cell, None, entry.summary, entry.note, entry.award_form)
        for entry in proposal.cells
    ]
    members = []
    for entry in proposal.members:
        member = entry.member
        members.append(
            MemberEntry(
                id=entry.id,
                member_id=member.id,
                full_name=member.full_name,
                birth_year=member.birth_year,
                position=member.cell_role.label,
                cell_name=member.cell.name,
                active=member.active,
                record=year.records.get(member.id),
                summary=entry.summary,
                award_form=entry.award_form or campaign.award_form,
                note=entry.note,
            )
        )
    return ProposalPage(year, proposal, cells, members)


# --------------------------------------------------------------------------------------------
# The printed list


def document_header(
    campaign: Campaign,
    found: Committee | None,
    proposal: AwardProposal | None,
    today: dt.date | None = None,
) -> rules.DocumentHeader:
    """The header and signature block of the list: the committee's names as of the year and
    the plan it carries out (``campaigns.document_identity``), and the proposal's settings.

    Without a date of issue, the place line leaves the day and month blank in the year it
    will be signed: this year while the campaign's year runs (a list printed in December),
    the year after once it is over (the awards of January)."""
    today = today or clock.today()
    signing_year = min(max(today.year, campaign.year), campaign.year + 1)
    identity = document_identity(campaign, [found] if found else [])
    signer = (proposal.signer_name if proposal else "") or identity.secretary_name
    return rules.DocumentHeader(
        superior_body=identity.superior_body,
        issuing_body=identity.issuing_body,
        number_line=rules.number_line(
            proposal.document_number if proposal else "", identity.issuer_code
        ),
        place_line=rules.place_line(
            identity.place_name,
            proposal.document_date if proposal else None,
            signing_year,
        ),
        signer_name=signer,
        recipients=rules.recipient_lines(proposal.recipients if proposal else ""),
        plan_citation=identity.plan_citation,
    )


def ranked_lines(year: AwardYear) -> list[rules.RankedLine]:
    """The "Xếp hạng" rows: every active cell in rank order, with its approved month scores."""
    months = year.standings.months
    scores_of = approved_month_scores(year.standings.campaign, months)
    points = {}  # half-points -> Decimal points, made once per distinct score
    lines = []
    for row in year.standings.rows:
        scores = scores_of.get(row.tally.cell_id, {})
        month_points = []
        for month in months:
            half_points = scores.get(month)
            if half_points is None:
                month_points.append(None)  # missing or not approved: an empty cell
            else:
                if half_points not in points:
                    points[half_points] = Decimal(half_points) / 2
                month_points.append(points[half_points])
        lines.append(
            rules.RankedLine(
                rank=row.rank,
                code=row.code,
                name=row.name,
                category=_category_label(row.category),
                scores=tuple(month_points),
                average=row.average_rounded,
                tot_months=row.tot_months,
                grade=row.grade.label if row.grade is not None else "",
            )
        )
    return lines


def award_book(page: ProposalPage) -> rules.AwardBook:
    """What the workbook prints for an open year: the proposal as it stands, live standings."""
    year = page.year
    cells = tuple(
        rules.CellLine(
            code=entry.code,
            name=entry.name,
            category=entry.category,
            members=year.member_counts.get(entry.cell_id, 0),
            average=entry.standing.average_rounded if entry.standing else None,
            tot_months=entry.standing.tot_months if entry.standing else None,
            rank=entry.standing.rank if entry.standing else None,
            summary=entry.summary,
            award_form=entry.award_form,
            note=entry.note,
        )
        for entry in page.cells
    )
    members = tuple(
        rules.MemberLine(
            member_id=entry.member_id,
            full_name=entry.full_name,
            birth_year=entry.birth_year,
            position=entry.position,
            cell_name=entry.cell_name,
            summary=entry.summary,
            award_form=entry.award_form,
            note=entry.note,
        )
        for entry in page.members
    )
    return rules.AwardBook(
        year=year.year,
        months=tuple(year.standings.months),
        header=document_header(year.campaign, year.committee, page.proposal),
        cells=cells,
        members=members,
        standings=ranked_lines(year),
        draft=True,
    )


def closed_book(campaign: Campaign) -> rules.AwardBook | None:
    """The list as it was at closing (None for an open year)."""
    if not campaign.is_closed or not campaign.closed_snapshot:
        return None
    return rules.AwardBook.from_dict(campaign.closed_snapshot["book"])


def book_for_year(campaign: Campaign, today: dt.date | None = None) -> rules.AwardBook:
    """The list to print: the snapshot of a closed year, else the proposal as it stands."""
    return closed_book(campaign) or award_book(proposal_page(campaign, today))


def unreviewed_reports(campaign: Campaign) -> int:
    """Reports of the year still waiting for review or for the cell's correction."""
    return db.session.scalar(
        sa.select(sa.func.count(Report.id)).where(
            Report.campaign_id == campaign.id,
            Report.status.in_([ReportStatus.SUBMITTED, ReportStatus.RETURNED]),
        )
    )


def saved_proposals() -> dict[int, tuple[int, int]]:
    """Per campaign id with a saved proposal: (cells, members) proposed (one statement)."""
    rows = db.session.execute(
        sa.select(
            AwardProposal.campaign_id,
            sa.select(sa.func.count(AwardCell.id))
            .where(AwardCell.proposal_id == AwardProposal.id)
            .scalar_subquery(),
            sa.select(sa.func.count(AwardMember.id))
            .where(AwardMember.proposal_id == AwardProposal.id)
            .scalar_subquery(),
        )
    )
    return {campaign_id: (cells, members) for campaign_id, cells, members in rows}


def campaigns() -> list[Campaign]:
    return list(db.session.scalars(sa.select(Campaign).order_by(Campaign.year)))
