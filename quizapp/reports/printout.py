"""What the PDF of a report shows besides the report itself: whose it is, when it was sat, and the question
review in counts (the review in full is the page's; with it a 23-skill report took 35 pages)."""
from __future__ import annotations

from ..attempts.settings import configured_settings
from ..extensions import db
from ..models import Attempt, User
from ..render.charts import COLOURS, skills_chart
from ..scoring.grading import CORRECT, DONT_KNOW, PARTIAL, WRONG

# The PDF's chart shows names whole up to this length (the shipped bank's longest has 42 characters); the
# table below it always does.
PDF_LABEL_CHARS = 48


def learner_name(attempt: Attempt) -> str:
    """The account's display name (its email if it has none), or "Guest" for an attempt without an account."""
    user = db.session.get(User, attempt.user_id) if attempt.user_id is not None else None
    if user is None:
        return "Guest"
    return (user.display_name or "").strip() or user.email


def sitting_date(attempt: Attempt) -> str:
    """The day the sitting was submitted (UTC), as a reader writes it: "7 December 2026"."""
    when = attempt.submitted_at or attempt.started_at
    return f"{when.day} {when:%B %Y}"


def review_counts(attempt: Attempt) -> dict:
    """How the questions went, for the line that stands in for the review."""
    states = [item.state for item in attempt.items]
    return {"questions": len(states), "right": states.count(CORRECT), "partial": states.count(PARTIAL),
            "wrong": states.count(WRONG), "dont_know": states.count(DONT_KNOW),
            "unanswered": len(states) - sum(states.count(s) for s in (CORRECT, PARTIAL, WRONG, DONT_KNOW))}


def printout(attempt: Attempt, report: dict, next_step: dict | None, plan: dict | None) -> dict:
    """The template variables of reports/report_pdf.html."""
    return {"attempt": attempt, "report": report, "learner": learner_name(attempt), "date": sitting_date(attempt),
            "review": review_counts(attempt), "next_step": next_step, "plan": plan, "colours": COLOURS,
            "settings": configured_settings(),
            "chart": skills_chart(report["skills"], row_height=24.0, label_chars=min(
                PDF_LABEL_CHARS, max([20, *(len(s["name"]) for s in report["skills"])])))}
