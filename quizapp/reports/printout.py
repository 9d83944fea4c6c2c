"""What the PDF of a report shows besides the report itself: whose it is, when it was sat, and the question
review as one line per question (the review in full is the page's; with it a 23-skill report took 35 pages)."""
from __future__ import annotations

from ..attempts.lifecycle import load_attempt_items
from ..attempts.settings import configured_settings
from ..extensions import db
from ..models import Attempt, User
from ..questiontypes import get_question_type, is_dont_know, own_response
from ..render.charts import COLOURS, skills_chart
from ..render.markdown import plain_excerpt
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


# The plan's part in the PDF: its first resources and weeks (what to do next), so that a weak learner's plan of
# thirty resources over eighty weeks keeps the document to a few pages; the plan page has the rest.
PDF_RESOURCES, PDF_WEEKS = 10, 10


# A question's line in the PDF's review: the start of its prompt, the learner's answer and their key, each cut.
PDF_PROMPT_CHARS, PDF_ANSWER_CHARS = 70, 40
RESULT_WORDS = {CORRECT: "Right", PARTIAL: "Partly right", WRONG: "Wrong", DONT_KNOW: "I don't know"}


def review_lines(items) -> list[dict]:
    """One line per question: its prompt's start, the learner's answer and the key they could have given (their
    variant's, or an example for a pattern: the type's key_text, as the review shows it), and how it went. Only
    what the line needs is computed: the review's Markdown of every prompt and explanation is not."""
    lines = []
    for item in items:
        qt = get_question_type(item.definition["type"])
        answer = "" if is_dont_know(item.response) else qt.describe(item.definition, own_response(item.response))
        lines.append({"position": item.position, "prompt": plain_excerpt(item.definition["prompt"], PDF_PROMPT_CHARS),
                      "answer": _cut(answer), "key": _cut(str(qt.key_text(item.definition))),
                      "result": RESULT_WORDS.get(item.state, "Not answered")})
    return lines


def _cut(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= PDF_ANSWER_CHARS else text[:PDF_ANSWER_CHARS - 1].rstrip() + "…"


def printout(attempt: Attempt, report: dict, next_step: dict | None, plan: dict | None) -> dict:
    """The template variables of reports/report_pdf.html."""
    return {"attempt": attempt, "report": report, "learner": learner_name(attempt), "date": sitting_date(attempt),
            "review": review_counts(attempt), "next_step": next_step, "plan": plan, "colours": COLOURS,
            "pdf_resources": PDF_RESOURCES, "pdf_weeks": PDF_WEEKS, "review_lines": review_lines(load_attempt_items(attempt)),
            "settings": configured_settings(),
            "chart": skills_chart(report["skills"], row_height=24.0, label_chars=min(
                PDF_LABEL_CHARS, max([20, *(len(s["name"]) for s in report["skills"])])))}
