"""The member register: the list per cell in Vietnamese name order, editing and transfers."""

import datetime as dt
import re
from html import unescape

import pytest
import sqlalchemy as sa

from tracker.domain.vietnamese import name_key
from tracker.extensions import db
from tracker.models import AuditEntry, CellRole, Gender, Member, MemberStatus, MemberTransfer

from .factories import cell, members_of

NAME_CELL = re.compile(r'<td class="members-table__name"[^>]*><strong>([^<]+)</strong>')


def listed_names(html):
    return [unescape(name) for name in NAME_CELL.findall(html)]


def add_member(cell_code, full_name, birth_year=1980, **values):
    member = Member(
        full_name=full_name,
        gender=values.pop("gender", Gender.FEMALE),
        birth_year=birth_year,
        cell=cell(cell_code),
        **values,
    )
    db.session.add(member)
    db.session.flush()
    return member


def test_a_cell_is_listed_in_vietnamese_name_order(app, client, auth, users):
    with app.app_context():
        for name in ("Đỗ Thị Ánh", "Lê Văn Anh", "Bùi Thị Hoà", "Dương Văn Hòa", "Phan Thị Ân"):
            add_member("mam-non", name)
        db.session.commit()
        expected = sorted((m.full_name for m in members_of("mam-non")), key=name_key)
    auth.login(users["committee"])
    names = listed_names(client.get("/members/?cell=mam-non").text)
    assert names == expected
    # Given name first: Anh < Ánh < Ân; tone placement ignored (Hoà = Hòa, then family name).
    assert names.index("Lê Văn Anh") < names.index("Đỗ Thị Ánh") < names.index("Phan Thị Ân")
    assert names.index("Bùi Thị Hoà") + 1 == names.index("Dương Văn Hòa")


def test_the_whole_register_is_grouped_by_cell_in_display_order(app, client, auth, users):
    auth.login(users["admin"])
    page = client.get("/members/").text
    headings = re.findall(
        r'<section class="panel member-group">\s*<div[^>]*>\s*<h2>([^<]+)</h2>', page
    )
    assert headings[:3] == ["Chi bộ ấp Chợ", "Chi bộ ấp Phước Hòa A", "Chi bộ ấp Phước Hòa B"]
    assert len(headings) == 9
    assert "256 đảng viên" in page


def test_the_list_shows_every_column_of_a_member(app, client, auth, users):
    with app.app_context():
        add_member(
            "cong-an",
            "Thạch Thị Sa Ry",
            1990,
            ethnicity="Khmer",
            status=MemberStatus.PROBATIONARY,
            exempted=True,
            cell_role=CellRole.DEPUTY,
        )
        db.session.commit()
    auth.login(users["committee"])
    page = client.get("/members/?cell=cong-an&q=sa ry").text
    row = page[page.index("Thạch Thị Sa Ry") :]
    row = row[: row.index("</tr>")]
    for text in ("Nữ", "1990", "Khmer", "Dự bị", "Có", "Phó Bí thư", "Đang sinh hoạt"):
        assert text in row


def test_a_secretary_sees_only_her_own_cell_read_only(app, client, auth, users):
    auth.login(users["secretary"])
    page = client.get("/members/").text
    assert "Chi bộ ấp Chợ" in page
    with app.app_context():
        own = {m.full_name for m in members_of("ap-cho") if m.active}
        other = {m.full_name for m in members_of("cong-an")}
    assert set(listed_names(page)) == own
    assert not other & set(listed_names(page))
    assert "Thêm đảng viên" not in page and "Nhập từ Excel" not in page
    assert ">Sửa<" not in page
    assert client.get("/members/?cell=cong-an").status_code == 403


