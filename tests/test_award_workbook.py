"""The award workbook (contract.md) in the Party document layout of Hướng dẫn 36-HD/VPTW,
and the monthly matrix workbook: every file is read back with openpyxl."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from tracker.domain.awards import (
    AwardBook,
    CellLine,
    DocumentHeader,
    MemberLine,
    RankedLine,
    number_line,
    place_line,
    recipient_lines,
)
from tracker.spreadsheets import (
    MATRIX_FILLS,
    TABLE_ROW_HEIGHT,
    MatrixRow,
    MatrixTable,
    award_workbook,
    line_height,
    matrix_workbook,
    ooxml_text,
)

FORM = "Giấy khen của Ban Chấp hành Đảng bộ thị trấn Cù Lao Dung"
MONTHS = tuple(range(4, 13))
MALICIOUS = ['=HYPERLINK("http://evil.example","Bấm")', "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def header(**changes) -> DocumentHeader:
    values = {
        "superior_body": "Đảng bộ huyện Cù Lao Dung",
        "issuing_body": "Đảng ủy thị trấn Cù Lao Dung",
        "number_line": number_line("35-DS/ĐU", "ĐU"),
        "place_line": place_line("Cù Lao Dung", dt.date(2023, 1, 5), 2023),
        "signer_name": "Trần Văn Hùng",
        "recipients": recipient_lines("Ban Thường vụ Huyện ủy (b/c)\nCác chi bộ trực thuộc"),
    }
    values.update(changes)
    return DocumentHeader(**values)


def ranked(rank, code, name, scores, average, tot=9, grade="Tốt", category="Chi bộ ấp"):
    return RankedLine(rank, code, name, category, tuple(scores), Decimal(average), tot, grade)


def sample_book(cells=None, members=None, standings=None) -> AwardBook:
    if cells is None:
        cells = (
            CellLine(
                "ap-cho",
                "Chi bộ ấp Chợ",
                "Chi bộ ấp",
                48,
                Decimal("95.30"),
                9,
                1,
                "Điểm trung bình 95,30; 9/9 kỳ đạt loại Tốt; sinh hoạt chuyên đề đủ 3 quý",
                FORM,
                "",
            ),
            CellLine(
                "quan-su",
                "Chi bộ Quân sự",
                "Chi bộ ngành",
                14,
                Decimal("92.33"),
                9,
                2,
                "Điểm trung bình 92,33; 9/9 kỳ đạt loại Tốt",
                FORM,
                "Đề nghị thêm",
            ),
        )
    if members is None:
        members = (
            MemberLine(
                11,
                "Trần Mỹ Quyên",
                1961,
                "Bí thư",
                "Chi bộ ấp Chợ",
                "Dự đủ 9/9 kỳ sinh hoạt; phát biểu 7 lần",
                FORM,
                "",
            ),
            MemberLine(
                12,
                "Võ Văn Nghĩa",
                1984,
                "Bí thư",
                "Chi bộ Quân sự",
                "Dự đủ 9/9 kỳ sinh hoạt; phát biểu 3 lần",
                FORM,
                "",
            ),
        )
    if standings is None:
        full = [Decimal("95.5")] * 9
        gap = [Decimal(88)] * 9
        gap[2] = None  # June: no approved report
        standings = [
            ranked(1, "ap-cho", "Chi bộ ấp Chợ", full, "95.50"),
            ranked(2, "quan-su", "Chi bộ Quân sự", full, "95.50", category="Chi bộ ngành"),
            ranked(3, "cong-an", "Chi bộ Công an", gap, "78.22", tot=0, grade="Khá"),
        ]
    return AwardBook(2022, MONTHS, header(), tuple(cells), tuple(members), standings)


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def book():
    return read(award_workbook(sample_book()))


def table_header_row(sheet) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == "STT":
            return row[0].row
    raise AssertionError("no table header row")


def headers(sheet) -> list[str]:
    row = table_header_row(sheet)
    return [cell.value for cell in sheet[row] if cell.value is not None]


def table(sheet) -> list[list]:
    """The data rows of the table (until the first row without a number in STT)."""
    rows = []
    for row in sheet.iter_rows(min_row=table_header_row(sheet) + 1):
        if not isinstance(row[0].value, int):
            break
        rows.append(row)
    return rows


def find(sheet, text):
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not in sheet {sheet.title}")


def merged_range_of(sheet, cell):
    for merged in sheet.merged_cells.ranges:
        if cell.coordinate in merged:
            return merged
    return None


def column_width(sheet, column: int) -> float:
    """A column's width in units; a file may give one width to a run of columns."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min <= column <= dimension.max:
            return dimension.width
    raise AssertionError(f"no width for column {column}")


def columns_centre(sheet, first: int, last: int) -> float:
    """The centre of a run of columns, in width units from the left edge."""
    widths = [column_width(sheet, i) for i in range(1, last + 1)]
    return sum(widths[: first - 1]) + sum(widths[first - 1 :]) / 2


# --------------------------------------------------------------------------------------------
# Sheets and tables (contract.md)


def test_the_workbook_has_the_three_sheets_of_the_contract(book):
    assert book.sheetnames == ["Tập thể", "Cá nhân", "Xếp hạng"]


def test_the_cells_table_has_the_contract_headers_in_order(book):
    assert headers(book["Tập thể"]) == [
        "STT",
        "Tên chi bộ",
        "Loại",
        "Số đảng viên",
        "Điểm trung bình",
        "Số kỳ Tốt",
        "Xếp hạng",
        "Tóm tắt thành tích",
        "Hình thức khen thưởng",
        "Ghi chú",
    ]


def test_the_members_table_has_the_contract_headers_in_order(book):
    assert headers(book["Cá nhân"]) == [
        "STT",
        "Họ và tên",
        "Năm sinh",
        "Chức vụ",
        "Chi bộ",
        "Tóm tắt thành tích",
        "Hình thức khen thưởng",
        "Ghi chú",
    ]


