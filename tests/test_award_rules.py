"""Year-end award eligibility and the prefilled summaries (domain.md, "Year-end awards")."""

import datetime as dt

import pytest

from tracker.domain.awards import (
    MemberRecord,
    cell_summary,
    check_cell,
    default_cell_proposal,
    full_attendance,
    member_summary,
    number_line,
    place_line,
    recipient_lines,
    recipient_names,
    suggest_members,
)
from tracker.domain.ranking import CellTally, rank_cells


def tally(code, average, *, tot=9, kha=0, scored=9, counted=9, thematic=3, name=None):
    return CellTally(
        code=code,
        name=name or f"Chi bộ {code}",
        category="hamlet",
        sum_half_points=int(average * 2 * counted),
        months_counted=counted,
        months_scored=scored,
        tot_months=tot,
        kha_months=kha,
        thematic_quarters=thematic,
    )


def test_a_tot_cell_with_every_month_and_every_quarter_is_eligible():
    (standing,) = rank_cells([tally("a", 95)])
    assert check_cell(standing, campaign_quarters=3).eligible


def test_every_failed_condition_is_listed():
    (standing,) = rank_cells([tally("a", 80, tot=2, kha=6, scored=8, thematic=2)])
    check = check_cell(standing, campaign_quarters=3)
    assert not check.eligible
    assert check.reasons == (
        "Xếp loại năm Khá, chưa đạt loại Tốt",
        "Thiếu 1 kỳ sinh hoạt được duyệt",
        "Sinh hoạt chuyên đề 2/3 quý",
    )


def test_default_proposal_takes_eligible_cells_in_rank_order_up_to_the_quota():
    standings = rank_cells(
        [
            tally("first", 98),
            tally("no-thematic", 97, thematic=2),
            tally("second", 96),
            tally("third", 94),
            tally("fourth", 93),
        ]
    )
    proposed, others = default_cell_proposal(standings, campaign_quarters=3, quota=3)
    assert [c.standing.code for c in proposed] == ["first", "second", "third"]
    assert [(c.standing.code, c.eligible) for c in others] == [
        ("no-thematic", False),
        ("fourth", True),
    ]


def test_a_quota_of_zero_proposes_nobody():
    proposed, others = default_cell_proposal(rank_cells([tally("a", 95)]), 3, quota=0)
    assert proposed == [] and len(others) == 1


def test_cell_summary_is_drawn_from_the_data():
    (standing,) = rank_cells([tally("a", 95, tot=9)])
    assert cell_summary(standing, 3) == (
        "Điểm trung bình 95,00; 9/9 kỳ đạt loại Tốt; sinh hoạt chuyên đề đủ 3 quý"
    )


def test_cell_summary_rounds_the_exact_average_with_a_comma():
    exact = CellTally(
        "a",
        "A",
        "hamlet",
        sum_half_points=1715,
        months_counted=9,
        months_scored=9,
        tot_months=8,
        kha_months=1,
        thematic_quarters=2,
    )
    (standing,) = rank_cells([exact])
    assert cell_summary(standing, 3) == (
        "Điểm trung bình 95,28; 8/9 kỳ đạt loại Tốt; sinh hoạt chuyên đề 2/3 quý"
    )


def record(member_id, name, cell, *, secretary=False, months=9, attended=9, spoke=3, recorded=9):
    return MemberRecord(member_id, name, cell, secretary, months, attended, spoke, recorded)


def test_members_suggested_are_secretaries_of_proposed_cells_then_active_members():
    records = [
        record(1, "Nguyễn Văn Bình", "b", secretary=True, attended=8),
        record(2, "Trần Thị An", "a", secretary=True),
        record(3, "Lê Văn Cường", "c", secretary=True),  # cell not proposed
        record(4, "Phạm Thị Hoa", "c", spoke=7),
        record(5, "Võ Văn Đức", "a", spoke=7),
        record(6, "Huỳnh Thị Mai", "a", spoke=9, attended=8),  # missed a meeting
        record(7, "Đỗ Văn Dũng", "b", spoke=5),  # spoke too little
    ]
    suggested = suggest_members(records, proposed_cells=["a", "b"], min_speeches=6)
    assert [r.member_id for r, _ in suggested] == [2, 1, 5, 4]
    assert suggested[0][1] == "Bí thư chi bộ được đề nghị khen thưởng"
    assert suggested[2][1] == "Dự đủ các kỳ sinh hoạt, phát biểu 7 lần"


