"""The account page: display name, email (confirmed by a link to the new address), password (the
current one required), the target role the start page proposes, the signed-in sessions (each can be
ended; web/sessions.py), "log out everywhere" and deleting the account; a guest clears their data.

A password change ends every other session and keeps this browser logged in with a new one.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..hotpath.identity import GUEST_KEY
from ..models import Role, User
from ..web.mail import send_mail
from ..web.security import password_problem
from ..web.sessions import MAX_SESSIONS, current_key, describe_user_agent, end_session, session_list, sign_in
from . import bp, tokens
from .deletion import clear_guest_data, delete_account, owns_cohorts
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    DefaultRoleForm,
    DeleteAccountForm,
    DisplayNameForm,
    LogoutForm,
)
from .throttle import throttled


def _me() -> User:
    return db.session.get(User, current_user.id)


def _wrong_password(user: User, field) -> bool:
    """The confirming password field does not hold the account's password: say so on the field."""
    if user.check_password(field.data):
        return False
    field.errors.append("This is not your current password.")
    return True


def _role_form(user: User, formdata=None) -> DefaultRoleForm:
    form = DefaultRoleForm(default_role=user.default_role_id or "", formdata=formdata)
    roles = db.session.scalars(select(Role).where(Role.active.is_(True)).order_by(Role.position))
    form.default_role.choices = [SelectChoice("", "Each assessment's own role")] + [
        SelectChoice(r.id, r.name) for r in roles]
    return form


def _page(user: User, status: int = 200, **forms):
    forms.setdefault("name_form", DisplayNameForm(obj=user, formdata=None))
    forms.setdefault("role_form", _role_form(user))
    forms.setdefault("email_form", ChangeEmailForm(formdata=None))
    forms.setdefault("password_form", ChangePasswordForm(formdata=None))
    forms.setdefault("everywhere_form", LogoutForm(formdata=None))
    forms.setdefault("delete_form", DeleteAccountForm(formdata=None))
    return render_template("auth/account.html", user=user, sessions=session_list(user),
                           max_sessions=MAX_SESSIONS, **forms), status


@bp.route("/account")
@login_required
def account():
    return _page(_me())


@bp.route("/account/name", methods=["POST"])
@login_required
def change_name():
    user = _me()
    form = DisplayNameForm()
    if not form.validate_on_submit():
        return _page(user, 400, name_form=form)
    user.display_name = form.display_name.data.strip() or user.display_name
    db.session.commit()
    flash("Your display name is changed.")
    return redirect(url_for("auth.account"))


@bp.route("/account/role", methods=["POST"])
@login_required
def change_default_role():
    """The role new attempts compare this learner with, unless they choose another on the start page."""
    user = _me()
    form = _role_form(user, formdata=request.form)
    if not form.validate_on_submit():
        return _page(user, 400, role_form=form)
    user.default_role_id = form.default_role.data or None
    db.session.commit()
    flash(f"New attempts propose the role {user.default_role.name}." if user.default_role
          else "New attempts propose each assessment's own role.")
    return redirect(url_for("auth.account"))


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_one_session(session_id: int):
    """End one browser's session; ending this browser's own is logging out."""
    user = _me()
    row = next((s for s in user.login_sessions if s.id == session_id), None)
    if not LogoutForm().validate_on_submit() or row is None:
        flash("That session has already ended." if row is None else "The form expired: try again.")
        return redirect(url_for("auth.account"))
    here = row.key == current_key()
    end_session(user, row.key)
    db.session.commit()
    if here:
        logout_user()
        session.clear()
        flash("You are logged out.")
        return redirect(url_for("main.index"))
    flash(f"The session of {describe_user_agent(row.user_agent)} is ended: it is logged out.")
    return redirect(url_for("auth.account"))


