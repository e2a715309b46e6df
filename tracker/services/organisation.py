"""The organisation: the committee, its cells, and the rubric and settings of campaign years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from .. import clock
from ..domain.scoring import to_half_points, to_points
from ..domain.vietnamese import normalise
from ..extensions import db
from ..models import Campaign, Cell, CellCategory, Committee, Criterion, Member, Report, User
from . import Conflict, NotFound, ValidationFailed, audit

CELL_CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
CRITERION_CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
RUBRIC_TOTAL_HALF_POINTS = 200  # the grade bands (90 / 70 / 50) are points out of 100
MAX_CRITERIA = 30


# --------------------------------------------------------------------------------------------
# Committee


def _committee_data(committee: Committee) -> dict:
    return {
        "name": committee.name,
        "superior_body": committee.superior_body,
        "place_name": committee.place_name,
        "issuer_code": committee.issuer_code,
        "secretary_name": committee.secretary_name,
    }


def get_committee() -> Committee:
    committee = db.session.scalar(sa.select(Committee).order_by(Committee.id).limit(1))
    if committee is None:
        raise NotFound("Chưa có thông tin Đảng ủy (chạy flask init-db).")
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
) -> Committee:
    """Change what the committee's printed documents say about it."""
    values = {
        "name": normalise(name),
        "superior_body": normalise(superior_body),
        "place_name": normalise(place_name),
        "issuer_code": normalise(issuer_code),
        "secretary_name": normalise(secretary_name),
    }
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
    if errors:
        raise ValidationFailed("Thông tin Đảng ủy chưa hợp lệ.", errors)

    before = _committee_data(committee)
    for key, value in values.items():
        setattr(committee, key, value)
    db.session.flush()
    after = _committee_data(committee)
    if after != before:
        audit.record(
            "committee.update",
            actor=actor,
            object_type="committee",
            object_id=committee.id,
            summary="Cập nhật thông tin Đảng ủy",
            before=before,
            after=after,
        )
    return committee


# --------------------------------------------------------------------------------------------
# Cells


def _cell_data(cell: Cell) -> dict:
    return {
        "code": cell.code,
        "name": cell.name,
        "category": cell.category,
        "display_order": cell.display_order,
        "active": cell.active,
        "joined_year": cell.joined_year,
    }


KEEP = object()  # update_cell: leave the joined year as it is


def msg_reports_before(year: int) -> str:
    return (
        f"Chi bộ đã có báo cáo sinh hoạt năm {year}: năm bắt đầu tham gia không được sau năm đó."
    )


def _check_joined_year(cell: Cell | None, joined_year: int | None, errors: dict) -> None:
    """A joined year is a plausible year, and not after a year the cell already reported in."""
    if joined_year is None:
        return
    if not 2000 <= joined_year <= 2100:
        errors["joined_year"] = "Năm bắt đầu tham gia không hợp lệ."
        return
    if cell is None or cell.id is None:
        return
    earliest = db.session.scalar(
        sa.select(sa.func.min(Campaign.year))
        .join(Report, Report.campaign_id == Campaign.id)
        .where(Report.cell_id == cell.id)
    )
    if earliest is not None and earliest < joined_year:
        errors["joined_year"] = msg_reports_before(earliest)


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
    _check_joined_year(None, joined_year, errors)
    if not CELL_CODE_PATTERN.match(code):
        errors["code"] = (
            "Mã gồm 2–40 ký tự: chữ thường không dấu, số hoặc gạch ngang (ví dụ ap-moi)."
        )
    elif db.session.scalar(sa.select(Cell.id).where(Cell.code == code)) is not None:
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
) -> Cell:
    """Change a cell's name, category, place in lists, active flag or joined year (never its
    code).

    A cell still holding active members cannot be closed: they are transferred first. The
    joined year cannot pass a year the cell has reports in.
    """
    name = normalise(name)
    errors = _check_cell_fields(name, display_order, exclude_id=cell.id)
    if joined_year is KEEP:
        joined_year = cell.joined_year
    _check_joined_year(cell, joined_year, errors)
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
    before = _cell_data(cell)
    cell.name = name
    cell.category = category
    cell.display_order = display_order
    cell.active = active
    cell.joined_year = joined_year
    db.session.flush()
    after = _cell_data(cell)
    if after != before:
        audit.record(
            "cell.update",
            actor=actor,
            object_type="cell",
            object_id=cell.id,
            cell_id=cell.id,
            summary=f"Cập nhật chi bộ {cell.name} ({cell.code})",
            before=before,
            after=after,
        )
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


def _settings_data(campaign: Campaign) -> dict:
    return {
        "young_age_limit": campaign.young_age_limit,
        "award_quota": campaign.award_quota,
        "award_form": campaign.award_form,
        "individual_min_speeches": campaign.individual_min_speeches,
    }


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
    before = _settings_data(campaign)
    campaign.young_age_limit = young_age_limit
    campaign.award_quota = award_quota
    campaign.award_form = award_form
    campaign.individual_min_speeches = individual_min_speeches
    db.session.flush()
    after = _settings_data(campaign)
    if after != before:
        audit.record(
            "campaign.settings",
            actor=actor,
            object_type="campaign",
            object_id=campaign.id,
            summary=f"Cập nhật thiết lập năm thi đua {campaign.year}",
            before=before,
            after=after,
        )
    return campaign
