from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    display_name = StringField("Display name", validators=[DataRequired(), Length(min=1, max=80)])
    password = PasswordField("Password", validators=[
        DataRequired(), Length(min=10, max=200, message="Use at least 10 characters.")])
    confirm = PasswordField("Repeat password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")])


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me logged in")


class LogoutForm(FlaskForm):
    """Logging out changes state, so it is a POST with a CSRF token."""
