"""Vietnamese alphabetical order and name order (domain.md, "Vietnamese text")."""

import pytest

from tracker.domain.vietnamese import ascii_fold, collation_key, name_key, normalise


def ordered(words):
    return sorted(words, key=collation_key)


def test_letters_follow_the_vietnamese_alphabet():
    alphabet = [
        "a",
        "ă",
        "â",
        "b",
        "c",
        "d",
        "đ",
        "e",
        "ê",
        "g",
        "h",
        "i",
        "k",
        "l",
        "m",
        "n",
        "o",
        "ô",
        "ơ",
        "p",
        "q",
        "r",
        "s",
        "t",
        "u",
        "ư",
        "v",
        "x",
        "y",
    ]
    shuffled = list(reversed(alphabet))
    assert ordered(shuffled) == alphabet


def test_d_with_stroke_sorts_after_every_d_word():
    assert ordered(["Đào", "Dương", "Dũng", "Đỗ", "Danh", "Em"]) == [
        "Danh",
        "Dũng",
        "Dương",
        "Đào",
        "Đỗ",
        "Em",
    ]


def test_tones_follow_none_huyen_hoi_nga_sac_nang():
    assert ordered(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_letters_decide_before_tones():
    # "bà" < "bạ" by tone, but "bàn" has more letters than "ba" whatever the tones.
    assert ordered(["bàn", "bạ", "bà", "ba"]) == ["ba", "bà", "bạ", "bàn"]
    assert ordered(["an", "án", "ăn", "ân"]) == ["an", "án", "ăn", "ân"]


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [("hoà", "hòa"), ("thuỷ", "thủy"), ("Khoá", "Khóa"), ("Thuý", "Thúy"), ("hoạ", "họa")],
)
def test_tone_placement_does_not_matter(old_style, new_style):
    assert collation_key(old_style) == collation_key(new_style)
    assert name_key(f"Nguyễn Thị {old_style}") == name_key(f"Nguyễn Thị {new_style}")


def test_decomposed_and_composed_text_compare_equal():
    composed = "Nguyễn"
    decomposed = "Nguye\u0302\u0303n"
    assert collation_key(composed) == collation_key(decomposed)


def test_case_does_not_change_the_letter_order():
    assert ordered(["bình", "An", "Cường"]) == ["An", "bình", "Cường"]


def test_names_sort_by_given_name_then_family_and_middle_names():
    names = [
        "Nguyễn Văn Bình",
        "Trần Thị An",
        "Lê Văn An",
        "Đặng Thị Hoà",
        "Bùi Thị Hòa",
        "Võ Văn Đức",
        "Phạm Minh Dũng",
    ]
    assert sorted(names, key=name_key) == [
        "Lê Văn An",
        "Trần Thị An",
        "Nguyễn Văn Bình",
        "Phạm Minh Dũng",
        "Võ Văn Đức",
        "Bùi Thị Hòa",
        "Đặng Thị Hoà",
    ]


def test_given_name_outranks_family_name():
    # A family name starting with A does not lift a member above a given name starting with A.
    assert sorted(["An Văn Tư", "Zô Văn An"], key=name_key) == ["Zô Văn An", "An Văn Tư"]


def test_extra_spaces_are_ignored():
    assert name_key("  Nguyễn   Thị  Hoa ") == name_key("Nguyễn Thị Hoa")
    assert normalise("  Nguyễn   Thị  Hoa ") == "Nguyễn Thị Hoa"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đảng ủy thị trấn Cù Lao Dung", "Dang uy thi tran Cu Lao Dung"),
        ("Chi bộ ấp Phước Hòa A", "Chi bo ap Phuoc Hoa A"),
        ("đồng chí", "dong chi"),
    ],
)
def test_ascii_fold_keeps_d_with_stroke_as_d(text, folded):
    assert ascii_fold(text) == folded


def test_numbers_inside_names_sort_by_value_not_digit_by_digit():
    """The printed review found "số 10" before "số 2": numbers compare whole."""
    from tracker.domain.vietnamese import collation_key

    names = ["Chi bộ khóm 10", "Chi bộ khóm 2", "Chi bộ khóm 1", "Chi bộ khóm 19", "Chi bộ khóm A"]
    assert sorted(names, key=collation_key) == [
        "Chi bộ khóm 1",
        "Chi bộ khóm 2",
        "Chi bộ khóm 10",
        "Chi bộ khóm 19",
        "Chi bộ khóm A",  # numbers before letters, as in an index
    ]
    assert collation_key("Khóm 02")[0] == collation_key("Khóm 2")[0]
