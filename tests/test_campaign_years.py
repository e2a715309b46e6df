"""The competition goes on: opening campaign years, plans as data, the committee's names as of a
year, and cells that join or leave (issue: campaign years after 2025)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tracker.campaigns import committee_as_of, document_identity, plan_citation
from tracker.extensions import db
from tracker.models import AuditEntry, Campaign, Cell, Committee, Criterion, GradeBand, Plan, User
from tracker.services import Conflict, ValidationFailed
from tracker.services.accounts import create_token
from tracker.services.campaigns import create_plan, open_campaign_year
from tracker.services.organisation import add_committee_names, update_cell
from tracker.services.organisation import update_committee as update_committee_names

from .factories import campaign, cell, make_report
from .reporting import api_body
from .test_years_and_cells import selected


def stored(app):
    """What a refused command must leave as it was: campaigns, criteria, bands, audit rows."""
    with app.app_context():
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Campaign, Criterion, GradeBand, AuditEntry, Plan)
        )


def admin_user() -> User:
    return db.session.scalar(sa.select(User).where(User.username == "admin"))


# --------------------------------------------------------------------------------------------
# flask --app tracker open-year


def test_open_year_copies_the_latest_year_and_cites_its_plan(app, runner, users):
    with app.app_context():
        source = campaign(2025)
        source.award_quota = 4
        source.young_age_limit = 33
        source.criteria[0].title = "Tỷ lệ đảng viên dự sinh hoạt (từ 90% trở lên)"
        db.session.commit()
    result = runner.invoke(args=["open-year", "2026"])
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1
    assert "Đã mở năm thi đua 2026 (tháng 1–12)" in result.output
    assert "sao chép từ năm 2025" in result.output
    assert "Kế hoạch số 21-KH/ĐU" in result.output
    with app.app_context():
        opened = campaign(2026)
        assert (opened.first_month, opened.last_month, opened.plan.number) == (1, 12, "21-KH/ĐU")
        assert (opened.award_quota, opened.young_age_limit) == (4, 33)
        assert [(c.code, c.title, c.max_half_points, c.gate) for c in opened.criteria] == [
            (c.code, c.title, c.max_half_points, c.gate) for c in campaign(2025).criteria
        ]
        bands = {
            band.grade: band.min_half_points
            for band in db.session.scalars(
                sa.select(GradeBand).where(GradeBand.campaign_id == opened.id)
            )
        }
        assert len(bands) == 4
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "campaign.open"))
        assert entry.after["copied_from"] == 2025


def test_open_year_takes_months_a_source_year_and_a_plan(app, runner):
    with app.app_context():
        create_plan(
            number="05-KH/ĐU",
            issued_on=dt.date(2026, 1, 15),
            issuing_body="Đảng ủy xã An Thạnh",
            title="Thi đua nâng cao chất lượng sinh hoạt chi bộ giai đoạn 2026–2030",
            first_year=2026,
            last_year=2030,
            actor=admin_user_or_none(),
        )
        db.session.commit()
    args = ["open-year", "2026", "--first-month", "3", "--last-month", "11", "--copy-from", "2022"]
    result = runner.invoke(args=[*args, "--plan", "05-KH/ĐU"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        opened = campaign(2026)
        assert (opened.first_month, opened.last_month) == (3, 11)
        assert opened.plan.number == "05-KH/ĐU"


def admin_user_or_none():
    return db.session.scalar(sa.select(User).where(User.role == "admin").limit(1))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2025"], "Năm thi đua 2025 đã được mở trước đây."),
        (["1999"], "Năm thi đua phải từ 2000 đến 2100."),
        (["2101"], "Năm thi đua phải từ 2000 đến 2100."),
        (["2026", "--first-month", "0"], "Tháng phải từ 1 đến 12."),
        (["2026", "--last-month", "13"], "Tháng phải từ 1 đến 12."),
        (["2026", "--first-month", "9", "--last-month", "3"], "Tháng kết thúc không được trước"),
        (["2026", "--copy-from", "2019"], "Không có năm thi đua 2019 để sao chép."),
        (["hai-nghìn"], "Năm thi đua phải là số nguyên"),
        (["2026", "--first-month", "ba"], "Tháng bắt đầu phải là số nguyên"),
        (["2026", "--plan", "99-KH/XX"], "Không có kế hoạch số 99-KH/XX."),
    ],
    ids=[
        "year exists",
        "before 2000",
        "after 2100",
        "month 0",
        "month 13",
        "first after last",
        "unknown copy-from",
        "not a number",
        "month not a number",
        "unknown plan",
    ],
)
def test_open_year_refuses_in_vietnamese_and_stores_nothing(app, runner, args, message):
    before = stored(app)
    result = runner.invoke(args=["open-year", *args])
    assert result.exit_code != 0
    assert "Lỗi:" in result.output and message in result.output
    assert "Traceback" not in result.output
    assert stored(app) == before


def test_a_new_year_s_rubric_stays_editable_until_its_first_report(app, runner):
    from tracker.services.organisation import rubric_lock_reason

    assert runner.invoke(args=["open-year", "2026"]).exit_code == 0
    with app.app_context():
        assert rubric_lock_reason(campaign(2026)) is None
        make_report("ap-cho", 2026, 1, status="submitted")
        db.session.flush()
        assert "đã khóa vì đã có 1 báo cáo" in rubric_lock_reason(campaign(2026))


# --------------------------------------------------------------------------------------------
# GET /api/v1/campaigns


@pytest.mark.parametrize("role", ["admin", "committee", "secretary"])
def test_the_campaigns_endpoint_lists_every_year_with_its_plan(app, client, users, role):
    with app.app_context():
        open_campaign_year(2026, actor=None)
        raw, _token = create_token(db.session.get(User, users[role].id))
        db.session.commit()
    answer = client.get("/api/v1/campaigns", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body) == {"campaigns"}
    assert [c["year"] for c in body["campaigns"]] == [2022, 2023, 2024, 2025, 2026]
    assert body["campaigns"][0] == {
        "year": 2022,
        "first_month": 4,
        "last_month": 12,
        "closed": False,
        "plan": {
            "number": "21-KH/ĐU",
            "date": "2022-04-14",
            "title": "Thi đua nâng cao chất lượng sinh hoạt chi bộ",
        },
    }
    assert body["campaigns"][-1]["first_month"] == 1


def test_the_campaigns_endpoint_needs_a_token(client):
    assert client.get("/api/v1/campaigns").status_code == 401


# --------------------------------------------------------------------------------------------
# The admin's years page


def test_the_admin_opens_a_year_on_the_years_page(app, client, auth, users):
    app.config["TODAY"] = "2026-12-02"
    auth.login(users["admin"])
    page = client.get("/admin/years").text
    assert "Năm 2026 chưa được mở" in page
    assert 'name="year"' in page and 'value="2026"' in page
    answer = auth.post(
        "/admin/years",
        data={"year": "2026", "first_month": "1", "last_month": "12", "copy_from": "2025",
              "plan": "1"},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    assert "Đã mở năm thi đua 2026" in answer.text
    # An ended year not closed leads to where it is closed (its award list).
    assert 'href="/awards/2025#khoa-so">Khóa sổ<span class="visually-hidden"> năm 2025' in (
        answer.text
    )
    assert "Năm 2026 chưa được mở" not in answer.text
    with app.app_context():
        assert campaign(2026) is not None


def test_a_refused_year_re_renders_with_the_reason_beside_the_field(app, client, auth, users):
    auth.login(users["admin"])
    before = stored(app)
    answer = auth.post(
        "/admin/years",
        data={"year": "2024", "first_month": "1", "last_month": "12", "copy_from": "2023",
              "plan": "1"},
    )
    assert answer.status_code == 409
    assert "Năm thi đua 2024 đã được mở trước đây." in answer.text
    assert stored(app) == before


@pytest.mark.parametrize("role", ["committee", "secretary"])
def test_only_the_admin_opens_years_and_registers_plans(app, client, auth, users, role):
    auth.login(users[role])
    for url in ("/admin/years", "/admin/plans/new", "/admin/committee"):
        assert client.get(url).status_code == 403
    token = auth.csrf_token("/")
    answer = client.post(
        "/admin/years",
        data={"year": "2026", "first_month": "1", "last_month": "12", "copy_from": "2025",
              "plan": "1", "csrf_token": token},
    )
    assert answer.status_code == 403
    with app.app_context():
        assert campaign(2026) is None


# --------------------------------------------------------------------------------------------
# Plans are data: the footer and documents cite the year's own plan


def test_the_admin_registers_a_plan_and_a_new_year_cites_it(app, client, auth, users):
    app.config["TODAY"] = "2026-02-10"
    auth.login(users["admin"])
    answer = auth.post(
        "/admin/plans/new",
        data={
            "number": "05-KH/ĐU",
            "issued_on": "15/1/2026",
            "issuing_body": "Đảng ủy xã An Thạnh",
            "title": "Thi đua nâng cao chất lượng sinh hoạt chi bộ giai đoạn 2026–2030",
            "first_year": "2026",
            "last_year": "2030",
        },
    )
    assert answer.status_code == 302
    page = client.get("/admin/years").text
    with app.app_context():
        plan = db.session.scalar(sa.select(Plan).where(Plan.number == "05-KH/ĐU"))
        assert plan.issued_on == dt.date(2026, 1, 15)
        plan_id = plan.id
    # The form offers the plan that covers the new year.
    assert f'<option selected value="{plan_id}">' in page or f'value="{plan_id}" selected' in page
    auth.post(
        "/admin/years",
        data={"year": "2026", "first_month": "1", "last_month": "12", "copy_from": "2025",
              "plan": str(plan_id)},
    )
    footer_2026 = client.get("/rankings/?year=2026").text.split("<footer")[1]
    footer_2022 = client.get("/rankings/?year=2022").text.split("<footer")[1]
    assert "Kế hoạch số 05-KH/ĐU ngày 15/01/2026 của Đảng ủy xã An Thạnh" in footer_2026
    assert "Kế hoạch số 21-KH/ĐU ngày 14/04/2022 của Đảng ủy thị trấn Cù Lao Dung" in footer_2022


def test_a_plan_date_is_typed_day_first_and_refused_clearly(app, client, auth, users):
    auth.login(users["admin"])
    answer = auth.post(
        "/admin/plans/new",
        data={"number": "05-KH/ĐU", "issued_on": "2026-31-01", "issuing_body": "Đảng ủy",
              "title": "Thi đua", "first_year": "2026", "last_year": "2030"},
    )
    assert answer.status_code == 400
    assert "Nhập ngày theo dạng ngày/tháng/năm" in answer.text


def test_a_plan_cited_by_a_closed_year_cannot_change(app, users):
    from tracker.services.campaigns import update_plan

    with app.app_context():
        campaign(2022).closed_at = dt.datetime(2023, 1, 10, tzinfo=dt.UTC)
        plan = campaign(2022).plan
        with pytest.raises(Conflict) as refused:
            update_plan(
                plan, number="21-KH/ĐU", issued_on=dt.date(2022, 4, 15),
                issuing_body=plan.issuing_body, title=plan.title, first_year=2022,
                last_year=2025, actor=admin_user(),
            )
        assert "2022" in refused.value.message


def test_the_citation_reads_as_a_party_document_cites_a_plan(app):
    with app.app_context():
        assert plan_citation(campaign(2024).plan) == (
            "Kế hoạch số 21-KH/ĐU ngày 14/04/2022 của Đảng ủy thị trấn Cù Lao Dung về thi đua "
            "nâng cao chất lượng sinh hoạt chi bộ"
        )


# --------------------------------------------------------------------------------------------
# The committee as of a year (the 2025 reorganisation)

AN_THANH = {
    "name": "Đảng ủy xã An Thạnh",
    "superior_body": "Đảng bộ thành phố Cần Thơ",
    "place_name": "An Thạnh",
    "issuer_code": "ĐU",
    "secretary_name": "Nguyễn Văn An",
}


def test_documents_print_the_committee_s_names_of_their_year(app, users):
    with app.app_context():
        open_campaign_year(2026, actor=None)
        add_committee_names(from_year=2026, **AN_THANH, actor=admin_user())
        db.session.commit()
        old = document_identity(campaign(2025))
        new = document_identity(campaign(2026))
    assert (old.issuing_body, old.superior_body, old.place_name) == (
        "Đảng ủy thị trấn Cù Lao Dung", "Đảng bộ huyện Cù Lao Dung", "Cù Lao Dung"
    )
    assert (new.issuing_body, new.superior_body, new.place_name) == (
        "Đảng ủy xã An Thạnh", "Đảng bộ thành phố Cần Thơ", "An Thạnh"
    )
    assert new.party_body == "Đảng bộ xã An Thạnh"


def test_the_award_workbook_of_each_year_carries_its_committee(app, client, auth, users):
    import io

    import openpyxl

    with app.app_context():
        open_campaign_year(2026, actor=None)
        add_committee_names(from_year=2026, **AN_THANH, actor=admin_user())
        db.session.commit()
    auth.login(users["committee"])
    heads = {}
    for year in (2025, 2026):
        answer = client.get(f"/awards/{year}/workbook.xlsx")
        assert answer.status_code == 200, answer.status_code
        sheet = openpyxl.load_workbook(io.BytesIO(answer.data))["Tập thể"]
        heads[year] = " ".join(
            str(c.value) for row in sheet.iter_rows(max_row=5) for c in row if c.value
        )
    assert "ĐẢNG ỦY THỊ TRẤN CÙ LAO DUNG" in heads[2025] and "An Thạnh" not in heads[2025]
    assert "ĐẢNG ỦY XÃ AN THẠNH" in heads[2026] and "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ" in heads[2026]


def test_a_new_year_s_default_award_form_follows_the_renamed_committee(app, users):
    with app.app_context():
        add_committee_names(from_year=2026, **AN_THANH, actor=admin_user())
        opened = open_campaign_year(2026, actor=None).campaign
        assert opened.award_form == "Giấy khen của Ban Chấp hành Đảng bộ xã An Thạnh"


def test_closed_years_never_change_their_committee(app, users):
    with app.app_context():
        campaign(2025).closed_at = dt.datetime(2026, 1, 20, tzinfo=dt.UTC)
        db.session.flush()
        with pytest.raises(Conflict) as refused:
            add_committee_names(from_year=2025, **AN_THANH, actor=admin_user())
        assert "2025" in refused.value.message
        first = db.session.scalar(sa.select(Committee))
        with pytest.raises(Conflict):
            update_committee_names(
                first, **{**AN_THANH, "secretary_name": "Lê Văn B"}, actor=admin_user()
            )
        # From a year that is not closed the change is welcome.
        add_committee_names(from_year=2026, **AN_THANH, actor=admin_user())
        assert committee_as_of(2026).name == "Đảng ủy xã An Thạnh"
        assert committee_as_of(2025).name == "Đảng ủy thị trấn Cù Lao Dung"


def test_the_committee_page_adds_names_from_a_year(app, client, auth, users):
    app.config["TODAY"] = "2026-02-01"
    auth.login(users["admin"])
    answer = auth.post("/admin/committee", data={"from_year": "2026", **AN_THANH})
    assert answer.status_code == 302
    page = client.get("/admin/committee").text
    assert "Đảng ủy xã An Thạnh" in page and "Đảng ủy thị trấn Cù Lao Dung" in page
    # The masthead shows who runs the competition now.
    assert "Đảng ủy xã An Thạnh" in client.get("/").text.split("</header>")[0]


# --------------------------------------------------------------------------------------------
# Cells over time


def test_a_cell_that_leaves_keeps_its_results_and_is_not_chased_after(app, users):
    from tracker.reports.queries import outstanding

    with app.app_context():
        open_campaign_year(2026, actor=None)
        make_report("thcs", 2025, 1, total=95)
        target = cell("thcs")
        for member in target.members:
            member.active = False
        db.session.flush()
        update_cell(
            target, name=target.name, category=target.category, display_order=3, active=False,
            actor=admin_user(),
        )
        assert target.left_year == 2026  # the year after its last report, by default
        chased_2025 = {e.cell.code for e in outstanding(campaign(2025), dt.date(2026, 3, 1)).cells}
        chased_2026 = {e.cell.code for e in outstanding(campaign(2026), dt.date(2026, 3, 1)).cells}
    assert "thcs" in chased_2025 and "thcs" not in chased_2026


def test_a_left_cell_cannot_file_for_a_year_after_it_left(app, client, users):
    with app.app_context():
        open_campaign_year(2026, actor=None)
        cell("cong-an").left_year = 2026
        raw, _token = create_token(db.session.get(User, users["admin"].id))
        db.session.commit()
    body = api_body(cell="cong-an", year=2026, month=1, held_on="2026-01-10")
    answer = client.post(
        "/api/v1/reports", json=body, headers={"Authorization": f"Bearer {raw}"}
    )
    assert answer.status_code == 400
    assert answer.get_json()["fields"]["year"] == (
        "Chi bộ Công an không còn tham gia thi đua từ năm 2026."
    )


@pytest.mark.parametrize(
    ("joined", "left", "field", "message"),
    [
        (None, 2023, "left_year", "Chi bộ đã có báo cáo sinh hoạt năm 2024: năm rời thi đua phải sau"),
        (2025, None, "joined_year", "Chi bộ đã có báo cáo sinh hoạt năm 2024: năm bắt đầu tham gia"),
        (2024, 2023, "left_year", "Năm rời thi đua không được trước năm bắt đầu tham gia."),
    ],
    ids=["leaves before a report", "joins after a report", "leaves before joining"],
)
def test_a_cell_s_years_keep_its_reports(app, users, joined, left, field, message):
    with app.app_context():
        make_report("ap-cho", 2024, 3)
        target = cell("ap-cho")
        with pytest.raises(ValidationFailed) as refused:
            update_cell(
                target, name=target.name, category=target.category, display_order=1,
                active=True, joined_year=joined, left_year=left, actor=admin_user(),
            )
        assert message in refused.value.fields[field]


def test_a_closed_year_keeps_its_cells(app, users):
    with app.app_context():
        campaign(2023).closed_at = dt.datetime(2024, 1, 20, tzinfo=dt.UTC)
        target = cell("mam-non")
        with pytest.raises(ValidationFailed) as refused:
            update_cell(
                target, name=target.name, category=target.category, display_order=7,
                active=True, left_year=2023, actor=admin_user(),
            )
        assert "2023" in refused.value.fields["left_year"]


def test_deactivating_on_the_cell_page_no_longer_erases_the_past(app, client, auth, users):
    with app.app_context():
        make_report("quan-su", 2022, 4, total=99)
        target = cell("quan-su")
        for member in target.members:
            member.active = False
        db.session.commit()
        cell_id = target.id
    auth.login(users["admin"])
    answer = auth.post(
        f"/admin/cells/{cell_id}",
        data={"name": "Chi bộ Quân sự", "category": "sector", "display_order": "4",
              "joined_year": "", "left_year": "", "active": ""},
    )
    assert answer.status_code == 302
    ranking = client.get("/api/v1/rankings?year=2022")  # no token: 401; the page then
    assert ranking.status_code == 401
    page = client.get("/rankings/?year=2022").text
    assert "Chi bộ Quân sự" in page
    with app.app_context():
        assert db.session.get(Cell, cell_id).left_year == 2023


# --------------------------------------------------------------------------------------------
# Through a year boundary with the clock


def at(utc: str):
    """A clock stopped at an instant given in UTC."""
    instant = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC)
    return lambda: instant


def test_each_role_moves_to_the_new_year_at_local_midnight_and_keeps_the_old_one_in_view(
    app, client, auth, users
):
    from tracker.services.awards import close_year

    with app.app_context():
        for month in range(4, 12):
            make_report("ap-cho", 2022, month)
        make_report("ap-cho", 2022, 12, status="submitted")  # December waits for review
        db.session.commit()

    # 31/12/2022, 23:59 in Cù Lao Dung (16:59 UTC): still 2022 for everyone.
    app.config["CLOCK"] = at("2022-12-31T16:59:00")
    auth.login(users["committee"])
    home = client.get("/").text
    assert "Tình hình báo cáo năm 2022" in home and "chưa khóa sổ" not in home
    auth.logout()
    auth.login(users["secretary"])
    assert "Việc còn tồn đọng năm 2022" in client.get("/").text
    auth.logout()

    # One minute later it is 1 January 2023 there: pages open on 2023, 2022 stays in view.
    app.config["CLOCK"] = at("2022-12-31T17:00:00")
    auth.login(users["committee"])
    home = client.get("/").text
    assert "Tình hình báo cáo năm 2023" in home
    assert "Năm 2022 chưa khóa sổ" in home and "1 báo cáo chờ duyệt" in home
    assert selected(client.get("/rankings/").text, "year") == "2023"
    auth.logout()
    auth.login(users["secretary"])
    home = client.get("/").text
    assert "Năm 2022 chưa khóa sổ" in home
    assert "1 báo cáo năm 2022 đang chờ Đảng ủy duyệt" in home
    auth.logout()

    # Once 2022 is closed it leaves every home page.
    with app.app_context():
        close_year(campaign(2022), actor=admin_user(), confirmed=True, today=dt.date(2023, 1, 5))
        db.session.commit()
    for role in ("committee", "secretary", "admin"):
        auth.login(users[role])
        assert "Năm 2022 chưa khóa sổ" not in client.get("/").text
        auth.logout()


def test_a_2026_report_is_filed_reviewed_ranked_and_exported_like_a_2022_one(
    app, client, runner, users, tmp_path
):
    import openpyxl

    app.config["TODAY"] = "2026-03-05"
    with app.app_context():
        open_campaign_year(2026, actor=None)
        tokens = {
            role: create_token(db.session.get(User, users[role].id))[0]
            for role in ("secretary", "committee")
        }
        db.session.commit()

    def call(method, url, role, body=None):
        return client.open(
            url, method=method, json=body, headers={"Authorization": f"Bearer {tokens[role]}"}
        )

    filed = call("POST", "/api/v1/reports", "secretary",
                 api_body(year=2026, month=2, held_on="2026-02-10"))
    assert filed.status_code == 201, filed.get_json()
    report_id = filed.get_json()["id"]
    reviewed = call("POST", f"/api/v1/reports/{report_id}/review", "committee",
                    {"decision": "approve", "comment": "Đạt."})
    assert reviewed.status_code == 200 and reviewed.get_json()["grade"] == "tot"
    ranked = call("GET", "/api/v1/rankings?year=2026", "committee").get_json()
    assert ranked["months"] == [1, 2]
    top = ranked["rankings"][0]
    assert (top["cell"], top["months_missing"], top["months_pending"]) == ("ap-cho", 1, 0)
    output = tmp_path / "khen-thuong-2026.xlsx"
    exported = runner.invoke(args=["export-awards", "--year", "2026", "--output", str(output)])
    assert exported.exit_code == 0, exported.output
    sheet = openpyxl.load_workbook(output)["Xếp hạng"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "T1" in values and "T2" in values and "Chi bộ ấp Chợ" in values


def test_months_pending_tells_waiting_months_apart_from_missing_ones(app, client, users):
    with app.app_context():
        make_report("ap-cho", 2022, 4)
        make_report("ap-cho", 2022, 5, status="submitted")
        make_report("ap-cho", 2022, 6, status="returned")
        raw = create_token(db.session.get(User, users["committee"].id))[0]
        db.session.commit()
    answer = client.get(
        "/api/v1/rankings?year=2022&quarter=2", headers={"Authorization": f"Bearer {raw}"}
    )
    row = next(r for r in answer.get_json()["rankings"] if r["cell"] == "ap-cho")
    assert (row["months_counted"], row["months_missing"], row["months_pending"]) == (3, 2, 2)
    other = next(r for r in answer.get_json()["rankings"] if r["cell"] == "cong-an")
    assert (other["months_missing"], other["months_pending"]) == (3, 0)


def test_a_renamed_cell_keeps_its_old_name_in_a_closed_year_s_documents(
    app, runner, users, tmp_path
):
    import openpyxl

    from tracker.services.awards import close_year

    with app.app_context():
        for month in range(4, 13):
            make_report("ap-cho", 2022, month, total=96)
        close_year(campaign(2022), actor=admin_user(), confirmed=True, today=dt.date(2023, 1, 5))
        target = cell("ap-cho")
        update_cell(
            target, name="Chi bộ khóm Chợ", category=target.category, display_order=1,
            active=True, actor=admin_user(),
        )
        db.session.commit()
    output = tmp_path / "2022.xlsx"
    assert runner.invoke(args=["export-awards", "--year", "2022", "--output", str(output)]).exit_code == 0
    names = {
        c.value for row in openpyxl.load_workbook(output)["Xếp hạng"].iter_rows() for c in row
    }
    assert "Chi bộ ấp Chợ" in names and "Chi bộ khóm Chợ" not in names
