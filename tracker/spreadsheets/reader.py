"""Reading uploaded workbooks as tables, for imports that report errors by row.

Any import (the member register, a cell list...) describes what it expects in a ``TableSpec``
(its column headers, the sheet it prefers) and gets a ``Table``: the sheet and the row where
the header row was found (below title rows, on any sheet), and the non-empty data rows by
header with their sheet row numbers. Every refusal is a ``SpreadsheetError`` with a message
in Vietnamese; nothing else escapes (a damaged file never gives a 500).

An upload is checked before it is parsed: a zip archive of limited size once uncompressed
(a few kilobytes can unzip to gigabytes), each part within a compression ratio, and no XML
part with a document type declaration (entity expansion, external entities). The XML itself
is parsed by openpyxl through defusedxml, which refuses entities too. Parsing needs no
database: an import reads its file before it takes the write lock.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import defusedxml
from openpyxl import load_workbook

from ..domain.vietnamese import ascii_fold, normalise
from .cells import ooxml_text

# Limits of what an upload may contain (a register has hundreds of rows, not millions).
MAX_READ_ROWS = 5_000
MAX_READ_COLUMNS = 60
MAX_SHEET_ROWS = 4 * MAX_READ_ROWS  # rows read at all, empty ones included
MAX_UNCOMPRESSED_BYTES = 16 * 1024 * 1024  # a 5,000-row register is about 3 MB
MAX_PART_RATIO = 100  # uncompressed / compressed, for parts over a megabyte
MAX_PARTS = 500
HEADER_SEARCH_ROWS = 20  # title rows a header row may sit below
_DTD_PATTERN = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)

NOT_XLSX = "Tệp không phải là tệp Excel (.xlsx) hợp lệ."
UNREADABLE = "Không đọc được tệp Excel (.xlsx)."
TOO_BIG = (
    "Tệp Excel quá lớn sau khi giải nén (tối đa {limit} MB dữ liệu). Hãy chỉ giữ lại trang "
    "danh sách rồi nhập lại."
)
UNSAFE = "Tệp Excel có nội dung XML không an toàn (khai báo DOCTYPE/ENTITY); tệp bị từ chối."


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


@dataclass(frozen=True)
class RowError:
    """Everything wrong with one row of an uploaded sheet: its sheet row number and one
    Vietnamese message per problem (an import lists them all, then stores nothing)."""

    row: int
    messages: tuple[str, ...]


def rejected_rows_message(count: int) -> str:
    """The summary of an import refused for its rows."""
    return (
        f"Không nhập được: {count} dòng có lỗi. Chưa có dữ liệu nào được lưu; hãy sửa các "
        "dòng dưới đây rồi nhập lại cả tệp."
    )


@dataclass
class Table:
    """What ``read_table`` found: the sheet, its header row and its non-empty data rows."""

    sheet_title: str
    headers: list[str]
    rows: list[SheetRow] = field(default_factory=list)
    header_row: int = 1

    def missing(self, expected: Sequence[str]) -> list[str]:
        """The expected headers this table lacks (compared without case or accents)."""
        found = {header_key(header) for header in self.headers if header}
        return [header for header in expected if header_key(header) not in found]

    def by_expected(self, expected: Sequence[str]) -> list[tuple[int, dict[str, Any]]]:
        """Each row's values under the expected header names, whatever their case here."""
        names = {header_key(header): header for header in self.headers if header}
        keys = [(header, names.get(header_key(header))) for header in expected]
        return [
            (row.number, {header: row.values.get(name) if name else None for header, name in keys})
            for row in self.rows
        ]


@dataclass(frozen=True)
class TableSpec:
    """What an import expects: its headers (found on any sheet, in the first rows), the
    sheet it prefers, and how many data rows it takes."""

    headers: Sequence[str] = ()
    sheet_title: str | None = None
    max_rows: int = MAX_READ_ROWS


