"""The app's one spreadsheet helper: every workbook it writes or reads goes through here.

Writing: values become typed cells (numbers stay numbers, dates are dates in local time, text
is text). User text that a spreadsheet would take for the start of a formula (``=``, ``+``,
``-``, ``@``, tab, carriage return) is written as a plain text cell with Excel's quote prefix,
never as a formula; control characters that Excel refuses are removed. File names go out with a
Vietnamese ``filename*`` and a readable ASCII fallback (đ -> d).

Reading: ``read_table`` opens an uploaded .xlsx read-only and returns its rows with their
sheet row numbers, for imports that report errors by row.

The workbooks themselves (the member register and its import template; later the award
workbook) are defined at the end of this module, so that their columns live in one place.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Sequence
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response, current_app, has_app_context
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
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
        f"Cột “{h.id}”: để trống với đảng viên mới; giữ nguyên mã khi sửa một đảng viên đã có "
        "(tệp xuất từ phần mềm đã có sẵn mã).",
        f"Cột “{h.full_name}”: họ, tên đệm và tên, ví dụ Nguyễn Thị Hoa (bắt buộc).",
        f"Cột “{h.gender}”: {' hoặc '.join(choices.genders)} (bắt buộc).",
        f"Cột “{h.birth_year}”: năm sinh bốn chữ số, ví dụ 1975 (bắt buộc).",
        f"Cột “{h.ethnicity}”: ví dụ Kinh, Khmer, Hoa; để trống là Kinh.",
        f"Cột “{h.status}”: {' hoặc '.join(choices.statuses)}; để trống là {choices.statuses[0]}.",
        f"Cột “{h.exempted}”: {YES} hoặc {NO}; để trống là {NO}.",
        f"Cột “{h.cell_role}”: {', '.join(choices.cell_roles)}; "
        f"để trống là {choices.cell_roles[-1]}.",
        f"Cột “{h.cell_code}”: mã chi bộ trong trang “{MEMBER_CELLS_SHEET}” (bắt buộc). Đổi mã chi "
        "bộ của một đảng viên đã có là chuyển sinh hoạt sang chi bộ đó (có lưu lịch sử).",
        f"Cột “{h.active}”: {YES} hoặc {NO} (thôi sinh hoạt tại Đảng bộ); để trống là {YES}.",
        "Nếu có bất kỳ dòng nào sai, phần mềm không nhập dòng nào và liệt kê từng dòng sai "
        "kèm lý do để sửa rồi nhập lại.",
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
