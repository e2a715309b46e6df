from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..webforms import Form


class LoginForm(FlaskForm):
    username = StringField(
        "Tên đăng nhập",
        validators=[DataRequired("Nhập tên đăng nhập."), Length(max=60)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "autofocus": True},
    )
    password = PasswordField(
        "Mật khẩu",
        validators=[DataRequired("Nhập mật khẩu."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(Form):
    old_password = PasswordField(
        "Mật khẩu hiện tại",
        validators=[DataRequired("Nhập mật khẩu hiện tại."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "Mật khẩu mới",
        validators=[DataRequired("Nhập mật khẩu mới."), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_again = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[
            DataRequired("Nhập lại mật khẩu mới."),
            EqualTo("new_password", "Hai lần nhập mật khẩu mới không khớp nhau."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
