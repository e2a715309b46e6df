"""The calendar endpoints of the contract (``/api/v1/meetings``, ``/api/v1/calendar.ics``)."""

from __future__ import annotations

import json
import re

from flask import Response, jsonify, request, url_for

from .. import clock
from ..api.core import (
    MAX_ID,
    MIN_ID,
    MSG_BODY_INVALID,
    MSG_UNKNOWN_FIELD,
    api_user,
    bp,
    json_body,
    path_whole,
    query_parameters,
)
from ..campaigns import campaign_for_year
from ..domain import report_rules
from ..extensions import db
from ..models import Campaign, Cell, Meeting, Role
from ..permissions import OTHER_CELL_MESSAGE
from ..queries import cell_by_code
from ..services import NotAllowed, NotFound, ValidationFailed
from ..services.organisation import CELL_CODE_PATTERN
from ..standings import no_campaign
from . import ics, queries, rules, service

MEETING_FIELDS = ("cell", "kind", "starts_at", "place", "topic")
ATTENDEE_FIELDS = ("username",)
BODY_LIMIT = 1024 * 1024  # contract: a body over 1 MiB is 413

MSG_NOT_FOUND = "Không có lịch sinh hoạt này."
MSG_MEETING_ID = "Mã lịch sinh hoạt phải là số nguyên từ {} đến {}.".format(
    MIN_ID, f"{MAX_ID:,}".replace(",", ".")
)
MSG_DUPLICATE_KEY = "Khóa “{}” xuất hiện hai lần trong cùng một đối tượng JSON."
MSG_INVALID_QUERY = "Tham số không hợp lệ."
MSG_REPEATED = "Chỉ gửi tham số này một lần."
MSG_YEAR_REQUIRED = "Cho biết năm (year=YYYY)."
MSG_YEAR = "Năm phải là số nguyên từ 2000 đến 2100."
MSG_MONTH = report_rules.MSG_MONTH
MSG_BODY_TOO_LARGE = "Nội dung gửi quá lớn (tối đa 1 MiB)."
_DIGITS = re.compile(r"^[0-9]{1,6}$")


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def strict_body() -> dict:
    """The JSON object of the request: the shared reader's checks, then no key twice."""
    if request.content_length is not None and request.content_length > BODY_LIMIT:
        return_error = ValidationFailed(MSG_BODY_TOO_LARGE, {"body": MSG_BODY_TOO_LARGE})
        return_error.status = 413
        raise return_error
    body = json_body()
    try:
        json.loads(request.get_data(cache=True).decode("utf-8"), object_pairs_hook=_no_duplicates)
    except _DuplicateKey as error:
        raise ValidationFailed(MSG_BODY_INVALID, {"body": MSG_DUPLICATE_KEY.format(error.args[0])}) from None
    return body


def meeting_json(meeting: Meeting) -> dict:
    return {
        "id": meeting.id,
        "cell": meeting.cell.code,
        "kind": meeting.kind.value,
        "starts_at": rules.local_iso(meeting.starts_at),
        "place": meeting.place,
        "topic": meeting.topic,
        "attendee": meeting.attendee.username if meeting.attendee else None,
    }


def _cell_of(code: object) -> tuple[Cell | None, bool, dict[str, str]]:
    """The cell a body names, whether one was named, and a type error if any."""
    if code is None or (isinstance(code, str) and not code.strip()):
        return None, False, {}
    if not isinstance(code, str):
        return None, True, {"cell": report_rules.MSG_CELL_UNKNOWN}
    if not CELL_CODE_PATTERN.match(code.strip()):
        return None, True, {}
    return cell_by_code(code.strip()), True, {}


def _checked_body() -> service.CheckedMeeting:
    body = strict_body()
    errors = {key: MSG_UNKNOWN_FIELD for key in body if key not in MEETING_FIELDS}
    cell, named, cell_errors = _cell_of(body.get("cell"))
    errors.update(cell_errors)
    if "kind" not in body:
        errors.setdefault("kind", rules.MSG_KIND)
    if "starts_at" not in body:
        errors.setdefault("starts_at", rules.MSG_STARTS_AT)
    for key in ("place", "topic"):
        if key in body and body[key] is None:
            errors.setdefault(key, rules.MSG_TEXT)
    return service.check_meeting(
        cell=cell,
        cell_named=named,
        kind=body.get("kind"),
        starts_at=body.get("starts_at"),
        place=body.get("place"),
        topic=body.get("topic"),
        extra_errors=errors,
    )


