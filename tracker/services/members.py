"""The member register: add, edit, deactivate, transfer between cells, import from Excel."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import clock
from ..domain.vietnamese import ascii_fold, collation_key, normalise
from ..extensions import db
from ..models import Cell, CellRole, Gender, Member, MemberStatus, MemberTransfer, User
from ..spreadsheets import (
    MEMBER_COLUMNS,
    MEMBER_HEADERS,
    MEMBER_SHEET,
    NO,
    YES,
    RowError,
    SpreadsheetError,
    Table,
    TableSpec,
    describe_value,
    read_table,
    rejected_rows_message,
)
from . import Conflict, ValidationFailed, audit

MIN_BIRTH_YEAR = 1900
MIN_MEMBER_AGE = 18  # the Party admits members from 18
# Letters of any script (Vietnamese, Khmer names in Latin letters), spaces, hyphen, apostrophe.
_NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$")
TRANSFER_REASON_MAX = 300


@dataclass(frozen=True)
class MemberInput:
    """A member's own data as typed in a form or a spreadsheet row."""

    full_name: str
    gender: Gender | None
    birth_year: int | None
    ethnicity: str
    status: MemberStatus | None
    exempted: bool
    cell_role: CellRole | None


def latest_birth_year() -> int:
    return clock.today().year - MIN_MEMBER_AGE


def check_member_input(data: MemberInput) -> dict[str, str]:
    """Return the problems of a member's data by field (empty when it is valid)."""
    errors = {}
    name = normalise(data.full_name)
    if not name:
        errors["full_name"] = "Nhập họ và tên."
    elif len(name) > 120:
        errors["full_name"] = "Họ và tên không quá 120 ký tự."
    elif not _NAME_PATTERN.match(name):
        errors["full_name"] = "Họ và tên chỉ gồm chữ cái và dấu cách."
    elif " " not in name:
        errors["full_name"] = "Nhập đủ họ và tên (ít nhất hai chữ), ví dụ Nguyễn Thị Hoa."
    if data.gender is None:
        errors["gender"] = "Chọn giới tính (Nam hoặc Nữ)."
    latest = latest_birth_year()
    if data.birth_year is None or not MIN_BIRTH_YEAR <= data.birth_year <= latest:
        errors["birth_year"] = f"Năm sinh là số từ {MIN_BIRTH_YEAR} đến {latest}."
    ethnicity = normalise(data.ethnicity)
    if len(ethnicity) > 40:
        errors["ethnicity"] = "Dân tộc không quá 40 ký tự."
    elif ethnicity and not _NAME_PATTERN.match(ethnicity):
        errors["ethnicity"] = "Dân tộc chỉ gồm chữ cái, ví dụ Kinh, Khmer, Hoa."
    if data.status is None:
        errors["status"] = "Chọn Chính thức hoặc Dự bị."
    if data.cell_role is None:
        errors["cell_role"] = "Chọn chức vụ trong chi bộ."
    return errors


def _member_data(member: Member) -> dict[str, Any]:
    return {
        "full_name": member.full_name,
        "gender": member.gender,
        "birth_year": member.birth_year,
        "ethnicity": member.ethnicity,
        "status": member.status,
        "exempted": member.exempted,
        "cell_role": member.cell_role,
        "cell": member.cell.code,
        "active": member.active,
    }


def _apply(member: Member, data: MemberInput) -> None:
    member.full_name = normalise(data.full_name)
    member.gender = data.gender
    member.birth_year = data.birth_year
    member.ethnicity = normalise(data.ethnicity) or "Kinh"
    member.status = data.status
    member.exempted = bool(data.exempted)
    member.cell_role = data.cell_role


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed("Thông tin đảng viên chưa hợp lệ.", errors)


def create_member(data: MemberInput, *, cell: Cell, actor: User, summary: str = "") -> Member:
    """Add a member to an active cell."""
    errors = check_member_input(data)
    if cell is None:
        errors["cell"] = "Chọn chi bộ."
    elif not cell.active:
        errors["cell"] = "Chi bộ này đã ngừng hoạt động."
    _refuse(errors)
    member = Member(cell=cell, active=True)
    _apply(member, data)
    db.session.add(member)
    db.session.flush()
    audit.record(
        "member.create",
        actor=actor,
        object_type="member",
        object_id=member.id,
        cell_id=cell.id,
        summary=summary or f"Thêm đảng viên {member.full_name} vào {cell.name}",
        after=_member_data(member),
    )
    return member