def test_filters_by_status_and_by_name_without_accents(app, client, auth, users):
    with app.app_context():
        gone = add_member("ap-cho", "Ngô Thị Thuỷ", active=False)
        db.session.commit()
        gone_name = gone.full_name
    auth.login(users["committee"])
    assert gone_name not in client.get("/members/?cell=ap-cho").text
    inactive = listed_names(client.get("/members/?cell=ap-cho&status=inactive").text)
    assert inactive == [gone_name]
    found = listed_names(client.get("/members/?status=all&q=THUY").text)
    assert gone_name in found
    assert all("thuy" in name.lower().replace("ủ", "u").replace("ỷ", "y") for name in found)


def test_the_list_runs_a_fixed_number_of_queries(app, client, auth, users, count_queries):
    auth.login(users["committee"])
    client.get("/members/")
    with count_queries() as before:
        client.get("/members/")
    with app.app_context():
        for index in range(40):
            add_member("thcs", f"Trần Thị Thêm {chr(65 + index % 26)}")
        db.session.commit()
    with count_queries() as after:
        page = client.get("/members/")
    assert "296 đảng viên" in page.text
    assert after.count == before.count


MEMBER = {
    "cell": "tieu-hoc",
    "full_name": "  Huỳnh   Thị Mỹ  Duyên ",
    "gender": "female",
    "birth_year": "1988",
    "ethnicity": "Kinh",
    "status": "probationary",
    "cell_role": "member",
}


def test_admin_adds_a_member(app, client, auth, users):
    auth.login(users["admin"])
    answer = auth.post("/members/new", data=MEMBER)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/members/?cell=tieu-hoc"
    with app.app_context():
        member = db.session.scalar(
            sa.select(Member).where(Member.full_name == "Huỳnh Thị Mỹ Duyên")
        )
        assert (member.cell.code, member.birth_year, member.status, member.exempted) == (
            "tieu-hoc",
            1988,
            MemberStatus.PROBATIONARY,
            False,
        )
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.create"))
        assert entry.object_id == member.id and entry.after["cell"] == "tieu-hoc"
    assert "Huỳnh Thị Mỹ Duyên" in listed_names(client.get("/members/?cell=tieu-hoc").text)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"full_name": ""}, "Nhập họ và tên."),
        ({"full_name": "Duyên"}, "Nhập đủ họ và tên"),
        ({"full_name": "=HYPERLINK(1)"}, "Họ và tên chỉ gồm chữ cái"),
        ({"birth_year": "1850"}, "Năm sinh là số từ 1900 đến"),
        ({"birth_year": str(dt.date.today().year)}, "Năm sinh là số từ 1900 đến"),
        ({"birth_year": "một chín tám tám"}, "Nhập một số nguyên."),
        ({"gender": "other"}, "Chọn một giá trị trong danh sách."),
        ({"cell": "khong-co"}, "Chọn một giá trị trong danh sách."),
    ],
    ids=[
        "no name",
        "one word",
        "formula",
        "too old",
        "too young",
        "year in words",
        "unknown gender",
        "unknown cell",
    ],
)
def test_bad_members_are_refused_beside_the_field(app, auth, users, changes, message):
    auth.login(users["admin"])
    answer = auth.post("/members/new", data={**MEMBER, **changes})
    assert answer.status_code == 400
    assert message in answer.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Member.id))) == 256


