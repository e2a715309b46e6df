"""Meeting reports through the API (contract.md), on the same rules and services as the pages.

API reports carry counts, not per-member lines. Points are JSON numbers (7.5). The JSON shape
of a body is checked by ``bodies.py``, its content by the shared report rules.
"""

from __future__ import annotations

from flask import jsonify, url_for

from ..domain.scoring import to_points
from ..extensions import db
from ..models import Cell, Report, ReportStatus
from ..permissions import OTHER_CELL_MESSAGE, can_view_report
from ..queries import cell_by_code
from ..reports import queries as report_reads
from ..services import NotAllowed, NotFound
from ..services import reports as service
from ..services.organisation import CELL_CODE_PATTERN
from .bodies import report_input, review_input
from .core import api_user, bp, json_body, report_id_from

MSG_NOT_FOUND = "Không có báo cáo này."
MSG_DRAFT = "Báo cáo này là bản nháp chưa gửi: chỉ xem và sửa được trên trang web."


def _number(half_points: int | None):
    """Points as a JSON number: whole numbers as integers, halves as 7.5."""
    if half_points is None:
        return None
    points = to_points(half_points)
    return int(points) if points == points.to_integral_value() else float(points)


def report_json(report: Report) -> dict:
    approved = report.status is ReportStatus.APPROVED
    scores = report_reads.scores_by_code(report)
    return {
        "id": report.id,
        "cell": report.cell.code,
        "year": report.campaign.year,
        "month": report.month,
        "kind": report.kind.value,
        "status": report.status.value,
        "self_scores": {code: _number(score.self_half_points) for code, score in scores.items()},
        "final_scores": (
            {code: _number(score.final_half_points) for code, score in scores.items()}
            if approved
            else None
        ),
        "total": _number(
            report.final_total_half_points if approved else report.self_total_half_points
        ),
        "grade": report.grade.value if approved and report.grade else None,
        "review_comment": report.review_comment or "",
    }


def _named_cell(body: dict) -> tuple[Cell | None, bool]:
    """The cell named by the body, and whether a cell was named at all."""
    code = body.get("cell")
    if code is None or (isinstance(code, str) and not code.strip()):
        return None, False
    if not isinstance(code, str) or not CELL_CODE_PATTERN.match(code.strip()):
        return None, True  # no cell has such a code: do not even ask the database
    return cell_by_code(code.strip()), True


def _report_for(raw_id: str) -> Report:
    """The filed report of the URL. A draft (saved on the web form, never sent) does not
    exist for the API, whose reports are submitted, returned or approved (contract.md)."""
    report = report_reads.get_report(report_id_from(raw_id))
    if report is None:
        raise NotFound(MSG_NOT_FOUND, {"id": MSG_NOT_FOUND})
    # Another cell's report answers 403 whatever its state: its being a draft is not told.
    if not can_view_report(api_user(), report):
        raise NotAllowed(OTHER_CELL_MESSAGE)
    if report.status is ReportStatus.DRAFT:
        raise NotFound(MSG_DRAFT, {"id": MSG_DRAFT})
    return report


@bp.post("/reports")
def create_report():
    body = json_body()
    cell, named = _named_cell(body)
    data, shape_errors = report_input(body)
    report = service.create_report(
        api_user(),
        cell=cell,
        data=data,
        submit=True,
        cell_named=named,
        extra_errors=shape_errors,
    )
    db.session.commit()
    response = jsonify(
        id=report.id, status=report.status.value, self_total=_number(report.self_total_half_points)
    )
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_report", report_id=report.id)
    return response


@bp.put("/reports/<report_id>")
def resubmit_report(report_id: str):
    report = _report_for(report_id)
    user = api_user()
    if not can_view_report(user, report):
        raise NotAllowed(OTHER_CELL_MESSAGE)
    body = json_body()
    cell, named = _named_cell(body)
    data, shape_errors = report_input(body)
    service.update_report(
        user,
        report,
        data=data,
        submit=True,
        cell=cell if named else True,
        only_returned=True,
        extra_errors=shape_errors,
    )
    db.session.commit()
    return jsonify(report_json(report))


@bp.get("/reports/<report_id>")
def get_report(report_id: str):
    report = _report_for(report_id)
    if not can_view_report(api_user(), report):
        raise NotAllowed(OTHER_CELL_MESSAGE)
    return jsonify(report_json(report))


@bp.post("/reports/<report_id>/review")
def review_report(report_id: str):
    report = _report_for(report_id)
    body = json_body()
    values, shape_errors = review_input(body)
    service.review_report(api_user(), report, **values, extra_errors=shape_errors)
    db.session.commit()
    return jsonify(report_json(report))
