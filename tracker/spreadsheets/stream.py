"""Streaming sheets of styled cells (the award workbook and the monthly matrix)."""

from __future__ import annotations

import datetime as dt
import io
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from .cells import FORMULA_TRIGGERS, _zone, clean_text

if TYPE_CHECKING:
    from .layout import HeaderBlocks
from .metrics import EXCEL_DEFAULT_ROW_HEIGHT, PARTY_FONT, line_height
from .pagination import page_break_before

# --------------------------------------------------------------------------------------------
# Streaming sheets of styled cells (the award workbook and the monthly matrix)
#
# These workbooks are written in openpyxl's write-only mode, row by row, so that memory stays
# flat at any number of cells. Every style the sheets use is made once per workbook (a
# ``StyleKit``); a cell then only points at its style.


@dataclass(frozen=True)
class Look:
    """How a cell looks: font, alignment, border, number format (one style of a StyleKit)."""

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


_BLACK_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_BLACK_THIN, right=_BLACK_THIN, top=_BLACK_THIN, bottom=_BLACK_THIN)
_RULE = Border(bottom=Side(style="thin", color="000000"))


class StyleKit:
    """The styles of one write-only workbook, each built once, and the cells that use them.

    A text cell that a spreadsheet could read as a formula (or an error code) is typed as
    text and gets the same look with Excel's quote prefix, so that editing it later does
    not turn it into a formula either.
    """

    def __init__(self, sheet, shared: StyleKit | None = None):
        self._sheet = sheet
        # Sheets of one workbook share its styles: each is made once per workbook.
        self._styles: dict[tuple[Look, bool], Any] = shared._styles if shared else {}

    def style(self, look: Look, *, quoted: bool = False):
        key = (look, quoted)
        found = self._styles.get(key)
        if found is None:
            cell = WriteOnlyCell(self._sheet)
            cell.font = Font(
                name=look.font,
                size=look.size,
                bold=look.bold,
                italic=look.italic,
                underline="single" if look.underline else None,
            )
            cell.alignment = Alignment(
                horizontal=look.horizontal, vertical=look.vertical, wrap_text=look.wrap
            )
            if look.box:
                cell.border = _BOX
            elif look.rule:
                cell.border = _RULE
            if look.number_format:
                cell.number_format = look.number_format
            if look.fill:
                cell.fill = PatternFill("solid", fgColor=look.fill)
            if quoted:
                cell.quotePrefix = True
            found = self._styles[key] = cell._style
        return found

    def painter(self, look: Look):
        """A function that makes a cell of any value with this look (see ``cell``)."""
        plain = self.style(look)
        quoted = self.style(look, quoted=True)
        sheet = self._sheet

        def paint(value: Any = None) -> WriteOnlyCell:
            if isinstance(value, str):
                value = clean_text(value)
                cell = WriteOnlyCell(sheet, value)
                if value.startswith(FORMULA_TRIGGERS):
                    cell._style = quoted
                else:
                    cell._style = plain
                cell.data_type = "s"  # never a formula nor an error code
                return cell
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.astimezone(_zone()).replace(tzinfo=None)
            cell = WriteOnlyCell(sheet, value)
            cell._style = plain
            return cell

        return paint

    def cell(self, value: Any, look: Look) -> WriteOnlyCell:
        return self.painter(look)(value)

    def slot(self, look: Look) -> Slot:
        """A reusable cell with this look, for one column of a streamed table."""
        return Slot(self, look)


class Slot:
    """One column of a streamed table: a reused cell and its two styles (plain, quoted)."""

    __slots__ = ("cell", "plain", "quoted")

    def __init__(self, kit: StyleKit, look: Look):
        self.cell = SlotCell(kit._sheet)
        styles = []
        for quoted in (False, True):
            template = WriteOnlyCell(kit._sheet)
            template._style = kit.style(look, quoted=quoted)
            styles.append((template._style, template.style_id))
        self.plain, self.quoted = styles
        self.cell._style, self.cell._style_index = self.plain

    def fill(self, value: Any) -> SlotCell:
        """Put the next row's value in the cell: text is text, never a formula."""
        cell = self.cell
        if value.__class__ is str:
            value = clean_text(value)
            cell._value = value  # already checked: no illegal character, not too long
            cell.data_type = "s"  # never a formula nor an error code
            cell._style, cell._style_index = (
                self.quoted if value.startswith(FORMULA_TRIGGERS) else self.plain
            )
            return cell
        if cell._style_index != self.plain[1]:
            cell._style, cell._style_index = self.plain
        if value is None or value.__class__ is int or value.__class__ is float:
            # What openpyxl's value setter would store, without its type checks (a ranking
            # sheet of 10,000 cells holds some 120,000 numbers).
            cell._value = value
            cell.data_type = "n"
            return cell
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(_zone()).replace(tzinfo=None)
        cell.value = value
        return cell


