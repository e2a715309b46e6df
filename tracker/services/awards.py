"""The year-end award proposal and the closing of a campaign year.

The committee (or the admin) saves the default proposal, then adds, removes, reorders and edits
its cells and members, and sets the document's number, date, signer and recipients. Closing a
year stores the printed list as it stands (``Campaign.closed_snapshot``) and locks the year's
reports; only the admin reopens it, with a reason. Every change writes an audit row with the
data before and after; the caller commits once.

On PostgreSQL a change to a proposal reads its campaign ``FOR SHARE`` and closing reads it
``FOR UPDATE``, so that no edit slips in while a year is being closed. (SQLite serialises
writers with BEGIN IMMEDIATE.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import award_queries as queries
from .. import clock
from ..award_queries import unreviewed_reports
from ..domain import awards as rules
from ..domain.periods import month_has_ended
from ..domain.vietnamese import normalise
from ..extensions import db
from ..models import (
    AwardCell,
    AwardMember,
    AwardProposal,
    Campaign,
    Member,
    User,
    utcnow,
)
from ..permissions import can_manage_awards, can_reopen_year
from ..queries import cell_by_code
from . import Conflict, NotAllowed, NotFound, ValidationFailed, audit

MSG_NOT_ALLOWED = "Chỉ Đảng ủy và quản trị viên được lập đề xuất khen thưởng."
MSG_REOPEN_ADMIN = "Chỉ quản trị viên được mở lại một năm thi đua đã khóa sổ."
MSG_NOT_SAVED = "Hãy tạo đề xuất trước khi chỉnh sửa."
MSG_ALREADY_SAVED = "Đề xuất khen thưởng của năm này đã được tạo."
MSG_INVALID = "Thông tin chưa hợp lệ; vui lòng sửa các mục được nêu."

MAX_AWARD_FORM = 300
MAX_SUMMARY = 2000
MAX_NOTE = 300
MAX_DOCUMENT_NUMBER = 60
MAX_SIGNER = 120
MAX_RECIPIENT = 200
MIN_REOPEN_REASON = 10


def msg_closed(year: int) -> str:
    return f"Năm thi đua {year} đã khóa sổ; đề xuất khen thưởng không thay đổi được nữa."


# --------------------------------------------------------------------------------------------
# Checks


def _ensure_may_manage(actor: User) -> None:
    if not can_manage_awards(actor):
        raise NotAllowed(MSG_NOT_ALLOWED)


def _lock_campaign(campaign: Campaign, *, exclusive: bool = False) -> Campaign:
    """Re-read the campaign under a row lock (shared for edits, exclusive for closing)."""
    locked = db.session.scalar(
        sa.select(Campaign)
        .where(Campaign.id == campaign.id)
        .with_for_update(read=not exclusive)
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise NotFound("Không có năm thi đua này.")
    return locked


def _open_campaign(campaign: Campaign, actor: User) -> Campaign:
    _ensure_may_manage(actor)
    campaign = _lock_campaign(campaign)
    if campaign.is_closed:
        raise Conflict(msg_closed(campaign.year))
    return campaign


def _saved_proposal(campaign: Campaign) -> AwardProposal:
    proposal = queries.proposal_of(campaign)
    if proposal is None:
        raise Conflict(MSG_NOT_SAVED)
    return proposal


def _line(text: Any) -> str:
    return normalise(str(text or ""))


def _paragraphs(text: Any) -> str:
    """Text of several lines: each line normalised, blank lines at the ends removed."""
    lines = [normalise(line) for line in str(text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def _check_entry_texts(award_form: Any, summary: Any, note: Any) -> tuple[str, str, str]:
    award_form, summary, note = _line(award_form), _paragraphs(summary), _line(note)
    errors = {}
    if not award_form:
        errors["award_form"] = "Nhập hình thức khen thưởng."
    elif len(award_form) > MAX_AWARD_FORM:
        errors["award_form"] = f"Không quá {MAX_AWARD_FORM} ký tự."
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = f"Không quá {MAX_SUMMARY} ký tự."
    if len(note) > MAX_NOTE:
        errors["note"] = f"Không quá {MAX_NOTE} ký tự."
    if errors:
        raise ValidationFailed(MSG_INVALID, errors)
    return award_form, summary, note


# --------------------------------------------------------------------------------------------
# What an audit row keeps of a proposal


def _cell_data(entry: AwardCell) -> dict:
    return {
        "cell": entry.cell.code,
        "name": entry.cell.name,
        "position": entry.position,
        "award_form": entry.award_form,
        "summary": entry.summary,
        "note": entry.note,
    }


def _member_data(entry: AwardMember) -> dict:
    return {
        "member_id": entry.member_id,
        "full_name": entry.member.full_name,
        "position": entry.position,
        "award_form": entry.award_form,
        "summary": entry.summary,
        "note": entry.note,
    }


DOCUMENT_FIELDS = ("document_number", "document_date", "signer_name", "recipients")


def _document_data(proposal: AwardProposal) -> dict:
    return {key: getattr(proposal, key) for key in DOCUMENT_FIELDS}


def _lists_data(proposal: AwardProposal) -> dict:
    return {
        "cells": [entry.cell.code for entry in proposal.cells],
        "members": [entry.member_id for entry in proposal.members],
    }


def _record(
    action: str,
    actor: User,
    proposal: AwardProposal,
    summary: str,
    cell_id: int | None = None,
    **data,
) -> None:
    audit.record(
        action,
        actor=actor,
        object_type="award_proposal",
        object_id=proposal.id,
        cell_id=cell_id,
        summary=summary,
        **data,
    )


def _flush_or_conflict(message: str) -> None:
    """Flush; a unique constraint that a concurrent request won answers 409."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise Conflict(message) from error


