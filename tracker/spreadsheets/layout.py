"""The Party document layout (Hướng dẫn 36-HD/VPTW): header block, title, table, signature."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .metrics import (
    EXCEL_MAX_ROW_HEIGHT,
    MM_PER_INCH,
    PARTY_FONT,
    LineCounter,
    line_height,
    lines_that_fit,
    split_text,
    text_lines,
    text_width,
    units_for,
)
from .pagination import KEPT_TABLE_ROWS
from .stream import Look, StreamSheet

# --------------------------------------------------------------------------------------------
# The Party document layout (Hướng dẫn 36-HD/VPTW): header block, title, table, signature


@dataclass(frozen=True)
class DocColumn:
    """A column of a document's table: header, width (characters), how its values look."""

    header: str
    width: float
    horizontal: str = "left"
    number_format: str | None = None
    wrap: bool = True


# The looks of a Party document (sizes of Hướng dẫn 36-HD/VPTW).
SUPERIOR_LOOK = Look(size=14, horizontal="center")
ISSUER_LOOK = Look(size=14, bold=True, horizontal="center")
PLAIN_CENTRE_LOOK = Look(size=14, horizontal="center")
PARTY_LOOK = Look(size=15, bold=True, horizontal="center", rule=True)
PLACE_LOOK = Look(size=14, italic=True, horizontal="center")
TITLE_LOOK = Look(size=16, bold=True, horizontal="center")
SUBTITLE_LOOK = Look(size=14, bold=True, horizontal="center", wrap=True)
TABLE_HEAD_LOOK = Look(size=12, bold=True, horizontal="center", wrap=True, box=True)
PLAN_LOOK = Look(size=13, italic=True, horizontal="center", wrap=True)
DRAFT_LOOK = Look(size=14, bold=True, italic=True, horizontal="center")
DRAFT_MARK = "DỰ THẢO"
PAGE_SLACK = 6  # points a row keeps free of a page's height (printers round)
SIGN_LOOK = Look(size=14, bold=True, horizontal="center")
RECIPIENTS_TITLE_LOOK = Look(size=14, underline=True)
RECIPIENT_LOOK = Look(size=12)
EMPTY_NOTE_LOOK = Look(size=12, italic=True, horizontal="center", box=True)
SIGNATURE_SPACE = 4  # blank lines for the signature and the seal


@dataclass(frozen=True)
class HeaderBlocks:
    """Where the parts of a Party document's header and signature go, as (first, last) columns.

    ``left``: the superior and issuing bodies, the star and the number line (and "Nơi nhận"
    below the table); ``rule``: "ĐẢNG CỘNG SẢN VIỆT NAM" with the rule under it; ``right``:
    the dated place line and, below the table, the signature block.
    """

    left: tuple[int, int]
    rule: tuple[int, int]
    right: tuple[int, int]


PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"


def header_needs(header) -> tuple[float, float, float]:
    """The widths, in column units, that the header's lines need on one line: the left block,
    the Party's name (its rule), and the right block (the place line, the signature)."""
    left = max(
        text_width(header.superior_body.upper(), SUPERIOR_LOOK.size),
        text_width(header.issuing_body.upper(), ISSUER_LOOK.size, bold=True),
        text_width(header.number_line, PLAIN_CENTRE_LOOK.size),
    )
    party = text_width(PARTY_NAME, PARTY_LOOK.size, bold=True)
    right = max(
        party,
        text_width(header.place_line, PLACE_LOOK.size, italic=True),
        *(
            text_width(text, SIGN_LOOK.size, bold=True)
            for text in (header.signing_for, header.signer_title, header.signer_name)
        ),
    )
    return units_for(left), units_for(party), units_for(right)


