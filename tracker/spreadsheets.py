"""The app's one spreadsheet helper: every workbook it writes or reads goes through here.

Writing: values become typed cells (numbers stay numbers, dates are dates in local time, text
is text). User text that a spreadsheet would take for the start of a formula (``=``, ``+``,
``-``, ``@``, tab, carriage return) is written as a plain text cell with Excel's quote prefix,
never as a formula; control characters that Excel refuses are removed. File names go out with a
Vietnamese ``filename*`` and a readable ASCII fallback (đ -> d).

Reading: ``read_table`` opens an uploaded .xlsx read-only and returns its rows with their
sheet row numbers, for imports that report errors by row.

The workbooks themselves (the member register and its import template, the year-end award
workbook in the Party document layout, the monthly matrix of the rankings) are defined in
this module, so that their columns live in one place. The large ones are streamed
(openpyxl write-only mode) with styles made once per workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import warnings
import zipfile
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response, current_app, has_app_context
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from .domain.vietnamese import ascii_fold, normalise

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

# Limits of what an upload may contain (a register has hundreds of rows, not millions).
MAX_READ_ROWS = 5_000
MAX_READ_COLUMNS = 60
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024


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


# --------------------------------------------------------------------------------------------
# Sending files


def ascii_filename(filename: str) -> str:
    """Return an ASCII file name for old clients: accents folded (Đảng -> Dang), unsafe out."""
    folded = ascii_fold(filename)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    folded = re.sub(r'[\x00-\x1f\x7f"\\/:*?<>|;]+', "_", folded)
    folded = " ".join(folded.split())
    return folded or "tep"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """Build a Content-Disposition header with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    filename = normalise(filename)
    kind = "inline" if inline else "attachment"
    fallback = ascii_filename(filename)
    header = f'{kind}; filename="{fallback}"'
    if fallback != filename:
        header += "; filename*=UTF-8''" + quote(filename, safe="")
    return header


def send_workbook(data: bytes | Workbook, filename: str) -> Response:
    """Answer a download of a workbook under a Vietnamese file name."""
    if isinstance(data, Workbook):
        data = workbook_bytes(data)
    response = Response(data, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------------------------
# Reading uploads


class SpreadsheetError(Exception):
    """An upload that cannot be read as a table; the message is for people (Vietnamese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    """A data row: its row number in the sheet and its values by header."""

    number: int
    values: dict[str, Any]


@dataclass
class Table:
    """What ``read_table`` found: the sheet's title, its headers and its non-empty rows."""

    sheet_title: str
    headers: list[str]
    rows: list[SheetRow] = field(default_factory=list)


def header_key(text: Any) -> str:
    """Compare headers without case, accents or extra spaces ("Mã chi bộ" == "MA CHI BO")."""
    return ascii_fold(str(text or "")).casefold()


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise SpreadsheetError("Tệp không phải là tệp Excel (.xlsx) hợp lệ.") from error
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError("Tệp Excel quá lớn sau khi giải nén.")


def _cell_text(value: Any) -> Any:
    if isinstance(value, str):
        value = normalise(value)
        return value or None
    return value


def read_table(
    data: bytes,
    *,
    sheet_title: str | None = None,
    max_rows: int = MAX_READ_ROWS,
) -> Table:
    """Read the first table of an uploaded .xlsx: row 1 is the header, then the data rows.

    Takes the sheet named ``sheet_title`` when the workbook has it, else the first sheet.
    Text is NFC-normalised and trimmed; empty rows are skipped (their numbers are kept for
    the others). Formulas give their cached values. Raises SpreadsheetError for a file that
    is not a readable workbook, has no header or too many rows.
    """
    _check_archive(data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel extensions it drops (data validation, styles): harmless.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        InvalidFileException,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        zipfile.BadZipFile,
    ) as error:
        raise SpreadsheetError("Không đọc được tệp Excel (.xlsx).") from error
    try:
        if sheet_title and sheet_title in book.sheetnames:
            sheet = book[sheet_title]
        else:
            sheet = book[book.sheetnames[0]]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_READ_COLUMNS)
        header_values = next(rows, None)
        headers = [_cell_text(value) for value in (header_values or ())]
        while headers and headers[-1] is None:
            headers.pop()
        if not any(headers):
            raise SpreadsheetError("Dòng 1 của tệp phải là dòng tiêu đề các cột.")
        table = Table(
            sheet_title=sheet.title, headers=[h if h is None else str(h) for h in headers]
        )
        for number, values in enumerate(rows, start=2):
            values = [_cell_text(value) for value in values]
            if not any(value is not None for value in values):
                continue
            if len(table.rows) >= max_rows:
                raise SpreadsheetError(
                    f"Tệp có quá nhiều dòng (tối đa {max_rows:,} dòng).".replace(",", ".")
                )
            table.rows.append(
                SheetRow(
                    number=number,
                    values={
                        header: value
                        for header, value in zip(table.headers, values)
                        if header is not None
                    },
                )
            )
        return table
    except SpreadsheetError:
        raise
    except Exception as error:  # a damaged sheet inside a valid archive
        raise SpreadsheetError("Không đọc được tệp Excel (.xlsx).") from error
    finally:
        book.close()


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


