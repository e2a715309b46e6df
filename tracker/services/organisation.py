"""The organisation: the committee, its cells, and the rubric and settings of campaign years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from .. import clock
from ..campaigns import closed_years, committee_names
from ..domain.periods import takes_part
from ..domain.scoring import to_half_points, to_points
from ..domain.vietnamese import normalise
from ..extensions import db
from ..models import Campaign, Cell, CellCategory, Committee, Criterion, Member, Report, User
from ..queries import cell_by_code
from . import Conflict, ValidationFailed, audit

CELL_CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
CRITERION_CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
RUBRIC_TOTAL_HALF_POINTS = 200  # the grade bands (90 / 70 / 50) are points out of 100
MAX_CRITERIA = 30


# --------------------------------------------------------------------------------------------
# Committee


COMMITTEE_FIELDS = ("from_year", "name", "superior_body", "place_name", "issuer_code", "secretary_name")


def _committee_data(committee) -> dict:
    return {key: getattr(committee, key) for key in COMMITTEE_FIELDS}


def _check_committee_values(values: dict, *, exclude_id: int | None) -> dict:
    required = {
        "name": "Nhập tên Đảng ủy.",
        "superior_body": "Nhập tên cấp ủy cấp trên.",
        "place_name": "Nhập địa danh ghi ngày tháng.",
        "issuer_code": "Nhập ký hiệu cơ quan ban hành (ví dụ ĐU).",
    }
    errors = {key: message for key, message in required.items() if not values[key]}
    limits = {
        "name": 200,
        "superior_body": 200,
        "place_name": 100,
        "issuer_code": 20,
        "secretary_name": 100,
    }
    for key, limit in limits.items():
        if len(values[key]) > limit:
            errors.setdefault(key, f"Không quá {limit} ký tự.")
    if values["issuer_code"] and re.search(r"[\s/]", values["issuer_code"]):
        errors.setdefault("issuer_code", "Ký hiệu không chứa dấu cách hay dấu gạch chéo.")
    year = values["from_year"]
    if year is None or isinstance(year, bool) or not 2000 <= year <= 2100:
        errors["from_year"] = "Năm áp dụng từ 2000 đến 2100."
    else:
        same = sa.select(Committee.id).where(Committee.from_year == year)
        if exclude_id is not None:
            same = same.where(Committee.id != exclude_id)
        if db.session.scalar(same.limit(1)) is not None:
            errors["from_year"] = f"Đã có tên gọi áp dụng từ năm {year}; hãy sửa dòng đó."
    return errors


def _names_of_closed_years(rows: list) -> dict[int, dict | None]:
    """What each closed year's documents print, for a list of names (objects or dicts)."""
    ordered = sorted(rows, key=lambda row: row["from_year"])
    printed = {}
    for year in closed_years():
        in_force = [row for row in ordered if row["from_year"] <= year]
        row = in_force[-1] if in_force else (ordered[0] if ordered else None)
        printed[year] = {k: v for k, v in row.items() if k != "from_year"} if row else None
    return printed


def _refuse_changing_closed_years(before: list[dict], after: list[dict]) -> None:
    """Closed years never change: refuse a change of the names their documents print."""
    old = _names_of_closed_years(before)
    new = _names_of_closed_years(after)
    changed = sorted(year for year in old if old[year] != new[year])
    if changed:
        years = ", ".join(str(year) for year in changed)
        raise Conflict(
            f"Thay đổi này làm đổi tên gọi trên văn bản của năm đã khóa sổ ({years}). Văn bản "
            "của năm đã khóa sổ giữ tên gọi khi ban hành: hãy thêm tên gọi mới áp dụng từ "
            "một năm chưa khóa sổ.",
            {"from_year": f"Năm đã khóa sổ bị ảnh hưởng: {years}."},
        )


def _normalised_committee_values(from_year, **texts) -> dict:
    return {"from_year": from_year, **{key: normalise(value) for key, value in texts.items()}}


