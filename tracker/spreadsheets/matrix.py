"""The monthly matrix of the rankings page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from openpyxl import Workbook

from .layout import (
    TABLE_HEAD_LOOK,
    TITLE_LOOK,
    DocColumn,
    _fitted,
    set_document_print,
    table_slots,
    write_empty_table_note,
)
from .metrics import TABLE_ROW_HEIGHT, TWO_DECIMALS, LineCounter, line_height
from .stream import Look, SlotCell, StreamSheet, save_stream

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
