"""Who may open which page of the admin, member and token areas (role x URL x status).

Anonymous visitors are sent to the login page; the admin pages answer 403 to the committee
and to secretaries; the member list is open to every role, a secretary seeing only her cell.
"""

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Cell, Member

# What these tests pin (who may open and post each page) does not depend on the database: they run
# on SQLite, and tests/test_pages_on_postgresql.py reads every page on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")

ANONYMOUS, SECRETARY, COMMITTEE, ADMIN = "anonymous", "secretary", "committee", "admin"
ROLES = (ANONYMOUS, SECRETARY, COMMITTEE, ADMIN)


def expect(anonymous=302, secretary=403, committee=403, admin=200):
    return {ANONYMOUS: anonymous, SECRETARY: secretary, COMMITTEE: committee, ADMIN: admin}


ADMIN_ONLY = expect()
EVERYONE = expect(secretary=200, committee=200)

# {placeholders} are filled from the seeded database (see `ids` below).
PAGES = [
    ("/admin/", ADMIN_ONLY),
    ("/admin/accounts", ADMIN_ONLY),
    ("/admin/accounts/new", ADMIN_ONLY),
    ("/admin/accounts/{secretary_id}", ADMIN_ONLY),
    ("/admin/accounts/999999", expect(admin=404)),
    ("/admin/cells", ADMIN_ONLY),
    ("/admin/cells/new", ADMIN_ONLY),
    ("/admin/cells/{cell_id}", ADMIN_ONLY),
    ("/admin/cells/999999", expect(admin=404)),
    ("/admin/committee", ADMIN_ONLY),
    ("/admin/rubric", EVERYONE),
    ("/admin/rubric/2023", EVERYONE),
    ("/admin/rubric/1999", expect(secretary=404, committee=404, admin=404)),
    ("/admin/rubric/2023/edit", ADMIN_ONLY),
    ("/admin/rubric/2023/settings", ADMIN_ONLY),
    ("/admin/rubric/1999/settings", expect(admin=404)),
    ("/members/", EVERYONE),
    ("/members/?cell=ap-cho", EVERYONE),
    ("/members/?cell=cong-an", expect(secretary=403, committee=200)),
    ("/members/?cell=khong-co", expect(secretary=404, committee=404, admin=404)),
    ("/members/?status=all&q=hoa", EVERYONE),
    ("/members/export.xlsx", EVERYONE),
    ("/members/export.xlsx?cell=cong-an", expect(secretary=403, committee=200)),
    ("/members/new", ADMIN_ONLY),
    ("/members/import", ADMIN_ONLY),
    ("/members/template.xlsx", ADMIN_ONLY),
    ("/members/{member_id}", ADMIN_ONLY),
    ("/members/999999", expect(admin=404)),
    ("/tokens/", EVERYONE),
    ("/password", EVERYONE),
]

# Form posts (with a valid CSRF token): refused before anything is read or stored.
POSTS = [
    ("/admin/accounts/new", ADMIN_ONLY),
    ("/admin/accounts/{secretary_id}", ADMIN_ONLY),
    ("/admin/accounts/{secretary_id}/password", ADMIN_ONLY),
    ("/admin/accounts/{secretary_id}/deactivate", ADMIN_ONLY),
    ("/admin/cells/new", ADMIN_ONLY),
    ("/admin/cells/{cell_id}", ADMIN_ONLY),
    ("/admin/committee", ADMIN_ONLY),
    ("/admin/rubric/2023/edit", ADMIN_ONLY),
    ("/admin/rubric/2023/settings", ADMIN_ONLY),
    ("/members/new", ADMIN_ONLY),
    ("/members/import", ADMIN_ONLY),
    ("/members/{member_id}", ADMIN_ONLY),
    ("/members/{member_id}/transfer", ADMIN_ONLY),
    ("/members/{member_id}/deactivate", ADMIN_ONLY),
]


@pytest.fixture
def ids(app, users):
    with app.app_context():
        cell = db.session.scalar(sa.select(Cell).where(Cell.code == "cong-an"))
        member = db.session.scalar(sa.select(Member).where(Member.cell_id == cell.id).limit(1))
        return {"secretary_id": users["secretary"].id, "cell_id": cell.id, "member_id": member.id}