def test_admin_edits_a_member(app, auth, users):
    with app.app_context():
        member_id = add_member("quan-su", "Võ Văn Tài", 1985, gender=Gender.MALE).id
        db.session.commit()
    auth.login(users["admin"])
    answer = auth.post(
        f"/members/{member_id}",
        data={
            "full_name": "Võ Văn Tài",
            "gender": "male",
            "birth_year": "1985",
            "ethnicity": "Kinh",
            "status": "official",
            "cell_role": "committee_member",
            "exempted": "y",
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        member = db.session.get(Member, member_id)
        assert (member.cell_role, member.exempted) == (CellRole.COMMITTEE_MEMBER, True)
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.update"))
        assert (
            entry.before["cell_role"] == "member" and entry.after["cell_role"] == "committee_member"
        )


def test_transfer_moves_the_member_and_keeps_the_history(app, client, auth, users):
    with app.app_context():
        member_id = add_member("ap-cho", "Lý Thị Ngân", 1979).id
        db.session.commit()
    auth.login(users["admin"])
    answer = auth.post(
        f"/members/{member_id}/transfer",
        data={
            "to_cell": "co-quan",
            "on": "2023-02-01",
            "cell_role": "committee_member",
            "reason": "Quyết định 12-QĐ/ĐU",
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        member = db.session.get(Member, member_id)
        assert (member.cell.code, member.cell_role) == ("co-quan", CellRole.COMMITTEE_MEMBER)
        transfer = db.session.scalar(
            sa.select(MemberTransfer).where(MemberTransfer.member_id == member_id)
        )
        assert (transfer.from_cell.code, transfer.to_cell.code) == ("ap-cho", "co-quan")
        assert transfer.transferred_on == dt.date(2023, 2, 1)
        assert transfer.created_by_id == users["admin"].id
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "member.transfer")
        )
        assert entry.before["cell"] == "ap-cho" and entry.after["cell"] == "co-quan"
    page = client.get(f"/members/{member_id}").text
    assert "01/02/2023" in page and "từ Chi bộ ấp Chợ sang Chi bộ Cơ quan" in page
    assert "Quyết định 12-QĐ/ĐU" in page
    assert "Lý Thị Ngân" in listed_names(client.get("/members/?cell=co-quan").text)
    assert "Lý Thị Ngân" not in listed_names(client.get("/members/?cell=ap-cho").text)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"to_cell": "ap-cho"}, "Chọn một giá trị trong danh sách."),  # her own cell is not offered
        ({"on": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "không được sau hôm nay"),
        ({"on": "31/02/2023"}, "không có trong lịch"),  # issue 12: typed dd/mm/yyyy
    ],
    ids=["same cell", "future date", "impossible date"],
)
def test_bad_transfers_are_refused(app, auth, users, changes, message):
    with app.app_context():
        member_id = add_member("ap-cho", "Lý Thị Ngân", 1979).id
        db.session.commit()
    auth.login(users["admin"])
    data = {"to_cell": "co-quan", "on": "2023-02-01", "cell_role": "member", "reason": ""}
    data.update(changes)
    answer = auth.post(f"/members/{member_id}/transfer", data=data)
    assert answer.status_code == 400
    assert message in answer.text
    with app.app_context():
        assert db.session.get(Member, member_id).cell.code == "ap-cho"
        assert db.session.scalar(sa.select(sa.func.count(MemberTransfer.id))) == 0


def test_a_transfer_cannot_predate_the_previous_one(app, auth, users):
    with app.app_context():
        member_id = add_member("ap-cho", "Lý Thị Ngân", 1979).id
        db.session.commit()
    auth.login(users["admin"])
    auth.post(
        f"/members/{member_id}/transfer",
        data={"to_cell": "co-quan", "on": "2023-02-01", "cell_role": "member"},
    )
    answer = auth.post(
        f"/members/{member_id}/transfer",
        data={"to_cell": "thcs", "on": "2023-01-15", "cell_role": "member"},
    )
    assert answer.status_code == 400
    assert "không được trước lần chuyển gần nhất (01/02/2023)" in answer.text


def test_deactivate_and_reactivate_a_member(app, client, auth, users):
    with app.app_context():
        member_id = add_member("ap-cho", "Lý Thị Ngân", 1979).id
        db.session.commit()
    auth.login(users["admin"])
    assert auth.post(f"/members/{member_id}/deactivate").status_code == 302
    assert "Lý Thị Ngân" not in listed_names(client.get("/members/?cell=ap-cho").text)
    page = client.get(f"/members/{member_id}").text
    assert "Đã thôi sinh hoạt" in page and "Cho sinh hoạt lại" in page
    assert auth.post(f"/members/{member_id}/reactivate").status_code == 302
    with app.app_context():
        assert db.session.get(Member, member_id).active
        actions = db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.object_id == member_id, AuditEntry.object_type == "member")
            .order_by(AuditEntry.id)
        ).all()
        assert actions == ["member.deactivate", "member.reactivate"]
