"""The rubric of a campaign year: editable by the admin until its first report, then locked."""

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEntry, Campaign, Criterion
from tracker.services.accounts import create_token

from .factories import campaign, make_report

YEAR = 2024
LOCK_MESSAGE = "đã khóa vì đã có"


def criteria_of(year):
    return list(
        db.session.scalars(
            sa.select(Criterion)
            .join(Campaign)
            .where(Campaign.year == year)
            .order_by(Criterion.position)
        )
    )


def rubric_form(app, year=YEAR, change=None, extra=()):
    """The edit form as the page would post it, after ``change(rows)`` edits the rows."""
    with app.app_context():
        rows = [
            {
                "criterion_id": str(c.id),
                "code": c.code,
                "title": c.title,
                "max_points": str(c.max_half_points / 2).removesuffix(".0"),
                "gate": c.gate,
                "order": str(c.position),
            }
            for c in criteria_of(year)
        ]
    if change:
        change(rows)
    rows.extend(extra)
    data = {}
    for index, row in enumerate(rows):
        for key, value in row.items():
            if key in ("gate", "remove"):
                if value:
                    data[f"criteria-{index}-{key}"] = "y"
            else:
                data[f"criteria-{index}-{key}"] = value
    return data


def rubric_summary(app, year=YEAR):
    with app.app_context():
        return [(c.code, c.max_half_points, c.gate, c.position) for c in criteria_of(year)]


def set_row(rows, which, **values):
    next(row for row in rows if row["code"] == which).update(values)


def test_admin_edits_adds_and_removes_criteria(app, client, auth, users):
    auth.login(users["admin"])

    def change(rows):
        set_row(rows, "results", max_points="20")  # 25 -> 20
        set_row(rows, "minutes", remove=True)  # -5
        set_row(rows, "ideology", max_points="7,5", gate=True)  # 5 -> 7.5

    extra = [
        {
            "code": "mass_work",
            "title": "Lãnh đạo công tác dân vận",
            "max_points": "7.5",
            "order": "3",
        }
    ]
    answer = auth.post(
        f"/admin/rubric/{YEAR}/edit", data=rubric_form(app, change=change, extra=extra)
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/admin/rubric/{YEAR}"
    summary = rubric_summary(app)
    assert [code for code, *_ in summary] == [
        "attendance",
        "preparation",
        "mass_work",
        "procedure",
        "ideology",
        "criticism",
        "speaking",
        "duration",
        "results",
    ]
    assert {code: half for code, half, *_ in summary}["mass_work"] == 15
    assert {code: gate for code, _half, gate, _pos in summary}["ideology"] is True
    assert [pos for *_, pos in summary] == list(range(1, 10))
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "rubric.update"))
        assert len(entry.before["criteria"]) == 9 and len(entry.after["criteria"]) == 9
        assert {c["code"] for c in entry.before["criteria"]} - {
            c["code"] for c in entry.after["criteria"]
        } == {"minutes"}
        # Other years keep their own rubric.
        assert len(criteria_of(2023)) == 9 and "minutes" in {c.code for c in criteria_of(2023)}
    page = client.get(f"/admin/rubric/{YEAR}").text
    assert "Lãnh đạo công tác dân vận" in page and "7,5" in page


def test_the_api_serves_the_edited_rubric(app, client, auth, users):
    auth.login(users["admin"])
    auth.post(
        f"/admin/rubric/{YEAR}/edit",
        data=rubric_form(
            app,
            change=lambda rows: (
                set_row(rows, "results", max_points="20"),
                set_row(rows, "minutes", max_points="10"),
            ),
        ),
    )
    with app.app_context():
        from tracker.models import User

        raw, _ = create_token(db.session.get(User, users["committee"].id))
        db.session.commit()
    answer = client.get(f"/api/v1/rubric/{YEAR}", headers={"Authorization": f"Bearer {raw}"})
    by_code = {c["code"]: c["max_points"] for c in answer.get_json()["criteria"]}
    assert answer.get_json()["total"] == 100
    assert (by_code["results"], by_code["minutes"]) == (20, 10)


