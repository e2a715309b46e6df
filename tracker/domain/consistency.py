"""Cross-checks between a report's facts and its points (issue 12, items 3 and 4).

People decide the points; these checks only flag what a reviewer would ask about: a self-score
that differs from what the recorded facts suggest, points on a criterion whose content the
report says did not happen, points for minutes that are not attached, a meeting dated after
the report was sent. No Flask here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .scoring import Criterion
from .vietnamese import format_points


def _p(half_points: int) -> str:
    return format_points(half_points / 2)


@dataclass(frozen=True)
class Flag:
    code: str  # the criterion it concerns
    message: str


def suggestion_differences(
    scores: Mapping[str, int | None],
    suggestions: Mapping[str, int],
    criteria: Iterable[Criterion],
) -> list[Flag]:
    """A flag for every criterion whose points differ from the facts' suggestion."""
    flags = []
    for criterion in criteria:
        suggested = suggestions.get(criterion.code)
        given = scores.get(criterion.code)
        if suggested is None or given is None or given == suggested:
            continue
        flags.append(
            Flag(
                criterion.code,
                f"“{criterion.title}”: chấm {_p(given)} điểm, số liệu gợi ý {_p(suggested)} điểm.",
            )
        )
    return flags


@dataclass(frozen=True)
class ContentFacts:
    """What the report says happened (its content ticks and the minutes)."""

    ideology_covered: bool
    hcm_study_covered: bool
    criticism_done: bool
    minutes_complete: bool
    has_minutes: bool


def contradictions(
    scores: Mapping[str, int | None], facts: ContentFacts, criteria: Iterable[Criterion]
) -> list[Flag]:
    """Points given on a criterion that the report's own facts say was not met."""
    by_code = {criterion.code: criterion for criterion in criteria}
    flags = []

    def given(code: str) -> int:
        return (scores.get(code) or 0) if code in by_code else 0

    if given("ideology") and not facts.ideology_covered and not facts.hcm_study_covered:
        c = by_code["ideology"]
        flags.append(
            Flag(
                "ideology",
                f"Chấm {_p(given('ideology'))}/{_p(c.max_half_points)} điểm “{c.title}” nhưng "
                "báo cáo ghi không sinh hoạt tư tưởng và không học tập, làm theo tư tưởng, "
                "đạo đức, phong cách Hồ Chí Minh.",
            )
        )
    if given("criticism") and not facts.criticism_done:
        c = by_code["criticism"]
        flags.append(
            Flag(
                "criticism",
                f"Chấm {_p(given('criticism'))}/{_p(c.max_half_points)} điểm “{c.title}” nhưng "
                "báo cáo ghi không tự phê bình và phê bình.",
            )
        )
    if given("minutes") and not facts.has_minutes:
        c = by_code["minutes"]
        flags.append(
            Flag(
                "minutes",
                f"Chấm {_p(given('minutes'))}/{_p(c.max_half_points)} điểm “{c.title}” nhưng "
                "chưa đính kèm biên bản.",
            )
        )
    elif (
        "minutes" in by_code
        and given("minutes") == by_code["minutes"].max_half_points
        and (not facts.minutes_complete)
    ):
        c = by_code["minutes"]
        flags.append(
            Flag(
                "minutes",
                f"Chấm đủ {_p(c.max_half_points)} điểm “{c.title}” nhưng báo cáo không đánh dấu "
                "“Biên bản ghi đủ ý kiến và kết luận”.",
            )
        )
    return flags


def held_after_sending(held_on: dt.date | None, sent_on: dt.date | None) -> Flag | None:
    """A report sent before the day of the meeting it reports: its attendance, speakers and
    minutes cannot be those of a meeting that had not taken place."""
    if held_on is None or sent_on is None or held_on <= sent_on:
        return None
    return Flag(
        "held_on",
        f"Ngày họp {held_on:%d/%m/%Y} sau ngày gửi báo cáo {sent_on:%d/%m/%Y}: khi gửi, buổi "
        "họp chưa diễn ra (kiểm tra lại ngày họp, điểm danh và biên bản).",
    )
