"""The award proposal and the closing of a year, through the service layer (both databases)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tracker import award_queries as queries
from tracker.domain.awards import DEFAULT_RECIPIENTS
from tracker.extensions import db
from tracker.models import (
    AuditEntry,
    AwardProposal,
    Campaign,
    Member,
    Report,
    ReportKind,
    ReportStatus,
)
from tracker.services import Conflict, NotAllowed, ValidationFailed
from tracker.services import awards as service
from tracker.spreadsheets import award_workbook
from tracker.standings import standings_for_period

from .award_data import ELIGIBLE, TODAY, make_award_season, mark, regular_reports
from .factories import campaign, cell, members_of
from .reporting import user

FORM = "Giấy khen của Ban Chấp hành Đảng bộ thị trấn Cù Lao Dung"


@pytest.fixture
def season(app, users, prepared):
    """The finished 2022 season; returns the member ids of the story (award_data.py)."""
    app.config["TODAY"] = TODAY
    return prepared(make_award_season)


@pytest.fixture
def ctx(app, season):
    with app.test_request_context():
        yield


def committee():
    return user("danguy")


def admin():
    return user("admin")


def proposal() -> AwardProposal:
    return queries.proposal_of(campaign(2022))


def saved() -> AwardProposal:
    service.create_default_proposal(campaign(2022), actor=committee())
    db.session.commit()
    return proposal()


def cell_codes() -> list[str]:
    return [entry.cell.code for entry in proposal().cells]


def member_ids() -> list[int]:
    return [entry.member_id for entry in proposal().members]


def audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


# --------------------------------------------------------------------------------------------
# The default proposal


def test_the_default_proposal_takes_the_eligible_cells_in_rank_order(ctx):
    page = queries.proposal_page(campaign(2022))
    assert not page.saved
    assert [entry.code for entry in page.cells] == ELIGIBLE
    first = page.cells[0]
    assert first.summary == (
        "Điểm trung bình 94,78; 9/9 kỳ đạt loại Tốt; sinh hoạt chuyên đề đủ 3 quý"
    )
    assert first.award_form == FORM


def test_cells_left_out_come_with_their_reasons(ctx):
    others = {
        check.standing.code: check for check in queries.proposal_page(campaign(2022)).other_cells()
    }
    assert "ap-cho" not in others
    assert others["cong-an"].reasons == (
        "Xếp loại năm Khá, chưa đạt loại Tốt",
        "Thiếu 1 kỳ sinh hoạt được duyệt",
        "Sinh hoạt chuyên đề 2/3 quý",
    )


def test_the_quota_is_the_campaign_setting(ctx):
    campaign(2022).award_quota = 1
    page = queries.proposal_page(campaign(2022))
    assert [entry.code for entry in page.cells] == ["ap-cho"]
    others = {check.standing.code: check for check in page.other_cells()}
    assert others["quan-su"].eligible  # eligible, beyond the quota


def test_individuals_are_suggested_from_attendance_and_speeches(ctx, season):
    page = queries.proposal_page(campaign(2022))
    assert [entry.member_id for entry in page.members] == [
        season["ap-cho"]["secretary"],
        season["quan-su"]["secretary"],
        season["ap-cho"]["active"],  # 9/9 meetings, spoke 7 times
        season["quan-su"]["active"],  # 9/9 meetings, spoke 6 times
    ]
    secretary, _, active, _ = page.members
    assert secretary.position == "Bí thư" and secretary.cell_name == "Chi bộ ấp Chợ"
    assert secretary.summary == (
        "Bí thư chi bộ được đề nghị khen thưởng tập thể; dự đủ 9/9 kỳ sinh hoạt; phát biểu 2 lần"
    )
    assert active.summary == "Dự đủ 9/9 kỳ sinh hoạt; phát biểu 7 lần"


def test_full_attendance_counts_every_month_of_the_year_not_only_the_cells_approved_ones(ctx):
    """A member of Chi bộ Công an attends every meeting her cell held and speaks at each; but
    the cell's August report is still waiting (not approved): she did not attend 9 of 9."""
    member = next(m for m in members_of("cong-an")[4:] if not m.exempted)
    for report in regular_reports("cong-an"):
        mark(report, member, present=True, spoke=True)
    db.session.commit()
    year = queries.proposal_page(campaign(2022)).year
    record = year.records[member.id]
    assert (record.months, record.attended, record.spoke) == (9, 8, 8)
    assert member.id not in [record.member_id for record, _ in year.suggestions(ELIGIBLE)]
    assert year.member_summary(member.id, ELIGIBLE) == "Dự 8/9 kỳ sinh hoạt; phát biểu 8 lần"