# --------------------------------------------------------------------------------------------
# The default proposal


def _fill_default(proposal: AwardProposal, year: queries.AwardYear) -> None:
    cells = queries.default_cell_entries(year)
    for position, entry in enumerate(cells):
        proposal.cells.append(
            AwardCell(
                cell_id=entry.cell_id,
                position=position,
                award_form=entry.award_form,
                summary=entry.summary,
                note="",
            )
        )
    members = queries.default_member_entries(year, [entry.code for entry in cells])
    for position, entry in enumerate(members):
        proposal.members.append(
            AwardMember(
                member_id=entry.member_id,
                position=position,
                award_form=entry.award_form,
                summary=entry.summary,
                note="",
            )
        )


def _new_proposal(campaign: Campaign, actor: User, today: dt.date | None) -> AwardProposal:
    year = queries.load_award_year(campaign, today)
    found = year.committee
    proposal = AwardProposal(
        campaign=campaign,
        document_number="",
        document_date=None,
        signer_name=found.secretary_name if found else "",
        recipients="\n".join(rules.DEFAULT_RECIPIENTS),
    )
    _fill_default(proposal, year)
    db.session.add(proposal)
    _flush_or_conflict(MSG_ALREADY_SAVED)
    _record(
        "award.proposal.create",
        actor,
        proposal,
        f"Tạo đề xuất khen thưởng mặc định năm {campaign.year}",
        after={**_lists_data(proposal), **_document_data(proposal)},
    )
    return proposal


def create_default_proposal(
    campaign: Campaign, *, actor: User, today: dt.date | None = None
) -> AwardProposal:
    """Save the default proposal of an open year: the rule's cells and members, editable."""
    campaign = _open_campaign(campaign, actor)
    if queries.proposal_of(campaign) is not None:
        raise Conflict(MSG_ALREADY_SAVED)
    return _new_proposal(campaign, actor, today)