def add_committee_names(
    *,
    from_year: int | None,
    name: str,
    superior_body: str,
    place_name: str,
    issuer_code: str,
    secretary_name: str,
    actor: User,
) -> Committee:
    """Record the committee's new names from a year on (e.g. "Đảng ủy xã An Thạnh" under
    "Đảng bộ thành phố Cần Thơ" from 2026): the documents of earlier years keep theirs."""
    values = _normalised_committee_values(
        from_year,
        name=name,
        superior_body=superior_body,
        place_name=place_name,
        issuer_code=issuer_code,
        secretary_name=secretary_name,
    )
    errors = _check_committee_values(values, exclude_id=None)
    if errors:
        raise ValidationFailed("Thông tin Đảng ủy chưa hợp lệ.", errors)
    rows = [_committee_data(row) for row in committee_names()]
    _refuse_changing_closed_years(rows, [*rows, values])
    committee = Committee(**values)
    db.session.add(committee)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as error:
        raise Conflict(
            f"Đã có tên gọi áp dụng từ năm {from_year}.",
            {"from_year": f"Đã có tên gọi áp dụng từ năm {from_year}; hãy sửa dòng đó."},
        ) from error
    audit.record(
        "committee.add",
        actor=actor,
        object_type="committee",
        object_id=committee.id,
        summary=f"Tên gọi Đảng ủy từ năm {committee.from_year}: {committee.name}",
        after=_committee_data(committee),
    )
    return committee


def update_committee(
    committee: Committee,
    *,
    name: str,
    superior_body: str,
    place_name: str,
    issuer_code: str,
    secretary_name: str,
    actor: User,
    from_year: int | None | object = None,
) -> Committee:
    """Correct one set of the committee's names (not what a closed year printed)."""
    values = _normalised_committee_values(
        committee.from_year if from_year is None else from_year,
        name=name,
        superior_body=superior_body,
        place_name=place_name,
        issuer_code=issuer_code,
        secretary_name=secretary_name,
    )
    errors = _check_committee_values(values, exclude_id=committee.id)
    if errors:
        raise ValidationFailed("Thông tin Đảng ủy chưa hợp lệ.", errors)
    rows = committee_names()
    before_rows = [_committee_data(row) for row in rows]
    after_rows = [values if row.id == committee.id else _committee_data(row) for row in rows]
    _refuse_changing_closed_years(before_rows, after_rows)
    for key, value in values.items():
        setattr(committee, key, value)
    audit.record_changes(
        "committee.update",
        committee,
        COMMITTEE_FIELDS,
        actor=actor,
        object_type="committee",
        object_id=committee.id,
        summary=f"Cập nhật tên gọi Đảng ủy từ năm {committee.from_year}",
    )
    db.session.flush()
    return committee


def delete_committee_names(committee: Committee, *, actor: User) -> None:
    """Remove a set of names entered by mistake (never the last one, nor a closed year's)."""
    rows = committee_names()
    if len(rows) <= 1:
        raise Conflict("Phải còn ít nhất một tên gọi của Đảng ủy.")
    before_rows = [_committee_data(row) for row in rows]
    after_rows = [_committee_data(row) for row in rows if row.id != committee.id]
    _refuse_changing_closed_years(before_rows, after_rows)
    before = _committee_data(committee)
    db.session.delete(committee)
    db.session.flush()
    audit.record(
        "committee.delete",
        actor=actor,
        object_type="committee",
        object_id=committee.id,
        summary=f"Xóa tên gọi Đảng ủy từ năm {before['from_year']}",
        before=before,
    )


# --------------------------------------------------------------------------------------------
# Cells


CELL_FIELDS = (
    "code",
    "name",
    "category",
    "display_order",
    "active",
    "joined_year",
    "left_year",
)


def _cell_data(cell: Cell) -> dict:
    return {key: getattr(cell, key) for key in CELL_FIELDS}


KEEP = object()  # update_cell: leave the joined or left year as it is


def msg_reports_before(year: int) -> str:
    return (
        f"Chi bộ đã có báo cáo sinh hoạt năm {year}: năm bắt đầu tham gia không được sau năm đó."
    )


def msg_reports_after(year: int) -> str:
    return f"Chi bộ đã có báo cáo sinh hoạt năm {year}: năm rời thi đua phải sau năm đó."


