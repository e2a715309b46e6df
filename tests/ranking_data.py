"""A realistic campaign year of reports for the rankings tests (call inside an app context)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Cell, CellCategory

from .factories import make_report, same_rows

# Final totals of the 2022 campaign (April to December) per cell; None: no report,
# "submitted" / "returned": a report not approved. A "~" prefix misses a gate criterion.
SEASON_2022 = {
    "ap-cho": [95, 96, 94, 92, 97, 95, 93, 96, 95],
    "ap-phuoc-hoa-a": [88, 91, 85, "~92", 90, 87, 89, 91, 90],
    "ap-phuoc-hoa-b": [75, 72, None, 78, 80, "returned", 76, 74, 79],
    "quan-su": [92, 93, 91, 94, 90, 92, 95, 93, 91],
    "cong-an": [91, 90, 92, 93, "submitted", 94, 90, 92, 91],
    "co-quan": [85, 88, 82, 86, 84, 87, 83, 85, 86],
    "mam-non": [70, 65, 60, 72, 68, 55, 62, 66, 71],
    "tieu-hoc": [82, 84, 86, 81, 83, 85, 80, 84, 82],
    "thcs": [45, 52, 48, 50, None, 47, 51, 49, 46],
}
# Quarters with an approved thematic meeting.
THEMATIC_2022 = {
    "ap-cho": (2, 3, 4),
    "quan-su": (2, 3, 4),
    "cong-an": (2, 4),
    "ap-phuoc-hoa-a": (3,),
    "co-quan": (2, 3, 4),
}


def make_season(year: int = 2022, season=None, thematic=None, first_month: int = 4) -> None:
    """Insert the reports of ``season`` (defaults: the 2022 season above)."""
    season = SEASON_2022 if season is None else season
    thematic = THEMATIC_2022 if thematic is None else thematic
    # One flush for the whole season: its reports are inserted together and the year
    # tallies refreshed once (a flush per report made this the slowest part of many tests).
    with db.session.no_autoflush, same_rows():
        for code, totals in season.items():
            for offset, total in enumerate(totals):
                month = first_month + offset
                if total is None:
                    continue
                if total in ("submitted", "returned"):
                    make_report(code, year, month, total=85, status=total, flush=False)
                elif isinstance(total, str) and total.startswith("~"):
                    make_report(
                        code, year, month, total=float(total[1:]), gates_full=False, flush=False
                    )
                else:
                    make_report(code, year, month, total=total, flush=False)
        for code, quarters in thematic.items():
            for quarter in quarters:
                month = 3 * quarter - 1
                held_on = dt.date(year, month, 20)
                make_report(
                    code, year, month, kind="thematic", total=90, held_on=held_on, flush=False
                )
    db.session.flush()

def add_cells(
    count: int, category: CellCategory = CellCategory.SECTOR, prefix: str = "them"
) -> list[Cell]:
    """Add ``count`` active cells named "Chi bộ thêm 001"... (for query-count tests)."""
    cells = [
        Cell(
            code=f"{prefix}-{index:03d}",
            name=f"Chi bộ {prefix} {index:03d}",
            category=category,
            display_order=100 + index,
        )
        for index in range(1, count + 1)
    ]
    db.session.add_all(cells)
    db.session.flush()
    return cells


def cell_id(code: str) -> int:
    return db.session.scalar(sa.select(Cell.id).where(Cell.code == code))
