"""The shared rules of a report (contract.md), per-member derivation, HD 12 flags, file checks.

Pure functions: no database, no Flask.
"""

import pytest

from tracker.domain import report_rules as rules
from tracker.domain.attendance import Attendance, member_record
from tracker.services import attachments
from tracker.services.attachments import Upload, check_upload

from .reporting import CAMPAIGN_2022, JPEG, PDF, PNG, RUBRIC, SCORES, TEXT, report_input


def check(data, *, complete=True, campaign=CAMPAIGN_2022):
    return rules.check_report(
        data, campaign=campaign, criteria=RUBRIC, complete=complete, cell_known=True
    )


def with_counts(**counts):
    attendance = dict(report_input().attendance)
    attendance.update(counts)
    return report_input(attendance=attendance)


def with_score(code, value):
    return report_input(scores=dict(SCORES, **{code: value}))


def test_a_valid_report_has_no_errors_and_is_cleaned():
    result = check(report_input())
    assert result.errors == {}
    values = result.values
    assert (values.kind, values.year, values.month) == ("regular", 2022, 5)
    assert values.held_on.isoformat() == "2022-05-10"
    assert values.counts == {
        "summoned": 48,
        "exempted": 4,
        "present": 42,
        "absent_excused": 2,
        "absent_unexcused": 0,
    }
    assert values.scores["results"] == 45  # 22.5 points as half-points


# Every rule of contract.md: (input, field, message).
RULES = [
    ("kind", report_input(kind="monthly"), "kind", rules.MSG_KIND),
    ("year not a number", report_input(year="hai nghìn"), "year", rules.MSG_YEAR),
    ("month 13", report_input(month=13), "month", rules.MSG_MONTH),
    ("month 0", report_input(month=0), "month", rules.MSG_MONTH),
    ("month text", report_input(month="năm"), "month", rules.MSG_MONTH),
    (
        "month outside the campaign",
        report_input(month=3, held_on="2022-03-10"),
        "month",
        rules.msg_month_outside(3, 2022, 4, 12),
    ),
    ("held_on missing", report_input(held_on=None), "held_on", rules.MSG_HELD_ON_REQUIRED),
    (
        "held_on not a date",
        report_input(held_on="2022-02-30"),
        "held_on",
        rules.MSG_HELD_ON_IMPOSSIBLE,
    ),
    ("held_on garbage", report_input(held_on="hôm qua"), "held_on", rules.MSG_HELD_ON_FORMAT),
    (
        "held_on another month",
        report_input(held_on="2022-06-01"),
        "held_on",
        rules.msg_held_on_outside(5, 2022),
    ),
    (
        "held_on another year",
        report_input(held_on="2023-05-10"),
        "held_on",
        rules.msg_held_on_outside(5, 2022),
    ),
    (
        "duration missing",
        report_input(duration_minutes=None),
        "duration_minutes",
        rules.MSG_DURATION_REQUIRED,
    ),
    ("duration 0", report_input(duration_minutes=0), "duration_minutes", rules.MSG_DURATION),
    ("duration 1441", report_input(duration_minutes=1441), "duration_minutes", rules.MSG_DURATION),
    (
        "duration not whole",
        report_input(duration_minutes=90.5),
        "duration_minutes",
        rules.MSG_DURATION,
    ),
    (
        "duration a boolean",
        report_input(duration_minutes=True),
        "duration_minutes",
        rules.MSG_DURATION,
    ),
    (
        "count negative",
        with_counts(present=-1, absent_excused=47),
        "attendance.present",
        rules.MSG_COUNT,
    ),
    ("count above 10,000", with_counts(summoned=10_001), "attendance.summoned", rules.MSG_COUNT),
    ("count not whole", with_counts(present=41.5), "attendance.present", rules.MSG_COUNT),
    ("count text", with_counts(exempted="bốn"), "attendance.exempted", rules.MSG_COUNT),
    (
        "count missing",
        with_counts(absent_unexcused=None),
        "attendance.absent_unexcused",
        rules.MSG_COUNT_REQUIRED,
    ),
    (
        "attendance not an object",
        report_input(attendance=[48, 4, 42, 2, 0]),
        "attendance",
        rules.MSG_ATTENDANCE_OBJECT,
    ),
    ("counts do not add up", with_counts(present=41), "attendance", rules.msg_attendance_sum(44)),
    (
        "more exempted than summoned",
        with_counts(exempted=49),
        "attendance.exempted",
        rules.MSG_EXEMPTED_OVER_SUMMONED,
    ),
    ("speakers above present", report_input(speakers=43), "speakers", rules.MSG_SPEAKERS),
    (
        "young speakers above speakers",
        report_input(young_speakers=10),
        "young_speakers",
        rules.MSG_YOUNG_SPEAKERS,
    ),
    ("speakers missing", report_input(speakers=None), "speakers", rules.MSG_COUNT_REQUIRED),
    (
        "score missing",
        report_input(scores={k: v for k, v in SCORES.items() if k != "results"}),
        "scores.results",
        rules.MSG_SCORE_REQUIRED,
    ),
    (
        "score not a multiple of 0.5",
        with_score("preparation", 7.3),
        "scores.preparation",
        rules.MSG_SCORE_HALF,
    ),
    (
        "score above the maximum",
        with_score("attendance", 15.5),
        "scores.attendance",
        rules.msg_score_range(30),
    ),
    ("score negative", with_score("ideology", -0.5), "scores.ideology", rules.msg_score_range(10)),
    ("score text", with_score("results", "hai mươi"), "scores.results", rules.MSG_SCORE_NUMBER),
    ("score a boolean", with_score("minutes", True), "scores.minutes", rules.MSG_SCORE_NUMBER),
    (
        "score of an unknown criterion",
        with_score("beauty", 5),
        "scores.beauty",
        rules.msg_score_unknown("beauty", 2022),
    ),
    ("scores not an object", report_input(scores=[15, 14]), "scores", rules.MSG_SCORES_OBJECT),
    (
        "thematic without a topic",
        report_input(kind="thematic", topic=" "),
        "topic",
        rules.MSG_TOPIC_REQUIRED,
    ),
    ("topic too long", report_input(topic="x" * 301), "topic", rules.msg_text_too_long(300)),
    ("notes not text", report_input(notes=42), "notes", rules.MSG_TEXT),
]


