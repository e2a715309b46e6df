"""The list of cells as a workbook: its export, its import template and its headers.

The export and the template share one layout, so a list exported from the app can be edited
and imported back (``services.cell_import``), whose reading spec is ``CELL_FILE``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..models import Cell, CellCategory
from .cells import Column, add_sheet, new_workbook, workbook_bytes, write_lines, write_table
from .reader import TableSpec

CELL_SHEET = "Chi bộ"
CELL_INSTRUCTIONS_SHEET = "Hướng dẫn"
YES, NO = "Có", "Không"


@dataclass(frozen=True)
class CellColumns:
    """The headers of the cell list (export, template and import agree on them)."""

    code: str = "Mã chi bộ"
    name: str = "Tên chi bộ"
    category: str = "Loại"
    display_order: str = "Thứ tự"
    joined_year: str = "Năm bắt đầu tham gia"
    left_year: str = "Năm rời thi đua"
    active: str = "Đang hoạt động"


CELL_HEADERS = CellColumns()
CELL_COLUMNS = [
    Column(CELL_HEADERS.code, 16),
    Column(CELL_HEADERS.name, 34),
    Column(CELL_HEADERS.category, 20),
    Column(CELL_HEADERS.display_order, 9),
    Column(CELL_HEADERS.joined_year, 14),
    Column(CELL_HEADERS.left_year, 14),
    Column(CELL_HEADERS.active, 14),
]
# The columns a file must have; the others may be left out (they keep their values).
REQUIRED_HEADERS = (CELL_HEADERS.code, CELL_HEADERS.name, CELL_HEADERS.category)
MAX_CELL_ROWS = 2_000
# How an upload is read: the header row found on any sheet (below title rows too).
CELL_FILE = TableSpec(
    headers=tuple(column.header for column in CELL_COLUMNS),
    sheet_title=CELL_SHEET,
    max_rows=MAX_CELL_ROWS,
)


def _cell_row(cell: Cell) -> list:
    return [
        cell.code,
        cell.name,
        cell.category.label,
        cell.display_order,
        cell.joined_year,
        cell.left_year,
        YES if cell.active else NO,
    ]


def _instructions(this_year: int) -> list[str]:
    h = CELL_HEADERS
    categories = ", ".join(c.label for c in CellCategory)
    return [
        "Danh sách chi bộ — hướng dẫn nhập:",
        f"Mỗi dòng của trang “{CELL_SHEET}” là một chi bộ; giữ nguyên dòng tiêu đề.",
        (
            f"Cột “{h.code}” (bắt buộc): 2–40 ký tự, chữ thường không dấu, số hoặc gạch ngang, "
            "ví dụ ap-an-thanh. Mã đã có là sửa chi bộ đó; mã mới là thêm chi bộ. Mã không đổi "
            "được (phần mềm và các báo cáo dùng mã này)."
        ),
        f"Cột “{h.name}” (bắt buộc): tên đầy đủ, ví dụ Chi bộ ấp An Thạnh; không trùng chi bộ khác.",
        f"Cột “{h.category}” (bắt buộc): {categories}.",
        (
            f"Cột “{h.display_order}”: số thứ tự trong các danh sách; để trống là giữ nguyên "
            "(chi bộ mới xếp sau các chi bộ đã có, theo thứ tự dòng)."
        ),
        (
            f"Cột “{h.joined_year}”: năm thi đua đầu tiên chi bộ tham gia; để trống là giữ "
            f"nguyên (chi bộ mới: năm {this_year})."
        ),
        (
            f"Cột “{h.left_year}”: năm đầu tiên chi bộ không còn tham gia (giải thể, sáp nhập); "
            "chi bộ vẫn giữ kết quả các năm trước đó. Để trống là giữ nguyên."
        ),
        (
            f"Cột “{h.active}”: {YES} hoặc {NO}; để trống là giữ nguyên ({YES} với chi bộ mới). "
            "Chi bộ còn đảng viên hoặc tài khoản bí thư thì chưa ngừng hoạt động được."
        ),
        "Chi bộ có trong phần mềm mà không có trong tệp thì giữ nguyên.",
        (
            "Nếu có bất kỳ dòng nào sai, phần mềm không nhập dòng nào và liệt kê từng dòng sai "
            "kèm lý do để sửa rồi nhập lại."
        ),
    ]


def cell_workbook(cells: Iterable[Cell], *, this_year: int) -> bytes:
    """The cell list in the import template's format (an empty list: the template)."""
    book = new_workbook()
    sheet = add_sheet(book, CELL_SHEET)
    write_table(sheet, CELL_COLUMNS, (_cell_row(cell) for cell in cells))
    notes = add_sheet(book, CELL_INSTRUCTIONS_SHEET)
    write_lines(notes, _instructions(this_year))
    return workbook_bytes(book)


def category_names() -> dict[str, CellCategory]:
    """The words a file may use for a category: its label, the short form and the code."""
    names: dict[str, CellCategory] = {}
    for category in CellCategory:
        short = category.label.removeprefix("Chi bộ ").strip()
        for word in (category.label, short, category.value):
            names[word] = category
    return names


def category_choices() -> Sequence[str]:
    return [c.label for c in CellCategory]
