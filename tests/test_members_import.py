"""Member import from the Excel template and export back to it.

An import stores all its rows or none, and lists every bad row with its reasons.
"""

import io
import re
from html import unescape

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from tracker.extensions import db
from tracker.models import AuditEntry, CellRole, Gender, Member, MemberStatus, MemberTransfer
from tracker.spreadsheets import MEMBER_COLUMNS

from .factories import members_of
from .test_members import listed_names

# Reading a workbook is the same on both databases: these run on SQLite. What an import
# stores (all rows or none, updates, duplicates, the export's order) runs on both.
ON_SQLITE = pytest.mark.backends("sqlite")

HEADERS = [column.header for column in MEMBER_COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_with(rows, headers=HEADERS, title="Đảng viên") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(auth, data: bytes, name="danh-sach.xlsx"):
    return auth.post(
        "/members/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def member_count():
    return db.session.scalar(sa.select(sa.func.count(Member.id)))


def reported_rows(html):
    """(row number, [messages]) of the error table of the import page."""
    table = html[html.index('class="table import-errors"') :]
    rows = re.findall(r'<td class="num">(\d+)</td>\s*<td><ul>(.*?)</ul></td>', table, re.DOTALL)
    return [
        (int(number), [unescape(m) for m in re.findall(r"<li>(.*?)</li>", items)])
        for number, items in rows
    ]


@ON_SQLITE
def test_template_is_downloadable_with_headers_and_instructions(client, auth, users):
    auth.login(users["admin"])
    answer = client.get("/members/template.xlsx")
    assert answer.status_code == 200
    assert answer.mimetype == XLSX
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="Mau nhap danh sach dang vien.xlsx"; '
        "filename*=UTF-8''M%E1%BA%ABu%20nh%E1%BA%ADp%20danh%20s%C3%A1ch%20%C4%91%E1%BA%A3ng%20vi%C3%AAn.xlsx"
    )
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["Đảng viên", "Hướng dẫn", "Chi bộ"]
    sheet = book["Đảng viên"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.max_row == 1
    instructions = " ".join(str(c.value) for c in book["Hướng dẫn"]["A"] if c.value)
    assert "Mã chi bộ" in instructions and "không nhập dòng nào" in instructions
    codes = [row[0].value for row in book["Chi bộ"].iter_rows(min_row=2)]
    assert codes[:3] == ["ap-cho", "ap-phuoc-hoa-a", "ap-phuoc-hoa-b"] and len(codes) == 9
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert lists["C"] == '"Nam,Nữ"'


def test_a_good_file_imports_new_members_and_updates_known_ones(app, client, auth, users):
    with app.app_context():
        known = members_of("quan-su")[5]
        known_id, known_name = known.id, known.full_name
        moving = members_of("quan-su")[6]
        moving_id = moving.id
        db.session.commit()
    rows = [
        [
            None,
            "Nguyễn Thị Hoa",
            "Nữ",
            1985,
            "Kinh",
            "Chính thức",
            "Không",
            "Đảng viên",
            "ap-cho",
            "Có",
        ],
        ["", "Thạch  Sơ Phal", "nam", "1992", "Khmer", "dự bị", "", "", "AP-CHO", ""],
        [
            known_id,
            known_name,
            "Nam",
            1980,
            "Kinh",
            "Chính thức",
            "Có",
            "Chi uỷ viên",
            "quan-su",
            "Có",
        ],
        [
            moving_id,
            "Trần Văn Mới",
            "Nam",
            1981,
            None,
            "Chính thức",
            "Không",
            "Đảng viên",
            "co-quan",
            "Có",
        ],
    ]
    auth.login(users["admin"])
    answer = upload(auth, workbook_with(rows))
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"] == "/members/"
    assert (
        "Đã nhập 4 dòng: 2 đảng viên mới, 1 cập nhật, 1 chuyển chi bộ"
        in client.get("/members/").text
    )
    with app.app_context():
        assert member_count() == 258
        hoa = db.session.scalar(sa.select(Member).where(Member.full_name == "Nguyễn Thị Hoa"))
        assert (hoa.cell.code, hoa.gender, hoa.birth_year) == ("ap-cho", Gender.FEMALE, 1985)
        khmer = db.session.scalar(sa.select(Member).where(Member.full_name == "Thạch Sơ Phal"))
        assert (khmer.ethnicity, khmer.status, khmer.cell_role, khmer.active) == (
            "Khmer",
            MemberStatus.PROBATIONARY,
            CellRole.MEMBER,
            True,
        )
        updated = db.session.get(Member, known_id)
        assert (updated.birth_year, updated.exempted, updated.cell_role) == (
            1980,
            True,
            CellRole.COMMITTEE_MEMBER,
        )
        moved = db.session.get(Member, moving_id)
        assert (moved.cell.code, moved.full_name) == ("co-quan", "Trần Văn Mới")
        transfer = db.session.scalar(
            sa.select(MemberTransfer).where(MemberTransfer.member_id == moving_id)
        )
        assert transfer.from_cell.code == "quan-su" and transfer.reason == "Nhập từ tệp Excel"
        summary = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "member.import")
        )
        assert summary.after == {"created": 2, "updated": 1, "transferred": 1, "unchanged": 0}
        assert summary.user_id == users["admin"].id


