"""The import reader every upload goes through: header row found on any sheet, limits, safe
XML, Vietnamese refusals (never a 500), and no write lock while a file is parsed."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from tracker.spreadsheets import SpreadsheetError, TableSpec, read_table, workbook_bytes

HEADERS = ("Mã chi bộ", "Tên chi bộ", "Loại")


def book_bytes(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    return workbook_bytes(book)


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """The same workbook with one part of its archive replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, content)
    return buffer.getvalue()


CELLS = [["ap-cho", "Chi bộ ấp Chợ", "Chi bộ ấp"], ["thcs", "Trường THCS", "Chi bộ trường học"]]
SPEC = TableSpec(headers=HEADERS, sheet_title="Chi bộ")


def test_the_header_row_is_found_below_title_rows():
    data = book_bytes({"Chi bộ": [["DANH SÁCH CHI BỘ"], ["Năm 2023"], [], list(HEADERS), *CELLS]})
    table = read_table(data, spec=SPEC)
    assert table.header_row == 4
    assert [(row.number, row.values["Mã chi bộ"]) for row in table.rows] == [
        (5, "ap-cho"),
        (6, "thcs"),
    ]
    assert table.missing(HEADERS) == []


def test_the_list_is_found_on_another_sheet_than_the_first():
    data = book_bytes({"Ghi chú": [["Đây là ghi chú"]], "Danh sách": [list(HEADERS), *CELLS]})
    table = read_table(data, spec=SPEC)
    assert table.sheet_title == "Danh sách" and len(table.rows) == 2


def test_headers_match_without_case_or_accents_and_rows_come_by_the_expected_names():
    data = book_bytes({"Chi bộ": [["MA CHI BO", "tên chi bộ", "LOẠI"], *CELLS]})
    table = read_table(data, spec=SPEC)
    assert table.by_expected(HEADERS)[0] == (
        2,
        {"Mã chi bộ": "ap-cho", "Tên chi bộ": "Chi bộ ấp Chợ", "Loại": "Chi bộ ấp"},
    )


def test_a_file_without_the_headers_says_which_are_needed():
    data = book_bytes({"Chi bộ": [["Họ và tên"], ["Nguyễn Văn A"]]})
    with pytest.raises(SpreadsheetError) as refused:
        read_table(data, spec=SPEC)
    assert "Không tìm thấy dòng tiêu đề" in refused.value.message
    assert "“Mã chi bộ”" in refused.value.message


def test_a_date_typed_in_a_cell_is_read_as_a_date():
    data = book_bytes({"Chi bộ": [list(HEADERS), ["x", dt.datetime(1980, 5, 1), None]]})
    (row,) = read_table(data, spec=SPEC).rows
    assert row.values["Tên chi bộ"] == dt.date(1980, 5, 1)


def test_too_many_rows_are_refused_with_the_limit():
    data = book_bytes({"Chi bộ": [list(HEADERS)] + [[f"c{i}", "Tên", "Loại"] for i in range(30)]})
    with pytest.raises(SpreadsheetError) as refused:
        read_table(data, spec=TableSpec(headers=HEADERS, max_rows=20))
    assert refused.value.message == "Tệp có quá nhiều dòng (tối đa 20 dòng)."


def test_a_small_file_that_unzips_to_a_huge_one_is_refused_quickly():
    """The probe's 120 KB file held 49 MB of shared strings: 37 s and 425 MB to parse."""
    strings = b"<sst>" + b"<si><t>" + b"A" * (40 * 1024 * 1024) + b"</t></si></sst>"
    data = replace_part(book_bytes({"Chi bộ": [list(HEADERS)]}), "xl/sharedStrings.xml", strings)
    assert len(data) < 200_000
    start = time.perf_counter()
    with pytest.raises(SpreadsheetError) as refused:
        read_table(data, spec=SPEC)
    assert time.perf_counter() - start < 2
    assert "quá lớn sau khi giải nén" in refused.value.message


def test_a_part_compressed_suspiciously_well_is_refused():
    strings = b"<sst>" + b"<si><t>" + b"A" * (3 * 1024 * 1024) + b"</t></si></sst>"
    data = replace_part(book_bytes({"Chi bộ": [list(HEADERS)]}), "xl/sharedStrings.xml", strings)
    with pytest.raises(SpreadsheetError) as refused:
        read_table(data, spec=SPEC)
    assert "quá lớn" in refused.value.message


SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    f'<worksheet {SHEET_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;'
    "</t></is></c></row></sheetData></worksheet>"
).encode()
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<worksheet {SHEET_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;'
    "</t></is></c></row></sheetData></worksheet>"
).encode()


@pytest.mark.parametrize(
    ("part", "message"),
    [
        (ENTITY_BOMB, "không an toàn"),
        (EXTERNAL_ENTITY, "không an toàn"),
        (b"<worksheet><sheetData><row", "Không đọc được tệp Excel (.xlsx)."),
        (b"\xff\xfe garbage", "Không đọc được tệp Excel (.xlsx)."),
    ],
    ids=["entity expansion", "external entity", "truncated XML", "not XML"],
)
def test_unsafe_or_malformed_xml_is_refused_with_a_message(part, message):
    data = replace_part(book_bytes({"Chi bộ": [list(HEADERS)]}), "xl/worksheets/sheet1.xml", part)
    with pytest.raises(SpreadsheetError) as refused:
        read_table(data, spec=SPEC)
    assert message in refused.value.message
    assert "passwd" not in refused.value.message and "root:" not in refused.value.message


def test_openpyxl_parses_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # entities are refused by the parser too, not only by us