def update_member(member: Member, data: MemberInput, *, actor: User) -> Member:
    """Change a member's own data (a move to another cell is a transfer)."""
    _refuse(check_member_input(data))
    before = _member_data(member)
    _apply(member, data)
    db.session.flush()
    after = _member_data(member)
    if after != before:
        audit.record(
            "member.update",
            actor=actor,
            object_type="member",
            object_id=member.id,
            cell_id=member.cell_id,
            summary=f"Cập nhật đảng viên {member.full_name}",
            before=before,
            after=after,
        )
    return member


def set_member_active(member: Member, active: bool, *, actor: User) -> Member:
    """Mark a member as no longer attending in the committee's cells, or back again."""
    if member.active == active:
        return member
    if active and not member.cell.active:
        raise Conflict(
            "Chi bộ của đảng viên đã ngừng hoạt động; hãy chuyển sinh hoạt sang chi bộ khác.",
            {"cell": "Chi bộ đã ngừng hoạt động."},
        )
    member.active = active
    audit.record_changes(
        "member.reactivate" if active else "member.deactivate",
        member,
        ["active"],
        actor=actor,
        object_type="member",
        object_id=member.id,
        cell_id=member.cell_id,
        summary=f"{'Cho sinh hoạt lại' if active else 'Thôi sinh hoạt'}: {member.full_name}",
    )
    db.session.flush()
    return member


def transfer_member(
    member: Member,
    *,
    to_cell: Cell | None,
    on: dt.date | None,
    reason: str = "",
    cell_role: CellRole | None = CellRole.MEMBER,
    actor: User,
    allow_inactive: bool = False,
) -> MemberTransfer:
    """Move a member to another cell, keeping the move in the member's history.

    ``allow_inactive`` lets an import move a member who stopped attending (she is then
    reactivated in the new cell by the same import).
    """
    reason = normalise(reason)
    errors = {}
    if to_cell is None:
        errors["to_cell"] = "Chọn chi bộ chuyển đến."
    elif to_cell.id == member.cell_id:
        errors["to_cell"] = "Đảng viên đang sinh hoạt ở chi bộ này."
    elif not to_cell.active:
        errors["to_cell"] = "Chi bộ này đã ngừng hoạt động."
    today = clock.today()
    last = db.session.scalar(
        sa.select(sa.func.max(MemberTransfer.transferred_on)).where(
            MemberTransfer.member_id == member.id
        )
    )
    if on is None:
        errors["on"] = "Nhập ngày chuyển sinh hoạt."
    elif on > today:
        errors["on"] = "Ngày chuyển không được sau hôm nay."
    elif on.year < MIN_BIRTH_YEAR:
        errors["on"] = "Ngày chuyển không hợp lệ."
    elif last is not None and on < last:
        errors["on"] = f"Ngày chuyển không được trước lần chuyển gần nhất ({last:%d/%m/%Y})."
    if len(reason) > TRANSFER_REASON_MAX:
        errors["reason"] = f"Lý do không quá {TRANSFER_REASON_MAX} ký tự."
    if cell_role is None:
        errors["cell_role"] = "Chọn chức vụ ở chi bộ mới."
    if not member.active and not allow_inactive:
        raise Conflict(
            "Đảng viên đã thôi sinh hoạt; hãy cho sinh hoạt lại trước khi chuyển.",
            {"to_cell": "Đảng viên đã thôi sinh hoạt."},
        )
    if errors:
        raise ValidationFailed("Chưa chuyển được sinh hoạt.", errors)

    before = _member_data(member)
    from_cell = member.cell
    transfer = MemberTransfer(
        member=member,
        from_cell_id=from_cell.id,
        to_cell_id=to_cell.id,
        transferred_on=on,
        reason=reason,
        created_by_id=actor.id,
    )
    db.session.add(transfer)
    member.cell = to_cell
    member.cell_role = cell_role
    db.session.flush()
    audit.record(
        "member.transfer",
        actor=actor,
        object_type="member",
        object_id=member.id,
        cell_id=to_cell.id,
        summary=f"Chuyển {member.full_name} từ {from_cell.name} sang {to_cell.name}",
        before=before,
        after={**_member_data(member), "transferred_on": on, "reason": reason},
    )
    return transfer


