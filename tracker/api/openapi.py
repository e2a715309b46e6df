"""The OpenAPI 3.1 description of the JSON API, served at GET /api/v1/openapi.json.

Built in Python from the constants the checks use (``domain/report_rules.py`` for ranges and
messages, ``bodies.py`` for the fields of each body, ``core.py`` for ids and errors, the model
enums for categories, kinds, statuses and grades), so that the description cannot drift from
what the API does. Tests validate the document, compare its paths with the app's routes and
fuzz every operation against it. The texts are in Vietnamese: the API page (``docs.py``)
renders them for people.

Criteria codes differ from year to year (the rubric of a campaign), so ``scores`` is an object
of points keyed by code; GET /rubric/YEAR lists the codes and maxima of a year.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from flask import jsonify

from ..domain import report_rules as rules
from ..domain.scoring import Grade
from ..models import CellCategory, ReportStatus
from ..seed import CAMPAIGNS, DEFAULT_RUBRIC
from ..services.organisation import CELL_CODE_PATTERN
from . import bodies
from .core import MAX_ID, MIN_ID, bp
from .rankings import MAX_QUARTER, MIN_QUARTER

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0"
PREFIX = "/api/v1"
NO_NUL = "^[^\\u0000]*$"  # PostgreSQL cannot store NUL; the API refuses it in every text
CODE_MAX_LENGTH = 40


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


# --------------------------------------------------------------------------------------------
# Schemas


def _whole(low: int, high: int, description: str) -> dict:
    return {"type": "integer", "minimum": low, "maximum": high, "description": description}


def _count(description: str) -> dict:
    return _whole(rules.MIN_COUNT, rules.MAX_COUNT, description)


def _text(limit: int, description: str) -> dict:
    return {"type": "string", "maxLength": limit, "pattern": NO_NUL, "description": description}


POINTS = {
    "type": "number",
    "multipleOf": rules.POINTS_STEP,
    "minimum": 0,
    "description": "Điểm: bội số của 0,5, từ 0 đến điểm tối đa của tiêu chí.",
}
YEAR = _whole(rules.MIN_YEAR, rules.MAX_YEAR, "Năm thi đua, ví dụ 2022.")
MONTH = _whole(rules.MIN_MONTH, rules.MAX_MONTH, "Tháng, từ 1 đến 12.")
QUARTER = _whole(MIN_QUARTER, MAX_QUARTER, "Quý, từ 1 đến 4.")
REPORT_ID = _whole(MIN_ID, MAX_ID, "Mã báo cáo (số nguyên dương).")
CATEGORY = {
    "type": "string",
    "enum": [category.value for category in CellCategory],
    "description": "Loại chi bộ: "
    + "; ".join(f"`{c.value}` {c.label.lower()}" for c in CellCategory)
    + ".",
}
GRADE = {
    "type": "string",
    "enum": [grade.value for grade in Grade],
    "description": "Xếp loại: " + "; ".join(f"`{g.value}` {g.label}" for g in Grade) + ".",
}
KIND = {
    "type": "string",
    "enum": list(rules.KINDS),
    "description": "Loại sinh hoạt: `regular` thường kỳ (mỗi tháng), `thematic` chuyên đề.",
}
# A draft (saved on the web form, never sent) does not exist for the API.
FILED = [status for status in ReportStatus if status is not ReportStatus.DRAFT]
STATUS = {
    "type": "string",
    "enum": [status.value for status in FILED],
    "description": "Trạng thái: "
    + "; ".join(f"`{s.value}` {s.label.lower()}" for s in FILED)
    + ". Bản nháp chưa gửi chỉ có trên trang web: API trả lời 404.",
}


def _scores(description: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": _ref("Points"),
        "description": description,
    }


def _attendance_schema() -> dict:
    labels = {
        "summoned": "Số đảng viên được triệu tập.",
        "exempted": "Số đảng viên được miễn sinh hoạt.",
        "present": "Số có mặt.",
        "absent_excused": "Số vắng có lý do.",
        "absent_unexcused": "Số vắng không lý do.",
    }
    return {
        "type": "object",
        "description": (
            "Số liệu dự họp. Có mặt + vắng có lý do + vắng không lý do phải bằng số triệu tập "
            "trừ số miễn sinh hoạt."
        ),
        "properties": {key: _count(labels[key]) for key in rules.COUNT_KEYS},
        "required": list(rules.COUNT_KEYS),
        "additionalProperties": False,
    }


def _report_body(*, cell_required: bool) -> dict:
    properties = {
        "cell": {
            "type": "string",
            "minLength": 1,
            "maxLength": CODE_MAX_LENGTH,
            "description": "Mã chi bộ (xem GET /cells), ví dụ `ap-cho`."
            + ("" if cell_required else " Có thể bỏ qua; nếu gửi thì phải là chi bộ của báo cáo."),
        },
        "year": YEAR,
        "month": MONTH,
        "kind": KIND,
        "held_on": {
            "type": "string",
            "format": "date",
            "pattern": bodies.ISO_DATE.pattern,
            "description": (
                "Ngày sinh hoạt, dạng YYYY-MM-DD; phải là ngày có thật, thuộc đúng tháng và năm "
                "đã khai."
            ),
        },
        "duration_minutes": _whole(
            rules.MIN_DURATION,
            rules.MAX_DURATION,
            f"Thời lượng (phút), từ {rules.MIN_DURATION} đến {_thousands(rules.MAX_DURATION)}.",
        ),
        "attendance": _ref("Attendance"),
        "speakers": _count("Số đảng viên phát biểu; không lớn hơn số có mặt."),
        "young_speakers": _count("Số đảng viên trẻ phát biểu; không lớn hơn số phát biểu."),
        "topic": _text(
            rules.TEXT_LIMITS["topic"], "Chủ đề; bắt buộc với sinh hoạt chuyên đề (`thematic`)."
        ),
        "notes": _text(rules.TEXT_LIMITS["notes"], "Ghi chú."),
        "scores": dict(
            _scores(
                "Điểm tự chấm: đủ mọi tiêu chí của thang điểm năm đó (GET /rubric/YEAR), mỗi tiêu "
                "chí từ 0 đến điểm tối đa, bội số của 0,5; không có mã lạ."
            ),
            minProperties=1,
        ),
    }
    required = [key for key in bodies.REPORT_REQUIRED if cell_required or key != "cell"]
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _review_body() -> dict:
    properties = {
        "decision": {
            "type": "string",
            "enum": list(rules.DECISIONS),
            "description": "`approve` duyệt, `return` trả lại cho chi bộ sửa.",
        },
        "scores": _scores(
            "Điểm của Đảng ủy cho các tiêu chí cần điều chỉnh; tiêu chí không gửi giữ điểm tự "
            "chấm. Chỉ dùng khi duyệt."
        ),
        "comment": _text(
            rules.COMMENT_LIMIT,
            "Nhận xét; bắt buộc khi trả lại (`return`), để chi bộ biết cần sửa gì.",
        ),
    }
    return {
        "type": "object",
        "properties": properties,
        "required": ["decision"],
        "additionalProperties": False,
        # Returning needs a comment with something in it.
        "if": {"properties": {"decision": {"const": "return"}}, "required": ["decision"]},
        "then": {"properties": {"comment": {"pattern": "\\S"}}, "required": ["comment"]},
    }


def _object(properties: dict, description: str | None = None) -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _schemas() -> dict:
    cell_code = {
        "type": "string",
        "pattern": CELL_CODE_PATTERN.pattern,
        "description": "Mã chi bộ.",
    }
    return {
        "Error": _object(
            {
                "error": {"type": "string", "minLength": 1, "description": "Thông báo lỗi."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": (
                        "Lỗi theo từng trường: khóa là tên trường như trong nội dung gửi "
                        "(`held_on`, `attendance.present`, `scores.results`), `body` cho cả nội "
                        "dung, `id` hay `year` cho giá trị trong đường dẫn."
                    ),
                },
            },
            "Câu trả lời khi yêu cầu bị từ chối; không có gì được lưu.",
        ),
        "Points": POINTS,
        "Cell": _object(
            {
                "code": cell_code,
                "name": {"type": "string", "description": "Tên chi bộ."},
                "category": CATEGORY,
                "members": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Số đảng viên đang sinh hoạt.",
                },
            }
        ),
        "CellList": _object({"cells": {"type": "array", "items": _ref("Cell")}}),
        "Criterion": _object(
            {
                "code": {
                    "type": "string",
                    "description": "Mã tiêu chí, dùng làm khóa trong scores.",
                },
                "title": {"type": "string", "description": "Tên tiêu chí."},
                "max_points": dict(POINTS, description="Điểm tối đa."),
                "gate": {
                    "type": "boolean",
                    "description": "Tiêu chí điều kiện: xếp loại Tốt cần đủ điểm tiêu chí này.",
                },
            }
        ),
        "Rubric": _object(
            {
                "year": YEAR,
                "total": dict(POINTS, description="Tổng điểm tối đa (100)."),
                "criteria": {"type": "array", "items": _ref("Criterion")},
            }
        ),
        "Attendance": _attendance_schema(),
        "NewReport": _report_body(cell_required=True),
        "Resubmission": _report_body(cell_required=False),
        "Review": _review_body(),
        "ReportCreated": _object(
            {
                "id": REPORT_ID,
                "status": {"type": "string", "const": "submitted", "description": "Đã gửi."},
                "self_total": dict(POINTS, description="Tổng điểm tự chấm."),
            }
        ),
        "Report": _object(
            {
                "id": REPORT_ID,
                "cell": cell_code,
                "year": YEAR,
                "month": MONTH,
                "kind": KIND,
                "status": STATUS,
                "self_scores": _scores("Điểm tự chấm theo mã tiêu chí."),
                "final_scores": _nullable(
                    _scores("Điểm chính thức của Đảng ủy; null cho đến khi được duyệt.")
                ),
                "total": dict(
                    POINTS,
                    description="Tổng điểm chính thức khi đã duyệt, nếu chưa thì tổng tự chấm.",
                ),
                "grade": _nullable(dict(GRADE, description="Xếp loại; null cho đến khi duyệt.")),
                "review_comment": {
                    "type": "string",
                    "description": "Nhận xét của Đảng ủy (chuỗi rỗng nếu chưa có).",
                },
            }
        ),
        "Standing": _object(
            {
                "rank": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Hạng; bằng điểm thì cùng hạng và hạng sau bị bỏ qua (1, 2, 2, 4).",
                },
                "cell": cell_code,
                "name": {"type": "string", "description": "Tên chi bộ."},
                "category": CATEGORY,
                "average": _nullable(
                    {
                        "type": "number",
                        "minimum": 0,
                        "description": (
                            "Điểm trung bình các tháng được tính, làm tròn 2 chữ số; null khi "
                            "chưa có tháng nào kết thúc."
                        ),
                    }
                ),
                "months_counted": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Số tháng được tính của kỳ (như nhau cho mọi chi bộ).",
                },
                "months_missing": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Số tháng chưa có báo cáo thường kỳ được duyệt (tính 0 điểm).",
                },
                "months_pending": {
                    "type": "integer",
                    "minimum": 0,
                    "description": (
                        "Trong các tháng thiếu, số tháng đã gửi báo cáo thường kỳ nhưng chưa được "
                        "duyệt (chờ duyệt hoặc bị trả lại): vẫn tính 0 điểm, chỉ để phân biệt với "
                        "tháng chưa nộp."
                    ),
                },
                "tot_months": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Số tháng xếp loại Tốt.",
                },
                "grade": _nullable(
                    dict(GRADE, description="Xếp loại của kỳ; null khi chưa có tháng nào.")
                ),
            }
        ),
        "Plan": _object(
            {
                "number": {"type": "string", "description": "Số hiệu kế hoạch, ví dụ 21-KH/ĐU."},
                "date": {"type": "string", "format": "date", "description": "Ngày ban hành."},
                "title": {"type": "string", "description": "Trích yếu của kế hoạch."},
            }
        ),
        "Campaign": _object(
            {
                "year": YEAR,
                "first_month": dict(MONTH, description="Tháng bắt đầu của đợt thi đua."),
                "last_month": dict(MONTH, description="Tháng kết thúc của đợt thi đua."),
                "closed": {"type": "boolean", "description": "Năm đã khóa sổ."},
                "plan": _ref("Plan"),
            }
        ),
        "CampaignList": _object(
            {
                "campaigns": {
                    "type": "array",
                    "items": _ref("Campaign"),
                    "description": "Theo năm tăng dần.",
                }
            }
        ),
        "Rankings": _object(
            {
                "year": YEAR,
                "months": {
                    "type": "array",
                    "items": MONTH,
                    "description": "Các tháng được tính: tháng của đợt thi đua trong kỳ đã kết thúc.",
                },
                "rankings": {
                    "type": "array",
                    "items": _ref("Standing"),
                    "description": "Theo thứ hạng.",
                },
            }
        ),
    }


# --------------------------------------------------------------------------------------------
# Answers and operations

ERROR_TEXTS = {
    400: (
        "Yêu cầu không hợp lệ (nội dung, tham số, hoặc tham số lạ); `fields` nói trường nào sai "
        "và vì sao."
    ),
    401: "Thiếu mã API hợp lệ (thiếu, sai hoặc đã thu hồi).",
    403: "Tài khoản của mã API không được làm việc này.",
    404: "Không có đối tượng có mã này.",
    409: "Xung đột với dữ liệu đã lưu (trùng báo cáo, sai trạng thái, năm đã khóa sổ).",
    413: "Nội dung gửi quá lớn.",
}


def _json(schema: dict, example: Any = None) -> dict:
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def _answers(success: int, schema_name: str, description: str, *errors: int, **extra) -> dict:
    answers: dict[str, Any] = {
        str(success): {"description": description, "content": _json(_ref(schema_name)), **extra}
    }
    for status in sorted({400, 401, *errors}):  # 400: any query parameter it does not have
        answers[str(status)] = {"description": ERROR_TEXTS[status], "content": _json(_ref("Error"))}
    return answers


def _path_parameter(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query_parameter(name: str, schema: dict, *, required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": schema.get("description", ""),
    }


def _body(schema_name: str, example: dict) -> dict:
    return {"required": True, "content": _json(_ref(schema_name), example)}


def example_report() -> dict:
    """A valid report of Chi bộ ấp Chợ, May 2022 (the first campaign, the default rubric)."""
    year, first_month, _last = CAMPAIGNS[0]
    month = first_month + 1
    return {
        "cell": "ap-cho",
        "year": year,
        "month": month,
        "kind": "regular",
        "held_on": f"{year}-{month:02d}-10",
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
        "notes": f"Triển khai nhiệm vụ tháng {month}.",
        "scores": {code: points for code, _title, points, _gate in DEFAULT_RUBRIC},
    }


# Issue 15: links, so that a client (and schemathesis's stateful phase) knows that the id a
# report answer carries is the {id} of the report operations.
LINK_TEXTS = {
    "getReport": ("GetReport", "Xem báo cáo này."),
    "reviewReport": ("ReviewReport", "Duyệt hoặc trả lại báo cáo này."),
    "resubmitReport": ("ResubmitReport", "Gửi lại báo cáo này khi bị trả lại."),
}


def _report_links(*operation_ids: str) -> dict:
    return {
        LINK_TEXTS[operation_id][0]: {
            "operationId": operation_id,
            "parameters": {"id": "$response.body#/id"},
            "description": LINK_TEXTS[operation_id][1],
        }
        for operation_id in operation_ids
    }


def _paths() -> dict:
    report_id = _path_parameter("id", REPORT_ID)
    review_example = {"decision": "approve", "scores": {"results": 20}, "comment": "Đạt yêu cầu."}
    return {
        "/cells": {
            "get": {
                "operationId": "listCells",
                "summary": "Danh sách chi bộ",
                "description": "Các chi bộ đang hoạt động, theo thứ tự hiển thị, kèm số đảng viên.",
                "responses": _answers(200, "CellList", "Các chi bộ."),
            }
        },
        "/campaigns": {
            "get": {
                "operationId": "listCampaigns",
                "summary": "Các năm thi đua",
                "description": (
                    "Mọi năm thi đua theo năm tăng dần: các tháng của đợt, đã khóa sổ hay chưa, "
                    "và kế hoạch mà năm đó thực hiện. Mọi vai trò đều xem được."
                ),
                "responses": _answers(200, "CampaignList", "Các năm thi đua."),
            }
        },
        "/rubric/{year}": {
            "get": {
                "operationId": "getRubric",
                "summary": "Thang điểm của một năm thi đua",
                "description": (
                    "Các tiêu chí (mã, tên, điểm tối đa, tiêu chí điều kiện) của năm đó. Năm không "
                    "có kế hoạch thi đua: 404."
                ),
                "parameters": [_path_parameter("year", YEAR)],
                "responses": _answers(200, "Rubric", "Thang điểm.", 400, 404),
            }
        },
        "/rankings": {
            "get": {
                "operationId": "getRankings",
                "summary": "Xếp hạng chi bộ",
                "description": (
                    "Xếp hạng theo năm thi đua, một tháng (`month`) hoặc một quý (`quarter`), "
                    "không gửi cả hai; có thể lọc theo loại chi bộ (`category`). Mỗi tham số chỉ "
                    "gửi một lần. Tháng hoặc quý ngoài đợt thi đua: 400; năm không có kế hoạch "
                    "thi đua: 404. Thứ hạng: điểm trung bình giảm dần, rồi số tháng Tốt."
                ),
                "parameters": [
                    _query_parameter("year", YEAR, required=True),
                    _query_parameter(
                        "month", dict(MONTH, description="Tháng, từ 1 đến 12; không gửi cùng `quarter`.")
                    ),
                    _query_parameter(
                        "quarter", dict(QUARTER, description="Quý, từ 1 đến 4; không gửi cùng `month`.")
                    ),
                    _query_parameter("category", CATEGORY),
                ],
                "responses": _answers(200, "Rankings", "Bảng xếp hạng.", 400, 404),
            }
        },
        "/reports": {
            "post": {
                "operationId": "createReport",
                "summary": "Gửi báo cáo sinh hoạt",
                "description": (
                    "Lập và gửi báo cáo của một chi bộ. Bí thư chỉ gửi cho chi bộ của mình; quản "
                    "trị viên gửi thay bất kỳ chi bộ nào; Đảng ủy duyệt chứ không gửi (403). Chi "
                    "bộ lạ hoặc năm không có kế hoạch thi đua: 400. Báo cáo thường kỳ thứ hai "
                    "cùng chi bộ, cùng tháng: 409."
                ),
                "requestBody": _body("NewReport", example_report()),
                "responses": _answers(
                    201,
                    "ReportCreated",
                    "Đã gửi; tiêu đề Location chỉ tới báo cáo.",
                    400,
                    403,
                    409,
                    413,
                    headers={
                        "Location": {
                            "description": "Đường dẫn của báo cáo mới.",
                            "schema": {"type": "string"},
                        }
                    },
                    links=_report_links("getReport", "reviewReport", "resubmitReport"),
                ),
            }
        },
        "/reports/{id}": {
            "get": {
                "operationId": "getReport",
                "summary": "Xem một báo cáo",
                "description": "Bí thư chỉ xem được báo cáo của chi bộ mình (403).",
                "parameters": [report_id],
                "responses": _answers(
                    200, "Report", "Báo cáo.", 400, 403, 404,
                    links=_report_links("reviewReport", "resubmitReport"),
                ),
            },
            "put": {
                "operationId": "resubmitReport",
                "summary": "Gửi lại báo cáo bị trả lại",
                "description": (
                    "Cùng nội dung như khi gửi. Chỉ báo cáo đang bị trả lại mới gửi lại được "
                    "(409 nếu không)."
                ),
                "parameters": [report_id],
                "requestBody": _body("Resubmission", example_report()),
                "responses": _answers(
                    200, "Report", "Đã gửi lại.", 400, 403, 404, 409, 413,
                    links=_report_links("getReport", "reviewReport"),
                ),
            },
        },
        "/reports/{id}/review": {
            "post": {
                "operationId": "reviewReport",
                "summary": "Duyệt hoặc trả lại báo cáo",
                "description": (
                    "Chỉ Đảng ủy và quản trị viên (403). Chỉ báo cáo đang chờ duyệt (409 nếu đã "
                    "duyệt hoặc đã trả lại). Trả lại cần nhận xét (400)."
                ),
                "parameters": [report_id],
                "requestBody": _body("Review", review_example),
                "responses": _answers(
                    200, "Report", "Báo cáo sau khi duyệt.", 400, 403, 404, 409, 413,
                    links=_report_links("getReport", "resubmitReport"),
                ),
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "getDescription",
                "summary": "Mô tả OpenAPI của API",
                "description": "Tài liệu này; ai cũng đọc được, không cần mã API.",
                "security": [],
                "responses": {
                    "200": {
                        "description": "Mô tả OpenAPI 3.1.",
                        "content": _json({"type": "object"}),
                    },
                    "400": {"description": ERROR_TEXTS[400], "content": _json(_ref("Error"))},
                },
            }
        },
    }


# --------------------------------------------------------------------------------------------
# The year's review (issue 14): GET /summary


def _summary_figures() -> dict:
    def count(description: str) -> dict:  # sums over a year: no upper bound
        return {"type": "integer", "minimum": 0, "description": description}

    return _object(
        {
            "year": YEAR,
            "cells": count("Số chi bộ được xếp hạng trong năm."),
            "months_counted": count("Số tháng được tính (đã kết thúc) của đợt thi đua."),
            "regular_reports_approved": count(
                "Số báo cáo sinh hoạt thường kỳ đã duyệt trong các tháng được tính."
            ),
            "thematic_reports_approved": count(
                "Số báo cáo sinh hoạt chuyên đề đã duyệt trong các tháng của đợt thi đua."
            ),
            "months_missing": count("Tổng số tháng thiếu báo cáo đã duyệt (như bảng xếp hạng)."),
            "months_pending": count("Tổng số tháng có báo cáo chờ duyệt hoặc bị trả lại."),
            "quarters_without_thematic": count(
                "Số cặp chi bộ × quý đã kết thúc không có sinh hoạt chuyên đề được duyệt."
            ),
            "attendance_rate": _nullable(
                {
                    "type": "number",
                    "minimum": 0,
                    "description": (
                        "Σ có mặt / Σ (triệu tập − miễn) của các báo cáo thường kỳ đã duyệt, "
                        "4 chữ số thập phân; null khi chưa có báo cáo nào."
                    ),
                }
            ),
            "speakers": count("Tổng số lượt đảng viên phát biểu (cùng các báo cáo)."),
            "young_speakers": count("Tổng số lượt đảng viên trẻ phát biểu (cùng các báo cáo)."),
            "grades": _object(
                {
                    grade: count("Số chi bộ xếp loại này cả năm.")
                    for grade in ("tot", "kha", "trung_binh", "kem")
                },
                "Số chi bộ theo xếp loại cả năm.",
            ),
        }
    )


def _summary_schemas() -> dict:
    figures = _summary_figures()
    with_previous = copy.deepcopy(figures)
    with_previous["properties"]["previous"] = _nullable(
        {
            **_ref("SummaryFigures"),
            "description": (
                "Cùng các số liệu của năm trước (null nếu không có năm thi đua đó hoặc năm "
                "đó không có báo cáo nào được duyệt hay chờ duyệt)."
            ),
        }
    )
    with_previous["required"].append("previous")
    return {"SummaryFigures": figures, "Summary": with_previous}


def _summary_paths() -> dict:
    return {
        "/summary": {
            "get": {
                "operationId": "getSummary",
                "summary": "Số liệu sơ kết năm",
                "description": (
                    "Số liệu phần I của báo cáo sơ kết năm thi đua, tính trên các tháng đã kết "
                    "thúc, kèm số liệu năm trước (`previous`). Chỉ Đảng ủy và quản trị viên (bí "
                    "thư chi bộ: 403); năm không có kế hoạch thi đua: 404."
                ),
                "parameters": [_query_parameter("year", YEAR, required=True)],
                "responses": _answers(200, "Summary", "Số liệu sơ kết.", 400, 403, 404),
            }
        }
    }


# --------------------------------------------------------------------------------------------
# The meeting calendar (issue 13): schemas and paths, merged into the description below.

MEETING_ID = _whole(MIN_ID, MAX_ID, "Mã lịch sinh hoạt (số nguyên dương).")
STARTS_AT = {
    "type": "string",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$",
    "description": (
        "Ngày giờ bắt đầu theo giờ Việt Nam (Asia/Ho_Chi_Minh), dạng `YYYY-MM-DDTHH:MM`; phải "
        "là ngày giờ có thật, trong một tháng của đợt thi đua."
    ),
    "example": "2026-03-03T19:30",
}
CALENDAR_YEAR = _whole(2000, 2100, "Năm thi đua, ví dụ 2026.")


def _meeting_schemas() -> dict:
    from ..schedule import rules as schedule_rules

    cell_code = {"type": "string", "pattern": CELL_CODE_PATTERN.pattern, "description": "Mã chi bộ."}
    body = {
        "type": "object",
        "properties": {
            "cell": cell_code,
            "kind": KIND,
            "starts_at": STARTS_AT,
            "place": _text(schedule_rules.PLACE_LIMIT, "Địa điểm."),
            "topic": _text(schedule_rules.TOPIC_LIMIT, "Nội dung, chủ đề."),
        },
        "required": ["cell", "kind", "starts_at"],
        "additionalProperties": False,
    }
    return {
        "NewMeeting": body,
        "Meeting": _object(
            {
                "id": MEETING_ID,
                "cell": cell_code,
                "kind": KIND,
                "starts_at": STARTS_AT,
                "place": {"type": "string"},
                "topic": {"type": "string"},
                "attendee": _nullable(
                    {"type": "string", "description": "Tên đăng nhập của Đảng ủy viên dự."}
                ),
            }
        ),
        "MeetingList": _object({"meetings": {"type": "array", "items": _ref("Meeting")}}),
        "Attendee": {
            "type": "object",
            "properties": {
                "username": _nullable(
                    {"type": "string", "maxLength": 60, "pattern": NO_NUL,
                     "description": "Tài khoản Đảng ủy hoặc quản trị; null để bỏ phân công."}
                )
            },
            "required": ["username"],
            "additionalProperties": False,
        },
    }


def _meeting_paths() -> dict:
    meeting_id = _path_parameter("id", MEETING_ID)
    example = {
        "cell": "ap-cho",
        "kind": "regular",
        "starts_at": "2023-03-03T19:30",
        "place": "Hội trường ấp Chợ",
        "topic": "Triển khai nghị quyết tháng 3",
    }
    year_month = [
        _query_parameter("year", CALENDAR_YEAR, required=True),
        _query_parameter("month", MONTH),
    ]
    return {
        "/meetings": {
            "post": {
                "operationId": "planMeeting",
                "summary": "Lập lịch một buổi sinh hoạt",
                "description": (
                    "Bí thư lập lịch cho chi bộ mình, quản trị viên cho mọi chi bộ; Đảng ủy không "
                    "lập lịch (403). `starts_at` sai dạng hoặc không có thật, tháng ngoài mọi đợt "
                    "thi đua, chi bộ hay loại lạ: 400. Buổi thường kỳ thứ hai cùng chi bộ, cùng "
                    "tháng, hoặc tháng đã có báo cáo cùng loại: 409."
                ),
                "requestBody": _body("NewMeeting", example),
                "responses": _answers(201, "Meeting", "Đã lập lịch.", 400, 403, 409, 413),
            },
            "get": {
                "operationId": "listMeetings",
                "summary": "Các buổi sinh hoạt đã lập lịch",
                "description": (
                    "Theo thời gian bắt đầu; bí thư chỉ thấy chi bộ mình (chi bộ khác: 403). Năm "
                    "không có kế hoạch thi đua: 404."
                ),
                "parameters": [*year_month, _query_parameter("cell", {"type": "string", "description": "Mã chi bộ."})],
                "responses": _answers(200, "MeetingList", "Các buổi.", 400, 403, 404),
            },
        },
        "/meetings/{id}": {
            "get": {
                "operationId": "getMeeting",
                "summary": "Xem một buổi",
                "parameters": [meeting_id],
                "responses": _answers(200, "Meeting", "Buổi sinh hoạt.", 400, 403, 404),
            },
            "put": {
                "operationId": "rescheduleMeeting",
                "summary": "Đổi lịch một buổi",
                "description": "Cùng nội dung và quy tắc như khi lập; chi bộ đã có báo cáo tháng đó, loại đó: 409.",
                "parameters": [meeting_id],
                "requestBody": _body("NewMeeting", example),
                "responses": _answers(200, "Meeting", "Đã đổi lịch.", 400, 403, 404, 409, 413),
            },
            "delete": {
                "operationId": "cancelMeeting",
                "summary": "Hủy một buổi",
                "description": "Chi bộ đã có báo cáo tháng đó, loại đó: 409.",
                "parameters": [meeting_id],
                "responses": {
                    "204": {"description": "Đã hủy."},
                    **{k: v for k, v in _answers(204, "Error", "", 400, 403, 404, 409).items() if k != "204"},
                },
            },
        },
        "/meetings/{id}/attendee": {
            "post": {
                "operationId": "assignAttendee",
                "summary": "Phân công Đảng ủy viên dự",
                "description": (
                    "Đảng ủy hoặc quản trị viên (403). Tài khoản phải có và là Đảng ủy hoặc quản "
                    "trị (400)."
                ),
                "parameters": [meeting_id],
                "requestBody": _body("Attendee", {"username": "danguy"}),
                "responses": _answers(200, "Meeting", "Đã phân công.", 400, 403, 404, 413),
            }
        },
        "/calendar.ics": {
            "get": {
                "operationId": "getCalendar",
                "summary": "Lịch sinh hoạt dạng iCalendar",
                "description": (
                    "RFC 5545: mỗi buổi người gọi được xem là một VEVENT (UID không đổi khi đọc "
                    "lại hay đổi lịch; DTSTART theo múi giờ Asia/Ho_Chi_Minh kèm VTIMEZONE; "
                    "SUMMARY chi bộ và loại; LOCATION địa điểm; DESCRIPTION nội dung và Đảng ủy "
                    "viên dự). Điện thoại không gửi được mã API: mỗi tài khoản có địa chỉ đăng ký "
                    "bí mật ở trang Lịch trên điện thoại."
                ),
                "parameters": year_month,
                "responses": {
                    "200": {
                        "description": "Lịch iCalendar.",
                        "content": {"text/calendar": {"schema": {"type": "string"}}},
                    },
                    **{k: v for k, v in _answers(200, "Error", "", 400, 404).items() if k != "200"},
                },
            }
        },
    }



@cache
def _description() -> dict:
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "API thi đua sinh hoạt chi bộ — Đảng ủy thị trấn Cù Lao Dung",
            "version": API_VERSION,
            "description": (
                "Phần mềm khác (tổng hợp của huyện, ứng dụng điện thoại, tập lệnh) đọc và gửi dữ "
                "liệu qua API này với quyền của tài khoản đã tạo mã API. Mọi lệnh gọi cần tiêu đề "
                "`Authorization: Bearer MÃ` (tạo mã ở trang Mã API). Nội dung gửi và nhận là JSON "
                "UTF-8 (`Content-Type: application/json`). Yêu cầu bị từ chối trả lời "
                '`{"error": "…", "fields": {"trường": "…"}}` với 400 (không hợp lệ), 401 (thiếu '
                "mã), 403 (không được phép), 404 (không có) hoặc 409 (xung đột với dữ liệu đã "
                "lưu); khi đó không có gì được lưu. Trường hay tham số mà API không có cũng bị từ "
                "chối (400). Điểm là số JSON, bội số của 0,5 (ví dụ 7.5)."
            ),
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearerAuth": []}],
        "paths": {**_paths(), **_summary_paths(), **_meeting_paths()},
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Mã API tạo ở trang Mã API; thu hồi là hết hiệu lực ngay.",
                }
            },
            "schemas": {**_schemas(), **_summary_schemas(), **_meeting_schemas()},
        },
    }


def description() -> dict:
    """The OpenAPI document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_description())


@bp.get("/openapi.json")
def openapi_document():
    """The description itself: public, like the documentation of any public API."""
    response = jsonify(_description())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
