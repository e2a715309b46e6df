"""Year-end award eligibility and the prefilled summaries (domain.md, "Year-end awards")."""

from tracker.domain.awards import (
    MemberRecord,
    cell_summary,
    check_cell,
    default_cell_proposal,
    member_summary,
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
    exact = CellTally("a", "A", "hamlet", sum_half_points=1715, months_counted=9,
                      months_scored=9, tot_months=8, kha_months=1, thematic_quarters=2)
    (standing,) = rank_cells([exact])
    assert cell_summary(standing, 3) == (
        "Điểm trung bình 95,28; 8/9 kỳ đạt loại Tốt; sinh hoạt chuyên đề 2/3 quý"
    )


def record(member_id, name, cell, *, secretary=False, expected=9, attended=9, spoke=3):
    return MemberRecord(member_id, name, cell, secretary, expected, attended, spoke)


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
