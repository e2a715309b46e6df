"""Cells and the committee's details, managed by the admin."""

import re

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEntry, Cell, CellCategory, Committee

from .factories import cell as cell_by_code


def new_cell(**changes):
    data = {"code": "ap-moi", "name": "Chi bộ ấp Mới", "category": "hamlet", "display_order": "10"}
    data.update(changes)
    return data


def test_admin_adds_a_cell(app, client, auth, users):
    auth.login(users["admin"])
    form = client.get("/admin/cells/new").text
    assert 'value="10"' in form  # the next display order is offered
    answer = auth.post("/admin/cells/new", data=new_cell())
    assert answer.status_code == 302
    with app.app_context():
        cell = cell_by_code("ap-moi")
        assert (cell.name, cell.category, cell.display_order, cell.active) == (
            "Chi bộ ấp Mới",
            CellCategory.HAMLET,
            10,
            True,
        )
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "cell.create"))
        assert entry.after["code"] == "ap-moi"
    assert "Chi bộ ấp Mới" in client.get("/admin/cells").text
    # The new cell can receive members and a secretary at once.
    assert "ap-moi" in client.get("/members/new").text
    assert "ap-moi" in client.get("/admin/accounts/new").text


@pytest.mark.parametrize(
    ("changes", "status", "field_message"),
    [
        ({"code": "ap-cho"}, 409, "Mã này đã có chi bộ khác dùng."),
        ({"code": "Ấp Mới"}, 400, "Mã gồm 2–40 ký tự"),
        ({"code": ""}, 400, "Nhập mã chi bộ."),
        ({"name": "chi bộ ấp chợ"}, 400, "Đã có chi bộ mang tên này."),
        ({"name": "  "}, 400, "Nhập tên chi bộ."),
        ({"display_order": "abc"}, 400, "Nhập một số nguyên."),
        ({"display_order": "-1"}, 400, "Số phải từ 0 đến 10000."),
        ({"category": "village"}, 400, "Chọn một giá trị trong danh sách."),
    ],
    ids=[
        "taken code",
        "bad code",
        "no code",
        "taken name",
        "no name",
        "order not a number",
        "negative order",
        "unknown category",
    ],
)
def test_bad_cells_are_refused_beside_the_field(app, auth, users, changes, status, field_message):
    auth.login(users["admin"])
    answer = auth.post("/admin/cells/new", data=new_cell(**changes))
    assert answer.status_code == status
    assert field_message in answer.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Cell.id))) == 9


def test_editing_a_cell_never_changes_its_code(app, auth, users):
    auth.login(users["admin"])
    with app.app_context():
        cell_id = cell_by_code("quan-su").id
    answer = auth.post(
        f"/admin/cells/{cell_id}",
        data={
            "code": "doi-ma",
            "name": "Chi bộ Quân sự thị trấn",
            "category": "sector",
            "display_order": "4",
            "active": "y",
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        cell = db.session.get(Cell, cell_id)
        assert (cell.code, cell.name) == ("quan-su", "Chi bộ Quân sự thị trấn")
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "cell.update"))
        assert entry.before["name"] == "Chi bộ Quân sự"
        assert entry.after["name"] == "Chi bộ Quân sự thị trấn"


def test_a_cell_with_active_members_cannot_be_closed(app, auth, users):
    auth.login(users["admin"])
    with app.app_context():
        cell_id = cell_by_code("quan-su").id
    answer = auth.post(
        f"/admin/cells/{cell_id}",
        data={"name": "Chi bộ Quân sự", "category": "sector", "display_order": "4"},
    )
    assert answer.status_code == 409
    assert "Chi bộ còn 14 đảng viên đang sinh hoạt" in answer.text
    with app.app_context():
        assert db.session.get(Cell, cell_id).active


def test_a_cell_with_an_active_secretary_account_cannot_be_closed(app, auth, users):
    auth.login(users["admin"])
    auth.post("/admin/cells/new", data=new_cell())
    auth.post(
        "/admin/accounts/new",
        data={
            "username": "bithu.moi",
            "full_name": "Ngô Văn Sang",
            "role": "secretary",
            "cell": "ap-moi",
            "password": "mat-khau-dai-du",
            "password_again": "mat-khau-dai-du",
        },
    )
    with app.app_context():
        cell_id = cell_by_code("ap-moi").id
    answer = auth.post(
        f"/admin/cells/{cell_id}",
        data={"name": "Chi bộ ấp Mới", "category": "hamlet", "display_order": "10"},
    )
    assert answer.status_code == 409
    assert "Chi bộ còn 1 tài khoản bí thư đang dùng" in answer.text
    with app.app_context():
        assert db.session.get(Cell, cell_id).active


def test_an_empty_cell_can_be_closed_and_leaves_the_lists(app, client, auth, users):
    auth.login(users["admin"])
    auth.post("/admin/cells/new", data=new_cell())
    with app.app_context():
        cell_id = cell_by_code("ap-moi").id
    answer = auth.post(
        f"/admin/cells/{cell_id}",
        data={"name": "Chi bộ ấp Mới", "category": "hamlet", "display_order": "10"},
    )
    assert answer.status_code == 302
    with app.app_context():
        assert not db.session.get(Cell, cell_id).active
    assert 'value="ap-moi"' not in client.get("/members/new").text  # not a cell to choose
    refused = auth.post(
        "/admin/accounts/new",
        data={
            "username": "bithu.moi",
            "full_name": "Ngô Văn Sang",
            "role": "secretary",
            "cell": "ap-moi",
            "password": "mat-khau-dai-du",
            "password_again": "mat-khau-dai-du",
        },
    )
    assert refused.status_code == 400


