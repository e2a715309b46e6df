"""The command line of contract.md: create-user and create-token."""

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from tracker.extensions import db
from tracker.models import ApiToken, Role, User


def test_create_user_with_password(app, runner):
    result = runner.invoke(
        args=["create-user", "bithu.phuochoaa", "--role", "secretary", "--cell", "ap-phuoc-hoa-a",
              "--password", "mat-khau-dai", "--full-name", "Lê Thị Hoa"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "bithu.phuochoaa"))
        assert user.role is Role.SECRETARY
        assert user.cell.code == "ap-phuoc-hoa-a"
        assert user.full_name == "Lê Thị Hoa"
        assert user.password_hash != "mat-khau-dai"


def test_create_user_prompts_twice_for_a_hidden_password(app, runner):
    result = runner.invoke(
        args=["create-user", "danguy2", "--role", "committee"],
        input="mat-khau-dai\nmat-khau-dai\n",
    )
    assert result.exit_code == 0, result.output
    assert "mat-khau-dai" not in result.output  # hidden input is not echoed
    with app.app_context():
        assert db.session.scalar(sa.select(User.role).where(User.username == "danguy2")) is Role.COMMITTEE


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x.user", "--role", "king", "--password", "mat-khau-dai"],
         "Lỗi: Vai trò 'king' không hợp lệ; chọn một trong: admin, committee, secretary."),
        (["x.user", "--role", "secretary", "--cell", "khong-co", "--password", "mat-khau-dai"],
         "Không có chi bộ mã 'khong-co'"),
        (["x.user", "--role", "secretary", "--password", "mat-khau-dai"], "cần --cell"),
        (["admin", "--role", "admin", "--password", "mat-khau-dai"], "Tên đăng nhập đã được dùng"),
        (["x.user", "--role", "admin", "--password", "ngan"], "Mật khẩu cần ít nhất 8 ký tự"),
        (["Tên Có Dấu", "--role", "admin", "--password", "mat-khau-dai"], "Tên đăng nhập"),
    ],
    ids=["bad role", "unknown cell", "secretary without cell", "taken", "short password", "bad name"],
)
def test_create_user_refuses_bad_input_with_a_clear_message(app, runner, users, arguments, message):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(User.id)))
    result = runner.invoke(args=["create-user", *arguments])
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == before


def test_create_user_asks_again_when_the_two_passwords_differ(app, runner):
    result = runner.invoke(
        args=["create-user", "danguy3", "--role", "committee"],
        input="mat-khau-dai\nmat-khau-khac\nmat-khau-rieng\nmat-khau-rieng\n",
    )
    assert result.exit_code == 0, result.output
    assert "Hai lần nhập không khớp; vui lòng nhập lại." in result.output
    assert "Error" not in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "danguy3"))
        assert check_password_hash(user.password_hash, "mat-khau-rieng")


@pytest.mark.parametrize(
    "arguments",
    [
        ["create-user", "x.user", "--role", "admin", "--password", "mat-khau-dai"],
        ["create-token", "admin"],
        ["export-awards", "--year", "2022", "--output", "khong-ghi.xlsx"],
    ],
    ids=["create-user", "create-token", "export-awards"],
)
def test_commands_on_a_database_never_initialised_say_to_run_init_db(tmp_path, arguments):
    from tracker import create_app

    empty = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    result = empty.test_cli_runner().invoke(args=arguments)
    assert result.exit_code == 1
    assert "Lỗi: Cơ sở dữ liệu chưa được khởi tạo; hãy chạy trước: flask --app tracker init-db" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_create_token_prints_only_the_token(app, runner, users, client):
    result = runner.invoke(args=["create-token", "danguy"])
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    assert token.startswith("clt_")
    with app.app_context():
        stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert token not in stored  # only its digest is kept
    answer = client.get("/api/v1/cells", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_create_token_for_unknown_account_fails(app, runner):
    result = runner.invoke(args=["create-token", "khong-co-ai"])
    assert result.exit_code != 0
    assert "Không có tài khoản" in result.output
