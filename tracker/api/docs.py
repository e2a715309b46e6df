"""The API page for people (GET /api/docs), rendered on the server from the OpenAPI description.

No script and no CDN: the page is the description itself, laid out as tables and examples.
It sits outside ``/api/v1`` (a page behind the login, not a bearer-token endpoint).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from flask import Blueprint, render_template
from flask_login import login_required
from markupsafe import Markup, escape

from .openapi import NO_NUL, PREFIX, description

bp = Blueprint("api_docs", __name__, url_prefix="/api")

TYPE_NAMES = {
    "integer": "số nguyên",
    "number": "số",
    "string": "chuỗi",
    "boolean": "true/false",
    "object": "đối tượng",
    "array": "mảng",
    "null": "null",
}
PLACES = {"path": "đường dẫn", "query": "tham số truy vấn"}
METHOD_ORDER = ("get", "post", "put", "delete")


def inline_code(text: str) -> Markup:
    """Escape text and show `quoted` parts as code."""
    parts = re.split(r"`([^`]*)`", str(escape(text)))
    return Markup(
        "".join(f"<code>{part}</code>" if index % 2 else part for index, part in enumerate(parts))
    )


def _number(value) -> str:
    """A number the Vietnamese way: 10.000 and 0,5."""
    if isinstance(value, float) and not value.is_integer():
        return str(value).replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


@dataclass
class FieldRow:
    name: str
    type: str
    limits: str
    required: bool
    description: str


@dataclass
class Answer:
    status: str
    description: str
    schema_name: str | None
    rows: list[FieldRow] = field(default_factory=list)


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    public: bool
    parameters: list[FieldRow]
    parameter_places: dict[str, str]
    body_name: str | None
    body_rows: list[FieldRow]
    example: str | None
    answers: list[Answer]


class Schemas:
    """Reads the components of the description: resolves $ref, flattens objects to rows."""

    def __init__(self, document: dict):
        self.components = document["components"]["schemas"]

    def resolve(self, schema: dict) -> tuple[dict, str | None]:
        ref = schema.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            return self.components[name], name
        return schema, None

    def type_text(self, schema: dict) -> str:
        schema, _name = self.resolve(schema)
        if "anyOf" in schema:
            return " hoặc ".join(self.type_text(option) for option in schema["anyOf"])
        kind = schema.get("type", "")
        if kind == "array":
            return "mảng " + self.type_text(schema.get("items", {}))
        if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
            return "đối tượng {mã: " + self.type_text(schema["additionalProperties"]) + "}"
        text = TYPE_NAMES.get(kind, kind)
        if schema.get("format") == "date":
            text = "ngày (chuỗi YYYY-MM-DD)"
        return text

    def limits_text(self, schema: dict) -> str:
        schema, _name = self.resolve(schema)
        if "anyOf" in schema:
            return "; ".join(
                text for option in schema["anyOf"] if (text := self.limits_text(option))
            )
        parts = []
        if "const" in schema:
            parts.append(f"luôn là {json.dumps(schema['const'])}")
        if "enum" in schema:
            parts.append("một trong: " + ", ".join(str(v) for v in schema["enum"]))
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            parts.append(f"từ {_number(low)} đến {_number(high)}")
        elif low is not None:
            parts.append(f"từ {_number(low)} trở lên")
        if "multipleOf" in schema:
            parts.append(f"bội số của {_number(schema['multipleOf'])}")
        if "maxLength" in schema:
            parts.append(f"tối đa {_number(schema['maxLength'])} ký tự")
        if schema.get("minLength") and schema.get("type") == "string":
            parts.append("không để trống")
        pattern = schema.get("pattern")
        if pattern and pattern not in (NO_NUL, "\\S") and schema.get("format") != "date":
            parts.append(f"dạng {pattern}")
        return "; ".join(parts)

    def rows(self, schema: dict, prefix: str = "") -> list[FieldRow]:
        """One row per field, nested objects as ``attendance.present``."""
        schema, _name = self.resolve(schema)
        rows: list[FieldRow] = []
        required = set(schema.get("required", []))
        for name, child in schema.get("properties", {}).items():
            full = prefix + name
            resolved, _ = self.resolve(child)
            rows.append(
                FieldRow(
                    name=full,
                    type=self.type_text(child),
                    limits=self.limits_text(child),
                    required=name in required,
                    description=resolved.get("description", child.get("description", "")),
                )
            )
            inner = next(
                (
                    self.resolve(option)[0]
                    for option in resolved.get("anyOf", [resolved])
                    if self.resolve(option)[0].get("type") == "object"
                ),
                None,
            )
            if inner is not None:
                rows.extend(self.rows(inner, prefix=full + "."))
            elif resolved.get("type") == "array":
                items, _ = self.resolve(resolved.get("items", {}))
                if "properties" in items:
                    rows.extend(self.rows(items, prefix=full + "[]."))
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and not schema.get("properties"):
            resolved, _ = self.resolve(extra)
            rows.append(
                FieldRow(
                    name=prefix + "{mã}",
                    type=self.type_text(extra),
                    limits=self.limits_text(extra),
                    required=False,
                    description=resolved.get("description", ""),
                )
            )
        return rows


def operations(document: dict) -> list[Operation]:
    schemas = Schemas(document)
    found = []
    for path, item in document["paths"].items():
        for method in sorted(item, key=METHOD_ORDER.index):
            operation = item[method]
            parameters = [
                FieldRow(
                    name=parameter["name"],
                    type=schemas.type_text(parameter["schema"]),
                    limits=schemas.limits_text(parameter["schema"]),
                    required=parameter.get("required", False),
                    description=parameter.get("description")
                    or parameter["schema"].get("description", ""),
                )
                for parameter in operation.get("parameters", [])
            ]
            places = {p["name"]: PLACES[p["in"]] for p in operation.get("parameters", [])}
            body_name, body_rows, example = None, [], None
            if "requestBody" in operation:
                media = operation["requestBody"]["content"]["application/json"]
                _schema, body_name = schemas.resolve(media["schema"])
                body_rows = schemas.rows(media["schema"])
                if "example" in media:
                    example = json.dumps(media["example"], ensure_ascii=False, indent=2)
            answers = []
            for status, answer in operation["responses"].items():
                media = answer.get("content", {}).get("application/json", {})
                schema = media.get("schema", {})
                _resolved, name = schemas.resolve(schema) if schema else ({}, None)
                rows = schemas.rows(schema) if status.startswith("2") and name else []
                answers.append(Answer(status, answer["description"], name, rows))
            found.append(
                Operation(
                    method=method.upper(),
                    path=PREFIX + path,
                    anchor=operation["operationId"],
                    summary=operation["summary"],
                    description=operation.get("description", ""),
                    public=operation.get("security") == [],
                    parameters=parameters,
                    parameter_places=places,
                    body_name=body_name,
                    body_rows=body_rows,
                    example=example,
                    answers=answers,
                )
            )
    return found


@bp.get("/docs")
@login_required
def index():
    document = description()
    schemas = Schemas(document)
    return render_template(
        "api/docs.html",
        info=document["info"],
        operations=operations(document),
        error_rows=schemas.rows({"$ref": "#/components/schemas/Error"}),
        inline_code=inline_code,
    )
