"""Home (assessments and attempts in progress) and the learner's history."""
from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..access import owner_filter
from ..extensions import db
from ..models import Assessment, Attempt, Skill
from . import bp


@bp.route("/")
def index():
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.active.is_(True)).order_by(Assessment.position)).all()
    in_progress = db.session.scalars(
        select(Attempt).options(joinedload(Attempt.assessment))
        .where(owner_filter(), Attempt.status == "in_progress").order_by(Attempt.started_at.desc())).all()
    skill_names = dict(db.session.execute(select(Skill.id, Skill.name)).all())
    return render_template("main/index.html", assessments=assessments, in_progress=in_progress,
                           skill_names=skill_names)


@bp.route("/history")
@login_required
def history():
    attempts = db.session.scalars(
        select(Attempt).options(joinedload(Attempt.assessment), joinedload(Attempt.role), joinedload(Attempt.results))
        .where(Attempt.user_id == current_user.id).order_by(Attempt.started_at.desc())).unique().all()
    return render_template("main/history.html", attempts=attempts)