def test_members_with_full_attendance_are_suggested_with_every_month_counted(ctx, season):
    year = queries.proposal_page(campaign(2022)).year
    record = year.records[season["ap-cho"]["active"]]
    assert (record.months, record.attended, record.spoke) == (9, 9, 7)
    assert year.records[season["ap-cho"]["absent_once"]].attended == 8


def test_the_speeches_needed_are_the_campaign_setting(ctx, season):
    campaign(2022).individual_min_speeches = 7
    page = queries.proposal_page(campaign(2022))
    assert season["quan-su"]["active"] not in [entry.member_id for entry in page.members]


def test_saving_the_default_proposal_stores_it_with_an_audit_row(ctx, season):
    stored = saved()
    assert [entry.cell.code for entry in stored.cells] == ELIGIBLE
    assert [entry.position for entry in stored.cells] == [0, 1]
    assert len(stored.members) == 4
    assert stored.signer_name == "Trần Văn Hùng"
    assert stored.recipients.splitlines() == list(DEFAULT_RECIPIENTS)
    (entry,) = audit("award.proposal.create")
    assert entry.after["cells"] == ELIGIBLE
    assert entry.after["members"][0] == season["ap-cho"]["secretary"]
    assert entry.user.username == "danguy"


def test_the_default_proposal_is_saved_once(ctx):
    saved()
    with pytest.raises(Conflict):
        service.create_default_proposal(campaign(2022), actor=committee())


def test_a_secretary_may_not_touch_the_proposal(ctx):
    with pytest.raises(NotAllowed):
        service.create_default_proposal(campaign(2022), actor=user("bithu.apcho"))
    saved()
    entry_id = proposal().cells[0].id
    for change in (
        lambda actor: service.move_cell(
            campaign(2022), actor=actor, entry_id=entry_id, direction="down"
        ),
        lambda actor: service.remove_cell(campaign(2022), actor=actor, entry_id=entry_id),
        lambda actor: service.close_year(campaign(2022), actor=actor, confirmed=True),
    ):
        with pytest.raises(NotAllowed):
            change(user("bithu.apcho"))
    assert cell_codes() == ELIGIBLE


def test_editing_needs_a_saved_proposal(ctx):
    with pytest.raises(Conflict):
        service.add_cell(campaign(2022), actor=committee(), cell_code="cong-an")


# --------------------------------------------------------------------------------------------
# Add, remove, reorder, edit


def test_adding_a_cell_puts_it_at_its_rank_with_its_summary_and_an_audit_row(ctx):
    saved()
    service.add_cell(campaign(2022), actor=committee(), cell_code="cong-an")
    db.session.commit()
    assert cell_codes() == [*ELIGIBLE, "cong-an"]
    added = proposal().cells[-1]
    assert added.summary.startswith("Điểm trung bình 81,44; 8/9 kỳ đạt loại Tốt")
    assert added.award_form == FORM
    (entry,) = audit("award.cell.add")
    assert entry.after["cell"] == "cong-an" and entry.after["position"] == 2
    assert entry.cell_id == cell("cong-an").id  # found when the log is filtered by cell