def test_a_file_with_several_bad_rows_lists_each_and_stores_nothing(app, auth, users):
    with app.app_context():
        first = members_of("ap-cho")[0]
        known_id, known_name, known_year = first.id, first.full_name, first.birth_year
    # fmt: off
    rows = [
        [None, "Nguyễn Thị Hoa", "Nữ", 1985, "Kinh", "Chính thức", "Không", "Đảng viên", "ap-cho", "Có"],  # 2: good
        [None, "Lê", "Nam", "năm bảy lăm", "Kinh", "Chính thức", "Không", "Đảng viên", "ap-cho", "Có"],  # 3
        [None, "Trần Thị Lan", "Khác", 1985, "Kinh", "Chính thức", "Không", "Trưởng ấp", "xa-xoi", "Có"],  # 4
        [None, None, None, None, None, None, None, None, None, None],  # 5: empty, skipped
        [999999, "Phạm Văn Long", "Nam", 1975, "Kinh", "Chính thức", "Không", "Đảng viên", "ap-cho", "Có"],  # 6
        [None, "Nguyễn Văn 3", "Nam", 1975, "Kinh", "Chính thức", "Không", "Đảng viên", "ap-cho", "Có"],  # 7
        [None, "", "", "", "", "", "", "", "", "Có"],  # 8
        [None, "Nguyễn Thị Hoa", "Nữ", 1985, "Kinh", "Chính thức", "Không", "Đảng viên", "ap-cho", "Có"],  # 9: duplicate of 2
        [known_id, known_name, "Nam", known_year, "Kinh", "Chính thức", "Không", "Bí thư", "ap-cho", "Có"],  # 10: good
        [known_id, known_name, "Nam", known_year, "Kinh", "Chính thức", "Không", "Bí thư", "ap-cho", "Có"],  # 11: same Mã
        [None, "Đỗ Văn Hải", "Nam", 1890, "Kinh", "Chính thức", "Có lẽ", "Đảng viên", "ap-cho", "Có"],  # 12
    ]
    # fmt: on
    auth.login(users["admin"])
    with app.app_context():
        before = member_count()
        audits = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    answer = upload(auth, workbook_with(rows))
    assert answer.status_code == 400
    assert "Không nhập được: 8 dòng có lỗi. Chưa có dữ liệu nào được lưu" in answer.text
    reported = dict(reported_rows(answer.text))
    assert sorted(reported) == [3, 4, 6, 7, 8, 9, 11, 12]
    assert any("không phải là năm" in m for m in reported[3])
    assert any("Nhập đủ họ và tên" in m for m in reported[3])
    assert len(reported[4]) == 3  # gender, role and cell code, each with its reason
    assert any("Giới tính “Khác” không hợp lệ" in m for m in reported[4])
    assert any("Chức vụ “Trưởng ấp” không hợp lệ" in m for m in reported[4])
    assert any("Không có chi bộ mã “xa-xoi”" in m for m in reported[4])
    assert reported[6] == ["Không có đảng viên mã 999999."]
    assert reported[7] == ["Họ và tên chỉ gồm chữ cái và dấu cách."]
    assert {"Nhập họ và tên.", "Thiếu giới tính.", "Thiếu năm sinh.", "Thiếu mã chi bộ."} <= set(
        reported[8]
    )
    assert reported[9] == ["Trùng với dòng 2 (cùng họ tên, năm sinh, chi bộ)."]
    assert reported[11] == [f"Mã {known_id} đã có ở dòng 10."]
    assert any("Năm sinh là số từ 1900" in m for m in reported[12])
    assert any("Miễn sinh hoạt “Có lẽ” không hợp lệ" in m for m in reported[12])
    with app.app_context():
        assert member_count() == before
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == audits
        assert db.session.get(Member, known_id).cell_role is CellRole.SECRETARY


