"""Register, log in, log out. A guest's attempts move to the account in the same browser."""
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..attempts.access import claim_guest_attempts
from ..extensions import db
from ..hotpath.identity import GUEST_KEY
from ..models import User
from ..web.security import password_problem
from . import bp
from .forms import LoginForm, LogoutForm, RegisterForm
from .throttle import throttled

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
        elif db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
            # Without email verification the outcome itself differs; the message at least says no more.
            form.email.errors.append("We could not create an account with these details. If you have one, log in.")
        else:
            user = User(email=email, display_name=form.display_name.data.strip())
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.commit()
            guest = session.get(GUEST_KEY)
            session.clear()  # a fresh session for the new account
            login_user(user)
            _welcome(user, guest)
            flash("Welcome! Your account is ready.")
            return redirect(_safe_next(request.args.get("next")))
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
        elif user.check_password(form.password.data):
            guest = session.get(GUEST_KEY)
            session.clear()  # a fresh session on login: nothing from before it carries over
            login_user(user, remember=form.remember.data)
            _welcome(user, guest)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Email or password is not right.")
    if request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        db.session.get(User, current_user.id).revoke_sessions()
        db.session.commit()
        logout_user()
        session.clear()
        flash("You are logged out.")
    return redirect(url_for("main.index"))