def test_codes_can_be_swapped_in_one_save(app, auth, users):
    auth.login(users["admin"])

    def swap(rows):
        set_row(rows, "duration", code="__tmp")
        set_row(rows, "minutes", code="duration")
        set_row(rows, "__tmp", code="minutes")

    assert (
        auth.post(f"/admin/rubric/{YEAR}/edit", data=rubric_form(app, change=swap)).status_code
        == 302
    )
    codes = [code for code, *_ in rubric_summary(app)]
    assert codes.index("minutes") < codes.index("duration")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: set_row(rows, "results", max_points="20"), "phải đúng 100 điểm (hiện là 95)"),
        (lambda rows: set_row(rows, "results", max_points="24,3"), "bội số của 0,5"),
        (lambda rows: set_row(rows, "results", max_points="hai mươi"), "Nhập một số"),
        (lambda rows: set_row(rows, "results", max_points="0"), "lớn hơn 0"),
        (lambda rows: set_row(rows, "results", code="minutes"), "trùng với một tiêu chí khác"),
        (lambda rows: set_row(rows, "results", code="Kết quả"), "chữ thường không dấu"),
        (lambda rows: set_row(rows, "results", title=""), "Nhập nội dung tiêu chí."),
        (lambda rows: [row.update(remove=True) for row in rows], "cần ít nhất một tiêu chí"),
    ],
    ids=[
        "total not 100",
        "not a half point",
        "not a number",
        "zero",
        "duplicate code",
        "code with accents",
        "no title",
        "nothing left",
    ],
)
def test_bad_rubrics_are_refused_and_nothing_changes(app, auth, users, change, message):
    auth.login(users["admin"])
    before = rubric_summary(app)
    answer = auth.post(f"/admin/rubric/{YEAR}/edit", data=rubric_form(app, change=change))
    assert answer.status_code == 400
    assert message in answer.text
    assert rubric_summary(app) == before


def test_rubric_is_locked_once_a_report_of_the_year_exists(app, client, auth, users):
    with app.app_context():
        make_report("ap-cho", YEAR, 3, status="submitted")
        db.session.commit()
    auth.login(users["admin"])
    page = client.get(f"/admin/rubric/{YEAR}/edit")
    assert page.status_code == 200
    assert (
        LOCK_MESSAGE in page.text
        and '<form method="post" novalidate class="rubric-form">' not in page.text
    )
    assert "Sửa thang điểm" not in client.get(f"/admin/rubric/{YEAR}").text

    before = rubric_summary(app)
    answer = auth.post(
        f"/admin/rubric/{YEAR}/edit",
        data=rubric_form(
            app,
            change=lambda rows: (
                set_row(rows, "results", max_points="20"),
                set_row(rows, "minutes", max_points="10"),
            ),
        ),
    )
    assert answer.status_code == 409
    assert LOCK_MESSAGE in answer.text
    assert rubric_summary(app) == before

    # The other settings of the year stay editable.
    answer = auth.post(
        f"/admin/rubric/{YEAR}/settings",
        data={
            "young_age_limit": "30",
            "award_quota": "2",
            "individual_min_speeches": "5",
            "award_form": "Giấy khen của Ban Chấp hành Đảng bộ thị trấn Cù Lao Dung",
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        year = campaign(YEAR)
        assert (year.young_age_limit, year.award_quota, year.individual_min_speeches) == (30, 2, 5)
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "campaign.settings")
        )
        assert entry.before["young_age_limit"] == 35 and entry.after["young_age_limit"] == 30


def test_a_report_of_another_year_does_not_lock_this_one(app, auth, users):
    with app.app_context():
        make_report("ap-cho", 2023, 3)
        db.session.commit()
    auth.login(users["admin"])
    answer = auth.post(
        f"/admin/rubric/{YEAR}/edit",
        data=rubric_form(app, change=lambda rows: set_row(rows, "ideology", gate=True)),
    )
    assert answer.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("young_age_limit", "10", "Số phải từ 18 đến 60."),
        ("award_quota", "nhiều", "Nhập một số nguyên."),
        ("award_form", "", "Nhập hình thức khen thưởng."),
        ("individual_min_speeches", "-1", "Số phải từ 0 đến 100."),
    ],
)
def test_bad_settings_are_refused(app, auth, users, field, value, message):
    auth.login(users["admin"])
    data = {
        "young_age_limit": "35",
        "award_quota": "3",
        "individual_min_speeches": "6",
        "award_form": "Giấy khen",
    }
    data[field] = value
    answer = auth.post(f"/admin/rubric/{YEAR}/settings", data=data)
    assert answer.status_code == 400
    assert message in answer.text
    with app.app_context():
        assert campaign(YEAR).award_form.startswith("Giấy khen của Ban Chấp hành")


def test_everyone_sees_the_rubric_but_only_the_admin_gets_edit_links(client, auth, users):
    auth.login(users["secretary"])
    page = client.get(f"/admin/rubric/{YEAR}").text
    assert "Tỷ lệ đảng viên dự sinh hoạt" in page and ">100<" in page
    assert "Sửa thang điểm" not in page and "Sửa thiết lập" not in page
    auth.logout()
    auth.login(users["admin"])
    page = client.get(f"/admin/rubric/{YEAR}").text
    assert "Sửa thang điểm" in page and "Sửa thiết lập" in page
