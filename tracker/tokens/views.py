"""API tokens: each user lists, creates and revokes her own; the admin sees and revokes all."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import ApiToken, User
from ..permissions import can_revoke_token, can_see_all_tokens
from ..services.accounts import create_token, revoke_token
from ..unit_of_work import UnitOfWork
from .forms import NewTokenForm, RevokeForm

bp = Blueprint("tokens", __name__, url_prefix="/tokens")


def _tokens(user: User, *, everyone: bool) -> list[ApiToken]:
    statement = (
        sa.select(ApiToken)
        .join(ApiToken.user)
        .options(contains_eager(ApiToken.user))
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    if not everyone:
        statement = statement.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(statement))


def _page(
    form: NewTokenForm,
    *,
    raw_token: str | None = None,
    created: ApiToken | None = None,
    status: int = 200,
):
    everyone = can_see_all_tokens(current_user)
    response = make_response(
        render_template(
            "tokens/index.html",
            form=form,
            revoke_form=RevokeForm(formdata=None),
            tokens=_tokens(current_user, everyone=everyone),
            everyone=everyone,
            raw_token=raw_token,
            created=created,
        ),
        status,
    )
    # The page may carry a token in clear: keep it out of every cache and history.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = NewTokenForm()
    if form.validate_on_submit():
        with UnitOfWork(form) as work:
            raw, token = create_token(current_user, label=form.label.data, actor=current_user)
        if work.refused:
            return _page(form, status=work.status)
        # Shown once, in this answer only: it is stored hashed and never shown again.
        return _page(NewTokenForm(formdata=None), raw_token=raw, created=token, status=201)
    return _page(form, status=400 if form.is_submitted() else 200)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    if not RevokeForm().validate():
        abort(400)
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404, description="Không có mã API này.")
    if not can_revoke_token(current_user, token):
        abort(403, description="Bạn chỉ được thu hồi mã API của mình.")
    with UnitOfWork() as work:
        revoke_token(token, actor=current_user)
    if work.refused:
        abort(work.status, description=work.error.message)
    flash(f"Đã thu hồi mã {token.prefix}…; mã này không dùng được nữa.", "success")
    return redirect(url_for("tokens.index"))
