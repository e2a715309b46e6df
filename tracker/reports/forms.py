"""Forms of the reports area.

The fields carry no validators of their own (only the CSRF token is checked by WTForms): every
rule lives in tracker/domain/report_rules.py, shared with the API, and its messages are put
beside the fields by ``apply_errors``. Per-member lines and per-criterion points are dynamic
inputs (``status-<member id>``, ``spoke-<id>``, ``reason-<id>``, ``score-<code>``).
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, TextAreaField

from ..domain import report_rules as rules
from ..services.attachments import ATTACHMENT_FIELD

COUNT_LABELS = {
    "summoned": "Triệu tập",
    "exempted": "Miễn sinh hoạt",
    "present": "Có mặt",
    "absent_excused": "Vắng có lý do",
    "absent_unexcused": "Vắng không lý do",
    "speakers": "Phát biểu",
    "young_speakers": "Đảng viên trẻ phát biểu",
}
CHECKLIST_LABELS = {
    "ideology_covered": "Có nội dung sinh hoạt tư tưởng",
    "hcm_study_covered": "Có nội dung “Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh”",
    "criticism_done": "Có tự phê bình và phê bình",
    "resolution_voted": "Kết luận hoặc nghị quyết được biểu quyết thông qua",
    "minutes_complete": "Biên bản ghi đầy đủ ý kiến phát biểu và kết luận",
}


def _select(label: str, **kwargs) -> SelectField:
    # The shared rules decide what is valid; WTForms must not add English messages.
    return SelectField(label, choices=[], validate_choice=False, **kwargs)


def complete_day(text, year, month):
    """The meeting date as typed, with the month and year taken from the form when only the day
    ("10") or the day and month ("10/1") is typed: the form asks for the month once."""
    value = (text or "").strip()
    if re.fullmatch(r"\d{1,2}", value) and year and month:
        return f"{value}/{month}/{year}"
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}", value) and year:
        return f"{value}/{year}"
    return text


class ReportForm(FlaskForm):
    kind = RadioField(
        "Loại sinh hoạt",
        choices=[SelectChoice("regular", "Thường kỳ"), SelectChoice("thematic", "Chuyên đề")],
        default="regular",
        validate_choice=False,
    )
    year = _select("Năm thi đua")
    month = _select("Tháng")
    held_on = StringField(
        "Ngày sinh hoạt",
        render_kw={"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "autocomplete": "off"},
    )
    duration_minutes = StringField(
        "Thời lượng (phút)", render_kw={"inputmode": "numeric", "autocomplete": "off"}
    )
    chaired_by = StringField("Chủ trì", render_kw={"list": "member-names", "autocomplete": "off"})
    minutes_taker = StringField(
        "Thư ký (ghi biên bản)", render_kw={"list": "member-names", "autocomplete": "off"}
    )
    delegate_present = BooleanField("Có đại biểu cấp trên dự")
    delegate_name = StringField("Họ tên, chức vụ đại biểu")
    topic = StringField("Chủ đề (sinh hoạt chuyên đề)")
    ideology_covered = BooleanField(CHECKLIST_LABELS["ideology_covered"])
    hcm_study_covered = BooleanField(CHECKLIST_LABELS["hcm_study_covered"])
    criticism_done = BooleanField(CHECKLIST_LABELS["criticism_done"])
    resolution_voted = BooleanField(CHECKLIST_LABELS["resolution_voted"])
    minutes_complete = BooleanField(CHECKLIST_LABELS["minutes_complete"])
    notes = TextAreaField("Ghi chú")
    minutes_file = FileField(
        "Biên bản (PDF, JPEG hoặc PNG, tối đa 10 MB)",
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
    )
    # Counts typed by hand: only for a cell whose member list is empty.
    summoned = StringField(COUNT_LABELS["summoned"], render_kw={"inputmode": "numeric"})
    exempted = StringField(COUNT_LABELS["exempted"], render_kw={"inputmode": "numeric"})
    present = StringField(COUNT_LABELS["present"], render_kw={"inputmode": "numeric"})
    absent_excused = StringField(COUNT_LABELS["absent_excused"], render_kw={"inputmode": "numeric"})
    absent_unexcused = StringField(
        COUNT_LABELS["absent_unexcused"], render_kw={"inputmode": "numeric"}
    )
    speakers = StringField(COUNT_LABELS["speakers"], render_kw={"inputmode": "numeric"})
    young_speakers = StringField(COUNT_LABELS["young_speakers"], render_kw={"inputmode": "numeric"})

    FLAG_FIELDS = tuple(CHECKLIST_LABELS) + ("delegate_present",)
    TEXT_FIELDS = (
        "held_on",
        "duration_minutes",
        "chaired_by",
        "minutes_taker",
        "delegate_name",
        "topic",
        "notes",
    )

    def to_input(self, *, scores: dict, manual_counts: bool) -> rules.ReportInput:
        """The raw values for the shared rules."""
        data = rules.ReportInput(
            kind=self.kind.data,
            year=self.year.data,
            month=self.month.data,
            held_on=complete_day(self.held_on.data, self.year.data, self.month.data),
            duration_minutes=self.duration_minutes.data,
            topic=self.topic.data or "",
            notes=self.notes.data or "",
            chaired_by=self.chaired_by.data or "",
            minutes_taker=self.minutes_taker.data or "",
            delegate_name=(self.delegate_name.data or "") if self.delegate_present.data else "",
            scores=scores,
        )
        if manual_counts:
            data.attendance = {key: getattr(self, key).data for key in rules.COUNT_KEYS}
            data.speakers = self.speakers.data
            data.young_speakers = self.young_speakers.data
        return data

    def flags(self) -> dict[str, bool]:
        return {name: bool(getattr(self, name).data) for name in self.FLAG_FIELDS}


class ReviewForm(FlaskForm):
    comment = TextAreaField("Nhận xét của Đảng ủy (bắt buộc khi trả lại)")


class ReopenForm(FlaskForm):
    reason = TextAreaField("Lý do mở lại")


def apply_errors(form: FlaskForm, errors: dict[str, str], *, manual_counts: bool = False) -> dict:
    """Put the rules' messages beside the form's fields.

    Returns the messages that belong to dynamic inputs: ``scores`` (by criterion code),
    ``members`` (by member id), ``attendance`` (the whole attendance block) and ``other``.
    """
    extra: dict = {"scores": {}, "members": {}, "attendance": [], "other": []}
    for key, message in errors.items():
        name = key
        if key.startswith("attendance.") and manual_counts:
            name = key.split(".", 1)[1]
        if key in ("speakers", "young_speakers") and not manual_counts:
            extra["attendance"].append(message)
            continue
        if key == ATTACHMENT_FIELD or (
            name in form._fields and name != "csrf_token" and "." not in name
        ):
            field = form._fields[name]
            field.errors = list(field.errors) + [message]
        elif key.startswith("scores."):
            extra["scores"][key.split(".", 1)[1]] = message
        elif key.startswith("member."):
            extra["members"][int(key.split(".", 1)[1])] = message
        elif key == "attendance" or key.startswith("attendance."):
            extra["attendance"].append(message)
        else:
            extra["other"].append(message)
    return extra