def reset_proposal(
    campaign: Campaign, *, actor: User, today: dt.date | None = None
) -> AwardProposal:
    """Put both lists back to the default of the rule (the document's settings stay)."""
    campaign = _open_campaign(campaign, actor)
    proposal = _saved_proposal(campaign)
    before = {
        "cells": [_cell_data(entry) for entry in proposal.cells],
        "members": [_member_data(entry) for entry in proposal.members],
    }
    proposal.cells.clear()
    proposal.members.clear()
    db.session.flush()  # the old rows go before the new ones meet the unique constraints
    _fill_default(proposal, queries.load_award_year(campaign, today))
    db.session.flush()
    _record(
        "award.proposal.reset",
        actor,
        proposal,
        f"Đặt lại đề xuất khen thưởng năm {campaign.year} theo mặc định",
        before=before,
        after={
            "cells": [_cell_data(entry) for entry in proposal.cells],
            "members": [_member_data(entry) for entry in proposal.members],
        },
    )
    return proposal


# --------------------------------------------------------------------------------------------
# The document's settings


def update_document(
    campaign: Campaign,
    *,
    actor: User,
    document_number: Any,
    document_date: dt.date | None,
    signer_name: Any,
    recipients: Any,
) -> AwardProposal:
    """Set the number, date, signer and recipients ("Nơi nhận") of the printed list."""
    campaign = _open_campaign(campaign, actor)
    proposal = _saved_proposal(campaign)
    number = _line(document_number)
    if number.lower().startswith("số "):
        number = number[3:].strip()
    signer = _line(signer_name)
    names = rules.recipient_names(str(recipients or ""))
    errors = {}
    if len(number) > MAX_DOCUMENT_NUMBER:
        errors["document_number"] = f"Không quá {MAX_DOCUMENT_NUMBER} ký tự."
    if document_date is not None and not (campaign.year <= document_date.year <= campaign.year + 1):
        errors["document_date"] = (
            f"Ngày ban hành phải thuộc năm {campaign.year} hoặc năm {campaign.year + 1}."
        )
    if not signer:
        errors["signer_name"] = "Nhập họ tên người ký."
    elif len(signer) > MAX_SIGNER:
        errors["signer_name"] = f"Không quá {MAX_SIGNER} ký tự."
    if len(names) > rules.MAX_RECIPIENTS:
        errors["recipients"] = f"Không quá {rules.MAX_RECIPIENTS} nơi nhận."
    elif any(len(name) > MAX_RECIPIENT for name in names):
        errors["recipients"] = f"Mỗi nơi nhận không quá {MAX_RECIPIENT} ký tự."
    if errors:
        raise ValidationFailed(MSG_INVALID, errors)
    proposal.document_number = number
    proposal.document_date = document_date
    proposal.signer_name = signer
    proposal.recipients = "\n".join(names)
    before, after = audit.changes(proposal, DOCUMENT_FIELDS)
    if after != before:
        proposal.updated_at = utcnow()
        db.session.flush()
        _record(
            "award.document.update",
            actor,
            proposal,
            f"Cập nhật số, ngày, người ký, nơi nhận của danh sách khen thưởng năm {campaign.year}",
            before=before,
            after=after,
        )
    return proposal


# --------------------------------------------------------------------------------------------
# The two lists: add, remove, move, edit


@dataclass(frozen=True)
class _List:
    """One of the proposal's two lists, so that both share the same code."""

    kind: str  # "cell" or "member"
    model: type
    attribute: str  # the proposal's relationship
    data: Any

    def entries(self, proposal: AwardProposal) -> list:
        return getattr(proposal, self.attribute)

    def label(self, entry) -> str:
        return entry.cell.name if self.kind == "cell" else entry.member.full_name

    def cell_id(self, entry) -> int:
        """The cell an entry concerns (the audit log filters by cell)."""
        return entry.cell_id if self.kind == "cell" else entry.member.cell_id


CELLS = _List("cell", AwardCell, "cells", _cell_data)
MEMBERS = _List("member", AwardMember, "members", _member_data)


def _entry(which: _List, proposal: AwardProposal, entry_id: int):
    for entry in which.entries(proposal):
        if entry.id == entry_id:
            return entry
    raise NotFound("Không có mục này trong đề xuất.")


def _renumber(entries: list) -> None:
    for position, entry in enumerate(entries):
        entry.position = position


def _rank(year: queries.AwardYear, code: str) -> int | None:
    check = year.check_of(code)
    return check.standing.rank if check else None


