"""The awards pages, their downloads and the export-awards command (both databases)."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tracker.extensions import db
from tracker.models import AuditEntry, AwardProposal, Campaign, Cell, Report, ReportStatus
from tracker.services.accounts import create_token
from tracker.standings import standings_for_period

from .award_data import ELIGIBLE, TODAY, make_award_season
from .factories import campaign
from .ranking_data import add_cells
from .reporting import api_body, user

# What these tests pin (the award pages' wording, layout, permissions and forms) does not depend
# on the database: they run on SQLite, and tests/test_pages_on_postgresql.py reads every page on
# PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")

WORKBOOK = "/awards/2022/workbook.xlsx"
MATRIX = "/awards/2022/matrix.xlsx"


@pytest.fixture
def season(app, users, prepared):
    app.config["TODAY"] = TODAY
    return prepared(make_award_season)


def text_of(page_html: str) -> str:
    body = page_html[page_html.index("<main") : page_html.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def entry_ids(app, kind: str = "cells") -> list[int]:
    with app.app_context():
        found = db.session.scalar(sa.select(AwardProposal))
        return [entry.id for entry in getattr(found, kind)]


def proposed_codes(app) -> list[str]:
    with app.app_context():
        found = db.session.scalar(sa.select(AwardProposal))
        return [entry.cell.code for entry in found.cells]


def actions(app) -> list[str]:
    """The audit rows of the awards area (logins and the like left out), oldest first."""
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEntry.action)
                .where(
                    sa.or_(AuditEntry.action.like("award.%"), AuditEntry.action.like("campaign.%"))
                )
                .order_by(AuditEntry.id)
            )
        )


def create(auth, users):
    auth.login(users["committee"])
    answer = auth.post("/awards/2022/create")
    assert answer.status_code == 303


def is_closed(app) -> bool:
    with app.app_context():
        return campaign(2022).is_closed


def close(auth):
    return auth.post("/awards/2022/close", {"confirm": "y"})


# --------------------------------------------------------------------------------------------
# Who may do what


PAGES = ["/awards/", "/awards/2022", WORKBOOK]
POSTS = [
    "/awards/2022/create",
    "/awards/2022/reset",
    "/awards/2022/document",
    "/awards/2022/cells",
    "/awards/2022/members",
    "/awards/2022/cells/1",
    "/awards/2022/cells/1/move",
    "/awards/2022/members/1/remove",
    "/awards/2022/close",
    "/awards/2022/reopen",
]


@pytest.mark.parametrize(
    "role, status",
    [("admin", 200), ("committee", 200), ("secretary", 403), ("other_secretary", 403)],
)
@pytest.mark.parametrize("url", PAGES)
def test_the_awards_pages_are_the_committees(client, auth, users, season, role, status, url):
    auth.login(users[role])
    assert client.get(url).status_code == status


@pytest.mark.parametrize("url", [*PAGES, MATRIX])
def test_the_awards_pages_need_a_login(client, season, url):
    answer = client.get(url)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


@pytest.mark.parametrize("url", POSTS)
def test_a_secretary_changes_nothing(app, client, auth, users, season, url):
    auth.login(users["secretary"])
    assert auth.post(url, {"confirm": "y", "reason": "Lý do đủ dài để mở lại"}).status_code == 403
    assert actions(app) == []


@pytest.mark.parametrize("url", POSTS)
def test_anonymous_posts_change_nothing(app, client, season, url):
    answer = client.post(url, data={"confirm": "y"})
    # Refused before anything runs: no session, so no valid CSRF token (400), or the login.
    assert answer.status_code in (302, 400)
    assert actions(app) == [] and not is_closed(app)


@pytest.mark.parametrize(
    "role, status",
    [("admin", 200), ("committee", 200), ("secretary", 200), ("other_secretary", 200)],
)
def test_every_role_that_reads_the_rankings_downloads_the_matrix(
    client, auth, users, season, role, status
):
    auth.login(users[role])
    assert client.get(MATRIX).status_code == status


@pytest.mark.parametrize(
    "url", ["/awards/2030", "/awards/2030/workbook.xlsx", "/awards/2030/matrix.xlsx"]
)
def test_a_year_without_a_campaign_is_not_found(client, auth, users, url):
    auth.login(users["committee"])
    assert client.get(url).status_code == 404


def test_the_awards_menu_entry_shows_for_the_committee_only(client, auth, users):
    auth.login(users["committee"])
    assert 'href="/awards/"' in client.get("/").text
    auth.logout()
    auth.login(users["secretary"])
    assert 'href="/awards/"' not in client.get("/").text


# --------------------------------------------------------------------------------------------
# The year chooser and the proposal page


def test_the_year_chooser_lists_every_year_with_its_state(client, auth, users, season):
    auth.login(users["committee"])
    text = text_of(client.get("/awards/").text)
    for year in (2022, 2023, 2024, 2025):
        assert f"Năm {year}" in text
    assert "Năm đang mở" in text and "Chưa lập đề xuất" in text


def test_before_saving_the_page_shows_the_default_proposal_and_the_reasons(
    client, auth, users, season
):
    auth.login(users["committee"])
    page = client.get("/awards/2022").text
    text = text_of(page)
    assert "Đề xuất mặc định (chưa lưu)" in text and "Tạo đề xuất mặc định" in text
    assert "Năm đang mở" in text
    assert text.index("Chi bộ ấp Chợ") < text.index("Chi bộ Quân sự")
    assert "Điểm trung bình 94,78; 9/9 kỳ đạt loại Tốt; sinh hoạt chuyên đề đủ 3 quý" in text
    assert "Thiếu 1 kỳ sinh hoạt được duyệt" in text  # Chi bộ Công an, left out
    assert "Tập thể đề nghị khen thưởng (2)" in text and "Cá nhân đề nghị khen thưởng (4)" in text
    assert "/move" not in page  # nothing to reorder until it is saved


def test_creating_the_default_proposal_makes_it_editable(app, client, auth, users, season):
    create(auth, users)
    assert proposed_codes(app) == ELIGIBLE
    page = client.get("/awards/2022").text
    assert "Đề xuất mặc định (chưa lưu)" not in page
    first = entry_ids(app)[0]
    assert f'action="/awards/2022/cells/{first}/move"' in page
    assert f'id="cells-{first}-summary"' in page
    assert "Gợi ý từ số liệu" not in page  # every suggestion is already in the list
    assert actions(app) == ["award.proposal.create"]


def test_the_buttons_reorder_and_remove_without_javascript(app, client, auth, users, season):
    create(auth, users)
    first, _second = entry_ids(app)
    answer = auth.post(f"/awards/2022/cells/{first}/move", {"direction": "down"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/awards/2022#cells-{first}")
    assert proposed_codes(app) == ["quan-su", "ap-cho"]
    assert auth.post(f"/awards/2022/cells/{first}/remove").status_code == 303
    assert proposed_codes(app) == ["quan-su"]
    assert actions(app)[-2:] == ["award.cell.move", "award.cell.remove"]


def test_adding_a_cell_and_a_suggested_member(app, client, auth, users, season):
    create(auth, users)
    assert auth.post("/awards/2022/cells", {"cell": "cong-an"}).status_code == 303
    assert proposed_codes(app) == [*ELIGIBLE, "cong-an"]
    # Chi bộ Công an's secretary is now suggested: she is offered with a button.
    page = client.get("/awards/2022").text
    assert "Gợi ý từ số liệu" in page
    with app.app_context():
        secretary = db.session.scalar(sa.select(Cell).where(Cell.code == "cong-an")).members[0]
        secretary_id, name = secretary.id, secretary.full_name
    assert f"Thêm {name}" in page
    assert auth.post("/awards/2022/members", {"member": str(secretary_id)}).status_code == 303
    assert len(entry_ids(app, "members")) == 5


def test_a_refused_addition_says_why_and_stores_nothing(app, client, auth, users, season):
    create(auth, users)
    answer = auth.post("/awards/2022/cells", {"cell": "ap-cho"})
    assert answer.status_code == 409
    assert "Chi bộ ấp Chợ đã có trong đề xuất." in text_of(answer.text)
    answer = auth.post("/awards/2022/members", {"member": "abc"})
    assert answer.status_code == 400
    assert "Chọn một đảng viên đang sinh hoạt." in text_of(answer.text)
    assert proposed_codes(app) == ELIGIBLE


def test_editing_an_entry_and_a_refused_edit_keeps_what_was_typed(app, client, auth, users, season):
    create(auth, users)
    first = entry_ids(app)[0]
    answer = auth.post(
        f"/awards/2022/cells/{first}",
        {"award_form": "", "summary": "Tóm tắt mới đã gõ", "note": "ghi chú"},
    )
    assert answer.status_code == 400
    assert "Nhập hình thức khen thưởng." in answer.text
    assert "Tóm tắt mới đã gõ" in answer.text  # kept as typed
    with app.app_context():
        assert db.session.scalar(sa.select(AwardProposal)).cells[0].summary.startswith("Điểm")
    answer = auth.post(
        f"/awards/2022/cells/{first}",
        {"award_form": "Bằng khen", "summary": "Tóm tắt mới", "note": ""},
    )
    assert answer.status_code == 303
    with app.app_context():
        entry = db.session.scalar(sa.select(AwardProposal)).cells[0]
        assert (entry.award_form, entry.summary) == ("Bằng khen", "Tóm tắt mới")
    assert actions(app)[-1] == "award.cell.update"


def test_an_unknown_list_or_entry_is_not_found(client, auth, users, season):
    create(auth, users)
    assert auth.post("/awards/2022/others/1/move", {"direction": "up"}).status_code == 404
    assert auth.post("/awards/2022/cells/99999/remove").status_code == 404


def test_the_document_settings_form(app, client, auth, users, season):
    create(auth, users)
    answer = auth.post(
        "/awards/2022/document",
        {
            "document_number": "35-DS/ĐU",
            "document_date": "2021-05-01",
            "signer_name": "Trần Văn Hùng",
            "recipients": "Ban Thường vụ Huyện ủy (b/c)",
        },
    )
    assert answer.status_code == 400
    assert "Ngày ban hành phải thuộc năm 2022 hoặc năm 2023." in answer.text
    assert 'value="35-DS/ĐU"' in answer.text
    answer = auth.post(
        "/awards/2022/document",
        {
            "document_number": "35-DS/ĐU",
            "document_date": "2023-01-05",
            "signer_name": "Trần Văn Hùng",
            "recipients": "Ban Thường vụ Huyện ủy (b/c)\nCác chi bộ trực thuộc",
        },
    )
    assert answer.status_code == 303
    sheet = load_workbook(io.BytesIO(client.get(WORKBOOK).data))["Tập thể"]
    assert sheet["A4"].value == "Số 35-DS/ĐU"
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Cù Lao Dung, ngày 05 tháng 01 năm 2023" in values


def test_reset_needs_its_confirmation(app, client, auth, users, season):
    create(auth, users)
    auth.post(f"/awards/2022/cells/{entry_ids(app)[0]}/remove")
    answer = auth.post("/awards/2022/reset")
    assert answer.status_code == 400
    assert "Đánh dấu để xác nhận" in answer.text
    assert proposed_codes(app) == ["quan-su"]
    assert auth.post("/awards/2022/reset", {"confirm": "y"}).status_code == 303
    assert proposed_codes(app) == ELIGIBLE


def test_the_proposal_page_runs_the_same_queries_for_more_cells(
    app, client, auth, users, season, count_queries
):
    create(auth, users)
    client.get("/awards/2022")
    with count_queries() as few:
        assert client.get("/awards/2022").status_code == 200
    with app.app_context():
        add_cells(25)
        db.session.commit()
    with count_queries() as many:
        assert client.get("/awards/2022").status_code == 200
    assert many.count == few.count


# --------------------------------------------------------------------------------------------
# Closing and reopening


def test_closing_from_the_page_needs_the_confirmation(app, client, auth, users, season):
    create(auth, users)
    answer = auth.post("/awards/2022/close")
    assert answer.status_code == 400
    assert "Đánh dấu để xác nhận danh sách đề nghị đã hoàn chỉnh." in answer.text
    assert not is_closed(app)


def test_a_year_that_has_not_ended_cannot_be_closed(app, client, auth, users, season):
    app.config["TODAY"] = "2022-12-15"
    auth.login(users["committee"])
    page = client.get("/awards/2022").text
    assert "Chỉ khóa sổ được sau khi năm thi đua kết thúc" in page
    assert close(auth).status_code == 409
    assert not is_closed(app)


def test_a_closed_year_shows_its_stored_list_read_only(app, client, auth, users, season):
    create(auth, users)
    answer = close(auth)
    assert answer.status_code == 303
    page = client.get("/awards/2022").text
    text = text_of(page)
    assert "Đã khóa sổ" in text and "Năm thi đua 2022 đã khóa sổ" in text
    assert "Chi bộ ấp Chợ" in text and "Chi bộ Quân sự" in text
    assert "/move" not in page and "/awards/2022/close" not in page
    assert "Mở lại năm 2022" not in text  # the admin's only
    # Every change is refused with 409 and the page says why.
    answer = auth.post(f"/awards/2022/cells/{entry_ids(app)[0]}/remove")
    assert answer.status_code == 409
    assert "Năm thi đua 2022 đã khóa sổ" in text_of(answer.text)
    assert proposed_codes(app) == ELIGIBLE
    assert "Đã khóa sổ" in text_of(client.get("/awards/").text)


@pytest.fixture
def tokens(app, users):
    with app.app_context():
        raw = {key: create_token(user(a.username))[0] for key, a in users.items()}
        db.session.commit()
    return raw


def api(client, method, url, token, body=None):
    return client.open(url, method=method, json=body, headers={"Authorization": f"Bearer {token}"})


def test_closing_locks_the_years_reports_in_the_api_and_the_pages(
    app, client, auth, users, season, tokens
):
    with app.app_context():
        waiting = db.session.scalar(
            sa.select(Report.id).where(Report.status == ReportStatus.SUBMITTED)
        )
        returned = db.session.scalar(
            sa.select(Report.id).where(Report.status == ReportStatus.RETURNED)
        )
    create(auth, users)
    close(auth)
    assert is_closed(app)

    review = api(
        client,
        "POST",
        f"/api/v1/reports/{waiting}/review",
        tokens["committee"],
        {"decision": "approve"},
    )
    assert review.status_code == 409
    assert "đã khóa sổ" in review.get_json()["error"]
    body = api_body(cell="ap-phuoc-hoa-b", month=9, held_on="2022-09-10")
    resubmit = api(client, "PUT", f"/api/v1/reports/{returned}", tokens["admin"], body)
    assert resubmit.status_code == 409
    new = api(
        client,
        "POST",
        "/api/v1/reports",
        tokens["secretary"],
        api_body(month=12, held_on="2022-12-10"),
    )
    assert new.status_code == 409  # a closed year takes no new report either

    form = auth.post(f"/reports/{waiting}/review", {"decision": "approve", "comment": ""})
    assert form.status_code == 409
    with app.app_context():
        assert db.session.get(Report, waiting).status is ReportStatus.SUBMITTED


def test_only_the_admin_reopens_and_must_say_why(app, client, auth, users, season):
    create(auth, users)
    close(auth)
    assert (
        auth.post("/awards/2022/reopen", {"reason": "Bổ sung báo cáo tháng 8"}).status_code == 403
    )
    auth.logout()
    auth.login(users["admin"])
    page = client.get("/awards/2022").text
    assert "Mở lại năm 2022" in page
    answer = auth.post("/awards/2022/reopen", {"reason": "ngắn"})
    assert answer.status_code == 400
    assert "Ghi rõ lý do mở lại" in answer.text
    assert is_closed(app)
    answer = auth.post(
        "/awards/2022/reopen", {"reason": "Bổ sung báo cáo tháng 8 của Chi bộ Công an"}
    )
    assert answer.status_code == 303
    assert not is_closed(app)
    assert actions(app)[-1] == "campaign.reopen"
    assert "Năm đang mở" in text_of(client.get("/awards/2022").text)


# --------------------------------------------------------------------------------------------
# Downloads


def test_the_download_has_a_vietnamese_name_and_an_ascii_fallback(client, auth, users, season):
    auth.login(users["committee"])
    answer = client.get(WORKBOOK)
    assert answer.status_code == 200
    assert answer.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = answer.headers["Content-Disposition"]
    fallback = "Danh sach de nghi khen thuong nam 2022 - Dang uy thi tran Cu Lao Dung.xlsx"
    assert f'filename="{fallback}"' in disposition
    name = "Danh sách đề nghị khen thưởng năm 2022 - Đảng ủy thị trấn Cù Lao Dung.xlsx"
    assert "filename*=UTF-8''" + quote(name, safe="") in disposition
    assert "ang uy" not in disposition.replace("Dang uy", "")


def test_an_undated_list_leaves_the_day_blank_in_the_year_it_will_be_signed(
    app, client, auth, users, season
):
    """Printed in December, a list is signed that year; printed in January, the next."""
    auth.login(users["committee"])

    def place_line() -> str:
        sheet = load_workbook(io.BytesIO(client.get(WORKBOOK).data))["Tập thể"]
        return next(
            cell.value
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value.startswith("Cù Lao Dung, ngày")
        )

    app.config["TODAY"] = "2022-12-20"
    assert place_line() == "Cù Lao Dung, ngày      tháng      năm 2022"
    app.config["TODAY"] = "2023-01-10"
    assert place_line() == "Cù Lao Dung, ngày      tháng      năm 2023"


def test_the_download_follows_the_proposal_order(app, client, auth, users, season):
    create(auth, users)
    auth.post(f"/awards/2022/cells/{entry_ids(app)[0]}/move", {"direction": "down"})
    members = entry_ids(app, "members")
    auth.post(f"/awards/2022/members/{members[-1]}/move", {"direction": "up"})
    book = load_workbook(io.BytesIO(client.get(WORKBOOK).data))
    cells = [row[1] for row in data_rows(book["Tập thể"])]
    assert cells == ["Chi bộ Quân sự", "Chi bộ ấp Chợ"]
    with app.app_context():
        found = db.session.scalar(sa.select(AwardProposal))
        expected = [entry.member.full_name for entry in found.members]
    assert [row[1] for row in data_rows(book["Cá nhân"])] == expected


def data_rows(sheet) -> list[tuple]:
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == "STT")
    table = []
    for row in rows[start + 1 :]:
        if not isinstance(row[0], int):
            break
        table.append(row)
    return table


def test_the_standings_sheet_agrees_with_the_api_and_the_standings_function(
    app, client, auth, users, season, tokens
):
    auth.login(users["committee"])
    sheet = load_workbook(io.BytesIO(client.get(WORKBOOK).data))["Xếp hạng"]
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "STT")
    rows = data_rows(sheet)
    api_answer = api(client, "GET", "/api/v1/rankings?year=2022", tokens["committee"]).get_json()
    assert [f"T{m}" for m in api_answer["months"]] == list(header[3:-4])
    assert len(rows) == len(api_answer["rankings"]) == 9
    for row, ranked in zip(rows, api_answer["rankings"]):
        assert row[1] == ranked["name"]
        assert row[-4] == pytest.approx(ranked["average"])
        assert row[-3] == ranked["tot_months"]
        assert row[-2] == ranked["rank"]
        missing = sum(1 for value in row[3:-4] if value is None)
        assert missing == ranked["months_missing"]
    with app.app_context():
        standings = standings_for_period(2022)
        assert [row[-2] for row in rows] == [s.rank for s in standings.rows]
        assert [row[-1] for row in rows] == [s.grade.label for s in standings.rows]


def test_the_matrix_download(app, client, auth, users, season):
    auth.login(users["secretary"])
    answer = client.get(MATRIX + "?category=hamlet")
    assert answer.status_code == 200
    assert (
        'filename="Diem sinh hoat tung thang nam 2022 - Chi bo ap.xlsx"'
        in answer.headers["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(answer.data))["Điểm từng tháng"]
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == "Xếp hạng")
    names = [row[1] for row in rows[start + 1 :] if row[1]]
    assert names == ["Chi bộ ấp Chợ", "Chi bộ ấp Phước Hòa A", "Chi bộ ấp Phước Hòa B"]
    assert "Chi bộ ấp" in rows[0][0]
    assert client.get(MATRIX + "?category=nowhere").status_code == 400


def test_the_closed_years_download_is_its_snapshot(app, client, auth, users, season):
    create(auth, users)
    close(auth)
    before = load_workbook(io.BytesIO(client.get(WORKBOOK).data))
    with app.app_context():
        db.session.scalar(sa.select(Cell).where(Cell.code == "ap-cho")).name = "Tên mới"
        db.session.get(Campaign, campaign(2022).id).award_form = "Khác"
        db.session.commit()
    after = load_workbook(io.BytesIO(client.get(WORKBOOK).data))
    for title in before.sheetnames:
        assert list(after[title].values) == list(before[title].values)


# --------------------------------------------------------------------------------------------
# The command line


def test_export_awards_writes_the_workbook(app, runner, season, tmp_path):
    target = tmp_path / "khen-thuong.xlsx"
    result = runner.invoke(args=["export-awards", "--year", "2022", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "2 tập thể, 4 cá nhân, 9 chi bộ xếp hạng" in result.output
    book = load_workbook(target)
    assert book.sheetnames == ["Tập thể", "Cá nhân", "Xếp hạng"]
    assert [row[1] for row in data_rows(book["Tập thể"])] == ["Chi bộ ấp Chợ", "Chi bộ Quân sự"]


def test_export_awards_refuses_a_year_without_a_campaign(runner, tmp_path):
    target = tmp_path / "x.xlsx"
    result = runner.invoke(args=["export-awards", "--year", "1999", "--output", str(target)])
    assert result.exit_code != 0
    assert "Không có năm thi đua 1999." in result.output
    assert not target.exists()


def test_export_awards_says_when_it_cannot_write(runner, season, tmp_path):
    result = runner.invoke(
        args=["export-awards", "--year", "2022", "--output", str(tmp_path / "no" / "x.xlsx")]
    )
    assert result.exit_code != 0 and "Không ghi được tệp" in result.output
