"""Planning cell meetings: the rules of the calendar and the service that applies them."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEntry, CellFollower, Meeting, User
from tracker.schedule import rules, service
from tracker.services import Conflict, NotAllowed, ValidationFailed

from .factories import campaign, cell, make_report


def checked(code="ap-cho", kind="regular", starts_at="2023-03-03T19:30", place="Hội trường ấp", topic=""):
    return service.check_meeting(
        cell=cell(code), cell_named=True, kind=kind, starts_at=starts_at, place=place, topic=topic
    )


def user(username) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


# ---- plain rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["2023-02-30T19:30", "2023-03-03 19:30", "2023-03-03T25:00", "2023-3-3T19:30", 20230303, None, ""],
)
def test_a_start_must_be_a_real_local_minute_in_iso_form(raw):
    assert rules.parse_local_start(raw) is None


def test_a_start_is_local_vietnam_time():
    start = rules.parse_local_start("2023-03-03T19:30")
    assert start.utcoffset() == dt.timedelta(hours=7)
    assert rules.local_iso(start.astimezone(dt.UTC)) == "2023-03-03T19:30"


def test_a_monthly_rule_takes_the_last_day_of_a_short_month():
    starts = rules.monthly_starts(2023, [1, 2, 4], 31, dt.time(19, 30))
    assert [s.date() for s in starts] == [dt.date(2023, 1, 31), dt.date(2023, 2, 28), dt.date(2023, 4, 30)]


def test_clashes_pair_one_members_meetings_of_different_cells_close_in_time():
    at = dt.datetime(2023, 3, 3, 19, 30, tzinfo=rules.ZONE)
    slots = [
        rules.PlannedSlot(1, 10, "regular", 3, at, 7),
        rules.PlannedSlot(2, 11, "regular", 3, at + dt.timedelta(hours=1), 7),
        rules.PlannedSlot(3, 12, "regular", 3, at + dt.timedelta(hours=5), 7),
        rules.PlannedSlot(4, 13, "regular", 3, at, 8),
        rules.PlannedSlot(5, 14, "regular", 3, at, None),
    ]
    assert [(a.meeting_id, b.meeting_id) for a, b in rules.clashes(slots)] == [(1, 2)]


def test_gaps_name_cells_without_a_regular_meeting_and_quarters_without_a_thematic_one():
    at = dt.datetime(2023, 3, 3, 19, 30, tzinfo=rules.ZONE)
    slots = [rules.PlannedSlot(1, 10, "regular", 3, at, None), rules.PlannedSlot(2, 10, "thematic", 2, at, None)]
    assert rules.cells_without_regular([10, 11], slots, 3) == [11]
    assert rules.quarters_without_thematic([10, 11], slots, [1, 2]) == {10: [2], 11: [1, 2]}


@pytest.mark.parametrize(
    "held_on, rule, days, due",
    [
        (dt.date(2023, 3, 3), "after_meeting", 5, dt.date(2023, 3, 8)),
        (dt.date(2023, 3, 30), "next_month_day", 5, dt.date(2023, 4, 5)),
        (dt.date(2023, 12, 3), "next_month_day", 5, dt.date(2024, 1, 5)),
        (dt.date(2023, 1, 3), "next_month_day", 31, dt.date(2023, 2, 28)),
    ],
)
def test_a_report_is_due_by_the_years_rule(held_on, rule, days, due):
    assert rules.report_due(held_on, rule, days) == due


def test_late_and_overdue():
    due = dt.date(2023, 3, 8)
    assert rules.timeliness(due, dt.date(2023, 3, 8), dt.date(2023, 4, 1)) is None
    assert rules.timeliness(due, dt.date(2023, 3, 9), dt.date(2023, 4, 1)) == "late"
    assert rules.timeliness(due, None, dt.date(2023, 3, 8)) is None
    assert rules.timeliness(due, None, dt.date(2023, 3, 9)) == "overdue"


# ---- the service ------------------------------------------------------------------------------


def test_a_secretary_plans_her_cells_meeting_and_it_is_audited(app, users):
    with app.app_context():
        meeting = service.plan_meeting(user("bithu.apcho"), checked())
        db.session.commit()
        assert meeting.month == 3 and meeting.campaign.year == 2023
        assert meeting.starts_at == dt.datetime(2023, 3, 3, 12, 30, tzinfo=dt.UTC)
        assert meeting.uid
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "meeting.plan"))
        assert entry.object_id == meeting.id and entry.after["starts_at"] == "2023-03-03T19:30"


def test_the_committee_does_not_plan_and_a_secretary_not_for_another_cell(app, users):
    with app.app_context():
        with pytest.raises(NotAllowed):
            service.plan_meeting(user("danguy"), checked())
        with pytest.raises(NotAllowed):
            service.plan_meeting(user("bithu.congan"), checked())
        service.plan_meeting(user("admin"), checked())  # the admin plans for any cell


def test_a_month_outside_every_campaign_is_refused(app, users):
    with app.app_context():
        # 2022's campaign runs April to December; no campaign has 1999.
        for start in ("2022-03-03T19:30", "1999-05-03T19:30"):
            with pytest.raises(ValidationFailed) as refused:
                checked(starts_at=start)
            assert "starts_at" in refused.value.fields


def test_a_second_regular_meeting_in_a_month_is_a_conflict_but_a_thematic_one_is_not(app, users):
    with app.app_context():
        secretary = user("bithu.apcho")
        service.plan_meeting(secretary, checked())
        with pytest.raises(Conflict) as refused:
            service.plan_meeting(secretary, checked(starts_at="2023-03-20T08:00"))
        assert "thường kỳ tháng 3/2023" in refused.value.message
        service.plan_meeting(secretary, checked(kind="thematic", starts_at="2023-03-03T19:30"))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 2


def test_a_meeting_whose_report_exists_cannot_be_planned_moved_or_cancelled(app, users):
    with app.app_context():
        secretary = user("bithu.apcho")
        meeting = service.plan_meeting(secretary, checked())
        make_report("ap-cho", 2023, 3, status="submitted")
        with pytest.raises(Conflict):
            service.reschedule_meeting(secretary, meeting, checked(starts_at="2023-03-05T19:30"))
        with pytest.raises(Conflict):
            service.cancel_meeting(secretary, meeting)
        make_report("ap-cho", 2023, 4, status="draft")
        with pytest.raises(Conflict):
            service.plan_meeting(secretary, checked(starts_at="2023-04-03T19:30"))


def test_a_monthly_rule_fills_the_year_and_skips_planned_and_reported_months(app, users):
    with app.app_context():
        secretary = user("bithu.apcho")
        service.plan_meeting(secretary, checked(starts_at="2023-02-10T08:00"))
        make_report("ap-cho", 2023, 1, status="approved")
        outcome = service.plan_year_by_rule(
            secretary, cell("ap-cho"), campaign(2023), day=3, at=dt.time(19, 30), place="Hội trường ấp"
        )
        db.session.commit()
        assert [m.month for m in outcome.planned] == list(range(3, 13))
        assert outcome.skipped == [(1, "đã có báo cáo"), (2, "đã có lịch")]
        assert all(m.place == "Hội trường ấp" for m in outcome.planned)
        # A single meeting can then be moved.
        moved = service.reschedule_meeting(
            secretary, outcome.planned[0], checked(starts_at="2023-03-05T07:30", place="Nhà văn hóa")
        )
        assert rules.local_iso(moved.starts_at) == "2023-03-05T07:30"
        assert moved.uid == outcome.planned[0].uid


def test_the_follower_of_a_cell_attends_its_new_meetings(app, users):
    with app.app_context():
        committee = user("danguy")
        service.set_followers(committee, cell("ap-cho"), [committee.id, user("bithu.apcho").id])
        followers = db.session.scalars(sa.select(CellFollower.user_id)).all()
        assert followers == [committee.id]  # a secretary cannot follow a cell
        meeting = service.plan_meeting(user("bithu.apcho"), checked())
        assert meeting.attendee_id == committee.id


def test_only_the_committee_assigns_and_only_a_committee_account_attends(app, users):
    with app.app_context():
        meeting = service.plan_meeting(user("bithu.apcho"), checked())
        with pytest.raises(NotAllowed):
            service.assign_attendee(user("bithu.apcho"), meeting, "danguy")
        for bad in ("bithu.congan", "nobody", 5):
            with pytest.raises(ValidationFailed):
                service.assign_attendee(user("danguy"), meeting, bad)
        service.assign_attendee(user("danguy"), meeting, "admin")
        assert meeting.attendee.username == "admin"
        service.assign_attendee(user("danguy"), meeting, None)
        assert meeting.attendee is None


def test_a_feed_secret_is_new_on_demand_and_revocable(app, users):
    with app.app_context():
        secretary = user("bithu.apcho")
        first = service.new_feed_secret(secretary)
        assert service.user_for_feed_secret(first).id == secretary.id
        second = service.new_feed_secret(secretary)
        assert second != first and service.user_for_feed_secret(first) is None
        service.revoke_feed_secret(secretary)
        assert service.user_for_feed_secret(second) is None
