"""Typed cells: text is text (never a formula), dates are local, numbers stay numbers."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters an .xlsx cell cannot hold: XML 1.0 forbids them and Excel refuses the file.
_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EXCEL_MAX_CELL_CHARS = 32_767
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F1EBE7")
THIN = Side(style="thin", color="B9AEA8")
HEADER_BORDER = Border(bottom=THIN)

# --------------------------------------------------------------------------------------------
# Writing cells


def clean_text(text: str) -> str:
    """Remove the characters Excel refuses and cut text to the length a cell can hold."""
    return _ILLEGAL_CHARACTERS.sub("", text)[:EXCEL_MAX_CELL_CHARS]


def looks_like_formula(text: str) -> bool:
    """Tell whether a spreadsheet could read ``text`` as (the start of) a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def neutralise_formula(cell: Cell) -> Cell:
    """Make a cell whose text could start a formula hold that text as plain text.

    The text is kept exactly (an export read back equals what was written); the cell is typed
    as a string and carries Excel's quote prefix, so neither openpyxl, Excel nor LibreOffice
    evaluates it, even when someone edits the cell later. Numbers are never touched: -5 stays
    the number -5.
    """
    if isinstance(cell.value, str) and looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def excel_value(value: Any) -> Any:
    """Convert a Python value to what a typed cell stores (before neutralisation)."""
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dt.datetime):
        # Spreadsheets know no time zones: show the committee's local time.
        if value.tzinfo is not None:
            value = value.astimezone(_zone()).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"no spreadsheet cell type for {type(value).__name__}")


def write_cell(sheet: Worksheet, row: int, column: int, value: Any, *, bold: bool = False) -> Cell:
    """Write one typed value to a cell; user text is never written as a formula."""
    cell = sheet.cell(row=row, column=column)
    value = excel_value(value)
    cell.value = value
    neutralise_formula(cell)
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    if bold:
        cell.font = HEADER_FONT
    return cell


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: its header, width (in characters) and number format."""

    header: str
    width: float = 14
    number_format: str | None = None
    wrap: bool = False


def write_table(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    start_row: int = 1,
    freeze: bool = True,
    autofilter: bool = True,
) -> int:
    """Write a header row and the data rows from ``start_row``; return the next free row.

    Rows may be any iterable (a generator keeps memory flat for long tables).
    """
    for index, column in enumerate(columns, start=1):
        cell = write_cell(sheet, start_row, index, column.header, bold=True)
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    row_number = start_row
    for row_number, values in enumerate(rows, start=start_row + 1):
        if len(values) != len(columns):
            raise ValueError(
                f"row {row_number} has {len(values)} values for {len(columns)} columns"
            )
        for index, (column, value) in enumerate(zip(columns, values), start=1):
            cell = write_cell(sheet, row_number, index, value)
            if column.number_format and not isinstance(value, str):
                cell.number_format = column.number_format
            if column.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last_row = max(row_number, start_row)
    if freeze:
        sheet.freeze_panes = sheet.cell(row=start_row + 1, column=1)
    if autofilter and columns:
        sheet.auto_filter.ref = f"A{start_row}:{get_column_letter(len(columns))}{last_row}"
    return last_row + 1


def write_lines(
    sheet: Worksheet,
    lines: Iterable[str | Sequence[Any]],
    *,
    start_row: int = 1,
    width: float = 100,
) -> int:
    """Write notes one per row (a tuple writes several columns); a line ending in ':' is bold."""
    sheet.column_dimensions["A"].width = width
    row = start_row
    for row, line in enumerate(lines, start=start_row):
        values = (line,) if isinstance(line, str) else tuple(line)
        for column, value in enumerate(values, start=1):
            cell = write_cell(sheet, row, column, value)
            if column == 1 and isinstance(value, str) and value.endswith(":"):
                cell.font = HEADER_FONT
            elif column == 1 and isinstance(value, str):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return row + 1


def new_workbook() -> Workbook:
    """Return an empty workbook (no default sheet)."""
    book = Workbook()
    book.remove(book.active)
    return book


def add_sheet(book: Workbook, title: str) -> Worksheet:
    """Add a sheet; titles are cut to Excel's 31 characters and stripped of []:*?/\\."""
    safe = re.sub(r"[\[\]:*?/\\]", " ", clean_text(title)).strip()[:31] or "Sheet"
    return book.create_sheet(safe)


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
