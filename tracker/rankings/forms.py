"""The filter forms of the rankings pages (GET forms: no state changes, so no CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField

from ..domain.periods import ROMAN
from ..models import CellCategory


class FilterForm(FlaskForm):
    """Year, period (whole year, a quarter or a month) and category of a ranking."""

    class Meta:
        csrf = False  # read-only filters in the query string

    year = SelectField("Năm thi đua", choices=[])
    period = SelectField("Kỳ", choices=[])
    category = SelectField("Loại chi bộ", choices=[])

    def fill(self, years, campaign=None, *, with_period: bool = True, with_category: bool = True):
        """Offer the campaign years, and the quarters and months of the chosen campaign."""
        self.year.choices = [(str(year), str(year)) for year in years]
        if with_period:
            choices = [("", "Cả năm")]
            if campaign is not None:
                choices += [(f"q{q}", f"Quý {ROMAN[q]}") for q in campaign.quarters]
                choices += [(f"m{m}", f"Tháng {m}") for m in campaign.months]
            self.period.choices = choices
        else:
            del self.period
        if with_category:
            self.category.choices = [("", "Tất cả các loại")] + CellCategory.choices()
        else:
            del self.category
        return self

    def add_error(self, name: str, message: str) -> None:
        field = getattr(self, name, None)
        if field is not None:
            field.errors = [*field.errors, message]


def period_value(month: int | None, quarter: int | None) -> str:
    """The value of the period select for a month or a quarter ("" for the whole year)."""
    if month is not None:
        return f"m{month}"
    if quarter is not None:
        return f"q{quarter}"
    return ""


def split_period_value(value: str) -> dict[str, str]:
    """Turn the period select's value back into ``month`` / ``quarter`` query values."""
    value = (value or "").strip().lower()
    if not value:
        return {}
    if value[0] == "m":
        return {"month": value[1:]}
    if value[0] == "q":
        return {"quarter": value[1:]}
    return {"month": value}  # reported as a bad month
