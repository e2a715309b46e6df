"""The rules of a meeting report (contract.md), shared by the form and the API.

``check_report`` takes the raw values of a report, as typed on the form or sent as JSON, and
returns the cleaned values with a Vietnamese message per wrong field. The field keys follow
the JSON body of the API: ``held_on``, ``attendance.present``, ``scores.preparation``...; the
form maps them onto its own fields. ``derive_attendance`` turns the per-member rows of the form
into the counts the rules check. Nothing here touches Flask or the database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .scoring import Criterion, to_half_points
from .vietnamese import format_points

KINDS = ("regular", "thematic")
COUNT_KEYS = ("summoned", "exempted", "present", "absent_excused", "absent_unexcused")
# Ranges of the contract; the API's OpenAPI description is built from these same constants.
MIN_COUNT = 0
MAX_COUNT = 10_000
MIN_DURATION = 1
MAX_DURATION = 1_440
MIN_MONTH = 1
MAX_MONTH = 12
# A year is a calendar year (those a date can have); a year outside is never looked up.
MIN_YEAR = 1
MAX_YEAR = 9_999
POINTS_STEP = 0.5  # points are multiples of half a point
TEXT_LIMITS = {
    "topic": 300,
    "chaired_by": 120,
    "minutes_taker": 120,
    "delegate_name": 120,
    "notes": 5_000,
}
ATTENDANCE_STATUSES = ("present", "absent_excused", "absent_unexcused", "exempted")
ABSENCE_REASON_LIMIT = 200

# Messages: one place, so that the form and the API say exactly the same thing.
MSG_CELL_REQUIRED = "Chọn chi bộ."
MSG_CELL_UNKNOWN = "Không có chi bộ này."
MSG_YEAR = f"Năm phải là số nguyên từ {MIN_YEAR} đến {MAX_YEAR}, ví dụ 2022."
MSG_KIND = "Chọn loại sinh hoạt: thường kỳ (regular) hoặc chuyên đề (thematic)."
MSG_MONTH = "Tháng phải là số nguyên từ 1 đến 12."
MSG_HELD_ON_REQUIRED = "Nhập ngày sinh hoạt."
MSG_HELD_ON_FORMAT = "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy (API: YYYY-MM-DD)."
MSG_HELD_ON_IMPOSSIBLE = "Ngày này không có trên lịch (ví dụ 30/02); kiểm tra lại ngày và tháng."
MSG_DURATION_REQUIRED = "Nhập thời lượng buổi sinh hoạt (phút)."
MSG_DURATION = "Thời lượng là số phút nguyên, từ {} đến {}.".format(
    MIN_DURATION, f"{MAX_DURATION:,}".replace(",", ".")
)
MSG_COUNT_REQUIRED = "Nhập số đảng viên."
MSG_COUNT = f"Nhập số nguyên từ {MIN_COUNT} đến {MAX_COUNT:,}.".replace(",", ".")
MSG_ATTENDANCE_OBJECT = (
    "Số liệu dự họp phải là một đối tượng gồm summoned, exempted, present, absent_excused, "
    "absent_unexcused."
)
MSG_SPEAKERS = "Số đảng viên phát biểu không được lớn hơn số đảng viên có mặt."
MSG_YOUNG_SPEAKERS = "Số đảng viên trẻ phát biểu không được lớn hơn số đảng viên phát biểu."
MSG_TOPIC_REQUIRED = "Nhập chủ đề của buổi sinh hoạt chuyên đề."
MSG_SCORES_OBJECT = "Điểm phải là một đối tượng {mã tiêu chí: điểm}."
MSG_SCORE_REQUIRED = "Nhập điểm tiêu chí này."
MSG_SCORE_NUMBER = "Điểm phải là một số, ví dụ 7,5."
MSG_SCORE_HALF = "Điểm phải là bội số của 0,5 (ví dụ 7 hoặc 7,5)."
MSG_TEXT = "Không được là số hoặc giá trị khác chữ."
MSG_TEXT_CHARACTERS = "Văn bản chứa ký tự không hợp lệ (ký tự NUL hoặc mã Unicode lỗi)."
MSG_ATTENDANCE_STATUS = "Chọn tình trạng tham dự."
MSG_SPOKE_ABSENT = "Chỉ đảng viên có mặt mới được đánh dấu phát biểu."


def msg_year_without_campaign(year: int) -> str:
    return f"Năm {year} không có kế hoạch thi đua."


def msg_month_outside(month: int, year: int, first: int, last: int) -> str:
    return f"Tháng {month} không thuộc đợt thi đua năm {year} (tháng {first} đến tháng {last})."


def msg_held_on_outside(month: int, year: int) -> str:
    return f"Ngày sinh hoạt phải nằm trong tháng {month}/{year}."


MSG_EXEMPTED_OVER_SUMMONED = "Số miễn sinh hoạt không được lớn hơn số đảng viên triệu tập."


def msg_attendance_sum(required: int) -> str:
    return (
        "Có mặt + vắng có lý do + vắng không lý do phải bằng số triệu tập trừ số miễn "
        f"sinh hoạt ({required})."
    )


def msg_score_range(maximum_half_points: int) -> str:
    return f"Điểm từ 0 đến {format_points(maximum_half_points / 2)}."


def msg_score_unknown(code: str, year: int | None) -> str:
    suffix = f" năm {year}" if year else ""
    return f"Không có tiêu chí mã '{code}' trong thang điểm{suffix}."


def msg_text_too_long(limit: int) -> str:
    return f"Tối đa {limit:,} ký tự.".replace(",", ".")


# --------------------------------------------------------------------------------------------
# Plain values in and out


@dataclass(frozen=True)
class CampaignFacts:
    """What the rules need to know of a campaign year."""

    year: int
    first_month: int
    last_month: int


@dataclass
class ReportInput:
    """The raw values of a report (strings from a form, anything from JSON).

    ``attendance`` maps the five count keys to raw values; ``scores`` maps criterion codes to
    raw points. ``None`` means "not given".
    """

    kind: Any = None
    year: Any = None
    month: Any = None
    held_on: Any = None
    duration_minutes: Any = None
    attendance: Any = None
    speakers: Any = None
    young_speakers: Any = None
    topic: Any = ""
    notes: Any = ""
    chaired_by: Any = ""
    minutes_taker: Any = ""
    delegate_name: Any = ""
    scores: Any = None


@dataclass
class CleanReport:
    """The values of a report once checked (``None`` where absent or wrong)."""

    kind: str | None = None
    year: int | None = None
    month: int | None = None
    held_on: dt.date | None = None
    duration_minutes: int | None = None
    counts: dict[str, int | None] = field(default_factory=dict)
    speakers: int | None = None
    young_speakers: int | None = None
    topic: str = ""
    notes: str = ""
    chaired_by: str = ""
    minutes_taker: str = ""
    delegate_name: str = ""
    scores: dict[str, int] = field(default_factory=dict)  # half-points by criterion code


@dataclass
class RuleResult:
    values: CleanReport
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------------------------
# Parsing single values


class _Invalid(Exception):
    pass


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def has_bad_characters(text: str) -> bool:
    """True when text cannot be stored: a NUL (PostgreSQL refuses it) or a lone surrogate
    (not encodable as UTF-8), both of which JSON can carry."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_year(value: Any) -> int:
    """Return a year from MIN_YEAR to MAX_YEAR (see ``parse_whole``); raise ValueError."""
    year = parse_whole(value)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError("year out of range")
    return year


