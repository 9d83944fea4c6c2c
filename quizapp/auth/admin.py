"""Account administration in the browser (admins only): find accounts, change a role, disable or
enable an account, and the audit log of who changed what. `quizapp user role` stays for the CLI.

An admin cannot change their own role or disable themselves here (so the last admin cannot lock
everyone out by a slip); another admin, or the CLI, can.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import AuditEntry, User, utcnow
from . import bp
from .forms import ConfirmForm, RoleForm, UserSearchForm

PAGE = 50


def _admin() -> User:
    """The signed-in admin, or 403 (404 would hide nothing: the page's existence is no secret)."""
    if not current_user.is_authenticated or current_user.role != "admin":
        abort(403)
    return db.session.get(User, current_user.id)


def _target(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _log(actor: User, target: User, action: str, detail: str = "") -> None:
    db.session.add(AuditEntry(actor_email=actor.email, target_email=target.email, action=action, detail=detail))


@bp.route("/admin/users")
def admin_users():
    _admin()
    form = UserSearchForm(request.args)
    query = select(User).order_by(User.email).limit(PAGE)
    term = (form.q.data or "").strip().lower() if form.validate() else ""
    if term:
        like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(func.lower(User.email).like(like, escape="\\"),
                                func.lower(User.display_name).like(like, escape="\\")))
    users = db.session.scalars(query).all()
    audit = db.session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(PAGE)).all()
    return render_template("auth/admin_users.html", form=form, users=users, audit=audit, term=term,
                           roles=User.ROLES)


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
def admin_role(user_id: int):
    admin = _admin()
    user = _target(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose one of the roles.")
    elif user.id == admin.id:
        flash("You cannot change your own role here: ask another admin, or use `quizapp user role`.")
    elif form.role.data != user.role:
        _log(admin, user, "role", f"{user.role} → {form.role.data}")
        user.role = form.role.data
        db.session.commit()
        flash(f"{user.email} is now {user.role}.")
    return redirect(url_for("auth.admin_users", q=request.args.get("q") or None))


@bp.route("/admin/users/<int:user_id>/disable", methods=["POST"])
def admin_disable(user_id: int):
    admin = _admin()
    user = _target(user_id)
    if not ConfirmForm().validate_on_submit():
        flash("The form expired: try again.")
    elif user.id == admin.id:
        flash("You cannot disable your own account.")
    elif user.disabled_at is None:
        user.disabled_at = utcnow()
        user.revoke_sessions()  # every session ends now
        _log(admin, user, "disable")
        db.session.commit()
        flash(f"{user.email} is disabled and logged out everywhere.")
    return redirect(url_for("auth.admin_users", q=request.args.get("q") or None))


@bp.route("/admin/users/<int:user_id>/enable", methods=["POST"])
def admin_enable(user_id: int):
    admin = _admin()
    user = _target(user_id)
    if not ConfirmForm().validate_on_submit():
        flash("The form expired: try again.")
    elif user.disabled_at is not None:
        user.disabled_at = None
        _log(admin, user, "enable")
        db.session.commit()
        flash(f"{user.email} can log in again.")
    return redirect(url_for("auth.admin_users", q=request.args.get("q") or None))