def _report_years(cell: Cell | None) -> tuple[int | None, int | None]:
    """The first and last campaign years the cell has reports in."""
    if cell is None or cell.id is None:
        return None, None
    first, last = db.session.execute(
        sa.select(sa.func.min(Campaign.year), sa.func.max(Campaign.year))
        .join(Report, Report.campaign_id == Campaign.id)
        .where(Report.cell_id == cell.id)
    ).one()
    return first, last


def _check_years(
    cell: Cell | None, joined_year: int | None, left_year: int | None, errors: dict
) -> None:
    """Plausible years, the left year not before the joined one, every year the cell reported
    in kept, and no closed year's participation changed (closed years never change)."""
    for field, value, label in (
        ("joined_year", joined_year, "Năm bắt đầu tham gia"),
        ("left_year", left_year, "Năm rời thi đua"),
    ):
        if value is not None and not 2000 <= value <= 2100:
            errors[field] = f"{label} không hợp lệ."
    if errors.keys() & {"joined_year", "left_year"}:
        return
    if joined_year is not None and left_year is not None and left_year < joined_year:
        errors["left_year"] = "Năm rời thi đua không được trước năm bắt đầu tham gia."
        return
    first, last = _report_years(cell)
    if first is not None and joined_year is not None and first < joined_year:
        errors["joined_year"] = msg_reports_before(first)
    if last is not None and left_year is not None and last >= left_year:
        errors["left_year"] = msg_reports_after(last)
    if cell is None or cell.id is None or errors:
        return
    changed = [
        year
        for year in closed_years()
        if takes_part(cell.joined_year, cell.left_year, year)
        != takes_part(joined_year, left_year, year)
    ]
    if changed:
        years = ", ".join(str(year) for year in changed)
        message = (
            f"Năm thi đua đã khóa sổ ({years}) không thay đổi nữa: không được thêm hay bớt "
            "chi bộ tham gia năm đó."
        )
        field = "left_year" if left_year != cell.left_year else "joined_year"
        errors[field] = message


def _default_left_year(cell: Cell, joined_year: int | None) -> int:
    """The year a closed cell leaves from, unless told: the year after its last report; a
    cell without reports leaves from the year it joined (or this year)."""
    _first, last = _report_years(cell)
    if last is not None:
        return last + 1
    return joined_year if joined_year is not None else clock.today().year


def _check_cell_fields(name: str, display_order: int | None, *, exclude_id: int | None) -> dict:
    errors = {}
    if not name:
        errors["name"] = "Nhập tên chi bộ."
    elif len(name) > 200:
        errors["name"] = "Tên chi bộ không quá 200 ký tự."
    else:
        same_name = sa.select(Cell.id).where(sa.func.lower(Cell.name) == name.lower())
        if exclude_id is not None:
            same_name = same_name.where(Cell.id != exclude_id)
        if db.session.scalar(same_name.limit(1)) is not None:
            errors["name"] = "Đã có chi bộ mang tên này."
    if display_order is None or not 0 <= display_order <= 10_000:
        errors["display_order"] = "Thứ tự hiển thị là số nguyên từ 0 đến 10000."
    return errors


