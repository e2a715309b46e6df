"""Reading the period of a ranking from a query string (the API and the pages share it)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..failures import ValidationFailed
from ..models import CellCategory

_WHOLE = re.compile(r"^[+-]?[0-9]{1,9}$")
CATEGORY_CODES = [category.value for category in CellCategory]


@dataclass(frozen=True)
class PeriodQuery:
    year: int | None
    month: int | None = None
    quarter: int | None = None
    category: CellCategory | None = None


def _whole(value: str) -> int | None:
    value = value.strip()
    return int(value) if _WHOLE.match(value) else None


def parse_period_query(
    args: Mapping[str, str], *, year_required: bool = True, blank_is_absent: bool = False
) -> PeriodQuery:
    """Read ``year``, ``month`` or ``quarter``, and ``category``; raise ValidationFailed.

    The API is strict (an empty value is invalid); a page's filter form sends empty values for
    "all", so ``blank_is_absent`` reads them as absent. Every problem is reported at once.
    """
    fields: dict[str, str] = {}
    values: dict[str, int | None] = {}
    for name, low, high, message in (
        ("year", None, None, "Năm phải là một số nguyên, ví dụ 2022."),
        ("month", 1, 12, "Tháng phải là số nguyên từ 1 đến 12."),
        ("quarter", 1, 4, "Quý phải là số nguyên từ 1 đến 4."),
    ):
        raw = args.get(name)
        if raw is None or (blank_is_absent and raw.strip() == ""):
            values[name] = None
            continue
        number = _whole(raw)
        if number is None or (low is not None and not low <= number <= high):
            fields[name] = message
            values[name] = None
        else:
            values[name] = number
    if year_required and "year" not in fields and values["year"] is None:
        fields["year"] = "Cần chọn năm thi đua (year)."
    if args.get("month") not in (None, "") and args.get("quarter") not in (None, ""):
        fields.setdefault("quarter", "Chỉ chọn tháng hoặc quý, không chọn cả hai.")
        fields.setdefault("month", "Chỉ chọn tháng hoặc quý, không chọn cả hai.")

    category = None
    raw_category = args.get("category")
    if raw_category is not None and not (blank_is_absent and raw_category.strip() == ""):
        try:
            category = CellCategory(raw_category.strip())
        except ValueError:
            fields["category"] = "Loại chi bộ phải là một trong: " + ", ".join(CATEGORY_CODES) + "."
    if fields:
        raise ValidationFailed("Tham số xếp hạng không hợp lệ.", fields)
    return PeriodQuery(values["year"], values["month"], values["quarter"], category)
