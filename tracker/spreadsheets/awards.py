"""The award workbook (contract.md, "The award workbook")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .layout import (
    DocColumn,
    write_document_bottom,
    write_document_rows,
    write_document_top,
    write_empty_table_note,
)
from .metrics import TABLE_ROW_HEIGHT, TWO_DECIMALS
from .pagination import set_document_print
from .stream import DocBook, StreamSheet

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
    DocColumn("Điểm trung bình", 12, "center", TWO_DECIMALS),  # two lines, not three
    DocColumn("Số kỳ Tốt", 9.5, "center"),
    DocColumn("Xếp hạng", 9.5, "center"),
    DocColumn("Tóm tắt thành tích", 30),
    DocColumn("Hình thức khen thưởng", 22),
    DocColumn("Ghi chú", 10),
]
MEMBER_COLUMNS_AWARD = [
    DocColumn("STT", 5.5, "center"),
    DocColumn("Họ và tên", 23),
    DocColumn("Năm sinh", 8, "center"),
    DocColumn("Chức vụ", 12),
    DocColumn("Chi bộ", 20),
    DocColumn("Tóm tắt thành tích", 30),
    DocColumn("Hình thức khen thưởng", 31),
    DocColumn("Ghi chú", 10),
]


def standings_columns(months: Sequence[int]) -> list[DocColumn]:
    return [
        DocColumn("STT", 5.5, "center"),
        DocColumn("Tên chi bộ", 30),  # "Chi bộ Trường THCS thị trấn" on one line
        DocColumn("Loại", 19),
        *[DocColumn(f"T{month}", 7, "center", TWO_DECIMALS, wrap=False) for month in months],
        DocColumn("Điểm trung bình", 12, "center", TWO_DECIMALS),  # two lines, not three
        DocColumn("Số kỳ Tốt", 7.5, "center"),
        DocColumn("Xếp hạng", 7.5, "center"),
        DocColumn("Xếp loại", 12, "center"),  # "Trung bình" on one line
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
    signature block. Written as a stream (XlsxWriter's constant-memory mode).
    """
    workbook = DocBook(author=book.header.issuing_body, title=f"{AWARD_TITLE} NĂM {book.year}")
    titles = award_titles(book.year)

    def document(title: str, columns: list[DocColumn], rows: Iterable, empty: str, count: int):
        sheet = StreamSheet(workbook, title, [column.width for column in columns])
        set_document_print(sheet, landscape=True)
        sheet.default_row_height(TABLE_ROW_HEIGHT)
        write_document_top(
            sheet,
            book.header,
            *titles[title],
            columns,
            draft=book.draft,
            # The ranking table goes with the lists ("Kèm theo danh sách..."): they cite the plan.
            cite_plan=title != STANDINGS_SHEET,
        )
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
    return workbook.close()
