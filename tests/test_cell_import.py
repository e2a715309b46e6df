"""The cell list imported from Excel: a merged commune's dozens of cells in minutes.

Rows go through the admin form's own rules; an import stores every row or none and lists
every bad row with its reasons; the exported list can be edited and imported back.
"""

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from tracker.extensions import db
from tracker.models import AuditEntry, Cell, CellCategory
from tracker.spreadsheets.cell_list import CELL_COLUMNS

from .factories import make_report
from .test_members_import import XLSX, reported_rows
from .test_members_import import workbook_with as member_workbook_with

# Reading a workbook, permissions and CSRF are the same on both databases: these run on
# SQLite. What an import stores (all rows or none, updates, closing) runs on both.
ON_SQLITE = pytest.mark.backends("sqlite")

HEADERS = [column.header for column in CELL_COLUMNS]


def workbook_with(rows, headers=HEADERS, title="Chi bộ") -> bytes:
    return member_workbook_with(rows, headers=headers, title=title)


def upload(auth, data: bytes, name="chi-bo.xlsx"):
    return auth.post(
        "/admin/cells/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def cell_count(app):
    def count() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count(Cell.id)))

    return count


@pytest.fixture
def stored(app):
    """A cell as stored now, read in an app context of its own (None when there is none)."""

    def read(code: str) -> Cell | None:
        with app.app_context():
            return db.session.scalar(sa.select(Cell).where(Cell.code == code))

    return read


@pytest.fixture
def report_of(app):
    def make(*args, **kwargs):
        with app.app_context():
            make_report(*args, **kwargs)
            db.session.commit()

    return make


@pytest.fixture
def admin(auth, users):
    auth.login(users["admin"])
    return auth


@ON_SQLITE
def test_template_and_export_share_the_import_layout(client, admin, stored):
    template = client.get("/admin/cells/template.xlsx")
    assert template.status_code == 200 and template.mimetype == XLSX
    book = load_workbook(io.BytesIO(template.data))
    assert book.sheetnames == ["Chi bộ", "Hướng dẫn"]
    assert [c.value for c in book["Chi bộ"][1]] == HEADERS
    assert book["Chi bộ"].max_row == 1
    notes = " ".join(str(c.value) for c in book["Hướng dẫn"]["A"] if c.value)
    assert "Chi bộ ấp, Chi bộ ngành, Chi bộ trường học" in notes
    assert "không nhập dòng nào" in notes

    export = client.get("/admin/cells/export.xlsx")
    rows = list(load_workbook(io.BytesIO(export.data))["Chi bộ"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 1 + 9
    assert rows[1][:3] == ("ap-cho", stored("ap-cho").name, "Chi bộ ấp")
    assert rows[1][-1] == "Có"


def test_a_merged_communes_cells_are_added_in_one_file(app, client, admin, cell_count, stored):
    app.config["TODAY"] = dt.date(2027, 2, 1)
    rows = [
        [f"ap-an-thanh-{n}", f"Chi bộ ấp An Thạnh {n}", "Chi bộ ấp", None, 2026, None, None]
        for n in range(1, 31)
    ]
    rows.append(
        [
            "truong-thcs-an-thanh",
            "Chi bộ Trường THCS An Thạnh",
            "trường học",
            None,
            None,
            None,
            None,
        ]
    )
    answer = upload(admin, workbook_with(rows))
    assert answer.status_code == 302
    assert cell_count() == 9 + 31
    added = stored("ap-an-thanh-1")
    assert added.category is CellCategory.HAMLET and added.joined_year == 2026
    school = stored("truong-thcs-an-thanh")
    assert school.category is CellCategory.SCHOOL
    # Without a year, a new cell joins this year, as on the admin's form.
    assert school.joined_year == 2027
    # New cells come after the others, in the file's order.
    orders = [stored(f"ap-an-thanh-{n}").display_order for n in range(1, 31)]
    assert orders == sorted(orders) and orders[0] > stored("ap-cho").display_order
    page = client.get("/admin/cells").get_data(as_text=True)
    assert (
        "Chi bộ ấp An Thạnh 30" in page
        and "Từ 2026" in page
        and "Từ 2027" in page
        and "Mọi năm" in page
    )
    with app.app_context():
        created = db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "cell.create")
        )
    assert created == 31


def test_an_existing_code_updates_its_cell_and_a_leaving_cell_keeps_its_past(
    client, admin, cell_count, stored, report_of
):
    report_of("ap-cho", 2024, 3)
    answer = upload(
        admin,
        workbook_with([["ap-cho", "Chi bộ ấp Chợ (cũ)", "Chi bộ ấp", None, None, 2026, None]]),
    )
    assert answer.status_code == 302
    changed = stored("ap-cho")
    assert changed.name == "Chi bộ ấp Chợ (cũ)" and changed.left_year == 2026
    assert changed.takes_part_in(2024) and not changed.takes_part_in(2026)
    assert cell_count() == 9


