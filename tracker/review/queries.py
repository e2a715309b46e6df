"""What the review pages and the document read (the write side is services/review.py)."""

from __future__ import annotations

import datetime as dt

from ..campaigns import document_identity
from ..documents.review import FILENAME, ReviewText, review_document
from ..models import Campaign, YearReview
from ..queries import review_of
from ..standings import load_campaigns
from ..summary import calendar_figures, year_summary

ARCHIVE_LINE = "- Lưu Văn phòng Đảng ủy."


def default_recipients(superior_body: str) -> str:
    """The usual "Nơi nhận" of a review, as the draft starts."""
    lines = []
    if superior_body:
        lines.append(f"- {superior_body} (để báo cáo);")
    lines += [
        "- Các đồng chí Đảng ủy viên;",
        "- Các chi bộ trực thuộc;",
        "- Lưu Văn phòng Đảng ủy.",
    ]
    return "\n".join(lines)


def recipient_lines(text: str) -> list[str]:
    """The "Nơi nhận" lines as printed: each starts with "- ", the archive line last."""
    lines = []
    for raw in (text or "").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("-"):
            line = "- " + line
        lines.append(line)
    if not any(line.lower().startswith("- lưu") for line in lines):
        lines.append(ARCHIVE_LINE)
    return lines


def review_text(campaign: Campaign, review: YearReview | None) -> ReviewText:
    identity = document_identity(campaign)
    if review is None:
        return ReviewText(
            recipients=tuple(recipient_lines(default_recipients(identity.superior_body))),
            signer_name=identity.secretary_name,
        )
    return ReviewText(
        document_number=review.document_number,
        document_date=review.document_date,
        assessment=review.assessment,
        direction=review.direction,
        proposals=review.proposals,
        recipients=tuple(recipient_lines(review.recipients)),
        signer_name=review.signer_name or identity.secretary_name,
    )


def indicator_table(year: int, today: dt.date, last: int = 4):
    """The indicators of the last ``last`` campaign years up to ``year``, as printed rows."""
    from .charts import INDICATORS
    from .indicators import indicators

    data = indicators(year, today)
    years = tuple(y for y in data.years if y <= year)[-last:]
    rows = tuple(
        (indicator.title, *(indicator.text(indicator.value(data.years[y])) for y in years))
        for indicator in INDICATORS
    )
    return years, rows


def document_for(campaign: Campaign, today: dt.date) -> tuple[bytes, str]:
    """The review report of a year as .docx, and its file name."""
    identity = document_identity(campaign)
    summary = year_summary(campaign.year, today)
    info = load_campaigns([campaign.year])[campaign.year]
    years, rows = indicator_table(campaign.year, today)
    data = review_document(
        summary,
        identity,
        review_text(campaign, review_of(campaign)),
        first_month=campaign.first_month,
        last_month=campaign.last_month,
        today=today,
        calendar=calendar_figures(info, today),
        indicator_years=years,
        indicator_rows=rows,
    )
    name = FILENAME.format(year=campaign.year, committee=identity.issuing_body or "Đảng ủy")
    return data, name
