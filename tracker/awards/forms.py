"""Forms of the awards area. The rules (lengths, required texts) are the service's; the forms
parse the request and carry the CSRF token."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ..webforms import DayField, Form


class ActionForm(Form):
    """A button that changes something (create, move, remove): only the CSRF token."""


class EntryForm(Form):
    """The editable texts of a proposed cell or member."""

    award_form = StringField("Hình thức khen thưởng")
    summary = TextAreaField("Tóm tắt thành tích")
    note = StringField("Ghi chú")


class DocumentForm(Form):
    """The number, date, signer and recipients of the printed list."""

    document_number = StringField("Số văn bản")
    document_date = DayField("Ngày ban hành", validators=[Optional()])
    signer_name = StringField("Người ký (Bí thư)")
    recipients = TextAreaField("Nơi nhận (mỗi dòng một nơi)")


class AddCellForm(Form):
    # The choices are offered on the page; the service decides what may be added.
    cell = SelectField("Thêm chi bộ", choices=[], validate_choice=False)


class AddMemberForm(Form):
    member = StringField("Thêm đảng viên")


class ConfirmForm(Form):
    """An action that needs a ticked confirmation (reset to default, close the year)."""

    confirm = BooleanField("Tôi xác nhận")


class ReopenForm(Form):
    reason = TextAreaField("Lý do mở lại")
