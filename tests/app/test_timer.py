"""Timed assessments: the deadline is stored at start and enforced on the server."""
from datetime import timedelta

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, utcnow
from tests.helpers import csrf_token, items_of, right_answer


def expire(app, public_id):
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        attempt.deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_deadline_is_stored_and_shown(app, client, learner):
    learner.start("timed")
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        left = (attempt.deadline - utcnow()).total_seconds()
        assert 9 * 60 < left <= 10 * 60
    page = client.get(learner.url(1)).text
    assert 'role="timer"' in page and "Time left:" in page


def test_time_up_submits_with_the_saved_answers(app, client, learner):
    learner.start("timed")
    position, definition, _ = items_of(app, learner.public_id)[0]
    learner.answer(position, right_answer(definition))
    expire(app, learner.public_id)
    response = client.get(learner.url(2))
    assert response.status_code == 302 and f"/report/{learner.public_id}" in response.headers["Location"]
    report = client.get(f"/report/{learner.public_id}")
    assert "Time is up: your attempt was submitted" in report.text
    assert client.get(f"/report/{learner.public_id}.json").json["answered"] == 1


def test_an_answer_arriving_after_the_deadline_is_not_saved(app, client, learner):
    learner.start("timed")
    position, definition, _ = items_of(app, learner.public_id)[1]
    token = csrf_token(client.get(learner.url(position)).text)
    expire(app, learner.public_id)
    response = client.post(learner.url(position), data={"csrf_token": token, "action": "next",
                                                        "answer": right_answer(definition)})
    assert response.status_code == 409 and "Time is up" in response.text
    with app.app_context():
        assert db.session.scalar(select(AttemptItem).where(AttemptItem.position == position)).response is None
        assert db.session.scalar(select(Attempt)).status == "submitted"


def test_cron_sweep_closes_abandoned_attempts(app, runner, learner):
    learner.start("timed")
    learner.start("everything")  # untimed: never closed
    with app.app_context():
        timed = db.session.scalar(select(Attempt).where(Attempt.assessment_id == "timed"))
        timed.deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    result = runner.invoke(args=["attempts", "close-expired"])
    assert "Submitted 1 expired attempt(s)." in result.output
    with app.app_context():
        statuses = {a.assessment_id: a.status for a in db.session.scalars(select(Attempt))}
    assert statuses == {"timed": "submitted", "everything": "in_progress"}
