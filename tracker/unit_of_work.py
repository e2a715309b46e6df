"""One unit of work per page request, after indico's ``RH.process()``.

A view checks its form, runs its service calls inside a ``UnitOfWork`` and answers. The unit
commits once when the calls succeed; when a service refuses (``ServiceError``) it rolls back
everything the request started and shows the refusal the one way pages show it
(``show_refusal``); any other error is rolled back and left to the error pages::

    work = UnitOfWork(form)
    if work.validate():
        with work:
            user = create_user(...)
        if work.committed:
            flash(...)
            return redirect(...)
    return render_template(...), work.status
"""

from __future__ import annotations

from typing import Self

from flask import flash

from .extensions import db
from .services import ServiceError
from .webforms import apply_service_error

INVALID_FORM = 400


def show_refusal(
    error: ServiceError,
    form=None,
    *,
    field_names: dict[str, str] | None = None,
    flash_message: bool | str = False,
) -> int:
    """Show a refused change on the page; return its HTTP status.

    With a form, the messages go beside the fields they name, the rest above the form. With
    ``flash_message``, the refusal is flashed: its message, or (given a field name) that
    field's message when the refusal names it. The status is the refusal's own: 400 for
    invalid values, 403 not allowed, 404 not found, 409 a conflict with the stored state.
    """
    if form is not None:
        apply_service_error(form, error, field_names=field_names)
    if flash_message:
        message = error.message
        if isinstance(flash_message, str):
            message = error.fields.get(flash_message, error.message)
        flash(message, "error")
    return error.status


class UnitOfWork:
    """The change a request makes: committed once, or rolled back and shown when refused.

    ``form``, ``field_names`` and ``flash_message`` say how a refusal is shown (see
    ``show_refusal``); without them the view shows it itself from ``error``. Refusals of the
    ``shown_apart`` types are rolled back and kept in ``error`` only (an import's row list).
    """

    def __init__(
        self,
        form=None,
        *,
        field_names: dict[str, str] | None = None,
        flash_message: bool | str = False,
        shown_apart: tuple[type[ServiceError], ...] = (),
    ):
        self.form = form
        self.field_names = field_names
        self.flash_message = flash_message
        self.shown_apart = shown_apart
        self.status = 200
        self.error: ServiceError | None = None
        self.committed = False

    def validate(self) -> bool:
        """Check a submitted form; a form sent with errors answers 400."""
        if self.form.validate_on_submit():
            return True
        if self.form.is_submitted():
            self.status = INVALID_FORM
        return False

    @property
    def refused(self) -> bool:
        return self.error is not None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if error is None:
            db.session.commit()
            self.committed = True
            return False
        db.session.rollback()
        if not isinstance(error, ServiceError):
            return False
        self.error = error
        self.status = error.status
        if not isinstance(error, self.shown_apart):
            show_refusal(
                error, self.form, field_names=self.field_names, flash_message=self.flash_message
            )
        return True