def test_importing_the_same_new_members_twice_is_refused(app, auth, users):
    data = workbook_with(
        [
            [
                None,
                "Nguyễn Thị Hoà",
                "Nữ",
                1985,
                "Kinh",
                "Chính thức",
                "Không",
                "Đảng viên",
                "thcs",
                "Có",
            ]
        ]
    )
    auth.login(users["admin"])
    assert upload(auth, data).status_code == 302
    again = workbook_with(
        [
            [
                None,
                "Nguyễn Thị Hòa",
                "Nữ",
                1985,
                "Kinh",
                "Chính thức",
                "Không",
                "Đảng viên",
                "thcs",
                "Có",
            ]
        ]
    )
    answer = upload(auth, again)
    assert answer.status_code == 400
    [(row, messages)] = reported_rows(answer.text)
    assert row == 2 and "Chi bộ đã có đảng viên Nguyễn Thị Hòa sinh năm 1985" in messages[0]
    with app.app_context():
        assert member_count() == 257


def test_a_known_member_typed_without_accents_is_not_taken_for_a_new_one(app, auth, users):
    """"Nguyen Thi Hoa, 1985, thcs" is most likely Nguyễn Thị Hoà typed on a keyboard without
    Vietnamese accents: refused, with her code to use; another year or cell goes in."""
    row = [None, "Nguyễn Thị Hoà", "Nữ", 1985, "Kinh", "Chính thức", "Không", "Đảng viên",
           "thcs", "Có"]  # fmt: skip
    auth.login(users["admin"])
    assert upload(auth, workbook_with([row])).status_code == 302
    with app.app_context():
        code = db.session.scalar(sa.select(Member.id).where(Member.full_name == "Nguyễn Thị Hoà"))
    unaccented = [None, "Nguyen Thi Hoa", *row[2:]]
    answer = upload(auth, workbook_with([unaccented]))
    assert answer.status_code == 400
    [(number, messages)] = reported_rows(answer.text)
    expected = (
        f"Tên “Nguyen Thi Hoa” gõ không dấu, trùng với đảng viên Nguyễn Thị Hoà sinh năm 1985 "
        f"(mã {code}) của chi bộ: nếu là cùng người, ghi mã {code} vào cột “Mã”; nếu là người "
        "khác, gõ họ tên có dấu."
    )
    assert number == 2 and messages == [expected]
    other_year = [None, "Nguyen Thi Hoa", "Nữ", 1990, *row[4:]]
    assert upload(auth, workbook_with([other_year])).status_code == 302
    with app.app_context():
        assert member_count() == 258


@ON_SQLITE
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Ho va ten;Nam sinh\nNguyen Van A;1970\n", "Tệp không phải là tệp Excel (.xlsx) hợp lệ."),
        (
            workbook_with([["x"]], headers=["Họ và tên", "Năm sinh"]),
            "Tệp không đúng mẫu: thiếu cột “Mã”",
        ),
        (workbook_with([]), "Tệp không có dòng dữ liệu nào."),
    ],
    ids=["csv", "wrong columns", "no rows"],
)
def test_files_that_are_not_the_template_are_refused(app, auth, users, data, message):
    auth.login(users["admin"])
    answer = upload(auth, data)
    assert answer.status_code == 400
    assert message in answer.text
    with app.app_context():
        assert member_count() == 256


