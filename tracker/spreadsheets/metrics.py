"""Text metrics: how wide a text is in Times New Roman and how many lines it wraps to."""

from __future__ import annotations

import math
import unicodedata

PARTY_FONT = "Times New Roman"
MM_PER_INCH = 25.4
PAPER_A4 = 9
TWO_DECIMALS = "0.00"
# Rows of wrapped text get their height from us, since neither LibreOffice nor Excel
# re-measures the rows of a file when opening it; so does every line that must not be clipped.
# Width of one column unit (the default font's digit, Calibri 11: 7 pixels) in points, and
# what a cell keeps free of text (its padding and grid line: 5 pixels).
_POINTS_PER_UNIT = 5.25
_CELL_PADDING = 3.75
# Text is estimated this much wider than Times New Roman's metrics say: the screen rounds
# each glyph to whole pixels, and a little room is cheaper than a clipped line.
_TEXT_SLACK = 1.06
# A text line's height, in font sizes: Excel gives a line of Times New Roman 12 pt a row of
# 15.75 pt (x 1.3125); a little more, so that no line of a wrapped cell is clipped.
_LINE_HEIGHT = 1.32
TABLE_ROW_HEIGHT = 17.25  # points (23 pixels): one line of 12 pt text with some air
EXCEL_DEFAULT_ROW_HEIGHT = 15  # points: a row without a height of its own (11 pt text)
# Advance widths of Times New Roman in thousandths of an em, for the characters " " to "~"
# (the metrics of Liberation Serif, which match Times New Roman's): regular, bold, italic.
_ASCII_ADVANCES = (
    (
        "250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 "
        "500 500 500 500 500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 "
        "389 722 611 889 722 722 556 722 667 556 611 722 722 944 722 722 611 333 278 333 469 "
        "500 333 444 500 444 500 444 333 500 500 278 278 500 278 778 500 500 500 500 333 389 "
        "278 500 500 722 500 500 444 480 200 480 541"
    ),
    (
        "250 333 555 500 500 1000 833 278 333 333 500 570 250 333 250 278 500 500 500 500 500 "
        "500 500 500 500 500 333 333 570 570 570 500 930 722 667 722 722 667 611 778 778 389 "
        "500 778 667 944 722 778 611 778 722 556 667 722 722 1000 722 722 667 333 278 333 581 "
        "500 333 500 556 444 556 444 333 500 556 278 333 556 278 833 556 500 556 556 444 389 "
        "333 556 500 722 500 500 444 394 220 394 520"
    ),
    (
        "250 333 420 500 500 833 778 214 333 333 500 675 250 333 250 278 500 500 500 500 500 "
        "500 500 500 500 500 333 333 675 675 675 500 920 611 611 667 722 611 611 722 722 333 "
        "444 667 556 833 667 722 611 722 611 500 556 722 611 833 611 556 556 389 278 389 422 "
        "500 333 500 500 444 500 444 278 500 500 278 278 444 278 722 500 500 500 500 389 389 "
        "278 500 444 667 444 444 389 400 275 400 541"
    ),
)
# Punctuation beyond ASCII that the documents use (regular, bold, italic).
_OTHER_ADVANCES = {
    "“": (444, 500, 556),
    "”": (444, 500, 556),
    "‘": (333, 333, 333),
    "’": (333, 333, 333),
    "–": (500, 500, 500),
    "—": (1000, 1000, 889),
    "…": (1000, 1000, 889),
    "\u00a0": (250, 250, 250),
}
_HORN = "\u031b"  # the horn of ơ and ư: a little wider than o and u
_HORN_EXTRA = 0.08
_WIDEST = 1.0  # ems: no character is estimated wider (unknown ones are given this)


class _Advances(dict):
    """The advance widths of one style of Times New Roman in ems, by character.

    Vietnamese letters are as wide as their base letter (ơ and ư a little wider); characters
    the table does not know are given the widest width. Learnt on first use.
    """

    def __init__(self, style: int):
        super().__init__(
            (chr(32 + index), int(width) / 1000)
            for index, width in enumerate(_ASCII_ADVANCES[style].split())
        )
        self.update({"\n": 0.0, "\r": 0.0, "\t": self[" "]})
        self._style = style

    def __missing__(self, char: str) -> float:
        width = self._guess(char)
        self[char] = width
        return width

    def _guess(self, char: str) -> float:
        if char in _OTHER_ADVANCES:
            return _OTHER_ADVANCES[char][self._style] / 1000
        if char in "đĐ":
            return self["d" if char == "đ" else "D"]
        if unicodedata.combining(char):
            return 0.0
        decomposed = unicodedata.normalize("NFD", char)
        if decomposed[0] != char and decomposed[0] in self:
            return self[decomposed[0]] + (_HORN_EXTRA if _HORN in decomposed else 0.0)
        return _WIDEST


_REGULAR, _BOLD, _ITALIC = (_Advances(style) for style in range(3))


def _advances(bold: bool = False, italic: bool = False) -> _Advances:
    return _BOLD if bold else _ITALIC if italic else _REGULAR


def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """The width of ``text`` on one line in Times New Roman of ``size`` points, in points
    (estimated a little wide)."""
    return sum(map(_advances(bold, italic).__getitem__, text)) * size * _TEXT_SLACK


def column_room(width_units: float) -> float:
    """The room for text in a column (or a merged run of columns) this wide, in points."""
    return width_units * _POINTS_PER_UNIT - _CELL_PADDING


