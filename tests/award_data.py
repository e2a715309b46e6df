"""A finished 2022 campaign for the awards tests (call inside an app context).

The 2022 season of ranking_data (ap-cho and quan-su are the only eligible cells: Tốt, no
missing month, a thematic meeting every quarter), plus per-member attendance at the approved
regular meetings of those two cells, so that individuals can be suggested.
"""

from __future__ import annotations

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AttendanceStatus, Cell, Report, ReportAttendance, ReportKind

from .factories import campaign, members_of
from .ranking_data import make_season

TODAY = "2023-01-15"  # every month of 2022 has ended
ELIGIBLE = ["ap-cho", "quan-su"]  # in rank order


def regular_reports(cell_code: str, year: int = 2022) -> list[Report]:
    return list(
        db.session.scalars(
            sa.select(Report)
            .join(Cell)
            .where(
                Cell.code == cell_code,
                Report.campaign_id == campaign(year).id,
                Report.kind == ReportKind.REGULAR,
            )
            .order_by(Report.month)
        )
    )


def mark(report: Report, member, *, present: bool = True, spoke: bool = False) -> None:
    db.session.add(
        ReportAttendance(
            report=report,
            member=member,
            status=AttendanceStatus.PRESENT if present else AttendanceStatus.ABSENT_EXCUSED,
            spoke=spoke and present,
            absence_reason="" if present else "Đi công tác",
        )
    )


def make_award_season() -> dict[str, dict[str, int]]:
    """Insert the season and the attendance; return member ids by cell and role in the story.

    ap-cho: the secretary attends everything; "active" attends all 9 meetings and speaks 7
    times (suggested); "absent_once" speaks 9 times but missed a meeting; "quiet" attends all
    but speaks 5 times. quan-su: its secretary, and "active" who speaks 6 times (suggested).
    """
    make_season()
    people: dict[str, dict[str, int]] = {}
    for code, plan in (
        ("ap-cho", {"secretary": (9, 2), "active": (9, 7), "absent_once": (8, 9), "quiet": (9, 5)}),
        ("quan-su", {"secretary": (9, 3), "active": (9, 6)}),
    ):
        members = members_of(code)
        chosen = {"secretary": members[0]}
        others = [m for m in members[4:] if not m.exempted]
        for role, member in zip([r for r in plan if r != "secretary"], others):
            chosen[role] = member
        for role, (attended, spoke) in plan.items():
            member = chosen[role]
            for index, report in enumerate(regular_reports(code)):
                mark(report, member, present=index < attended, spoke=index < spoke)
        people[code] = {role: member.id for role, member in chosen.items()}
    db.session.flush()
    return people
