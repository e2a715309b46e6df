"""The ranking rule of contract.md, pinned by examples and by properties (no database)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.insights import compare_criteria, weak_points, weakness_label
from tracker.domain.periods import Period, counted_months
from tracker.domain.ranking import (
    CellTally,
    average_points,
    mark_shared,
    period_grade,
    rank_cells,
    rank_label,
    round_points,
)
from tracker.domain.scoring import Grade, GradeBands


def tally(name, average=None, *, counted=9, tot=0, kha=None, scored=None, sum_half=None, code=None):
    """A cell over ``counted`` months; ``average`` in points unless ``sum_half`` is given."""
    if sum_half is None:
        sum_half = int(Fraction(str(average)) * 2 * counted)
    scored = counted if scored is None else scored
    kha = (scored - tot) if kha is None else kha
    return CellTally(
        code=code or name.lower().replace(" ", "-"),
        name=name,
        category="hamlet",
        sum_half_points=sum_half,
        months_counted=counted,
        months_scored=scored,
        tot_months=tot,
        kha_months=kha,
    )


def ranks(standings):
    return [(s.name, s.rank) for s in standings]


# --------------------------------------------------------------------------------------------
# Order and shared ranks


def test_equal_cells_share_a_rank_and_the_next_rank_skips():
    standings = rank_cells(
        [
            tally("Chi bộ D", 80, tot=2),
            tally("Chi bộ B", 90, tot=5),
            tally("Chi bộ A", 95, tot=7),
            tally("Chi bộ C", 90, tot=5),
        ]
    )
    assert [s.rank for s in standings] == [1, 2, 2, 4]
    assert [s.shared for s in standings] == [False, True, True, False]
    assert [rank_label(s) for s in standings] == ["1", "=2", "=2", "4"]


def test_equal_averages_are_decided_by_tot_months():
    standings = rank_cells([tally("Chi bộ A", 90, tot=4), tally("Chi bộ B", 90, tot=6)])
    assert ranks(standings) == [("Chi bộ B", 1), ("Chi bộ A", 2)]
    assert not any(s.shared for s in standings)


def test_more_tot_months_never_beat_a_higher_average():
    standings = rank_cells(
        [tally("Chi bộ A", Decimal("89.5"), tot=9), tally("Chi bộ B", 90, tot=0)]
    )
    assert ranks(standings) == [("Chi bộ B", 1), ("Chi bộ A", 2)]


def test_a_tie_is_listed_in_vietnamese_alphabetical_order():
    names = [
        "Chi bộ Trường Tiểu học",
        "Chi bộ ấp Chợ",
        "Chi bộ Cơ quan",
        "Chi bộ Công an",
        "Chi bộ ấp Phước Hòa A",
        "Chi bộ Trường THCS thị trấn",
        "Chi bộ Quân sự",
    ]
    standings = rank_cells([tally(name, 85, tot=1) for name in names])
    # â before c; "Công" before "Cơ" (ô before ơ: letters decide before word length);
    # "THCS" before "Tiểu" (h before i).
    assert [s.name for s in standings] == [
        "Chi bộ ấp Chợ",
        "Chi bộ ấp Phước Hòa A",
        "Chi bộ Công an",
        "Chi bộ Cơ quan",
        "Chi bộ Quân sự",
        "Chi bộ Trường THCS thị trấn",
        "Chi bộ Trường Tiểu học",
    ]
    assert {s.rank for s in standings} == {1}


def test_name_order_compares_letters_before_tones_and_ignores_unicode_form():
    # "Hòa" written with a combining mark (NFD) is the same name as the composed one.
    decomposed = "Chi bộ Ho\u0300a"
    standings = rank_cells(
        [
            tally("Chi bộ Hóa", 80, code="b"),
            tally(decomposed, 80, code="a"),
            tally("Chi bộ Hoa", 80),
        ]
    )
    assert [s.code for s in standings] == ["chi-bộ-hoa", "a", "b"]


def test_averages_compare_exactly_not_rounded():
    # 90.005 and 90.00 both show as 90,01 / 90,00 but only the exact values order them; two
    # averages that round to the same 2 decimals are still different places.
    a = tally("Chi bộ A", sum_half=1621, counted=9)  # 90.0555...
    b = tally("Chi bộ B", sum_half=1620, counted=9)  # 90.0
    c = tally("Chi bộ C", sum_half=1622, counted=9)  # 90.111...
    standings = rank_cells([a, b, c])
    assert [s.rank for s in standings] == [1, 2, 3]
    assert [s.name for s in standings] == ["Chi bộ C", "Chi bộ A", "Chi bộ B"]


def test_cells_with_different_counted_months_cannot_be_ranked_together():
    with pytest.raises(ValueError):
        rank_cells([tally("Chi bộ A", 80, counted=9), tally("Chi bộ B", 80, counted=8)])


def test_mark_shared_flags_the_ranks_held_twice():
    standings = rank_cells([tally("Chi bộ A", 90), tally("Chi bộ B", 90), tally("Chi bộ C", 70)])
    assert [s.shared for s in mark_shared(standings)] == [True, True, False]


# --------------------------------------------------------------------------------------------
# Averages


def test_a_missing_month_scores_zero():
    cell = tally("Chi bộ A", sum_half=2 * (95 * 8), counted=9, scored=8, tot=8)
    assert average_points(cell) == Fraction(95 * 8, 9)
    assert cell.months_missing == 1


@pytest.mark.parametrize(
    ("sum_half", "counted", "shown"),
    [
        (1665, 9, "92.50"),
        (1541, 9, "85.61"),
        (169, 1, "84.50"),
        (2 * 1000, 12, "83.33"),
        (737, 4, "92.13"),
        (1, 100, "0.01"),
    ],
)
def test_averages_round_half_up_to_two_decimals(sum_half, counted, shown):
    average = average_points(tally("A", sum_half=sum_half, counted=counted))
    assert round_points(average) == Decimal(shown)


@given(sum_half=st.integers(min_value=0, max_value=2400), counted=st.integers(1, 12))
def test_the_shown_average_is_the_exact_average_rounded_half_up(sum_half, counted):
    (standing,) = rank_cells([tally("A", sum_half=sum_half, counted=counted)])
    assert standing.average_rounded == round_points(Fraction(sum_half, 2 * counted))


def test_no_counted_month_means_no_average_and_no_grade():
    cell = tally("Chi bộ A", sum_half=0, counted=0, scored=0)
    assert average_points(cell) is None
    assert period_grade(cell) is None
    assert rank_cells([cell])[0].average_rounded is None


# --------------------------------------------------------------------------------------------
# Period grade and its caps


@pytest.mark.parametrize(
    ("average", "grade"),
    [
        (100, Grade.KHA),
        (90, Grade.KHA),
        (Decimal("89.5"), Grade.KHA),
        (70, Grade.KHA),
        (Decimal("69.5"), Grade.TRUNG_BINH),
        (50, Grade.TRUNG_BINH),
        (Decimal("49.5"), Grade.KEM),
        (0, Grade.KEM),
    ],
)
def test_the_average_decides_the_band(average, grade):
    # No Tốt month at all: even 100 is capped at Khá; below 90 the band alone decides.
    assert period_grade(tally("A", average, tot=0)) is grade


@pytest.mark.parametrize(
    ("tot", "counted", "grade"),
    [
        (5, 9, Grade.TOT),
        (4, 9, Grade.KHA),
        (2, 3, Grade.TOT),
        (1, 3, Grade.KHA),
        (1, 1, Grade.TOT),
        (0, 1, Grade.KHA),
        (7, 12, Grade.TOT),
        (6, 12, Grade.KHA),
        (2, 2, Grade.TOT),
        (1, 2, Grade.KHA),
    ],
    ids=lambda value: str(value),
)
def test_tot_needs_more_than_half_of_the_counted_months_graded_tot(tot, counted, grade):
    assert period_grade(tally("A", 95, counted=counted, tot=tot)) is grade


def test_a_month_graded_trung_binh_caps_a_high_average_at_kha():
    # 11 months of 100 and one of 60: the average is 96.67, yet one month is only Trung bình.
    cell = tally("A", sum_half=2 * (11 * 100 + 60), counted=12, tot=11, kha=0)
    assert average_points(cell) > 90
    assert period_grade(cell) is Grade.KHA


def test_a_missing_month_caps_a_high_average_at_kha():
    cell = tally("A", sum_half=2 * (11 * 100), counted=12, scored=11, tot=11)
    assert average_points(cell) > 90 and period_grade(cell) is Grade.KHA


def test_caps_never_raise_a_grade():
    assert period_grade(tally("A", 75, tot=9)) is Grade.KHA
    assert period_grade(tally("A", 60, tot=9)) is Grade.TRUNG_BINH


def test_the_bands_of_the_campaign_apply():
    strict = GradeBands(tot=190, kha=160, trung_binh=120)
    assert period_grade(tally("A", 92, tot=9), strict) is Grade.KHA
    assert period_grade(tally("A", 95, tot=9), strict) is Grade.TOT
    assert period_grade(tally("A", 59, tot=0), strict) is Grade.KEM


# --------------------------------------------------------------------------------------------
# Counted months


@pytest.mark.parametrize(
    ("period", "today", "months"),
    [
        (Period(2022), dt.date(2023, 1, 1), [4, 5, 6, 7, 8, 9, 10, 11, 12]),
        (Period(2022), dt.date(2022, 11, 30), [4, 5, 6, 7, 8, 9, 10]),
        (Period(2022), dt.date(2022, 4, 30), []),
        (Period(2022, quarter=2), dt.date(2023, 1, 1), [4, 5, 6]),
        (Period(2022, quarter=1), dt.date(2023, 1, 1), []),
        (Period(2022, month=3), dt.date(2023, 1, 1), []),
        (Period(2022, month=12), dt.date(2022, 12, 31), []),
        (Period(2022, month=12), dt.date(2023, 1, 1), [12]),
    ],
)
def test_counted_months_are_the_ended_campaign_months_of_the_period(period, today, months):
    assert counted_months(period, 4, 12, today) == months


def test_a_period_is_a_month_or_a_quarter_not_both():
    with pytest.raises(ValueError):
        Period(2022, month=5, quarter=2)
    with pytest.raises(ValueError):
        Period(2022, month=13)
    with pytest.raises(ValueError):
        Period(2022, quarter=5)


# --------------------------------------------------------------------------------------------
# Properties

NAMES = [
    "Chi bộ ấp Chợ",
    "Chi bộ ấp Phước Hòa A",
    "Chi bộ ấp Phước Hòa B",
    "Chi bộ Quân sự",
    "Chi bộ Công an",
    "Chi bộ Cơ quan",
    "Chi bộ Trường Mầm non",
    "Chi bộ Trường Tiểu học",
    "Chi bộ Trường THCS thị trấn",
    "Chi bộ Đoàn",
    "Chi bộ Ấp Mới",
    "Chi bộ Y tế",
]

COUNTED = 9


@st.composite
def tallies(draw):
    size = draw(st.integers(min_value=1, max_value=len(NAMES)))
    names = draw(st.permutations(NAMES))[:size]
    rows = []
    for name in names:
        scored = draw(st.integers(min_value=0, max_value=COUNTED))
        tot = draw(st.integers(min_value=0, max_value=scored))
        # Few distinct sums so that ties happen often.
        per_month = draw(st.sampled_from([0, 140, 170, 180, 190, 200]))
        rows.append(
            CellTally(
                code=name,
                name=name,
                category="hamlet",
                sum_half_points=per_month * scored,
                months_counted=COUNTED,
                months_scored=scored,
                tot_months=tot,
                kha_months=scored - tot,
            )
        )
    return rows


@settings(max_examples=200, deadline=None)
@given(tallies(), st.randoms(use_true_random=False))
def test_the_order_does_not_depend_on_the_order_of_insertion(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    first = [(s.code, s.rank, s.shared, s.grade) for s in rank_cells(rows)]
    second = [(s.code, s.rank, s.shared, s.grade) for s in rank_cells(shuffled)]
    assert first == second


@settings(max_examples=200, deadline=None)
@given(tallies(), st.data())
def test_adding_points_to_a_cell_never_lowers_its_rank(rows, data):
    index = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    extra = data.draw(st.integers(min_value=1, max_value=400))
    before = {s.code: s.rank for s in rank_cells(rows)}
    target = rows[index]
    improved = list(rows)
    improved[index] = CellTally(
        **{**target._asdict(), "sum_half_points": target.sum_half_points + extra}
    )
    after = {s.code: s.rank for s in rank_cells(improved)}
    assert after[target.code] <= before[target.code]


@settings(max_examples=200, deadline=None)
@given(tallies())
def test_a_rank_is_one_plus_the_number_of_strictly_better_cells(rows):
    standings = rank_cells(rows)
    for standing in standings:
        better = sum(
            1
            for other in rows
            if (other.sum_half_points, other.tot_months)
            > (standing.tally.sum_half_points, standing.tally.tot_months)
        )
        assert standing.rank == better + 1
        assert standing.shared == (sum(1 for other in standings if other.rank == standing.rank) > 1)


def test_ranking_ten_thousand_cells_keeps_its_shape():
    rnd = random.Random(4)
    rows = [
        tally(
            f"Chi bộ {i:05d}",
            sum_half=rnd.randrange(0, 1800),
            counted=9,
            scored=9,
            tot=rnd.randrange(0, 10),
        )
        for i in range(10_000)
    ]
    standings = rank_cells(rows)
    assert len(standings) == 10_000
    assert all(a.rank <= b.rank for a, b in pairwise(standings))


# --------------------------------------------------------------------------------------------
# Where a cell loses points


def test_weak_points_put_the_criteria_behind_the_other_cells_first():
    criteria = [
        ("preparation", "Công tác chuẩn bị", 30),
        ("ideology", "Nội dung tư tưởng", 10),
        ("minutes", "Biên bản", 10),
        ("results", "Kết quả", 50),
    ]
    cell = {
        "preparation": (20 * 3, 3),
        "ideology": (5 * 3, 3),
        "minutes": (10 * 3, 3),
        "results": (30 * 3, 3),
    }
    everyone = {
        "preparation": (28 * 27, 27),
        "ideology": (9 * 27, 27),
        "minutes": (10 * 27, 27),
        "results": (25 * 27, 27),
    }
    comparisons = compare_criteria(criteria, cell, everyone)
    weak = weak_points(comparisons)
    assert [c.code for c in weak] == ["ideology", "preparation", "results"]
    assert weak[0].label == "Đánh giá tình hình tư tưởng còn chung chung"
    assert weak[0].behind_others and not weak[2].behind_others
    assert weak[0].cell_share == Fraction(1, 2)


def test_a_cell_without_approved_reports_has_no_weak_points():
    comparisons = compare_criteria([("minutes", "Biên bản", 10)], {}, {"minutes": (90, 9)})
    assert comparisons[0].cell_average is None
    assert weak_points(comparisons) == []


def test_every_seed_criterion_has_a_vietnamese_weakness_label():
    from tracker.seed import DEFAULT_RUBRIC

    for code, title, _points, _gate in DEFAULT_RUBRIC:
        assert not weakness_label(code, title).startswith("Điểm thấp")
    assert weakness_label("new", "Tiêu chí mới") == "Điểm thấp ở tiêu chí “Tiêu chí mới”"
