"""A grade below its score's band says why, in the page text (not a tooltip): which gate
criterion and how many points short, or which rule keeps a period from Tốt (issue 12)."""

from __future__ import annotations

import re

import pytest

from tracker.domain.grade_reasons import period_grade_reason, report_grade_reason
from tracker.domain.ranking import CellTally
from tracker.domain.scoring import Criterion
from tracker.extensions import db

from .factories import make_report
from .test_rankings_pages import text_of
from .test_waiting_not_failing import row_text

# What these tests pin (how grade reasons are written out) does not depend on the database: they
# run on SQLite, and tests/test_pages_on_postgresql.py reads every page on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")

RUBRIC = [
    Criterion("attendance", "Tỷ lệ dự họp", 30, gate=True),
    Criterion("minutes", "Biên bản", 10, gate=True),
    Criterion("results", "Kết quả", 160),
]


def tally(**values) -> CellTally:
    base = {
        "code": "x",
        "name": "X",
        "category": "sector",
        "sum_half_points": 0,
        "months_counted": 1,
        "months_scored": 1,
        "tot_months": 0,
    }
    base.update(values)
    return CellTally(**base)


def test_a_report_in_the_tot_band_missing_a_gate_names_the_criterion_and_the_shortfall():
    scores = {"attendance": 30, "minutes": 9, "results": 153}  # 96 points
    assert report_grade_reason(scores, RUBRIC) == (
        "Tổng 96 điểm nhưng xếp loại Khá: loại Tốt cần đủ điểm mọi tiêu chí bắt buộc, "
        "mà “Biên bản” thiếu 0,5 điểm (4,5/5)."
    )


def test_every_short_gate_is_named():
    scores = {"attendance": 28, "minutes": 8, "results": 160}  # 98 points
    reason = report_grade_reason(scores, RUBRIC)
    assert "“Tỷ lệ dự họp” thiếu 1 điểm (14/15)" in reason
    assert "“Biên bản” thiếu 1 điểm (4/5)" in reason


@pytest.mark.parametrize(
    "scores",
    [
        {"attendance": 30, "minutes": 10, "results": 150},  # 95, gates full: Tốt
        {"attendance": 20, "minutes": 10, "results": 140},  # 85: plain Khá band
    ],
)
def test_no_reason_when_the_grade_is_the_band(scores):
    assert report_grade_reason(scores, RUBRIC) is None


def test_a_period_in_the_tot_band_says_which_rule_kept_it_from_tot():
    one_month = tally(sum_half_points=184, months_counted=1, months_scored=1, kha_months=1)
    assert "chỉ 0/1 tháng Tốt, cần ít nhất 1" in period_grade_reason(one_month)
    waiting = tally(sum_half_points=200 * 11, months_counted=12, months_scored=11, tot_months=11)
    assert "1 tháng chưa có báo cáo được duyệt" in period_grade_reason(waiting)
    fine = tally(sum_half_points=190 * 3, months_counted=3, months_scored=3, tot_months=3)
    assert period_grade_reason(fine) is None


@pytest.fixture
def gate_miss(app):
    app.config["TODAY"] = "2022-11-20"
    with app.app_context():
        report = make_report("ap-phuoc-hoa-a", 2022, 7, total=96, gates_full=False)
        make_report("ap-cho", 2022, 7, total=95)
        db.session.commit()
        return report.id


def test_the_report_page_writes_out_why_96_points_is_kha(client, auth, users, gate_miss):
    auth.login(users["admin"])
    text = text_of(client.get(f"/reports/{gate_miss}").get_data(as_text=True))
    assert re.search(r"Tổng 96 điểm nhưng xếp loại Khá: .* thiếu 0,5 điểm \(14,5/15\)", text)


def test_the_report_list_writes_the_reason_beside_the_grade(client, auth, users, gate_miss):
    auth.login(users["admin"])
    text = text_of(client.get("/reports/?year=2022").get_data(as_text=True))
    assert "Tổng 96 điểm nhưng xếp loại Khá" in text


def test_the_month_standings_write_out_why_the_first_cell_is_kha(client, auth, users, gate_miss):
    auth.login(users["committee"])
    page = client.get("/rankings/?year=2022&month=7").get_data(as_text=True)
    assert "chỉ 0/1 tháng Tốt" in row_text(page, "ap-phuoc-hoa-a")
    assert "xếp loại Khá" not in row_text(page, "ap-cho")


def test_the_review_page_explains_the_committee_grade(client, auth, users, app):
    app.config["TODAY"] = "2022-11-20"
    with app.app_context():
        report = make_report("quan-su", 2022, 7, total=96, gates_full=False, status="submitted")
        db.session.commit()
        report_id = report.id
    auth.login(users["committee"])
    page = client.get(f"/reports/{report_id}/review").get_data(as_text=True)
    note = re.search(r'<p class="grade-note" id="grade-note"[^>]*>([^<]*)</p>', page).group(1)
    assert "Tổng 96 điểm nhưng xếp loại Khá" in note
