"""Accounts managed by the admin, and every user's own password change."""

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEntry, Role, User

from .helpers import PASSWORD

NEW_PASSWORD = "mat-khau-moi-2023"


def new_account(**changes):
    data = {
        "username": "bithu.phuochoaa",
        "full_name": "Trần Thị Bích",
        "role": "secretary",
        "cell": "ap-phuoc-hoa-a",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    data.update(changes)
    return data


def user_named(username):
    return db.session.scalar(sa.select(User).where(User.username == username))


def last_audit(action):
    return db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    )


def test_admin_creates_a_secretary_who_can_sign_in(app, client, auth, users):
    auth.login(users["admin"])
    answer = auth.post("/admin/accounts/new", data=new_account())
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/admin/accounts"
    assert "Đã tạo tài khoản bithu.phuochoaa" in client.get("/admin/accounts").text
    with app.app_context():
        user = user_named("bithu.phuochoaa")
        assert (user.role, user.cell.code, user.full_name) == (
            Role.SECRETARY,
            "ap-phuoc-hoa-a",
            "Trần Thị Bích",
        )
        entry = last_audit("user.create")
        assert entry.user_id == users["admin"].id
        assert entry.after["cell"] == "ap-phuoc-hoa-a"
    auth.logout()
    assert auth.login("bithu.phuochoaa", NEW_PASSWORD).status_code == 302
    assert "Chi bộ ấp Phước Hòa A" in client.get("/").text


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"username": "admin"}, 409, "Tên đăng nhập này đã có người dùng."),
        ({"username": "Bí Thư"}, 400, "Tên đăng nhập gồm 3–60 ký tự"),
        ({"username": ""}, 400, "Nhập tên đăng nhập."),
        ({"password": "ngan", "password_again": "ngan"}, 400, "Mật khẩu cần ít nhất 8 ký tự."),
        ({"password_again": "khac-hoan-toan"}, 400, "Hai lần nhập mật khẩu không khớp nhau."),
        ({"cell": ""}, 400, "Chọn chi bộ của bí thư."),
        ({"cell": "khong-co"}, 400, "Chọn một giá trị trong danh sách."),
        ({"role": "superuser"}, 400, "Chọn một giá trị trong danh sách."),
        ({"full_name": ""}, 400, "Nhập họ và tên."),
    ],
    ids=[
        "taken",
        "bad username",
        "no username",
        "short password",
        "passwords differ",
        "secretary without cell",
        "unknown cell",
        "unknown role",
        "no name",
    ],
)
def test_account_creation_errors_show_beside_the_field_and_store_nothing(
    app, auth, users, changes, status, message
):
    auth.login(users["admin"])
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(User.id)))
    answer = auth.post("/admin/accounts/new", data=new_account(**changes))
    assert answer.status_code == status
    assert 'class="field__error"' in answer.text
    assert message in answer.text
    assert "Trần Thị Bích" in answer.text or changes.get("full_name") == ""  # kept as typed
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == before


def test_committee_and_admin_accounts_need_no_cell(app, auth, users):
    auth.login(users["admin"])
    answer = auth.post(
        "/admin/accounts/new",
        data=new_account(username="danguy.pho", role="committee", cell="ap-cho"),
    )
    assert answer.status_code == 302
    with app.app_context():
        assert user_named("danguy.pho").cell_id is None


def test_admin_changes_role_cell_and_name_with_an_audit_trail(app, auth, users):
    auth.login(users["admin"])
    url = f"/admin/accounts/{users['secretary'].id}"
    answer = auth.post(url, data={"full_name": "Lê  Văn Tâm", "role": "secretary", "cell": "thcs"})
    assert answer.status_code == 302
    answer = auth.post(url, data={"full_name": "Lê Văn Tâm", "role": "committee", "cell": "thcs"})
    assert answer.status_code == 302
    with app.app_context():
        user = db.session.get(User, users["secretary"].id)
        assert (user.full_name, user.role, user.cell_id) == ("Lê Văn Tâm", Role.COMMITTEE, None)
        entry = last_audit("user.update")
        assert entry.before == {
            "username": "bithu.apcho",
            "full_name": "Lê Văn Tâm",
            "role": "secretary",
            "cell": "thcs",
            "active": True,
        }
        assert entry.after["role"] == "committee" and entry.after["cell"] is None


def test_admin_cannot_drop_her_own_admin_role(app, auth, users):
    auth.login(users["admin"])
    answer = auth.post(
        f"/admin/accounts/{users['admin'].id}",
        data={"full_name": "Admin", "role": "committee", "cell": ""},
    )
    assert answer.status_code == 403
    assert "Một quản trị viên khác phải làm việc này." in answer.text
    with app.app_context():
        assert db.session.get(User, users["admin"].id).role is Role.ADMIN


