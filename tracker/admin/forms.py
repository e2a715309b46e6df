"""Forms of the admin area: accounts, cells, the committee, rubrics and campaign settings."""

from __future__ import annotations

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
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from ..models import CellCategory, Role
from ..webforms import Form, SubForm, select_choices

PASSWORD_HINT = "Ít nhất 8 ký tự. Người dùng nên đổi mật khẩu sau lần đăng nhập đầu."


class AccountForm(Form):
    """Fields an admin may change on any account."""

    full_name = StringField(
        "Họ và tên", validators=[DataRequired("Nhập họ và tên."), Length(max=120)]
    )
    role = SelectField(
        "Vai trò", choices=select_choices(Role.choices()), default=Role.SECRETARY.value
    )
    cell = SelectField("Chi bộ (với bí thư chi bộ)", choices=[], default="")


class NewAccountForm(AccountForm):
    username = StringField(
        "Tên đăng nhập",
        validators=[DataRequired("Nhập tên đăng nhập."), Length(max=60)],
        render_kw={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"},
    )
    password = PasswordField(
        "Mật khẩu ban đầu",
        validators=[DataRequired("Nhập mật khẩu."), Length(max=200)],
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


class ResetPasswordForm(Form):
    password = PasswordField(
        "Mật khẩu mới",
        validators=[DataRequired("Nhập mật khẩu mới."), Length(max=200)],
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
    name = StringField("Tên chi bộ", validators=[DataRequired("Nhập tên chi bộ."), Length(max=200)])
    category = SelectField("Loại chi bộ", choices=select_choices(CellCategory.choices()))
    display_order = IntegerField(
        "Thứ tự hiển thị",
        validators=[InputRequired("Nhập thứ tự hiển thị."), NumberRange(0, 10_000)],
        default=0,
    )
    active = BooleanField("Đang hoạt động", default=True)


class NewCellForm(CellForm):
    code = StringField(
        "Mã chi bộ",
        validators=[DataRequired("Nhập mã chi bộ."), Length(max=40)],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )


class CommitteeForm(Form):
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
    order = IntegerField("Thứ tự", validators=[Optional(), NumberRange(0, 1000)])
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
        validators=[InputRequired("Nhập số tuổi."), NumberRange(18, 60)],
    )
    award_quota = IntegerField(
        "Số chi bộ được đề nghị khen tối đa",
        validators=[InputRequired("Nhập số chi bộ."), NumberRange(0, 50)],
    )
    award_form = StringField(
        "Hình thức khen thưởng",
        validators=[DataRequired("Nhập hình thức khen thưởng."), Length(max=300)],
    )
    individual_min_speeches = IntegerField(
        "Số lần phát biểu tối thiểu để đề nghị khen cá nhân",
        validators=[InputRequired("Nhập số lần."), NumberRange(0, 100)],
    )
