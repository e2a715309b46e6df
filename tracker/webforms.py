"""Form plumbing shared by the pages: Vietnamese messages and service errors beside fields.

``Form`` is a FlaskForm (CSRF included) whose built-in WTForms messages ("Not a valid
integer value.", "Not a valid choice.", ...) come out in Vietnamese. ``apply_service_error``
puts the messages of a refused change (``ServiceError.fields``) beside the fields they name;
``add_service_errors`` adds the service's findings to a form refused anyway.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping

from flask_wtf import FlaskForm
from wtforms import Form as PlainForm
from wtforms import StringField
from wtforms.fields.choices import SelectChoice

from .domain.vietnamese import format_date
from .extensions import db
from .services import ServiceError, ValidationFailed

_MESSAGES = {
    "This field is required.": "Mục này là bắt buộc.",
    "Not a valid integer value.": "Nhập một số nguyên.",
    "Not a valid decimal value.": "Nhập một số.",
    "Not a valid float value.": "Nhập một số.",
    "Not a valid date value.": "Nhập ngày theo dạng dd/mm/yyyy.",
    "Not a valid datetime value.": "Nhập ngày giờ hợp lệ.",
    "Not a valid choice.": "Chọn một giá trị trong danh sách.",
    "Invalid Choice: could not coerce.": "Chọn một giá trị trong danh sách.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Hai lần nhập không khớp nhau.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Cần đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Cần đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Cần từ %(min)d đến %(max)d ký tự."
    ),
}


class VietnameseTranslations:
    """The gettext interface WTForms asks for, answering from the table above."""

    def gettext(self, string: str) -> str:
        return _MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


TRANSLATIONS = VietnameseTranslations()


class Form(FlaskForm):
    """A page form: CSRF-protected, with Vietnamese built-in messages."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return TRANSLATIONS


class SubForm(PlainForm):
    """A form nested in a ``Form`` (FieldList/FormField rows): no CSRF of its own."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS


def select_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Options of a SelectField from (value, label) pairs (WTForms wants SelectChoice)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def apply_service_error(
    form, error: ServiceError, *, field_names: dict[str, str] | None = None
) -> None:
    """Show a refused change's messages beside the form fields they name.

    ``field_names`` maps a service's field names to the form's where they differ. A message
    for a field the form does not have goes to the form's general errors, as does the
    overall message when no field took one.
    """
    field_names = field_names or {}
    placed = False
    general = list(getattr(form, "form_errors", []))
    for name, message in error.fields.items():
        target = _find_field(form, field_names.get(name, name))
        if target is not None:
            target.errors = (
                [*target.errors, message] if isinstance(target.errors, list) else [message]
            )
            placed = True
        elif message not in general:
            general.append(message)
    if not placed and error.message and error.message not in general:
        general.insert(0, error.message)
    form.form_errors = general


class _Undo(Exception):
    """Raised to undo a trial run of a service's checks."""


def add_service_errors(form, check: Callable[[], Mapping[str, str] | None]) -> None:
    """The form is refused anyway: also show what the service finds, in the same answer.

    One submission then shows every message, not the form's first and the service's on the
    next round. ``check`` runs the service's checks on what was typed: it returns their
    messages by field, or raises the service's refusal; whatever it changes is undone (a
    savepoint). A field the form already found fault with keeps the form's messages alone.
    """
    try:
        with db.session.begin_nested():
            found = check()
            raise _Undo(found)
    except _Undo as undo:
        found = undo.args[0]
        if not found:
            return
        error = ValidationFailed("", dict(found))
    except ServiceError as refused:
        error = refused
    kept = {field.name: list(field.errors) for field in _fields(form) if field.errors}
    apply_service_error(form, error)
    for field in _fields(form):
        if field.name in kept:
            field.errors = kept[field.name]


def _fields(form):
    """Every field of a form, the fields of FieldList rows included."""
    for field in form:
        entries = getattr(field, "entries", None)
        if entries is None:
            yield field
            continue
        for entry in entries:
            subform = getattr(entry, "form", None)
            yield from (_fields(subform) if subform is not None else [entry])


def _find_field(form, name: str):
    """Find a field by its full name, including rows of a FieldList ("criteria-0-code")."""
    for field in form:
        if field.name == name:
            return field
        if hasattr(field, "entries"):
            for entry in field.entries:
                subform = getattr(entry, "form", None)
                if subform is not None:
                    for subfield in subform:
                        if subfield.name == name:
                            return subfield
    return None


# --------------------------------------------------------------------------------------------
# Dates typed by hand

DAY_INPUT = {"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "autocomplete": "off"}


class DayField(StringField):
    """A date typed as dd/mm/yyyy, whatever the browser's language: ``.day`` holds the date
    (None when blank); a date the calendar lacks or a wrong format is refused in Vietnamese.
    A browser's date picker was not used: it shows the browser's own order (mm/dd/yyyy in an
    English one)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", dict(DAY_INPUT))
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        self.day = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            self.day = parse_day(text)
        except ValueError as error:
            self.day = None
            raise ValueError(str(error)) from None

    def process_data(self, value) -> None:
        if isinstance(value, dt.date):
            self.day = value
            self.data = format_date(value)
        else:
            self.day = None
            self.data = value


def parse_day(text: str) -> dt.date:
    """Read "14/4/2022" or "14/04/2022" (also with - or .) as a date, refusing in Vietnamese.

    The unambiguous ISO form "2022-04-14" (what scripts and older pages send) is read too."""
    iso = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})\s*", text or "")
    if iso:
        try:
            return dt.date(*(int(part) for part in iso.groups()))
        except ValueError:  # "2026-31-01": a date typed the wrong way round
            raise ValueError("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 14/04/2022.") from None
    match = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", text or "")
    if not match:
        raise ValueError("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 14/04/2022.")
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError("Ngày này không có trong lịch.") from None
