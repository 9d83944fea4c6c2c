"""Register, confirm the address, log in, log out, reset a forgotten password.

Registration answers the same whatever the address ("check your inbox", the same redirect, about
the same time): a new address gets a link that confirms it and logs in; an address with an account
gets a message saying so, with the way to log in or reset the password. Until the link is followed
the account cannot log in; the person keeps taking quizzes as this browser's guest, and those
attempts move to the account when the link is opened in this browser (or at the next login here).
A login with the right password for an unconfirmed account fails with the usual message (no probing
by registering an address and then logging in) and sends a fresh link.
"""
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..attempts.access import claim_guest_attempts
from ..extensions import db
from ..hotpath.identity import GUEST_KEY
from ..models import User, utcnow
from ..web.mail import send_mail
from ..web.security import password_problem
from ..web.sessions import current_key, end_session, sign_in
from . import bp, tokens
from .forms import ConfirmForm, EmailForm, LoginForm, LogoutForm, NewPasswordForm, RegisterForm
from .throttle import throttled

LOGIN_FAILED = ("Email or password is not right, or the address is not confirmed yet: follow the link we "
                "emailed you (register again for a new one).")

DUMMY_HASH = generate_password_hash("not a real password, only for equal timing")


def _safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.index")


def _welcome(user: User, guest: str | None) -> None:
    moved = claim_guest_attempts(user.id, guest)
    if moved:
        flash(f"Your {moved} guest attempt{'s' if moved != 1 else ''} now belong{'s' if moved == 1 else ''} to your account.")


@bp.route("/register", methods=["GET", "POST"])
@throttled
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        problem = password_problem(form.password.data, [email, form.display_name.data])
        if problem:
            form.password.errors.append(problem)
        else:
            # Both branches hash the password once, so they take about as long.
            password_hash = generate_password_hash(form.password.data)
            existing = db.session.scalar(select(User).where(func.lower(User.email) == email))
            if existing is not None:
                _mail_existing_account(existing)
            else:
                user = User(email=email, display_name=form.display_name.data.strip(), password_hash=password_hash,
                            email_verified_at=None)
                db.session.add(user)
                try:
                    db.session.commit()
                except IntegrityError:  # registered a moment ago by another request: nothing more to do
                    db.session.rollback()
                else:
                    _mail_confirmation(user)
            return redirect(url_for("auth.check_inbox"))
    if request.method == "POST":
        status = 400
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@throttled
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(func.lower(User.email) == form.email.data.strip().lower()))
        if user is None:
            check_password_hash(DUMMY_HASH, form.password.data)  # as slow as a wrong password: no email probing
        elif not user.check_password(form.password.data):
            pass
        elif not user.is_verified:
            _mail_confirmation(user)  # the usual failure below: a fresh link, nothing said here
        elif user.disabled_at is not None:  # only said to whoever knows the password
            form.password.errors.append("This account is disabled. Ask the site's admin.")
            return render_template("auth/login.html", form=form), 403
        else:
            guest = session.get(GUEST_KEY)
            session.clear()  # a fresh session on login: nothing from before it carries over
            sign_in(user, remember=form.remember.data)
            _welcome(user, guest)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(LOGIN_FAILED)
    if request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        end_session(db.session.get(User, current_user.id), current_key())  # this browser only
        db.session.commit()
        logout_user()
        session.clear()
        flash("You are logged out.")
    return redirect(url_for("main.index"))


# --- the emailed links ---------------------------------------------------------------------------

def _mail_confirmation(user: User) -> None:
    link = url_for("auth.confirm", token=tokens.make_token(user, tokens.CONFIRM), _external=True)
    days = current_app.config["VERIFY_TOKEN_MAX_AGE"] // 86400
    send_mail(user.email, "Confirm your quizapp account", (
        f"Hello {user.display_name},\n\nSomeone, probably you, created a quizapp account with this address. "
        f"To confirm it and log in, open this link within {days} days:\n\n{link}\n\n"
        "If it was not you, ignore this message: the account stays unconfirmed and cannot be used."))


def _mail_existing_account(user: User) -> None:
    login_link = url_for("auth.login", _external=True)
    reset_link = url_for("auth.forgot_password", _external=True)
    unconfirmed = "" if user.is_verified else (
        "\n\nThe account is not confirmed yet: resetting the password confirms it too.")
    send_mail(user.email, "You already have a quizapp account", (
        f"Hello {user.display_name},\n\nSomeone, probably you, tried to register with this address, which "
        f"already has an account. Log in here:\n\n{login_link}\n\n"
        f"Forgot the password? Ask for a reset link here:\n\n{reset_link}{unconfirmed}\n\n"
        "If it was not you, ignore this message: nothing changed."))


def _mail_reset(user: User) -> None:
    link = url_for("auth.reset_password", token=tokens.make_token(user, tokens.RESET), _external=True)
    minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
    send_mail(user.email, "Reset your quizapp password", (
        f"Hello {user.display_name},\n\nTo choose a new password, open this link within {minutes} minutes. "
        f"It works once.\n\n{link}\n\nIf you did not ask for it, ignore this message: your password "
        "stays as it is."))


def _token_user(token: str, purpose: str, max_age_key: str) -> User | None:
    """The account a genuine, unexpired and unspent token names, or None."""
    payload = tokens.read_token(token, purpose, current_app.config[max_age_key])
    if payload is None:
        return None
    user = db.session.get(User, payload["u"])
    return user if tokens.still_valid(user, payload, purpose) else None


def _bad_link():
    return render_template("auth/bad_link.html"), 400


@bp.route("/check-inbox")
def check_inbox():
    return render_template("auth/check_inbox.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@throttled
def confirm(token: str):
    """The confirmation link: a page with a button, which confirms the address and logs in."""
    user = _token_user(token, tokens.CONFIRM, "VERIFY_TOKEN_MAX_AGE")
    if user is None or user.disabled_at is not None:
        return _bad_link()
    form = ConfirmForm()
    if form.validate_on_submit():
        user.email_verified_at = utcnow()
        db.session.commit()
        guest = session.get(GUEST_KEY)
        session.clear()  # a fresh session for the account
        sign_in(user)
        _welcome(user, guest)
        flash("Your address is confirmed. Welcome!")
        return redirect(url_for("main.index"))
    return render_template("auth/confirm.html", form=form, user=user)


@bp.route("/forgot-password", methods=["GET", "POST"])
@throttled
def forgot_password():
    """Ask for a reset link: the same answer whether or not the address has an account."""
    form = EmailForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None:
            _mail_reset(user)
        return redirect(url_for("auth.check_inbox"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@throttled
def reset_password(token: str):
    """Choose a new password from a reset link: logs out every session, confirms the address."""
    user = _token_user(token, tokens.RESET, "RESET_TOKEN_MAX_AGE")
    if user is None:
        return _bad_link()
    form = NewPasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.password.data, [user.email, user.display_name])
        if problem:
            form.password.errors.append(problem)
        else:
            user.set_password(form.password.data)
            user.revoke_sessions()
            if user.email_verified_at is None:
                user.email_verified_at = utcnow()  # the link reached this inbox
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Your password is changed and every session was logged out. Log in with the new password.")
            return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/reset_password.html", form=form), status
