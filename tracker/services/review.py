"""The year's review (sơ kết) and spreading good practice (nhân rộng): the state changes.

- ``save_review``: the committee's draft of parts II-IV of a year's review report, with the
  document's number, date, signer and recipients. Frozen while the year is closed (409);
  editable again once the admin reopens the year.
- ``mark_exemplary`` / ``unmark_exemplary``: the committee marks an approved meeting as a
  model to copy, with a short note on what to copy.

Each writes its audit row; the caller commits once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..extensions import db
from ..models import Campaign, ExemplaryMeeting, Report, ReportStatus, User, YearReview
from ..permissions import is_committee
from ..queries import exemplary_of, review_of
from . import Conflict, NotAllowed, ValidationFailed, audit

NUMBER_MAX = 60
SIGNER_MAX = 120
TEXT_MAX = 20_000
RECIPIENTS_MAX = 2_000
NOTE_MAX = 1_000

MSG_NOT_ALLOWED = "Chỉ Đảng ủy và quản trị viên soạn báo cáo sơ kết và chọn mô hình hay."
MSG_INVALID = "Thông tin chưa hợp lệ, xem các ô được đánh dấu."
MSG_NUL = "Nội dung có ký tự không hợp lệ."
MSG_NOTE_REQUIRED = "Ghi rõ điều các chi bộ khác nên học tập ở buổi sinh hoạt này."
MSG_NOT_APPROVED = "Chỉ chọn làm mô hình hay một buổi sinh hoạt có báo cáo đã được duyệt."


def msg_too_long(limit: int) -> str:
    return f"Tối đa {limit:,} ký tự.".replace(",", ".")


def msg_year_closed(year: int) -> str:
    return (
        f"Năm thi đua {year} đã khóa sổ: báo cáo sơ kết không sửa được nữa "
        "(quản trị viên mở lại năm thì sửa được)."
    )


@dataclass(frozen=True)
class ReviewInput:
    document_number: Any = ""
    document_date: Any = None
    assessment: Any = ""
    direction: Any = ""
    proposals: Any = ""
    recipients: Any = ""
    signer_name: Any = ""


FIELDS = (
    ("document_number", NUMBER_MAX),
    ("assessment", TEXT_MAX),
    ("direction", TEXT_MAX),
    ("proposals", TEXT_MAX),
    ("recipients", RECIPIENTS_MAX),
    ("signer_name", SIGNER_MAX),
)


def _clean_text(value: Any, limit: int, field: str, errors: dict[str, str]) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        errors[field] = MSG_NUL
    elif len(text) > limit:
        errors[field] = msg_too_long(limit)
    return text


def _ensure_may_edit(actor: User) -> None:
    if not is_committee(actor):
        raise NotAllowed(MSG_NOT_ALLOWED)


def save_review(campaign: Campaign, data: ReviewInput, *, actor: User) -> YearReview:
    """Save the committee's draft of a year's review; refused while the year is closed."""
    _ensure_may_edit(actor)
    if campaign.is_closed:
        raise Conflict(msg_year_closed(campaign.year))
    errors: dict[str, str] = {}
    values = {name: _clean_text(getattr(data, name), limit, name, errors) for name, limit in FIELDS}
    document_date = data.document_date
    if document_date is not None and not isinstance(document_date, dt.date):
        errors["document_date"] = "Ngày không hợp lệ (dd/mm/yyyy)."
    if errors:
        raise ValidationFailed(MSG_INVALID, errors)
    review = review_of(campaign)
    before = _as_dict(review) if review else None
    if review is None:
        review = YearReview(campaign=campaign)
        db.session.add(review)
    for name, value in values.items():
        setattr(review, name, value)
    review.document_date = document_date
    review.updated_by_id = actor.id
    db.session.flush()
    audit.record(
        "review.update",
        actor=actor,
        object_type="year_review",
        object_id=review.id,
        summary=f"Soạn báo cáo sơ kết năm {campaign.year}",
        before=before,
        after=_as_dict(review),
    )
    return review


def _as_dict(review: YearReview) -> dict:
    return {
        "document_number": review.document_number,
        "document_date": review.document_date,
        "assessment": review.assessment,
        "direction": review.direction,
        "proposals": review.proposals,
        "recipients": review.recipients,
        "signer_name": review.signer_name,
    }


# --------------------------------------------------------------------------------------------
# Exemplary meetings


def mark_exemplary(report: Report, note: Any, *, actor: User) -> ExemplaryMeeting:
    """Mark an approved meeting as a model to copy (or change its note)."""
    _ensure_may_edit(actor)
    errors: dict[str, str] = {}
    text = _clean_text(note, NOTE_MAX, "note", errors)
    if not text and "note" not in errors:
        errors["note"] = MSG_NOTE_REQUIRED
    if errors:
        raise ValidationFailed(MSG_INVALID, errors)
    if report.status is not ReportStatus.APPROVED:
        raise Conflict(MSG_NOT_APPROVED)
    entry = exemplary_of(report)
    before = {"note": entry.note} if entry else None
    is_new = entry is None
    if entry is None:
        entry = ExemplaryMeeting(report=report, marked_by_id=actor.id, note=text)
        db.session.add(entry)
    else:
        entry.note = text
    db.session.flush()
    audit.record(
        "exemplary.mark" if is_new else "exemplary.update",
        actor=actor,
        object_type="report",
        object_id=report.id,
        cell_id=report.cell_id,
        summary=f"Chọn làm mô hình hay: {report.cell.name}, tháng {report.month}/{report.year}",
        before=before,
        after={"note": text},
    )
    return entry


def unmark_exemplary(report: Report, *, actor: User) -> None:
    """Take a meeting off the exemplary list."""
    _ensure_may_edit(actor)
    entry = exemplary_of(report)
    if entry is None:
        return
    before = {"note": entry.note}
    db.session.delete(entry)
    db.session.flush()
    audit.record(
        "exemplary.unmark",
        actor=actor,
        object_type="report",
        object_id=report.id,
        cell_id=report.cell_id,
        summary=f"Bỏ khỏi mô hình hay: {report.cell.name}, tháng {report.month}/{report.year}",
        before=before,
    )
