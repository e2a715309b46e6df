"""Year-end award rules (domain.md, "Year-end awards"), as plain functions.

A cell is eligible for a Giấy khen when its year grade is Tốt, no counted month is missing, and an
approved thematic meeting was held in every quarter of the campaign. The default proposal takes
the eligible cells in rank order up to the quota. Individuals are suggested from the data: the
secretary (bí thư) of each proposed cell, and members with full attendance who spoke at least a
set number of times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from .ranking import Standing
from .scoring import Grade
from .vietnamese import dated_place_line, format_decimal, name_key


@dataclass(frozen=True)
class CellAwardCheck:
    """Whether a ranked cell may be proposed, and why not."""

    standing: Standing
    reasons: tuple[str, ...]  # empty when eligible

    @property
    def eligible(self) -> bool:
        return not self.reasons


def check_cell(standing: Standing, campaign_quarters: int) -> CellAwardCheck:
    """Check one ranked cell against the eligibility rule; list every reason it fails."""
    reasons = []
    tally = standing.tally
    if standing.grade is not Grade.TOT:
        label = standing.grade.label if standing.grade else "chưa xếp loại"
        reasons.append(f"Xếp loại năm {label}, chưa đạt loại Tốt")
    if standing.months_missing:
        reasons.append(f"Thiếu {standing.months_missing} kỳ sinh hoạt được duyệt")
    if tally.thematic_quarters < campaign_quarters:
        reasons.append(f"Sinh hoạt chuyên đề {tally.thematic_quarters}/{campaign_quarters} quý")
    return CellAwardCheck(standing, tuple(reasons))


def default_cell_proposal(
    standings: Sequence[Standing], campaign_quarters: int, quota: int
) -> tuple[list[CellAwardCheck], list[CellAwardCheck]]:
    """Split ranked cells into the default proposal (eligible, rank order, up to the quota)
    and the others (ineligible ones with their reasons, and eligible ones beyond the quota)."""
    return split_default([check_cell(standing, campaign_quarters) for standing in standings], quota)


def split_default(
    checks: Sequence[CellAwardCheck], quota: int
) -> tuple[list[CellAwardCheck], list[CellAwardCheck]]:
    """The default proposal of already checked cells (in rank order), and the others."""
    proposed = [check for check in checks if check.eligible][: max(quota, 0)]
    chosen = {id(check) for check in proposed}
    others = [check for check in checks if id(check) not in chosen]
    return proposed, others


def cell_summary(standing: Standing, campaign_quarters: int) -> str:
    """Prefilled summary of achievements of a cell, drawn from the data.

    "Điểm trung bình 95,30; 9/9 kỳ đạt loại Tốt; sinh hoạt chuyên đề đủ 3 quý"
    """
    tally = standing.tally
    parts = [
        f"Điểm trung bình {format_decimal(standing.average_rounded)}",
        f"{tally.tot_months}/{tally.months_counted} kỳ đạt loại Tốt",
    ]
    if tally.thematic_quarters >= campaign_quarters:
        parts.append(f"sinh hoạt chuyên đề đủ {campaign_quarters} quý")
    else:
        parts.append(f"sinh hoạt chuyên đề {tally.thematic_quarters}/{campaign_quarters} quý")
    return "; ".join(parts)


@dataclass(frozen=True)
class MemberRecord:
    """A member's attendance at the regular meetings of a campaign year's counted months.

    A regular meeting is due every counted month; only approved reports count, so a month
    whose report is missing or not approved is a month the member did not attend.
    """

    member_id: int
    full_name: str
    cell_code: str
    is_secretary: bool
    months: int  # counted months of the year: a regular meeting was due in each
    attended: int  # counted months whose approved regular meeting she attended
    spoke: int  # approved regular meetings at which she spoke
    recorded: int  # approved regular meetings that recorded her (exempted included)


def full_attendance(record: MemberRecord) -> bool:
    """Present at the regular meeting of every counted month of the year."""
    return record.months > 0 and record.attended >= record.months


SECRETARY_REASON = "Bí thư chi bộ được đề nghị khen thưởng"


def member_summary(record: MemberRecord, *, leads_proposed_cell: bool = False) -> str:
    """Prefilled summary of a member's achievements: "Dự đủ 9/9 kỳ sinh hoạt; phát biểu 7 lần".

    The attendance is counted against every counted month of the year ("9/9"), not only the
    months her cell's report was approved. The secretary of a proposed cell is credited with
    her cell's result first; a member without any recorded attendance gets no figures.
    """
    if record.recorded == 0 or record.months == 0:
        attendance = "Chưa có số liệu điểm danh sinh hoạt"
    else:
        attendance = (
            f"Dự đủ {record.months}/{record.months} kỳ sinh hoạt"
            if full_attendance(record)
            else f"Dự {record.attended}/{record.months} kỳ sinh hoạt"
        )
        attendance += f"; phát biểu {record.spoke} lần"
    if leads_proposed_cell:
        return f"{SECRETARY_REASON} tập thể; {attendance[0].lower()}{attendance[1:]}"
    return attendance


def suggest_members(
    records: Iterable[MemberRecord], proposed_cells: Sequence[str], min_speeches: int
) -> list[tuple[MemberRecord, str]]:
    """Suggest individuals: the secretaries of the proposed cells (in the cells' order), then
    members with full attendance who spoke at least ``min_speeches`` times (by name order).

    Return (record, reason) pairs, each member once.
    """
    records = list(records)
    order = {code: index for index, code in enumerate(proposed_cells)}
    secretaries = sorted(
        (r for r in records if r.is_secretary and r.cell_code in order),
        key=lambda r: (order[r.cell_code], name_key(r.full_name)),
    )
    chosen = {r.member_id for r in secretaries}
    active = sorted(
        (
            r
            for r in records
            if r.member_id not in chosen and full_attendance(r) and r.spoke >= min_speeches
        ),
        key=lambda r: (-r.spoke, name_key(r.full_name)),
    )
    return [(r, SECRETARY_REASON) for r in secretaries] + [
        (r, f"Dự đủ các kỳ sinh hoạt, phát biểu {r.spoke} lần") for r in active
    ]


# --------------------------------------------------------------------------------------------
# The printed list: a Party document (Hướng dẫn 36-HD/VPTW) with three tables

ARCHIVE_RECIPIENT = "Lưu Văn phòng Đảng ủy"
DEFAULT_RECIPIENTS = ("Ban Thường vụ Huyện ủy (b/c)", "Các chi bộ trực thuộc")
SIGNING_FOR = "T/M ĐẢNG ỦY"
SIGNER_TITLE = "BÍ THƯ"
MAX_RECIPIENTS = 15


DOCUMENT_TYPE_CODE = "DS"  # danh sách


def number_line(document_number: str, issuer_code: str) -> str:
    """The number line of the header: "Số 35-DS/ĐU" (number, type code, issuer code).

    A number typed alone ("35") is completed with the type and issuer codes ("Số 35-DS/ĐU"),
    a number with its type ("35-DS") with the issuer code; a number with its issuer code is
    printed as typed. Without a number yet, the line keeps room for one written by hand:
    "Số      -DS/ĐU".
    """
    number = " ".join((document_number or "").split())
    if number.lower().startswith("số "):
        number = number[3:].strip()
    if not number:
        return f"Số      -{DOCUMENT_TYPE_CODE}/{issuer_code}"
    if "/" not in number:
        if "-" not in number:
            number += f"-{DOCUMENT_TYPE_CODE}"
        number += f"/{issuer_code}"
    return f"Số {number}"


def place_line(place: str, day: dt.date | None, year: int) -> str:
    """The dated place line; without a date yet, blanks to fill in by hand (in ``year``)."""
    if day is None:
        return f"{place}, ngày      tháng      năm {year}"
    return dated_place_line(place, day)


def recipient_names(text: str) -> list[str]:
    """The recipients typed one per line, without their dashes and end punctuation.

    The archive line ("Lưu Văn phòng Đảng ủy") is always printed last, so it is left out here.
    """
    names = []
    for line in (text or "").splitlines():
        name = " ".join(line.split()).lstrip("-–•+* ").rstrip(",;.").strip()
        if name and name.casefold() not in (
            ARCHIVE_RECIPIENT.casefold(),
            "lưu vp",
            "lưu vp đảng ủy",
            "lưu",
        ):
            names.append(name)
    return names


def recipient_lines(text: str) -> tuple[str, ...]:
    """The printed "Nơi nhận" lines: "- Ban Thường vụ Huyện ủy (b/c),", ..., archive last."""
    names = recipient_names(text) or list(DEFAULT_RECIPIENTS)
    return tuple(f"- {name}," for name in names) + (f"- {ARCHIVE_RECIPIENT}.",)


def rank_place(ranks: Sequence[int | None], rank: int | None) -> int:
    """Where a cell ranked ``rank`` joins a list of cells with these ranks: before the first
    one ranked after it (an unranked cell is after every ranked one), so that a list in rank
    order stays in rank order; an unranked cell goes last."""
    if rank is None:
        return len(ranks)
    for index, other in enumerate(ranks):
        if other is None or other > rank:
            return index
    return len(ranks)


class DocumentHeader(NamedTuple):
    """What the header, the signature block and "Nơi nhận" of every sheet print."""

    superior_body: str  # "Đảng bộ huyện Cù Lao Dung" (printed in capitals)
    issuing_body: str  # "Đảng ủy thị trấn Cù Lao Dung" (printed in bold capitals)
    number_line: str  # "Số 35-DS/ĐU"
    place_line: str  # "Cù Lao Dung, ngày 05 tháng 01 năm 2023"
    signer_name: str
    recipients: tuple[str, ...]  # printed lines, the archive last
    signing_for: str = SIGNING_FOR
    signer_title: str = SIGNER_TITLE
    plan_citation: str = ""  # "Kế hoạch số 21-KH/ĐU ngày 14/4/2022 của ..." (campaigns.py)


class RankedLine(NamedTuple):
    """A row of the "Xếp hạng" sheet: one active cell of the standings."""

    rank: int
    code: str
    name: str
    category: str  # label: "Chi bộ ấp"
    scores: tuple[Decimal | None, ...]  # one per counted month; None: no approved report
    average: Decimal | None  # rounded to 2 decimals
    tot_months: int
    grade: str  # label: "Tốt", or "" without a grade


class CellLine(NamedTuple):
    """A proposed cell, as printed."""

    code: str
    name: str
    category: str
    members: int | None
    average: Decimal | None
    tot_months: int | None
    rank: int | None
    summary: str
    award_form: str
    note: str


class MemberLine(NamedTuple):
    """A proposed member, as printed."""

    member_id: int
    full_name: str
    birth_year: int | None
    position: str  # "Bí thư", "Đảng viên"
    cell_name: str
    summary: str
    award_form: str
    note: str


@dataclass(frozen=True)
class AwardBook:
    """Everything the award workbook prints, as plain values.

    For a closed year it is stored (``to_dict``) at closing and printed from there ever after,
    so later changes to cells, members or reports never change the printed list.
    """

    year: int
    months: tuple[int, ...]  # counted months: the columns T4 ... T12 of "Xếp hạng"
    header: DocumentHeader
    cells: tuple[CellLine, ...]
    members: tuple[MemberLine, ...]
    standings: Sequence[RankedLine]
    # The list of a year still open is a draft ("DỰ THẢO"); a closed year's stored list is not.
    draft: bool = field(default=False, compare=False)

    VERSION = 1

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; decimals as strings so that nothing is rounded twice."""
        return {
            "version": self.VERSION,
            "year": self.year,
            "months": list(self.months),
            "header": {**self.header._asdict(), "recipients": list(self.header.recipients)},
            "cells": [{**line._asdict(), "average": _text(line.average)} for line in self.cells],
            "members": [line._asdict() for line in self.members],
            "standings": [
                {
                    **line._asdict(),
                    "scores": [_text(score) for score in line.scores],
                    "average": _text(line.average),
                }
                for line in self.standings
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AwardBook:
        if data.get("version") != cls.VERSION:
            raise ValueError(f"unknown award book version {data.get('version')!r}")
        header = dict(data["header"])
        header["recipients"] = tuple(header["recipients"])
        return cls(
            year=data["year"],
            months=tuple(data["months"]),
            header=DocumentHeader(**header),
            cells=tuple(
                CellLine(**{**line, "average": _decimal(line["average"])}) for line in data["cells"]
            ),
            members=tuple(MemberLine(**line) for line in data["members"]),
            standings=[
                RankedLine(
                    **{
                        **line,
                        "scores": tuple(_decimal(score) for score in line["scores"]),
                        "average": _decimal(line["average"]),
                    }
                )
                for line in data["standings"]
            ],
        )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
