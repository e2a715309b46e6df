"""Campaign periods: which months count for a month, a quarter or a campaign year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def takes_part(joined_year: int | None, left_year: int | None, year: int) -> bool:
    """Whether a cell takes part in a campaign year: from the year it joined (None: from the
    start) to the year before it left (None: still does). ``Cell.takes_part_in`` is the same
    rule, in SQL as well."""
    return (joined_year is None or joined_year <= year) and (left_year is None or year < left_year)


def participation(joined_year: int | None, left_year: int | None) -> str:
    """The campaign years a cell takes part in, in words ("Từ 2026", "2022–2024")."""
    last = None if left_year is None else left_year - 1
    if last is not None and joined_year is not None and last < joined_year:
        return "Không năm nào"
    if joined_year is None:
        return "Mọi năm" if last is None else f"Đến {last}"
    if last is None:
        return f"Từ {joined_year}"
    return str(joined_year) if last == joined_year else f"{joined_year}–{last}"


@dataclass(frozen=True)
class Period:
    """A month, a quarter or a whole campaign year."""

    year: int
    month: int | None = None
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.month is not None and self.quarter is not None:
            raise ValueError("a period is a month or a quarter, not both")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError("month out of range")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError("quarter out of range")

    @property
    def months(self) -> range:
        """Calendar months of the period (before the campaign limits apply)."""
        if self.month is not None:
            return range(self.month, self.month + 1)
        if self.quarter is not None:
            first = 3 * (self.quarter - 1) + 1
            return range(first, first + 3)
        return range(1, 13)

    @property
    def label(self) -> str:
        """Vietnamese label: "Tháng 5/2022", "Quý II/2022", "Năm 2022"."""
        if self.month is not None:
            return f"Tháng {self.month}/{self.year}"
        if self.quarter is not None:
            return f"Quý {ROMAN[self.quarter]}/{self.year}"
        return f"Năm {self.year}"


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_of(month: int) -> int:
    """Return the quarter (1-4) of a month."""
    return (month - 1) // 3 + 1


def month_has_ended(year: int, month: int, today: dt.date) -> bool:
    """Tell whether the month is over on ``today`` (a local date)."""
    return (year, month) < (today.year, today.month)


def counted_months(period: Period, first_month: int, last_month: int, today: dt.date) -> list[int]:
    """Return the campaign months of the period that have ended on ``today``."""
    return [
        month
        for month in period.months
        if first_month <= month <= last_month and month_has_ended(period.year, month, today)
    ]


def campaign_quarters(first_month: int, last_month: int) -> list[int]:
    """Return the quarters the campaign touches (2022, April to December: 2, 3, 4)."""
    return sorted({quarter_of(month) for month in range(first_month, last_month + 1)})


def quarter_has_ended(year: int, quarter: int, today: dt.date) -> bool:
    """Tell whether the last month of the quarter is over on ``today``."""
    return month_has_ended(year, 3 * quarter, today)
