"""Forms of the admin area: accounts, cells, the committee, rubrics and campaign settings.

A form checks every rule of its fields that the service would otherwise check only once the
form is valid (username and code formats, password length, a secretary's cell, a cell's name
already taken), so that one submission shows every field's error at once instead of revealing
them one round at a time. A code or username already taken is the service's conflict (409);
when the form has other errors anyway, ``add_taken_errors`` says it along with them. The
services keep their own checks: they decide.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from ..domain.vietnamese import normalise
from ..extensions import db
from ..models import Cell, CellCategory, Role, User
from ..queries import cell_by_code
from ..services import ServiceError
from ..services.accounts import check_password, check_username
from ..services.organisation import CELL_CODE_PATTERN
from ..webforms import DayField, Form, SubForm, select_choices

PASSWORD_HINT = "Ít nhất 8 ký tự. Người dùng nên đổi mật khẩu sau lần đăng nhập đầu."
# The services' messages, so that the form and the service say the same thing.
MSG_USERNAME_TAKEN = "Tên đăng nhập này đã có người dùng."
MSG_CELL_CODE = "Mã gồm 2–40 ký tự: chữ thường không dấu, số hoặc gạch ngang (ví dụ ap-moi)."
MSG_CELL_CODE_TAKEN = "Mã này đã có chi bộ khác dùng."
MSG_CELL_NAME_TAKEN = "Đã có chi bộ mang tên này."
MSG_SECRETARY_CELL = "Chọn chi bộ của bí thư."
MSG_CELL_CLOSED = "Chi bộ này đã ngừng hoạt động."
MSG_ISSUER_CODE = "Ký hiệu không chứa dấu cách hay dấu gạch chéo."


class Readable:
    """Stop at a value that could not be read ("abc" for a number): its message is given."""

    def __call__(self, form, field) -> None:
        if field.process_errors:
            raise StopValidation()


class ServiceCheck:
    """Run one of a service's own checks on a field's value (when there is a value)."""

    def __init__(self, check: Callable[[str], object]):
        self.check = check

    def __call__(self, form, field) -> None:
        if not field.data:
            return  # DataRequired speaks for an empty field
        try:
            self.check(field.data)
        except ServiceError as error:
            raise ValidationError(next(iter(error.fields.values()), error.message)) from None


class AccountForm(Form):
    """Fields an admin may change on any account."""

    full_name = StringField(
        "Họ và tên", validators=[DataRequired("Nhập họ và tên."), Length(max=120)]
    )
    role = SelectField(
        "Vai trò", choices=select_choices(Role.choices()), default=Role.SECRETARY.value
    )
    cell = SelectField("Chi bộ (với bí thư chi bộ)", choices=[], default="")

    def validate_cell(self, field) -> None:
        if self.role.data != Role.SECRETARY.value:
            return
        if not field.data:
            raise ValidationError(MSG_SECRETARY_CELL)
        cell = cell_by_code(field.data)
        if cell is not None and not cell.active:
            raise ValidationError(MSG_CELL_CLOSED)


class NewAccountForm(AccountForm):
    username = StringField(
        "Tên đăng nhập",
        validators=[
            DataRequired("Nhập tên đăng nhập."),
            Length(max=60),
            ServiceCheck(check_username),
        ],
        render_kw={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"},
    )
    password = PasswordField(
        "Mật khẩu ban đầu",
        validators=[DataRequired("Nhập mật khẩu."), Length(max=200), ServiceCheck(check_password)],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        "Nhập lại mật khẩu",
        validators=[
            DataRequired("Nhập lại mật khẩu."),
            EqualTo("password", "Hai lần nhập mật khẩu không khớp nhau."),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def add_taken_errors(self) -> None:
        """The form is refused anyway: also say that the username is taken, if it is."""
        if self.username.errors:
            return
        username = (self.username.data or "").strip().lower()
        if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
            self.username.errors = [MSG_USERNAME_TAKEN]


class ResetPasswordForm(Form):
    password = PasswordField(
        "Mật khẩu mới",
        validators=[
            DataRequired("Nhập mật khẩu mới."),
            Length(max=200),
            ServiceCheck(check_password),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[
            DataRequired("Nhập lại mật khẩu mới."),
            EqualTo("password", "Hai lần nhập mật khẩu không khớp nhau."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ActiveForm(Form):
    """A button that locks or unlocks something (CSRF only; the URL says which)."""


class CellForm(Form):
    """A cell's fields; ``editing_id`` is the cell being edited (None for a new one)."""

    editing_id: int | None = None

    name = StringField("Tên chi bộ", validators=[DataRequired("Nhập tên chi bộ."), Length(max=200)])
    category = SelectField("Loại chi bộ", choices=select_choices(CellCategory.choices()))
    display_order = IntegerField(
        "Thứ tự hiển thị",
        validators=[InputRequired("Nhập thứ tự hiển thị."), Readable(), NumberRange(0, 10_000)],
        default=0,
    )
    active = BooleanField("Đang hoạt động", default=True)
    joined_year = SelectField("Tham gia thi đua từ năm", choices=[], default="")
    left_year = SelectField("Rời thi đua từ năm", choices=[], default="")

    def offer_years(self, campaign_years: list[int], this_year: int) -> None:
        """The campaign years (this one and the next too) to choose from, or none ("")."""
        years = sorted({*campaign_years, this_year, this_year + 1})
        self.joined_year.choices = select_choices(
            [("", "Mọi năm thi đua")] + [(str(y), str(y)) for y in years]
        )
        self.left_year.choices = select_choices(
            [("", "Vẫn đang tham gia")] + [(str(y), str(y)) for y in years]
        )
        for field in (self.joined_year, self.left_year):
            if field.data is None:  # read from a cell without that year
                field.data = ""

    @property
    def joined_year_value(self) -> int | None:
        return int(self.joined_year.data) if self.joined_year.data else None

    @property
    def left_year_value(self) -> int | None:
        return int(self.left_year.data) if self.left_year.data else None

    def validate_name(self, field) -> None:
        name = normalise(field.data)
        same = sa.select(Cell.id).where(sa.func.lower(Cell.name) == name.lower())
        if self.editing_id is not None:
            same = same.where(Cell.id != self.editing_id)
        if db.session.scalar(same.limit(1)) is not None:
            raise ValidationError(MSG_CELL_NAME_TAKEN)