@bp.route("/account/email", methods=["POST"])
@login_required
@throttled
def change_email():
    """Mail a confirmation link to the new address; the account keeps the old one until it is followed.
    An address that has an account gets a note instead (the page says the same either way)."""
    user = _me()
    form = ChangeEmailForm()
    if not form.validate_on_submit():
        return _page(user, 400, email_form=form)
    if _wrong_password(user, form.email_password):
        return _page(user, 400, email_form=form)
    new_email = form.new_email.data.strip().lower()
    if new_email != user.email:
        owner = db.session.scalar(select(User.id).where(func.lower(User.email) == new_email))
        if owner is None:
            link = url_for("auth.confirm_email", token=tokens.make_token(user, tokens.CHANGE_EMAIL, new_email),
                           _external=True)
            days = current_app.config["VERIFY_TOKEN_MAX_AGE"] // 86400
            send_mail(new_email, "Confirm your new quizapp address", (
                f"Hello {user.display_name},\n\nTo use this address for your quizapp account instead of "
                f"{user.email}, open this link within {days} days:\n\n{link}\n\n"
                "If you did not ask for it, ignore this message: nothing changes."))
        else:
            send_mail(new_email, "This address already has a quizapp account", (
                "Someone asked to move another quizapp account to this address, which already has an "
                "account, so nothing changed. If it was you, log in with this address instead."))
    flash(f"We sent a link to {new_email}. Your address changes when you follow it; until then it stays {user.email}.")
    return redirect(url_for("auth.account"))


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
@throttled
def confirm_email(token: str):
    """The link sent to a new address: a page with a button that makes it the account's address."""
    payload = tokens.read_token(token, tokens.CHANGE_EMAIL, current_app.config["VERIFY_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload["u"]) if payload else None
    if payload is None or not tokens.still_valid(user, payload, tokens.CHANGE_EMAIL):
        return render_template("auth/bad_link.html"), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        old = user.email
        user.email = payload["e"]
        try:
            db.session.commit()
        except IntegrityError:  # the address got an account since the link was sent
            db.session.rollback()
            return render_template("auth/bad_link.html"), 400
        send_mail(old, "Your quizapp address changed", (
            f"Hello {user.display_name},\n\nYour quizapp account now uses {user.email} instead of this address. "
            "If you did not do this, reset your password from the new address or contact the site's admin."))
        flash(f"Your account now uses {user.email}.")
        return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("auth/confirm_email.html", form=form, new_email=payload["e"])


@bp.route("/account/password", methods=["POST"])
@login_required
@throttled
def change_password():
    """A new password (the current one required): every other session is logged out."""
    user = _me()
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page(user, 400, password_form=form)
    if _wrong_password(user, form.current):
        return _page(user, 400, password_form=form)
    problem = password_problem(form.password.data, [user.email, user.display_name])
    if problem:
        form.password.errors.append(problem)
        return _page(user, 400, password_form=form)
    user.set_password(form.password.data)
    user.revoke_sessions()
    db.session.commit()
    session.clear()
    sign_in(user)  # this browser goes on with a new session; every other session is logged out
    flash("Your password is changed. Every other session was logged out.")
    return redirect(url_for("auth.account"))


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    if LogoutForm().validate_on_submit():
        _me().revoke_sessions()
        db.session.commit()
        logout_user()
        session.clear()
        flash("Every session of your account, in every browser, is logged out.")
        return redirect(url_for("main.index"))
    return redirect(url_for("auth.account"))




@bp.route("/account/delete", methods=["POST"])
@login_required
@throttled
def delete():
    """Delete the account (the password confirms it); answers stay only anonymised (deletion.py)."""
    user = _me()
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _page(user, 400, delete_form=form)
    if _wrong_password(user, form.delete_password):
        return _page(user, 400, delete_form=form)
    if owns_cohorts(db.session, user.id):
        form.delete_password.errors.append("You run cohorts: ask an admin to delete this account, so that your "
                                    "cohorts can be handed over first.")
        return _page(user, 400, delete_form=form)
    delete_account(db.session, user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("Your account and its personal data are deleted.")
    return redirect(url_for("main.index"))


@bp.route("/guest-data", methods=["GET", "POST"])
def guest_data():
    """A guest browser's attempts: what is kept, and a button that forgets them."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    form = ConfirmForm()
    token = session.get(GUEST_KEY)
    if form.validate_on_submit():
        if token:
            clear_guest_data(db.session, token)
            db.session.commit()
        session.pop(GUEST_KEY, None)
        flash("The guest data of this browser is cleared.")
        return redirect(url_for("main.index"))
    return render_template("auth/guest_data.html", form=form, has_data=bool(token))
