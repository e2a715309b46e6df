"""Forms of the review pages."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import Optional

from ..webforms import DayField, Form


class ReviewForm(Form):
    """The committee's draft of parts II-IV and the document's particulars."""

    document_number = StringField("Số văn bản")
    document_date = DayField("Ngày ban hành", validators=[Optional()])
    signer_name = StringField("Người ký (Bí thư)")
    assessment = TextAreaField("II. Đánh giá chung (ưu điểm, hạn chế, nguyên nhân)")
    direction = TextAreaField("III. Phương hướng, nhiệm vụ năm sau")
    proposals = TextAreaField("IV. Đề xuất, kiến nghị")
    recipients = TextAreaField("Nơi nhận (mỗi dòng một nơi)")


class ExemplaryForm(Form):
    """Mark a meeting as a model to copy, with what to copy."""

    note = TextAreaField("Điều các chi bộ khác nên học tập")


class UnmarkForm(Form):
    """Take a meeting off the list (the CSRF token only)."""