def sign_in(auth, users, role):
    if role != ANONYMOUS:
        assert auth.login(users[role]).status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page(client, auth, users, ids, role, subtests):
    """Each role signs in once and opens every page of the table (one subtest a page)."""
    sign_in(auth, users, role)
    for url, expected in PAGES:
        with subtests.test(url=url):
            answer = client.get(url.format(**ids))
            assert answer.status_code == expected[role]
            if role == ANONYMOUS:
                assert answer.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", (SECRETARY, COMMITTEE))
def test_only_the_admin_may_post_admin_forms(app, client, auth, users, ids, role, subtests):
    """Each role signs in once and posts every form of the table (one subtest a form)."""
    sign_in(auth, users, role)
    for url, expected in POSTS:
        with subtests.test(url=url):
            with app.app_context():
                before = db.session.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar()
            answer = auth.post(url.format(**ids), data={"name": "x", "full_name": "Nguyễn Văn X"})
            assert answer.status_code == expected[role] == 403
            assert "Bạn không có quyền" in answer.text
            with app.app_context():
                after = db.session.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar()
            assert after == before  # nothing changed, nothing recorded


@pytest.mark.parametrize(
    "url", ["/admin/accounts/new", "/admin/committee", "/members/import", "/tokens/", "/password"]
)
def test_forms_without_csrf_token_are_refused(client, auth, users, url):
    auth.login(users["admin"])
    answer = client.post(url, data={"name": "x"})
    assert answer.status_code == 400
    assert "Phiên làm việc đã hết hạn" in answer.text


def test_admin_menu_entry_shows_for_the_admin_only(client, auth, users):
    auth.login(users["committee"])
    assert 'href="/admin/"' not in client.get("/").text
    auth.logout()
    auth.login(users["admin"])
    assert 'href="/admin/"' in client.get("/").text


def test_every_page_links_to_the_password_change(client, auth, users):
    auth.login(users["secretary"])
    assert 'href="/password"' in client.get("/members/").text


ODD_POSTS = [
    (
        "/members/new",
        {
            "cell": "ap-cho",
            "full_name": "Lê Văn An",
            "gender": "male",
            "birth_year": "9" * 30,
            "status": "official",
            "cell_role": "member",
        },
    ),
    ("/members/{member_id}/transfer", {"to_cell": "thcs", "on": "0001-01-01", "cell_role": "x"}),
    ("/admin/cells/new", {"code": "a" * 500, "name": "x" * 5000, "display_order": "1e9"}),
    (
        "/admin/rubric/2024/edit",
        {
            "criteria-0-criterion_id": "abc",
            "criteria-0-code": "x",
            "criteria-0-max_points": "NaN",
            "criteria-0-order": "-5",
        },
    ),
    ("/admin/rubric/2024/edit", {f"criteria-{i}-code": f"c{i}" for i in range(60)}),
    (
        "/admin/rubric/2024/settings",
        {
            "young_age_limit": "1" * 40,
            "award_quota": "٣",
            "award_form": "\x00",
            "individual_min_speeches": "",
        },
    ),
    ("/admin/accounts/new", {"username": "\u202e" * 10, "role": "admin", "password": "x" * 300}),
    ("/tokens/", {"label": "x" * 1000}),
    ("/password", {"old_password": "\x00", "new_password": "y" * 500}),
]


@pytest.mark.backends("sqlite", "postgresql")  # NUL and overflowing input reach the database
@pytest.mark.parametrize(("url", "data"), ODD_POSTS, ids=[url for url, _ in ODD_POSTS])
def test_odd_input_is_refused_without_a_crash(app, auth, users, ids, url, data):
    auth.login(users["admin"])
    with app.app_context():
        before = db.session.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar()
    answer = auth.post(url.format(**ids), data=data)
    assert answer.status_code in (400, 409)
    assert "field__error" in answer.text or "alert--error" in answer.text
    with app.app_context():
        assert db.session.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar() == before
