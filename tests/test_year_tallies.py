"""The maintained year tallies always equal what the reports add up to.

The standings of an ended campaign year read them instead of aggregating every report, so
every change to a report must reach them in the same transaction.
"""

import datetime as dt

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.domain.periods import Period
from tracker.extensions import db
from tracker.models import User, YearTally
from tracker.services.reports import approve_report, reopen_report, return_report
from tracker.standings import (
    _aggregate_tallies,
    _year_tallies,
    load_campaigns,
    standings_for_period,
)
from tracker.tallies import rebuild_year_tallies

from .factories import campaign, cell, make_report

AFTER_2022 = dt.date(2023, 1, 15)


def tally_rows():
    return db.session.execute(
        sa.select(YearTally.__table__).order_by(YearTally.cell_id, YearTally.campaign_id)
    ).all()


def tallies_from_scratch():
    """What a full rebuild gives, without keeping it."""
    with db.session.begin_nested() as savepoint:
        rebuild_year_tallies(db.session.connection())
        rows = tally_rows()
        savepoint.rollback()
    return rows


def year_tally(cell_code, year=2022):
    return db.session.get(YearTally, (cell(cell_code).id, campaign(year).id))


def test_approving_a_report_adds_it_to_the_year_tally(app, users):
    with app.app_context():
        report = make_report("ap-cho", 2022, 5, total=80, status="submitted")
        db.session.commit()
        assert year_tally("ap-cho").pending_months == 1
        assert year_tally("ap-cho").total_half_points == 0

        approve_report(db.session.get(User, users["committee"].id), report)
        db.session.commit()
        tally = year_tally("ap-cho")
        assert (tally.total_half_points, tally.kha_months, tally.pending_months) == (160, 1, 0)


def test_returning_and_reopening_take_the_report_out_again(app, users):
    with app.app_context():
        committee = db.session.get(User, users["committee"].id)
        first = make_report("ap-cho", 2022, 5, total=95, status="submitted")
        second = make_report("ap-cho", 2022, 6, total=92, status="approved")
        db.session.commit()
        return_report(committee, first, comment="Bổ sung biên bản.")
        reopen_report(committee, second, reason="Sai điểm chuẩn bị.")
        db.session.commit()
        tally = year_tally("ap-cho")
        assert (tally.total_half_points, tally.tot_months, tally.pending_months) == (0, 0, 2)
        assert tally_rows() == tallies_from_scratch()


def test_deleting_a_report_updates_the_tally(app):
    with app.app_context():
        report = make_report("cong-an", 2022, 7, total=91)
        make_report("cong-an", 2022, 9, kind="thematic", total=90)
        db.session.commit()
        assert year_tally("cong-an").thematic_quarter_mask == 0b0100
        db.session.delete(report)
        db.session.commit()
        assert year_tally("cong-an").total_half_points == 0
        assert tally_rows() == tallies_from_scratch()


report_specs = st.lists(
    st.tuples(
        st.sampled_from(["ap-cho", "quan-su", "mam-non"]),
        st.integers(min_value=4, max_value=12),
        st.sampled_from(["regular", "thematic"]),
        st.sampled_from(["approved", "submitted", "returned", "draft"]),
        st.integers(min_value=0, max_value=200),
        st.booleans(),
    ),
    max_size=25,
)


@pytest.mark.backends("sqlite")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=report_specs)
def test_the_year_tallies_rank_exactly_like_the_reports(app, specs):
    with app.app_context():
        try:
            seen = set()
            for code, month, kind, status, half_points, gates_full in specs:
                if kind == "regular":
                    if (code, month) in seen:
                        continue  # one regular report per cell and month
                    seen.add((code, month))
                make_report(
                    code, 2022, month, kind=kind, status=status,
                    total=half_points / 2, gates_full=gates_full or half_points in (0, 200),
                )  # fmt: skip
            db.session.flush()
            assert tally_rows() == tallies_from_scratch()

            info = load_campaigns([2022])[2022]
            months = tuple(range(4, 13))
            from_tallies = _year_tallies(info, len(months), None)
            from_reports = _aggregate_tallies([(info, Period(2022), months, months)], None)[0]
            assert sorted(from_tallies) == sorted(from_reports)
            standings = standings_for_period(2022, today=AFTER_2022)
            assert len(standings.rows) == 9
        finally:
            db.session.rollback()
