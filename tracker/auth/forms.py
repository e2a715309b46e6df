from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


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