def _add_member_validations(sheet: Worksheet, choices: MemberChoices, last_row: int) -> None:
    """Drop-down lists on the coded columns (the import checks the values anyway)."""

    def letter(header: str) -> str:
        index = [column.header for column in MEMBER_COLUMNS].index(header) + 1
        return get_column_letter(index)

    def add(header: str, formula: str) -> None:
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không hợp lệ",
            error="Chọn một giá trị trong danh sách (xem trang Hướng dẫn).",
        )
        validation.add(f"{letter(header)}2:{letter(header)}{last_row}")
        sheet.add_data_validation(validation)

    def inline(values: Sequence[str]) -> str:
        return '"' + ",".join(values) + '"'

    add(MEMBER_HEADERS.gender, inline(choices.genders))
    add(MEMBER_HEADERS.status, inline(choices.statuses))
    add(MEMBER_HEADERS.exempted, inline((YES, NO)))
    add(MEMBER_HEADERS.cell_role, inline(choices.cell_roles))
    add(MEMBER_HEADERS.active, inline((YES, NO)))
    if choices.cells:
        add(
            MEMBER_HEADERS.cell_code,
            f"'{MEMBER_CELLS_SHEET}'!$A$2:$A${len(choices.cells) + 1}",
        )


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


def _write_member_workbook(members: Iterable, choices: MemberChoices) -> Workbook:
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
    book.active = 0
    return book


def member_workbook(members: Iterable, choices: MemberChoices) -> bytes:
    """The member register in the import template's format (so it can be edited and re-imported)."""
    return workbook_bytes(_write_member_workbook(members, choices))


def member_template(choices: MemberChoices) -> bytes:
    """The empty import template: the header row, an instructions sheet and the cell codes."""
    return workbook_bytes(_write_member_workbook([], choices))


# --------------------------------------------------------------------------------------------
# Streaming sheets of styled cells (the award workbook and the monthly matrix)
#
# These workbooks are written in openpyxl's write-only mode, row by row, so that memory stays
# flat at any number of cells. Every style the sheets use is made once per workbook (a
# ``StyleKit``); a cell then only points at its style.

PARTY_FONT = "Times New Roman"
MM_PER_INCH = 25.4
PAPER_A4 = 9
TWO_DECIMALS = "0.00"
# Rows of wrapped text get their height from us, since neither LibreOffice nor Excel
# re-measures the rows of a file when opening it; so does every line that must not be clipped.
# Width of one column unit (the default font's digit, Calibri 11: 7 pixels) in points, and
# what a cell keeps free of text (its padding and grid line: 5 pixels).
_POINTS_PER_UNIT = 5.25
_CELL_PADDING = 3.75
# Text is estimated this much wider than Times New Roman's metrics say: the screen rounds
# each glyph to whole pixels, and a little room is cheaper than a clipped line.
_TEXT_SLACK = 1.06
# A text line's height, in font sizes: Excel gives a line of Times New Roman 12 pt a row of
# 15.75 pt (x 1.3125); a little more, so that no line of a wrapped cell is clipped.
_LINE_HEIGHT = 1.32
TABLE_ROW_HEIGHT = 17  # points: one line of 12 pt text with some air
EXCEL_DEFAULT_ROW_HEIGHT = 15  # points: a row without a height of its own (Calibri 11)


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


# Advance widths of Times New Roman in thousandths of an em, for the characters " " to "~"
# (the metrics of Liberation Serif, which match Times New Roman's): regular, bold, italic.
_ASCII_ADVANCES = (
    (
        "250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 "
        "500 500 500 500 500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 "
        "389 722 611 889 722 722 556 722 667 556 611 722 722 944 722 722 611 333 278 333 469 "
        "500 333 444 500 444 500 444 333 500 500 278 278 500 278 778 500 500 500 500 333 389 "
        "278 500 500 722 500 500 444 480 200 480 541"
    ),
    (
        "250 333 555 500 500 1000 833 278 333 333 500 570 250 333 250 278 500 500 500 500 500 "
        "500 500 500 500 500 333 333 570 570 570 500 930 722 667 722 722 667 611 778 778 389 "
        "500 778 667 944 722 778 611 778 722 556 667 722 722 1000 722 722 667 333 278 333 581 "
        "500 333 500 556 444 556 444 333 500 556 278 333 556 278 833 556 500 556 556 444 389 "
        "333 556 500 722 500 500 444 394 220 394 520"
    ),
    (
        "250 333 420 500 500 833 778 214 333 333 500 675 250 333 250 278 500 500 500 500 500 "
        "500 500 500 500 500 333 333 675 675 675 500 920 611 611 667 722 611 611 722 722 333 "
        "444 667 556 833 667 722 611 722 611 500 556 722 611 833 611 556 556 389 278 389 422 "
        "500 333 500 500 444 500 444 278 500 500 278 278 444 278 722 500 500 500 500 389 389 "
        "278 500 444 667 444 444 389 400 275 400 541"
    ),
)
# Punctuation beyond ASCII that the documents use (regular, bold, italic).
_OTHER_ADVANCES = {
    "“": (444, 500, 556),
    "”": (444, 500, 556),
    "‘": (333, 333, 333),
    "’": (333, 333, 333),
    "–": (500, 500, 500),
    "—": (1000, 1000, 889),
    "…": (1000, 1000, 889),
    "\u00a0": (250, 250, 250),
}
_HORN = "\u031b"  # the horn of ơ and ư: a little wider than o and u
_HORN_EXTRA = 0.08
_WIDEST = 1.0  # ems: no character is estimated wider (unknown ones are given this)


