"""Pages: a document's page setup, and where a printer breaks a sheet, so that a block of
rows can be kept on one page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .metrics import _POINTS_PER_UNIT, MM_PER_INCH, PAPER_A4, PARTY_FONT

if TYPE_CHECKING:
    from .stream import StreamSheet

# --------------------------------------------------------------------------------------------
# Pages: where a printer breaks a sheet, so that a block of rows can be kept on one page

A4_MM = (210, 297)
MARGINS_MM = {"left": 30, "right": 15, "top": 20, "bottom": 20}  # Hướng dẫn 36-HD/VPTW
POINTS_PER_MM = 72 / MM_PER_INCH
# Columns are taken as this much wider when choosing the print scale: LibreOffice draws a
# column unit with the digit width of Calibri unrounded (7.4 pixels, Excel 7), some 6% wider.
_PRINT_WIDTH_SLACK = 1.08
# How a printout's rows may differ from the heights written (which both Excel and
# LibreOffice keep): rows are written in whole pixels, as Excel keeps them, so what varies
# is the scale that fits the width, a whole percent that a printer reckoning the columns a
# pixel wider or narrower than we do may set one lower or higher: about 1 % of a page's
# rows. Each case grows (or shrinks) every row by a factor, adds points to it, and asks for
# room left at the end of the page. (A line of room on top of 2 % sent a 9-row ranking
# table to two pages when it fitted on one; 2 % alone sent a 3-cell award list, 1.5 % short
# of a full page, to two pages with one row on the first.)
PAGINATION_CASES = ((1.0, 0.0, 0.0), (1.01, 0.0, 0.0), (0.99, 0.0, 0.0))
KEPT_TABLE_ROWS = 2  # the last rows of a table that go with the signature block


_EARLIER_BREAK_ROWS = 6  # how many rows earlier a break may move to avoid a near-empty page


@dataclass(frozen=True)
class _Layout:
    """Where the rows of a sheet fall on pages (see ``_lay_out``)."""

    first_page: int  # the page of the first row to keep together
    last_page: int
    last_used: float  # how full the last page is, in points
    starts: dict[int, int]  # for rows near the block: the first row of their page


def _lay_out(
    heights: Sequence[float],
    first_row: int,
    capacity: float,
    title_row: int | None,
    grow: float = 1.0,
    add: float = 0.0,
) -> _Layout:
    """Lay the rows on pages like a printer: a row that does not fit the rest of a page
    starts the next one, under the repeated title row."""
    title = heights[title_row - 1] * grow + add if title_row else 0.0
    near = first_row - _EARLIER_BREAK_ROWS - 1
    page = first_page = 0
    used = 0.0
    rows_on_page = 0
    page_start = 1
    starts = {}
    for row, height in enumerate(heights, start=1):
        height = height * grow + add
        if rows_on_page and used + height > capacity:
            page += 1
            used = title if title_row and row > title_row else 0.0
            rows_on_page = 0
            page_start = row
        used += height
        rows_on_page += 1
        if row >= near:
            starts[row] = page_start
            if row == first_row:
                first_page = page
    return _Layout(first_page, page, used, starts)


def page_break_before(
    heights: Sequence[float], first_row: int, capacity: float, title_row: int | None = None
) -> int | None:
    """The row before which a manual page break keeps the rows from ``first_row`` to the end
    on one page, or None when they already fall on one page, whatever the estimate errors
    (``PAGINATION_CASES``).

    ``heights`` are the sheet's row heights from row 1 and ``capacity`` the height of a page
    in the sheet's points (the printable height divided by the print scale). When the page
    before the break would hold only a row or two (in any case), the break moves a few rows
    earlier, as long as the rows kept together still fit on a page.
    """
    if not heights or first_row <= 1 or first_row > len(heights):
        return None
    layouts = [
        (_lay_out(heights, first_row, capacity, title_row, grow, add), room)
        for grow, add, room in PAGINATION_CASES
    ]
    if all(
        layout.first_page == layout.last_page and layout.last_used + room <= capacity
        for layout, room in layouts
    ):
        return None
    if title_row is None:
        return first_row

    def leaves_a_near_empty_page(row: int) -> bool:
        # The page of the row above the break, if it is not the first page, holds 1 or 2 rows.
        return any(
            title_row < layout.starts[row - 1] and row - layout.starts[row - 1] <= 2
            for layout, _room in layouts
        )

    worst_grow, worst_add, _room = max(PAGINATION_CASES)
    block = heights[title_row - 1] * worst_grow + worst_add
    block += sum(height * worst_grow + worst_add for height in heights[first_row - 1 :])
    for row in range(first_row, max(title_row + 1, first_row - _EARLIER_BREAK_ROWS), -1):
        if row < first_row:
            block += heights[row - 1] * worst_grow + worst_add
        if block > capacity:
            break
        if not leaves_a_near_empty_page(row):
            return row
    return first_row


def print_scale(
    widths: Sequence[float], *, landscape: bool, slack: float = _PRINT_WIDTH_SLACK
) -> int:
    """The print scale (percent) at which the columns fill the width of an A4 page between
    the margins, the columns taken ``slack`` times wider (printers measure them a little
    differently)."""
    room, _height = printable_area(landscape=landscape)
    needed = sum(widths) * _POINTS_PER_UNIT * slack
    return max(10, min(100, math.floor(100 * room / needed))) if needed else 100


def printable_area(*, landscape: bool) -> tuple[float, float]:
    """Width and height of an A4 page between the margins of Hướng dẫn 36, in points."""
    short, long = A4_MM
    width, height = (long, short) if landscape else (short, long)
    width -= MARGINS_MM["left"] + MARGINS_MM["right"]
    height -= MARGINS_MM["top"] + MARGINS_MM["bottom"]
    return width * POINTS_PER_MM, height * POINTS_PER_MM


def set_document_print(sheet: StreamSheet, *, landscape: bool) -> None:
    """A4, the margins of Hướng dẫn 36 (top 20, bottom 20, left 30, right 15 mm), fit to the
    page width, and "Trang x" in the footer, each sheet numbered from page 1.

    ``write_document_bottom`` keeps the signature block together with a manual page break,
    placed for the scale at which the columns fill the page width in Excel (the largest a
    printer uses, so the fewest rows a page holds; LibreOffice draws columns wider and fits
    more rows, which only moves the break to a page less full). The same scale is written as
    the sheet's own, for a printout that turns "fit to page" off. Call it before the first
    row. The table header row is repeated on every page by ``write_document_top``.
    """
    ws = sheet.ws
    scale = print_scale(sheet.widths, landscape=landscape, slack=1.0)
    sheet.page_height = printable_area(landscape=landscape)[1] * 100 / scale
    ws.set_paper(PAPER_A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_print_scale(scale)
    ws.fit_to_pages(1, 0)  # the page width; as many pages tall as the rows need
    # Each sheet is a document of its own: its pages are numbered from 1 even when the whole
    # workbook is printed at once (so the footer says "Trang 2", not "Trang 2/7").
    ws.set_start_page(1)
    ws.set_margins(
        left=MARGINS_MM["left"] / MM_PER_INCH,
        right=MARGINS_MM["right"] / MM_PER_INCH,
        top=MARGINS_MM["top"] / MM_PER_INCH,
        bottom=MARGINS_MM["bottom"] / MM_PER_INCH,
    )
    margin = {"margin": 8 / MM_PER_INCH}
    ws.set_footer(f'&C&"{PARTY_FONT},Regular"&11Trang &P', margin)
