"""The year's review figures through the API (contract.md): GET /api/v1/summary?year=YEAR.

Committee and admin only (a secretary → 403); a year without a campaign → 404. The answer
carries the contract's figures and, under ``previous``, the same figures of the year before
(null when that year has no campaign).
"""

from __future__ import annotations

from flask import jsonify, request

from ..domain import report_rules as rules
from ..failures import NotAllowed, ValidationFailed
from ..permissions import FORBIDDEN_MESSAGE, is_committee
from ..rankings.params import _whole
from ..summary import year_summary
from .core import api_user, bp, query_parameters

MSG_INVALID_QUERY = "Tham số không hợp lệ."
MSG_YEAR = "Năm phải là một số nguyên, ví dụ 2022."
MSG_YEAR_REQUIRED = "Cần chọn năm thi đua (year)."
MSG_REPEATED = "Chỉ gửi tham số này một lần."


def _year() -> int:
    values = request.args.getlist("year")
    if len(values) > 1:
        raise ValidationFailed(MSG_INVALID_QUERY, {"year": MSG_REPEATED})
    if not values:
        raise ValidationFailed(MSG_INVALID_QUERY, {"year": MSG_YEAR_REQUIRED})
    year = _whole(values[0])
    if year is None:
        raise ValidationFailed(MSG_INVALID_QUERY, {"year": MSG_YEAR})
    if not rules.MIN_YEAR <= year <= rules.MAX_YEAR:
        raise ValidationFailed(MSG_INVALID_QUERY, {"year": rules.MSG_YEAR})
    return year


@bp.get("/summary")
@query_parameters("year")
def summary():
    if not is_committee(api_user()):
        raise NotAllowed(FORBIDDEN_MESSAGE)
    return jsonify(year_summary(_year()).as_json())