class _Advances(dict):
    """The advance widths of one style of Times New Roman in ems, by character.

    Vietnamese letters are as wide as their base letter (ơ and ư a little wider); characters
    the table does not know are given the widest width. Learnt on first use.
    """

    def __init__(self, style: int):
        super().__init__(
            (chr(32 + index), int(width) / 1000)
            for index, width in enumerate(_ASCII_ADVANCES[style].split())
        )
        self.update({"\n": 0.0, "\r": 0.0, "\t": self[" "]})
        self._style = style

    def __missing__(self, char: str) -> float:
        width = self._guess(char)
        self[char] = width
        return width

    def _guess(self, char: str) -> float:
        if char in _OTHER_ADVANCES:
            return _OTHER_ADVANCES[char][self._style] / 1000
        if char in "đĐ":
            return self["d" if char == "đ" else "D"]
        if unicodedata.combining(char):
            return 0.0
        decomposed = unicodedata.normalize("NFD", char)
        if decomposed[0] != char and decomposed[0] in self:
            return self[decomposed[0]] + (_HORN_EXTRA if _HORN in decomposed else 0.0)
        return _WIDEST


_REGULAR, _BOLD, _ITALIC = (_Advances(style) for style in range(3))


def _advances(bold: bool = False, italic: bool = False) -> _Advances:
    return _BOLD if bold else _ITALIC if italic else _REGULAR


def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """The width of ``text`` on one line in Times New Roman of ``size`` points, in points
    (estimated a little wide)."""
    return sum(map(_advances(bold, italic).__getitem__, text)) * size * _TEXT_SLACK


def column_room(width_units: float) -> float:
    """The room for text in a column (or a merged run of columns) this wide, in points."""
    return width_units * _POINTS_PER_UNIT - _CELL_PADDING


def units_for(points: float) -> float:
    """The column width, in units, that holds a line of text ``points`` wide."""
    return (points + _CELL_PADDING) / _POINTS_PER_UNIT


def text_lines(
    text: str, width_units: float, size: float, *, bold: bool = False, italic: bool = False
) -> int:
    """Estimate how many lines ``text`` takes when wrapped in a column this wide."""
    return wrapped_lines(text, column_room(width_units), size, bold=bold, italic=italic)


def wrapped_lines(
    text: str, room: float, size: float, *, bold: bool = False, italic: bool = False
) -> int:
    """How many lines ``text`` takes wrapped ``room`` points wide, as a spreadsheet wraps it:
    every paragraph (a line break) starts a line, words wrap at spaces, and a word longer
    than a line breaks inside."""
    advances = _advances(bold, italic)
    scale = size * _TEXT_SLACK
    room = max(room, _WIDEST * scale)  # a line holds at least one character
    space = advances[" "] * scale
    lines = 0
    for paragraph in (text or "").split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            width = sum(map(advances.__getitem__, word)) * scale
            if used and used + space + width <= room:
                used += space + width
                continue
            if used:
                lines += 1
            if width > room:
                broken = math.ceil(width / room) - 1
                lines += broken
                width -= broken * room
            used = width
    return max(lines, 1)


class LineCounter:
    """Counts the lines of the texts of one table column quickly: a text too short to fill
    a line is not measured."""

    __slots__ = ("known", "room", "safe_length", "size")

    KNOWN_TEXTS = 256  # texts remembered (a column's repeated values: a category, a grade)

    def __init__(self, width_units: float, size: float = 12):
        self.size = size
        self.room = column_room(width_units)
        self.safe_length = int(self.room / (_WIDEST * size * _TEXT_SLACK))
        self.known: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        if len(text) <= self.safe_length and "\n" not in text:
            return 1
        lines = self.known.get(text)
        if lines is None:
            if "\n" not in text and text_width(text, self.size) <= self.room:
                lines = 1  # one line, measured whole: no word-by-word wrapping
            else:
                lines = wrapped_lines(text, self.room, self.size)
            if len(self.known) < self.KNOWN_TEXTS:
                self.known[text] = lines
        return lines


def line_height(size: float, lines: int = 1) -> float:
    return round(size * _LINE_HEIGHT * lines + 2, 1)