def create_cell(
    *,
    code: str,
    name: str,
    category: CellCategory,
    display_order: int,
    actor: User,
    joined_year: int | None | object = KEEP,
    left_year: int | None = None,
) -> Cell:
    """Add a cell; its code is stable (used by the API and imports) and never changes.

    ``joined_year``: the first campaign year it takes part in (None: every year); by default
    this year, as a cell added now has no part in the years before.
    """
    code = (code or "").strip().lower()
    name = normalise(name)
    if joined_year is KEEP:
        joined_year = clock.today().year
    errors = _check_cell_fields(name, display_order, exclude_id=None)
    _check_years(None, joined_year, left_year, errors)
    if not CELL_CODE_PATTERN.match(code):
        errors["code"] = (
            "Mã gồm 2–40 ký tự: chữ thường không dấu, số hoặc gạch ngang (ví dụ ap-moi)."
        )
    elif cell_by_code(code) is not None:
        raise Conflict("Mã chi bộ đã được dùng.", {"code": "Mã này đã có chi bộ khác dùng."})
    if errors:
        raise ValidationFailed("Thông tin chi bộ chưa hợp lệ.", errors)
    cell = Cell(
        code=code,
        name=name,
        category=category,
        display_order=display_order,
        active=True,
        joined_year=joined_year,
        left_year=left_year,
    )
    db.session.add(cell)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as error:
        raise Conflict(
            "Mã chi bộ đã được dùng.", {"code": "Mã này đã có chi bộ khác dùng."}
        ) from error
    audit.record(
        "cell.create",
        actor=actor,
        object_type="cell",
        object_id=cell.id,
        cell_id=cell.id,
        summary=f"Thêm chi bộ {cell.name} ({cell.code})",
        after=_cell_data(cell),
    )
    return cell


def update_cell(
    cell: Cell,
    *,
    name: str,
    category: CellCategory,
    display_order: int,
    active: bool,
    actor: User,
    joined_year: int | None | object = KEEP,
    left_year: int | None | object = KEEP,
) -> Cell:
    """Change a cell's name, category, place in lists, active flag, joined or left year
    (never its code).

    A cell still holding active members cannot be closed: they are transferred first. Closing
    a cell (dissolved or merged) ends its part in the competition from ``left_year`` on (by
    default the year after its last report): it keeps its results in the years before. The
    years cannot pass a year the cell has reports in, nor change a closed year.
    """
    name = normalise(name)
    errors = _check_cell_fields(name, display_order, exclude_id=cell.id)
    if joined_year is KEEP:
        joined_year = cell.joined_year
    if left_year is KEEP:
        left_year = cell.left_year
        if cell.active and not active and left_year is None:
            left_year = _default_left_year(cell, joined_year)
    _check_years(cell, joined_year, left_year, errors)
    if errors:
        raise ValidationFailed("Thông tin chi bộ chưa hợp lệ.", errors)
    if cell.active and not active:
        members = db.session.scalar(
            sa.select(sa.func.count(Member.id)).where(
                Member.cell_id == cell.id, Member.active.is_(True)
            )
        )
        if members:
            raise Conflict(
                "Chi bộ còn đảng viên đang sinh hoạt.",
                {
                    "active": f"Chi bộ còn {members} đảng viên đang sinh hoạt; hãy chuyển sinh "
                    "hoạt của họ sang chi bộ khác trước khi ngừng hoạt động chi bộ."
                },
            )
        secretaries = db.session.scalar(
            sa.select(sa.func.count(User.id)).where(
                User.cell_id == cell.id, User.active.is_(True)
            )
        )
        if secretaries:
            raise Conflict(
                "Chi bộ còn tài khoản bí thư đang dùng.",
                {
                    "active": f"Chi bộ còn {secretaries} tài khoản bí thư đang dùng; hãy khóa "
                    "hoặc chuyển các tài khoản đó sang chi bộ khác trước."
                },
            )
    cell.name = name
    cell.category = category
    cell.display_order = display_order
    cell.active = active
    cell.joined_year = joined_year
    cell.left_year = left_year
    audit.record_changes(
        "cell.update",
        cell,
        CELL_FIELDS,
        actor=actor,
        object_type="cell",
        object_id=cell.id,
        cell_id=cell.id,
        summary=f"Cập nhật chi bộ {cell.name} ({cell.code})",
    )
    db.session.flush()
    return cell


# --------------------------------------------------------------------------------------------
# Campaign years: rubric and settings


def report_count(campaign: Campaign) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Report.id)).where(Report.campaign_id == campaign.id)
    )


def rubric_lock_reason(campaign: Campaign) -> str | None:
    """Why the rubric of this year can no longer change, or None while it still can."""
    if campaign.is_closed:
        return f"Năm thi đua {campaign.year} đã khóa sổ; thang điểm không thay đổi được nữa."
    reports = report_count(campaign)
    if reports:
        return (
            f"Thang điểm năm {campaign.year} đã khóa vì đã có {reports} báo cáo sinh hoạt chi bộ "
            "của năm này: mọi báo cáo phải được chấm theo cùng một thang điểm. Chỉ sửa được "
            "thang điểm khi chưa có báo cáo nào."
        )
    return None