def test_the_standings_table_has_one_column_per_counted_month(book):
    assert headers(book["Xếp hạng"]) == [
        "STT",
        "Tên chi bộ",
        "Loại",
        "T4",
        "T5",
        "T6",
        "T7",
        "T8",
        "T9",
        "T10",
        "T11",
        "T12",
        "Điểm trung bình",
        "Số kỳ Tốt",
        "Xếp hạng",
        "Xếp loại",
    ]


def test_the_cell_and_member_rows_follow_the_proposal_order(book):
    cells = [[c.value for c in row] for row in table(book["Tập thể"])]
    assert cells == [
        [
            1,
            "Chi bộ ấp Chợ",
            "Chi bộ ấp",
            48,
            95.3,
            9,
            1,
            "Điểm trung bình 95,30; 9/9 kỳ đạt loại Tốt; sinh hoạt chuyên đề đủ 3 quý",
            FORM,
            None,
        ],
        [
            2,
            "Chi bộ Quân sự",
            "Chi bộ ngành",
            14,
            92.33,
            9,
            2,
            "Điểm trung bình 92,33; 9/9 kỳ đạt loại Tốt",
            FORM,
            "Đề nghị thêm",
        ],
    ]
    names = [row[1].value for row in table(book["Cá nhân"])]
    assert names == ["Trần Mỹ Quyên", "Võ Văn Nghĩa"]


def test_the_standings_rows_are_in_rank_order_and_a_missing_month_is_an_empty_cell(book):
    rows = table(book["Xếp hạng"])
    assert [(row[0].value, row[1].value, row[-2].value) for row in rows] == [
        (1, "Chi bộ ấp Chợ", 1),
        (2, "Chi bộ Quân sự", 2),
        (3, "Chi bộ Công an", 3),
    ]
    june = headers(book["Xếp hạng"]).index("T6")
    assert rows[2][june].value is None
    assert rows[2][june].border.left.style == "thin"  # still a bordered cell of the table
    assert rows[2][june + 1].value == 88


def test_numbers_are_numeric_cells_with_two_decimals(book):
    rows = table(book["Xếp hạng"])
    average = headers(book["Xếp hạng"]).index("Điểm trung bình")
    cell = rows[2][average]
    assert cell.data_type == "n" and cell.value == pytest.approx(78.22)
    assert cell.number_format == "0.00"
    assert rows[0][3].data_type == "n" and rows[0][3].number_format == "0.00"
    for sheet in ("Tập thể", "Cá nhân"):
        for row in table(book[sheet]):
            assert row[0].data_type == "n"  # STT
    assert table(book["Tập thể"])[0][4].number_format == "0.00"


def test_table_cells_are_bordered_wrapped_times_new_roman_12(book):
    header_row = table_header_row(book["Tập thể"])
    head = book["Tập thể"].cell(row=header_row, column=2)
    assert (head.font.name, head.font.size, head.font.bold) == ("Times New Roman", 12, True)
    assert head.alignment.wrap_text and head.border.bottom.style == "thin"
    summary = table(book["Tập thể"])[0][7]
    assert summary.font.name == "Times New Roman" and summary.font.size == 12
    assert summary.alignment.wrap_text
    assert {
        summary.border.left.style,
        summary.border.right.style,
        summary.border.top.style,
        summary.border.bottom.style,
    } == {"thin"}


def test_a_row_of_wrapped_text_is_given_the_height_of_its_lines(book):
    sheet = book["Tập thể"]
    first, _second = table(sheet)
    long_row = sheet.row_dimensions[first[0].row].height
    assert long_row and long_row > 17
    assert sheet.sheet_format.defaultRowHeight == TABLE_ROW_HEIGHT  # 23 pixels


# Excel gives a line of Times New Roman 12 pt 15.75 pt: a row of n lines needs n times that.
EXCEL_LINE_12PT = 15.75


def member_with_summary(summary: str) -> MemberLine:
    """A member whose summary is the only long text of her row."""
    return MemberLine(1, "Lê Văn An", 1980, "Đảng viên", "Chi bộ ấp Chợ", summary, "", "")


def test_a_summary_with_line_breaks_gets_a_line_of_height_per_paragraph():
    summary = "Dòng 1\nDòng 2\nDòng 3\nDòng 4\nDòng 5"
    sheet = read(award_workbook(sample_book(members=(member_with_summary(summary),))))["Cá nhân"]
    (row,) = table(sheet)
    assert row[5].value == summary
    assert sheet.row_dimensions[row[0].row].height >= 5 * EXCEL_LINE_12PT


def test_a_summary_just_wider_than_its_column_gets_two_lines():
    # 39 characters, about 188 pt of Times New Roman 12 pt: more than the 30-unit column
    # (157.5 pt less its padding) holds on one line.
    summary = "Dự đủ 9/9 kỳ sinh hoạt; phát biểu 7 lần"
    sheet = read(award_workbook(sample_book(members=(member_with_summary(summary),))))["Cá nhân"]
    (row,) = table(sheet)
    assert column_width(sheet, 6) == 30
    assert sheet.row_dimensions[row[0].row].height >= 2 * EXCEL_LINE_12PT


def test_a_category_name_fits_its_column_on_one_line():
    # "Chi bộ trường học" is about 88 pt of Times New Roman 12 pt.
    cells = (CellLine("thcs", "Trường THCS", "Chi bộ trường học", 9, None, None, None, "", "", ""),)
    sheet = read(award_workbook(sample_book(cells=cells)))["Tập thể"]
    (row,) = table(sheet)
    assert column_width(sheet, 3) * 5.25 - 3.75 >= 88 * 1.05
    assert sheet.row_dimensions[row[0].row].height in (None, TABLE_ROW_HEIGHT)


