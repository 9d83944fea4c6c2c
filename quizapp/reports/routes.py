"""The gap report (HTML, JSON and PDF) of a submitted attempt."""
from pathlib import Path

from flask import abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from ..attempts.access import get_own_attempt, guest_token
from ..attempts.behaviours import behaviour_of
from ..attempts.lifecycle import load_attempt_items
from ..attempts.practice import start_gap_practice
from ..attempts.settings import configured_settings
from ..questiontypes.review import review_entry
from ..render.charts import skills_chart
from . import bp
from .forms import PractiseGapsForm
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
    return _report_page(attempt, problem_form=True)


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
    html = render_template("reports/report_pdf.html", **printout(attempt, report, *_pdf_extras(attempt, report)))
    pdf, _ = cached_pdf(html, Path(current_app.instance_path) / "pdf-cache", str(attempt.id))
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="gap-report-{public_id}.pdf"'
    return response


def _pdf_extras(attempt, report) -> tuple[dict | None, dict | None]:
    """The next step and the learning plan the PDF shows (reports/plan.py: next_step, build_plan)."""
    return None, None  # TODO(merge): plan.py


def _report_page(attempt, **options) -> str:
    """The report page's HTML (a problem form under each answer with problem_form=True)."""
    items = load_attempt_items(attempt)
    report = build_report(attempt)
    return render_template("reports/report.html", attempt=attempt, behaviour=behaviour_of(attempt), report=report,
                           settings=configured_settings(), chart=skills_chart(report["skills"]),
                           review=[review_entry(i) for i in items], **options)


@bp.route("/<public_id>/practice", methods=["POST"])
def practise_gaps(public_id):
    """Start a practice session on this report's gap and not-sure skills."""
    attempt, unfinished = _submitted_attempt(public_id)
    if unfinished:
        return unfinished
    if not PractiseGapsForm().validate_on_submit():
        abort(400, "The form expired; reload the report and try again.")
    practice = start_gap_practice(attempt, current_user.id if current_user.is_authenticated else None,
                                  guest_token(create=True))
    if practice is None:
        flash("No gap or not-sure skill to practise here. Well done!")
        return redirect(url_for("reports.report", public_id=public_id), 303)
    return redirect(url_for("quiz.question", public_id=practice.public_id, position=1), 303)
