"""The gap report (HTML, JSON and PDF) of a submitted attempt, and its study plan (HTML and iCalendar)."""
import datetime as dt
from pathlib import Path

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..attempts.access import get_own_attempt, guest_token
from ..attempts.behaviours import behaviour_of
from ..attempts.lifecycle import load_attempt_items
from ..attempts.practice import start_gap_practice
from ..attempts.settings import configured_settings
from ..extensions import db
from ..models import ResourceDone
from ..questiontypes.review import review_entry
from ..render.charts import skills_chart
from ..scoring.gaps import GAP, UNCERTAIN
from . import bp
from .forms import PLAN_KEYS, PlanForm, PractiseGapsForm, ResourceDoneForm
from .plan import MORE_PER_GAP, PER_GAP, build_plan, plan_calendar, week_runs
from .printout import printout
from .view_model import build_report


def _submitted_attempt(public_id):
    attempt = get_own_attempt(public_id)
    if not attempt.submitted:
        return attempt, redirect(url_for("quiz.question", public_id=public_id, position=attempt.last_position))
    return attempt, None


@bp.route("/<public_id>")
def report(public_id):
    attempt, unfinished = _submitted_attempt(public_id)
    if unfinished:
        return unfinished
    return _report_page(attempt)


@bp.route("/<public_id>/review")
def review(public_id):
    """Every question with the answer, key and explanation: its own page, so the report stays short."""
    attempt, unfinished = _submitted_attempt(public_id)
    if unfinished:
        return unfinished
    return render_template("reports/review.html", attempt=attempt,
                           review=[review_entry(i) for i in load_attempt_items(attempt)])


@bp.route("/<public_id>.json")
def report_json(public_id):
    attempt, unfinished = _submitted_attempt(public_id)
    if unfinished:
        return jsonify({"error": "This attempt is still in progress; submit it to get a report."}), 409
    items = load_attempt_items(attempt)
    data = build_report(attempt)
    data["review"] = [{
        "position": r.position, "question_id": r.question_id, "version": r.version, "type": r.qtype,
        # "I don't know" is a flag, not text: a typed answer could read the same
        "response": None if r.dont_know else r.response_text, "dont_know": r.dont_know,
        "key": r.key_text, "state": r.state, "credit": r.credit,
        "skills": r.skills, "references": r.references,
    } for r in (review_entry(i) for i in items)]
    return jsonify(data)


@bp.route("/<public_id>.pdf")
def report_pdf(public_id):
    """The report as a print document of its own (reports/report_pdf.html, a few A4 pages), made by WeasyPrint
    once and then served from the instance folder's PDF cache (render/pdf.cached_pdf)."""
    attempt, unfinished = _submitted_attempt(public_id)
    if unfinished:
        return unfinished
    try:
        from ..render.pdf import cached_pdf
    except OSError:  # WeasyPrint's system libraries (Pango) are missing on this machine
        abort(503, "PDF export needs the Pango library on the server (apt-get install libpango-1.0-0); "
                   "use your browser's Print to PDF meanwhile.")
    report = build_report(attempt)
    extras = printout(attempt, report, report.get("next_step"), _default_plan(report))
    html = render_template("reports/report_pdf.html", **extras)
    pdf, _ = cached_pdf(html, Path(current_app.instance_path) / "pdf-cache", str(attempt.id))
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="gap-report-{public_id}.pdf"'
    return response


def _default_plan(report: dict) -> dict:
    """The plan at its defaults with what the learner marked done, as the report page and the PDF show it."""
    return build_plan(report, start=dt.date.today(), done=_done_ids())


def _report_page(attempt) -> str:
    """The report page's HTML: the next step, the summary, the plan's outline; the review has a page of its own."""
    report = build_report(attempt)
    plan = _default_plan(report)
    return render_template("reports/report.html", attempt=attempt, behaviour=behaviour_of(attempt), report=report,
                           settings=configured_settings(), chart=skills_chart(report["skills"]), plan=plan)


def _done_ids() -> set[str]:
    """The courses the signed-in learner marked done (a guest has none kept)."""
    if not current_user.is_authenticated:
        return set()
    return set(db.session.scalars(select(ResourceDone.course_id).where(ResourceDone.user_id == current_user.id)))


def _plan_args() -> dict:
    """The plan's settings from the query string, to carry over to its links: only its own keys, so a
    stray `public_id` or `_external` cannot reach url_for."""
    return {k: v for k, v in request.args.items() if k in PLAN_KEYS}


