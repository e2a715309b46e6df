"""Documents streamed row by row with XlsxWriter (the award workbook and the monthly matrix).

A ``DocBook`` is an XlsxWriter workbook in constant-memory mode (each row is written out when
the next one starts, so memory stays flat at any number of rows) whose default font is Times
New Roman, the documents' own font, so that column widths are measured in its digits. Every
look a sheet uses becomes one XlsxWriter format, made once per workbook. Only public calls of
XlsxWriter are used: formats (with Excel's quote prefix for text that could start a formula),
merged ranges, row heights, page breaks and the page setup.

A ``StreamSheet`` remembers the height of every row it wrote (a number per row), so that it
can tell where a printer will break the pages (``keep_together``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import xlsxwriter

from .cells import FORMULA_TRIGGERS, _zone, clean_text
from .metrics import EXCEL_DEFAULT_ROW_HEIGHT, PARTY_FONT, line_height, points_of_pixels, row_pixels
from .pagination import page_break_before

if TYPE_CHECKING:
    from .layout import HeaderBlocks

# A column unit is the width of the default font's digit: 7 pixels for Times New Roman 11,
# as for Calibri 11. Widths are given in units and written exactly (``set_column_pixels``).
_PIXELS_PER_UNIT = 7


@dataclass(frozen=True)
class Look:
    """How a cell looks: font, alignment, border, number format (one format of a DocBook)."""

    size: float = 12
    bold: bool = False
    italic: bool = False
    underline: bool = False
    horizontal: str = "left"
    vertical: str = "center"
    wrap: bool = False
    box: bool = False  # thin border on every side (table cells)
    rule: bool = False  # a bottom border only (the rule under "ĐẢNG CỘNG SẢN VIỆT NAM")
    number_format: str | None = None
    fill: str | None = None  # background colour, "RRGGBB"
    font: str = PARTY_FONT


EMPTY_LOOK = Look()


class DocBook:
    """A workbook of Party documents written to memory; ``close`` gives its bytes."""

    def __init__(self, *, author: str = "", title: str = ""):
        self._buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(
            self._buffer,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_format_properties": {"font_name": PARTY_FONT, "font_size": 11},
            },
        )
        self.workbook.set_properties(
            {"author": author or "", "title": title or "", "company": author or ""}
        )
        self._formats: dict[tuple[Look, bool], Any] = {}

    def format(self, look: Look, *, quoted: bool = False):
        """The format of a look (made once); ``quoted`` adds Excel's quote prefix."""
        key = (look, quoted)
        found = self._formats.get(key)
        if found is None:
            properties: dict[str, Any] = {
                "font_name": look.font,
                "font_size": look.size,
                "bold": look.bold,
                "italic": look.italic,
                "align": look.horizontal,
                "valign": "vcenter" if look.vertical == "center" else look.vertical,
                "text_wrap": look.wrap,
            }
            if look.underline:
                properties["underline"] = 1
            if look.box:
                properties["border"] = 1
                properties["border_color"] = "#000000"
            elif look.rule:
                properties["bottom"] = 1
                properties["bottom_color"] = "#000000"
            if look.number_format:
                properties["num_format"] = look.number_format
            if look.fill:
                properties["bg_color"] = "#" + look.fill
                properties["pattern"] = 1
            if quoted:
                properties["quote_prefix"] = True
            found = self._formats[key] = self.workbook.add_format(properties)
        return found

    def close(self) -> bytes:
        self.workbook.close()
        return self._buffer.getvalue()


def write_value(ws, row: int, column: int, value: Any, plain, quoted) -> None:
    """Write one value at (row, column), both zero-based: text is always text (with the quote
    prefix when a spreadsheet could take it for a formula), numbers numbers, times local."""
    kind = value.__class__
    if kind is str and value:
        value = clean_text(value)
        ws.write_string(row, column, value, quoted if value.startswith(FORMULA_TRIGGERS) else plain)
    elif value is None or kind is str:  # an empty text is an empty cell
        ws.write_blank(row, column, None, plain)
    elif kind is int or kind is float or kind is Decimal:
        ws.write_number(row, column, value, plain)
    elif kind is bool:
        ws.write_boolean(row, column, value, plain)
    elif isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_zone()).replace(tzinfo=None)
        ws.write_datetime(row, column, value, plain)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, column, value, plain)
    elif isinstance(value, (int, float)):
        ws.write_number(row, column, value, plain)
    else:
        raise TypeError(f"no spreadsheet cell type for {kind.__name__}")


