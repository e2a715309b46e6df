"""The member forms show every field's error after one submission, not one round at a time.

The form's own checks (a name and a birth year are required, a year is a number, a choice
is in the list) and the service's (a full name of two words or more, letters only, a birth
year in range) used to come one after the other: the service's only once the form's were
fixed. A field keeps one message: the form's when both find fault with it.
"""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from tracker import clock
from tracker.extensions import db
from tracker.models import AuditEntry, Gender, Member

from .test_members import MEMBER, add_member

# What these tests pin (where the member forms' errors show) does not depend on the database: they
# run on SQLite, and tests/test_pages_on_postgresql.py reads every page on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")

ERROR = re.compile(r'<p class="field__error" id="([\w-]+)-error">(.*?)</p>', re.DOTALL)

ONE_WORD = "Nhập đủ họ và tên (ít nhất hai chữ), ví dụ Nguyễn Thị Hoa."
NOT_LETTERS = "Họ và tên chỉ gồm chữ cái và dấu cách."
ETHNICITY_LETTERS = "Dân tộc chỉ gồm chữ cái, ví dụ Kinh, Khmer, Hoa."
NOT_IN_LIST = "Chọn một giá trị trong danh sách."


BIRTH_YEAR_RANGE = "Năm sinh là số từ 1900 đến {latest}."


def birth_year_range(app):
    with app.app_context():
        return BIRTH_YEAR_RANGE.format(latest=clock.today().year - 18)


def errors_by_field(html):
    """The messages shown beside each field, by field id, in page order."""
    errors = {}
    for field, message in ERROR.findall(html):
        errors.setdefault(field, []).append(unescape(message.strip()))
    return errors


def member_count():
    return db.session.scalar(sa.select(sa.func.count(Member.id)))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"full_name": "Duyên", "birth_year": ""},
            {"full_name": [ONE_WORD], "birth_year": ["Nhập năm sinh."]},
        ),
        (
            {"full_name": "", "birth_year": "1850", "cell": "khong-co"},
            {
                "cell": [NOT_IN_LIST],
                "full_name": ["Nhập họ và tên."],
                "birth_year": [BIRTH_YEAR_RANGE],
            },
        ),
        (
            {
                "full_name": "=HYPERLINK(1)",
                "gender": "other",
                "birth_year": "một chín tám tám",
                "ethnicity": "K1nh",
            },
            {
                "full_name": [NOT_LETTERS],
                "gender": [NOT_IN_LIST],
                "birth_year": ["Nhập một số nguyên."],
                "ethnicity": [ETHNICITY_LETTERS],
            },
        ),
    ],
    ids=[
        "one word, no birth year",
        "no name, too old, unknown cell",
        "formula, unknown gender, year in words, digit in ethnicity",
    ],
)
def test_every_error_of_a_new_member_shows_at_once(app, auth, users, changes, expected):
    expected = {
        field: [birth_year_range(app) if m == BIRTH_YEAR_RANGE else m for m in messages]
        for field, messages in expected.items()
    }
    auth.login(users["admin"])
    with app.app_context():
        before = member_count()
    answer = auth.post("/members/new", data={**MEMBER, **changes})
    assert answer.status_code == 400
    assert errors_by_field(answer.text) == expected
    with app.app_context():
        assert member_count() == before


def test_a_field_the_form_refuses_keeps_its_one_message(auth, users):
    """An empty name is refused by the form and by the service: it is said once."""
    auth.login(users["admin"])
    answer = auth.post("/members/new", data={**MEMBER, "full_name": "  "})
    assert answer.status_code == 400
    assert errors_by_field(answer.text) == {"full_name": ["Nhập họ và tên."]}
    assert answer.text.count("Nhập họ và tên.") == 1


def test_a_member_refused_only_by_the_service_still_shows_its_errors(app, auth, users):
    auth.login(users["admin"])
    answer = auth.post("/members/new", data={**MEMBER, "full_name": "Duyên", "birth_year": "1850"})
    assert answer.status_code == 400
    assert errors_by_field(answer.text) == {
        "full_name": [ONE_WORD],
        "birth_year": [birth_year_range(app)],
    }


def test_every_error_of_an_edited_member_shows_at_once(app, auth, users):
    with app.app_context():
        member_id = add_member("quan-su", "Võ Văn Tài", 1985, gender=Gender.MALE).id
        db.session.commit()
    auth.login(users["admin"])
    answer = auth.post(
        f"/members/{member_id}",
        data={
            "full_name": "Tài",
            "gender": "male",
            "birth_year": "",
            "ethnicity": "K1nh",
            "status": "official",
            "cell_role": "chairman",
        },
    )
    assert answer.status_code == 400
    assert errors_by_field(answer.text) == {
        "full_name": [ONE_WORD],
        "birth_year": ["Nhập năm sinh."],
        "ethnicity": [ETHNICITY_LETTERS],
        "cell_role": [NOT_IN_LIST],
    }
    with app.app_context():
        member = db.session.get(Member, member_id)
        assert (member.full_name, member.birth_year, member.ethnicity) == (
            "Võ Văn Tài",
            1985,
            "Kinh",
        )
        assert (
            db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "member.update"))
            is None
        )