@pytest.mark.parametrize(
    ("data", "field", "message"), [r[1:] for r in RULES], ids=[r[0] for r in RULES]
)
def test_each_rule_names_its_field_with_a_vietnamese_message(data, field, message):
    result = check(data)
    assert result.errors.get(field) == message, result.errors


def test_a_year_without_campaign_is_invalid():
    result = check(report_input(year=2030, held_on="2030-05-10"), campaign=None)
    assert result.errors["year"] == rules.msg_year_without_campaign(2030)


@pytest.mark.parametrize(
    ("cell_known", "message"), [(False, rules.MSG_CELL_UNKNOWN), (None, rules.MSG_CELL_REQUIRED)]
)
def test_an_unknown_or_missing_cell_is_invalid(cell_known, message):
    result = rules.check_report(
        report_input(), campaign=CAMPAIGN_2022, criteria=RUBRIC, cell_known=cell_known
    )
    assert result.errors == {"cell": message}


@pytest.mark.parametrize(
    "data",
    [
        report_input(duration_minutes=1),
        report_input(duration_minutes=1440),
        report_input(duration_minutes="90"),
        report_input(held_on="10/05/2022"),
        report_input(held_on="2022-05-31"),
        with_counts(summoned=10_000, exempted=0, present=10_000, absent_excused=0),
        report_input(speakers=0, young_speakers=0),
        report_input(scores=dict(SCORES, attendance=0, results="22,5", ideology=5.0)),
        report_input(kind="thematic", topic="Học tập và làm theo tư tưởng Hồ Chí Minh"),
    ],
    ids=[
        "duration 1",
        "duration 1440",
        "duration as digits",
        "dd/mm/yyyy",
        "last day of month",
        "10,000 members",
        "nobody spoke",
        "0, comma and 5.0 points",
        "thematic with topic",
    ],
)
def test_boundary_values_are_accepted(data):
    assert check(data).errors == {}


def test_a_draft_may_leave_values_out_but_not_give_wrong_ones():
    blank = rules.ReportInput(kind="regular", year=2022, month=5)
    assert check(blank, complete=False).errors == {}
    wrong = rules.ReportInput(
        kind="regular", year=2022, month=5, duration_minutes=0, scores={"attendance": 99}
    )
    assert check(wrong, complete=False).errors == {
        "duration_minutes": rules.MSG_DURATION,
        "scores.attendance": rules.msg_score_range(30),
    }


def test_all_problems_are_reported_at_once():
    data = report_input(month=13, duration_minutes=0, speakers=99, scores={})
    errors = check(data).errors
    assert {"month", "duration_minutes", "speakers", "scores.attendance", "scores.results"} <= set(
        errors
    )


# --------------------------------------------------------------------------------------------
# Per-member attendance


def row(member_id, status, *, born=1970, spoke=False, reason=""):
    return rules.AttendanceRow(member_id, born, status, spoke, reason)


def test_counts_are_derived_from_the_member_lines():
    lines = [
        row(1, "present", spoke=True),
        row(2, "present", born=1995, spoke=True),
        row(3, "present", born=1996),
        row(4, "absent_excused", reason="Đi công tác"),
        row(5, "absent_unexcused"),
        row(6, "exempted"),
        row(7, "present"),
    ]
    clean, counts, errors = rules.derive_attendance(lines, year=2022, young_age_limit=35)
    assert errors == {}
    assert counts.attendance() == {
        "summoned": 7,
        "exempted": 1,
        "present": 4,
        "absent_excused": 1,
        "absent_unexcused": 1,
    }
    assert (counts.speakers, counts.young_speakers, counts.young_present) == (2, 1, 2)
    assert (
        counts.present + counts.absent_excused + counts.absent_unexcused
        == counts.summoned - counts.exempted
    )
    assert [line.reason for line in clean if line.member_id == 4] == ["Đi công tác"]