def parse_whole(value: Any) -> int:
    """Return a whole number from an int, an integral float or digits; raise ValueError."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
        return int(value)
    raise ValueError("not a whole number")


_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


class ImpossibleDate(ValueError):
    """A date written in a right format that no calendar has (30/02/2022)."""


def parse_date(value: Any) -> dt.date:
    """Read YYYY-MM-DD (the API, input type=date) or dd/mm/yyyy (typed by hand)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = value.strip() if isinstance(value, str) else ""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        match = _DMY.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError as error:
        raise ImpossibleDate(text) from error
    raise ValueError("not a date")


def parse_points(value: Any, maximum_half_points: int) -> tuple[int | None, str | None]:
    """Return (half-points, None) or (None, message) for one criterion's points."""
    try:
        half = to_half_points(value)
    except (ValueError, TypeError):
        return None, MSG_SCORE_NUMBER
    if half is None:
        return None, MSG_SCORE_HALF
    if not 0 <= half <= maximum_half_points:
        return None, msg_score_range(maximum_half_points)
    return half, None


def check_scores(
    raw: Any,
    criteria: Sequence[Criterion],
    *,
    complete: bool,
    year: int | None = None,
    prefix: str = "scores",
) -> tuple[dict[str, int], dict[str, str]]:
    """Check the points of a rubric: every criterion (when ``complete``), each a multiple of 0.5
    in [0, max], no unknown code. Return the half-points and the errors."""
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        return values, {prefix: MSG_SCORES_OBJECT}
    known = {criterion.code: criterion for criterion in criteria}
    for code in raw:
        if code not in known:
            errors[f"{prefix}.{code}"] = msg_score_unknown(str(code), year)
    for code, criterion in known.items():
        value = raw.get(code)
        if is_blank(value):
            if complete:
                errors[f"{prefix}.{code}"] = MSG_SCORE_REQUIRED
            continue
        half, message = parse_points(value, criterion.max_half_points)
        if message:
            errors[f"{prefix}.{code}"] = message
        else:
            values[code] = half
    return values, errors


