"""Typed cells written with XlsxWriter: text is text (never a formula), dates are local,
numbers stay numbers.

User text that a spreadsheet would take for the start of a formula (``=``, ``+``, ``-``,
``@``, tab, carriage return) is written as a text cell with Excel's quote prefix, never as a
formula; control characters that Excel refuses are removed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from flask import current_app, has_app_context

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters an .xlsx cell cannot hold: XML 1.0 forbids them and Excel refuses the file.
_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EXCEL_MAX_CELL_CHARS = 32_767
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"
HEADER_FILL = "#F1EBE7"
HEADER_RULE = "#B9AEA8"


def clean_text(text: str) -> str:
    """Remove the characters Excel refuses and cut text to the length a cell can hold."""
    return _ILLEGAL_CHARACTERS.sub("", text)[:EXCEL_MAX_CELL_CHARS]


_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def ooxml_text(text: str) -> str:
    """Undo the escapes of control characters in a workbook's text ("_x000D_" is a carriage
    return), which Excel and XlsxWriter write and openpyxl reads back as they are."""
    if "_x" not in text:
        return text
    return _OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def looks_like_formula(text: str) -> bool:
    """Tell whether a spreadsheet could read ``text`` as (the start of) a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def _zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def excel_value(value: Any) -> Any:
    """Convert a Python value to what a typed cell stores."""
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


class DataBook:
    """A workbook of data sheets (lists to edit and import again), written to memory."""

    def __init__(self):
        self._buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(
            self._buffer,
            {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self._formats: dict[tuple, Any] = {}

    def format(self, **properties):
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(properties)
        return self._formats[key]

    def close(self) -> bytes:
        self.workbook.close()
        return self._buffer.getvalue()


@dataclass
class DataSheet:
    """A sheet of a DataBook."""

    book: DataBook
    ws: Any

    @property
    def title(self) -> str:
        return self.ws.get_name()


def write_cell(sheet: DataSheet, row: int, column: int, value: Any, *, bold: bool = False, **look):
    """Write one typed value at (row, column), both from 1; user text is never a formula."""
    value = excel_value(value)
    ws, book = sheet.ws, sheet.book
    if bold:
        look["bold"] = True
    row, column = row - 1, column - 1
    if isinstance(value, str):
        if looks_like_formula(value):
            look["quote_prefix"] = True
        ws.write_string(row, column, value, book.format(**look) if look else None)
    elif value is None:
        if look:
            ws.write_blank(row, column, None, book.format(**look))
    elif isinstance(value, bool):
        ws.write_boolean(row, column, value, book.format(**look) if look else None)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(row, column, value, book.format(**look) if look else None)
    else:
        is_time = isinstance(value, dt.datetime)
        look["num_format"] = DATETIME_FORMAT if is_time else DATE_FORMAT
        ws.write_datetime(row, column, value, book.format(**look))


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: its header, width (in characters) and number format."""

    header: str
    width: float = 14
    number_format: str | None = None
    wrap: bool = False


def write_table(
    sheet: DataSheet,
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
    head = {"bold": True, "bg_color": HEADER_FILL, "pattern": 1, "bottom": 1}
    head |= {"bottom_color": HEADER_RULE, "valign": "vcenter", "text_wrap": True}
    for index, column in enumerate(columns, start=1):
        write_cell(sheet, start_row, index, column.header, **head)
        sheet.ws.set_column(index - 1, index - 1, column.width)
    row_number = start_row
    for row_number, values in enumerate(rows, start=start_row + 1):
        if len(values) != len(columns):
            raise ValueError(
                f"row {row_number} has {len(values)} values for {len(columns)} columns"
            )
        for index, (column, value) in enumerate(zip(columns, values), start=1):
            look = {}
            if column.number_format and not isinstance(value, str):
                look["num_format"] = column.number_format
            if column.wrap:
                look |= {"text_wrap": True, "valign": "top"}
            write_cell(sheet, row_number, index, value, **look)
    last_row = max(row_number, start_row)
    if freeze:
        sheet.ws.freeze_panes(start_row, 0)
    if autofilter and columns:
        sheet.ws.autofilter(start_row - 1, 0, last_row - 1, len(columns) - 1)
    return last_row + 1


def write_lines(
    sheet: DataSheet,
    lines: Iterable[str | Sequence[Any]],
    *,
    start_row: int = 1,
    width: float = 100,
) -> int:
    """Write notes one per row (a tuple writes several columns); a line ending in ':' is bold."""
    sheet.ws.set_column(0, 0, width)
    row = start_row
    for row, line in enumerate(lines, start=start_row):
        values = (line,) if isinstance(line, str) else tuple(line)
        for column, value in enumerate(values, start=1):
            if column == 1 and isinstance(value, str) and value.endswith(":"):
                write_cell(sheet, row, column, value, bold=True)
            elif column == 1 and isinstance(value, str):
                write_cell(sheet, row, column, value, text_wrap=True, valign="top")
            else:
                write_cell(sheet, row, column, value)
    return row + 1


def new_workbook() -> DataBook:
    """Return an empty workbook (no sheet)."""
    return DataBook()


def add_sheet(book: DataBook, title: str) -> DataSheet:
    """Add a sheet; titles are cut to Excel's 31 characters and stripped of []:*?/\\."""
    safe = re.sub(r"[\[\]:*?/\\]", " ", clean_text(title)).strip()[:31] or "Sheet"
    return DataSheet(book, book.workbook.add_worksheet(safe))


def workbook_bytes(book) -> bytes:
    """The bytes of a workbook: ours (closed now) or an openpyxl one (tests build uploads)."""
    if isinstance(book, DataBook):
        return book.close()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