def test_a_locked_account_is_signed_out_and_cannot_sign_in(app, client, auth, users):
    secretary = app.test_client()
    from .helpers import AuthActions

    AuthActions(secretary).login(users["secretary"])
    assert secretary.get("/").status_code == 200

    auth.login(users["admin"])
    answer = auth.post(f"/admin/accounts/{users['secretary'].id}/deactivate")
    assert answer.status_code == 302
    assert secretary.get("/").status_code == 302  # the open session ended at once
    assert AuthActions(app.test_client()).login(users["secretary"]).status_code == 401
    with app.app_context():
        assert last_audit("user.deactivate").after == {"active": False}

    assert auth.post(f"/admin/accounts/{users['secretary'].id}/reactivate").status_code == 302
    assert AuthActions(app.test_client()).login(users["secretary"]).status_code == 302


def test_admin_cannot_lock_herself_out(app, client, auth, users):
    auth.login(users["admin"])
    answer = auth.post(f"/admin/accounts/{users['admin'].id}/deactivate")
    assert answer.status_code == 302
    assert "Không thể tự khóa tài khoản của mình." in client.get(answer.headers["Location"]).text
    with app.app_context():
        assert db.session.get(User, users["admin"].id).active


def test_admin_resets_a_password(app, auth, users):
    auth.login(users["admin"])
    url = f"/admin/accounts/{users['secretary'].id}/password"
    refused = auth.post(url, data={"password": NEW_PASSWORD, "password_again": "khac"})
    assert refused.status_code == 400
    assert "Hai lần nhập mật khẩu không khớp nhau." in refused.text
    assert (
        auth.post(url, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code
        == 302
    )
    auth.logout()
    assert auth.login(users["secretary"]).status_code == 401
    assert auth.login(users["secretary"].username, NEW_PASSWORD).status_code == 302


def test_admin_resetting_her_own_password_stays_signed_in(client, auth, users):
    auth.login(users["admin"])
    answer = auth.post(
        f"/admin/accounts/{users['admin'].id}/password",
        data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert answer.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"old_password": "sai-roi-nhe"}, "Mật khẩu hiện tại không đúng."),
        ({"new_password_again": "khong-khop-nhau"}, "Hai lần nhập mật khẩu mới không khớp nhau."),
        ({"new_password": "ngan", "new_password_again": "ngan"}, "Mật khẩu cần ít nhất 8 ký tự."),
        ({"new_password": PASSWORD, "new_password_again": PASSWORD}, "Mật khẩu mới phải khác"),
    ],
    ids=["wrong old password", "mismatch", "too short", "unchanged"],
)
def test_changing_ones_password_refuses_bad_input(auth, users, data, message):
    auth.login(users["secretary"])
    form = {
        "old_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    }
    form.update(data)
    answer = auth.post("/password", data=form)
    assert answer.status_code == 400
    assert message in answer.text
    auth.logout()
    assert auth.login(users["secretary"]).status_code == 302  # the old password still works


def test_changing_ones_password_keeps_this_session_and_ends_the_others(app, client, auth, users):
    from .helpers import AuthActions

    phone = app.test_client()
    AuthActions(phone).login(users["committee"])
    auth.login(users["committee"])
    answer = auth.post(
        "/password",
        data={
            "old_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert answer.status_code == 302
    assert "Đã đổi mật khẩu." in client.get("/").text  # still signed in here
    assert phone.get("/").status_code == 302  # signed out elsewhere
    auth.logout()
    assert auth.login(users["committee"]).status_code == 401
    assert auth.login(users["committee"].username, NEW_PASSWORD).status_code == 302
    with app.app_context():
        assert last_audit("user.password_change").user_id == users["committee"].id


def test_accounts_list_shows_roles_and_cells(client, auth, users):
    auth.login(users["admin"])
    page = client.get("/admin/accounts").text
    for text in ("bithu.apcho", "Bí thư chi bộ", "Chi bộ ấp Chợ", "Đảng ủy", "Quản trị"):
        assert text in page


def test_accounts_list_runs_a_fixed_number_of_queries(app, client, auth, users, count_queries):
    from .factories import make_user

    auth.login(users["admin"])
    client.get("/admin/accounts")
    with count_queries() as few:
        client.get("/admin/accounts")
    with app.app_context():
        for index, code in enumerate(["thcs", "mam-non", "tieu-hoc", "quan-su"]):
            make_user("secretary", f"bithu.them{index}", cell_code=code)
        db.session.commit()
    with count_queries() as many:
        client.get("/admin/accounts")
    assert many.count == few.count