@pytest.mark.parametrize(
    ("born", "young"),
    [(1988, True), (1987, False), (1990, True), (1960, False)],
    ids=["34 in 2022", "35 in 2022", "32", "62"],
)
def test_young_means_younger_than_the_limit_that_year(born, young):
    _clean, counts, _errors = rules.derive_attendance(
        [row(1, "present", born=born, spoke=True)], year=2022, young_age_limit=35
    )
    assert counts.young_speakers == (1 if young else 0)
    assert rules.is_young(born, 2022, 35) is young


def test_the_young_age_limit_is_a_setting():
    _clean, counts, _errors = rules.derive_attendance(
        [row(1, "present", born=1990, spoke=True)], year=2022, young_age_limit=30
    )
    assert counts.young_speakers == 0


@pytest.mark.parametrize("status", ["absent_excused", "absent_unexcused", "exempted"])
def test_only_a_present_member_can_have_spoken(status):
    _clean, _counts, errors = rules.derive_attendance(
        [row(7, status, spoke=True)], year=2022, young_age_limit=35
    )
    assert errors == {"member.7": rules.MSG_SPOKE_ABSENT}


def test_a_line_without_a_valid_status_is_refused():
    _clean, _counts, errors = rules.derive_attendance(
        [row(3, ""), row(4, "sick")], year=2022, young_age_limit=35
    )
    assert errors == {
        "member.3": rules.MSG_ATTENDANCE_STATUS,
        "member.4": rules.MSG_ATTENDANCE_STATUS,
    }


def test_a_reason_is_kept_only_for_an_absence():
    clean, _counts, _errors = rules.derive_attendance(
        [row(1, "present", reason="x"), row(2, "absent_excused", reason="  Bệnh  ")],
        year=2022,
        young_age_limit=35,
    )
    assert [line.reason for line in clean] == ["", "Bệnh"]


# --------------------------------------------------------------------------------------------
# A member's record and the HD 12 flags


def meetings(statuses, start_month=1):
    return [Attendance(start_month + i, status) for i, status in enumerate(statuses)]


P, E, U, X = "present", "absent_excused", "absent_unexcused", "exempted"


def test_a_record_counts_attendance_speeches_and_runs_of_absence():
    record = member_record(
        [
            Attendance(1, P, True),
            Attendance(2, E),
            Attendance(3, U),
            Attendance(4, P, True),
            Attendance(5, X),
            Attendance(6, E),
            Attendance(7, E),
        ]
    )
    assert (record.expected, record.attended, record.spoke) == (6, 2, 2)
    assert (record.longest_absence_run, record.current_absence_run) == (2, 2)
    assert record.unexcused_months == 1
    assert not record.flagged


@pytest.mark.parametrize(
    ("statuses", "flagged"),
    [
        ([E, E, E, P], False),
        ([E, U, E, E, P], True),
        ([E, E, X, E, E], True),
        ([E, E, P, E, E], False),
    ],
    ids=["3 in a row", "4 in a row", "exempted does not break a run", "a presence breaks it"],
)
def test_more_than_three_absences_in_a_row_is_flagged(statuses, flagged):
    record = member_record(meetings(statuses))
    assert record.too_many_in_a_row is flagged


def test_absence_without_reason_in_three_months_is_flagged():
    two = member_record(meetings([U, P, U, P, P]))
    three = member_record(meetings([U, P, U, P, U]))
    assert not two.unexcused_in_three_months
    assert three.unexcused_in_three_months and three.flagged
    # Two meetings of the same month are one month.
    same_month = member_record([Attendance(5, U), Attendance(5, U), Attendance(6, U)])
    assert same_month.unexcused_months == 2 and not same_month.unexcused_in_three_months


# --------------------------------------------------------------------------------------------
# Minutes attachments: the content decides, not the name


MAX = 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("bien-ban.pdf", PDF, "pdf"),
        ("ANH.PNG", PNG, "png"),
        ("chup.jpg", JPEG, "jpeg"),
        ("chup.jpeg", JPEG, "jpeg"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted(name, data, kind):
    checked, message = check_upload(Upload(name, data), MAX)
    assert message is None
    assert checked.kind == kind


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bien-ban.pdf", PNG, attachments.msg_mismatch(".pdf", "png")),
        ("bien-ban.pdf", TEXT, attachments.MSG_CONTENT),
        ("anh.png", JPEG, attachments.msg_mismatch(".png", "jpeg")),
        ("bien-ban.exe", PDF, attachments.MSG_EXTENSION),
        ("bien-ban", PDF, attachments.MSG_EXTENSION),
        ("bien-ban.pdf", b"", attachments.MSG_EMPTY),
        ("bien-ban.pdf", PDF + b"x" * MAX, attachments.msg_too_large(MAX)),
    ],
    ids=[
        "png named pdf",
        "text named pdf",
        "jpeg named png",
        "exe",
        "no extension",
        "empty",
        "oversize",
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(name, data, message):
    checked, error = check_upload(Upload(name, data), MAX)
    assert checked is None
    assert error == message