@dataclass(frozen=True)
class RubricLineInput:
    """One line of a rubric as typed: ``key`` names its fields in the errors ("<key>-code")."""

    key: str
    criterion_id: int | None
    code: str
    title: str
    max_points: str | Decimal | int | None
    gate: bool
    order: int | None


def _rubric_data(criteria: list[Criterion]) -> list[dict]:
    return [
        {
            "code": c.code,
            "title": c.title,
            "max_points": to_points(c.max_half_points),
            "gate": c.gate,
            "position": c.position,
        }
        for c in sorted(criteria, key=lambda c: (c.position, c.id or 0))
    ]


def _parse_rubric_lines(
    lines: list[RubricLineInput],
) -> list[tuple[RubricLineInput, str, str, int]]:
    """Check every line; return (line, code, title, max half-points) or raise with all errors."""
    errors: dict[str, str] = {}
    parsed = []
    seen_codes: dict[str, str] = {}
    for line in lines:
        code = (line.code or "").strip().lower()
        title = normalise(line.title)
        if not CRITERION_CODE_PATTERN.match(code):
            errors[f"{line.key}-code"] = (
                "Mã gồm 2–40 ký tự: chữ thường không dấu, số hoặc gạch dưới, bắt đầu bằng chữ."
            )
        elif code in seen_codes:
            errors[f"{line.key}-code"] = "Mã này trùng với một tiêu chí khác."
        seen_codes.setdefault(code, line.key)
        if not title:
            errors[f"{line.key}-title"] = "Nhập nội dung tiêu chí."
        elif len(title) > 300:
            errors[f"{line.key}-title"] = "Nội dung không quá 300 ký tự."
        half_points = None
        text = str(line.max_points if line.max_points is not None else "").strip()
        try:
            half_points = to_half_points(text) if text else None
        except ValueError:
            errors[f"{line.key}-max_points"] = "Nhập một số, ví dụ 10 hoặc 7,5."
        else:
            if not text:
                errors[f"{line.key}-max_points"] = "Nhập điểm tối đa."
            elif half_points is None:
                errors[f"{line.key}-max_points"] = "Điểm tối đa phải là bội số của 0,5."
            elif not 0 < half_points <= RUBRIC_TOTAL_HALF_POINTS:
                errors[f"{line.key}-max_points"] = "Điểm tối đa phải lớn hơn 0 và không quá 100."
        if line.order is None or not 0 <= line.order <= 1000:
            errors[f"{line.key}-order"] = "Thứ tự là số nguyên từ 0 đến 1000."
        parsed.append((line, code, title, half_points or 0))
    if not lines:
        errors["rubric"] = "Thang điểm cần ít nhất một tiêu chí."
    elif len(lines) > MAX_CRITERIA:
        errors["rubric"] = f"Thang điểm có tối đa {MAX_CRITERIA} tiêu chí."
    if errors:
        raise ValidationFailed("Thang điểm chưa hợp lệ; xem các ô được đánh dấu.", errors)
    total = sum(half for *_ignored, half in parsed)
    if total != RUBRIC_TOTAL_HALF_POINTS:
        raise ValidationFailed(
            "Tổng điểm tối đa của thang điểm phải là 100.",
            {
                "rubric": "Tổng điểm tối đa của các tiêu chí phải đúng 100 điểm (hiện là "
                f"{str(to_points(total)).replace('.', ',')}): các mức xếp loại 90, 70, 50 "
                "điểm tính trên thang 100."
            },
        )
    return parsed