def test_a_cell_added_back_takes_its_rank_place_not_the_end_of_the_list(ctx):
    """contract.md: the list is in rank order; a cell the committee adds takes its rank's
    place (the printed review found an added cell at STT 3 with rank 7)."""
    saved()
    service.remove_cell(campaign(2022), actor=committee(), entry_id=proposal().cells[0].id)
    service.add_cell(campaign(2022), actor=committee(), cell_code="cong-an")
    service.add_cell(campaign(2022), actor=committee(), cell_code="ap-cho")  # rank 1
    db.session.commit()
    assert cell_codes() == ["ap-cho", "quan-su", "cong-an"]
    assert [entry.position for entry in proposal().cells] == [0, 1, 2]
    book = queries.book_for_year(campaign(2022), dt.date.fromisoformat(TODAY))
    assert [line.rank for line in book.cells] == sorted(line.rank for line in book.cells)


def test_rank_place_keeps_a_ranked_list_in_rank_order():
    from tracker.domain.awards import rank_place

    assert rank_place([1, 2, 7], 3) == 2
    assert rank_place([2, 7], 1) == 0
    assert rank_place([1, 2], 9) == 2
    assert rank_place([1, None], 4) == 1  # before an unranked (inactive) cell
    assert rank_place([1, 2], None) == 2  # an unranked cell goes last
    assert rank_place([5, 1], 3) == 0  # after an explicit reordering: before the first worse


def test_a_cell_is_proposed_once(ctx):
    saved()
    with pytest.raises(Conflict) as refused:
        service.add_cell(campaign(2022), actor=committee(), cell_code="ap-cho")
    assert refused.value.status == 409 and "cell" in refused.value.fields


@pytest.mark.parametrize("code", ["", "khong-co", None])
def test_an_unknown_cell_is_refused(ctx, code):
    saved()
    with pytest.raises(ValidationFailed) as refused:
        service.add_cell(campaign(2022), actor=committee(), cell_code=code)
    assert refused.value.fields == {"cell": "Chọn một chi bộ đang hoạt động."}


def test_moving_a_cell_swaps_it_with_its_neighbour_and_is_audited(ctx):
    saved()
    service.add_cell(campaign(2022), actor=committee(), cell_code="cong-an")
    moved = proposal().cells[2].id
    service.move_cell(campaign(2022), actor=committee(), entry_id=moved, direction="up")
    db.session.commit()
    assert cell_codes() == ["ap-cho", "cong-an", "quan-su"]
    assert [entry.position for entry in proposal().cells] == [0, 1, 2]
    (entry,) = audit("award.cell.move")
    assert entry.before == {"order": ["Chi bộ ấp Chợ", "Chi bộ Quân sự", "Chi bộ Công an"]}
    assert entry.after == {"order": ["Chi bộ ấp Chợ", "Chi bộ Công an", "Chi bộ Quân sự"]}
    service.move_cell(campaign(2022), actor=committee(), entry_id=moved, direction="down")
    db.session.commit()
    assert cell_codes() == ["ap-cho", "quan-su", "cong-an"]


def test_moving_the_first_up_changes_nothing(ctx):
    saved()
    service.move_cell(
        campaign(2022), actor=committee(), entry_id=proposal().cells[0].id, direction="up"
    )
    assert cell_codes() == ELIGIBLE and audit("award.cell.move") == []


def test_a_bad_direction_is_refused(ctx):
    saved()
    with pytest.raises(ValidationFailed):
        service.move_cell(
            campaign(2022), actor=committee(), entry_id=proposal().cells[0].id, direction="left"
        )


def test_removing_renumbers_the_rest_and_keeps_what_was_removed_in_the_audit(ctx):
    saved()
    service.remove_cell(campaign(2022), actor=committee(), entry_id=proposal().cells[0].id)
    db.session.commit()
    assert cell_codes() == ["quan-su"]
    assert [entry.position for entry in proposal().cells] == [0]
    (entry,) = audit("award.cell.remove")
    assert entry.before["cell"] == "ap-cho" and entry.before["summary"].startswith("Điểm")