def header_blocks(widths: Sequence[float], needs: tuple[float, float, float]) -> HeaderBlocks:
    """Place the header's two blocks on the columns of the table below them.

    The left block is the first columns wide enough for its longest line. The rule under
    "ĐẢNG CỘNG SẢN VIỆT NAM" is a run of columns at least as wide as the name, as close to
    it as the columns allow, towards three quarters of the page; the right block is centred
    on the rule and wide enough for its longest line. A merged range is never narrower than
    its text: when the page is too narrow for both blocks, it is shared between them and the
    longer lines wrap (``write_document_top`` gives their rows the height).
    """
    left_need, party_need, right_need = needs
    count = len(widths)
    edge = [0.0]  # edge[i]: where column i + 1 starts, in units from the left
    for width in widths:
        edge.append(edge[-1] + width)
    total = edge[-1]
    if count < 2:
        return HeaderBlocks((1, count), (1, count), (1, count))
    left_last = 1
    while left_last < count - 1 and edge[left_last] < left_need:
        left_last += 1
    best = None
    if edge[left_last] >= left_need:
        for first in range(left_last + 1, count + 1):
            for last in range(first, count + 1):
                width = edge[last] - edge[first - 1]
                if width < party_need:
                    continue
                if width > party_need + 30:
                    break  # a longer rule only costs more
                centre = edge[first - 1] + width / 2
                for block_first in range(first, left_last, -1):
                    for block_last in range(last, count + 1):
                        if edge[block_last] - edge[block_first - 1] < right_need:
                            continue
                        offset = (edge[block_first - 1] + edge[block_last]) / 2 - centre
                        cost = (
                            (width - party_need)
                            + 3 * abs(offset)
                            + 0.5 * abs(centre - 0.72 * total)
                        )
                        if best is None or cost < best[0]:
                            best = (cost, (block_first, block_last), (first, last))
                        if offset >= 0:
                            break  # a wider block only moves its centre further right
                break  # the rule's first fitting run from ``first``; longer ones cost more
    if best is not None:
        return HeaderBlocks((1, left_last), best[2], best[1])
    # Too narrow: the right block gets what it needs (when the left one keeps a column),
    # else the page is split in two; the lines that do not fit wrap.
    fitting = [k for k in range(1, count) if total - edge[k] >= right_need]
    if fitting:
        left_last = max(fitting)
    else:
        left_last = min(range(1, count), key=lambda k: abs(edge[k] - total / 2))
    right = (left_last + 1, count)
    return HeaderBlocks((1, left_last), right, right)


def fitted(text: str, look: Look, width_units: float) -> tuple[tuple[str, Look], float]:
    """A cell of ``text`` in a merged range ``width_units`` wide, and the row height it needs:
    one line when the text fits, else wrapped over as many lines as it takes."""
    lines = text_lines(text, width_units, look.size, bold=look.bold, italic=look.italic)
    if lines > 1 and not look.wrap:
        look = replace(look, wrap=True)
    return (text, look), line_height(look.size, lines)


def write_document_top(
    sheet: StreamSheet,
    header,
    title: str,
    subtitle: str,
    columns: Sequence[DocColumn],
    *,
    draft: bool = False,
    cite_plan: bool = True,
) -> int:
    """Write the header block, the title and the table's header row; return that row.

    A ``draft`` (the list of a year still open) says "DỰ THẢO" under the dated place line and
    at the top right of every printed page. With ``cite_plan``, a line under the title
    cites the plan the list carries out (``header.plan_citation``), when there is one.
    """
    blocks = sheet.blocks = header_blocks(sheet.widths, header_needs(header))
    (left_first, left_last), (rule_first, rule_last) = blocks.left, blocks.rule
    (right_first, right_last) = blocks.right
    left_width = sheet.width_of(left_first, left_last)
    left = [blocks.left]
    right = [blocks.right]
    superior, superior_height = fitted(header.superior_body.upper(), SUPERIOR_LOOK, left_width)
    party, party_height = fitted(PARTY_NAME, PARTY_LOOK, sheet.width_of(rule_first, rule_last))
    sheet.add(
        {left_first: superior, rule_first: party},
        merges=left + [blocks.rule],
        height=max(superior_height, party_height),
    )
    issuer, issuer_height = fitted(header.issuing_body.upper(), ISSUER_LOOK, left_width)
    sheet.add({left_first: issuer}, merges=left, height=issuer_height)
    place, place_height = fitted(
        header.place_line, PLACE_LOOK, sheet.width_of(right_first, right_last)
    )
    sheet.add(
        {left_first: ("*", PLAIN_CENTRE_LOOK), right_first: place},
        merges=left + right,
        height=max(line_height(14), place_height),
    )
    number, number_height = fitted(header.number_line, PLAIN_CENTRE_LOOK, left_width)
    sheet.add({left_first: number}, merges=left, height=number_height)
    if draft:
        sheet.add({right_first: (DRAFT_MARK, DRAFT_LOOK)}, merges=right, height=line_height(14))
        sheet.ws.set_header(
            f'&R&"{PARTY_FONT},Bold Italic"&12{DRAFT_MARK}', {"margin": 8 / MM_PER_INCH}
        )
    else:
        sheet.add(height=line_height(12))

    everything = [(1, sheet.columns)]
    full_width = sheet.width_of(1, sheet.columns)
    title_cell, title_height = fitted(title, TITLE_LOOK, full_width)
    sheet.add({1: title_cell}, merges=everything, height=title_height)
    subtitle_cell, subtitle_height = fitted(subtitle, SUBTITLE_LOOK, full_width)
    sheet.add({1: subtitle_cell}, merges=everything, height=subtitle_height)
    if cite_plan and getattr(header, "plan_citation", ""):
        plan_cell, plan_height = fitted(
            f"(Thực hiện {header.plan_citation})", PLAN_LOOK, full_width
        )
        sheet.add({1: plan_cell}, merges=everything, height=plan_height)
    sheet.add(height=line_height(10))

    head_lines = max(text_lines(column.header, column.width, 12, bold=True) for column in columns)
    head_row = sheet.add(
        {index: (column.header, TABLE_HEAD_LOOK) for index, column in enumerate(columns, start=1)},
        height=line_height(12, head_lines),
    )
    sheet.repeat_row(head_row)
    return head_row