def replace_rubric(
    campaign: Campaign, lines: list[RubricLineInput], *, actor: User
) -> list[Criterion]:
    """Set the criteria of a campaign year (add, change, remove, reorder) in one change.

    Only while no report of that year exists; the total must stay 100 points.
    """
    reason = rubric_lock_reason(campaign)
    if reason:
        raise Conflict(reason)
    parsed = _parse_rubric_lines(lines)
    existing = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Criterion).where(Criterion.campaign_id == campaign.id)
        )
    }
    before = _rubric_data(list(existing.values()))
    for line, *_rest in parsed:
        if line.criterion_id is not None and line.criterion_id not in existing:
            raise ValidationFailed(
                "Tiêu chí không thuộc thang điểm năm này; tải lại trang rồi thử lại.",
                {f"{line.key}-code": "Tiêu chí không còn tồn tại."},
            )
    kept_ids = {line.criterion_id for line, *_rest in parsed if line.criterion_id is not None}

    # Remove first, then move kept codes out of the way, so that the unique (year, code)
    # constraint holds at every step even when codes are swapped or reused.
    for criterion_id, criterion in existing.items():
        if criterion_id not in kept_ids:
            db.session.delete(criterion)
    db.session.flush()
    for criterion_id in kept_ids:
        existing[criterion_id].code = f"~{criterion_id}"
    db.session.flush()

    def place(item):
        # On equal order numbers, a new line or one given a new number takes the place it
        # asked for, ahead of the line that held it.
        index, (line, *_rest) = item
        kept = existing.get(line.criterion_id) if line.criterion_id is not None else None
        moved = kept is None or kept.position != line.order
        return (line.order, 0 if moved else 1, index)

    ordered = sorted(enumerate(parsed), key=place)
    result = []
    for position, (_index, (line, code, title, half_points)) in enumerate(ordered, start=1):
        criterion = existing.get(line.criterion_id) if line.criterion_id is not None else None
        if criterion is None:
            criterion = Criterion(campaign_id=campaign.id)
            db.session.add(criterion)
        criterion.code = code
        criterion.title = title
        criterion.max_half_points = half_points
        criterion.gate = bool(line.gate)
        criterion.position = position
        result.append(criterion)
    db.session.flush()
    db.session.expire(campaign, ["criteria"])
    after = _rubric_data(result)
    if after != before:
        audit.record(
            "rubric.update",
            actor=actor,
            object_type="campaign",
            object_id=campaign.id,
            summary=f"Cập nhật thang điểm năm {campaign.year}",
            before={"criteria": before},
            after={"criteria": after},
        )
    return result


SETTINGS_FIELDS = ("young_age_limit", "award_quota", "award_form", "individual_min_speeches")


def update_campaign_settings(
    campaign: Campaign,
    *,
    young_age_limit: int | None,
    award_quota: int | None,
    award_form: str,
    individual_min_speeches: int | None,
    actor: User,
) -> Campaign:
    """Change the settings of a campaign year (they stay editable after reports exist)."""
    if campaign.is_closed:
        raise Conflict(f"Năm thi đua {campaign.year} đã khóa sổ; không thay đổi được thiết lập.")
    award_form = normalise(award_form)
    errors = {}
    if young_age_limit is None or not 18 <= young_age_limit <= 60:
        errors["young_age_limit"] = "Tuổi là số nguyên từ 18 đến 60."
    if award_quota is None or not 0 <= award_quota <= 50:
        errors["award_quota"] = "Số tập thể là số nguyên từ 0 đến 50."
    if not award_form:
        errors["award_form"] = "Nhập hình thức khen thưởng."
    elif len(award_form) > 300:
        errors["award_form"] = "Không quá 300 ký tự."
    if individual_min_speeches is None or not 0 <= individual_min_speeches <= 100:
        errors["individual_min_speeches"] = "Số lần là số nguyên từ 0 đến 100."
    if errors:
        raise ValidationFailed("Thiết lập chưa hợp lệ.", errors)
    campaign.young_age_limit = young_age_limit
    campaign.award_quota = award_quota
    campaign.award_form = award_form
    campaign.individual_min_speeches = individual_min_speeches
    audit.record_changes(
        "campaign.settings",
        campaign,
        SETTINGS_FIELDS,
        actor=actor,
        object_type="campaign",
        object_id=campaign.id,
        summary=f"Cập nhật thiết lập năm thi đua {campaign.year}",
    )
    db.session.flush()
    return campaign