def test_a_secretary_is_credited_with_her_cell_only_while_it_is_proposed(ctx, season):
    """The prefilled summaries follow the cells; one the committee edited stays as written."""
    saved()
    secretaries = {code: season[code]["secretary"] for code in ("ap-cho", "quan-su")}

    def summary_of(member_id):
        return next(e.summary for e in proposal().members if e.member_id == member_id)

    assert summary_of(secretaries["ap-cho"]).startswith("Bí thư chi bộ được đề nghị khen")
    edited = next(e for e in proposal().members if e.member_id == secretaries["quan-su"])
    service.update_member_entry(campaign(2022), actor=committee(), entry_id=edited.id,
                                award_form=edited.award_form, summary="Viết tay", note="")  # fmt: skip
    for entry in list(proposal().cells):
        service.remove_cell(campaign(2022), actor=committee(), entry_id=entry.id)
    db.session.commit()
    assert summary_of(secretaries["ap-cho"]) == "Dự đủ 9/9 kỳ sinh hoạt; phát biểu 2 lần"
    assert summary_of(secretaries["quan-su"]) == "Viết tay"
    removed = audit("award.cell.remove")
    name = db.session.get(Member, secretaries["ap-cho"]).full_name
    assert removed[0].before["summaries_updated"] == [name]
    service.add_cell(campaign(2022), actor=committee(), cell_code="ap-cho")
    db.session.commit()
    assert summary_of(secretaries["ap-cho"]).startswith("Bí thư chi bộ được đề nghị khen")


def test_an_entry_of_another_list_or_year_is_not_found(ctx):
    saved()
    from tracker.services import NotFound

    with pytest.raises(NotFound):
        service.remove_cell(
            campaign(2022), actor=committee(), entry_id=proposal().members[0].id + 999
        )


def test_editing_a_cell_keeps_the_texts_and_audits_before_and_after(ctx):
    saved()
    entry_id = proposal().cells[0].id
    service.update_cell_entry(
        campaign(2022),
        actor=committee(),
        entry_id=entry_id,
        award_form="  Bằng khen của   Ban Thường vụ Huyện ủy ",
        summary="Dẫn đầu khối ấp\r\nhoàn thành xuất sắc",
        note="Đề nghị cấp trên",
    )
    db.session.commit()
    entry = proposal().cells[0]
    assert entry.award_form == "Bằng khen của Ban Thường vụ Huyện ủy"
    assert entry.summary == "Dẫn đầu khối ấp\nhoàn thành xuất sắc"
    assert entry.note == "Đề nghị cấp trên"
    (row,) = audit("award.cell.update")
    assert row.before["award_form"] == FORM
    assert row.after["award_form"] == "Bằng khen của Ban Thường vụ Huyện ủy"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"award_form": "  "}, "award_form"),
        ({"award_form": "x" * 301}, "award_form"),
        ({"summary": "x" * 2001}, "summary"),
        ({"note": "x" * 301}, "note"),
    ],
)
def test_invalid_texts_are_refused_and_nothing_changes(ctx, changes, field):
    saved()
    entry_id = proposal().cells[0].id
    values = {"award_form": FORM, "summary": "Tóm tắt", "note": "", **changes}
    with pytest.raises(ValidationFailed) as refused:
        service.update_cell_entry(campaign(2022), actor=committee(), entry_id=entry_id, **values)
    assert field in refused.value.fields
    db.session.rollback()
    assert proposal().cells[0].award_form == FORM
    assert audit("award.cell.update") == []