def header_key(text: Any) -> str:
    """Compare headers without case, accents or extra spaces ("Mã chi bộ" == "MA CHI BO")."""
    return ascii_fold(str(text or "")).casefold()


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def check_archive(data: bytes) -> None:
    """Refuse what is not a zip archive of reasonable size, or holds a DTD in an XML part."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SpreadsheetError(NOT_XLSX) from error
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise SpreadsheetError(NOT_XLSX)
        limit = MAX_UNCOMPRESSED_BYTES
        too_big = SpreadsheetError(TOO_BIG.format(limit=limit // (1024 * 1024)))
        if sum(info.file_size for info in infos) > limit:
            raise too_big
        for info in infos:
            if info.file_size > 1024 * 1024 and (
                info.file_size > MAX_PART_RATIO * max(info.compress_size, 1)
            ):
                raise too_big
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                _scan_for_dtd(archive, info, limit)
            except SpreadsheetError:
                raise
            except Exception as error:  # a damaged member of the archive
                raise SpreadsheetError(UNREADABLE) from error


def _scan_for_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> None:
    """Read a part as a stream (never more than the archive says it holds) and refuse a
    document type declaration: no part of an .xlsx has one."""
    read = 0
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(256 * 1024):
            read += len(chunk)
            if read > limit:
                raise SpreadsheetError(TOO_BIG.format(limit=limit // (1024 * 1024)))
            if _DTD_PATTERN.search(tail + chunk):
                raise SpreadsheetError(UNSAFE)
            tail = chunk[-16:]


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        value = normalise(ooxml_text(value))
        return value or None
    if isinstance(value, dt.datetime) and not (value.hour or value.minute or value.second):
        return value.date()  # a date typed in a cell is a date, not midnight of it
    return value


def _header_score(values: Sequence[Any], expected: set[str]) -> int:
    return sum(1 for value in values if isinstance(value, str) and header_key(value) in expected)


def _find_header(book, spec: TableSpec):
    """The sheet and row of the header row: the row of the first ``HEADER_SEARCH_ROWS`` of a
    sheet holding the most expected headers (the preferred sheet first, then the others in
    order); without expected headers, the first non-empty row of the preferred sheet."""
    names = list(book.sheetnames)
    if spec.sheet_title in names:
        names.remove(spec.sheet_title)
        names.insert(0, spec.sheet_title)
    expected = {header_key(header) for header in spec.headers}
    best = None  # (score, sheet name, row number, values)
    for name in names:
        rows = book[name].iter_rows(
            values_only=True, max_col=MAX_READ_COLUMNS, max_row=HEADER_SEARCH_ROWS
        )
        for number, values in enumerate(rows, start=1):
            values = [_cell_value(value) for value in values]
            if not any(value is not None for value in values):
                continue
            if not expected:
                return name, number, values
            score = _header_score(values, expected)
            if score and (best is None or score > best[0]):
                best = (score, name, number, values)
            if score == len(expected):
                return name, number, values
        if not expected:
            break
    if best is None:
        return None
    return best[1:]


def read_table(
    data: bytes,
    *,
    sheet_title: str | None = None,
    max_rows: int = MAX_READ_ROWS,
    spec: TableSpec | None = None,
) -> Table:
    """Read the table of an uploaded .xlsx: its header row, then the data rows.

    With a ``spec``, the header row is the one (in the first rows of any sheet) that holds
    the most of its headers; without, it is the first non-empty row of the sheet named
    ``sheet_title`` (else of the first sheet). Text is NFC-normalised and trimmed; empty
    rows are skipped (their numbers are kept for the others). Formulas give their cached
    values. Raises SpreadsheetError for a file that is not a readable workbook, is too large,
    is unsafe, has no header or too many rows.
    """
    spec = spec or TableSpec(sheet_title=sheet_title, max_rows=max_rows)
    check_archive(data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel extensions it drops (data validation, styles): harmless.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except defusedxml.DefusedXmlException as error:
        raise SpreadsheetError(UNSAFE) from error
    except Exception as error:  # not a workbook, or a damaged one: never a 500
        raise SpreadsheetError(UNREADABLE) from error
    try:
        return _read(book, spec)
    except SpreadsheetError:
        raise
    except defusedxml.DefusedXmlException as error:
        raise SpreadsheetError(UNSAFE) from error
    except Exception as error:  # a damaged sheet inside a valid archive
        raise SpreadsheetError(UNREADABLE) from error
    finally:
        book.close()


def _read(book, spec: TableSpec) -> Table:
    found = _find_header(book, spec)
    if found is None:
        if spec.headers:
            raise SpreadsheetError(
                "Không tìm thấy dòng tiêu đề các cột (cần các cột "
                + ", ".join(f"“{header}”" for header in spec.headers)
                + f") trong {HEADER_SEARCH_ROWS} dòng đầu của các trang."
            )
        raise SpreadsheetError("Dòng 1 của tệp phải là dòng tiêu đề các cột.")
    name, header_row, header_values = found
    headers = list(header_values)
    while headers and headers[-1] is None:
        headers.pop()
    table = Table(
        sheet_title=name,
        headers=[h if h is None else str(h) for h in headers],
        header_row=header_row,
    )
    rows = book[name].iter_rows(values_only=True, max_col=MAX_READ_COLUMNS, min_row=header_row + 1)
    for number, values in enumerate(rows, start=header_row + 1):
        if number > MAX_SHEET_ROWS:
            raise SpreadsheetError(f"Tệp có quá nhiều dòng (tối đa {_number(spec.max_rows)} dòng).")
        values = [_cell_value(value) for value in values]
        if not any(value is not None for value in values):
            continue
        if len(table.rows) >= spec.max_rows:
            raise SpreadsheetError(f"Tệp có quá nhiều dòng (tối đa {_number(spec.max_rows)} dòng).")
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


def describe_value(value: Any) -> str:
    """A cell's value as a person typed it, for a message: 01/05/1980, 1980, “text”."""
    if isinstance(value, dt.datetime):
        value = value.date() if not (value.hour or value.minute) else value
        if isinstance(value, dt.datetime):
            return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise(str(value)) if value is not None else ""
