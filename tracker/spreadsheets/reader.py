"""Reading uploaded workbooks as tables, for imports that report errors by row."""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ..domain.vietnamese import ascii_fold, normalise

# Limits of what an upload may contain (a register has hundreds of rows, not millions).
MAX_READ_ROWS = 5_000
MAX_READ_COLUMNS = 60
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024

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
