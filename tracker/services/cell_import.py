"""Import the list of cells from Excel: every row or none.

A merged commune brings dozens of cells at once; the admin fills the template (or edits the
exported list) and imports it. Each row goes through the same services as the admin's form
(``create_cell`` / ``update_cell``), so the file obeys exactly the form's rules; the first bad
row does not stop the check: every bad row is reported with its number and reasons, and
nothing is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..domain.vietnamese import ascii_fold, normalise
from ..extensions import db
from ..models import Cell, CellCategory, User
from ..queries import cell_by_code
from ..spreadsheets import RowError, SpreadsheetError, read_table, rejected_rows_message
from ..spreadsheets.cell_list import (
    CELL_FILE,
    CELL_HEADERS,
    NO,
    REQUIRED_HEADERS,
    YES,
    category_names,
)
from . import ServiceError
from .members import ImportRejected
from .organisation import KEEP, create_cell, update_cell


@dataclass
class CellImportResult:
    created: list[Cell] = field(default_factory=list)
    updated: list[Cell] = field(default_factory=list)
    unchanged: int = 0

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + self.unchanged


def _fold(text: str) -> str:
    return ascii_fold(text).casefold()


_CATEGORIES = {_fold(word): category for word, category in category_names().items()}
_YES_NO = {_fold(YES): True, _fold(NO): False}
_FIELD_LABELS = {
    "code": CELL_HEADERS.code,
    "name": CELL_HEADERS.name,
    "category": CELL_HEADERS.category,
    "display_order": CELL_HEADERS.display_order,
    "joined_year": CELL_HEADERS.joined_year,
    "left_year": CELL_HEADERS.left_year,
    "active": CELL_HEADERS.active,
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise(str(value))


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\d{1,9}", value.strip()):
        return int(value)
    return None


@dataclass
class _Row:
    number: int
    code: str
    name: str
    category: CellCategory | None
    display_order: int | None
    joined_year: int | None | object
    left_year: int | None | object
    active: bool | None


def _parse(number: int, values: dict[str, Any]) -> tuple[_Row, list[str]]:
    h = CELL_HEADERS
    problems: list[str] = []

    def number_or_keep(header: str, what: str):
        raw = values.get(header)
        if raw in (None, ""):
            return KEEP
        found = _whole_number(raw)
        if found is None:
            problems.append(f"{header} “{_text(raw)}” không phải là {what}.")
            return KEEP
        return found

    code = _text(values.get(h.code)).lower()
    if not code:
        problems.append(f"Thiếu {h.code.lower()}.")
    name = _text(values.get(h.name))
    if not name:
        problems.append(f"Thiếu {h.name.lower()}.")
    raw_category = _text(values.get(h.category))
    category = _CATEGORIES.get(_fold(raw_category)) if raw_category else None
    if not raw_category:
        problems.append(f"Thiếu {h.category.lower()} chi bộ.")
    elif category is None:
        allowed = ", ".join(c.label for c in CellCategory)
        problems.append(f"{h.category} “{raw_category}” không hợp lệ (chọn {allowed}).")
    display_order = number_or_keep(h.display_order, "số nguyên")
    joined_year = number_or_keep(h.joined_year, "một năm (ví dụ 2026)")
    left_year = number_or_keep(h.left_year, "một năm (ví dụ 2026)")
    raw_active = _text(values.get(h.active))
    active = None
    if raw_active:
        active = _YES_NO.get(_fold(raw_active))
        if active is None:
            problems.append(f"{h.active} “{raw_active}” không hợp lệ (chọn {YES} hoặc {NO}).")
    row = _Row(
        number=number,
        code=code,
        name=name,
        category=category,
        display_order=None if display_order is KEEP else display_order,
        joined_year=joined_year,
        left_year=left_year,
        active=active,
    )
    return row, problems


def _messages(error: ServiceError) -> list[str]:
    """A service's refusal as lines of a row error, each naming its column."""
    if not error.fields:
        return [error.message]
    lines = []
    for key, message in error.fields.items():
        label = _FIELD_LABELS.get(key)
        lines.append(f"{label}: {message}" if label else message)
    return lines