def test_line_heights_are_never_below_excels():
    assert line_height(12) >= EXCEL_LINE_12PT
    assert line_height(12, 5) >= 5 * EXCEL_LINE_12PT
    assert line_height(14) >= 18.75


def test_column_widths_are_set(book):
    sheet = book["Tập thể"]
    assert column_width(sheet, 2) == 24  # Tên chi bộ
    assert column_width(sheet, 8) == 30  # Tóm tắt thành tích


# --------------------------------------------------------------------------------------------
# The Party document layout


@pytest.mark.parametrize("title", ["Tập thể", "Cá nhân", "Xếp hạng"])
def test_every_sheet_has_the_header_block_at_the_left(book, title):
    sheet = book[title]
    superior, issuer, star, number = (sheet.cell(row=r, column=1) for r in range(1, 5))
    assert superior.value == "ĐẢNG BỘ HUYỆN CÙ LAO DUNG"
    assert (superior.font.name, superior.font.size, superior.font.bold) == (
        "Times New Roman",
        14,
        False,
    )
    assert issuer.value == "ĐẢNG ỦY THỊ TRẤN CÙ LAO DUNG"
    assert (issuer.font.size, issuer.font.bold) == (14, True)
    assert star.value == "*" and star.alignment.horizontal == "center"
    assert number.value == "Số 35-DS/ĐU" and number.font.size == 14
    # The four lines share the left block, each centred in it.
    blocks = {
        (merged_range_of(sheet, cell).min_col, merged_range_of(sheet, cell).max_col)
        for cell in (superior, issuer, star, number)
    }
    assert len(blocks) == 1
    ((first, last),) = blocks
    assert first == 1 and last < len(headers(sheet)) - 1  # room is left for the right block
    assert all(c.alignment.horizontal == "center" for c in (superior, issuer, star, number))


@pytest.mark.parametrize("title", ["Tập thể", "Cá nhân", "Xếp hạng"])
def test_every_sheet_has_the_party_name_with_its_rule_and_the_dated_place_at_the_right(book, title):
    sheet = book[title]
    party = find(sheet, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert party.row == 1
    assert (party.font.name, party.font.size, party.font.bold) == ("Times New Roman", 15, True)
    rule = merged_range_of(sheet, party)
    first, _top, last, _bottom = rule.bounds if rule else (party.column, 1, party.column, 1)
    for column in range(first, last + 1):  # the rule: a bottom border under the whole name
        assert sheet.cell(row=1, column=column).border.bottom.style == "thin"
    place = find(sheet, "Cù Lao Dung, ngày 05 tháng 01 năm 2023")
    assert place.row == 3
    assert (place.font.size, place.font.italic) == (14, True)
    place_first, _t, place_last, _b = merged_range_of(sheet, place).bounds
    left_last = range_boundaries(str(merged_range_of(sheet, sheet["A1"])))[2]
    assert place_first > left_last and first > left_last  # right of the left block
    # The rule and the date are centred on the same line, within a column or so.
    assert (
        abs(columns_centre(sheet, first, last) - columns_centre(sheet, place_first, place_last))
        <= 2
    )


TITLES = {
    "Tập thể": "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
    "Cá nhân": "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
    "Xếp hạng": "BẢNG XẾP HẠNG CHẤT LƯỢNG SINH HOẠT CHI BỘ NĂM 2022",
}


@pytest.mark.parametrize("title", ["Tập thể", "Cá nhân", "Xếp hạng"])
def test_every_sheet_has_the_title_and_summary_line_centred_over_the_table(book, title):
    sheet = book[title]
    title_cell = find(sheet, TITLES[title])
    assert title_cell.font.bold and title_cell.font.size in (15, 16)
    assert title_cell.alignment.horizontal == "center"
    summary = sheet.cell(row=title_cell.row + 1, column=1)
    assert "năm 2022" in summary.value
    assert (summary.font.bold, summary.font.size) == (True, 14)
    last_column = get_column_letter(len(headers(sheet)))
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert f"A{title_cell.row}:{last_column}{title_cell.row}" in merged
    assert f"A{summary.row}:{last_column}{summary.row}" in merged
    assert title_cell.row < table_header_row(sheet)


def test_the_summary_lines_say_what_each_list_is(book):
    def line(title):
        return book[title].cell(row=find(book[title], TITLES[title]).row + 1, column=1).value

    assert line("Tập thể").startswith("Tập thể chi bộ có thành tích xuất sắc")
    assert line("Cá nhân").startswith("Cá nhân đảng viên có thành tích xuất sắc")
    assert line("Xếp hạng") == (
        "Kèm theo danh sách đề nghị khen thưởng trong phong trào thi đua "
        "“Nâng cao chất lượng sinh hoạt chi bộ” năm 2022"
    )


def test_the_ranking_sheet_is_titled_as_a_ranking_table_not_as_the_proposal(book):
    sheet = book["Xếp hạng"]
    texts = {cell.value for row in sheet.iter_rows() for cell in row if cell.value}
    assert "BẢNG XẾP HẠNG CHẤT LƯỢNG SINH HOẠT CHI BỘ NĂM 2022" in texts
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" not in texts


@pytest.mark.parametrize("title", ["Tập thể", "Cá nhân", "Xếp hạng"])
def test_every_sheet_ends_with_the_signature_block_and_the_recipients(book, title):
    sheet = book[title]
    last_table_row = table(sheet)[-1][0].row
    for_whom = find(sheet, "T/M ĐẢNG ỦY")
    signer_title = find(sheet, "BÍ THƯ")
    name = find(sheet, "Trần Văn Hùng")
    assert last_table_row < for_whom.row < signer_title.row < name.row
    assert name.row - signer_title.row >= 4  # room for the signature and the seal
    for cell in (for_whom, signer_title, name):
        assert (cell.font.bold, cell.font.size, cell.alignment.horizontal) == (True, 14, "center")
        assert cell.column > 3  # at the right
    recipients_title = find(sheet, "Nơi nhận:")
    assert recipients_title.row == for_whom.row and recipients_title.column == 1
    assert recipients_title.font.size == 14 and recipients_title.font.underline == "single"
    lines = [sheet.cell(row=recipients_title.row + i, column=1) for i in range(1, 4)]
    assert [cell.value for cell in lines] == [
        "- Ban Thường vụ Huyện ủy (b/c),",
        "- Các chi bộ trực thuộc,",
        "- Lưu Văn phòng Đảng ủy.",
    ]
    assert all(cell.font.size == 12 and cell.font.name == "Times New Roman" for cell in lines)


@pytest.mark.parametrize("title", ["Tập thể", "Cá nhân", "Xếp hạng"])
def test_every_sheet_prints_on_a4_with_the_party_margins_scaled_to_the_page_width(book, title):
    sheet = book[title]
    setup = sheet.page_setup
    assert int(setup.paperSize) == 9
    assert setup.orientation == "landscape"
    # Fit to the page width, as many pages tall as needed.
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)  # 1 is the file's default
    scale = int(setup.scale)  # the scale of that fit in Excel, for a printout without it
    margins = sheet.page_margins
    assert margins.top == pytest.approx(20 / 25.4)
    assert margins.bottom == pytest.approx(20 / 25.4)
    assert margins.left == pytest.approx(30 / 25.4)
    assert margins.right == pytest.approx(15 / 25.4)
    # The columns fit between the margins of a landscape A4 page (297 - 45 mm), nearly filling it.
    columns_width = sum(column_width(sheet, c) * 5.25 for c in range(1, len(headers(sheet)) + 1))
    room = (297 - 45) / 25.4 * 72
    assert 0.9 * room <= columns_width * scale / 100 <= room
    row = table_header_row(sheet)
    # The table header on every page.
    assert sheet.print_title_rows.replace("$", "") == f"{row}:{row}"


