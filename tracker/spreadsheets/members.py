"""The member register and its import template."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .cells import (
    Column,
    DataBook,
    DataSheet,
    add_sheet,
    new_workbook,
    workbook_bytes,
    write_lines,
    write_table,
)

# --------------------------------------------------------------------------------------------
# The member register and its import template

MEMBER_SHEET = "Đảng viên"
MEMBER_INSTRUCTIONS_SHEET = "Hướng dẫn"
MEMBER_CELLS_SHEET = "Chi bộ"
# Room left for new rows in the drop-down lists of the template.
_VALIDATION_SPARE_ROWS = 1_000


@dataclass(frozen=True)
class MemberColumns:
    """The headers of the member register (export, template and import agree on them)."""

    id: str = "Mã"
    full_name: str = "Họ và tên"
    gender: str = "Giới tính"
    birth_year: str = "Năm sinh"
    ethnicity: str = "Dân tộc"
    status: str = "Đảng viên"
    exempted: str = "Miễn sinh hoạt"
    cell_role: str = "Chức vụ"
    cell_code: str = "Mã chi bộ"
    active: str = "Đang sinh hoạt"


MEMBER_HEADERS = MemberColumns()
MEMBER_COLUMNS = [
    Column(MEMBER_HEADERS.id, 8),
    Column(MEMBER_HEADERS.full_name, 28),
    Column(MEMBER_HEADERS.gender, 10),
    Column(MEMBER_HEADERS.birth_year, 10),
    Column(MEMBER_HEADERS.ethnicity, 11),
    Column(MEMBER_HEADERS.status, 13),
    Column(MEMBER_HEADERS.exempted, 15),
    Column(MEMBER_HEADERS.cell_role, 15),
    Column(MEMBER_HEADERS.cell_code, 18),
    Column(MEMBER_HEADERS.active, 15),
]
YES, NO = "Có", "Không"


@dataclass(frozen=True)
class MemberChoices:
    """The allowed values of the coded columns, shown in the template's lists."""

    genders: Sequence[str]
    statuses: Sequence[str]
    cell_roles: Sequence[str]
    cells: Sequence[tuple[str, str, str]]  # code, name, category label


def _member_row(member) -> list[Any]:
    return [
        member.id,
        member.full_name,
        member.gender.label,
        member.birth_year,
        member.ethnicity,
        member.status.label,
        YES if member.exempted else NO,
        member.cell_role.label,
        member.cell.code,
        YES if member.active else NO,
    ]


def _add_member_validations(sheet: DataSheet, choices: MemberChoices, last_row: int) -> None:
    """Drop-down lists on the coded columns (the import checks the values anyway)."""
    headers = [column.header for column in MEMBER_COLUMNS]

    def add(header: str, source: str | list[str]) -> None:
        column = headers.index(header)
        sheet.ws.data_validation(
            1,
            column,
            last_row - 1,
            column,
            {
                "validate": "list",
                "source": source,
                "ignore_blank": True,
                "show_error": True,
                "error_title": "Giá trị không hợp lệ",
                "error_message": "Chọn một giá trị trong danh sách (xem trang Hướng dẫn).",
            },
        )

    add(MEMBER_HEADERS.gender, list(choices.genders))
    add(MEMBER_HEADERS.status, list(choices.statuses))
    add(MEMBER_HEADERS.exempted, [YES, NO])
    add(MEMBER_HEADERS.cell_role, list(choices.cell_roles))
    add(MEMBER_HEADERS.active, [YES, NO])
    if choices.cells:
        add(MEMBER_HEADERS.cell_code, f"='{MEMBER_CELLS_SHEET}'!$A$2:$A${len(choices.cells) + 1}")


def _member_instructions(choices: MemberChoices) -> list[str | tuple]:
    h = MEMBER_HEADERS
    return [
        "Mẫu danh sách đảng viên — hướng dẫn nhập:",
        f"Mỗi dòng của trang “{MEMBER_SHEET}” là một đảng viên; giữ nguyên dòng tiêu đề.",
        (
            f"Cột “{h.id}”: để trống với đảng viên mới; giữ nguyên mã khi sửa một đảng viên đã có "
            "(tệp xuất từ phần mềm đã có sẵn mã)."
        ),
        f"Cột “{h.full_name}”: họ, tên đệm và tên, ví dụ Nguyễn Thị Hoa (bắt buộc).",
        f"Cột “{h.gender}”: {' hoặc '.join(choices.genders)} (bắt buộc).",
        f"Cột “{h.birth_year}”: năm sinh bốn chữ số, ví dụ 1975 (bắt buộc).",
        f"Cột “{h.ethnicity}”: ví dụ Kinh, Khmer, Hoa; để trống là Kinh.",
        f"Cột “{h.status}”: {' hoặc '.join(choices.statuses)}; để trống là {choices.statuses[0]}.",
        f"Cột “{h.exempted}”: {YES} hoặc {NO}; để trống là {NO}.",
        (
            f"Cột “{h.cell_role}”: {', '.join(choices.cell_roles)}; "
            f"để trống là {choices.cell_roles[-1]}."
        ),
        (
            f"Cột “{h.cell_code}”: mã chi bộ trong trang “{MEMBER_CELLS_SHEET}” (bắt buộc). Đổi mã chi "
            "bộ của một đảng viên đã có là chuyển sinh hoạt sang chi bộ đó (có lưu lịch sử)."
        ),
        f"Cột “{h.active}”: {YES} hoặc {NO} (thôi sinh hoạt tại Đảng bộ); để trống là {YES}.",
        (
            "Nếu có bất kỳ dòng nào sai, phần mềm không nhập dòng nào và liệt kê từng dòng sai "
            "kèm lý do để sửa rồi nhập lại."
        ),
    ]


def _write_member_workbook(members: Iterable, choices: MemberChoices) -> DataBook:
    book = new_workbook()
    sheet = add_sheet(book, MEMBER_SHEET)
    next_row = write_table(sheet, MEMBER_COLUMNS, (_member_row(m) for m in members))
    _add_member_validations(sheet, choices, next_row + _VALIDATION_SPARE_ROWS)

    notes = add_sheet(book, MEMBER_INSTRUCTIONS_SHEET)
    write_lines(notes, _member_instructions(choices))

    cells = add_sheet(book, MEMBER_CELLS_SHEET)
    write_table(
        cells,
        [Column(MEMBER_HEADERS.cell_code, 20), Column("Tên chi bộ", 32), Column("Loại", 20)],
        [list(cell) for cell in choices.cells],
    )
    return book


def member_workbook(members: Iterable, choices: MemberChoices) -> bytes:
    """The member register in the import template's format (so it can be edited and re-imported)."""
    return workbook_bytes(_write_member_workbook(members, choices))


def member_template(choices: MemberChoices) -> bytes:
    """The empty import template: the header row, an instructions sheet and the cell codes."""
    return workbook_bytes(_write_member_workbook([], choices))