def test_members_are_added_moved_edited_and_removed_like_cells(ctx, season):
    saved()
    quiet = season["ap-cho"]["quiet"]
    service.add_member(campaign(2022), actor=committee(), member_id=str(quiet))
    db.session.commit()
    assert member_ids()[-1] == quiet
    assert proposal().members[-1].summary == "Dự đủ 9/9 kỳ sinh hoạt; phát biểu 5 lần"
    with pytest.raises(Conflict):
        service.add_member(campaign(2022), actor=committee(), member_id=quiet)
    db.session.rollback()
    entry_id = proposal().members[-1].id
    service.move_member(campaign(2022), actor=committee(), entry_id=entry_id, direction="up")
    service.update_member_entry(
        campaign(2022),
        actor=committee(),
        entry_id=entry_id,
        award_form=FORM,
        summary="=1+1",
        note="",
    )
    db.session.commit()
    assert member_ids()[-2] == quiet
    assert proposal().members[-2].summary == "=1+1"
    service.remove_member(campaign(2022), actor=committee(), entry_id=entry_id)
    db.session.commit()
    assert quiet not in member_ids()
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-4:] == [
        "award.member.add",
        "award.member.move",
        "award.member.update",
        "award.member.remove",
    ]


@pytest.mark.parametrize("member_id", ["", "abc", "999999"])
def test_an_unknown_member_is_refused(ctx, member_id):
    saved()
    with pytest.raises(ValidationFailed):
        service.add_member(campaign(2022), actor=committee(), member_id=member_id)


def test_the_document_settings_are_stored_normalised_and_audited(ctx):
    saved()
    service.update_document(
        campaign(2022),
        actor=committee(),
        document_number="Số 35-DS/ĐU",
        document_date=dt.date(2023, 1, 5),
        signer_name="  Trần  Văn Hùng ",
        recipients="- Ban Thường vụ Huyện ủy (b/c),\n\n- Lưu Văn phòng Đảng ủy.",
    )
    db.session.commit()
    stored = proposal()
    assert stored.document_number == "35-DS/ĐU"
    assert stored.signer_name == "Trần Văn Hùng"
    assert stored.recipients == "Ban Thường vụ Huyện ủy (b/c)"
    (row,) = audit("award.document.update")
    assert row.after["document_date"] == "2023-01-05"
    header = queries.award_book(queries.proposal_page(campaign(2022))).header
    assert header.number_line == "Số 35-DS/ĐU"
    assert header.place_line == "Cù Lao Dung, ngày 05 tháng 01 năm 2023"
    assert header.recipients[-1] == "- Lưu Văn phòng Đảng ủy."


def test_a_document_number_typed_alone_prints_with_its_type_and_issuer_codes(ctx):
    saved()
    service.update_document(
        campaign(2022),
        actor=committee(),
        document_number="35",
        document_date=None,
        signer_name="Trần Văn Hùng",
        recipients="",
    )
    db.session.commit()
    assert proposal().document_number == "35"  # stored as typed
    book = queries.award_book(queries.proposal_page(campaign(2022)))
    assert book.header.number_line == "Số 35-DS/ĐU"
    sheet = load_workbook(io.BytesIO(award_workbook(book)))["Tập thể"]
    assert sheet["A4"].value == "Số 35-DS/ĐU"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"document_date": dt.date(2021, 12, 31)}, "document_date"),
        ({"document_date": dt.date(2024, 1, 1)}, "document_date"),
        ({"signer_name": ""}, "signer_name"),
        ({"document_number": "x" * 61}, "document_number"),
        ({"recipients": "\n".join(f"Nơi {i}" for i in range(16))}, "recipients"),
    ],
)
def test_invalid_document_settings_are_refused(ctx, changes, field):
    saved()
    values = {
        "document_number": "35-DS/ĐU",
        "document_date": dt.date(2023, 1, 5),
        "signer_name": "Trần Văn Hùng",
        "recipients": "",
        **changes,
    }
    with pytest.raises(ValidationFailed) as refused:
        service.update_document(campaign(2022), actor=committee(), **values)
    assert field in refused.value.fields


def test_reset_puts_both_lists_back_to_the_default_and_keeps_the_document(ctx):
    saved()
    service.remove_cell(campaign(2022), actor=committee(), entry_id=proposal().cells[0].id)
    service.add_cell(campaign(2022), actor=committee(), cell_code="thcs")
    service.update_document(
        campaign(2022),
        actor=committee(),
        document_number="35-DS/ĐU",
        document_date=None,
        signer_name="Trần Văn Hùng",
        recipients="",
    )
    db.session.commit()
    service.reset_proposal(campaign(2022), actor=committee())
    db.session.commit()
    assert cell_codes() == ELIGIBLE
    assert len(member_ids()) == 4
    assert proposal().document_number == "35-DS/ĐU"
    (row,) = audit("award.proposal.reset")
    assert [c["cell"] for c in row.before["cells"]] == ["quan-su", "thcs"]
    assert [c["cell"] for c in row.after["cells"]] == ELIGIBLE


