"""The calendar's page forms (CSRF, Vietnamese messages)."""

from __future__ import annotations

from wtforms import IntegerField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..models import DeadlineRule, ReportKind
from ..webforms import Form, select_choices


class MeetingForm(Form):
    cell = SelectField("Chi bộ", choices=[], validate_choice=False)
    kind = SelectField("Loại sinh hoạt", choices=select_choices(ReportKind.choices()))
    day = StringField("Ngày (dd/mm/yyyy)", validators=[InputRequired()],
                      render_kw={"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "autocomplete": "off"})
    time = StringField("Giờ (HH:MM)", validators=[InputRequired()],
                       render_kw={"inputmode": "numeric", "placeholder": "19:30", "autocomplete": "off"})
    place = StringField("Địa điểm", render_kw={"maxlength": 200})
    topic = StringField("Nội dung, chủ đề", render_kw={"maxlength": 300})


class RuleForm(Form):
    cell = SelectField("Chi bộ", choices=[], validate_choice=False)
    year = SelectField("Năm", choices=[], validate_choice=False)
    day = IntegerField("Ngày trong tháng", validators=[InputRequired(), NumberRange(1, 31)],
                       render_kw={"inputmode": "numeric"})
    time = StringField("Giờ (HH:MM)", validators=[InputRequired()],
                       render_kw={"inputmode": "numeric", "placeholder": "19:30"})
    place = StringField("Địa điểm", render_kw={"maxlength": 200})
    topic = StringField("Nội dung (để trống nếu mỗi tháng khác nhau)", render_kw={"maxlength": 300})


class AttendeeForm(Form):
    attendee = SelectField("Đảng ủy viên dự", choices=[], validate_choice=False)


class EmailForm(Form):
    email = StringField("Thư điện tử nhận nhắc lịch", validators=[Optional()],
                        render_kw={"type": "email", "autocomplete": "email"})


class ActionForm(Form):
    """A button that changes something (CSRF only)."""


class DeadlineForm(Form):
    rule = RadioField("Cách tính hạn nộp", choices=select_choices(DeadlineRule.choices()))
    days = IntegerField("Số ngày / ngày của tháng sau", validators=[InputRequired(), NumberRange(1, 60)],
                        render_kw={"inputmode": "numeric"})
