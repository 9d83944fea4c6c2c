"""Timed assessments: the deadline is stored at start and enforced on the server."""
import re
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
    """Without JavaScript the next button pressed after the limit lands on the report's own URL, which says
    why the answer is missing (issue #21: it used to show a 409 page at the question's URL)."""
    learner.start("timed")
    position, definition, _ = items_of(app, learner.public_id)[1]
    token = csrf_token(client.get(learner.url(position)).text)
    expire(app, learner.public_id)
    response = client.post(learner.url(position), data={"csrf_token": token, "action": "next",
                                                        "answer": right_answer(definition)})
    assert response.status_code == 303 and response.headers["Location"] == f"/report/{learner.public_id}"
    report = client.get(response.headers["Location"]).text
    assert "Time is up: your attempt was submitted" in report
    assert "This answer arrived after the time limit, so it was not saved." in report
    with app.app_context():
        assert db.session.scalar(select(AttemptItem).where(AttemptItem.position == position)).response is None
        assert db.session.scalar(select(Attempt)).status == "submitted"


def test_an_autosave_after_the_deadline_is_refused_not_redirected(app, client, learner):
    """quiz.js's autosave (a fetch, no page to show) gets a 409 and says "not saved"; a redirect would read as saved."""
    learner.start("timed")
    position, definition, _ = items_of(app, learner.public_id)[0]
    token = csrf_token(client.get(learner.url(position)).text)
    expire(app, learner.public_id)
    response = client.post(learner.url(position), data={"csrf_token": token, "action": "save",
                                                        "answer": right_answer(definition)})
    assert response.status_code == 409 and "Time is up" in response.text
    with app.app_context():
        assert db.session.scalar(select(AttemptItem).where(AttemptItem.position == position)).response is None
        assert db.session.scalar(select(Attempt)).status == "submitted"


def test_the_countdown_leaves_for_the_report_with_and_without_javascript(app, client, learner):
    """The page carries the time left as the server sees it (quiz.js counts down from it), a sticky role=timer
    with a polite region for milestones, and a meta refresh for browsers without scripts; both go to the
    resume URL, which submits the expired attempt and redirects to the report."""
    learner.start("timed")
    response = client.get(learner.url(1))
    page = response.text
    assert response.headers["Cache-Control"] == "no-store"  # never a stale countdown from the cache
    left_ms = int(re.search(r'data-left-ms="(\d+)"', page).group(1))
    assert 9 * 60_000 < left_ms <= 10 * 60_000
    resume = f"/attempt/{learner.public_id}"
    assert f'data-expire-url="{resume}"' in page
    refresh = re.search(r'<noscript><meta http-equiv="refresh" content="(\d+); url=([^"]+)"></noscript>', page)
    assert refresh and refresh.group(2) == resume and int(refresh.group(1)) in (left_ms // 1000 + 1, left_ms // 1000 + 2)
    assert '<p role="timer">Time left: <strong class="timer-value">9 min' in page
    assert '<p id="timer-status" class="visually-hidden" aria-live="polite"></p>' in page
    expire(app, learner.public_id)
    response = client.get(resume)
    assert response.status_code == 302 and response.headers["Location"] == f"/report/{learner.public_id}"


def test_the_overview_and_submit_pages_count_down_too(client, learner):
    """A learner reviewing answers before submitting is still on the clock."""
    learner.start("timed")
    for url in (f"/attempt/{learner.public_id}/overview", f"/attempt/{learner.public_id}/submit"):
        response = client.get(url)
        assert '<p role="timer">Time left:' in response.text and "quiz.js" in response.text, url
        assert f'url=/attempt/{learner.public_id}"></noscript>' in response.text, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_an_untimed_page_has_no_countdown(client, learner):
    learner.start("everything")
    for url in (learner.url(1), f"/attempt/{learner.public_id}/overview", f"/attempt/{learner.public_id}/submit"):
        response = client.get(url)
        assert "timer" not in response.text and "refresh" not in response.text, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url


def test_home_and_start_pages_say_an_assessment_is_timed(client):
    home = client.get("/").text
    assert "timed: 10 minutes" in home and home.count("timed:") == 1  # the fixture bank's one timed assessment
    start = client.get("/attempt/new/timed").text
    assert "Timed: 10 minutes</strong> from when you press Begin. The clock keeps" in start
    assert "continue later" not in start
    assert "continue later" in client.get("/attempt/new/everything").text


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
