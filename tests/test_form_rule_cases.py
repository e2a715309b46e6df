"""The report form's JavaScript and the Python domain agree on one case table (issue 16,
item 5): suggested points, grade and the written reason of a grade below its band."""

from __future__ import annotations

import pytest

from tracker.domain.grade_reasons import report_grade_reason
from tracker.domain.scoring import Criterion, GradeBands, MeetingFacts, report_grade, suggest_points

from .browser import sign_in
from .conftest import PHONE
from .form_rule_cases import BANDS, GRADE_CASES, LINES, MAX, SUGGESTION_CASES

CRITERIA = [Criterion(code, title, half, gate) for code, title, half, gate in LINES]
PY_BANDS = GradeBands(tot=BANDS["tot"], kha=BANDS["kha"], trung_binh=BANDS["tb"])


def facts_of(case):
    required, present, unexcused, duration, speakers, young, young_present = case
    return MeetingFacts(required, present, unexcused, duration, speakers, young, young_present)


@pytest.mark.parametrize(("facts", "expected"), SUGGESTION_CASES)
def test_python_suggestions_follow_the_table(facts, expected):
    suggested = suggest_points(facts_of(facts), [c for c in CRITERIA if c.code in MAX])
    assert suggested == expected


@pytest.mark.parametrize(("scores", "expected"), GRADE_CASES)
def test_python_grade_and_reason_follow_the_table(scores, expected):
    by_code = {c.code: half for c, half in zip(CRITERIA, scores)}
    assert (
        report_grade(by_code, CRITERIA, PY_BANDS).value,
        report_grade_reason(by_code, CRITERIA, PY_BANDS),
    ) == expected


@pytest.mark.backends("sqlite")
def test_the_forms_javascript_follows_the_same_table(live_server, browser_page, users):
    page = browser_page(PHONE)
    sign_in(page, live_server, users["secretary"].username, then="/reports/new?year=2022&month=5")
    for facts, expected in SUGGESTION_CASES:
        required, present, unexcused, duration, speakers, young, young_present = facts
        got = page.evaluate(
            "([f, max]) => ReportFormRules.suggest(f, max)",
            [
                {
                    "required": required,
                    "present": present,
                    "unexcused": unexcused,
                    "duration": duration,
                    "speakers": speakers,
                    "youngSpeakers": young,
                    "youngPresent": young_present,
                },
                MAX,
            ],
        )
        assert got == expected, facts
    for scores, (grade, reason) in GRADE_CASES:
        total = sum(scores)
        shortfalls = [
            {"title": title, "half": half, "max": top}
            for (code, title, top, gate), half in zip(LINES, scores)
            if gate and half < top
        ]
        got_grade = page.evaluate(
            "([t, full, b]) => ReportFormRules.grade(t, full, b)",
            [total, not shortfalls, BANDS],
        )
        got_reason = (
            page.evaluate("([t, s]) => ReportFormRules.gradeNote(t, s)", [total, shortfalls])
            if total >= BANDS["tot"]
            else ""
        )
        assert (got_grade, got_reason or None) == (grade, reason), scores