def _meeting_for(raw_id: str) -> Meeting:
    meeting_id = path_whole(raw_id, low=MIN_ID, high=MAX_ID, field="id", message=MSG_MEETING_ID)
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(MSG_NOT_FOUND, {"id": MSG_NOT_FOUND})
    user = api_user()
    if user.role is Role.SECRETARY and meeting.cell_id != user.cell_id:
        raise NotAllowed(OTHER_CELL_MESSAGE)
    return meeting


def _refuse_committee() -> None:
    if api_user().role is Role.COMMITTEE:
        raise NotAllowed(service.MSG_COMMITTEE_DOES_NOT_PLAN)


@bp.post("/meetings")
def create_meeting():
    _refuse_committee()
    checked = _checked_body()
    meeting = service.plan_meeting(api_user(), checked)
    db.session.commit()
    response = jsonify(meeting_json(meeting))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_meeting", meeting_id=meeting.id)
    return response


@bp.get("/meetings/<meeting_id>")
def get_meeting(meeting_id: str):
    return jsonify(meeting_json(_meeting_for(meeting_id)))


@bp.put("/meetings/<meeting_id>")
def reschedule_meeting(meeting_id: str):
    meeting = _meeting_for(meeting_id)
    _refuse_committee()
    checked = _checked_body()
    service.reschedule_meeting(api_user(), meeting, checked)
    db.session.commit()
    return jsonify(meeting_json(meeting))


@bp.delete("/meetings/<meeting_id>")
def cancel_meeting(meeting_id: str):
    meeting = _meeting_for(meeting_id)
    _refuse_committee()
    service.cancel_meeting(api_user(), meeting)
    db.session.commit()
    return Response(status=204)


@bp.post("/meetings/<meeting_id>/attendee")
def assign_attendee(meeting_id: str):
    meeting = _meeting_for(meeting_id)
    if api_user().role not in (Role.ADMIN, Role.COMMITTEE):
        raise NotAllowed(service.MSG_ASSIGN_ROLE)
    body = strict_body()
    errors = {key: MSG_UNKNOWN_FIELD for key in body if key not in ATTENDEE_FIELDS}
    if "username" not in body:
        errors["username"] = service.MSG_USERNAME
    if errors:
        raise ValidationFailed(service.MSG_INVALID, errors)
    service.assign_attendee(api_user(), meeting, body["username"])
    db.session.commit()
    return jsonify(meeting_json(meeting))


def _whole_parameter(name: str, low: int, high: int, message: str, errors: dict) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not _DIGITS.match(raw) or not low <= int(raw) <= high:
        errors[name] = message
        return None
    return int(raw)


def _year_month_query(*names: str) -> tuple[Campaign, int | None]:
    errors = {name: MSG_REPEATED for name in names if len(request.args.getlist(name)) > 1}
    year = _whole_parameter("year", 2000, 2100, MSG_YEAR, errors)
    if year is None and "year" not in errors:
        errors["year"] = MSG_YEAR_REQUIRED
    month = _whole_parameter("month", 1, 12, MSG_MONTH, errors)
    if errors:
        raise ValidationFailed(MSG_INVALID_QUERY, errors)
    campaign = campaign_for_year(year)
    if campaign is None:
        raise no_campaign(year)
    return campaign, month


@bp.get("/meetings")
@query_parameters("year", "month", "cell")
def list_meetings():
    campaign, month = _year_month_query("year", "month", "cell")
    cell_id = None
    code = request.args.get("cell")
    if code is not None:
        cell = cell_by_code(code) if CELL_CODE_PATTERN.match(code) else None
        if cell is None:
            raise ValidationFailed(MSG_INVALID_QUERY, {"cell": report_rules.MSG_CELL_UNKNOWN})
        user = api_user()
        if user.role is Role.SECRETARY and user.cell_id != cell.id:
            raise NotAllowed(OTHER_CELL_MESSAGE)
        cell_id = cell.id
    meetings = queries.visible_meetings(api_user(), year=campaign.year, month=month, cell_id=cell_id)
    return jsonify(meetings=[meeting_json(m) for m in meetings])


def ics_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/calendar.ics")
@query_parameters("year", "month")
def calendar_feed():
    campaign, month = _year_month_query("year", "month")
    meetings = queries.visible_meetings(api_user(), year=campaign.year, month=month)
    name = f"Lịch sinh hoạt chi bộ {f'tháng {month}/' if month else 'năm '}{campaign.year}"
    data = ics.calendar_bytes(meetings, name=name, stamp=clock.now())
    return ics_response(data, f"lich-sinh-hoat-{campaign.year}{f'-{month:02d}' if month else ''}.ics")