def units_for(points: float) -> float:
    """The column width, in units, that holds a line of text ``points`` wide."""
    return (points + _CELL_PADDING) / _POINTS_PER_UNIT


def text_lines(
    text: str, width_units: float, size: float, *, bold: bool = False, italic: bool = False
) -> int:
    """Estimate how many lines ``text`` takes when wrapped in a column this wide."""
    return wrapped_lines(text, column_room(width_units), size, bold=bold, italic=italic)


def wrapped_lines(
    text: str, room: float, size: float, *, bold: bool = False, italic: bool = False
) -> int:
    """How many lines ``text`` takes wrapped ``room`` points wide, as a spreadsheet wraps it:
    every paragraph (a line break) starts a line, words wrap at spaces, and a word longer
    than a line breaks inside."""
    advances = _advances(bold, italic)
    scale = size * _TEXT_SLACK
    room = max(room, _WIDEST * scale)  # a line holds at least one character
    space = advances[" "] * scale
    lines = 0
    for paragraph in (text or "").split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            width = sum(map(advances.__getitem__, word)) * scale
            if used and used + space + width <= room:
                used += space + width
                continue
            if used:
                lines += 1
            if width > room:
                broken = math.ceil(width / room) - 1
                lines += broken
                width -= broken * room
            used = width
    return max(lines, 1)


def _break_word(word: str, room: float, advances, scale: float) -> list[str]:
    """Cut a word longer than a line into pieces that each fit it."""
    parts, part, used = [], "", 0.0
    for char in word:
        width = advances[char] * scale
        if part and used + width > room:
            parts.append(part)
            part, used = "", 0.0
        part += char
        used += width
    parts.append(part)
    return parts


def split_lines(text: str, room: float, size: float) -> list[tuple[str, str]]:
    """The lines of ``text`` wrapped ``room`` points wide, as ``wrapped_lines`` wraps them,
    each with what joins it to the line before: "\n" (a new paragraph), " " (a wrap at a
    space) or "" (a word longer than a line, cut)."""
    advances = _advances()
    scale = size * _TEXT_SLACK
    room = max(room, _WIDEST * scale)
    space = advances[" "] * scale
    lines: list[tuple[str, str]] = []
    for paragraph in (text or "").split("\n"):
        joiner = "\n" if lines else ""
        words: list[str] = []
        used = 0.0
        for word in paragraph.split():
            width = sum(map(advances.__getitem__, word)) * scale
            if words and used + space + width <= room:
                words.append(word)
                used += space + width
                continue
            if words:
                lines.append((" ".join(words), joiner))
                joiner = " "
            if width > room:  # a word longer than a line breaks inside, as a spreadsheet does
                *full, word = _break_word(word, room, advances, scale)
                for part in full:
                    lines.append((part, joiner))
                    joiner = ""
                width = sum(map(advances.__getitem__, word)) * scale
            words, used = [word], width
        lines.append((" ".join(words), joiner))
    return lines


def split_text(text: str, width_units: float, size: float, max_lines: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``max_lines`` wrapped lines each, at line ends
    (a row taller than a page, or than Excel's 409 pt, cannot be printed). The pieces
    joined again (a line break between two paragraphs, a space between two words) give the
    text back, its spacing normalised."""
    pieces: list[str] = []
    piece = ""
    count = 0
    for line, joiner in split_lines(text, column_room(width_units), size):
        if count == max_lines:
            pieces.append(piece)
            piece, count = line, 0
        else:
            piece = piece + joiner + line if count else line
        count += 1
    pieces.append(piece)
    return pieces


class LineCounter:
    """Counts the lines of the texts of one table column quickly: a text too short to fill
    a line is not measured."""

    __slots__ = ("known", "room", "safe_length", "size")

    KNOWN_TEXTS = 256  # texts remembered (a column's repeated values: a category, a grade)

    def __init__(self, width_units: float, size: float = 12):
        self.size = size
        self.room = column_room(width_units)
        self.safe_length = int(self.room / (_WIDEST * size * _TEXT_SLACK))
        self.known: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        if len(text) <= self.safe_length and "\n" not in text:
            return 1
        lines = self.known.get(text)
        if lines is None:
            if "\n" not in text and text_width(text, self.size) <= self.room:
                lines = 1  # one line, measured whole: no word-by-word wrapping
            else:
                lines = wrapped_lines(text, self.room, self.size)
            if len(self.known) < self.KNOWN_TEXTS:
                self.known[text] = lines
        return lines


def line_height(size: float, lines: int = 1) -> float:
    """The height of a row of ``lines`` lines of text of ``size`` points, in points."""
    return round(size * _LINE_HEIGHT * lines + 2, 1)


EXCEL_MAX_ROW_HEIGHT = 409  # points: Excel refuses taller rows


def lines_that_fit(size: float, points: float) -> int:
    """How many lines of text fit in a row at most ``points`` tall (and 409 pt)."""
    points = min(points, EXCEL_MAX_ROW_HEIGHT)
    return max(1, int((points - 2) / (size * _LINE_HEIGHT) - 1e-9))


def row_pixels(points: float) -> int:
    """A row height in whole pixels, as Excel keeps it, never below ``points``."""
    return math.ceil(points * 4 / 3 - 1e-6)


def points_of_pixels(pixels: int) -> float:
    return pixels * 0.75
