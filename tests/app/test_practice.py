"""Practise my gaps (spaced repetition) and the confidence panel."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from quizapp.attempts.practice import review_schedule
from quizapp.extensions import db
from quizapp.models import Attempt
from tests.helpers import csrf_token, items_of, right_answer, wrong_answer


def test_review_schedule_brings_missed_items_back_sooner():
    t0 = datetime(2026, 11, 1, 12, 0)
    due = review_schedule([("missed", False, t0), ("known", True, t0)], t0)
    assert due["missed"] < due["known"]
    assert due["missed"] - t0.replace(tzinfo=timezone.utc) < timedelta(hours=1)


def test_practise_my_gaps_prefers_missed_due_questions(app, client, learner):
    learner.start()
    items = items_of(app, learner.public_id)
    for position, definition, _ in items:
        learner.answer(position, wrong_answer(definition), confidence="sure")
    learner.submit()
    report = client.get(f"/report/{learner.public_id}")
    assert "Practise my gaps" in report.text
    assert "How well do you know what you know?" in report.text and "When you felt sure you were right 0 %" in report.text
    with app.app_context():
        past = datetime.now() - timedelta(days=2)
        for attempt in db.session.scalars(select(Attempt)):
            for item in attempt.items:
                item.answered_at = past  # the misses are now due for review
        db.session.commit()
    response = client.post(f"/report/{learner.public_id}/practice", data={"csrf_token": csrf_token(report.text)})
    assert response.status_code == 303
    practice_id = response.headers["Location"].split("/")[2]
    with app.app_context():
        practice = db.session.scalar(select(Attempt).where(Attempt.public_id == practice_id))
        assert practice.mode == "practice" and practice.assessment.name == "Practise my gaps"
        missed = {i.version.question_id for i in db.session.scalar(
            select(Attempt).where(Attempt.public_id == learner.public_id)).items}
        first = practice.items[0]
        assert first.version.question_id in missed
        assert first.reason == "You missed this before; spaced repetition says it is due."
    page = client.get(f"/attempt/{practice_id}/q/1").text
    assert "Check answer" in page


def test_confidence_is_optional_and_validated(app, client, learner):
    learner.start()
    position, definition, _ = items_of(app, learner.public_id)[0]
    assert learner.answer(position, right_answer(definition)).status_code == 303
    bad = learner.answer(position, right_answer(definition), confidence="certain")
    assert bad.status_code == 400 and "Not a valid choice" in bad.text