def test_admin_edits_the_committee_details(app, client, auth, users):
    auth.login(users["admin"])
    page = client.get("/admin/committee/1").text
    assert 'value="Đảng ủy thị trấn Cù Lao Dung"' in page
    answer = auth.post(
        "/admin/committee/1",
        data={
            "from_year": "2022",
            "name": "Đảng ủy thị trấn Cù Lao Dung",
            "superior_body": "Đảng bộ huyện Cù Lao Dung",
            "place_name": "Cù Lao Dung",
            "issuer_code": "ĐU",
            "secretary_name": "Lê Minh Khoa",
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        committee = db.session.scalar(sa.select(Committee))
        assert committee.secretary_name == "Lê Minh Khoa"
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "committee.update")
        )
        assert entry.before["secretary_name"] == "Trần Văn Hùng"
        assert entry.after["secretary_name"] == "Lê Minh Khoa"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Nhập tên Đảng ủy."),
        ({"issuer_code": "Đ U"}, "Ký hiệu không chứa dấu cách hay dấu gạch chéo."),
        ({"place_name": "x" * 101}, "Không quá 100 ký tự."),
    ],
    ids=["no name", "issuer code with space", "long place name"],
)
def test_bad_committee_details_are_refused(app, auth, users, changes, message):
    auth.login(users["admin"])
    data = {
        "from_year": "2022",
        "name": "Đảng ủy thị trấn Cù Lao Dung",
        "superior_body": "Đảng bộ huyện Cù Lao Dung",
        "place_name": "Cù Lao Dung",
        "issuer_code": "ĐU",
        "secretary_name": "",
    }
    data.update(changes)
    answer = auth.post("/admin/committee/1", data=data)
    assert answer.status_code == 400
    assert message in answer.text
    with app.app_context():
        assert db.session.scalar(sa.select(Committee)).issuer_code == "ĐU"


# --------------------------------------------------------------------------------------------
# One submission shows every field's error (not the form's first, then the service's)


def field_errors(html):
    """The field error messages of a page, in order."""
    return [
        m.strip() for m in re.findall(r'<p class="field__error"[^>]*>(.*?)</p>', html, re.DOTALL)
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"name": "", "code": "Ấp Mới!"},
            ["Mã gồm 2–40 ký tự", "Nhập tên chi bộ."],
        ),
        (
            {"name": "", "code": "ap-cho"},
            ["Mã này đã có chi bộ khác dùng.", "Nhập tên chi bộ."],
        ),
        (
            {"name": "Chi bộ ấp Chợ", "code": "Ấp Mới!", "display_order": "-1"},
            ["Mã gồm 2–40 ký tự", "Đã có chi bộ mang tên này.", "Số phải từ 0 đến 10000."],
        ),
    ],
    ids=["no name and bad code", "no name and taken code", "taken name, bad code and order"],
)
def test_every_error_of_a_new_cell_shows_at_once(app, auth, users, changes, expected):
    auth.login(users["admin"])
    answer = auth.post("/admin/cells/new", data=new_cell(**changes))
    assert answer.status_code == 400
    errors = field_errors(answer.text)
    assert len(errors) == len(expected), errors
    for error, message in zip(errors, expected, strict=True):
        assert message in error
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Cell.id))) == 9


def test_a_lowercase_code_typed_in_capitals_is_accepted_as_the_service_reads_it(app, auth, users):
    auth.login(users["admin"])
    assert auth.post("/admin/cells/new", data=new_cell(code=" Ap-Moi ")).status_code == 302
    with app.app_context():
        assert cell_by_code("ap-moi").name == "Chi bộ ấp Mới"


def test_every_error_of_an_edited_cell_shows_at_once(app, auth, users):
    auth.login(users["admin"])
    with app.app_context():
        cell_id = cell_by_code("quan-su").id
    answer = auth.post(
        f"/admin/cells/{cell_id}",
        data={
            "name": "Chi bộ Công an",
            "category": "sector",
            "display_order": "abc",
            "active": "y",
        },
    )
    assert answer.status_code == 400
    assert field_errors(answer.text) == ["Đã có chi bộ mang tên này.", "Nhập một số nguyên."]
    # Its own name is not "taken".
    kept = auth.post(
        f"/admin/cells/{cell_id}",
        data={"name": "Chi bộ Quân sự", "category": "sector", "display_order": "4", "active": "y"},
    )
    assert kept.status_code == 302


def test_every_error_of_the_committee_details_shows_at_once(app, auth, users):
    auth.login(users["admin"])
    answer = auth.post(
        "/admin/committee",
        data={
            "from_year": "2026",
            "name": "",
            "superior_body": "Đảng bộ huyện Cù Lao Dung",
            "place_name": "x" * 101,
            "issuer_code": "Đ/U",
            "secretary_name": "",
        },
    )
    assert answer.status_code == 400
    assert field_errors(answer.text) == [
        "Nhập tên Đảng ủy.",
        "Không quá 100 ký tự.",
        "Ký hiệu không chứa dấu cách hay dấu gạch chéo.",
    ]
