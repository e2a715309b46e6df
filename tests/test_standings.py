"""The standings function over the database: what counts, what does not, and its query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa

from tracker.domain.periods import Period, participation, takes_part
from tracker.domain.scoring import Grade
from tracker.extensions import db
from tracker.models import Campaign, Cell, CellCategory, Report
from tracker.services import NotFound
from tracker.standings import (
    attendance_by_month,
    criterion_comparison,
    load_campaigns,
    monthly_matrix,
    rank_history,
    standings_by_year,
    standings_for_period,
    standings_for_periods,
)

from .factories import cell, make_report, same_rows
from .ranking_data import add_cells, make_season

AFTER_2022 = dt.date(2023, 1, 15)  # every month of the 2022 campaign has ended


def rows_by_code(standings):
    return {row.code: row for row in standings.rows}


def test_the_year_counts_every_ended_campaign_month(app):
    with app.app_context():
        standings = standings_for_period(2022, today=AFTER_2022)
        assert standings.months == (4, 5, 6, 7, 8, 9, 10, 11, 12)
        assert standings.months_not_ended == ()
        assert len(standings.rows) == 9
        assert all(row.months_counted == 9 for row in standings.rows)


def test_a_missing_month_scores_zero_and_counts_as_missing(app):
    with app.app_context():
        for month in range(4, 13):
            if month != 7:
                make_report("ap-cho", 2022, month, total=90)
        standings = standings_for_period(2022, today=AFTER_2022)
        row = rows_by_code(standings)["ap-cho"]
        assert row.average == Fraction(90 * 8, 9)
        assert row.average_rounded == Decimal("80.00")
        assert row.months_missing == 1
        assert row.tot_months == 8
        assert row.grade is Grade.KHA
        assert not standings.is_final


@pytest.mark.parametrize("status", ["submitted", "returned", "draft"])
def test_an_unapproved_report_does_not_count(app, status):
    with app.app_context():
        make_report("cong-an", 2022, 5, total=95)
        make_report("cong-an", 2022, 6, total=95, status=status)
        row = rows_by_code(standings_for_period(2022, quarter=2, today=AFTER_2022))["cong-an"]
        assert row.average_rounded == Decimal("31.67")  # 95 / 3
        assert row.months_missing == 2
        assert row.tot_months == 1
        assert row.months_pending == (0 if status == "draft" else 1)


def test_thematic_reports_stay_out_of_the_average_and_count_for_their_quarter(app):
    with app.app_context():
        make_report("quan-su", 2022, 4, total=80)
        make_report("quan-su", 2022, 5, kind="thematic", total=100)
        make_report("quan-su", 2022, 8, kind="thematic", total=100, status="submitted")
        make_report("quan-su", 2022, 11, kind="thematic", total=100)
        make_report("quan-su", 2022, 12, kind="thematic", total=100)
        year = rows_by_code(standings_for_period(2022, today=AFTER_2022))["quan-su"]
        assert year.average == Fraction(80, 9)
        assert year.months_missing == 8
        assert year.tally.thematic_quarter_numbers == (2, 4)  # III only submitted, IV once
        assert year.tally.thematic_quarters == 2
        q3 = rows_by_code(standings_for_period(2022, quarter=3, today=AFTER_2022))["quan-su"]
        assert q3.tally.thematic_quarter_numbers == () and q3.tally.thematic_quarters == 0
        assert q3.average == 0


def test_a_category_is_ranked_from_one(app):
    with app.app_context():
        make_report("ap-cho", 2022, 4, total=99)
        make_report("co-quan", 2022, 4, total=90)
        make_report("quan-su", 2022, 4, total=80)
        make_report("cong-an", 2022, 4, total=80)
        overall = standings_for_period(2022, month=4, today=AFTER_2022)
        sectors = standings_for_period(2022, month=4, category="sector", today=AFTER_2022)
        assert [(r.code, r.rank) for r in overall.rows[:4]] == [
            ("ap-cho", 1),
            ("co-quan", 2),
            ("cong-an", 3),
            ("quan-su", 3),
        ]
        assert [(r.code, r.rank, r.shared) for r in sectors.rows] == [
            ("co-quan", 1, False),
            ("cong-an", 2, True),
            ("quan-su", 2, True),
        ]
        assert sectors.category is CellCategory.SECTOR


def test_months_not_yet_ended_are_not_counted(app):
    with app.app_context():
        make_report("ap-cho", 2022, 9, total=90)
        make_report("ap-cho", 2022, 10, total=90)  # approved, but October is not over
        standings = standings_for_period(2022, quarter=4, today=dt.date(2022, 10, 31))
        assert standings.months == ()
        assert standings.months_not_ended == (10, 11, 12)
        assert rows_by_code(standings)["ap-cho"].average is None
        year = standings_for_period(2022, today=dt.date(2022, 11, 1))
        assert year.months == (4, 5, 6, 7, 8, 9, 10)
        assert rows_by_code(year)["ap-cho"].average == Fraction(180, 7)


def test_the_configured_today_decides_what_has_ended(app):
    app.config["TODAY"] = "2022-06-15"
    with app.app_context():
        assert standings_for_period(2022).months == (4, 5)
    app.config["TODAY"] = dt.date(2022, 7, 1)
    with app.app_context():
        assert standings_for_period(2022).months == (4, 5, 6)


def test_a_cell_that_left_keeps_its_results_in_the_years_before(app):
    with app.app_context():
        make_report("thcs", 2022, 4, total=100)
        make_report("thcs", 2023, 1, total=100)
        thcs = cell("thcs")
        thcs.active = False  # dissolved: deactivating no longer erases its past
        thcs.left_year = 2023
        db.session.flush()
        in_2022 = standings_for_period(2022, today=AFTER_2022)
        in_2023 = standings_for_period(2023, today=dt.date(2024, 2, 1))
        assert rows_by_code(in_2022)["thcs"].rank == 1
        assert len(in_2022.rows) == 9
        assert "thcs" not in rows_by_code(in_2023)
        assert len(in_2023.rows) == 8


def test_a_cell_takes_part_by_one_rule_in_python_and_sql(app):
    with app.app_context():
        target = cell("thcs")
        target.joined_year, target.left_year = 2023, 2025
        db.session.flush()
        for year in (2022, 2023, 2024, 2025):
            in_sql = db.session.scalar(
                sa.select(Cell.code).where(Cell.code == "thcs", Cell.takes_part_in(year))
            )
            assert (in_sql is not None) == target.takes_part_in(year) == (year in (2023, 2024))
        # Every kind of span, against a year given as a number or as a column (the campaign's).
        spans = [
            (joins, leaves)
            for joins in (None, 2023, 2024)
            for leaves in (None, 2023, 2024, 2025)
            if not (joins and leaves and leaves < joins)
        ]
        for joined, left in spans:
            target.joined_year, target.left_year = joined, left
            db.session.flush()
            in_sql = set(
                db.session.scalars(
                    sa.select(Campaign.year).where(
                        Cell.code == "thcs", Cell.takes_part_in(Campaign.year)
                    )
                )
            )
            for year in range(2022, 2026):
                by_number = db.session.scalar(
                    sa.select(sa.func.count()).where(Cell.code == "thcs", Cell.takes_part_in(year))
                )
                expected = target.takes_part_in(year)
                assert bool(by_number) == (year in in_sql) == expected, (joined, left, year)
                assert target.takes_part_in(year) == takes_part(joined, left, year)


def test_a_year_without_a_campaign_is_not_found(app):
    with app.app_context():
        with pytest.raises(NotFound) as raised:
            standings_for_period(2019)
        assert raised.value.fields == {"year": "Năm này không có kế hoạch thi đua."}


def test_a_quarter_outside_the_campaign_counts_no_month(app):
    with app.app_context():
        standings = standings_for_period(2022, quarter=1, today=AFTER_2022)
        assert standings.months == () and standings.period_months == ()
        assert {row.rank for row in standings.rows} == {1}
        assert all(row.grade is None and row.average is None for row in standings.rows)


def test_the_grade_caps_apply_to_real_reports(app):
    with app.app_context():
        # 95 every month but one month misses a gate criterion: that month is Khá, the year
        # has 8 Tốt months of 9 and stays Tốt.
        for month in range(4, 13):
            make_report("ap-cho", 2022, month, total=95, gates_full=(month != 6))
        # 98 every month but one month at 60 (Trung bình): the average is 93.8, capped at Khá.
        for month in range(4, 13):
            make_report("quan-su", 2022, month, total=60 if month == 8 else 98)
        rows = rows_by_code(standings_for_period(2022, today=AFTER_2022))
        assert rows["ap-cho"].tot_months == 8 and rows["ap-cho"].grade is Grade.TOT
        assert rows["quan-su"].average > 90
        assert rows["quan-su"].grade is Grade.KHA


def test_the_realistic_season_ranks_as_expected(app):
    with app.app_context():
        make_season()
        standings = standings_for_period(2022, today=AFTER_2022)
        shown = [(r.code, r.rank, str(r.average_rounded), r.grade.value) for r in standings.rows]
        assert shown == [
            ("ap-cho", 1, "94.78", "tot"),
            ("quan-su", 2, "92.33", "tot"),
            ("ap-phuoc-hoa-a", 3, "89.22", "kha"),
            ("co-quan", 4, "85.11", "kha"),
            ("tieu-hoc", 5, "83.00", "kha"),
            ("cong-an", 6, "81.44", "kha"),
            ("mam-non", 7, "65.44", "trung_binh"),
            ("ap-phuoc-hoa-b", 8, "59.33", "trung_binh"),
            ("thcs", 9, "43.11", "kem"),
        ]
        assert standings.reports_pending == 2
        assert standings.cells_missing == 3


def test_periods_are_ranked_together_in_one_query(app, count_queries):
    with app.app_context():
        make_season()
        db.session.commit()
    with app.app_context():
        campaigns = load_campaigns()
        periods = [Period(2022, month=m) for m in range(4, 13)]
        with count_queries() as counter:
            months = standings_for_periods(periods, today=AFTER_2022, campaigns=campaigns)
        assert counter.count == 1  # every report of every period, aggregated per cell
        for period, standings in zip(periods, months):
            alone = standings_for_period(2022, month=period.month, today=AFTER_2022)
            assert [(r.code, r.rank, r.average) for r in standings.rows] == [
                (r.code, r.rank, r.average) for r in alone.rows
            ]


def test_overlapping_periods_are_refused(app):
    with app.app_context(), pytest.raises(ValueError):
        standings_for_periods([Period(2022), Period(2022, month=5)], today=AFTER_2022)


def test_rank_history_gives_each_ended_month(app):
    with app.app_context():
        make_season()
        history = rank_history(2022, today=dt.date(2022, 7, 10))
        assert [p.period.month for p in history] == [4, 5, 6]
        june = rows_by_code(history[2])
        assert june["ap-phuoc-hoa-b"].rank == 9  # no report in June: 0 points
        assert june["thcs"].rank == 8


def test_standings_by_year_ranks_every_campaign(app):
    with app.app_context():
        make_season()
        make_report("thcs", 2023, 1, total=99)
        years = standings_by_year(today=dt.date(2023, 2, 10))
        assert [p.year for p in years] == [2022, 2023, 2024, 2025]
        assert years[1].months == (1,)
        assert years[1].rows[0].code == "thcs"
        assert years[2].months == () and years[3].months == ()
        assert rows_by_code(years[0])["thcs"].rank == 9


def test_the_standings_query_count_does_not_grow_with_the_cells(app, count_queries):
    with app.app_context():
        make_season()
        db.session.commit()
    with app.app_context(), count_queries() as small:
        standings_for_period(2022, today=AFTER_2022)
    with app.app_context():
        with db.session.no_autoflush, same_rows():  # one flush for all the reports
            for extra in add_cells(30):
                for month in range(4, 13):
                    make_report(extra.code, 2022, month, total=70 + month, flush=False)
        db.session.commit()
    with app.app_context():
        with count_queries() as large:
            standings = standings_for_period(2022, today=AFTER_2022)
        assert len(standings.rows) == 39
        assert large.count == small.count == 3  # campaigns, bands, the reports per cell


def test_the_matrix_holds_every_regular_report_but_drafts(app, count_queries):
    with app.app_context():
        make_season()
        make_report("thcs", 2022, 8, total=50, status="draft")
        db.session.commit()
    with app.app_context():
        campaign = load_campaigns([2022])[2022]
        with count_queries() as counter:
            matrix = monthly_matrix(campaign)
        assert counter.count == 1
        hoa_b = matrix[cell("ap-phuoc-hoa-b").id]
        assert sorted(hoa_b) == [4, 5, 7, 8, 9, 10, 11, 12]
        assert hoa_b[9].status.value == "returned"
        assert 8 not in matrix[cell("thcs").id]
        thematic_ids = set(
            db.session.scalars(sa.select(Report.id).where(Report.kind == "thematic"))
        )
        assert not thematic_ids & {e.report_id for row in matrix.values() for e in row.values()}


def test_attendance_and_criteria_compare_a_cell_with_all_cells(app):
    with app.app_context():
        make_report("ap-cho", 2022, 4, total=80, attendance=(40, 4, 30, 6, 0))
        make_report("cong-an", 2022, 4, total=100, attendance=(18, 0, 18, 0, 0))
        make_report("cong-an", 2022, 5, total=100, attendance=(18, 0, 17, 1, 0))
        campaign = load_campaigns([2022])[2022]
        rates = attendance_by_month(campaign, [4, 5, 6])
        assert rates[4].present == 48 and rates[4].required == 54
        assert rates[5].rate == Fraction(17, 18)
        assert 6 not in rates
        comparisons = {c.code: c for c in criterion_comparison(campaign, cell("ap-cho").id, [4, 5])}
        assert comparisons["attendance"].cell_average == 30  # gates first: full 15 points
        results = comparisons["results"]
        # ap-cho: 80 points with the gates full and then in rubric order leaves results at 5.
        assert results.cell_average == 10
        assert results.all_average == Fraction(10 + 50 + 50, 3)
        assert results.behind_others


@pytest.mark.parametrize(
    "joined, left, words, years",
    [
        (None, None, "Mọi năm", range(2020, 2030)),
        (2026, None, "Từ 2026", range(2026, 2030)),
        (None, 2025, "Đến 2024", range(2020, 2025)),
        (2022, 2025, "2022–2024", range(2022, 2025)),
        (2023, 2024, "2023", [2023]),
        (2024, 2024, "Không năm nào", []),
    ],
)
def test_the_years_a_cell_takes_part_in_read_in_words(joined, left, words, years):
    assert participation(joined, left) == words
    # The words say the years of the rule itself.
    assert [y for y in range(2020, 2030) if takes_part(joined, left, y)] == list(years)
