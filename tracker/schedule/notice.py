"""The monthly notice "Lịch sinh hoạt chi bộ tháng M/YYYY" as a Party document (HD 36)."""

from __future__ import annotations

import datetime as dt

from ..campaigns import document_identity
from ..documents.party import (
    Column,
    HeaderBlock,
    SignatureBlock,
    add_header_block,
    add_paragraph,
    add_signature_block,
    add_table,
    add_title,
    document_bytes,
    new_document,
)
from ..domain.vietnamese import dated_place_line
from ..models import Campaign, Cell, Meeting
from . import rules

# A landscape page (its text block is 25.2 cm wide): seven columns with room for each, the
# day on one line, so that a row is one line when the names fit (a month of nine cells then
# prints on one page with its signature).
COLUMNS = (
    Column("STT", 1.3, "center"),
    Column("Chi bộ", 5.1),
    Column("Ngày", 4.3, "center"),
    Column("Giờ", 1.5, "center"),
    Column("Địa điểm", 5.2),
    Column("Nội dung", 4.0),
    Column("Đảng ủy viên dự", 3.8),
)
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def notice_title(month: int, year: int) -> str:
    return f"Lịch sinh hoạt chi bộ tháng {month}/{year}"


def notice_filename(month: int, year: int) -> str:
    return f"Lịch sinh hoạt chi bộ tháng {month:02d}-{year}.docx"


def notice_rows(meetings: list[Meeting], cells: list[Cell]) -> list[tuple]:
    """One row per meeting (by time), then one per cell with no regular meeting planned."""
    rows = []
    planned_regular = {m.cell_id for m in meetings if m.kind.value == "regular"}
    for meeting in meetings:
        start = meeting.starts_at.astimezone(rules.ZONE)
        content = meeting.topic or ""
        if meeting.kind.value == "thematic":
            content = "Chuyên đề" + (f": {content}" if content else "")
        else:
            content = "Thường kỳ" + (f": {content}" if content else "")
        rows.append(
            (
                meeting.cell.name,
                f"{WEEKDAYS[start.weekday()]}, {start:%d/%m/%Y}",
                f"{start:%H}g{start:%M}",
                meeting.place,
                content,
                meeting.attendee.full_name if meeting.attendee else "",
            )
        )
    for cell in cells:
        if cell.id not in planned_regular:
            rows.append((cell.name, "Chưa có lịch", "", "", "", ""))
    return [(index, *row) for index, row in enumerate(rows, start=1)]


def build_notice(
    campaign: Campaign,
    month: int,
    meetings: list[Meeting],
    cells: list[Cell],
    *,
    issued_on: dt.date,
    number: str = "",
) -> bytes:
    """The month's schedule of every cell, issued by the committee as named in that year, citing
    the year's plan; "Nơi nhận" the cells and the committee members."""
    identity = document_identity(campaign)
    doc = new_document(landscape=True)
    number_line = f"Số {number}-LT/{identity.issuer_code}" if number else f"Số     -LT/{identity.issuer_code}"
    add_header_block(
        doc,
        HeaderBlock(
            superior_body=identity.superior_body,
            issuing_body=identity.issuing_body,
            number_line=number_line,
            place_line=dated_place_line(identity.place_name, issued_on),
        ),
        landscape=True,
    )
    add_title(doc, "LỊCH", f"sinh hoạt chi bộ tháng {month}/{campaign.year}")
    if identity.plan_citation:
        add_paragraph(
            doc,
            f"Thực hiện {identity.plan_citation}, {identity.issuing_body} thông báo lịch sinh hoạt "
            f"của các chi bộ trực thuộc trong tháng {month}/{campaign.year} như sau:",
        )
    else:
        add_paragraph(
            doc,
            f"{identity.issuing_body} thông báo lịch sinh hoạt của các chi bộ trực thuộc trong "
            f"tháng {month}/{campaign.year} như sau:",
        )
    # The closing words and the signature go with the last rows: never on a page alone.
    add_table(doc, COLUMNS, notice_rows(meetings, cells), kept_with_next=2)
    add_paragraph(
        doc,
        "Các chi bộ thông báo thời gian, địa điểm, nội dung đến từng đảng viên; gửi báo cáo "
        "kết quả sinh hoạt đúng hạn. Đảng ủy viên được phân công dự sinh hoạt theo dõi, "
        "xác nhận điểm tự chấm của chi bộ.",
        keep_with_next=True,
    )
    add_signature_block(
        doc,
        SignatureBlock(
            recipients=(
                "- Các chi bộ trực thuộc;",
                "- Các đồng chí Đảng ủy viên;",
                "- Lưu Văn phòng Đảng ủy.",
            ),
            signer_name=identity.secretary_name,
        ),
        landscape=True,
    )
    return document_bytes(doc, author=identity.issuing_body, title=notice_title(month, campaign.year))