def _apply(row: _Row, cell: Cell | None, next_order: int, actor: User) -> str:
    """Create or update one cell; return "created", "updated" or "unchanged"."""
    if cell is None:
        cell = create_cell(
            code=row.code,
            name=row.name,
            category=row.category,
            display_order=row.display_order if row.display_order is not None else next_order,
            actor=actor,
            joined_year=row.joined_year,
            left_year=None if row.left_year is KEEP else row.left_year,
        )
        if row.active is False:
            update_cell(
                cell,
                name=cell.name,
                category=cell.category,
                display_order=cell.display_order,
                active=False,
                actor=actor,
            )
        return "created"
    before = (
        cell.name,
        cell.category,
        cell.display_order,
        cell.active,
        cell.joined_year,
        cell.left_year,
    )
    update_cell(
        cell,
        name=row.name,
        category=row.category,
        display_order=row.display_order if row.display_order is not None else cell.display_order,
        active=cell.active if row.active is None else row.active,
        actor=actor,
        joined_year=row.joined_year,
        left_year=row.left_year,
    )
    after = (
        cell.name,
        cell.category,
        cell.display_order,
        cell.active,
        cell.joined_year,
        cell.left_year,
    )
    return "unchanged" if after == before else "updated"


@dataclass(frozen=True)
class CellFile:
    """An uploaded cell list, read: (sheet row number, values by template header)."""

    rows: list[tuple[int, dict[str, Any]]]


def read_cell_file(data: bytes) -> CellFile:
    """Read an uploaded cell list: its header row found on any sheet, below title rows.

    Needs no database, so that a view reads the file before taking the write lock. Raises
    ImportRejected (a Vietnamese message) for a file that is not the template.
    """
    try:
        table = read_table(data, spec=CELL_FILE)
    except SpreadsheetError as error:
        raise ImportRejected(error.message) from error
    missing = table.missing(REQUIRED_HEADERS)
    if missing:
        where = "" if table.header_row == 1 else f" (dòng tiêu đề: dòng {table.header_row})"
        raise ImportRejected(
            "Tệp không đúng mẫu: thiếu cột "
            + ", ".join(f"“{m}”" for m in missing)
            + f"{where}. Hãy tải mẫu nhập và giữ nguyên dòng tiêu đề."
        )
    if not table.rows:
        raise ImportRejected("Tệp không có dòng dữ liệu nào.")
    present = [header for header in CELL_FILE.headers if not table.missing([header])]
    return CellFile(table.by_expected(present))


def import_cells(parsed: CellFile, *, actor: User) -> CellImportResult:
    """Import a cell list read by ``read_cell_file``: all rows or none.

    A row whose code exists updates that cell; a new code adds one. Cells not in the file are
    left as they are. Raises ImportRejected listing every bad row; the caller rolls back.
    """
    cells = {cell.code: cell for cell in db.session.scalars(sa.select(Cell))}
    next_order = (db.session.scalar(sa.select(sa.func.max(Cell.display_order))) or 0) + 1
    result = CellImportResult()
    row_errors: list[RowError] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for number, values in parsed.rows:
        row, problems = _parse(number, values)
        if row.code in seen_codes:
            problems.append(f"Mã “{row.code}” đã có ở dòng {seen_codes[row.code]}.")
        elif row.code:
            seen_codes[row.code] = row.number
        name_key = row.name.casefold()
        if name_key in seen_names:
            problems.append(f"Tên “{row.name}” đã có ở dòng {seen_names[name_key]}.")
        elif name_key:
            seen_names[name_key] = row.number
        if problems:
            row_errors.append(RowError(row.number, tuple(problems)))
            continue
        cell = cells.get(row.code)
        try:
            with db.session.begin_nested():
                outcome = _apply(row, cell, next_order, actor)
        except ServiceError as error:
            row_errors.append(RowError(row.number, tuple(_messages(error))))
            continue
        if outcome == "created":
            created = cell_by_code(row.code)
            cells[row.code] = created
            result.created.append(created)
            if row.display_order is None:
                next_order += 1
        elif outcome == "updated":
            result.updated.append(cell)
        else:
            result.unchanged += 1
    if row_errors:
        raise ImportRejected(rejected_rows_message(len(row_errors)), row_errors)
    return result
