"""Export my data: one zip with every attempt, answer, report and plan item as JSON (data.json) and
each submitted attempt's report as a PDF (reports/…pdf), from the account page.

A POST with a CSRF token, rate limited like login: each PDF costs about a second of CPU the first
time (then the PDF cache serves it). Attempts still in progress carry their answers as stored and
no key, state or credit: the key of an unsubmitted question is shown to nobody.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from ..attempts.lifecycle import load_attempt_items
from ..extensions import db
from ..models import Attempt, Cohort, CohortMember, ProblemReport, ResourceDone, User
from ..questiontypes.review import review_entry
from . import bp
from .plan import build_plan
from .printout import printout
from .view_model import build_report


class ExportForm(FlaskForm):
    """Only the CSRF token: the export is a POST so that no link or image can start one."""


def _iso(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _answers(attempt: Attempt) -> list[dict]:
    items = load_attempt_items(attempt)
    if not attempt.submitted:
        return [{"position": i.position, "question_id": i.version.question_id, "version": i.version.version,
                 "response": i.response, "flagged": i.flagged, "confidence": i.confidence,
                 "answered_at": _iso(i.answered_at), "seconds": i.seconds} for i in items]
    out = []
    for item, entry in ((i, review_entry(i)) for i in items):
        out.append({"position": entry.position, "question_id": entry.question_id, "version": entry.version,
                    "type": entry.qtype, "response": None if entry.dont_know else entry.response_text,
                    "dont_know": entry.dont_know, "key": entry.key_text, "state": entry.state,
                    "credit": entry.credit, "confidence": item.confidence, "flagged": item.flagged,
                    "answered_at": _iso(item.answered_at), "seconds": item.seconds})
    return out


def collect(user: User, done: set[str]) -> tuple[dict, list[tuple[Attempt, dict, dict]]]:
    """Everything stored about `user`, as plain data, and (attempt, report, plan) of each submitted attempt."""
    attempts = db.session.scalars(select(Attempt).where(Attempt.owned_by(user.id, None)).order_by(Attempt.started_at)).all()
    exported, submitted = [], []
    for attempt in attempts:
        entry = {"id": attempt.public_id, "assessment": attempt.assessment_id, "role": attempt.role_id,
                 "mode": attempt.mode, "status": attempt.status, "started_at": _iso(attempt.started_at),
                 "submitted_at": _iso(attempt.submitted_at), "answers": _answers(attempt)}
        if attempt.submitted:
            report = build_report(attempt)
            plan = build_plan(report, start=dt.date.today(), done=done)
            entry["report"], entry["plan"] = report, plan
            submitted.append((attempt, report, plan))
        exported.append(entry)
    cohorts = db.session.execute(select(Cohort.name, CohortMember.joined_at).join(
        CohortMember, CohortMember.cohort_id == Cohort.id).where(CohortMember.user_id == user.id)).all()
    problems = db.session.scalars(select(ProblemReport).where(ProblemReport.user_id == user.id)).all()
    data = {
        "exported_at": _iso(dt.datetime.now(dt.timezone.utc)),
        "account": {"email": user.email, "display_name": user.display_name, "role": user.role,
                    "created_at": _iso(user.created_at), "email_confirmed_at": _iso(user.email_verified_at),
                    "default_target_role": user.default_role_id},
        "sessions": [{"browser": s.user_agent, "address": s.ip, "logged_in_at": _iso(s.created_at),
                      "last_active_at": _iso(s.last_seen_at), "remembered": s.remembered}
                     for s in user.login_sessions],
        "attempts": exported,
        "courses_done": [{"course": r.course_id, "done_at": _iso(r.done_at)} for r in db.session.scalars(
            select(ResourceDone).where(ResourceDone.user_id == user.id))],
        "cohorts": [{"name": name, "joined_at": _iso(joined)} for name, joined in cohorts],
        "problem_reports": [{"question_version": p.version_id, "reason": p.reason, "note": p.note,
                             "status": p.status, "created_at": _iso(p.created_at), "reply": p.reply}
                            for p in problems],
    }
    return data, submitted


def _pdfs(submitted) -> tuple[list[tuple[str, bytes]], str | None]:
    try:
        from ..render.pdf import cached_pdf
    except OSError:  # WeasyPrint's system libraries are missing on this machine
        return [], "The PDF reports are missing: the server cannot make PDFs (WeasyPrint's libraries)."
    files = []
    for attempt, report, plan in submitted:
        html = render_template("reports/report_pdf.html", **printout(attempt, report, report.get("next_step"), plan))
        pdf, _ = cached_pdf(html, Path(current_app.instance_path) / "pdf-cache", str(attempt.id))
        files.append((f"reports/gap-report-{attempt.public_id}.pdf", pdf))
    return files, None


def _throttle() -> None:
    """Count this export with the login throttle (the app's, in app.extensions: blueprints do not import
    each other); over the limit, a 429."""
    throttle = current_app.extensions["quizapp_throttle"]
    address = request.remote_addr or "unknown"
    if not throttle.allow("reports.export", address):
        raise TooManyRequests("Too many exports from your address. Wait a minute, then try again.",
                              retry_after=throttle.seconds_left("reports.export", address))


@bp.route("/export", methods=["POST"])
@login_required
def export():
    """The zip of everything stored about the signed-in account."""
    _throttle()
    if not ExportForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    user = db.session.get(User, current_user.id)
    done = set(db.session.scalars(select(ResourceDone.course_id).where(ResourceDone.user_id == user.id)))
    data, submitted = collect(user, done)
    pdfs, problem = _pdfs(submitted)
    if problem:
        data["note"] = problem
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, default=_iso))
        for name, pdf in pdfs:
            archive.writestr(name, pdf)
    response = current_app.response_class(buffer.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="quizapp-data-{dt.date.today()}.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response