def add_cell(
    campaign: Campaign, *, actor: User, cell_code: Any, today: dt.date | None = None
) -> AwardCell:
    """Add a cell at its rank's place in the list, with the summary drawn from its standing."""
    campaign = _open_campaign(campaign, actor)
    proposal = _saved_proposal(campaign)
    cell = cell_by_code(str(cell_code or ""))
    if cell is None or not cell.active:
        raise ValidationFailed(MSG_INVALID, {"cell": "Chọn một chi bộ đang hoạt động."})
    if any(entry.cell_id == cell.id for entry in proposal.cells):
        raise Conflict(
            f"{cell.name} đã có trong đề xuất.", {"cell": "Chi bộ đã có trong danh sách."}
        )
    year = queries.load_award_year(campaign, today)
    check = year.check_of(cell.code)
    codes_before = [existing.cell.code for existing in proposal.cells]
    entry = AwardCell(
        cell=cell,
        award_form=campaign.award_form,
        summary=year.cell_summary(check.standing if check else None),
        note="",
    )
    # The cell takes its rank's place (contract.md): only an explicit move departs from it.
    ranks = [_rank(year, existing.cell.code) for existing in proposal.cells]
    proposal.cells.insert(rules.rank_place(ranks, _rank(year, cell.code)), entry)
    _renumber(proposal.cells)
    followed = _follow_the_cells(proposal, year, codes_before)
    _flush_or_conflict(f"{cell.name} đã có trong đề xuất.")
    after = _cell_data(entry)
    if followed:
        after = {**after, "summaries_updated": followed}
    _record(
        "award.cell.add",
        actor,
        proposal,
        f"Thêm {cell.name} vào đề xuất khen thưởng năm {campaign.year}",
        cell_id=cell.id,
        after=after,
    )
    return entry


def add_member(
    campaign: Campaign, *, actor: User, member_id: Any, today: dt.date | None = None
) -> AwardMember:
    """Add a member at the end of the list, with the summary drawn from her attendance."""
    campaign = _open_campaign(campaign, actor)
    proposal = _saved_proposal(campaign)
    try:
        member = db.session.get(Member, int(member_id))
    except (TypeError, ValueError):
        member = None
    if member is None or not member.active:
        raise ValidationFailed(MSG_INVALID, {"member": "Chọn một đảng viên đang sinh hoạt."})
    if any(entry.member_id == member.id for entry in proposal.members):
        raise Conflict(
            f"{member.full_name} đã có trong đề xuất.",
            {"member": "Đảng viên đã có trong danh sách."},
        )
    year = queries.load_award_year(campaign, today)
    entry = AwardMember(
        member=member,
        position=len(proposal.members),
        award_form=campaign.award_form,
        summary=year.member_summary(member.id, [entry.cell.code for entry in proposal.cells]),
        note="",
    )
    proposal.members.append(entry)
    _flush_or_conflict(f"{member.full_name} đã có trong đề xuất.")
    _record(
        "award.member.add",
        actor,
        proposal,
        f"Thêm {member.full_name} vào đề xuất khen thưởng năm {campaign.year}",
        cell_id=member.cell_id,
        after=_member_data(entry),
    )
    return entry


def _follow_the_cells(
    proposal: AwardProposal, year: queries.AwardYear, codes_before: list[str]
) -> list[str]:
    """The prefilled summaries of the proposed members after the cells changed: a secretary is
    credited with her cell's proposal only while it is proposed. A summary the committee has
    edited is left as written. Returns the names whose summary changed."""
    codes_after = [entry.cell.code for entry in proposal.cells]
    changed = []
    for entry in proposal.members:
        before = year.member_summary(entry.member_id, codes_before)
        after = year.member_summary(entry.member_id, codes_after)
        if entry.summary == before and before != after:
            entry.summary = after
            changed.append(entry.member.full_name)
    return changed


