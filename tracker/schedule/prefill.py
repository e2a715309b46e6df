"""From plan to report: the report form of a planned meeting starts from its date, kind and
topic."""

from __future__ import annotations

from ..extensions import db
from ..models import Campaign, Cell, Meeting, ReportKind
from . import queries, rules


def meeting_for_form(cell: Cell, raw_id: str | None) -> Meeting | None:
    """The planned meeting named by ?meeting=ID, when it is one of this cell's."""
    if not raw_id or not raw_id.isdigit() or len(raw_id) > 10:
        return None
    meeting = db.session.get(Meeting, int(raw_id))
    if meeting is None or meeting.cell_id != cell.id:
        return None
    return meeting


def report_defaults(
    cell: Cell, meeting: Meeting | None, campaign: Campaign | None, month: int | None, kind: str
) -> dict[str, str]:
    """Form values from the named meeting, else from the meeting planned for the suggested
    year, month and kind (nothing when none is planned)."""
    if meeting is None and campaign is not None and month:
        meeting = queries.planned_meeting_for_report(cell.id, campaign.id, month, ReportKind(kind))
    if meeting is None:
        return {}
    return {
        "kind": meeting.kind.value,
        "year": str(meeting.campaign.year),
        "month": str(meeting.month),
        # Written as the form asks (dd/mm/yyyy), as a stored report's date is shown.
        "held_on": meeting.starts_at.astimezone(rules.ZONE).date().strftime("%d/%m/%Y"),
        "topic": meeting.topic,
    }
