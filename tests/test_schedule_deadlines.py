"""From plan to report: the report form starts from the planned meeting; the year's deadline;
late and overdue reports flagged on lists and homes and counted for the year's review."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import ReportDeadline, User
from tracker.schedule import service
from tracker.schedule.queries import count_late_reports
from tracker.services import NotAllowed, ValidationFailed

from .factories import campaign, cell, make_report


def user(username) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def plan(code, starts_at, kind="regular", topic=""):
    meeting = service.plan_meeting(
        user("admin"),
        service.check_meeting(cell=cell(code), cell_named=True, kind=kind, starts_at=starts_at,
                              place="Hội trường", topic=topic),
    )
    db.session.commit()
    return meeting.id


def filed(code, month, held_on, submitted_on, status="submitted", kind="regular"):
    report = make_report(code, 2023, month, status=status, held_on=held_on, kind=kind)
    if submitted_on is not None:
        report.submitted_at = dt.datetime.combine(submitted_on, dt.time(9, 0), dt.UTC)
    db.session.commit()
    return report


def test_the_report_form_of_a_planned_meeting_starts_from_its_date_kind_and_topic(app, client, users, auth):
    with app.app_context():
        meeting_id = plan("ap-cho", "2023-03-10T19:30", kind="thematic", topic="Học tập và làm theo Bác")
    auth.login(users["secretary"])
    page = client.get(f"/reports/new?meeting={meeting_id}").get_data(as_text=True)
    assert 'value="10/03/2023"' in page  # in the form's own dd/mm/yyyy
    assert "Học tập và làm theo Bác" in page
    assert re.search(r'<input checked[^>]*value="thematic"', page)


def test_a_meeting_of_another_cell_prefills_nothing(app, client, users, auth):
    with app.app_context():
        meeting_id = plan("cong-an", "2023-03-10T19:30", topic="Bí mật của chi bộ khác")
    auth.login(users["secretary"])
    page = client.get(f"/reports/new?meeting={meeting_id}").get_data(as_text=True)
    assert "Bí mật của chi bộ khác" not in page


def test_the_default_deadline_is_five_days_after_the_meeting(app, users):
    with app.app_context():
        filed("ap-cho", 3, dt.date(2023, 3, 3), dt.date(2023, 3, 8))  # on time
        filed("ap-cho", 4, dt.date(2023, 4, 3), dt.date(2023, 4, 9))  # late
        filed("ap-cho", 5, dt.date(2023, 5, 3), None, status="draft")  # a draft is not filed
        plan("ap-cho", "2023-06-03T19:30")  # planned, no report
        plan("ap-cho", "2023-07-03T19:30")  # planned, not yet due
        assert count_late_reports(2023, dt.date(2023, 7, 5)) == {"late": 1, "overdue": 2}
        assert count_late_reports(2031, dt.date(2023, 7, 5)) == {"late": 0, "overdue": 0}


def test_the_year_may_set_day_n_of_the_next_month(app, users):
    with app.app_context():
        filed("ap-cho", 4, dt.date(2023, 4, 3), dt.date(2023, 5, 5))
        assert count_late_reports(2023, dt.date(2023, 7, 5))["late"] == 1
        service.set_deadline(user("danguy"), campaign(2023), "next_month_day", 5)
        db.session.commit()
        assert count_late_reports(2023, dt.date(2023, 7, 5))["late"] == 0
        with pytest.raises(ValidationFailed):
            service.set_deadline(user("danguy"), campaign(2023), "next_month_day", 0)
        with pytest.raises(NotAllowed):
            service.set_deadline(user("bithu.apcho"), campaign(2023), "after_meeting", 5)


def test_the_deadline_page_saves_the_years_rule(app, client, users, auth):
    auth.login(users["committee"])
    page = auth.post("/lich/han-nop?year=2023", {"rule": "next_month_day", "days": "70"})
    assert "Số phải từ 1 đến 60" in page.get_data(as_text=True) or "Số ngày" in page.get_data(as_text=True)
    assert auth.post("/lich/han-nop?year=2023", {"rule": "next_month_day", "days": "5"}).status_code == 302
    with app.app_context():
        row = db.session.get(ReportDeadline, campaign(2023).id)
        assert (row.rule.value, row.days) == ("next_month_day", 5)


def test_late_reports_are_flagged_on_the_list_and_overdue_ones_on_the_home(app, client, users, auth):
    app.config["TODAY"] = "2023-07-05"
    with app.app_context():
        filed("ap-cho", 4, dt.date(2023, 4, 3), dt.date(2023, 4, 20))
        plan("ap-cho", "2023-06-03T19:30")
    auth.login(users["secretary"])
    listing = client.get("/reports/?year=2023").get_data(as_text=True)
    assert "Trễ hạn" in listing
    home = client.get("/").get_data(as_text=True)
    assert "Quá hạn" in home and "1 buổi đã quá hạn nộp báo cáo năm 2023" in home
    assert "1 báo cáo năm 2023 nộp trễ hạn" in home


def test_a_late_report_is_flagged_in_the_review_queue_and_on_its_page(app, client, users, auth):
    with app.app_context():
        late = filed("ap-cho", 4, dt.date(2023, 4, 3), dt.date(2023, 4, 20)).id
        on_time = filed("cong-an", 4, dt.date(2023, 4, 3), dt.date(2023, 4, 5)).id
    auth.login(users["committee"])
    queue = client.get("/reports/queue").get_data(as_text=True)
    assert queue.count("Trễ hạn") == 1
    assert "Nộp trễ hạn (hạn 08/04/2023)" in client.get(f"/reports/{late}").get_data(as_text=True)
    assert "Nộp trễ hạn" not in client.get(f"/reports/{on_time}").get_data(as_text=True)


def test_a_secretarys_home_counts_only_her_cell(app, client, users, auth):
    app.config["TODAY"] = "2023-07-05"
    with app.app_context():
        plan("cong-an", "2023-06-03T19:30")
        filed("cong-an", 4, dt.date(2023, 4, 3), dt.date(2023, 4, 20))
    auth.login(users["secretary"])
    home = client.get("/").get_data(as_text=True)
    assert "Năm 2023 chưa có báo cáo trễ hoặc quá hạn." in home
    auth.logout()
    auth.login(users["other_secretary"])
    home = client.get("/").get_data(as_text=True)
    assert "1 buổi đã quá hạn nộp báo cáo năm 2023" in home and "1 báo cáo năm 2023 nộp trễ hạn" in home


def test_a_later_year_keeps_the_rule_of_the_year_before_until_it_sets_its_own(app, users):
    with app.app_context():
        service.set_deadline(user("danguy"), campaign(2023), "next_month_day", 10)
        db.session.commit()
        assert service.deadline_of(campaign(2022).id) == ("after_meeting", 5)
        assert service.deadline_of(campaign(2023).id) == ("next_month_day", 10)
        assert service.deadline_of(campaign(2025).id) == ("next_month_day", 10)
        service.set_deadline(user("danguy"), campaign(2025), "after_meeting", 7)
        assert service.deadline_of(campaign(2025).id) == ("after_meeting", 7)
        assert service.deadline_of(campaign(2024).id) == ("next_month_day", 10)