@pytest.mark.parametrize("title", ["Tập thể", "Cá nhân", "Xếp hạng"])
def test_every_sheet_numbers_its_own_pages_from_one(book, title):
    """Each sheet is a document of its own: printing the whole workbook must not number the
    ranking table's first page "Trang 5/7"."""
    sheet = book[title]
    assert int(sheet.page_setup.firstPageNumber or 1) == 1  # 1 is the file's default
    assert sheet.page_setup.useFirstPageNumber
    footer = sheet.oddFooter.center.text
    assert footer == "Trang &P"
    assert "&N" not in footer  # Excel's &N counts the pages of the whole print job


def test_a_document_without_number_or_date_leaves_room_to_write_them_by_hand():
    assert number_line("", "ĐU") == "Số      -DS/ĐU"
    assert place_line("Cù Lao Dung", None, 2023) == "Cù Lao Dung, ngày      tháng      năm 2023"
    data = award_workbook(
        sample_book().__class__(2022, MONTHS, header(number_line=number_line("", "ĐU")), (), (), [])
    )
    sheet = read(data)["Tập thể"]
    assert sheet["A4"].value == "Số      -DS/ĐU"


def test_empty_lists_print_a_note_in_the_table():
    data = award_workbook(sample_book(cells=(), members=(), standings=[]))
    workbook = read(data)
    for title, text in (
        ("Tập thể", "Không có tập thể nào được đề nghị khen thưởng."),
        ("Cá nhân", "Không có cá nhân nào được đề nghị khen thưởng."),
        ("Xếp hạng", "Chưa có chi bộ nào được xếp hạng."),
    ):
        note = find(workbook[title], text)
        assert note.row == table_header_row(workbook[title]) + 1
        assert merged_range_of(workbook[title], note) is not None


# --------------------------------------------------------------------------------------------
# Formula safety


