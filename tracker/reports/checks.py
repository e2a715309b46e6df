"""The cross-checks of a stored report for its pages (issue 12): the facts' suggestions beside
the self-assessed points, and contradictions between the facts and the points."""

from __future__ import annotations

import sqlalchemy as sa

from ..domain.consistency import ContentFacts, contradictions, suggestion_differences
from ..domain.scoring import MeetingFacts, suggest_points
from ..extensions import db
from ..models import AttendanceStatus, Member, Report, ReportAttendance


def stored_suggestions(report: Report, lines) -> dict[str, int]:
    """What the report's recorded facts suggest, as the form would have suggested it."""
    campaign = report.campaign
    # One query, whatever the size of the member list.
    young_present = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ReportAttendance)
        .join(Member, Member.id == ReportAttendance.member_id)
        .where(
            ReportAttendance.report_id == report.id,
            ReportAttendance.status == AttendanceStatus.PRESENT,
            Member.birth_year > campaign.year - campaign.young_age_limit,
        )
    )
    facts = MeetingFacts(
        required=report.summoned - report.exempted,
        present=report.present,
        absent_unexcused=report.absent_unexcused,
        duration_minutes=report.duration_minutes,
        speakers=report.speakers,
        young_speakers=report.young_speakers,
        young_present=young_present,
    )
    return suggest_points(facts, lines)


def content_facts(report: Report, *, has_minutes: bool | None = None) -> ContentFacts:
    return ContentFacts(
        ideology_covered=report.ideology_covered,
        hcm_study_covered=report.hcm_study_covered,
        criticism_done=report.criticism_done,
        minutes_complete=report.minutes_complete,
        has_minutes=bool(report.attachment_path) if has_minutes is None else has_minutes,
    )


def report_checks(report: Report, table, lines) -> tuple[dict[str, int], list, list]:
    """(suggestions, differences from them, contradictions) of a report's self-assessment."""
    self_scores = {row["criterion"].code: row["self"] for row in table}
    suggestions = stored_suggestions(report, lines)
    return (
        suggestions,
        suggestion_differences(self_scores, suggestions, lines),
        contradictions(self_scores, content_facts(report), lines),
    )