# --------------------------------------------------------------------------------------------
# The "Xếp hạng" sheet is the standings function's


def test_the_ranked_lines_are_the_standings_of_the_year(ctx):
    book = queries.award_book(queries.proposal_page(campaign(2022)))
    standings = standings_for_period(2022)
    assert [(line.code, line.rank, line.average, line.tot_months) for line in book.standings] == [
        (row.code, row.rank, row.average_rounded, row.tot_months) for row in standings.rows
    ]
    assert book.months == tuple(range(4, 13))
    by_code = {line.code: line for line in book.standings}
    assert by_code["ap-phuoc-hoa-b"].scores[2] is None  # June: no report
    assert by_code["ap-phuoc-hoa-b"].scores[5] is None  # September: returned, not approved
    assert by_code["ap-cho"].scores[0] == Decimal(95)
    assert book.cells[0].rank == 1 and book.cells[0].members == 48


# --------------------------------------------------------------------------------------------
# Closing and reopening a year


def test_a_year_closes_only_once_it_has_ended(app, ctx):
    app.config["TODAY"] = "2022-12-20"
    with pytest.raises(Conflict) as refused:
        service.close_year(campaign(2022), actor=committee(), confirmed=True)
    assert "chưa kết thúc" in refused.value.message


def test_closing_needs_a_confirmation(ctx):
    with pytest.raises(ValidationFailed) as refused:
        service.close_year(campaign(2022), actor=committee(), confirmed=False)
    assert "confirm" in refused.value.fields
    db.session.rollback()
    assert not campaign(2022).is_closed


def test_closing_stores_the_list_as_it_stands_and_is_audited(ctx):
    saved()
    service.update_cell_entry(
        campaign(2022),
        actor=committee(),
        entry_id=proposal().cells[1].id,
        award_form=FORM,
        summary="Đơn vị vững mạnh",
        note="",
    )
    service.close_year(campaign(2022), actor=committee(), confirmed=True)
    db.session.commit()
    closed = campaign(2022)
    assert closed.is_closed and closed.closed_by_id == committee().id
    snapshot = closed.closed_snapshot
    assert snapshot["closed_by"] == committee().full_name
    assert snapshot["unreviewed_reports"] == 2  # one submitted, one returned in the season
    book = queries.closed_book(closed)
    assert [line.code for line in book.cells] == ELIGIBLE
    assert book.cells[1].summary == "Đơn vị vững mạnh"
    assert len(book.standings) == 9
    (row,) = audit("campaign.close")
    assert row.after["cells"] == ELIGIBLE and row.after["closed"] is True


def test_closing_without_a_saved_proposal_saves_the_default_first(ctx):
    service.close_year(campaign(2022), actor=committee(), confirmed=True)
    db.session.commit()
    assert cell_codes() == ELIGIBLE
    assert len(audit("award.proposal.create")) == 1
    assert [line.code for line in queries.closed_book(campaign(2022)).cells] == ELIGIBLE