@ON_SQLITE
def test_an_import_without_a_file_asks_for_one(auth, users):
    auth.login(users["admin"])
    answer = auth.post("/members/import", data={}, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert "Chọn tệp Excel cần nhập." in answer.text


def export_rows(client, url):
    answer = client.get(url)
    assert answer.status_code == 200 and answer.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(answer.data))["Đảng viên"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return rows[0], rows[1:], answer


def test_export_read_back_equals_the_list(app, client, auth, users):
    auth.login(users["committee"])
    headers, rows, answer = export_rows(client, "/members/export.xlsx?cell=ap-cho")
    assert headers == HEADERS
    assert "Chi%20b%E1%BB%99%20%E1%BA%A5p%20Ch%E1%BB%A3" in answer.headers["Content-Disposition"]
    assert [row[1] for row in rows] == listed_names(client.get("/members/?cell=ap-cho").text)
    with app.app_context():
        expected = {
            m.id: [
                m.id,
                m.full_name,
                m.gender.label,
                m.birth_year,
                m.ethnicity,
                m.status.label,
                "Có" if m.exempted else "Không",
                m.cell_role.label,
                "ap-cho",
                "Có",
            ]
            for m in members_of("ap-cho")
        }
    assert {row[0]: row for row in rows} == expected
    assert all(isinstance(row[0], int) and isinstance(row[3], int) for row in rows)


@ON_SQLITE
def test_a_secretary_exports_her_own_cell(client, auth, users):
    auth.login(users["secretary"])
    _headers, rows, _answer = export_rows(client, "/members/export.xlsx")
    assert {row[8] for row in rows} == {"ap-cho"} and len(rows) == 48


def test_an_export_edited_and_reimported_changes_only_what_was_edited(app, client, auth, users):
    auth.login(users["admin"])
    _headers, rows, answer = export_rows(client, "/members/export.xlsx?cell=mam-non&status=all")
    assert upload(auth, answer.data).status_code == 302
    assert (
        "0 đảng viên mới, 0 cập nhật, 0 chuyển chi bộ, 14 không thay đổi"
        in client.get("/members/").text
    )

    book = load_workbook(io.BytesIO(answer.data))
    sheet = book["Đảng viên"]
    sheet["G2"] = "Có"  # exempt the first listed member
    sheet["J3"] = "Không"  # the second stops attending
    sheet.append(
        [
            None,
            "Kim Thị Sô Phia",
            "Nữ",
            1995,
            "Khmer",
            "Dự bị",
            "Không",
            "Đảng viên",
            "mam-non",
            "Có",
        ]
    )
    edited = io.BytesIO()
    book.save(edited)
    assert upload(auth, edited.getvalue()).status_code == 302
    assert (
        "1 đảng viên mới, 2 cập nhật, 0 chuyển chi bộ, 12 không thay đổi"
        in client.get("/members/").text
    )
    with app.app_context():
        assert db.session.get(Member, rows[0][0]).exempted
        assert not db.session.get(Member, rows[1][0]).active
        assert member_count() == 257


@ON_SQLITE
def test_exported_text_is_never_a_formula(app, client, auth, users):
    with app.app_context():
        member = members_of("thcs")[0]
        member.ethnicity = "=1+2"  # stored before validation existed, say
        db.session.commit()
    auth.login(users["committee"])
    _headers, rows, answer = export_rows(client, "/members/export.xlsx?cell=thcs")
    assert "=1+2" in [row[4] for row in rows]
    import zipfile

    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


# --------------------------------------------------------------------------------------------
# What the printed review and the fault probe found


NEW_ROW = [None, "Lâm Thị Ngọc Hân", "Nữ", 1990, "Kinh", "Chính thức", "Không", "Đảng viên",
           "thcs", "Có"]  # fmt: skip


def book_bytes(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@ON_SQLITE
def test_a_header_row_below_title_rows_is_found(app, auth, users):
    data = book_bytes(
        {"Đảng viên": [["DANH SÁCH ĐẢNG VIÊN"], ["Đảng bộ thị trấn"], [], HEADERS, NEW_ROW]}
    )
    auth.login(users["admin"])
    assert upload(auth, data).status_code == 302
    with app.app_context():
        assert member_count() == 257


@ON_SQLITE
def test_a_list_on_another_sheet_than_the_first_is_found(app, auth, users):
    data = book_bytes({"Ghi chú": [["Danh sách gửi Đảng ủy"]], "DS 2023": [HEADERS, NEW_ROW]})
    auth.login(users["admin"])
    assert upload(auth, data).status_code == 302
    with app.app_context():
        assert member_count() == 257


@ON_SQLITE
def test_a_missing_column_names_the_header_row_it_looked_at(app, auth, users):
    data = book_bytes({"Đảng viên": [["DANH SÁCH"], HEADERS[:-1], NEW_ROW[:-1]]})
    auth.login(users["admin"])
    answer = upload(auth, data)
    assert answer.status_code == 400
    assert "thiếu cột “Đang sinh hoạt” (dòng tiêu đề: dòng 2)" in unescape(answer.text)


@ON_SQLITE
def test_a_birth_year_typed_as_a_date_is_shown_as_the_date_typed(app, auth, users):
    import datetime as dt

    row = list(NEW_ROW)
    row[3] = dt.datetime(1980, 5, 1)
    auth.login(users["admin"])
    answer = upload(auth, workbook_with([row]))
    assert answer.status_code == 400
    ((number, messages),) = reported_rows(answer.text)
    assert number == 2
    assert messages == ["Năm sinh “01/05/1980” không phải là năm (ví dụ 1975)."]
    assert "00:00:00" not in answer.text


@ON_SQLITE
def test_the_same_person_twice_in_one_file_is_refused_even_when_one_row_moves_her(app, auth, users):
    with app.app_context():
        member = members_of("quan-su")[3]
        moved = [
            member.id,
            member.full_name,
            member.gender.label,
            member.birth_year,
            member.ethnicity or "Kinh",
            member.status.label,
            "Có" if member.exempted else "Không",
            member.cell_role.label,
            "thcs",  # moved to another cell
            "Có",
        ]
        added = [None, *moved[1:]]  # and the same person added there
        db.session.commit()
    auth.login(users["admin"])
    answer = upload(auth, workbook_with([moved, added]))
    assert answer.status_code == 400
    assert reported_rows(answer.text) == [
        (3, ["Trùng với dòng 2 (cùng họ tên, năm sinh, chi bộ)."])
    ]
    with app.app_context():
        assert member_count() == 256


@ON_SQLITE
def test_a_zip_bomb_is_refused_quickly_and_stores_nothing(app, auth, users):
    from .test_import_reader import replace_part

    strings = b"<sst><si><t>" + b"A" * (40 * 1024 * 1024) + b"</t></si></sst>"
    data = replace_part(workbook_with([NEW_ROW]), "xl/sharedStrings.xml", strings)
    auth.login(users["admin"])
    answer = upload(auth, data)
    assert answer.status_code == 400
    assert "quá lớn sau khi giải nén" in unescape(answer.text)
    with app.app_context():
        assert member_count() == 256


@ON_SQLITE
@pytest.mark.parametrize("kind", ["entity expansion", "external entity", "malformed"])
def test_unsafe_or_malformed_workbooks_get_a_message_not_a_500(app, auth, users, kind):
    from .test_import_reader import ENTITY_BOMB, EXTERNAL_ENTITY, replace_part

    part = {"entity expansion": ENTITY_BOMB, "external entity": EXTERNAL_ENTITY}.get(
        kind, b"<worksheet><sheetData><row"
    )
    data = replace_part(workbook_with([NEW_ROW]), "xl/worksheets/sheet1.xml", part)
    auth.login(users["admin"])
    answer = upload(auth, data)
    assert answer.status_code == 400
    assert "không an toàn" in answer.text or "Không đọc được tệp Excel" in answer.text
    assert "root:" not in answer.text
    with app.app_context():
        assert member_count() == 256


def test_the_file_is_parsed_before_the_write_lock_is_taken(app, auth, users, monkeypatch):
    """A slow parse must not hold SQLite's write lock (other users' writes failed)."""
    import tracker.database
    from tracker.members import views

    events = []
    begin_write = tracker.database.begin_write
    read_member_file = views.read_member_file

    def locking():
        events.append("lock")
        begin_write()

    def parsing(data):
        events.append("parse")
        return read_member_file(data)

    monkeypatch.setattr(tracker.database, "begin_write", locking)
    monkeypatch.setattr(views, "read_member_file", parsing)
    auth.login(users["admin"])
    events.clear()
    assert upload(auth, workbook_with([NEW_ROW])).status_code == 302
    assert events == ["parse", "lock"]