def save_stream(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Pages: where a printer breaks a sheet, so that a block of rows can be kept on one page

A4_MM = (210, 297)
MARGINS_MM = {"left": 30, "right": 15, "top": 20, "bottom": 20}  # Hướng dẫn 36-HD/VPTW
POINTS_PER_MM = 72 / MM_PER_INCH
# Columns are taken as this much wider when choosing the print scale: LibreOffice draws a
# column unit with the digit width of Calibri unrounded (7.4 pixels, Excel 7), some 6% wider.
_PRINT_WIDTH_SLACK = 1.08
# How a printout's rows may differ from the heights written (which both Excel and
# LibreOffice keep, the scale being ours): Excel makes a row a whole number of pixels on
# screen, printers round. Each case grows (or shrinks) every row by a factor, adds points to
# it, and asks for room left at the end of the page.
PAGINATION_CASES = ((1.0, 0.0, TABLE_ROW_HEIGHT), (1.02, 0.4, 0.0), (0.98, 0.0, 0.0))
KEPT_TABLE_ROWS = 2  # the last rows of a table that go with the signature block


_EARLIER_BREAK_ROWS = 6  # how many rows earlier a break may move to avoid a near-empty page


@dataclass(frozen=True)
class _Layout:
    """Where the rows of a sheet fall on pages (see ``_lay_out``)."""

    first_page: int  # the page of the first row to keep together
    last_page: int
    last_used: float  # how full the last page is, in points
    starts: dict[int, int]  # for rows near the block: the first row of their page


def _lay_out(
    heights: Sequence[float],
    first_row: int,
    capacity: float,
    title_row: int | None,
    grow: float = 1.0,
    add: float = 0.0,
) -> _Layout:
    """Lay the rows on pages like a printer: a row that does not fit the rest of a page
    starts the next one, under the repeated title row."""
    title = heights[title_row - 1] * grow + add if title_row else 0.0
    near = first_row - _EARLIER_BREAK_ROWS - 1
    page = first_page = 0
    used = 0.0
    rows_on_page = 0
    page_start = 1
    starts = {}
    for row, height in enumerate(heights, start=1):
        height = height * grow + add
        if rows_on_page and used + height > capacity:
            page += 1
            used = title if title_row and row > title_row else 0.0
            rows_on_page = 0
            page_start = row
        used += height
        rows_on_page += 1
        if row >= near:
            starts[row] = page_start
            if row == first_row:
                first_page = page
    return _Layout(first_page, page, used, starts)


def page_break_before(
    heights: Sequence[float], first_row: int, capacity: float, title_row: int | None = None
) -> int | None:
    """The row before which a manual page break keeps the rows from ``first_row`` to the end
    on one page, or None when they already fall on one page, whatever the estimate errors
    (``PAGINATION_CASES``).

    ``heights`` are the sheet's row heights from row 1 and ``capacity`` the height of a page
    in the sheet's points (the printable height divided by the print scale). When the page
    before the break would hold only a row or two (in any case), the break moves a few rows
    earlier, as long as the rows kept together still fit on a page.
    """
    if not heights or first_row <= 1 or first_row > len(heights):
        return None
    layouts = [
        (_lay_out(heights, first_row, capacity, title_row, grow, add), room)
        for grow, add, room in PAGINATION_CASES
    ]
    if all(
        layout.first_page == layout.last_page and layout.last_used + room <= capacity
        for layout, room in layouts
    ):
        return None
    if title_row is None:
        return first_row

    def leaves_a_near_empty_page(row: int) -> bool:
        # The page of the row above the break, if it is not the first page, holds 1 or 2 rows.
        return any(
            title_row < layout.starts[row - 1] and row - layout.starts[row - 1] <= 2
            for layout, _room in layouts
        )

    worst_grow, worst_add, _room = max(PAGINATION_CASES)
    block = heights[title_row - 1] * worst_grow + worst_add
    block += sum(height * worst_grow + worst_add for height in heights[first_row - 1 :])
    for row in range(first_row, max(title_row + 1, first_row - _EARLIER_BREAK_ROWS), -1):
        if row < first_row:
            block += heights[row - 1] * worst_grow + worst_add
        if block > capacity:
            break
        if not leaves_a_near_empty_page(row):
            return row
    return first_row


# --------------------------------------------------------------------------------------------
# The Party document layout (Hướng dẫn 36-HD/VPTW): header block, title, table, signature


@dataclass(frozen=True)
class DocColumn:
    """A column of a document's table: header, width (characters), how its values look."""

    header: str
    width: float
    horizontal: str = "left"
    number_format: str | None = None
    wrap: bool = True


# The looks of a Party document (sizes of Hướng dẫn 36-HD/VPTW).
SUPERIOR_LOOK = Look(size=14, horizontal="center")
ISSUER_LOOK = Look(size=14, bold=True, horizontal="center")
PLAIN_CENTRE_LOOK = Look(size=14, horizontal="center")
PARTY_LOOK = Look(size=15, bold=True, horizontal="center", rule=True)
PLACE_LOOK = Look(size=14, italic=True, horizontal="center")
TITLE_LOOK = Look(size=16, bold=True, horizontal="center")
SUBTITLE_LOOK = Look(size=14, bold=True, horizontal="center", wrap=True)
TABLE_HEAD_LOOK = Look(size=12, bold=True, horizontal="center", wrap=True, box=True)
SIGN_LOOK = Look(size=14, bold=True, horizontal="center")
RECIPIENTS_TITLE_LOOK = Look(size=14, underline=True)
RECIPIENT_LOOK = Look(size=12)
EMPTY_NOTE_LOOK = Look(size=12, italic=True, horizontal="center", box=True)
SIGNATURE_SPACE = 4  # blank lines for the signature and the seal


@dataclass(frozen=True)
class HeaderBlocks:
    """Where the parts of a Party document's header and signature go, as (first, last) columns.

    ``left``: the superior and issuing bodies, the star and the number line (and "Nơi nhận"
    below the table); ``rule``: "ĐẢNG CỘNG SẢN VIỆT NAM" with the rule under it; ``right``:
    the dated place line and, below the table, the signature block.
    """

    left: tuple[int, int]
    rule: tuple[int, int]
    right: tuple[int, int]


PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"


def header_needs(header) -> tuple[float, float, float]:
    """The widths, in column units, that the header's lines need on one line: the left block,
    the Party's name (its rule), and the right block (the place line, the signature)."""
    left = max(
        text_width(header.superior_body.upper(), SUPERIOR_LOOK.size),
        text_width(header.issuing_body.upper(), ISSUER_LOOK.size, bold=True),
        text_width(header.number_line, PLAIN_CENTRE_LOOK.size),
    )
    party = text_width(PARTY_NAME, PARTY_LOOK.size, bold=True)
    right = max(
        party,
        text_width(header.place_line, PLACE_LOOK.size, italic=True),
        *(
            text_width(text, SIGN_LOOK.size, bold=True)
            for text in (header.signing_for, header.signer_title, header.signer_name)
        ),
    )
    return units_for(left), units_for(party), units_for(right)


def header_blocks(widths: Sequence[float], needs: tuple[float, float, float]) -> HeaderBlocks:
    """Place the header's two blocks on the columns of the table below them.

    The left block is the first columns wide enough for its longest line. The rule under
    "ĐẢNG CỘNG SẢN VIỆT NAM" is a run of columns at least as wide as the name, as close to
    it as the columns allow, towards three quarters of the page; the right block is centred
    on the rule and wide enough for its longest line. A merged range is never narrower than
    its text: when the page is too narrow for both blocks, it is shared between them and the
    longer lines wrap (``write_document_top`` gives their rows the height).
    """
    left_need, party_need, right_need = needs
    count = len(widths)
    edge = [0.0]  # edge[i]: where column i + 1 starts, in units from the left
    for width in widths:
        edge.append(edge[-1] + width)
    total = edge[-1]
    if count < 2:
        return HeaderBlocks((1, count), (1, count), (1, count))
    left_last = 1
    while left_last < count - 1 and edge[left_last] < left_need:
        left_last += 1
    best = None
    if edge[left_last] >= left_need:
        for first in range(left_last + 1, count + 1):
            for last in range(first, count + 1):
                width = edge[last] - edge[first - 1]
                if width < party_need:
                    continue
                if width > party_need + 30:
                    break  # a longer rule only costs more
                centre = edge[first - 1] + width / 2
                for block_first in range(first, left_last, -1):
                    for block_last in range(last, count + 1):
                        if edge[block_last] - edge[block_first - 1] < right_need:
                            continue
                        offset = (edge[block_first - 1] + edge[block_last]) / 2 - centre
                        cost = (
                            (width - party_need)
                            + 3 * abs(offset)
                            + 0.5 * abs(centre - 0.72 * total)
                        )
                        if best is None or cost < best[0]:
                            best = (cost, (block_first, block_last), (first, last))
                        if offset >= 0:
                            break  # a wider block only moves its centre further right
                break  # the rule's first fitting run from ``first``; longer ones cost more
    if best is not None:
        return HeaderBlocks((1, left_last), best[2], best[1])
    # Too narrow: the right block gets what it needs (when the left one keeps a column),
    # else the page is split in two; the lines that do not fit wrap.
    fitting = [k for k in range(1, count) if total - edge[k] >= right_need]
    if fitting:
        left_last = max(fitting)
    else:
        left_last = min(range(1, count), key=lambda k: abs(edge[k] - total / 2))
    right = (left_last + 1, count)
    return HeaderBlocks((1, left_last), right, right)


def _fitted(kit: StyleKit, text: str, look: Look, width_units: float) -> tuple[Any, float]:
    """A cell of ``text`` in a merged range ``width_units`` wide, and the row height it needs:
    one line when the text fits, else wrapped over as many lines as it takes."""
    lines = text_lines(text, width_units, look.size, bold=look.bold, italic=look.italic)
    if lines > 1 and not look.wrap:
        look = replace(look, wrap=True)
    return kit.cell(text, look), line_height(look.size, lines)


def write_document_top(
    sheet: StreamSheet, header, title: str, subtitle: str, columns: Sequence[DocColumn]
) -> int:
    """Write the header block, the title and the table's header row; return that row."""
    kit = sheet.kit
    blocks = sheet.blocks = header_blocks(sheet.widths, header_needs(header))
    (left_first, left_last), (rule_first, rule_last) = blocks.left, blocks.rule
    (right_first, right_last) = blocks.right
    left_width = sheet.width_of(left_first, left_last)
    left = [blocks.left]
    right = [blocks.right]
    superior, superior_height = _fitted(
        kit, header.superior_body.upper(), SUPERIOR_LOOK, left_width
    )
    party, party_height = _fitted(
        kit, PARTY_NAME, PARTY_LOOK, sheet.width_of(rule_first, rule_last)
    )
    party_rule = {column: kit.cell(None, PARTY_LOOK) for column in range(rule_first, rule_last + 1)}
    party_rule[rule_first] = party
    sheet.add(
        {left_first: superior, **party_rule},
        merges=left + [blocks.rule],
        height=max(superior_height, party_height),
    )
    issuer, issuer_height = _fitted(kit, header.issuing_body.upper(), ISSUER_LOOK, left_width)
    sheet.add({left_first: issuer}, merges=left, height=issuer_height)
    place, place_height = _fitted(
        kit, header.place_line, PLACE_LOOK, sheet.width_of(right_first, right_last)
    )
    sheet.add(
        {left_first: kit.cell("*", PLAIN_CENTRE_LOOK), right_first: place},
        merges=left + right,
        height=max(line_height(14), place_height),
    )
    number, number_height = _fitted(kit, header.number_line, PLAIN_CENTRE_LOOK, left_width)
    sheet.add({left_first: number}, merges=left, height=number_height)
    sheet.add(height=line_height(12))

    everything = [(1, sheet.columns)]
    full_width = sheet.width_of(1, sheet.columns)
    title_cell, title_height = _fitted(kit, title, TITLE_LOOK, full_width)
    sheet.add({1: title_cell}, merges=everything, height=title_height)
    subtitle_cell, subtitle_height = _fitted(kit, subtitle, SUBTITLE_LOOK, full_width)
    sheet.add({1: subtitle_cell}, merges=everything, height=subtitle_height)
    sheet.add(height=line_height(10))

    head_lines = max(text_lines(column.header, column.width, 12, bold=True) for column in columns)
    head_row = sheet.add(
        {
            index: kit.cell(column.header, TABLE_HEAD_LOOK)
            for index, column in enumerate(columns, start=1)
        },
        height=line_height(12, head_lines),
    )
    sheet.repeat_row(head_row)
    return head_row


def table_slots(kit: StyleKit, columns: Sequence[DocColumn], size: float = 12) -> list[Slot]:
    """One reusable cell per column of a table (bordered cells)."""
    return [
        kit.slot(
            Look(
                size=size,
                horizontal=column.horizontal,
                vertical="center",
                wrap=column.wrap,
                box=True,
                number_format=column.number_format,
            )
        )
        for column in columns
    ]


def write_document_rows(
    sheet: StreamSheet, columns: Sequence[DocColumn], rows: Iterable[Sequence[Any]]
) -> None:
    """Write the table's rows (any iterable: a generator keeps memory flat)."""
    fills = [slot.fill for slot in table_slots(sheet.kit, columns)]
    wrapped = [
        (index, LineCounter(column.width, 12))
        for index, column in enumerate(columns)
        if column.wrap
    ]
    append = sheet.append_cells
    for values in rows:
        lines = 1
        for index, count_lines in wrapped:
            text = values[index]
            if text.__class__ is str:
                lines = max(lines, count_lines(text))
        append([fill(value) for fill, value in zip(fills, values)], lines)


def write_empty_table_note(sheet: StreamSheet, text: str) -> None:
    kit = sheet.kit
    cells = {column: kit.cell(None, EMPTY_NOTE_LOOK) for column in range(1, sheet.columns + 1)}
    cells[1] = kit.cell(text, EMPTY_NOTE_LOOK)
    sheet.add(cells, merges=[(1, sheet.columns)], height=line_height(12))


def write_document_bottom(sheet: StreamSheet, header) -> None:
    """Write "Nơi nhận" at the left and the signature block at the right, below the table,
    and keep the signature block on one page with the last rows of the table."""
    kit = sheet.kit
    blocks = sheet.blocks
    left_width = sheet.width_of(*blocks.left)
    right_width = sheet.width_of(*blocks.right)
    last_table_row = sheet.row
    sheet.add(height=line_height(12))
    recipients = list(header.recipients)
    signature = [header.signing_for, header.signer_title]
    signature += [""] * SIGNATURE_SPACE + [header.signer_name]
    lines = max(len(recipients) + 1, len(signature))
    left_texts = ["Nơi nhận:", *recipients]
    for index in range(lines):
        cells = {}
        merges = []
        heights = [line_height(14 if index == 0 else 13)]
        if index < len(left_texts):
            look = RECIPIENTS_TITLE_LOOK if index == 0 else RECIPIENT_LOOK
            cells[1], height = _fitted(kit, left_texts[index], look, left_width)
            merges.append(blocks.left)
            heights.append(height)
        if index < len(signature) and signature[index]:
            cells[blocks.right[0]], height = _fitted(kit, signature[index], SIGN_LOOK, right_width)
            merges.append(blocks.right)
            heights.append(height)
        sheet.add(cells, merges=merges, height=max(heights))
    # The last rows of the table go with the signature block; with a table of one or two
    # rows, the table's header row too (a page must not end with it).
    first_kept = last_table_row - KEPT_TABLE_ROWS + 1
    if sheet.title_row is not None and first_kept <= sheet.title_row + 1:
        first_kept = sheet.title_row
    sheet.keep_together(first_kept)


def print_scale(
    widths: Sequence[float], *, landscape: bool, slack: float = _PRINT_WIDTH_SLACK
) -> int:
    """The print scale (percent) at which the columns fill the width of an A4 page between
    the margins, the columns taken ``slack`` times wider (printers measure them a little
    differently)."""
    room, _height = printable_area(landscape=landscape)
    needed = sum(widths) * _POINTS_PER_UNIT * slack
    return max(10, min(100, math.floor(100 * room / needed))) if needed else 100


def printable_area(*, landscape: bool) -> tuple[float, float]:
    """Width and height of an A4 page between the margins of Hướng dẫn 36, in points."""
    short, long = A4_MM
    width, height = (long, short) if landscape else (short, long)
    width -= MARGINS_MM["left"] + MARGINS_MM["right"]
    height -= MARGINS_MM["top"] + MARGINS_MM["bottom"]
    return width * POINTS_PER_MM, height * POINTS_PER_MM


def set_document_print(sheet: StreamSheet, *, landscape: bool) -> None:
    """A4, the margins of Hướng dẫn 36 (top 20, bottom 20, left 30, right 15 mm), fit to the
    page width, and "Trang x" in the footer, each sheet numbered from page 1.

    ``write_document_bottom`` keeps the signature block together with a manual page break,
    placed for the scale at which the columns fill the page width in Excel (the largest a
    printer uses, so the fewest rows a page holds; LibreOffice draws columns wider and fits
    more rows, which only moves the break to a page less full). The same scale is written as
    the sheet's own, for a printout that turns "fit to page" off. Call it before the first
    row. The table header row is repeated on every page by ``write_document_top``.
    """
    ws = sheet.sheet
    scale = print_scale(sheet.widths, landscape=landscape, slack=1.0)
    sheet.page_height = printable_area(landscape=landscape)[1] * 100 / scale
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.scale = scale
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    # Each sheet is a document of its own: its pages are numbered from 1 even when the whole
    # workbook is printed at once (so the footer says "Trang 2", not "Trang 2/7").
    ws.page_setup.firstPageNumber = 1
    ws.page_setup.useFirstPageNumber = True
    ws.page_margins = PageMargins(
        left=MARGINS_MM["left"] / MM_PER_INCH,
        right=MARGINS_MM["right"] / MM_PER_INCH,
        top=MARGINS_MM["top"] / MM_PER_INCH,
        bottom=MARGINS_MM["bottom"] / MM_PER_INCH,
        header=8 / MM_PER_INCH,
        footer=8 / MM_PER_INCH,
    )
    ws.oddFooter.center.text = "Trang &P"
    ws.oddFooter.center.font = f"{PARTY_FONT},Regular"
    ws.oddFooter.center.size = 11


# --------------------------------------------------------------------------------------------
# The award workbook (contract.md, "The award workbook")

AWARD_TITLE = "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
CELLS_SHEET = "Tập thể"
MEMBERS_SHEET = "Cá nhân"
STANDINGS_SHEET = "Xếp hạng"
COMPETITION = "“Nâng cao chất lượng sinh hoạt chi bộ”"

CELL_COLUMNS = [
    DocColumn("STT", 5.5, "center"),
    DocColumn("Tên chi bộ", 24),
    DocColumn("Loại", 19),
    DocColumn("Số đảng viên", 9, "center"),
    DocColumn("Điểm trung bình", 10, "center", TWO_DECIMALS),
    DocColumn("Số kỳ Tốt", 9.5, "center"),
    DocColumn("Xếp hạng", 9.5, "center"),
    DocColumn("Tóm tắt thành tích", 32),
    DocColumn("Hình thức khen thưởng", 22),
    DocColumn("Ghi chú", 10),
]
MEMBER_COLUMNS_AWARD = [
    DocColumn("STT", 5.5, "center"),
    DocColumn("Họ và tên", 25),
    DocColumn("Năm sinh", 8, "center"),
    DocColumn("Chức vụ", 12),
    DocColumn("Chi bộ", 21),
    DocColumn("Tóm tắt thành tích", 34),
    DocColumn("Hình thức khen thưởng", 24),
    DocColumn("Ghi chú", 10),
]


def standings_columns(months: Sequence[int]) -> list[DocColumn]:
    return [
        DocColumn("STT", 5.5, "center"),
        DocColumn("Tên chi bộ", 26),
        DocColumn("Loại", 19),
        *[DocColumn(f"T{month}", 7, "center", TWO_DECIMALS, wrap=False) for month in months],
        DocColumn("Điểm trung bình", 10, "center", TWO_DECIMALS),
        DocColumn("Số kỳ Tốt", 7.5, "center"),
        DocColumn("Xếp hạng", 7.5, "center"),
        DocColumn("Xếp loại", 10, "center"),
    ]


STANDINGS_TITLE = "BẢNG XẾP HẠNG CHẤT LƯỢNG SINH HOẠT CHI BỘ NĂM {year}"


def award_titles(year: int) -> dict[str, tuple[str, str]]:
    """The title and summary line of each sheet: two lists of the proposal, and the ranking
    table that comes with them."""
    return {
        CELLS_SHEET: (
            AWARD_TITLE,
            (
                f"Tập thể chi bộ có thành tích xuất sắc trong phong trào thi đua "
                f"{COMPETITION} năm {year}"
            ),
        ),
        MEMBERS_SHEET: (
            AWARD_TITLE,
            (
                f"Cá nhân đảng viên có thành tích xuất sắc trong phong trào thi đua "
                f"{COMPETITION} năm {year}"
            ),
        ),
        STANDINGS_SHEET: (
            STANDINGS_TITLE.format(year=year),
            (
                f"Kèm theo danh sách đề nghị khen thưởng trong phong trào thi đua "
                f"{COMPETITION} năm {year}"
            ),
        ),
    }


def award_workbook(book) -> bytes:
    """The year-end award workbook of an ``AwardBook``: "Tập thể", "Cá nhân", "Xếp hạng".

    Each sheet is a Party document: header block, title, the table, "Nơi nhận" and the
    signature block. Written as a stream (openpyxl write-only mode).
    """
    workbook = Workbook(write_only=True)
    titles = award_titles(book.year)
    kit = None

    def document(title: str, columns: list[DocColumn], rows: Iterable, empty: str, count: int):
        nonlocal kit
        sheet = StreamSheet(workbook, kit, title, [column.width for column in columns])
        kit = sheet.kit
        set_document_print(sheet, landscape=True)
        sheet.default_row_height(TABLE_ROW_HEIGHT)
        write_document_top(sheet, book.header, *titles[title], columns)
        write_document_rows(sheet, columns, rows)
        if not count:
            write_empty_table_note(sheet, empty)
        write_document_bottom(sheet, book.header)

    document(
        CELLS_SHEET,
        CELL_COLUMNS,
        (
            (
                number,
                line.name,
                line.category,
                line.members,
                line.average,
                line.tot_months,
                line.rank,
                line.summary,
                line.award_form,
                line.note,
            )
            for number, line in enumerate(book.cells, start=1)
        ),
        "Không có tập thể nào được đề nghị khen thưởng.",
        len(book.cells),
    )
    document(
        MEMBERS_SHEET,
        MEMBER_COLUMNS_AWARD,
        (
            (
                number,
                line.full_name,
                line.birth_year,
                line.position,
                line.cell_name,
                line.summary,
                line.award_form,
                line.note,
            )
            for number, line in enumerate(book.members, start=1)
        ),
        "Không có cá nhân nào được đề nghị khen thưởng.",
        len(book.members),
    )
    document(
        STANDINGS_SHEET,
        standings_columns(book.months),
        (
            (
                number,
                line.name,
                line.category,
                *line.scores,
                line.average,
                line.tot_months,
                line.rank,
                line.grade,
            )
            for number, line in enumerate(book.standings, start=1)
        ),
        "Chưa có chi bộ nào được xếp hạng.",
        len(book.standings),
    )
    return save_stream(workbook)


# --------------------------------------------------------------------------------------------
# The monthly matrix of the rankings page

MATRIX_SHEET = "Điểm từng tháng"
# Background of a month's score by its grade, and of a month whose report waits.
MATRIX_FILLS = {
    "tot": "DFF0E3",
    "kha": "E1EBF8",
    "trung_binh": "FFF1CC",
    "kem": "FBE0DD",
    "pending": "EEEEEE",
}
MATRIX_LEGEND = (
    "Mỗi ô là điểm của báo cáo sinh hoạt thường kỳ được duyệt, tô màu theo xếp loại (xanh lá: "
    "Tốt, xanh dương: Khá, vàng: Trung bình, đỏ: Kém). Ô xám: báo cáo chờ duyệt hoặc bị trả "
    "lại (chưa tính); ô trống: thiếu báo cáo (tính 0 điểm)."
)


class MatrixRow(NamedTuple):
    rank: int
    name: str
    category: str
    months: tuple[tuple[Decimal | None, str], ...]  # (score, state) per counted month
    average: Decimal | None
    tot_months: int
    months_missing: int
    grade: str


@dataclass(frozen=True)
class MatrixTable:
    """The monthly matrix of a year, as plain values (see ``matrix_table``)."""

    year: int
    category: str  # label, or "" for every cell
    months: tuple[int, ...]
    final: bool
    rows: list[MatrixRow]


def matrix_table(standings, matrix) -> MatrixTable:
    """The matrix from the standings of a year and its monthly reports
    (``standings.standings_for_period`` and ``standings.monthly_matrix``)."""
    from .models import CellCategory, ReportStatus

    rows = []
    for standing in standings.rows:
        entries = matrix.get(standing.tally.cell_id, {})
        months = []
        for month in standings.months:
            entry = entries.get(month)
            if entry is None:
                months.append((None, "missing"))
            elif (
                entry.status is ReportStatus.APPROVED and entry.final_total_half_points is not None
            ):
                state = entry.grade.value if entry.grade is not None else "pending"
                months.append((Decimal(entry.final_total_half_points) / 2, state))
            else:
                months.append((None, "pending"))
        rows.append(
            MatrixRow(
                rank=standing.rank,
                name=standing.name,
                category=CellCategory(standing.category).label,
                months=tuple(months),
                average=standing.average_rounded,
                tot_months=standing.tot_months,
                months_missing=standing.months_missing,
                grade=standing.grade.label if standing.grade is not None else "",
            )
        )
    return MatrixTable(
        year=standings.year,
        category=standings.category.label if standings.category else "",
        months=tuple(standings.months),
        final=standings.is_final,
        rows=rows,
    )


def matrix_workbook(table: MatrixTable) -> bytes:
    """The monthly matrix as a workbook: one row per cell in rank order, a column per month."""
    columns = [
        DocColumn("Xếp hạng", 8, "center"),
        DocColumn("Tên chi bộ", 28),
        DocColumn("Loại", 19),
        *[DocColumn(f"T{month}", 7, "center", TWO_DECIMALS, wrap=False) for month in table.months],
        DocColumn("Điểm trung bình", 10, "center", TWO_DECIMALS),
        DocColumn("Số kỳ Tốt", 8, "center"),
        DocColumn("Số kỳ thiếu", 8, "center"),
        DocColumn("Xếp loại", 11, "center"),
    ]
    workbook = Workbook(write_only=True)
    sheet = StreamSheet(workbook, None, MATRIX_SHEET, [column.width for column in columns])
    kit = sheet.kit
    set_document_print(sheet, landscape=True)
    sheet.default_row_height(TABLE_ROW_HEIGHT)
    head_row = 5
    sheet.sheet.freeze_panes = f"C{head_row + 1}"
    everything = [(1, sheet.columns)]
    width = sheet.width_of(1, sheet.columns)
    title = f"Điểm sinh hoạt chi bộ từng tháng năm {table.year}"
    if table.category:
        title += f" — {table.category}"
    title_cell, title_height = _fitted(kit, title, TITLE_LOOK, width)
    sheet.add({1: title_cell}, merges=everything, height=title_height)
    status = (
        "Kết quả chính thức: mọi tháng đã kết thúc và mọi báo cáo đã được duyệt."
        if table.final
        else "Kết quả tạm tính: còn tháng chưa kết thúc hoặc báo cáo chưa được duyệt."
    )
    note_look = Look(size=11, italic=True, wrap=True)
    for note in (status, MATRIX_LEGEND):
        note_cell, note_height = _fitted(kit, note, note_look, width)
        sheet.add({1: note_cell}, merges=everything, height=note_height)
    sheet.add()
    sheet.add(
        {
            index: kit.cell(column.header, TABLE_HEAD_LOOK)
            for index, column in enumerate(columns, start=1)
        },
        height=line_height(12, 2),
    )
    sheet.repeat_row(head_row)

    slots = table_slots(kit, columns)
    month_looks = {
        state: Look(size=12, horizontal="center", box=True, number_format=TWO_DECIMALS, fill=colour)
        for state, colour in MATRIX_FILLS.items()
    }
    month_slots = {state: kit.slot(look) for state, look in month_looks.items()}
    first_month = 3
    name_lines = LineCounter(columns[1].width)
    category_lines = LineCounter(columns[2].width)
    for row in table.rows:
        cells = [
            slots[0].fill(row.rank),
            slots[1].fill(row.name),
            slots[2].fill(row.category),
        ]
        for offset, (score, state) in enumerate(row.months):
            slot = month_slots.get(state, slots[first_month + offset])
            # A fresh cell per month: several months may share a state's slot in one row.
            cell = SlotCell(sheet.sheet)
            cell._style, cell._style_index = slot.plain
            cell.value = score
            cells.append(cell)
        tail = (row.average, row.tot_months, row.months_missing, row.grade)
        cells += [
            slot.fill(value) for slot, value in zip(slots[first_month + len(row.months) :], tail)
        ]
        sheet.append_cells(cells, max(name_lines(row.name), category_lines(row.category)))
    if not table.rows:
        write_empty_table_note(sheet, "Không có chi bộ nào.")
    return save_stream(workbook)
