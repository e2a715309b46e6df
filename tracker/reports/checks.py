"""The cross-checks of a stored report for its pages (issue 12): the facts' suggestions beside
the self-assessed points, and contradictions between the facts and the points."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .. import clock
from ..domain.consistency import (
    ContentFacts,
    contradictions,
    held_after_sending,
    suggestion_differences,
)
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


def sent_on(report: Report) -> dt.date | None:
    """The committee's local date on which the report was last sent."""
    if report.submitted_at is None:
        return None
    return report.submitted_at.astimezone(clock.local_zone()).date()


def sent_before_meeting(report: Report) -> bool:
    return held_after_sending(report.held_on, sent_on(report)) is not None


def report_checks(report: Report, table, lines) -> tuple[dict[str, int], list, list]:
    """(suggestions, differences from them, contradictions) of a report's self-assessment;
    a meeting dated after the sending comes first among the contradictions."""
    self_scores = {row["criterion"].code: row["self"] for row in table}
    suggestions = stored_suggestions(report, lines)
    flags = contradictions(self_scores, content_facts(report), lines)
    early = held_after_sending(report.held_on, sent_on(report))
    if early is not None:
        flags.insert(0, early)
    return suggestions, suggestion_differences(self_scores, suggestions, lines), flags
