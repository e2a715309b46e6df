"""One unit of work per request: commit once, or roll back and show the refusal one way; audit
rows from tracked changes; the service's findings added to a form refused anyway."""

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from wtforms import StringField
from wtforms.validators import DataRequired

from tracker.extensions import db
from tracker.models import Cell
from tracker.services import Conflict, NotAllowed, NotFound, ValidationFailed, audit
from tracker.unit_of_work import UnitOfWork
from tracker.webforms import Form, add_service_errors


class NameForm(Form):
    class Meta:
        csrf = False

    name = StringField("Tên", validators=[DataRequired("Nhập tên.")])
    note = StringField("Ghi chú")


def cell_name(code="ap-cho"):
    return db.session.scalar(sa.select(Cell.name).where(Cell.code == code))


def rename(name, code="ap-cho"):
    db.session.scalar(sa.select(Cell).where(Cell.code == code)).name = name
    db.session.flush()


def test_a_change_that_succeeds_is_committed(app):
    with app.test_request_context(method="POST"):
        with UnitOfWork() as work:
            rename("Chi bộ ấp Chợ mới")
        assert work.committed and not work.refused and work.status == 200
        db.session.remove()
        assert cell_name() == "Chi bộ ấp Chợ mới"


@pytest.mark.parametrize(
    ("error_class", "status"),
    [(ValidationFailed, 400), (NotAllowed, 403), (NotFound, 404), (Conflict, 409)],
)
def test_a_refused_change_is_rolled_back_with_the_refusals_status(app, error_class, status):
    with app.test_request_context(method="POST"):
        before = cell_name()
        with UnitOfWork() as work:
            rename("Không được lưu")
            raise error_class("Không được.")
        assert work.refused and not work.committed and work.status == status
        assert cell_name() == before


def test_the_messages_go_beside_their_fields_and_the_rest_above_the_form(app):
    with app.test_request_context(method="POST", data={"name": "A"}):
        form = NameForm()
        with UnitOfWork(form) as work:
            raise ValidationFailed("Chưa hợp lệ.", {"name": "Tên đã có.", "other": "Khác."})
        assert form.name.errors == ["Tên đã có."]
        assert form.form_errors == ["Khác."]
        assert work.error.fields["name"] == "Tên đã có."


def test_a_refusal_naming_no_field_of_the_form_shows_its_message_above_it(app):
    with app.test_request_context(method="POST", data={"name": "A"}):
        form = NameForm()
        with UnitOfWork(form):
            raise Conflict("Đã khóa sổ.")
        assert form.form_errors == ["Đã khóa sổ."]


@pytest.mark.parametrize(
    ("flash_message", "shown"), [(True, "Chưa hợp lệ."), ("note", "Ghi chú quá dài.")]
)
def test_a_refusal_without_a_form_is_flashed(app, flash_message, shown):
    with app.test_request_context(method="POST"):
        with UnitOfWork(flash_message=flash_message):
            raise ValidationFailed("Chưa hợp lệ.", {"note": "Ghi chú quá dài."})
        assert get_flashed_messages(with_categories=True) == [("error", shown)]


def test_a_refusal_shown_apart_is_only_kept(app):
    class Rejected(ValidationFailed):
        pass

    with app.test_request_context(method="POST", data={"name": "A"}):
        form = NameForm()
        with UnitOfWork(form, shown_apart=(Rejected,)) as work:
            raise Rejected("Tệp bị từ chối.", {"name": "Sai."})
        assert isinstance(work.error, Rejected) and work.status == 400
        assert not form.name.errors and not form.form_errors


def test_any_other_error_is_rolled_back_and_left_to_the_error_pages(app):
    with app.test_request_context(method="POST"):
        before = cell_name()
        work = UnitOfWork()
        with pytest.raises(ZeroDivisionError), work:
            rename("Không được lưu")
            _ = 1 / 0
        assert not work.committed and not work.refused
        assert cell_name() == before


def test_a_form_sent_with_errors_answers_400_and_is_not_run(app):
    with app.test_request_context(method="POST", data={"name": ""}):
        work = UnitOfWork(NameForm())
        assert not work.validate() and work.status == 400
    with app.test_request_context(method="GET"):
        work = UnitOfWork(NameForm())
        assert not work.validate() and work.status == 200


def test_the_audit_before_and_after_come_from_the_tracked_changes(app):
    with app.app_context():
        cell = db.session.scalar(sa.select(Cell).where(Cell.code == "ap-cho"))
        old_name, order = cell.name, cell.display_order
        cell.name = "Chi bộ ấp Chợ mới"
        before, after = audit.changes(cell, ["name", "display_order"])
        assert before == {"name": old_name, "display_order": order}
        assert after == {"name": "Chi bộ ấp Chợ mới", "display_order": order}
        db.session.rollback()


def test_a_change_whose_old_value_was_never_loaded_is_refused(app):
    with app.app_context():
        cell = db.session.scalar(sa.select(Cell).where(Cell.code == "ap-cho"))
        db.session.expire(cell, ["name"])
        cell.name = "Chi bộ ấp Chợ mới"
        with pytest.raises(RuntimeError):
            audit.changes(cell, ["name"])
        db.session.rollback()


def test_nothing_is_recorded_when_nothing_changed(app):
    with app.app_context():
        cell = db.session.scalar(sa.select(Cell).where(Cell.code == "ap-cho"))
        cell.name = cell.name
        assert not audit.record_changes(
            "cell.update", cell, ["name"], actor=None, object_type="cell"
        )
        db.session.rollback()


def test_a_refused_form_also_shows_the_services_findings(app):
    with app.test_request_context(method="POST", data={"name": "", "note": "x"}):
        form = NameForm()
        assert not form.validate()
        add_service_errors(form, lambda: {"name": "Tên của dịch vụ.", "note": "Ghi chú sai."})
        assert form.name.errors == ["Nhập tên."]  # the form's own message stays alone
        assert form.note.errors == ["Ghi chú sai."]


def test_a_trial_run_of_the_service_is_undone(app):
    def change():
        rename("Thử")
        raise ValidationFailed("Chưa hợp lệ.", {"other": "Khác."})

    with app.test_request_context(method="POST", data={"name": ""}):
        before = cell_name()
        form = NameForm()
        form.validate()
        add_service_errors(form, change)
        assert form.form_errors == ["Chưa hợp lệ.", "Khác."]
        assert cell_name() == before
        add_service_errors(form, lambda: rename("Thử nữa"))  # no refusal: undone all the same
        assert cell_name() == before