class NewCellForm(CellForm):
    code = StringField(
        "Mã chi bộ",
        validators=[DataRequired("Nhập mã chi bộ.")],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )

    def validate_code(self, field) -> None:
        if not CELL_CODE_PATTERN.match(_cell_code(field.data)):
            raise ValidationError(MSG_CELL_CODE)

    def add_taken_errors(self) -> None:
        """The form is refused anyway: also say that the code is taken, if it is."""
        if self.code.errors:
            return
        code = _cell_code(self.code.data)
        if cell_by_code(code) is not None:
            self.code.errors = [MSG_CELL_CODE_TAKEN]


def _cell_code(text: str | None) -> str:
    """A cell code as the service reads it."""
    return (text or "").strip().lower()


class CommitteeForm(Form):
    from_year = IntegerField(
        "Áp dụng từ năm",
        validators=[InputRequired("Nhập năm áp dụng."), Readable(), NumberRange(2000, 2100)],
    )
    name = StringField(
        "Tên Đảng ủy (cơ quan ban hành)",
        validators=[DataRequired("Nhập tên Đảng ủy."), Length(max=200)],
    )
    superior_body = StringField(
        "Cấp ủy cấp trên", validators=[DataRequired("Nhập tên cấp ủy cấp trên."), Length(max=200)]
    )
    place_name = StringField(
        "Địa danh ghi ngày tháng",
        validators=[DataRequired("Nhập địa danh."), Length(max=100)],
    )
    issuer_code = StringField(
        "Ký hiệu cơ quan ban hành",
        validators=[DataRequired("Nhập ký hiệu."), Length(max=20)],
    )

    def validate_issuer_code(self, field) -> None:
        if re.search(r"[\s/]", normalise(field.data)):
            raise ValidationError(MSG_ISSUER_CODE)

    secretary_name = StringField("Bí thư Đảng ủy (người ký)", validators=[Length(max=100)])