def _remove(which: _List, campaign: Campaign, actor: User, entry_id: int) -> None:
    campaign = _open_campaign(campaign, actor)
    proposal = _saved_proposal(campaign)
    entry = _entry(which, proposal, entry_id)
    before = which.data(entry)
    label = which.label(entry)
    cell_id = which.cell_id(entry)
    entries = which.entries(proposal)
    codes_before = [item.cell.code for item in proposal.cells]
    entries.remove(entry)
    _renumber(entries)
    followed = []
    if which is CELLS:
        followed = _follow_the_cells(proposal, queries.load_award_year(campaign), codes_before)
    db.session.flush()
    if followed:
        before = {**before, "summaries_updated": followed}
    _record(
        f"award.{which.kind}.remove",
        actor,
        proposal,
        f"Bỏ {label} khỏi đề xuất khen thưởng năm {campaign.year}",
        cell_id=cell_id,
        before=before,
    )


def remove_cell(campaign: Campaign, *, actor: User, entry_id: int) -> None:
    _remove(CELLS, campaign, actor, entry_id)


def remove_member(campaign: Campaign, *, actor: User, entry_id: int) -> None:
    _remove(MEMBERS, campaign, actor, entry_id)


def _move(which: _List, campaign: Campaign, actor: User, entry_id: int, direction: Any) -> None:
    if direction not in ("up", "down"):
        raise ValidationFailed("Hướng di chuyển không hợp lệ.", {"direction": "Lên hoặc xuống."})
    campaign = _open_campaign(campaign, actor)
    proposal = _saved_proposal(campaign)
    entries = which.entries(proposal)
    entry = _entry(which, proposal, entry_id)
    index = entries.index(entry)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(entries):
        return  # already first (or last): nothing changes
    order_before = [which.label(item) for item in entries]
    # Reorder a copy: assigning into the relationship's list would orphan (delete) an entry.
    order = list(entries)
    order[index], order[target] = order[target], order[index]
    _renumber(order)
    db.session.flush()
    db.session.expire(proposal, [which.attribute])  # read back in the new order
    _record(
        f"award.{which.kind}.move",
        actor,
        proposal,
        f"Chuyển {which.label(entry)} {'lên' if direction == 'up' else 'xuống'} "
        f"trong đề xuất khen thưởng năm {campaign.year}",
        cell_id=which.cell_id(entry),
        before={"order": order_before},
        after={"order": [which.label(item) for item in order]},
    )


def move_cell(campaign: Campaign, *, actor: User, entry_id: int, direction: Any) -> None:
    _move(CELLS, campaign, actor, entry_id, direction)


def move_member(campaign: Campaign, *, actor: User, entry_id: int, direction: Any) -> None:
    _move(MEMBERS, campaign, actor, entry_id, direction)


def _update(
    which: _List,
    campaign: Campaign,
    actor: User,
    entry_id: int,
    award_form: Any,
    summary: Any,
    note: Any,
):
    campaign = _open_campaign(campaign, actor)
    proposal = _saved_proposal(campaign)
    entry = _entry(which, proposal, entry_id)
    award_form, summary, note = _check_entry_texts(award_form, summary, note)
    before = which.data(entry)
    entry.award_form, entry.summary, entry.note = award_form, summary, note
    after = which.data(entry)
    if after != before:
        db.session.flush()
        _record(
            f"award.{which.kind}.update",
            actor,
            proposal,
            f"Sửa đề xuất khen thưởng {which.label(entry)} năm {campaign.year}",
            cell_id=which.cell_id(entry),
            before=before,
            after=after,
        )
    return entry


def update_cell_entry(
    campaign: Campaign, *, actor: User, entry_id: int, award_form: Any, summary: Any, note: Any
) -> AwardCell:
    """Change a proposed cell's award form, summary of achievements and note."""
    return _update(CELLS, campaign, actor, entry_id, award_form, summary, note)


def update_member_entry(
    campaign: Campaign, *, actor: User, entry_id: int, award_form: Any, summary: Any, note: Any
) -> AwardMember:
    """Change a proposed member's award form, summary of achievements and note."""
    return _update(MEMBERS, campaign, actor, entry_id, award_form, summary, note)


