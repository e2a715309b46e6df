"""Vietnamese text rules: alphabetical order, name order, number and date display.

Collation follows the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư
v x y): letters are compared first, tones only to break ties, in the order none, huyền, hỏi,
ngã, sắc, nặng. Text is normalised to NFC first, so "hoà" and "hòa" compare equal.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Letters outside the Vietnamese alphabet (f, j, w, z in foreign names) sort after it.
_FOREIGN = "fjwz"
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET + _FOREIGN)}

# Combining marks of the five tones, in collation order (no tone is 0).
_TONE_RANK = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
# Marks that make a different letter of the alphabet (ă â ê ô ơ ư); đ has its own code point.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def normalise(text: str) -> str:
    """Return ``text`` in NFC with surrounding and repeated spaces removed."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


@lru_cache(maxsize=4096)
def _split_letter(char: str) -> tuple[str, int]:
    """Split one character into its base letter (with letter marks) and its tone rank."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONE_RANK:
            tone = _TONE_RANK[part]
        elif unicodedata.combining(part) and part not in _LETTER_MARKS:
            continue  # marks foreign to Vietnamese are ignored
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


# The key is made of strings, so that comparing two keys is one comparison of strings in C
# (ranking 10,000 cells compares thousands of tied names sharing "Chi bộ ..."): each unit of
# text becomes one character whose code point gives its place: a space first (a shorter word
# sorts before a longer one), then digits, then the letters in alphabet order, then anything
# else, in code point order.
_SPACE = "\x01"
_DIGITS = frozenset("0123456789")
_DIGIT_BASE = 0x10
_LETTER_BASE = 0x100
_OTHER = "\uffff"


@lru_cache(maxsize=65536)  # names are few and ranked again and again
def _number_key(digits: str) -> str:
    """A run of digits as one number: its length first, so "2" sorts before "10" (numbers
    before letters, as in an index)."""
    digits = digits.lstrip("0") or "0"
    length = chr(_DIGIT_BASE + 10 + min(len(digits), 200))
    return length + "".join(chr(_DIGIT_BASE + int(digit)) for digit in digits)


@lru_cache(maxsize=32768)  # a ranking of 10,000 cells breaks ties on every name, each time
def collation_key(text: str) -> tuple[str, str, str]:
    """Return a sort key that orders text as a Vietnamese dictionary does.

    Numbers inside the text compare by value ("Khóm 2" before "Khóm 10").

    Letters decide first; then the tone of each word (syllable), wherever the mark sits, so
    "hoà" and "hòa" (old and new tone placement) get the same key; letter case decides last.
    """
    letters: list[str] = []
    tones: list[str] = []
    cases: list[str] = []
    word_tone = 0
    digits: list[str] = []  # the run of digits being read: a number compares as a whole
    for char in normalise(text) + "\0":
        base, tone = _split_letter(char)
        if base in _DIGITS:
            digits.append(base)
            cases.append("0")
            continue
        if digits:
            letters.append(_number_key("".join(digits)))
            digits.clear()
        if char == "\0":
            break
        if base in _LETTER_RANK:
            letters.append(chr(_LETTER_BASE + _LETTER_RANK[base]))
        elif base == " ":
            letters.append(_SPACE)
            tones.append(chr(0x30 + word_tone))
            word_tone = 0
            continue
        else:
            letters.append(_OTHER + base)
        word_tone = word_tone or tone
        cases.append("1" if char.isupper() else "0")
    tones.append(chr(0x30 + word_tone))
    return ("".join(letters), "".join(tones), "".join(cases))


def name_key(full_name: str) -> tuple:
    """Return the sort key of a person's name: given name first, then family and middle names.

    "Nguyễn Thị Hoà" sorts under "Hoà", then "Nguyễn Thị".
    """
    words = normalise(full_name).split(" ")
    given = words[-1] if words else ""
    rest = " ".join(words[:-1])
    return (collation_key(given), collation_key(rest))


def format_decimal(value, places: int = 2) -> str:
    """Format a number with a decimal comma: 92.5 -> "92,50" (``places`` digits)."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{rounded:f}".replace(".", ",")


def format_points(value) -> str:
    """Format criterion points the way people write them: 15 -> "15", 7.5 -> "7,5"."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format_decimal(number, 1)


def format_date(value: dt.date | None) -> str:
    """Format a date as dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y") if value else ""


def dated_place_line(place: str, day: dt.date) -> str:
    """Return the dated place line of a Party document.

    Days below 10 and the months January and February take a leading zero
    (Hướng dẫn 36-HD/VPTW): "Cù Lao Dung, ngày 05 tháng 01 năm 2023", "... tháng 12 ...".
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def ascii_fold(text: str) -> str:
    """Return ``text`` without diacritics, keeping đ/Đ as d/D (for ASCII file names)."""
    text = normalise(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
