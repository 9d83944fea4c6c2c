"""The report's view model (reports/view_model.py): the plain data behind the report's HTML, JSON and PDF."""
from types import SimpleNamespace

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt
from quizapp.reports.view_model import build_report, confidence_summary
from tests.helpers import items_of, right_answer, wrong_answer


def test_confidence_summary_counts_credit_per_self_rating():
    items = [SimpleNamespace(confidence=c, credit=r, state=state) for c, r, state in
             [("sure", 1.0, "correct"), ("sure", 0.0, "wrong"), ("sure", 0.5, "partial"), ("guess", 1.0, "correct"),
              ("unsure", None, "unanswered"), (None, 1.0, "correct"), ("guess", 0.0, "dont_know")]]
    assert confidence_summary(items) == [
        {"level": "sure", "label": "Sure", "answers": 3, "right": 1.5, "share": 0.5},
        {"level": "guess", "label": "Guessing", "answers": 1, "right": 1.0, "share": 1.0},
    ]  # an unanswered slot, an unrated answer and "I don't know" (no answer to be sure of) count for no level


def test_the_json_report_is_the_view_model_with_the_review(app, client, learner):
    learner.start()
    for position, definition, _ in items_of(app, learner.public_id):
        answer = right_answer(definition) if position % 2 else wrong_answer(definition)
        learner.answer(position, answer, confidence="sure")
    learner.submit()
    data = client.get(f"/report/{learner.public_id}.json").json
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        model = build_report(attempt)
    assert data.pop("review") and data == model
    assert model["answered"] == 5 and model["correct"] == 3 and model["confidence"][0]["answers"] == 5
