"""The monthly matrix of the rankings page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from .layout import (
    TABLE_HEAD_LOOK,
    TITLE_LOOK,
    DocColumn,
    fitted,
    table_looks,
    write_empty_table_note,
)
from .metrics import TABLE_ROW_HEIGHT, TWO_DECIMALS, LineCounter, line_height, text_lines
from .pagination import set_document_print
from .stream import DocBook, Look, StreamSheet

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
    committee: str = ""  # the committee's name: the file's author
    closed: bool = False  # the year is closed: final whatever was left unapproved

    @property
    def status(self) -> str:
        """The line under the title: how final the figures are, and only what is true."""
        if self.closed:
            gaps = any(row.months_missing for row in self.rows)
            return "Kết quả chính thức: năm thi đua đã khóa sổ" + (
                "; tháng không có báo cáo được duyệt tính 0 điểm." if gaps else "."
            )
        if self.final:
            return "Kết quả chính thức: mọi tháng đã kết thúc và mọi báo cáo đã được duyệt."
        return "Kết quả tạm tính: còn tháng chưa kết thúc hoặc báo cáo chưa được duyệt."


def matrix_table(standings, matrix) -> MatrixTable:
    """The matrix from the standings of a year and its monthly reports
    (``standings.standings_for_period`` and ``standings.monthly_matrix``)."""
    from ..models import CellCategory, ReportStatus

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
        closed=standings.campaign.closed,
    )


def matrix_workbook(table: MatrixTable) -> bytes:
    """The monthly matrix as a workbook: one row per cell in rank order, a column per month."""
    columns = [
        DocColumn("Xếp hạng", 8, "center"),
        DocColumn("Tên chi bộ", 26),
        DocColumn("Loại", 19),
        *[DocColumn(f"T{month}", 7, "center", TWO_DECIMALS, wrap=False) for month in table.months],
        DocColumn("Điểm trung bình", 12, "center", TWO_DECIMALS),
        DocColumn("Số kỳ Tốt", 8, "center"),
        DocColumn("Số kỳ thiếu", 8, "center"),
        DocColumn("Xếp loại", 11, "center"),
    ]
    workbook = DocBook(author=table.committee, title=MATRIX_SHEET)
    sheet = StreamSheet(workbook, MATRIX_SHEET, [column.width for column in columns])
    set_document_print(sheet, landscape=True)
    sheet.default_row_height(TABLE_ROW_HEIGHT)
    head_row = 5
    sheet.ws.freeze_panes(head_row, 2)
    everything = [(1, sheet.columns)]
    width = sheet.width_of(1, sheet.columns)
    title = f"Điểm sinh hoạt chi bộ từng tháng năm {table.year}"
    if table.category:
        title += f" — {table.category}"
    title_cell, title_height = fitted(title, TITLE_LOOK, width)
    sheet.add({1: title_cell}, merges=everything, height=title_height)
    note_look = Look(size=11, italic=True, wrap=True)
    for note in (table.status, MATRIX_LEGEND):
        note_cell, note_height = fitted(note, note_look, width)
        sheet.add({1: note_cell}, merges=everything, height=note_height)
    sheet.add()
    # The header row is as tall as its longest header wraps ("Điểm trung bình": 2 or 3 lines).
    head_lines = max(text_lines(column.header, column.width, 12, bold=True) for column in columns)
    sheet.add(
        {index: (column.header, TABLE_HEAD_LOOK) for index, column in enumerate(columns, start=1)},
        height=line_height(12, head_lines),
    )
    sheet.repeat_row(head_row)

    looks = table_looks(columns)
    write = sheet.row_writer(looks)
    plain_formats = [(workbook.format(look), workbook.format(look, quoted=True)) for look in looks]
    month_formats = {}
    for state, colour in MATRIX_FILLS.items():
        look = Look(size=12, horizontal="center", box=True, number_format=TWO_DECIMALS, fill=colour)
        month_formats[state] = (workbook.format(look), workbook.format(look))
    first_month = 3
    name_lines = LineCounter(columns[1].width)
    category_lines = LineCounter(columns[2].width)
    for row in table.rows:
        formats = list(plain_formats)
        values = [row.rank, row.name, row.category]
        for offset, (score, state) in enumerate(row.months):
            formats[first_month + offset] = month_formats.get(state, formats[first_month + offset])
            values.append(score)
        values += [row.average, row.tot_months, row.months_missing, row.grade]
        write(values, max(name_lines(row.name), category_lines(row.category)), formats)
    if not table.rows:
        write_empty_table_note(sheet, "Không có chi bộ nào.")
    return workbook.close()