# --------------------------------------------------------------------------------------------
# Import from the Excel template


class ImportRejected(ValidationFailed):
    """An import refused as a whole; ``row_errors`` lists every bad row."""

    def __init__(self, message: str, row_errors: list[RowError] | None = None):
        super().__init__(message, {"file": message})
        self.row_errors = row_errors or []


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    transferred: int = 0
    unchanged: int = 0
    members: list[Member] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.transferred + self.unchanged


def _choice_table(pairs) -> dict[str, Any]:
    return {ascii_fold(label).casefold(): value for label, value in pairs}


_GENDERS = _choice_table((member.label, member) for member in Gender)
_STATUSES = _choice_table((member.label, member) for member in MemberStatus)
_CELL_ROLES = _choice_table((member.label, member) for member in CellRole)
_YES_NO = _choice_table([(YES, True), (NO, False)])


@dataclass
class _ParsedRow:
    number: int
    member_id: int | None
    data: MemberInput
    cell_code: str
    active: bool


def _whole_number(value: Any) -> int | None:
    """A whole number from a cell (1970, 1970.0 or "1970"); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\d{1,9}", value.strip()):
        return int(value)
    return None


def _text(value: Any) -> str:
    """A cell's value as text, as a person typed it (a date as 01/05/1980)."""
    return describe_value(value)


def _parse_row(values: dict[str, Any], number: int) -> tuple[_ParsedRow, list[str]]:
    """Read one row; return what it says and its problems (empty when the row is valid)."""
    h = MEMBER_HEADERS
    problems: list[str] = []

    def coded(header: str, table: dict[str, Any], default: Any, allowed: str):
        raw = _text(values.get(header))
        if not raw:
            return default
        found = table.get(ascii_fold(raw).casefold())
        if found is None:
            problems.append(f"{header} “{raw}” không hợp lệ (chọn {allowed}).")
        return found

    member_id = None
    raw_id = values.get(h.id)
    if raw_id not in (None, ""):
        member_id = _whole_number(raw_id)
        if member_id is None or member_id <= 0:
            problems.append(f"{h.id} “{_text(raw_id)}” không hợp lệ (để trống với đảng viên mới).")
            member_id = None

    full_name = _text(values.get(h.full_name))
    gender = coded(h.gender, _GENDERS, None, " hoặc ".join(g.label for g in Gender))
    if not _text(values.get(h.gender)):
        problems.append(f"Thiếu {h.gender.lower()}.")
    raw_year = values.get(h.birth_year)
    birth_year = _whole_number(raw_year)
    if raw_year in (None, ""):
        problems.append(f"Thiếu {h.birth_year.lower()}.")
    elif birth_year is None:
        problems.append(f"{h.birth_year} “{_text(raw_year)}” không phải là năm (ví dụ 1975).")
    status = coded(h.status, _STATUSES, MemberStatus.OFFICIAL, "Chính thức hoặc Dự bị")
    exempted = coded(h.exempted, _YES_NO, False, f"{YES} hoặc {NO}")
    cell_role = coded(
        h.cell_role, _CELL_ROLES, CellRole.MEMBER, ", ".join(r.label for r in CellRole)
    )
    active = coded(h.active, _YES_NO, True, f"{YES} hoặc {NO}")
    cell_code = _text(values.get(h.cell_code)).lower()
    if not cell_code:
        problems.append(f"Thiếu {h.cell_code.lower()}.")

    data = MemberInput(
        full_name=full_name,
        gender=gender,
        birth_year=birth_year,
        ethnicity=_text(values.get(h.ethnicity)),
        status=status,
        exempted=bool(exempted),
        cell_role=cell_role,
    )
    field_errors = check_member_input(data)
    for key in ("full_name", "ethnicity"):
        if key in field_errors:
            problems.append(field_errors[key])
    if birth_year is not None and "birth_year" in field_errors:
        problems.append(field_errors["birth_year"])
    return _ParsedRow(number, member_id, data, cell_code, bool(active)), problems


def _person_key(name: str, birth_year: int | None) -> tuple:
    return (collation_key(normalise(name).lower()), birth_year)