def test_a_closed_year_refuses_every_change_to_its_proposal(ctx):
    saved()
    entry_id = proposal().cells[0].id
    service.close_year(campaign(2022), actor=committee(), confirmed=True)
    db.session.commit()
    changes = [
        lambda: service.add_cell(campaign(2022), actor=committee(), cell_code="cong-an"),
        lambda: service.remove_cell(campaign(2022), actor=committee(), entry_id=entry_id),
        lambda: service.move_cell(
            campaign(2022), actor=committee(), entry_id=entry_id, direction="down"
        ),
        lambda: service.update_cell_entry(
            campaign(2022),
            actor=committee(),
            entry_id=entry_id,
            award_form="x",
            summary="",
            note="",
        ),
        lambda: service.reset_proposal(campaign(2022), actor=committee()),
        lambda: service.update_document(
            campaign(2022),
            actor=committee(),
            document_number="1",
            document_date=None,
            signer_name="A",
            recipients="",
        ),
        lambda: service.close_year(campaign(2022), actor=committee(), confirmed=True),
    ]
    for change in changes:
        with pytest.raises(Conflict) as refused:
            change()
        assert refused.value.status == 409
        db.session.rollback()


def test_a_closed_year_locks_its_reports(ctx):
    from tracker.services import reports as report_service

    waiting = db.session.scalar(
        sa.select(Report).where(
            Report.campaign_id == campaign(2022).id, Report.status == ReportStatus.SUBMITTED
        )
    )
    service.close_year(campaign(2022), actor=committee(), confirmed=True)
    db.session.commit()
    with pytest.raises(Conflict):
        report_service.approve_report(committee(), waiting)


def test_the_printed_list_of_a_closed_year_never_changes(ctx, season):
    saved()
    service.close_year(campaign(2022), actor=committee(), confirmed=True)
    db.session.commit()
    before = workbook_values(queries.book_for_year(campaign(2022)))

    cell("ap-cho").name = "Chi bộ ấp Chợ (đổi tên)"
    db.session.get(Member, season["ap-cho"]["secretary"]).full_name = "Tên Đã Đổi"
    report = db.session.scalar(
        sa.select(Report).where(
            Report.cell_id == cell("quan-su").id,
            Report.campaign_id == campaign(2022).id,
            Report.month == 4,
            Report.kind == ReportKind.REGULAR,
        )
    )
    report.final_total_half_points = 100  # 50 points
    db.session.get(Campaign, campaign(2022).id).award_form = "Khác"
    db.session.commit()

    assert workbook_values(queries.book_for_year(campaign(2022))) == before
    assert "Chi bộ ấp Chợ (đổi tên)" not in str(before)


def workbook_values(book) -> dict[str, list[tuple]]:
    sheets = load_workbook(io.BytesIO(award_workbook(book)))
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in sheets
    }


def test_only_the_admin_reopens_a_year_with_a_reason(ctx):
    service.close_year(campaign(2022), actor=committee(), confirmed=True)
    db.session.commit()
    with pytest.raises(NotAllowed):
        service.reopen_year(campaign(2022), actor=committee(), reason="Sửa số liệu tháng 9")
    with pytest.raises(ValidationFailed) as refused:
        service.reopen_year(campaign(2022), actor=admin(), reason="  sửa ")
    assert "reason" in refused.value.fields
    db.session.rollback()
    assert campaign(2022).is_closed

    service.reopen_year(
        campaign(2022), actor=admin(), reason="Chi bộ Công an bổ sung báo cáo tháng 8"
    )
    db.session.commit()
    reopened = campaign(2022)
    assert not reopened.is_closed
    assert reopened.closed_snapshot is None and reopened.closed_by_id is None
    (row,) = audit("campaign.reopen")
    assert row.after == {"closed": False, "reason": "Chi bộ Công an bổ sung báo cáo tháng 8"}
    assert [c["code"] for c in row.before["printed"]["cells"]] == ELIGIBLE
    assert "Chi bộ Công an bổ sung" in row.summary
    # Open again: the proposal can change and the year can close again.
    service.add_cell(campaign(2022), actor=committee(), cell_code="cong-an")
    service.close_year(campaign(2022), actor=committee(), confirmed=True)
    db.session.commit()
    assert [line.code for line in queries.closed_book(campaign(2022)).cells] == [
        *ELIGIBLE,
        "cong-an",
    ]


def test_an_open_year_cannot_be_reopened(ctx):
    with pytest.raises(Conflict):
        service.reopen_year(campaign(2022), actor=admin(), reason="Không có lý do gì cả")
