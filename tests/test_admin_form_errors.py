"""Admin forms show every field's error after one submission, not one round at a time.

The form's own checks (required fields, lengths) and the service's (formats, password
length, a secretary's cell, a username already taken, the rubric's rules) used to come one
after the other: the second only once the first was fixed.
"""

import re

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Criterion, User

from .test_admin_rubric import YEAR, criteria_of, rubric_form, set_row

# What these tests pin (where the admin forms' errors show) does not depend on the database: they
# run on SQLite, and tests/test_pages_on_postgresql.py reads every page on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")


def field_errors(html):
    return [
        m.strip() for m in re.findall(r'<p class="field__error"[^>]*>(.*?)</p>', html, re.DOTALL)
    ]


def new_account(**changes):
    data = {
        "username": "bithu.moi",
        "full_name": "Trần Thị Bích",
        "role": "secretary",
        "cell": "ap-phuoc-hoa-a",
        "password": "mat-khau-dai-du",
        "password_again": "mat-khau-dai-du",
    }
    data.update(changes)
    return data


def account_count():
    return db.session.scalar(sa.select(sa.func.count(User.id)))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"username": "Bí thư!", "full_name": "", "password": "ngan", "password_again": "ngan"},
            ["Tên đăng nhập gồm 3–60 ký tự", "Nhập họ và tên.", "Mật khẩu cần ít nhất 8 ký tự."],
        ),
        (
            {"username": "bithu.apcho", "cell": "", "password_again": "khac-nhau-roi"},
            ["Tên đăng nhập này đã có người dùng.", "Chọn chi bộ của bí thư.", "không khớp"],
        ),
    ],
    ids=["bad username, no name, short password", "taken username, no cell, mismatch"],
)
def test_every_error_of_a_new_account_shows_at_once(app, auth, users, changes, expected):
    auth.login(users["admin"])
    with app.app_context():
        before = account_count()
    answer = auth.post("/admin/accounts/new", data=new_account(**changes))
    assert answer.status_code == 400
    errors = field_errors(answer.text)
    assert len(errors) == len(expected), errors
    for message in expected:
        assert any(message in error for error in errors), (message, errors)
    with app.app_context():
        assert account_count() == before


def test_a_taken_username_alone_is_still_a_conflict(auth, users):
    auth.login(users["admin"])
    answer = auth.post("/admin/accounts/new", data=new_account(username="bithu.apcho"))
    assert answer.status_code == 409
    assert field_errors(answer.text) == ["Tên đăng nhập này đã có người dùng."]


def test_every_error_of_an_edited_account_shows_at_once(auth, users):
    auth.login(users["admin"])
    secretary = users["secretary"]
    answer = auth.post(
        f"/admin/accounts/{secretary.id}",
        data={"full_name": "", "role": "secretary", "cell": ""},
    )
    assert answer.status_code == 400
    assert field_errors(answer.text) == ["Nhập họ và tên.", "Chọn chi bộ của bí thư."]
    # The admin's own role: said along with the other errors when the form is refused anyway.
    own = auth.post(
        f"/admin/accounts/{users['admin'].id}",
        data={"full_name": "", "role": "committee", "cell": ""},
    )
    assert own.status_code == 400
    assert field_errors(own.text)[0] == "Nhập họ và tên."
    assert "Không thể tự bỏ quyền quản trị" in field_errors(own.text)[1]


def test_a_short_new_password_is_refused_with_the_mismatch(auth, users):
    auth.login(users["admin"])
    answer = auth.post(
        f"/admin/accounts/{users['secretary'].id}/password",
        data={"password": "ngan", "password_again": "khac"},
    )
    assert answer.status_code == 400
    errors = field_errors(answer.text)
    assert errors[0] == "Mật khẩu cần ít nhất 8 ký tự."
    assert "không khớp" in errors[1]


def test_every_error_of_a_rubric_shows_at_once(app, auth, users):
    auth.login(users["admin"])

    def change(rows):
        set_row(rows, "ideology", order="abc")  # the form's own check
        set_row(rows, "minutes", code="Biên bản")  # the service's check
        set_row(rows, "results", max_points="24")  # the total is no longer 100

    with app.app_context():
        before = [(c.code, c.max_half_points, c.position) for c in criteria_of(YEAR)]
    answer = auth.post(f"/admin/rubric/{YEAR}/edit", data=rubric_form(app, change=change))
    assert answer.status_code == 400
    errors = field_errors(answer.text)
    assert "Nhập một số nguyên." in errors
    assert any("Mã gồm 2–40 ký tự" in error for error in errors), errors
    assert len(errors) == 2, errors  # one message per field
    with app.app_context():
        after = [(c.code, c.max_half_points, c.position) for c in criteria_of(YEAR)]
        assert after == before
        assert db.session.scalar(sa.select(sa.func.count(Criterion.id))) > 0