def test_member_summary():
    assert member_summary(record(1, "A", "a", spoke=7)) == "Dự đủ 9/9 kỳ sinh hoạt; phát biểu 7 lần"
    assert member_summary(record(1, "A", "a", attended=7)) == "Dự 7/9 kỳ sinh hoạt; phát biểu 3 lần"


def test_the_secretary_of_a_proposed_cell_is_credited_with_her_cell_first():
    summary = member_summary(record(1, "A", "a", secretary=True, spoke=4), leads_proposed_cell=True)
    assert summary == (
        "Bí thư chi bộ được đề nghị khen thưởng tập thể; dự đủ 9/9 kỳ sinh hoạt; phát biểu 4 lần"
    )


def test_a_member_without_attendance_records_gets_no_figures():
    assert member_summary(record(1, "A", "a", recorded=0, attended=0, spoke=0)) == (
        "Chưa có số liệu điểm danh sinh hoạt"
    )


def test_full_attendance_is_every_counted_month_not_only_the_approved_meetings():
    # Her cell's reports of 3 of the 9 months are missing or not approved: she attended all
    # 6 meetings that were held and approved, which is not attending every month.
    member = record(1, "Lý Thị Lan", "a", months=9, attended=6, recorded=6, spoke=8)
    assert not full_attendance(member)
    assert member_summary(member) == "Dự 6/9 kỳ sinh hoạt; phát biểu 8 lần"
    assert suggest_members([member], proposed_cells=[], min_speeches=1) == []
    assert full_attendance(record(2, "Lâm Văn Tư", "a", months=9, attended=9))


def test_exempted_months_are_not_attended_months():
    member = record(1, "Sơn Thị Đào", "a", months=9, attended=7, recorded=9)  # 2 exempted
    assert not full_attendance(member)
    assert member_summary(member).startswith("Dự 7/9 kỳ sinh hoạt")


# The printed list's header and "Nơi nhận" (Hướng dẫn 36-HD/VPTW)


@pytest.mark.parametrize(
    "typed, line",
    [
        ("35-DS/ĐU", "Số 35-DS/ĐU"),
        ("  Số 35-DS/ĐU ", "Số 35-DS/ĐU"),
        ("", "Số      -DS/ĐU"),
        # A number alone is completed: number, hyphen, type code, slash, issuer code.
        ("35", "Số 35-DS/ĐU"),
        ("Số 35", "Số 35-DS/ĐU"),
        ("35-DS", "Số 35-DS/ĐU"),
        ("35-KH/ĐU", "Số 35-KH/ĐU"),  # another type code, as typed
    ],
)
def test_the_number_line(typed, line):
    assert number_line(typed, "ĐU") == line


def test_a_number_alone_takes_the_committees_issuer_code():
    assert number_line("7", "ĐUK") == "Số 7-DS/ĐUK"


def test_the_place_line_has_leading_zeros_or_room_for_a_hand_written_date():
    assert place_line("Cù Lao Dung", dt.date(2023, 1, 5), 2023) == (
        "Cù Lao Dung, ngày 05 tháng 01 năm 2023"
    )
    assert place_line("Cù Lao Dung", dt.date(2023, 11, 20), 2023) == (
        "Cù Lao Dung, ngày 20 tháng 11 năm 2023"
    )
    assert place_line("Cù Lao Dung", None, 2023) == "Cù Lao Dung, ngày      tháng      năm 2023"


def test_recipients_end_with_the_archive_line_once():
    typed = "- Ban Thường vụ Huyện ủy (b/c),\n\n  Các chi bộ trực thuộc;\n- Lưu Văn phòng Đảng ủy."
    assert recipient_names(typed) == ["Ban Thường vụ Huyện ủy (b/c)", "Các chi bộ trực thuộc"]
    assert recipient_lines(typed) == (
        "- Ban Thường vụ Huyện ủy (b/c),",
        "- Các chi bộ trực thuộc,",
        "- Lưu Văn phòng Đảng ủy.",
    )


def test_without_recipients_the_default_ones_are_printed():
    assert recipient_lines("") == (
        "- Ban Thường vụ Huyện ủy (b/c),",
        "- Các chi bộ trực thuộc,",
        "- Lưu Văn phòng Đảng ủy.",
    )