class CriterionRowForm(SubForm):
    criterion_id = HiddenField()
    code = StringField(
        "Mã",
        validators=[Length(max=40)],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    title = TextAreaField("Nội dung tiêu chí", validators=[Length(max=300)], render_kw={"rows": 2})
    max_points = StringField(
        "Điểm tối đa", validators=[Length(max=10)], render_kw={"inputmode": "decimal"}
    )
    gate = BooleanField("Tiêu chí bắt buộc đạt điểm tối đa để xếp loại Tốt")
    order = IntegerField("Thứ tự", validators=[Optional(), Readable(), NumberRange(0, 1000)])
    remove = BooleanField("Xóa tiêu chí này")

    def is_blank(self) -> bool:
        """A spare row left empty adds nothing."""
        return not (
            self.criterion_id.data or self.code.data or self.title.data or self.max_points.data
        )


class RubricForm(Form):
    criteria = FieldList(FormField(CriterionRowForm), min_entries=0, max_entries=40)


class CampaignSettingsForm(Form):
    young_age_limit = IntegerField(
        "Đảng viên trẻ: dưới bao nhiêu tuổi",
        validators=[InputRequired("Nhập số tuổi."), Readable(), NumberRange(18, 60)],
    )
    award_quota = IntegerField(
        "Số chi bộ được đề nghị khen tối đa",
        validators=[InputRequired("Nhập số chi bộ."), Readable(), NumberRange(0, 50)],
    )
    award_form = StringField(
        "Hình thức khen thưởng",
        validators=[DataRequired("Nhập hình thức khen thưởng."), Length(max=300)],
    )
    individual_min_speeches = IntegerField(
        "Số lần phát biểu tối thiểu để đề nghị khen cá nhân",
        validators=[InputRequired("Nhập số lần."), Readable(), NumberRange(0, 100)],
    )


class PlanForm(Form):
    number = StringField(
        "Số hiệu kế hoạch",
        validators=[DataRequired("Nhập số hiệu kế hoạch."), Length(max=60)],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    issued_on = DayField(
        "Ngày ban hành",
        validators=[DataRequired("Nhập ngày ban hành (ngày/tháng/năm).")],
    )
    issuing_body = StringField(
        "Cơ quan ban hành",
        validators=[DataRequired("Nhập cơ quan ban hành."), Length(max=200)],
    )
    title = StringField("Trích yếu", validators=[DataRequired("Nhập trích yếu."), Length(max=300)])
    first_year = IntegerField(
        "Từ năm",
        validators=[InputRequired("Nhập năm bắt đầu."), Readable(), NumberRange(2000, 2100)],
    )
    last_year = IntegerField(
        "Đến năm",
        validators=[InputRequired("Nhập năm kết thúc."), Readable(), NumberRange(2000, 2100)],
    )


class OpenYearForm(Form):
    year = IntegerField(
        "Năm thi đua",
        validators=[InputRequired("Nhập năm."), Readable(), NumberRange(2000, 2100)],
    )
    first_month = SelectField(
        "Từ tháng",
        choices=select_choices((str(m), f"Tháng {m}") for m in range(1, 13)),
        default="1",
    )
    last_month = SelectField(
        "Đến tháng",
        choices=select_choices((str(m), f"Tháng {m}") for m in range(1, 13)),
        default="12",
    )
    copy_from = SelectField("Sao chép thang điểm và thiết lập từ năm", choices=[])
    plan = SelectField("Thực hiện kế hoạch", choices=[])

    def validate_last_month(self, field) -> None:
        if int(field.data) < int(self.first_month.data):
            raise ValidationError("Tháng kết thúc không được trước tháng bắt đầu.")


class CampaignPlanForm(Form):
    plan = SelectField("Thực hiện kế hoạch", choices=[])