def test_one_bad_row_stores_nothing_and_every_bad_row_is_listed(
    client, admin, cell_count, stored, report_of
):
    report_of("ap-cho", 2024, 3)
    rows = [
        ["ap-moi-1", "Chi bộ ấp Mới 1", "Chi bộ ấp", None, None, None, None],
        ["Ấp Mới", "Chi bộ ấp Mới 2", "Chi bộ ấp", None, None, None, None],
        ["ap-moi-3", "", "Chi bộ quân sự", None, None, None, None],
        ["ap-moi-1", "Chi bộ ấp Mới 4", "Chi bộ ấp", None, "năm nay", None, "Chưa"],
        ["ap-cho", "Chi bộ ấp Chợ", "Chi bộ ấp", None, None, 2024, None],
        ["ap-moi-6", "chi bộ ấp mới 1", "Chi bộ ngành", None, None, None, None],
    ]
    answer = upload(admin, workbook_with(rows))
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "5 dòng có lỗi" in page and "Chưa có dữ liệu nào được lưu" in page
    errors = dict(reported_rows(page))
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert any("Mã gồm 2–40 ký tự" in m for m in errors[3])
    assert "Thiếu tên chi bộ." in errors[4]
    assert any("Loại “Chi bộ quân sự” không hợp lệ" in m for m in errors[4])
    assert "Mã “ap-moi-1” đã có ở dòng 2." in errors[5]
    assert any("Năm bắt đầu tham gia “năm nay” không phải là một năm" in m for m in errors[5])
    assert any("Đang hoạt động “Chưa” không hợp lệ" in m for m in errors[5])
    assert errors[6] == [
        "Năm rời thi đua: "
        + "Chi bộ đã có báo cáo sinh hoạt năm 2024: năm rời thi đua phải sau năm đó."
    ]
    assert errors[7] == ["Tên “chi bộ ấp mới 1” đã có ở dòng 2."]
    assert cell_count() == 9
    assert stored("ap-cho").left_year is None
    assert stored("ap-moi-1") is None


def test_a_cell_with_members_cannot_be_closed_from_the_file(client, admin, stored):
    answer = upload(
        admin,
        workbook_with([["ap-cho", stored("ap-cho").name, "Chi bộ ấp", None, None, None, "Không"]]),
    )
    assert answer.status_code == 400
    ((row, messages),) = reported_rows(answer.get_data(as_text=True))
    assert row == 2 and "đảng viên đang sinh hoạt" in messages[0]
    assert stored("ap-cho").active


@ON_SQLITE
@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a workbook", "không phải là tệp Excel"),
        (
            workbook_with([["ap-x", "Chi bộ X"]], headers=["Mã chi bộ", "Tên chi bộ"]),
            "thiếu cột “Loại”",
        ),
        (workbook_with([]), "không có dòng dữ liệu nào"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(
    client, admin, data, message, cell_count
):
    answer = upload(admin, data)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert cell_count() == 9


@ON_SQLITE
def test_headers_are_matched_without_case_or_accents_and_columns_may_be_left_out(
    client, admin, stored
):
    data = workbook_with(
        [["chi-bo-cong-an", "Chi bộ Công an xã", "Chi bộ ngành"]],
        headers=["MA CHI BO", "tên chi bộ", "Loai"],
    )
    assert upload(admin, data).status_code == 302
    assert stored("chi-bo-cong-an").category is CellCategory.SECTOR


@ON_SQLITE
def test_only_the_admin_imports_or_downloads_the_cell_list(client, auth, users, cell_count):
    auth.login(users["committee"])
    assert client.get("/admin/cells/import").status_code == 403
    assert client.get("/admin/cells/export.xlsx").status_code == 403
    assert upload(auth, workbook_with([["ap-x", "Chi bộ X", "Chi bộ ấp"]])).status_code == 403
    assert cell_count() == 9


@ON_SQLITE
def test_the_form_needs_its_csrf_token(client, users, auth, cell_count):
    auth.login(users["admin"])
    answer = client.post(
        "/admin/cells/import",
        data={"file": (io.BytesIO(workbook_with([["ap-x", "Chi bộ X", "Chi bộ ấp"]])), "a.xlsx")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert cell_count() == 9


@ON_SQLITE
def test_a_list_below_title_rows_on_another_sheet_is_found(client, admin, stored):
    book = Workbook()
    book.active.title = "Ghi chú"
    sheet = book.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH CHI BỘ TRỰC THUỘC ĐẢNG ỦY XÃ AN THẠNH"])
    sheet.append([])
    sheet.append(HEADERS)
    sheet.append(["ap-an-thanh-tay", "Chi bộ ấp An Thạnh Tây", "Chi bộ ấp"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert upload(admin, buffer.getvalue()).status_code == 302
    assert stored("ap-an-thanh-tay").name == "Chi bộ ấp An Thạnh Tây"