def _unaccented_key(name: str, birth_year: int | None) -> tuple:
    """A person's key without diacritics: "Ngo Minh Cuong" and "Ngô Minh Cường" meet."""
    return (ascii_fold(name).lower(), birth_year)


def _typed_without_accents(name: str) -> bool:
    """A name typed without Vietnamese accents (a keyboard without Telex, a copied list)."""
    name = normalise(name)
    return name == ascii_fold(name) and any(c.isalpha() for c in name)


MEMBER_FILE = TableSpec(
    headers=tuple(column.header for column in MEMBER_COLUMNS), sheet_title=MEMBER_SHEET
)


@dataclass(frozen=True)
class MemberFile:
    """An uploaded member register, read and checked as a table (no database needed)."""

    rows: list[tuple[int, dict[str, Any]]]  # (sheet row number, values by template header)


def read_member_file(data: bytes) -> MemberFile:
    """Read an uploaded register: its header row found on any sheet, below title rows.

    Needs no database, so that a view reads the file before taking the write lock. Raises
    ImportRejected (a Vietnamese message) for a file that is not the template.
    """
    try:
        table: Table = read_table(data, spec=MEMBER_FILE)
    except SpreadsheetError as error:
        raise ImportRejected(error.message) from error
    missing = table.missing(MEMBER_FILE.headers)
    if missing:
        where = "" if table.header_row == 1 else f" (dòng tiêu đề: dòng {table.header_row})"
        raise ImportRejected(
            "Tệp không đúng mẫu: thiếu cột "
            + ", ".join(f"“{m}”" for m in missing)
            + f"{where}. Hãy tải mẫu nhập và giữ nguyên dòng tiêu đề."
        )
    if not table.rows:
        raise ImportRejected("Tệp không có dòng dữ liệu nào.")
    return MemberFile(table.by_expected(MEMBER_FILE.headers))