def _text(raw: Any, key: str, errors: dict[str, str]) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        errors[key] = MSG_TEXT
        return ""
    if has_bad_characters(raw):
        errors[key] = MSG_TEXT_CHARACTERS
        return ""
    text = " ".join(raw.split()) if key != "notes" else raw.strip().replace("\r\n", "\n")
    limit = TEXT_LIMITS[key]
    if len(text) > limit:
        errors[key] = msg_text_too_long(limit)
    return text


# --------------------------------------------------------------------------------------------
# The whole report


def check_report(
    data: ReportInput,
    *,
    campaign: CampaignFacts | None,
    criteria: Sequence[Criterion],
    complete: bool = True,
    cell_known: bool | None = None,
) -> RuleResult:
    """Check a report against every rule of contract.md.

    ``complete`` is False for a draft: missing values are then allowed, wrong ones are not.
    ``campaign`` is the campaign of ``data.year`` (None when that year has none);
    ``cell_known`` is False when the named cell does not exist, None when no cell was named
    and True otherwise (the form and the API resolve the cell themselves).
    """
    errors: dict[str, str] = {}
    clean = CleanReport()

    if cell_known is False:
        errors["cell"] = MSG_CELL_UNKNOWN
    elif cell_known is None:
        errors["cell"] = MSG_CELL_REQUIRED

    # Year and campaign.
    try:
        clean.year = parse_year(data.year)
    except ValueError:
        errors["year"] = MSG_YEAR
    else:
        if campaign is None or campaign.year != clean.year:
            errors["year"] = msg_year_without_campaign(clean.year)
            campaign = None

    # Kind.
    if data.kind in KINDS:
        clean.kind = data.kind
    else:
        errors["kind"] = MSG_KIND

    # Month, within the campaign.
    try:
        month = parse_whole(data.month)
        if not MIN_MONTH <= month <= MAX_MONTH:
            raise ValueError("out of range")
    except ValueError:
        errors["month"] = MSG_MONTH
    else:
        if campaign is not None and not campaign.first_month <= month <= campaign.last_month:
            errors["month"] = msg_month_outside(
                month, campaign.year, campaign.first_month, campaign.last_month
            )
        else:
            clean.month = month

    # Date held: in that year and month.
    if is_blank(data.held_on):
        if complete:
            errors["held_on"] = MSG_HELD_ON_REQUIRED
    else:
        try:
            clean.held_on = parse_date(data.held_on)
        except ImpossibleDate:
            errors["held_on"] = MSG_HELD_ON_IMPOSSIBLE
        except ValueError:
            errors["held_on"] = MSG_HELD_ON_FORMAT
        else:
            if (
                clean.month is not None
                and clean.year is not None
                and ((clean.held_on.year, clean.held_on.month) != (clean.year, clean.month))
            ):
                errors["held_on"] = msg_held_on_outside(clean.month, clean.year)

    # Duration.
    if is_blank(data.duration_minutes):
        if complete:
            errors["duration_minutes"] = MSG_DURATION_REQUIRED
    else:
        try:
            duration = parse_whole(data.duration_minutes)
            if not MIN_DURATION <= duration <= MAX_DURATION:
                raise ValueError("out of range")
            clean.duration_minutes = duration
        except ValueError:
            errors["duration_minutes"] = MSG_DURATION

    # Attendance counts.
    attendance = data.attendance if data.attendance is not None else {}
    if not isinstance(attendance, Mapping):
        errors["attendance"] = MSG_ATTENDANCE_OBJECT
        attendance = {}
    for key in COUNT_KEYS:
        clean.counts[key] = _count(attendance.get(key), f"attendance.{key}", complete, errors)
    clean.speakers = _count(data.speakers, "speakers", complete, errors)
    clean.young_speakers = _count(data.young_speakers, "young_speakers", complete, errors)

    counts = clean.counts
    if (
        counts["summoned"] is not None
        and counts["exempted"] is not None
        and counts["exempted"] > counts["summoned"]
    ):
        errors["attendance.exempted"] = MSG_EXEMPTED_OVER_SUMMONED
    elif all(counts[key] is not None for key in COUNT_KEYS):
        required = counts["summoned"] - counts["exempted"]
        attended = counts["present"] + counts["absent_excused"] + counts["absent_unexcused"]
        if attended != required:
            errors["attendance"] = msg_attendance_sum(required)
    if (
        clean.speakers is not None
        and counts.get("present") is not None
        and clean.speakers > counts["present"]
    ):
        errors["speakers"] = MSG_SPEAKERS
    if (
        clean.young_speakers is not None
        and clean.speakers is not None
        and clean.young_speakers > clean.speakers
    ):
        errors["young_speakers"] = MSG_YOUNG_SPEAKERS

    # Texts.
    for key in TEXT_LIMITS:
        setattr(clean, key, _text(getattr(data, key), key, errors))
    if complete and clean.kind == "thematic" and not clean.topic and "topic" not in errors:
        errors["topic"] = MSG_TOPIC_REQUIRED

    # Scores.
    clean.scores, score_errors = check_scores(
        data.scores, criteria, complete=complete, year=clean.year
    )
    errors.update(score_errors)
    return RuleResult(clean, errors)


