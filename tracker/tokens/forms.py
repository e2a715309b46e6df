"""Forms of the API token page."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..webforms import Form


class NewTokenForm(Form):
    label = StringField(
        "Ghi chú (mã dùng cho việc gì)",
        validators=[DataRequired("Ghi chú để sau này biết mã dùng ở đâu."), Length(max=100)],
        render_kw={"placeholder": "Ví dụ: phần mềm tổng hợp của huyện"},
    )


class RevokeForm(Form):
    """A revoke button (CSRF only)."""
