"""Forms of the member register."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..models import CellRole, Gender, MemberStatus
from ..webforms import DayField, Form, select_choices


class MemberForm(Form):
    full_name = StringField(
        "Họ và tên", validators=[DataRequired("Nhập họ và tên."), Length(max=120)]
    )
    gender = SelectField("Giới tính", choices=select_choices(Gender.choices()))
    birth_year = IntegerField(
        "Năm sinh",
        validators=[InputRequired("Nhập năm sinh.")],
        render_kw={"inputmode": "numeric", "min": 1900},
    )
    ethnicity = StringField("Dân tộc", validators=[Length(max=40)], default="Kinh")
    status = SelectField("Đảng viên", choices=select_choices(MemberStatus.choices()))
    cell_role = SelectField(
        "Chức vụ trong chi bộ",
        choices=select_choices(CellRole.choices()),
        default=CellRole.MEMBER.value,
    )
    exempted = BooleanField("Được miễn sinh hoạt")


class NewMemberForm(MemberForm):
    cell = SelectField("Chi bộ", choices=[])


class TransferForm(Form):
    to_cell = SelectField("Chuyển đến chi bộ", choices=[])
    on = DayField(
        "Ngày chuyển",
        validators=[InputRequired("Nhập ngày chuyển (ngày/tháng/năm).")],
    )
    cell_role = SelectField(
        "Chức vụ ở chi bộ mới",
        choices=select_choices(CellRole.choices()),
        default=CellRole.MEMBER.value,
    )
    reason = StringField("Lý do, số quyết định", validators=[Optional(), Length(max=300)])


class ImportForm(Form):
    file = FileField(
        "Tệp Excel (.xlsx) theo mẫu",
        validators=[FileRequired("Chọn tệp Excel cần nhập.")],
        render_kw={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )


class ActiveForm(Form):
    """A button that marks a member as attending or not (CSRF only)."""