# --------------------------------------------------------------------------------------------
# Closing and reopening a year


def year_has_ended(campaign: Campaign, today: dt.date) -> bool:
    return month_has_ended(campaign.year, campaign.last_month, today)


def close_year(
    campaign: Campaign, *, actor: User, confirmed: bool, today: dt.date | None = None
) -> Campaign:
    """Close a campaign year: keep the printed list as it stands and lock the year's reports.

    The proposal (the default one if the committee never saved it) and the standings are
    stored in ``closed_snapshot``; the workbook of a closed year is printed from there.
    """
    _ensure_may_manage(actor)
    today = today or clock.today()
    campaign = _lock_campaign(campaign, exclusive=True)
    if campaign.is_closed:
        raise Conflict(f"Năm thi đua {campaign.year} đã khóa sổ.")
    if not year_has_ended(campaign, today):
        raise Conflict(
            f"Năm thi đua {campaign.year} chưa kết thúc: chỉ khóa sổ được sau tháng "
            f"{campaign.last_month}/{campaign.year}."
        )
    if not confirmed:
        raise ValidationFailed(
            "Cần xác nhận trước khi khóa sổ.",
            {"confirm": "Đánh dấu để xác nhận danh sách đề nghị đã hoàn chỉnh."},
        )
    if queries.proposal_of(campaign) is None:
        _new_proposal(campaign, actor, today)
    page = queries.proposal_page(campaign, today)
    book = queries.award_book(page)
    closed_at = utcnow()
    campaign.closed_at = closed_at
    campaign.closed_by_id = actor.id
    campaign.closed_snapshot = {
        "closed_at": closed_at.isoformat(),
        "closed_by": actor.full_name,
        "unreviewed_reports": unreviewed_reports(campaign),
        "book": book.to_dict(),
    }
    db.session.flush()
    audit.record(
        "campaign.close",
        actor=actor,
        object_type="campaign",
        object_id=campaign.id,
        summary=f"Khóa sổ năm thi đua {campaign.year}",
        before={"closed": False},
        after={
            "closed": True,
            "closed_at": closed_at,
            "cells": [line.code for line in book.cells],
            "members": [line.member_id for line in book.members],
            "unreviewed_reports": campaign.closed_snapshot["unreviewed_reports"],
        },
    )
    return campaign


def reopen_year(campaign: Campaign, *, actor: User, reason: Any) -> Campaign:
    """Reopen a closed year (the admin's only), with a reason; the stored list is dropped."""
    if not can_reopen_year(actor):
        raise NotAllowed(MSG_REOPEN_ADMIN)
    campaign = _lock_campaign(campaign, exclusive=True)
    if not campaign.is_closed:
        raise Conflict(f"Năm thi đua {campaign.year} đang mở, không cần mở lại.")
    reason = _paragraphs(reason)
    if len(reason) < MIN_REOPEN_REASON:
        raise ValidationFailed(
            "Cần ghi lý do mở lại.",
            {"reason": f"Ghi rõ lý do mở lại (ít nhất {MIN_REOPEN_REASON} ký tự)."},
        )
    if len(reason) > 1000:
        raise ValidationFailed(MSG_INVALID, {"reason": "Không quá 1000 ký tự."})
    snapshot = campaign.closed_snapshot or {}
    printed = snapshot.get("book") or {}
    before = {
        "closed": True,
        "closed_at": campaign.closed_at,
        "closed_by_id": campaign.closed_by_id,
        # What had been printed, for the record (the standings are left out: they can be
        # recomputed from the reports).
        "printed": {
            "header": printed.get("header"),
            "cells": printed.get("cells"),
            "members": printed.get("members"),
        },
    }
    campaign.closed_at = None
    campaign.closed_by_id = None
    campaign.closed_snapshot = None
    db.session.flush()
    audit.record(
        "campaign.reopen",
        actor=actor,
        object_type="campaign",
        object_id=campaign.id,
        summary=f"Mở lại năm thi đua {campaign.year}: {reason}",
        before=before,
        after={"closed": False, "reason": reason},
    )
    return campaign
