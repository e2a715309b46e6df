"""Helpers for the report tests: valid bodies, form data, tokens, attachments."""

from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa

from tracker.domain import report_rules as rules
from tracker.domain.scoring import Criterion
from tracker.extensions import db
from tracker.models import User

# The default rubric of seed.py, in half-points (tests of pure functions need no database).
RUBRIC = [
    Criterion("attendance", "Tỷ lệ", 30, gate=True),
    Criterion("preparation", "Chuẩn bị", 30),
    Criterion("procedure", "Trình tự", 20),
    Criterion("ideology", "Tư tưởng", 10),
    Criterion("criticism", "Phê bình", 20),
    Criterion("speaking", "Phát biểu", 20, gate=True),
    Criterion("duration", "Thời lượng", 10, gate=True),
    Criterion("minutes", "Biên bản", 10, gate=True),
    Criterion("results", "Kết quả", 50),
]
CAMPAIGN_2022 = rules.CampaignFacts(2022, 4, 12)

# A total of 94.5 with every gate full: Tốt.
SCORES = {
    "attendance": 15,
    "preparation": 14,
    "procedure": 9,
    "ideology": 5,
    "criticism": 9,
    "speaking": 10,
    "duration": 5,
    "minutes": 5,
    "results": 22.5,
}
SCORES_TOTAL = Decimal("94.5")


def api_body(**overrides) -> dict:
    """A valid body of POST /api/v1/reports (Chi bộ ấp Chợ, May 2022)."""
    body = {
        "cell": "ap-cho",
        "year": 2022,
        "month": 5,
        "kind": "regular",
        "held_on": "2022-05-10",
        "duration_minutes": 120,
        "attendance": {
            "summoned": 48,
            "exempted": 4,
            "present": 42,
            "absent_excused": 2,
            "absent_unexcused": 0,
        },
        "speakers": 9,
        "young_speakers": 2,
        "topic": "",
        "notes": "Triển khai nhiệm vụ tháng 5.",
        "scores": dict(SCORES),
    }
    body.update(overrides)
    return body


def report_input(**overrides) -> rules.ReportInput:
    """The same report as ``api_body``, as the rules' raw input."""
    body = api_body(**overrides)
    return rules.ReportInput(
        kind=body["kind"],
        year=body["year"],
        month=body["month"],
        held_on=body["held_on"],
        duration_minutes=body["duration_minutes"],
        attendance=body["attendance"],
        speakers=body["speakers"],
        young_speakers=body["young_speakers"],
        topic=body["topic"],
        notes=body["notes"],
        scores=body["scores"],
    )


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def member_ids_in(html: str) -> list[int]:
    return [int(value) for value in re.findall(r'name="status-(\d+)"', html)]


def form_data(html: str, *, action: str = "submit", spoke: int = 10, **overrides) -> dict:
    """Valid form data for the report form rendered in ``html``: everyone present (the
    exempted stay exempted), the first ``spoke`` members spoke, the points of SCORES."""
    data = {
        "kind": "regular",
        "year": "2022",
        "month": "5",
        "held_on": "2022-05-10",
        "duration_minutes": "120",
        "chaired_by": "Bí thư",
        "minutes_taker": "Chi ủy viên",
        "topic": "",
        "notes": "",
        "action": action,
        # Issue 12: submitting without minutes is confirmed explicitly.
        "confirm_no_minutes": "1",
    }
    for index, member_id in enumerate(member_ids_in(html)):
        selected = re.search(
            rf'name="status-{member_id}".*?<option value="(\w+)" selected', html, re.DOTALL
        ).group(1)
        data[f"status-{member_id}"] = selected
        if selected == "present" and index < spoke:
            data[f"spoke-{member_id}"] = "1"
    for code, points in SCORES.items():
        data[f"score-{code}"] = str(points).replace(".", ",")
    data.update(overrides)
    return data


def field_error(html: str, field_id: str) -> str | None:
    """The message shown beside a field (the macro's ``<id>-error`` paragraph)."""
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>([^<]*)<', html)
    return match.group(1).strip() if match else None


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
TEXT = b"Bien ban sinh hoat chi bo thang 5\n"


def input_value(html: str, name: str) -> str | None:
    """The value attribute of the input named ``name`` in a page."""
    match = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html, re.DOTALL)
    if not match:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def multipart(fields: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """Encode a form in memory (the test client spools big bodies to unclosed temp files)."""
    boundary = "----tracker-test-boundary"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
