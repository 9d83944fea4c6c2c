"""Home (assessments and attempts in progress) and the learner's history."""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from ..attempts.access import owner_filter
from ..attempts.behaviours import assessment_behaviour, behaviour_of
from ..attempts.cohorts import normalise_code
from ..attempts.settings import scoring_settings
from ..extensions import db
from ..models import Assessment, Attempt, Cohort, CohortMember, Skill
from ..render.charts import Sitting, progress_chart, sitting_labels
from ..scoring.gaps import to_scale
from . import bp
from .data import report_replies
from .forms import JoinCohortForm


@bp.route("/")
def index():
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.active.is_(True)).order_by(Assessment.position)).all()
    in_progress = db.session.scalars(
        select(Attempt).options(joinedload(Attempt.assessment))
        .where(owner_filter(), Attempt.status == "in_progress").order_by(Attempt.started_at.desc())).all()
    skill_names = dict(db.session.execute(select(Skill.id, Skill.name)).all())
    return render_template("main/index.html", assessments=assessments, in_progress=in_progress,
                           skill_names=skill_names, behaviours={a.id: assessment_behaviour(a) for a in assessments})


@bp.route("/history")
@login_required
def history():
    attempts = db.session.scalars(
        select(Attempt).options(joinedload(Attempt.assessment), joinedload(Attempt.role), joinedload(Attempt.results))
        .where(Attempt.owned_by(current_user.id, None)).order_by(Attempt.started_at.desc())).unique().all()
    names = dict(db.session.execute(select(Skill.id, Skill.name)).all())
    sittings, series = progress_series(attempts, names)
    practice = {a.id for a in attempts if behaviour_of(a).shows_key_on_check}  # keys seen along the way
    return render_template("main/history.html", attempts=attempts, sittings=sittings, series=series,
                           assessments=[a for a in attempts if a.id not in practice],
                           practice=[a for a in attempts if a.id in practice],
                           chart=progress_chart(sittings, series) if series else None,
                           replies=report_replies(current_user.id))


def progress_series(attempts, names, limit: int = 8) -> tuple[list[Sitting], dict[str, list[tuple[int, int]]]]:
    """The submitted attempts that place a point, oldest first, and per skill assessed in two or more of them
    its (attempt's index, score) points: the `limit` skills with the most points."""
    submitted = sorted((a for a in attempts if a.submitted), key=lambda a: (a.submitted_at, a.id))
    points: dict[str, list[tuple[int, int]]] = {}
    for index, attempt in enumerate(submitted):
        for r in attempt.results:
            if r.n_items:
                points.setdefault(names.get(r.skill_id, r.skill_id), []).append((index, to_scale(r.theta)))
    repeated = {k: v for k, v in points.items() if len(v) >= 2}
    busiest = sorted(repeated, key=lambda k: (-len(repeated[k]), k))[:limit]
    shown = sorted({index for k in busiest for index, _ in repeated[k]})
    place = {index: n for n, index in enumerate(shown)}
    labels = sitting_labels([submitted[i].submitted_at for i in shown])
    sittings = [Sitting(label, behaviour_of(submitted[i]).shows_key_on_check) for label, i in zip(labels, shown, strict=True)]
    return sittings, {k: [(place[index], score) for index, score in repeated[k]] for k in busiest}


# What joining shares, said on the join page and after joining (instructor/cohorts.shared does this).
COHORT_SHARING = ("Your instructor sees the attempts you submit from now on: their results and every answer in them. "
                  "Attempts you submitted before joining, and attempts you have not submitted, stay private.")


@bp.route("/cohorts/join", methods=["GET", "POST"])
@login_required
def join_cohort():
    form = JoinCohortForm()
    status = 200
    if form.validate_on_submit():
        cohort = db.session.scalar(select(Cohort).where(Cohort.join_code == normalise_code(form.code.data)))
        if cohort is None:
            form.code.errors.append("No cohort has this code. Check it with your instructor.")
        else:
            if db.session.get(CohortMember, (cohort.id, current_user.id)) is None:
                db.session.add(CohortMember(cohort_id=cohort.id, user_id=current_user.id))
                db.session.commit()
            flash(f"You joined {cohort.name}. {COHORT_SHARING}")
            return redirect(url_for("main.index"), 303)
    if request.method == "POST":
        status = 400
    return render_template("main/join.html", form=form, sharing=COHORT_SHARING), status


@bp.route("/method")
def method():
    """How scores, bands, gaps and adaptive selection work, in plain words, with the settings in use."""
    return render_template("main/method.html", settings=scoring_settings())


@bp.route("/favicon.ico")
def favicon():
    """The icon is an SVG (linked from every page); tools and browsers that ask for /favicon.ico on their own
    (a JSON report, a PDF) are sent to it rather than to a 404."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/healthz")
def healthz():
    """For load balancers: 200 when the app can reach its database, 503 when it cannot."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return jsonify({"status": "error", "database": type(exc).__name__}), 503
    return jsonify({"status": "ok", "database": "ok"})
