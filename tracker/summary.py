"""The year's review figures (báo cáo sơ kết, part I): GET /api/v1/summary, the review page and
the .docx document all read them from here (contract.md, "GET /api/v1/summary").

The ranking figures (cells ranked, missing and pending months, grades, quarters without a
thematic meeting, approved monthly reports) are read off the ONE standings computation
(``standings_for_period``); the sums the standings do not carry (attendance, speakers,
thematic reports) come from one statement with the same filters (``report_sums``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from . import clock
from .domain.attendance import attendance_rate
from .domain.periods import campaign_quarters, quarter_has_ended
from .domain.scoring import Grade
from .standings import (
    CampaignInfo,
    PeriodStandings,
    load_campaigns,
    no_campaign,
    report_sums,
    standings_for_period,
)

GRADE_KEYS = ("tot", "kha", "trung_binh", "kem")


@dataclass(frozen=True)
class YearFigures:
    """Part I of the review of one campaign year, as contract.md defines each figure."""

    year: int
    cells: int
    months_counted: int
    regular_reports_approved: int
    thematic_reports_approved: int
    months_missing: int
    months_pending: int
    quarters_without_thematic: int
    present: int
    required: int
    speakers: int
    young_speakers: int
    grades: dict[str, int]
    closed: bool = False

    @property
    def has_reports(self) -> bool:
        """Whether any report of the year was approved or waits for review: a year left open
        without one (the app was not used then) has nothing to compare with."""
        return bool(
            self.regular_reports_approved or self.thematic_reports_approved or self.months_pending
        )

    @property
    def attendance_fraction(self) -> Fraction | None:
        """Σ present / Σ (summoned − exempted), exact; None without any approved report."""
        if not self.regular_reports_approved:
            return None
        return attendance_rate(self.present, self.required)

    @property
    def attendance_rate(self) -> Decimal | None:
        """The rate rounded half up to 4 decimals (contract.md)."""
        share = self.attendance_fraction
        if share is None:
            return None
        exact = Decimal(share.numerator) / Decimal(share.denominator)
        return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    def as_json(self) -> dict:
        rate = self.attendance_rate
        return {
            "year": self.year,
            "cells": self.cells,
            "months_counted": self.months_counted,
            "regular_reports_approved": self.regular_reports_approved,
            "thematic_reports_approved": self.thematic_reports_approved,
            "months_missing": self.months_missing,
            "months_pending": self.months_pending,
            "quarters_without_thematic": self.quarters_without_thematic,
            "attendance_rate": float(rate) if rate is not None else None,
            "speakers": self.speakers,
            "young_speakers": self.young_speakers,
            "grades": dict(self.grades),
        }


def ended_quarters(campaign: CampaignInfo, today: dt.date) -> list[int]:
    """The campaign's quarters whose last month has ended (a thematic meeting was due)."""
    return [
        quarter
        for quarter in campaign_quarters(campaign.first_month, campaign.last_month)
        if quarter_has_ended(campaign.year, quarter, today)
    ]


def figures_from(standings: PeriodStandings, today: dt.date) -> YearFigures:
    """Read the figures off a campaign year's standings (plus one statement of sums)."""
    campaign = standings.campaign
    quarters = ended_quarters(campaign, today)
    rows = standings.rows
    grades = dict.fromkeys(GRADE_KEYS, 0)
    for row in rows:
        if row.grade is not None:
            grades[Grade(row.grade).value] += 1
    sums = report_sums(campaign, standings.months)
    return YearFigures(
        year=campaign.year,
        cells=len(rows),
        months_counted=len(standings.months),
        regular_reports_approved=sum(row.tally.months_scored for row in rows),
        thematic_reports_approved=sums.thematic_approved,
        months_missing=sum(row.months_missing for row in rows),
        months_pending=sum(row.months_pending for row in rows),
        quarters_without_thematic=sum(
            1 for row in rows for q in quarters if q not in row.tally.thematic_quarter_numbers
        ),
        present=sums.present,
        required=sums.required,
        speakers=sums.speakers,
        young_speakers=sums.young_speakers,
        grades=grades,
        closed=campaign.closed,
    )


@dataclass(frozen=True)
class YearSummary:
    """A year's figures with the previous campaign year's beside them (None: no such year, or
    one without any report)."""

    current: YearFigures
    previous: YearFigures | None
    standings: PeriodStandings

    def as_json(self) -> dict:
        answer = self.current.as_json()
        answer["previous"] = self.previous.as_json() if self.previous else None
        return answer


def year_summary(year: int, today: dt.date | None = None) -> YearSummary:
    """The review figures of ``year`` and of the year before; NotFound without a campaign."""
    today = today or clock.today()
    campaigns = load_campaigns([year, year - 1])
    if year not in campaigns:
        raise no_campaign(year)
    standings = standings_for_period(year, today=today, campaigns=campaigns)
    previous = None
    if year - 1 in campaigns:
        previous = figures_from(
            standings_for_period(year - 1, today=today, campaigns=campaigns), today
        )
        if not previous.has_reports:
            previous = None
    return YearSummary(figures_from(standings, today), previous, standings)


# --------------------------------------------------------------------------------------------
# What depends on the meeting calendar


def calendar_figures(campaign: CampaignInfo, today: dt.date) -> dict | None:
    """Figures of the meeting calendar, as Vietnamese label -> value: reports filed after
    their due day (the year's deadline rule), and meetings (planned, or held with only a
    draft) whose report is past due and not filed. The review page lists them under part I
    and the document prints one sentence each ("label: value.")."""
    from .schedule.queries import count_late_reports

    counts = count_late_reports(campaign.year, today)
    return {
        "Số báo cáo gửi muộn so với hạn nộp": counts["late"],
        "Số buổi sinh hoạt đã quá hạn mà chưa gửi báo cáo": counts["overdue"],
    }
