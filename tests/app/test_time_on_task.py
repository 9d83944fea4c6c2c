"""Time on task comes from when the server showed the slot, never from a time the browser posts."""
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.attempts import lifecycle as attempts
from quizapp.attempts.lifecycle import MAX_SECONDS_PER_VISIT, time_on_task
from quizapp.extensions import db
from quizapp.models import AttemptItem
from tests.helpers import items_of, post_later, recorded_statements, right_answer, shown_page


def seconds_on(app, position):
    with app.app_context():
        return db.session.scalar(select(AttemptItem.seconds).where(AttemptItem.position == position))


def test_the_time_is_measured_from_when_the_server_showed_the_page(app, client, learner, monkeypatch):
    learner.start()
    token, stamp = shown_page(client, learner.url(1))
    assert post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp},
                      120).status_code == 303
    assert 119 <= seconds_on(app, 1) <= 122


@pytest.mark.parametrize("posted", [
    lambda stamp: f"{time.time() - 600:.0f}",       # the old form: a plain number the browser can set
    lambda stamp: "0",
    lambda stamp: "",
    lambda stamp: stamp[:-2] + ("AA" if not stamp.endswith("AA") else "BB"),  # a stamp with its signature altered
    lambda stamp: stamp.replace(stamp.split(".")[1], "AAAAAA"),              # an earlier time, re-signed by nobody
])
def test_a_time_the_browser_makes_up_counts_nothing(app, client, learner, monkeypatch, posted):
    learner.start()
    token, stamp = shown_page(client, learner.url(1))
    response = post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": posted(stamp)}, 60)
    assert response.status_code == 303  # the answer is saved all the same
    assert seconds_on(app, 1) == 0.0


def test_another_slots_stamp_counts_nothing(app, client, learner, monkeypatch):
    learner.start()
    _, other = shown_page(client, learner.url(2))
    token, _ = shown_page(client, learner.url(1))
    post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": other}, 60)
    assert seconds_on(app, 1) == 0.0


def test_a_visit_counts_at_most_the_cap(app, client, learner, monkeypatch):
    learner.start()
    token, stamp = shown_page(client, learner.url(1))
    post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp}, 8 * 3600)
    assert seconds_on(app, 1) == MAX_SECONDS_PER_VISIT


def test_replaying_an_old_page_never_counts_the_same_time_twice(app, client, learner, monkeypatch):
    learner.start()
    token, stamp = shown_page(client, learner.url(1))
    post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp, "token": "a"}, 60)
    first = seconds_on(app, 1)
    # the same page's form again (a new one-time token, so it is applied), 30 s later: only those 30 s count
    post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp, "token": "b"}, 90)
    assert 29 <= seconds_on(app, 1) - first <= 31


def test_time_on_task_counts_each_second_once():
    shown = datetime(2026, 1, 1, 12, 0, 0)
    now = shown + timedelta(seconds=100)
    assert time_on_task(shown, None, now) == 100
    assert time_on_task(shown, shown + timedelta(seconds=70), now) == 30  # counted up to 12:01:10 already
    assert time_on_task(shown, now + timedelta(seconds=5), now) == 0      # clock skew between workers
    assert time_on_task(shown, None, shown + timedelta(hours=3)) == MAX_SECONDS_PER_VISIT
    assert time_on_task(None, None, now) is None


def test_the_servers_clock_costs_the_answer_post_no_statement(app, client, learner):
    """The stamp is signed into the page, not written when the page is shown: a question page stays one
    read (test_quiz), and an answer post one read and one write, as before."""
    learner.start()
    position, definition, _ = items_of(app, learner.public_id)[0]  # a right answer for its type: posting "1"
    token, stamp = shown_page(client, learner.url(position))        # to any drawn question could be refused
    with recorded_statements(app) as statements:
        response = client.post(learner.url(position), data={"csrf_token": token, "shown_at": stamp,
                                                            "action": "save", "answer": right_answer(definition)})
    assert response.status_code == 303
    assert [s.split()[0] for s in statements] in (["SELECT", "UPDATE"], ["SELECT", "WITH"]), statements


def test_a_stamp_signed_with_the_apps_secret_for_another_purpose_counts_nothing(app):
    """The shown stamp has its own salt: a signature the app's secret made for something else (itsdangerous'
    default salt, or another salt) is not a time the server showed this slot."""
    from itsdangerous import TimestampSigner

    with app.test_request_context():
        assert attempts.shown_time(attempts.shown_stamp(7), 7) is not None
        for other in (TimestampSigner(app.secret_key), TimestampSigner(app.secret_key, salt="another-purpose")):
            assert attempts.shown_time(other.sign("7").decode(), 7) is None


def test_the_page_stamp_signer_is_built_once_per_app(app):
    """Every question page signs a stamp: the signer is kept on the app, not rebuilt per request."""
    with app.app_context():
        assert attempts._shown_signer() is attempts._shown_signer()
        assert attempts._shown_signer() is app.extensions["quizapp.shown_signer"]