def table_looks(columns: Sequence[DocColumn], size: float = 12) -> list[Look]:
    """The look of each column's cells in a table (bordered cells)."""
    return [
        Look(
            size=size,
            horizontal=column.horizontal,
            vertical="center",
            wrap=column.wrap,
            box=True,
            number_format=column.number_format,
        )
        for column in columns
    ]


def write_document_rows(
    sheet: StreamSheet, columns: Sequence[DocColumn], rows: Iterable[Sequence[Any]]
) -> None:
    """Write the table's rows (any iterable: a generator keeps memory flat).

    A row is never taller than a page (under the repeated header row) nor than Excel's
    409 pt: a longer text goes on in the same column of the rows below it.
    """
    write = sheet.row_writer(table_looks(columns))
    wrapped = [
        (index, LineCounter(column.width, 12))
        for index, column in enumerate(columns)
        if column.wrap
    ]
    room = EXCEL_MAX_ROW_HEIGHT
    if sheet.page_height is not None and sheet.title_row is not None:
        room = min(room, sheet.page_height - sheet.heights[sheet.title_row - 1] - PAGE_SLACK)
    max_lines = lines_that_fit(12, room)
    for values in rows:
        lines = 1
        for index, count_lines in wrapped:
            text = values[index]
            if text.__class__ is str:
                lines = max(lines, count_lines(text))
        if lines <= max_lines:
            write(values, lines)
            continue
        _write_long_row(write, columns, values, max_lines)


def _write_long_row(write, columns: Sequence[DocColumn], values: Sequence[Any], max_lines: int):
    """Write a row whose texts take more lines than a row may hold, over several rows."""
    pieces = {
        index: split_text(values[index], column.width, 12, max_lines)
        for index, column in enumerate(columns)
        if column.wrap and isinstance(values[index], str)
    }
    for part in range(max(len(texts) for texts in pieces.values())):
        row = [
            (texts[part] if part < len(texts) else None)
            if (texts := pieces.get(index)) is not None
            else (value if part == 0 else None)
            for index, value in enumerate(values)
        ]
        lines = max(
            (
                text_lines(text, columns[index].width, 12)
                for index, text in enumerate(row)
                if index in pieces and text
            ),
            default=1,
        )
        write(row, lines)


def write_empty_table_note(sheet: StreamSheet, text: str) -> None:
    cells = {column: (None, EMPTY_NOTE_LOOK) for column in range(1, sheet.columns + 1)}
    cells[1] = (text, EMPTY_NOTE_LOOK)
    sheet.add(cells, merges=[(1, sheet.columns)], height=line_height(12))


def write_document_bottom(sheet: StreamSheet, header) -> None:
    """Write "Nơi nhận" at the left and the signature block at the right, below the table,
    and keep the signature block on one page with the last rows of the table."""
    blocks = sheet.blocks
    left_width = sheet.width_of(*blocks.left)
    right_width = sheet.width_of(*blocks.right)
    last_table_row = sheet.row
    sheet.add(height=line_height(12))
    recipients = list(header.recipients)
    signature = [header.signing_for, header.signer_title]
    signature += [""] * SIGNATURE_SPACE + [header.signer_name]
    lines = max(len(recipients) + 1, len(signature))
    left_texts = ["Nơi nhận:", *recipients]
    for index in range(lines):
        cells = {}
        merges = []
        heights = [line_height(14 if index == 0 else 13)]
        if index < len(left_texts):
            look = RECIPIENTS_TITLE_LOOK if index == 0 else RECIPIENT_LOOK
            cells[1], height = fitted(left_texts[index], look, left_width)
            merges.append(blocks.left)
            heights.append(height)
        if index < len(signature) and signature[index]:
            cells[blocks.right[0]], height = fitted(signature[index], SIGN_LOOK, right_width)
            merges.append(blocks.right)
            heights.append(height)
        sheet.add(cells, merges=merges, height=max(heights))
    # The last rows of the table go with the signature block; with a table of one or two
    # rows, the table's header row too (a page must not end with it).
    first_kept = last_table_row - KEPT_TABLE_ROWS + 1
    if sheet.title_row is not None and first_kept <= sheet.title_row + 1:
        first_kept = sheet.title_row
    sheet.keep_together(first_kept)