def _plan_of(attempt, form: PlanForm) -> tuple[dict, dict]:
    report = build_report(attempt)
    plan = build_plan(report, form.hours_per_week, form.cost.data == "free", start=dt.date.today(),
                      done=_done_ids(), per_gap=MORE_PER_GAP if form.more.data else PER_GAP)
    return report, plan


@bp.route("/<public_id>/plan")
def plan(public_id):
    """The paced study plan; its settings come in the query string, checked, so a bad value is a sentence."""
    attempt, unfinished = _submitted_attempt(public_id)
    if unfinished:
        return unfinished
    form = PlanForm(request.args)
    if not form.validate():
        return render_template("reports/plan.html", attempt=attempt, form=form, report=build_report(attempt),
                               plan=None), 400
    report, plan = _plan_of(attempt, form)
    return render_template("reports/plan.html", attempt=attempt, form=form, report=report, plan=plan,
                           runs=week_runs(plan["weeks"]), query=_plan_args())


@bp.route("/<public_id>/plan.ics")
def plan_ics(public_id):
    """The plan as a calendar file to import: a study block per week and each re-assessment."""
    attempt, unfinished = _submitted_attempt(public_id)
    if unfinished:
        return jsonify({"error": "This attempt is still in progress; submit it to get a plan."}), 409
    form = PlanForm(request.args)
    if not form.validate():
        return jsonify({"error": " ".join(e for errors in form.errors.values() for e in errors)}), 400
    report, plan = _plan_of(attempt, form)
    if not plan["weeks"]:  # RFC 5545 wants at least one event in a calendar
        return jsonify({"error": "Nothing to put in a calendar: this plan has no resource and no re-assessment."}), 404
    body = plan_calendar(
        plan, name=f"Study plan: {report['assessment']['name']}", uid_prefix=f"plan-{public_id}",
        assessment_url=url_for("quiz.start", assessment_id=attempt.assessment_id, _external=True),
        plan_url=url_for("reports.plan", public_id=public_id, _external=True, **_plan_args()),
        stamp=dt.datetime.now(dt.timezone.utc))
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="study-plan-{public_id}.ics"'
    return response


@bp.route("/<public_id>/plan/done", methods=["POST"])
def resource_done(public_id):
    """Mark a plan's resource done (or not done again) on the learner's account."""
    attempt, unfinished = _submitted_attempt(public_id)
    if unfinished:
        return unfinished
    form = ResourceDoneForm()
    back = url_for("reports.plan", public_id=public_id, **_plan_args())
    if not form.validate_on_submit():
        abort(400, "The form expired; reload the plan and try again.")
    if not current_user.is_authenticated:
        flash("Sign in to keep track of what you have done: a guest's plan is not kept.")
        return redirect(back, 303)
    course = form.course.data
    if course not in {c["id"] for courses in build_report(attempt)["resources"].values() for c in courses}:
        abort(400, "That resource is not in this plan.")
    row = db.session.get(ResourceDone, (current_user.id, course))
    if form.done.data == "1" and row is None:
        db.session.add(ResourceDone(user_id=current_user.id, course_id=course))
    elif form.done.data != "1" and row is not None:
        db.session.delete(row)
    try:
        db.session.commit()
    except IntegrityError:  # a double click: the other request marked it done first
        db.session.rollback()
    return redirect(back, 303)


@bp.route("/<public_id>/practice", methods=["POST"])
def practise_gaps(public_id):
    """Start a practice session on this report's gap and not-sure skills."""
    attempt, unfinished = _submitted_attempt(public_id)
    if unfinished:
        return unfinished
    form = PractiseGapsForm()
    if not form.validate_on_submit():
        abort(400, "The form expired; reload the report and try again.")
    only = form.skill.data or None
    weak = {r.skill_id: r for r in attempt.results if r.status in (GAP, UNCERTAIN)}
    if only is not None and only not in weak:
        abort(400, "That skill is not a gap or not-sure skill of this report.")
    practice = start_gap_practice(attempt, current_user.id if current_user.is_authenticated else None,
                                  guest_token(create=True), only=only)
    if practice is None:
        flash("No question on that skill to practise yet; the plan's resources are the way in." if only and weak
              else "No gap or not-sure skill to practise here. Well done!")
        return redirect(url_for("reports.report", public_id=public_id), 303)
    return redirect(url_for("quiz.question", public_id=practice.public_id, position=1), 303)