def import_members(data: bytes | MemberFile, *, actor: User) -> ImportResult:
    """Import the member register from the Excel template: all rows or none.

    A row with a "Mã" updates that member (a different cell code transfers her, with
    history); a row without one adds a member. Any invalid row refuses the whole file and
    every bad row is reported with its number and reasons. ``data`` is the file, or what
    ``read_member_file`` read of it.
    """
    rows = (data if isinstance(data, MemberFile) else read_member_file(data)).rows

    cells = {cell.code: cell for cell in db.session.scalars(sa.select(Cell))}
    wanted_ids = set()
    for _number, values in rows:
        member_id = _whole_number(values.get(MEMBER_HEADERS.id))
        if member_id:
            wanted_ids.add(member_id)
    existing = (
        {
            member.id: member
            for member in db.session.scalars(
                sa.select(Member).where(Member.id.in_(wanted_ids)).options(joinedload(Member.cell))
            )
        }
        if wanted_ids
        else {}
    )
    active_people = db.session.execute(
        sa.select(Member.id, Member.full_name, Member.birth_year, Member.cell_id).where(
            Member.active.is_(True)
        )
    ).all()
    known_people = {
        (_person_key(name, year), cell_id): member_id
        for member_id, name, year, cell_id in active_people
    }
    # The same people without accents: a name typed without them is taken for a new member.
    unaccented_people = {
        (_unaccented_key(name, year), cell_id): (member_id, name)
        for member_id, name, year, cell_id in active_people
    }

    checked = []
    seen_ids: dict[int, int] = {}
    for number, values in rows:
        parsed, problems = _parse_row(values, number)
        own_fields_valid = not problems
        cell = cells.get(parsed.cell_code)
        member = existing.get(parsed.member_id) if parsed.member_id else None
        if parsed.cell_code and cell is None:
            problems.append(f"Không có chi bộ mã “{parsed.cell_code}” (xem trang “Chi bộ”).")
        if parsed.member_id is not None:
            if member is None:
                problems.append(f"Không có đảng viên mã {parsed.member_id}.")
            elif parsed.member_id in seen_ids:
                problems.append(f"Mã {parsed.member_id} đã có ở dòng {seen_ids[parsed.member_id]}.")
            seen_ids.setdefault(parsed.member_id, number)
        if cell is not None and not cell.active and (member is None or member.cell_id != cell.id):
            problems.append(f"Chi bộ “{cell.code}” đã ngừng hoạt động.")
        if (
            cell is not None
            and member is not None
            and member.cell_id != cell.id
            and not parsed.active
        ):
            problems.append("Không thể vừa chuyển chi bộ vừa thôi sinh hoạt trong cùng một dòng.")
        person = None
        # A row with an id counts once it is valid (a repeated id is its own error).
        counts = own_fields_valid and (parsed.member_id is None or not problems)
        if cell is not None and parsed.active and counts:
            person = (_person_key(parsed.data.full_name, parsed.data.birth_year), cell.id)
        checked.append((parsed, problems, person))

    # The same person twice in one cell: against the stored members the file leaves as they
    # are, and between the rows of the file (a row that moves a member into a cell counts as
    # much as a row that adds one there).
    in_file = set(seen_ids)
    stored = {person: mid for person, mid in known_people.items() if mid not in in_file}
    first_row_of: dict[tuple, int] = {}
    row_errors: list[RowError] = []
    parsed_rows: list[_ParsedRow] = []
    for parsed, problems, person in checked:
        if person is not None:
            if parsed.member_id is None and person in stored:
                problems.append(
                    f"Chi bộ đã có đảng viên {normalise(parsed.data.full_name)} sinh năm "
                    f"{parsed.data.birth_year} (mã {stored[person]}); nếu là sửa thông "
                    f"tin thì ghi mã đó vào cột “{MEMBER_HEADERS.id}”."
                )
            elif person in first_row_of:
                problems.append(
                    f"Trùng với dòng {first_row_of[person]} (cùng họ tên, năm sinh, chi bộ)."
                )
            elif parsed.member_id is None and _typed_without_accents(parsed.data.full_name):
                bare = (_unaccented_key(parsed.data.full_name, parsed.data.birth_year), person[1])
                if bare in unaccented_people and unaccented_people[bare][0] not in in_file:
                    member_id, name = unaccented_people[bare]
                    problems.append(
                        f"Tên “{normalise(parsed.data.full_name)}” gõ không dấu, trùng với đảng "
                        f"viên {name} sinh năm {parsed.data.birth_year} (mã {member_id}) của chi "
                        f"bộ: nếu là cùng người, ghi mã {member_id} vào cột "
                        f"“{MEMBER_HEADERS.id}”; nếu là người khác, gõ họ tên có dấu."
                    )
            first_row_of.setdefault(person, parsed.number)
        if problems:
            row_errors.append(RowError(parsed.number, tuple(problems)))
        else:
            parsed_rows.append(parsed)
    if row_errors:
        count = len(row_errors)
        raise ImportRejected(rejected_rows_message(count), row_errors)

    result = ImportResult()
    today = clock.today()
    for parsed in parsed_rows:
        cell = cells[parsed.cell_code]
        if parsed.member_id is None:
            member = create_member(
                parsed.data,
                cell=cell,
                actor=actor,
                summary=f"Nhập từ Excel: thêm {normalise(parsed.data.full_name)} vào {cell.name}",
            )
            if not parsed.active:
                set_member_active(member, False, actor=actor)
            result.created += 1
            result.members.append(member)
            continue
        member = existing[parsed.member_id]
        before = _member_data(member)
        moved = member.cell_id != cell.id
        if moved:
            transfer_member(
                member,
                to_cell=cell,
                on=today,
                reason="Nhập từ tệp Excel",
                cell_role=parsed.data.cell_role,
                actor=actor,
                allow_inactive=True,
            )
        update_member(member, parsed.data, actor=actor)
        if member.active != parsed.active:
            set_member_active(member, parsed.active, actor=actor)
        if moved:
            result.transferred += 1
        elif _member_data(member) != before:
            result.updated += 1
        else:
            result.unchanged += 1
        result.members.append(member)
    audit.record(
        "member.import",
        actor=actor,
        object_type="member",
        summary=(
            f"Nhập danh sách đảng viên từ Excel: {result.created} thêm mới, {result.updated} "
            f"cập nhật, {result.transferred} chuyển chi bộ, {result.unchanged} không đổi"
        ),
        after={
            "created": result.created,
            "updated": result.updated,
            "transferred": result.transferred,
            "unchanged": result.unchanged,
        },
    )
    return result
