"""Password strength: a minimum length, no common password, nothing personal (plain rules).

NIST SP 800-63B: at least 8 characters, and refuse passwords that are commonly used, expected
or compromised, or derived from the account (its username, its name). No composition rules.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

MIN_LENGTH = 8
MAX_LENGTH = 200

MSG_SHORT = "Mật khẩu cần ít nhất {n} ký tự."
MSG_LONG = "Mật khẩu dài tối đa {n} ký tự."
MSG_COMMON = "Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn một cụm từ khác, khó đoán hơn."
MSG_PERSONAL = (
    "Mật khẩu không được chứa tên đăng nhập, họ tên hoặc tên chi bộ; hãy chọn cụm từ khác."
)
MSG_PATTERN = (
    "Mật khẩu chỉ gồm một ký tự lặp lại hoặc một dãy liên tiếp (như 12345678, abcdefgh); "
    "hãy chọn cụm từ khác."
)

# The most used passwords (public breach lists), and those people here would try first.
COMMON = frozenset(
    """
    password password1 password123 passw0rd p@ssw0rd p@ssword 123456789 1234567890
    12345678 123123123 11111111 00000000 88888888 66666666 99999999 147258369 987654321
    qwertyui qwerty123 qwertyuiop 1q2w3e4r 1q2w3e4r5t 1qaz2wsx zaq12wsx asdfghjk abc12345
    abcd1234 iloveyou iloveyou1 sunshine princess football baseball welcome1 welcome123
    admin123 administrator letmein1 trustno1 dragon123 monkey123 superman computer
    internet 123qweasd qweasdzxc secret123 changeme changeme1 default1 matkhau matkhau1
    matkhau123 matkhaumoi anhyeuem anhyeuem1 emyeuanh emyeuanh1 yeuemnhieu vietnam1
    vietnam123 vietnam2022 hanoi123 saigon123 123456aa 123456ab 12345678a a12345678
    quantri quantri123 quantrivien bithu123 bithuchibo chibo123 danguy123 dangvien
    dangvien1 dangvien123 thidua123 culaodung soctrang123 hochiminh 19051890 02091945
    """.split()  # noqa: SIM905 (a word list reads best as text)
)


def _fold(text: str) -> str:
    """Lowercase, without Vietnamese diacritics (đ → d), without spaces and punctuation."""
    text = unicodedata.normalize("NFD", (text or "").lower()).replace("đ", "d")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", text)


def _is_run(text: str) -> bool:
    if len(set(text)) == 1:
        return True
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})


def password_problem(password: str, personal: tuple[str, ...] = ()) -> str | None:
    """The Vietnamese reason ``password`` is refused, or None when it may be used.

    ``personal``: the account's username, full name, cell code... (what an attacker knows)."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return MSG_SHORT.format(n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return MSG_LONG.format(n=MAX_LENGTH)
    folded = _fold(password)
    if folded in COMMON or password.lower() in COMMON:
        return MSG_COMMON
    if _is_run(password.lower()) or (folded and _is_run(folded)):
        return MSG_PATTERN
    stripped = re.sub(r"\d+$", "", folded)  # "bithu.apcho2024" is still the username
    for word in personal:
        word = _fold(word)
        if len(word) >= 3 and (word in folded or (len(stripped) >= 3 and stripped in word)):
            return MSG_PERSONAL
    for word in personal:
        for part in re.split(r"[.\-_\s]+", (word or "").lower()):
            part = _fold(part)
            if len(part) >= 4 and folded == part:
                return MSG_PERSONAL
    return None
