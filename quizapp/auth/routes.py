"""Register, log in, log out. A guest's attempts move to the account in the same browser."""
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from ..access import claim_guest_attempts
from ..extensions import db
from ..models import User
from . import bp
from .forms import LoginForm, LogoutForm, RegisterForm


def _safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.index")


def _welcome(user: User) -> None:
    moved = claim_guest_attempts(user.id)
    if moved:
        flash(f"Your {moved} guest attempt{'s' if moved != 1 else ''} now belong{'s' if moved == 1 else ''} to your account.")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
            form.email.errors.append("An account with this email exists; log in instead.")
        else:
            user = User(email=email, display_name=form.display_name.data.strip())
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.commit()
            login_user(user)
            _welcome(user)
            flash("Welcome! Your account is ready.")
            return redirect(_safe_next(request.args.get("next")))
    if request.method == "POST":
        status = 400
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(func.lower(User.email) == form.email.data.strip().lower()))
        if user is not None and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            _welcome(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Email or password is not right.")
    if request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash("You are logged out.")
    return redirect(url_for("main.index"))