def _count(raw: Any, key: str, complete: bool, errors: dict[str, str]) -> int | None:
    if is_blank(raw):
        if complete:
            errors[key] = MSG_COUNT_REQUIRED
        return None
    try:
        value = parse_whole(raw)
        if not MIN_COUNT <= value <= MAX_COUNT:
            raise ValueError("out of range")
        return value
    except ValueError:
        errors[key] = MSG_COUNT
        return None


# --------------------------------------------------------------------------------------------
# Per-member attendance (the form)


@dataclass(frozen=True)
class AttendanceRow:
    """One member's line on the form: raw status, whether she spoke, the absence reason."""

    member_id: int
    birth_year: int
    status: Any
    spoke: bool = False
    reason: Any = ""


@dataclass(frozen=True)
class CleanAttendance:
    member_id: int
    status: str
    spoke: bool
    reason: str


@dataclass(frozen=True)
class DerivedCounts:
    summoned: int
    exempted: int
    present: int
    absent_excused: int
    absent_unexcused: int
    speakers: int
    young_speakers: int
    young_present: int

    def attendance(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in COUNT_KEYS}


def is_young(birth_year: int, year: int, young_age_limit: int) -> bool:
    """Young: younger than the limit in that year (year - birth year < limit)."""
    return year - birth_year < young_age_limit


def derive_attendance(
    rows: Iterable[AttendanceRow], *, year: int, young_age_limit: int
) -> tuple[list[CleanAttendance], DerivedCounts, dict[str, str]]:
    """Check the per-member rows and derive the counts of the report from them.

    Every row is summoned; exempted rows are not required to attend. Only a present member can
    have spoken. Errors are keyed ``member.<id>``.
    """
    errors: dict[str, str] = {}
    clean: list[CleanAttendance] = []
    tally = dict.fromkeys(ATTENDANCE_STATUSES, 0)
    speakers = young_speakers = young_present = 0
    for row in rows:
        key = f"member.{row.member_id}"
        if row.status not in ATTENDANCE_STATUSES:
            errors[key] = MSG_ATTENDANCE_STATUS
            continue
        reason = " ".join(str(row.reason or "").split())
        if len(reason) > ABSENCE_REASON_LIMIT:
            errors[key] = msg_text_too_long(ABSENCE_REASON_LIMIT)
            continue
        if row.spoke and row.status != "present":
            errors[key] = MSG_SPOKE_ABSENT
            continue
        tally[row.status] += 1
        young = is_young(row.birth_year, year, young_age_limit)
        if row.status == "present":
            young_present += young
            if row.spoke:
                speakers += 1
                young_speakers += young
        clean.append(
            CleanAttendance(
                row.member_id,
                row.status,
                bool(row.spoke),
                reason if row.status in ("absent_excused", "absent_unexcused") else "",
            )
        )
    counts = DerivedCounts(
        summoned=sum(tally.values()),
        exempted=tally["exempted"],
        present=tally["present"],
        absent_excused=tally["absent_excused"],
        absent_unexcused=tally["absent_unexcused"],
        speakers=speakers,
        young_speakers=young_speakers,
        young_present=young_present,
    )
    return clean, counts, errors


# --------------------------------------------------------------------------------------------
# Review decisions


DECISIONS = ("approve", "return")
MSG_DECISION = "Chọn quyết định: duyệt (approve) hoặc trả lại (return)."
MSG_RETURN_COMMENT = "Nhập lý do trả lại để chi bộ biết cần sửa gì."
MSG_REOPEN_REASON = "Nhập lý do mở lại báo cáo đã duyệt."
COMMENT_LIMIT = 2_000


def check_comment(
    raw: Any, *, required_message: str | None, key: str = "comment"
) -> tuple[str, dict[str, str]]:
    """Check a review comment or reopening reason (required when a message is given)."""
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        return "", {key: MSG_TEXT}
    if has_bad_characters(raw):
        return "", {key: MSG_TEXT_CHARACTERS}
    text = raw.strip().replace("\r\n", "\n")
    if len(text) > COMMENT_LIMIT:
        return text, {key: msg_text_too_long(COMMENT_LIMIT)}
    if required_message and not text:
        return text, {key: required_message}
    return text, {}
