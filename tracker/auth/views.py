"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from ..extensions import db, login_manager
from ..models import User
from ..services import audit
from ..services.accounts import LoginThrottled, authenticate, change_own_password
from ..unit_of_work import UnitOfWork
from .forms import ChangePasswordForm, LoginForm
from .sessions import (
    end_this_session,
    is_known_device,
    load_session_user,
    remember_device,
    sign_in,
)

bp = Blueprint("auth", __name__)

BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."


def throttled_message(seconds: int) -> str:
    wait = f"{seconds} giây" if seconds < 120 else f"{(seconds + 59) // 60} phút"
    return f"Đăng nhập sai nhiều lần từ máy này. Vui lòng đợi {wait} rồi thử lại."


login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 9:
        return None
    # None when the session was ended (logout, password change or reset, account locked).
    return load_session_user(int(user_id), version)


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` when it is a relative URL on this site, else None."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(
                form.username.data,
                form.password.data,
                request.remote_addr,
                known_device=is_known_device(form.username.data),
            )
        except LoginThrottled as throttled:
            user, error = None, throttled_message(throttled.wait_seconds)
        else:
            error = None if user else BAD_CREDENTIALS
        db.session.commit()  # keep the record of the attempt either way
        if user is not None:
            sign_in(user)
            answer = redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))
            remember_device(answer, user.username)
            return answer
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record(
        "logout",
        actor=current_user,
        object_type="user",
        object_id=current_user.id,
        cell_id=current_user.cell_id,
        summary=f"Đăng xuất: {current_user.username}",
    )
    end_this_session()
    db.session.commit()
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let whoever is signed in change her own password (her other sessions end)."""
    form = ChangePasswordForm()
    work = UnitOfWork(form)
    if work.validate():
        user = current_user._get_current_object()
        with work:
            change_own_password(user, form.old_password.data, form.new_password.data)
        if work.committed:
            sign_in(user)  # this browser carries on in a new session; every other one ended
            flash(
                "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã bị đăng xuất và các mã API "
                "của bạn đã bị thu hồi; hãy tạo mã mới nếu cần.",
                "success",
            )
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), work.status