class StreamSheet:
    """A sheet of a DocBook filled row by row, with merged ranges and row heights."""

    def __init__(self, book: DocBook, title: str, widths: Sequence[float]):
        self.book = book
        self.ws = book.workbook.add_worksheet(sheet_title(title))
        self.widths = list(widths)
        for index, width in enumerate(self.widths):
            self.ws.set_column_pixels(index, index, width * _PIXELS_PER_UNIT)
        self.row = 0  # rows written (the last row's number, from 1)
        self.heights = array("d")  # every row's height, from row 1
        self.default_height = EXCEL_DEFAULT_ROW_HEIGHT
        self.title_row: int | None = None  # repeated at the top of every page
        self.page_height: float | None = None  # a page's height in the sheet's points
        self.blocks: HeaderBlocks | None = None  # set by write_document_top

    @property
    def columns(self) -> int:
        return len(self.widths)

    def width_of(self, first: int, last: int) -> float:
        return sum(self.widths[first - 1 : last])

    def _height(self, height: float | None) -> float:
        """Give the next row its height, in whole pixels as Excel keeps them (never less)."""
        if height is None:
            self.heights.append(self.default_height)
            return self.default_height
        pixels = row_pixels(height)
        self.ws.set_row_pixels(self.row - 1, pixels)
        points = points_of_pixels(pixels)
        self.heights.append(points)
        return points

    def add(
        self,
        cells: dict[int, tuple[Any, Look]] | None = None,
        *,
        merges: Iterable[tuple[int, int]] = (),
        height: float | None = None,
    ) -> int:
        """Append a row: ``cells`` as (value, look) by column number; ``merges`` as (first,
        last) columns, each holding the value of its first column."""
        self.row += 1
        self._height(height)
        row = self.row - 1
        cells = dict(cells or {})
        if not cells and height is not None:
            # A row without cells is not written in constant-memory mode, nor its height: an
            # empty cell keeps it.
            cells[1] = (None, EMPTY_LOOK)
        for first, last in merges:
            if last > first:
                value, look = cells.pop(first, (None, None))
                if look is None:
                    continue
                plain, quoted = self.book.format(look), self.book.format(look, quoted=True)
                if isinstance(value, str):
                    value = clean_text(value)
                    if value.startswith(FORMULA_TRIGGERS):
                        plain = quoted
                # The range's first cell is written below: merge_range writes it as a formula
                # when the text starts with "=", so it gets an empty string, then the value.
                self.ws.merge_range(row, first - 1, row, last - 1, "", plain)
                write_value(self.ws, row, first - 1, value, plain, plain)
                for column in range(first + 1, last + 1):
                    cells.pop(column, None)
        for column, (value, look) in cells.items():
            book = self.book
            write_value(
                self.ws, row, column - 1, value, book.format(look), book.format(look, quoted=True)
            )
        return self.row

    def row_writer(self, looks: Sequence[Look]):
        """A function that appends a table row of values (one per look) and gives it the
        height of ``lines`` lines of 12 pt text; ``row_formats`` replaces the looks' formats
        (pairs of plain and quoted formats) for one row."""
        formats = [(self.book.format(look), self.book.format(look, quoted=True)) for look in looks]
        ws = self.ws
        write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
        heights = {}

        def write(values: Sequence[Any], lines: int = 1, row_formats=None) -> None:
            self.row += 1
            row = self.row - 1
            if lines > 1:
                points = heights.get(lines)
                if points is None:
                    points = heights[lines] = points_of_pixels(row_pixels(line_height(12, lines)))
                ws.set_row_pixels(row, round(points * 4 / 3))
                self.heights.append(points)
            else:
                self.heights.append(self.default_height)
            column = 0
            for value, (plain, quoted) in zip(values, row_formats or formats):
                kind = value.__class__
                if kind is str and value:
                    value = clean_text(value)
                    write_string(
                        row, column, value, quoted if value.startswith(FORMULA_TRIGGERS) else plain
                    )
                elif kind is int or kind is float:
                    write_number(row, column, value, plain)
                elif value is None or kind is str:  # an empty text is an empty cell
                    write_blank(row, column, None, plain)
                elif kind is Decimal:
                    write_number(row, column, float(value), plain)
                else:
                    write_value(ws, row, column, value, plain, quoted)
                column += 1  # noqa: SIM113 (enumerate costs a tuple per cell)

        return write

    def default_row_height(self, points: float) -> None:
        """The height of rows without one of their own (one line of table text)."""
        self.ws.set_default_row(points)
        self.default_height = points_of_pixels(row_pixels(points))

    def repeat_row(self, row: int) -> None:
        """Print ``row`` (a table's header row) at the top of every page."""
        self.title_row = row
        self.ws.repeat_rows(row - 1)

    def keep_together(self, first_row: int) -> int | None:
        """Keep the rows from ``first_row`` to the last one written on one page: break the
        page before them (or a row or two earlier) unless they fall on one page anyway.

        Call it after the last row. Return the row that starts a page, if any.
        """
        if self.page_height is None:
            return None
        row = page_break_before(self.heights, first_row, self.page_height, self.title_row)
        if row is not None:
            # XlsxWriter's break n falls between rows n and n + 1 (counted from 1).
            self.ws.set_h_pagebreaks([row - 1])
        return row


def sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", clean_text(title)).strip()[:31] or "Sheet"
