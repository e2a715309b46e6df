"""Template helpers that write out why a grade is below its score's band (issue 12, item 2).

Registered as template globals by the rankings blueprint (it is always registered), so every
page can say "96 điểm nhưng Khá: “Biên bản…” thiếu 0,5 điểm" next to the grade, in the page
text rather than in a tooltip a phone cannot show.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g

from .domain.grade_reasons import period_grade_reason, report_grade_reason
from .domain.scoring import Criterion as RubricLine
from .domain.scoring import Grade, GradeBands
from .extensions import db
from .models import Criterion, Report, ReportScore
from .queries import bands_by_campaign


def _bands_by_campaign() -> dict[int, GradeBands]:
    """Every campaign's grade bands, read once per request (one query)."""
    cache = g.get("_grade_note_bands")
    if cache is None:
        cache = g._grade_note_bands = bands_by_campaign()
    return cache


def _needs_note(report, bands: dict[int, GradeBands]) -> bool:
    """An approved Khá report whose final total is in the Tốt band (the gate rule bit)."""
    if report.grade is None or report.final_total_half_points is None:
        return False
    if Grade(report.grade) is not Grade.KHA:
        return False
    return report.final_total_half_points >= bands.get(report.campaign_id, GradeBands()).tot


def report_grade_note(report) -> str | None:
    """The reason an approved report's grade is below the band of its final total.

    A list page calls this per row: the first call loads the scores of every such report the
    request has loaded (one query), so the number of queries does not grow with the list.
    """
    if report is None:
        return None
    bands = _bands_by_campaign()
    if not _needs_note(report, bands):
        return None
    notes = g.setdefault("_grade_notes", {})
    if report.id not in notes:
        pending = [
            obj
            for obj in list(db.session.identity_map.values())
            if isinstance(obj, Report) and obj.id not in notes and _needs_note(obj, bands)
        ]
        if report not in pending:
            pending.append(report)
        rows = db.session.execute(
            sa.select(ReportScore.report_id, ReportScore.final_half_points, Criterion)
            .join(Criterion, Criterion.id == ReportScore.criterion_id)
            .where(ReportScore.report_id.in_([r.id for r in pending]))
        ).all()
        lines: dict[int, list] = {}
        scores: dict[int, dict] = {}
        for report_id, final, c in rows:
            lines.setdefault(report_id, []).append(
                RubricLine(c.code, c.title, c.max_half_points, c.gate)
            )
            scores.setdefault(report_id, {})[c.code] = final or 0
        for r in pending:
            notes[r.id] = report_grade_reason(
                scores.get(r.id, {}), lines.get(r.id, []), bands.get(r.campaign_id, GradeBands())
            )
    return notes[report.id]


def scores_grade_note(scores: dict[str, int], lines, bands) -> str | None:
    """The same reason for scores being entered or reviewed (not stored yet)."""
    return report_grade_reason(scores, lines, bands)


def standing_grade_note(standing, campaign=None) -> str | None:
    """The reason a period grade is below the band of the cell's average."""
    if standing is None or standing.grade is None:
        return None
    bands = campaign.bands if campaign is not None and hasattr(campaign, "bands") else None
    if bands is None:
        return period_grade_reason(standing.tally)
    return period_grade_reason(standing.tally, bands)


def register(state) -> None:
    """Blueprint record hook: make the helpers template globals of the app."""
    env = state.app.jinja_env.globals
    env["report_grade_note"] = report_grade_note
    env["scores_grade_note"] = scores_grade_note
    env["standing_grade_note"] = standing_grade_note