def formulas_in(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


@pytest.mark.parametrize("text", MALICIOUS, ids=repr)
def test_malicious_names_and_summaries_are_stored_as_text(text):
    cells = (CellLine("x", text, "Chi bộ ấp", 3, Decimal(90), 5, 1, text, FORM, text),)
    members = (MemberLine(1, text, 1980, "Đảng viên", "Chi bộ ấp Chợ", text, text, text),)
    standings = [ranked(1, "x", text, [Decimal(90)] * 9, "90.00")]
    data = award_workbook(sample_book(cells=cells, members=members, standings=standings))
    assert formulas_in(data) == []
    workbook = read(data)
    written = [
        table(workbook["Tập thể"])[0][1],
        table(workbook["Tập thể"])[0][7],
        table(workbook["Tập thể"])[0][9],
        table(workbook["Cá nhân"])[0][1],
        table(workbook["Cá nhân"])[0][5],
        table(workbook["Cá nhân"])[0][6],
        table(workbook["Xếp hạng"])[0][1],
    ]
    for cell in written:
        assert cell.data_type == "s"
        assert ooxml_text(cell.value) == text  # a carriage return comes back as "_x000D_"
        assert cell.quotePrefix


def test_negative_numbers_stay_numbers_and_error_codes_stay_text():
    standings = [ranked(1, "x", "#N/A", [Decimal("-2.5")] + [Decimal(90)] * 8, "-1.50")]
    workbook = read(award_workbook(sample_book(standings=standings)))
    row = table(workbook["Xếp hạng"])[0]
    assert row[1].data_type == "s" and row[1].value == "#N/A"
    assert row[3].data_type == "n" and row[3].value == -2.5
    assert row[12].data_type == "n" and row[12].value == -1.5


def test_control_characters_that_excel_refuses_are_removed():
    members = (
        MemberLine(
            1, "Lê\x07 Văn\x00 An", 1980, "Đảng viên", "Chi bộ\x1b ấp", "Dự\x0b đủ", FORM, ""
        ),
    )
    row = table(read(award_workbook(sample_book(members=members)))["Cá nhân"])[0]
    assert [row[1].value, row[4].value, row[5].value] == ["Lê Văn An", "Chi bộ ấp", "Dự đủ"]


def test_a_user_written_header_is_text_too():
    data = award_workbook(
        AwardBook(2022, MONTHS, header(superior_body="=1+1", signer_name="@x"), (), (), [])
    )
    sheet = read(data)["Tập thể"]
    assert sheet["A1"].value == "=1+1" and sheet["A1"].data_type == "s"
    assert find(sheet, "@x").data_type == "s"
    assert formulas_in(data) == []


# --------------------------------------------------------------------------------------------
# What a closed year stores


def test_the_award_book_survives_json_exactly():
    book = sample_book()
    stored = json.loads(json.dumps(book.to_dict()))
    assert AwardBook.from_dict(stored) == AwardBook(
        book.year, book.months, book.header, book.cells, book.members, list(book.standings)
    )
    assert stored["standings"][2]["scores"][2] is None
    assert stored["cells"][0]["average"] == "95.30"  # exact, never a float


def test_an_unknown_stored_version_is_refused():
    stored = sample_book().to_dict()
    stored["version"] = 99
    with pytest.raises(ValueError):
        AwardBook.from_dict(stored)


# --------------------------------------------------------------------------------------------
# The monthly matrix of the rankings page


def matrix(rows=None) -> MatrixTable:
    if rows is None:
        rows = [
            MatrixRow(
                1,
                "Chi bộ ấp Chợ",
                "Chi bộ ấp",
                ((Decimal(95), "tot"), (Decimal("85.5"), "kha"), (None, "pending")),
                Decimal("60.17"),
                1,
                0,
                "Trung bình",
            ),
            MatrixRow(
                2,
                "=cmd",
                "Chi bộ ngành",
                ((Decimal(60), "trung_binh"), (None, "missing"), (Decimal(40), "kem")),
                Decimal("33.33"),
                0,
                1,
                "Kém",
            ),
        ]
    return MatrixTable(2022, "", (4, 5, 6), False, rows)


def test_the_matrix_status_line_says_only_what_is_true():
    """A year closed with months never approved is final, but not "every report approved"."""
    table = matrix()
    assert table.status.startswith("Kết quả tạm tính")
    final = dataclasses.replace(table, final=True)
    assert final.status == (
        "Kết quả chính thức: mọi tháng đã kết thúc và mọi báo cáo đã được duyệt."
    )
    closed = dataclasses.replace(table, final=True, closed=True)  # a month is missing
    assert closed.status == (
        "Kết quả chính thức: năm thi đua đã khóa sổ; tháng không có báo cáo được duyệt tính 0 "
        "điểm."
    )
    sheet = read(matrix_workbook(closed))["Điểm từng tháng"]
    assert sheet["A2"].value == closed.status


def test_the_matrix_workbook_has_a_column_per_month_and_numeric_scores():
    sheet = read(matrix_workbook(matrix()))["Điểm từng tháng"]
    row = next(r[0].row for r in sheet.iter_rows(min_col=1, max_col=1) if r[0].value == "Xếp hạng")
    assert [c.value for c in sheet[row]] == [
        "Xếp hạng",
        "Tên chi bộ",
        "Loại",
        "T4",
        "T5",
        "T6",
        "Điểm trung bình",
        "Số kỳ Tốt",
        "Số kỳ thiếu",
        "Xếp loại",
    ]
    first = [c.value for c in sheet[row + 1]]
    assert first == [1, "Chi bộ ấp Chợ", "Chi bộ ấp", 95, 85.5, None, 60.17, 1, 0, "Trung bình"]
    assert sheet.cell(row=row + 1, column=4).number_format == "0.00"
    second = sheet[row + 2]
    assert second[1].data_type == "s" and second[1].value == "=cmd"
    assert sheet.freeze_panes == f"C{row + 1}"
    assert sheet.print_title_rows.replace("$", "") == f"{row}:{row}"


def test_the_matrix_colours_each_month_by_its_grade():
    sheet = read(matrix_workbook(matrix()))["Điểm từng tháng"]
    row = next(r[0].row for r in sheet.iter_rows(min_col=1, max_col=1) if r[0].value == "Xếp hạng")

    def colour(r, c):
        fill = sheet.cell(row=r, column=c).fill
        return fill.fgColor.rgb[-6:] if fill.fill_type == "solid" else None

    assert colour(row + 1, 4) == MATRIX_FILLS["tot"]
    assert colour(row + 1, 5) == MATRIX_FILLS["kha"]
    assert colour(row + 1, 6) == MATRIX_FILLS["pending"]
    assert colour(row + 2, 4) == MATRIX_FILLS["trung_binh"]
    assert colour(row + 2, 5) is None  # missing: empty, no colour
    assert colour(row + 2, 6) == MATRIX_FILLS["kem"]


def test_a_large_standings_sheet_is_streamed_row_by_row():
    """Ten thousand cells: every row written, the last one complete (write-only mode)."""
    scores = [Decimal(90)] * 9
    standings = [ranked(i, f"c{i}", f"Chi bộ {i:05d}", scores, "90.00") for i in range(1, 10_001)]
    data = award_workbook(sample_book(standings=standings))
    sheet = load_workbook(io.BytesIO(data), read_only=True)["Xếp hạng"]
    last = None
    count = 0
    for row in sheet.iter_rows(values_only=True):
        if row and isinstance(row[0], int):
            count += 1
            last = row
    assert count == 10_000
    assert last[:2] == (10_000, "Chi bộ 10000") and last[-2] == 10_000


# --------------------------------------------------------------------------------------------
# No header line is clipped: every merged range is as wide as its text (or the text wraps)

# Widths of the header's lines in Times New Roman (its advance widths), in points.
PARTY_NAME_POINTS = 206.7  # "ĐẢNG CỘNG SẢN VIỆT NAM", bold 15 pt
ISSUER_POINTS = 239.6  # "ĐẢNG ỦY THỊ TRẤN CÙ LAO DUNG", bold 14 pt
SUPERIOR_POINTS = 215.0  # "ĐẢNG BỘ HUYỆN CÙ LAO DUNG", 14 pt
PLACE_POINTS = 239.9  # "Cù Lao Dung, ngày 05 tháng 01 năm 2023", italic 14 pt
TWELVE_MONTHS = tuple(range(1, 13))
LONG_ISSUER = "Đảng ủy Cơ quan Ủy ban nhân dân huyện Cù Lao Dung tỉnh Sóc Trăng"


def room(sheet, cell) -> float:
    """The points of text that a cell's merged range holds on one line (padding left out)."""
    merged = merged_range_of(sheet, cell)
    first, last = (merged.min_col, merged.max_col) if merged else (cell.column, cell.column)
    units = sum(column_width(sheet, c) for c in range(first, last + 1))
    return units * 5.25 - 3.75


def assert_not_clipped(sheet, cell, points: float) -> None:
    """Either the text fits its range on one line, or it wraps in a row tall enough."""
    if points <= room(sheet, cell):
        return
    assert cell.alignment.wrap_text, f"{cell.value!r} is clipped on sheet {sheet.title}"
    lines = -(-points // room(sheet, cell))
    assert sheet.row_dimensions[cell.row].height >= lines * cell.font.size * 1.3125


def year_book(year: int, months, **header_changes) -> AwardBook:
    scores = [Decimal(95)] * len(months)
    standings = [ranked(1, "ap-cho", "Chi bộ ấp Chợ", scores, "95.00")]
    book = sample_book(standings=standings)
    return AwardBook(
        year, tuple(months), header(**header_changes), book.cells, book.members, standings
    )


@pytest.mark.parametrize("months", [MONTHS, TWELVE_MONTHS], ids=["9 months", "12 months"])
@pytest.mark.parametrize("title", ["Tập thể", "Cá nhân", "Xếp hạng"])
def test_the_header_lines_are_never_clipped(title, months):
    sheet = read(award_workbook(year_book(2023, months)))[title]
    party = find(sheet, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert room(sheet, party) >= PARTY_NAME_POINTS  # one line, with its rule under it
    assert room(sheet, find(sheet, "ĐẢNG ỦY THỊ TRẤN CÙ LAO DUNG")) >= ISSUER_POINTS
    assert room(sheet, find(sheet, "ĐẢNG BỘ HUYỆN CÙ LAO DUNG")) >= SUPERIOR_POINTS
    assert room(sheet, find(sheet, "Cù Lao Dung, ngày 05 tháng 01 năm 2023")) >= PLACE_POINTS
    for text in ("T/M ĐẢNG ỦY", "BÍ THƯ", "Trần Văn Hùng"):
        assert room(sheet, find(sheet, text)) >= PLACE_POINTS * 0.5


@pytest.mark.parametrize("months", [MONTHS, TWELVE_MONTHS, (1,)], ids=["9", "12", "1"])
@pytest.mark.parametrize("title", ["Tập thể", "Cá nhân", "Xếp hạng"])
def test_long_committee_names_and_titles_wrap_instead_of_being_clipped(title, months):
    from tracker.spreadsheets import text_width

    book = year_book(
        2023,
        months,
        issuing_body=LONG_ISSUER,
        superior_body="Đảng bộ huyện Cù Lao Dung, tỉnh Sóc Trăng",
        signer_name="Nguyễn Thị Ngọc Hạnh Phương Thảo",
    )
    sheet = read(award_workbook(book))[title]
    checks = [
        (LONG_ISSUER.upper(), 14, {"bold": True}),
        ("ĐẢNG BỘ HUYỆN CÙ LAO DUNG, TỈNH SÓC TRĂNG", 14, {}),
        ("ĐẢNG CỘNG SẢN VIỆT NAM", 15, {"bold": True}),
        ("Cù Lao Dung, ngày 05 tháng 01 năm 2023", 14, {"italic": True}),
        ("Nguyễn Thị Ngọc Hạnh Phương Thảo", 14, {"bold": True}),
        (TITLES[title].replace("2022", "2023"), 16, {"bold": True}),
    ]
    for text, size, style in checks:
        cell = find(sheet, text)
        assert cell.font.size == size
        assert_not_clipped(sheet, cell, text_width(text, size, **style))


def test_text_widths_follow_times_new_roman():
    from tracker.spreadsheets import text_width

    for text, size, style, points in (
        ("ĐẢNG CỘNG SẢN VIỆT NAM", 15, {"bold": True}, PARTY_NAME_POINTS),
        ("ĐẢNG ỦY THỊ TRẤN CÙ LAO DUNG", 14, {"bold": True}, ISSUER_POINTS),
        ("Cù Lao Dung, ngày 05 tháng 01 năm 2023", 14, {"italic": True}, PLACE_POINTS),
    ):
        # Estimated a little wide, never narrow.
        assert points <= text_width(text, size, **style) <= points * 1.1


# --------------------------------------------------------------------------------------------
# The signature block is never split, nor alone on a page


def printed_pages(sheet, *, grow: float = 1.0) -> list[list[int]]:
    """The rows of each printed page, laid out like a printer from what the file says: the
    row heights, the print scale, the A4 landscape page less its margins, the repeated
    table header and the manual row breaks. ``grow`` makes every row that much taller."""
    scale = int(sheet.page_setup.scale) / 100
    page_height = (210 - 20 - 20) / 25.4 * 72 / scale
    default = sheet.sheet_format.defaultRowHeight
    title_row = int(sheet.print_title_rows.replace("$", "").split(":")[0])
    breaks = {brk.id for brk in sheet.row_breaks.brk}  # a break follows row id

    def height(row):
        return (sheet.row_dimensions[row].height or default) * grow

    pages, used = [[]], 0.0
    for row in range(1, sheet.max_row + 1):
        full = pages[-1] and used + height(row) > page_height
        if full or (row - 1) in breaks:
            pages.append([])
            used = height(title_row) if row > title_row else 0.0
        pages[-1].append(row)
        used += height(row)
    return pages


def page_of(pages, row) -> int:
    return next(index for index, rows in enumerate(pages) if row in rows)


def people(count: int) -> tuple[MemberLine, ...]:
    return tuple(
        MemberLine(
            index,
            f"Nguyễn Văn Thành {index}",
            1970,
            "Đảng viên",
            "Chi bộ ấp Phước Hòa A",
            "Dự đủ 9/9 kỳ sinh hoạt; phát biểu 7 lần",
            FORM,
            "",
        )
        for index in range(1, count + 1)
    )


@pytest.mark.parametrize("count", range(1, 71))
def test_the_signature_block_stays_on_one_page_with_the_last_rows_of_the_table(count):
    sheet = read(award_workbook(sample_book(members=people(count))))["Cá nhân"]
    last_table_row = table(sheet)[-1][0].row
    name = find(sheet, "Trần Văn Hùng").row
    for grow in (1.0, 1.01, 0.99):  # and when a printer's rows are a little taller or shorter
        pages = printed_pages(sheet, grow=grow)
        signature_page = page_of(pages, find(sheet, "Nơi nhận:").row)
        assert page_of(pages, name) == signature_page, f"{count} members: block split"
        kept = 1 if count == 1 else 2
        assert page_of(pages, last_table_row - kept + 1) == signature_page, (
            f"{count} members: the signature block is without the last rows of the table"
        )
        assert all(len(rows) > 1 for rows in pages)  # no page holds a single row


def first_list_needing_a_break() -> bytes:
    """The award workbook of the shortest member list whose signature block would not fit
    under its table."""
    for count in range(1, 71):
        data = award_workbook(sample_book(members=people(count)))
        if read(data)["Cá nhân"].row_breaks.brk:
            return data
    raise AssertionError("no list length needed a page break")


def test_a_list_that_would_split_the_signature_block_breaks_the_page_before_its_last_rows():
    sheet = read(first_list_needing_a_break())["Cá nhân"]
    (brk,) = sheet.row_breaks.brk
    assert brk.man  # a manual break
    last_table_row = table(sheet)[-1][0].row
    assert last_table_row - 3 <= brk.id < last_table_row - 1  # before the last rows


def test_the_page_break_is_written_by_the_streaming_writer():
    with zipfile.ZipFile(io.BytesIO(first_list_needing_a_break())) as archive:
        xml = archive.read("xl/worksheets/sheet2.xml")  # "Cá nhân"
    assert b"<rowBreaks" in xml and b'man="1"' in xml


def test_page_break_before_keeps_a_block_together():
    from tracker.spreadsheets import page_break_before

    heights = [20.0] * 30  # row 1 is the repeated title row
    assert page_break_before(heights[:8], 5, 200, 1) is None  # all on the first page
    # A page holds 10 rows: rows 9 to 12 would straddle the first page's end.
    assert page_break_before(heights[:12], 9, 210, 1) == 9
    # A page holds 11 rows (10 when a printer's rows are 1% taller): then row 20 starts the
    # third page, and a break before row 21 would leave it alone there, so the break goes
    # before it.
    assert page_break_before(heights[:22], 21, 220, 1) == 20


def test_a_short_list_that_fits_its_page_with_room_to_spare_is_not_broken():
    """The printed trial's 3-cell list: 527 points on a page of 535 (A4 landscape at 90 %)
    was broken after its first row, two pages with one row on the first."""
    from tracker.spreadsheets import page_break_before

    head = [22.5, 21, 21, 21, 21, 23.25, 21, 19.5, 15.75]
    rows = [33.75, 49.5, 49.5, 49.5]  # the table's header row (10), then three cells
    signature = [18, 21, 21, 19.5, 19.5, 19.5, 19.5, 21]
    page = (210 - 20 - 20) / 25.4 * 72 / 0.9
    assert page_break_before([*head, *rows, *signature], 12, page, 10) is None


# --------------------------------------------------------------------------------------------
# What the printed review found (docs: reviews/2026-12-printed-workbook.md)


def sheet_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


def row_height(sheet, row: int) -> float:
    return sheet.row_dimensions[row].height or sheet.sheet_format.defaultRowHeight


def test_no_row_is_taller_than_a_page_or_409_points_and_a_long_summary_goes_on_below():
    summary = " ".join(["Tham gia đầy đủ các kỳ sinh hoạt, phát biểu xây dựng"] * 40)[:2000]
    members = (member_with_summary(summary), *people(2))
    sheet = read(award_workbook(sample_book(members=members)))["Cá nhân"]
    pages = printed_pages(sheet)
    scale = int(sheet.page_setup.scale) / 100
    page_height = (210 - 20 - 20) / 25.4 * 72 / scale
    head = table_header_row(sheet)
    for row in range(1, sheet.max_row + 1):
        assert row_height(sheet, row) <= 409
        assert row_height(sheet, row) + row_height(sheet, head) <= page_height
    # The summary goes on in its column in the rows below, whole and in order.
    first = table(sheet)[0][0].row
    pieces = []
    row = first
    while row == first or sheet.cell(row=row, column=1).value is None:
        pieces.append(sheet.cell(row=row, column=6).value or "")
        row += 1
    assert len(pieces) > 1
    assert " ".join(" ".join(pieces).split()) == " ".join(summary.split())
    assert sheet.cell(row=row, column=1).value == 2  # then the next member
    assert page_of(pages, find(sheet, "Nơi nhận:").row) == page_of(pages, row + 1)


def test_the_matrix_header_row_is_as_tall_as_its_longest_header_wraps():
    from tracker.spreadsheets import text_lines

    sheet = read(matrix_workbook(matrix()))["Điểm từng tháng"]
    row = next(r[0].row for r in sheet.iter_rows(min_col=1, max_col=1) if r[0].value == "Xếp hạng")
    lines = max(
        text_lines(c.value, column_width(sheet, c.column), 12, bold=True) for c in sheet[row]
    )
    assert lines == 2 and text_lines("Điểm trung bình", 10, 12, bold=True) == 3  # was clipped
    assert row_height(sheet, row) >= lines * EXCEL_LINE_12PT


def test_a_nine_row_ranking_table_prints_on_one_page():
    scores = [Decimal(90)] * 9
    standings = [
        ranked(i, f"c{i}", f"Chi bộ ấp Phước Hòa {i}", scores, "90.00") for i in range(1, 10)
    ]
    sheet = read(award_workbook(sample_book(standings=standings)))["Xếp hạng"]
    assert not sheet.row_breaks.brk
    assert len(printed_pages(sheet)) == 1


def test_times_new_roman_is_the_workbooks_default_font():
    """Column widths are measured in the default font's digits: Calibri, missing on most
    machines without Office, printed the sheets at 78%."""
    for data in (award_workbook(sample_book()), matrix_workbook(matrix())):
        styles = sheet_xml(data, "xl/styles.xml")
        first_font = styles.split("<font>", 1)[1].split("</font>", 1)[0]
        assert '<name val="Times New Roman"/>' in first_font
        assert "Calibri" not in styles


def test_the_default_award_form_takes_two_lines_and_25_members_print_on_three_pages():
    from tracker.spreadsheets import MEMBER_COLUMNS_AWARD, text_lines

    form_column = [c.header for c in MEMBER_COLUMNS_AWARD].index("Hình thức khen thưởng")
    assert text_lines(FORM, MEMBER_COLUMNS_AWARD[form_column].width, 12) == 2
    sheet = read(award_workbook(sample_book(members=people(25))))["Cá nhân"]
    for row in table(sheet):
        assert row_height(sheet, row[0].row) <= line_height(12, 2) + 0.75
    pages = printed_pages(sheet)
    assert len(pages) <= 3
    last_table_row = table(sheet)[-1][0].row
    assert sum(1 for row in pages[-1] if row <= last_table_row) >= 2


def test_an_open_years_list_is_marked_as_a_draft_and_a_closed_one_is_not():
    draft = sample_book()
    draft = AwardBook(
        draft.year, draft.months, draft.header, draft.cells, draft.members, draft.standings, True
    )
    workbook = read(award_workbook(draft))
    for title in ("Tập thể", "Cá nhân", "Xếp hạng"):
        mark = find(workbook[title], "DỰ THẢO")
        assert mark.row < find(workbook[title], TITLES[title]).row
        assert mark.font.bold and mark.column > 3  # at the right, under the date
        assert "DỰ THẢO" in workbook[title].oddHeader.right.text  # on every printed page
    closed = read(award_workbook(sample_book()))
    for title in ("Tập thể", "Cá nhân", "Xếp hạng"):
        texts = {c.value for row in closed[title].iter_rows() for c in row}
        assert "DỰ THẢO" not in texts


def test_the_files_author_is_the_committee_not_the_library():
    workbook = read(award_workbook(sample_book()))
    assert workbook.properties.creator == "Đảng ủy thị trấn Cù Lao Dung"
    table_ = replace_matrix(committee="Đảng ủy thị trấn Cù Lao Dung")
    assert read(matrix_workbook(table_)).properties.creator == "Đảng ủy thị trấn Cù Lao Dung"


def replace_matrix(**changes) -> MatrixTable:
    from dataclasses import replace

    return replace(matrix(), **changes)


def test_the_list_cites_the_plan_it_carries_out():
    citation = (
        "Kế hoạch số 21-KH/ĐU ngày 14/4/2022 của Đảng ủy thị trấn Cù Lao Dung "
        "về thi đua nâng cao chất lượng sinh hoạt chi bộ"
    )
    book = sample_book()
    book = AwardBook(
        book.year,
        book.months,
        header(plan_citation=citation),
        book.cells,
        book.members,
        book.standings,
    )
    workbook = read(award_workbook(book))
    ranking = {c.value for row in workbook["Xếp hạng"].iter_rows() for c in row}
    assert f"(Thực hiện {citation})" not in ranking  # the table attached to the lists
    for title in ("Tập thể", "Cá nhân"):
        sheet = workbook[title]
        line = find(sheet, f"(Thực hiện {citation})")
        assert line.row == find(sheet, TITLES[title]).row + 2  # under the summary line
        assert line.font.italic and line.alignment.horizontal == "center"
        assert line.row < table_header_row(sheet)


@pytest.mark.parametrize(
    "summary",
    ["w" * 2000, "Dòng w\n\n\n" * 500, "Tham gia " + "w" * 1900 + " hết"],
    ids=["one long word", "many empty lines", "a long word inside"],
)
def test_no_text_makes_a_row_over_409_points(summary):
    sheet = read(award_workbook(sample_book(members=(member_with_summary(summary),))))["Cá nhân"]
    assert all(row_height(sheet, row) <= 409 for row in range(1, sheet.max_row + 1))
    pieces = [sheet.cell(row=r, column=6).value or "" for r in range(1, sheet.max_row + 1)]
    assert "".join(pieces).count("w") == summary.count("w")  # every character printed