class SlotCell(Cell):
    """A cell reused for one column of every row of a streamed table.

    A write-only sheet writes each row out as soon as it is appended, so a table needs only
    one cell per column, refilled for each row. Its style is fixed when the slot is made:
    the style's index in the workbook is looked up then, not again for every row.
    """

    __slots__ = ("_style_index",)
    has_style = True

    @property
    def style_id(self) -> int:
        return self._style_index


def _take_ready_cells(sheet) -> None:
    """Let ``sheet.append`` take our rows of ready cells as they are.

    openpyxl's write-only ``append`` first tries to assign every item as a value and, for a
    cell, catches the ValueError that raises; that exception per styled cell doubled the time
    of a 10,000-row sheet (4.4 s against 2.3 s for plain values). Our rows are always lists of
    cells we made (None for an empty column), so the sheet numbers them and passes them on.
    """

    def cells_to_row(cells, row_index):
        for column, cell in enumerate(cells, 1):
            if cell is not None:
                cell.row = row_index
                cell.column = column
                yield cell

    if hasattr(sheet, "_values_to_row"):  # openpyxl's write-only sheet (pinned version)
        sheet._values_to_row = cells_to_row


class StreamSheet:
    """A write-only sheet filled row by row, with merged ranges and row heights.

    It keeps the height of every row written (a number per row), so that it can tell where
    a printer will break the pages (``keep_together``).
    """

    def __init__(self, book: Workbook, kit: StyleKit | None, title: str, widths: Sequence[float]):
        self.sheet = book.create_sheet(_sheet_title(title))
        self.kit = StyleKit(self.sheet, shared=kit)
        self.widths = list(widths)
        for index, width in enumerate(self.widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        _take_ready_cells(self.sheet)
        self.row = 0
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

    def add(
        self,
        cells: dict[int, WriteOnlyCell] | None = None,
        *,
        merges: Iterable[tuple[int, int]] = (),
        height: float | None = None,
    ) -> int:
        """Append a row: ``cells`` by column number; ``merges`` as (first, last) columns."""
        self.row += 1
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.heights.append(self.default_height if height is None else height)
        for first, last in merges:
            if last > first:
                self.sheet.merged_cells.add(
                    f"{get_column_letter(first)}{self.row}:{get_column_letter(last)}{self.row}"
                )
        row: list[WriteOnlyCell | None] = [None] * self.columns
        for column, cell in (cells or {}).items():
            row[column - 1] = cell
        self.sheet.append(row)
        return self.row

    def append_cells(self, cells: list, lines: int = 1) -> None:
        """Append a table row of cells; a row of several lines of text gets its height."""
        self.row += 1
        if lines > 1:
            height = line_height(12, lines)
            self.heights.append(height)
            # openpyxl's streaming writer takes a row's attributes from row_dimensions.get(row)
            # (pinned version): the attributes a RowDimension with this height gives, as a
            # plain dict, spare building one per row (at 10,000 rows, a tenth of the sheet's
            # time). The row is written out at once; then its entry goes, so memory stays flat.
            dimensions = self.sheet.row_dimensions
            dict.__setitem__(dimensions, self.row, {"ht": str(height), "customHeight": "1"})
            self.sheet.append(cells)
            dict.__delitem__(dimensions, self.row)
        else:
            self.heights.append(self.default_height)
            self.sheet.append(cells)

    def default_row_height(self, points: float) -> None:
        """The height of rows without one of their own (one line of table text)."""
        self.default_height = points
        self.sheet.sheet_format.defaultRowHeight = points
        self.sheet.sheet_format.customHeight = True

    def repeat_row(self, row: int) -> None:
        """Print ``row`` (a table's header row) at the top of every page."""
        self.title_row = row
        self.sheet.print_title_rows = f"{row}:{row}"

    def keep_together(self, first_row: int) -> int | None:
        """Keep the rows from ``first_row`` to the last one written on one page: break the
        page before them (or a row or two earlier) unless they fall on one page anyway.

        Call it after the last row: the break is written with the sheet's end (openpyxl's
        write-only sheets write their page breaks when they are closed). Return the row that
        starts a page, if any.
        """
        if self.page_height is None:
            return None
        row = page_break_before(self.heights, first_row, self.page_height, self.title_row)
        if row is not None:
            # A break's id is the row above it: the page breaks between rows id and id + 1.
            self.sheet.row_breaks.append(Break(id=row - 1))
        return row


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", clean_text(title)).strip()[:31] or "Sheet"


def save_stream(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
