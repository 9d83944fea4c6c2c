from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
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


class EmailForm(FlaskForm):
    """Ask for a password reset link."""

    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[
        DataRequired(), Length(min=10, max=200, message="Use at least 10 characters.")])
    confirm = PasswordField("Repeat new password", validators=[
        DataRequired(), EqualTo("password", "The passwords differ.")])


class ConfirmForm(FlaskForm):
    """The button behind an emailed link: a GET (a mail scanner's preview) changes nothing."""


class DefaultRoleForm(FlaskForm):
    # Choices are the active roles, set by the view; "" means each assessment's own role.
    default_role = SelectField("Target role", validate_choice=True)


class DisplayNameForm(FlaskForm):
    display_name = StringField("Display name", validators=[DataRequired(), Length(min=1, max=80)])


class ChangeEmailForm(FlaskForm):
    # Field names unique on the account page, whose four forms share one document (ids come from names).
    new_email = EmailField("New email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    email_password = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    password = PasswordField("New password", validators=[
        DataRequired(), Length(min=10, max=200, message="Use at least 10 characters.")])
    confirm = PasswordField("Repeat new password", validators=[
        DataRequired(), EqualTo("password", "The passwords differ.")])


class DeleteAccountForm(FlaskForm):
    delete_password = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    understood = BooleanField("I understand that this cannot be undone",
                              validators=[DataRequired("Tick the box to confirm.")])


class UserSearchForm(FlaskForm):
    """The admin's search: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Email or name contains", validators=[Length(max=254)])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(r, r.capitalize()) for r in ("learner", "instructor", "admin")])
