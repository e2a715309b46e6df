"""Factories that put rows straight into the database (call inside an app context).

They bypass the service layer on purpose: tests of rankings and pages need many reports in a
given state quickly. Tests of the workflow itself go through the services or the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

import sqlalchemy as sa

from tracker.domain.scoring import report_grade, to_half_points
from tracker.extensions import db
from tracker.models import (
    Campaign,
    Cell,
    Criterion,
    Member,
    Report,
    ReportKind,
    ReportScore,
    ReportStatus,
    Role,
    User,
    utcnow,
)
from tracker.queries import grade_bands, rubric_lines
from tracker.services.accounts import hash_password

from .helpers import PASSWORD

# Inside ``same_rows()`` the lookups below are read once: a season of reports inserted in one
# go otherwise reads the same cell, year, rubric and grade bands once per report.
_remembered: dict | None = None


@contextmanager
def same_rows() -> Iterator[None]:
    """Remember cells, years, rubrics and grade bands read inside the block (nothing in it
    may change them)."""
    global _remembered
    outer, _remembered = _remembered, {} if _remembered is None else _remembered
    try:
        yield
    finally:
        _remembered = outer


def _once(key, read: Callable):
    if _remembered is None:
        return read()
    if key not in _remembered:
        _remembered[key] = read()
    return _remembered[key]


def cell(code: str) -> Cell:
    return _once(
        ("cell", code), lambda: db.session.scalar(sa.select(Cell).where(Cell.code == code))
    )


def campaign(year: int) -> Campaign:
    return _once(
        ("campaign", year),
        lambda: db.session.scalar(sa.select(Campaign).where(Campaign.year == year)),
    )


def make_user(
    role: str,
    username: str,
    *,
    cell_code: str | None = None,
    password: str = PASSWORD,
    flush: bool = True,
) -> User:
    user = User(
        username=username,
        full_name=username.replace(".", " ").title(),
        role=Role(role),
        cell=cell(cell_code) if cell_code else None,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    if flush:
        db.session.flush()
    return user


def scores_for_total(year: int, total, *, gates_full: bool = True) -> dict[str, int]:
    """Spread ``total`` points over the rubric of ``year`` (half-points per criterion).

    With ``gates_full`` the gate criteria get full points first (needed for a Tốt grade);
    without it the first gate criterion loses half a point, the rest is spread on.
    """
    criteria = _once(
        ("criteria", year),
        lambda: list(
            db.session.scalars(
                sa.select(Criterion)
                .join(Campaign)
                .where(Campaign.year == year)
                .order_by(Criterion.position)
            )
        ),
    )
    remaining = to_half_points(Decimal(str(total)))
    maximum = sum(c.max_half_points for c in criteria)
    assert 0 <= remaining <= maximum, "total outside the rubric"
    scores = {c.code: 0 for c in criteria}
    ordered = sorted(criteria, key=lambda c: (not c.gate, c.position))
    for criterion in ordered:
        give = min(criterion.max_half_points, remaining)
        scores[criterion.code] = give
        remaining -= give
    if not gates_full:
        gate = next(c for c in ordered if c.gate)
        if scores[gate.code] == gate.max_half_points:
            scores[gate.code] -= 1
            donor = next(
                (c for c in ordered if not c.gate and scores[c.code] < c.max_half_points), None
            )
            assert donor is not None, "cannot miss a gate at this total"
            scores[donor.code] += 1
    return scores


def make_report(
    cell_code: str,
    year: int,
    month: int,
    *,
    total=None,
    scores: dict[str, int] | None = None,
    gates_full: bool = True,
    kind: str = "regular",
    status: str = "approved",
    self_total=None,
    held_on: dt.date | None = None,
    attendance: tuple[int, int, int, int, int] = (20, 0, 19, 1, 0),
    speakers: int = 6,
    young_speakers: int = 1,
    flush: bool = True,
) -> Report:
    """Insert a report; an approved one gets final scores, its final total and its grade.

    ``total`` (points) or ``scores`` (half-points by criterion code) gives the final scores
    of an approved report and the self-assessed ones otherwise; ``self_total`` overrides the
    self-assessed total of an approved report. ``flush=False`` leaves the insert to the
    caller's next flush (a season of reports then costs one flush and one tally refresh).
    """
    target = campaign(year)
    criteria = {c.code: c for c in target.criteria}
    if scores is None:
        scores = scores_for_total(year, total if total is not None else 80, gates_full=gates_full)
    self_scores = scores if self_total is None else scores_for_total(year, self_total)
    summoned, exempted, present, excused, unexcused = attendance
    report = Report(
        cell=cell(cell_code),
        campaign=target,
        month=month,
        kind=ReportKind(kind),
        status=ReportStatus(status),
        held_on=held_on or dt.date(year, month, 10),
        duration_minutes=120,
        chaired_by="Bí thư",
        minutes_taker="Chi ủy viên",
        summoned=summoned,
        exempted=exempted,
        present=present,
        absent_excused=excused,
        absent_unexcused=unexcused,
        speakers=speakers,
        young_speakers=young_speakers,
        topic="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
        if kind == "thematic"
        else "",
        self_total_half_points=sum(self_scores.values()),
    )
    if status != "draft":
        report.submitted_at = utcnow()
    for code, criterion in criteria.items():
        report.scores.append(
            ReportScore(
                criterion=criterion,
                self_half_points=self_scores[code],
                final_half_points=scores[code] if status == "approved" else None,
            )
        )
    if status == "approved":
        report.final_total_half_points = sum(scores.values())
        rubric = _once(("rubric", year), lambda: rubric_lines(target))
        bands = _once(("bands", year), lambda: grade_bands(target))
        report.grade = report_grade(scores, rubric, bands)
        report.reviewed_at = utcnow()
    db.session.add(report)
    if flush:
        db.session.flush()
    return report


def members_of(cell_code: str) -> list[Member]:
    return list(
        db.session.scalars(
            sa.select(Member).join(Cell).where(Cell.code == cell_code).order_by(Member.id)
        )
    )
