"""Rubric arithmetic and the grade of one report (contract.md, domain.md)."""

from decimal import Decimal

import pytest

from tracker.domain.scoring import (
    Criterion,
    Grade,
    GradeBands,
    MeetingFacts,
    report_grade,
    suggest_points,
    to_half_points,
    to_points,
)

RUBRIC = [
    Criterion("attendance", "Tỷ lệ", 30, gate=True),
    Criterion("preparation", "Chuẩn bị", 30),
    Criterion("procedure", "Trình tự", 20),
    Criterion("ideology", "Tư tưởng", 10),
    Criterion("criticism", "Phê bình", 20),
    Criterion("speaking", "Phát biểu", 20, gate=True),
    Criterion("duration", "Thời lượng", 10, gate=True),
    Criterion("minutes", "Biên bản", 10, gate=True),
    Criterion("results", "Kết quả", 50),
]


def full_marks():
    return {c.code: c.max_half_points for c in RUBRIC}


def with_total(total_points, lose_from="results", **overrides):
    scores = full_marks()
    scores.update(overrides)
    scores[lose_from] -= 200 - 2 * Decimal(total_points) - (200 - sum(scores.values()))
    scores[lose_from] = int(scores[lose_from])
    assert sum(scores.values()) == 2 * Decimal(total_points)
    return scores


@pytest.mark.parametrize(
    ("text", "half_points"),
    [("7.5", 15), ("7,5", 15), (" 15 ", 30), (0, 0), (Decimal("2.5"), 5), (10, 20), ("0.0", 0)],
)
def test_points_convert_exactly_to_half_points(text, half_points):
    assert to_half_points(text) == half_points


@pytest.mark.parametrize("text", ["7.25", "0.1", "1e-1"])
def test_points_that_are_not_multiples_of_a_half_give_none(text):
    assert to_half_points(text) is None


@pytest.mark.parametrize("text", ["abc", "", "nan", "inf", True, "1,2,3"])
def test_points_that_are_not_numbers_raise(text):
    with pytest.raises(ValueError):
        to_half_points(text)


def test_half_points_convert_back_to_exact_decimals():
    assert to_points(15) == Decimal("7.5")
    assert to_points(None) is None


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, Grade.TOT), (90, Grade.TOT), (89.5, Grade.KHA), (70, Grade.KHA), (69.5, Grade.TRUNG_BINH),
     (50, Grade.TRUNG_BINH), (49.5, Grade.KEM), (0, Grade.KEM)],
)
def test_grade_bands_of_a_report(total, grade):
    assert report_grade(with_total(total), RUBRIC) is grade


def test_a_total_of_90_that_misses_a_gate_is_kha():
    scores = with_total(95, duration=9)  # half a point short on a gate criterion
    assert sum(scores.values()) == 190
    assert report_grade(scores, RUBRIC) is Grade.KHA


def test_bands_are_settings():
    strict = GradeBands(tot=190, kha=160, trung_binh=120)
    assert report_grade(with_total(92), RUBRIC, strict) is Grade.KHA
    assert report_grade(with_total(95), RUBRIC, strict) is Grade.TOT


def test_grades_carry_vietnamese_labels_best_first():
    assert [g.label for g in Grade] == ["Tốt", "Khá", "Trung bình", "Kém"]
    assert Grade.TOT.rank < Grade.KEM.rank


def facts(**changes):
    base = {
        "required": 20, "present": 19, "absent_unexcused": 0, "duration_minutes": 120,
        "speakers": 8, "young_speakers": 1, "young_present": 2,
    }  # fmt: skip
    base.update(changes)
    return MeetingFacts(**base)


def test_suggestions_give_full_points_for_a_good_meeting():
    assert suggest_points(facts(), RUBRIC) == {"attendance": 30, "duration": 10, "speaking": 20}


@pytest.mark.parametrize(
    ("changes", "code", "half_points"),
    [
        ({"present": 17}, "attendance", 15),  # 85% is not above 85%
        ({"present": 18}, "attendance", 30),  # 90%
        ({"absent_unexcused": 1}, "attendance", 21),  # an unexcused absence costs points
        ({"present": 14}, "attendance", 0),  # 70%
        ({"duration_minutes": 89}, "duration", 5),
        ({"duration_minutes": 59}, "duration", 0),
        ({"young_speakers": 0}, "speaking", 14),  # young members present but silent
        ({"young_speakers": 0, "young_present": 0}, "speaking", 20),  # no young member present
        ({"speakers": 2}, "speaking", 8),
        ({"speakers": 0, "young_speakers": 0}, "speaking", 0),
    ],
)
def test_suggestions_follow_the_recorded_facts(changes, code, half_points):
    assert suggest_points(facts(**changes), RUBRIC)[code] == half_points


def test_suggestions_only_cover_criteria_of_the_rubric():
    assert suggest_points(facts(), RUBRIC[:2]) == {"attendance": 30}
