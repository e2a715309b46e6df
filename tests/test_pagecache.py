"""Kept pages: the rankings are drawn once per change of the data, never shown out of date."""

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Cell, ChangeCounter, User
from tracker.services.reports import approve_report

from .factories import make_report

URL = "/rankings/?year=2022"


def counter(app):
    with app.app_context():
        return db.session.scalar(sa.select(ChangeCounter.value))


def test_a_page_asked_again_is_served_kept(app, client, auth, users, count_queries):
    auth.login(users["committee"])
    first = client.get(URL)
    with count_queries() as again:
        second = client.get(URL)
    assert second.status_code == 200
    assert second.data == first.data
    assert again.count <= 3  # the signed-in user, the change counter: nothing is redrawn


def test_every_committed_change_bumps_the_counter(app, users):
    before = counter(app)
    with app.app_context():
        make_report("ap-cho", 2022, 5, total=80, status="submitted")
        db.session.commit()
    assert counter(app) == before + 1
    with app.app_context():
        db.session.scalar(sa.select(Cell))  # reading commits nothing
        db.session.commit()
    assert counter(app) == before + 1


def test_an_approval_shows_at_once(app, client, auth, users):
    with app.app_context():
        report = make_report("quan-su", 2022, 5, total=96, status="submitted")
        db.session.commit()
        report_id = report.id
    auth.login(users["committee"])
    before = client.get(URL).text
    assert "96,00" not in before
    with app.app_context():
        from tracker.models import Report

        approve_report(db.session.get(User, users["committee"].id), db.session.get(Report, report_id))
        db.session.commit()
    after = client.get(URL).text
    assert after != before
    assert "Chi bộ Quân sự" in after and "10,67" in after  # 96 over the 9 months of 2022


def test_a_renamed_cell_shows_at_once(app, client, auth, users):
    auth.login(users["committee"])
    assert "Chi bộ Công an" in client.get(URL).text
    with app.app_context():
        db.session.scalar(sa.select(Cell).where(Cell.code == "cong-an")).name = "Chi bộ Công an thị trấn"
        db.session.commit()
    assert "Chi bộ Công an thị trấn" in client.get(URL).text


def test_each_user_gets_her_own_page(app, client, auth, users):
    auth.login(users["committee"])
    assert "Danguy" in client.get(URL).text
    auth.logout()
    auth.login(users["secretary"])
    page = client.get(URL).text
    assert "Bithu Apcho" in page and "Danguy" not in page


def test_a_message_to_show_once_is_not_kept(app, client, auth, users):
    auth.login(users["committee"])
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Đã lưu thay đổi.")]
    assert "Đã lưu thay đổi." in client.get(URL).text
    assert "Đã lưu thay đổi." not in client.get(URL).text


def test_a_closed_account_is_refused_even_for_a_kept_page(app, client, auth, users):
    auth.login(users["secretary"])
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200  # kept
    with app.app_context():
        db.session.get(User, users["secretary"].id).active = False
        db.session.commit()
    answer = client.get(URL)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_after_logout_the_kept_page_is_not_served(app, client, auth, users):
    auth.login(users["committee"])
    client.get(URL)
    client.get(URL)
    auth.logout()
    answer = client.get(URL)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_new_day_draws_the_page_again(app, client, auth, users, count_queries):
    auth.login(users["committee"])
    app.config["TODAY"] = "2022-11-20"
    november = client.get(URL).text
    assert "Tháng 11" in november  # November has not ended: it is not counted yet
    app.config["TODAY"] = "2022-12-01"
    with count_queries() as redrawn:
        december = client.get(URL).text
    assert redrawn.count > 3
    assert december != november
