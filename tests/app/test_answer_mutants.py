"""What saving an answer stores, checked through the pages a learner uses (issue #18, mutation testing).

Each test here kills a change to answer saving that the rest of the suite let through: a cleared
answer keeping its credit, the per-visit time cap dropped, a cleared confidence not stored.
"""
import re
import time

import pytest
from sqlalchemy import select

from quizapp.attempts.lifecycle import MAX_SECONDS_PER_VISIT
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem
from tests.helpers import in_the_learners_browser, items_of, post_later, right_answer, shown_page, wrong_answer


@pytest.fixture
def app(app_on_each_database):
    """Every test here runs on SQLite and on PostgreSQL: answer saving has a branch for each."""
    return app_on_each_database


def stored(app, public_id, position):
    """The slot's saved values, read fresh from the database."""
    with app.app_context():
        attempt_id = db.session.scalar(select(Attempt.id).where(Attempt.public_id == public_id))
        row = db.session.execute(
            select(AttemptItem.response, AttemptItem.credit, AttemptItem.state, AttemptItem.answered_at,
                   AttemptItem.confidence, AttemptItem.seconds)
            .where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == position)).one()
        return row._asdict()


def checked_confidence(client, url):
    return re.findall(r'name="confidence" type="radio" value="(\w+)" checked', client.get(url).text)


def test_clearing_an_answer_removes_its_credit_for_every_question_type(app, client, learner):
    learner.start()
    items = items_of(app, learner.public_id)
    assert len({d["type"] for _, d, _ in items}) >= 4  # the fixture form mixes the types
    for position, definition, _ in items:
        assert learner.answer(position, right_answer(definition)).status_code == 303
        before = stored(app, learner.public_id, position)
        assert (before["credit"], before["state"]) == (1.0, "correct") and before["answered_at"] is not None
        assert learner.answer(position, None).status_code == 303          # the learner clears the answer
        after = stored(app, learner.public_id, position)
        assert after["response"] is None, definition["type"]
        assert after["credit"] is None, definition["type"]
        assert after["state"] == "unanswered", definition["type"]
        assert after["answered_at"] is None, definition["type"]
    assert f"0 of {len(items)} answered" in client.get(f"/attempt/{learner.public_id}/overview").text
    learner.submit()
    report = client.get(f"/report/{learner.public_id}.json").json
    assert (report["answered"], report["correct"]) == (0, 0)


def test_replacing_a_right_answer_with_a_wrong_one_replaces_its_credit(app, learner):
    learner.start()
    position, definition, _ = next(i for i in items_of(app, learner.public_id) if i[1]["type"] == "single")
    learner.answer(position, right_answer(definition))
    wrong = next(i for i, c in enumerate(definition["choices"]) if not c["correct"])
    learner.answer(position, str(wrong))
    after = stored(app, learner.public_id, position)
    assert (after["credit"], after["state"]) == (0.0, "wrong")


def test_a_cleared_confidence_is_stored_as_none(app, client, learner):
    learner.start()
    position, definition, _ = items_of(app, learner.public_id)[0]
    learner.answer(position, right_answer(definition), confidence="sure")
    assert stored(app, learner.public_id, position)["confidence"] == "sure"
    learner.answer(position, right_answer(definition), confidence="guess")
    assert stored(app, learner.public_id, position)["confidence"] == "guess"
    learner.answer(position, right_answer(definition))                   # no confidence chosen any more
    assert stored(app, learner.public_id, position)["confidence"] is None
    assert checked_confidence(client, learner.url(position)) == []


def test_a_checked_practice_answer_keeps_its_confidence_when_the_page_is_left(app, client, learner):
    """Leaving a checked (final) practice question posts no confidence: that must not erase the one given."""
    learner.start(mode="practice")
    position, definition, _ = items_of(app, learner.public_id)[0]
    learner.answer(position, right_answer(definition), action="check", confidence="unsure")
    learner.answer(position, None, action="next")
    saved = stored(app, learner.public_id, position)
    assert saved["confidence"] == "unsure" and saved["credit"] == 1.0
    assert checked_confidence(client, learner.url(position)) == ["unsure"]


def test_time_on_a_question_is_capped_per_visit(app, client, learner, monkeypatch):
    """Two long visits (each answered ten hours after the last) add one cap each, not the hours between."""
    learner.start()
    for visits in (1, 2):
        token, stamp = shown_page(client, learner.url(1))
        post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp},
                  visits * 10 * 3600)
        monkeypatch.undo()
        assert stored(app, learner.public_id, 1)["seconds"] == visits * MAX_SECONDS_PER_VISIT


def test_time_on_a_question_adds_up_over_short_visits_and_never_goes_back(app, client, learner, monkeypatch):
    learner.start()
    token, stamp = shown_page(client, learner.url(1))
    post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp}, 30)
    monkeypatch.undo()
    first = stored(app, learner.public_id, 1)["seconds"]
    assert 29 <= first <= 32
    token, stamp = shown_page(client, learner.url(1))
    post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp}, -3600)  # a clock behind
    monkeypatch.undo()
    assert stored(app, learner.public_id, 1)["seconds"] == first                                    # adds nothing
    token, stamp = shown_page(client, learner.url(1))
    # answered 50 s after the first page was shown: 20 s after the first visit's count ended
    post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp}, 50)
    monkeypatch.undo()
    assert 48 <= stored(app, learner.public_id, 1)["seconds"] <= 54


def test_a_save_read_before_a_submit_is_refused_as_closed_not_as_final(app, learner):
    """A submit shows every key, so the slot is both closed and final by the time the stale save's UPDATE
    runs: the learner must be told the attempt was submitted (AttemptClosed, the closed page), and nothing
    they posted after the submit is stored."""

    from quizapp.attempts.lifecycle import AttemptClosed, save_answer
    from quizapp.hotpath.attempt_page import get_own_answer_slot
    from quizapp.questiontypes import get_question_type

    learner.start()
    position, definition, _ = items_of(app, learner.public_id)[0]
    response = get_question_type(definition["type"]).parse(right_answer(definition), definition)
    with in_the_learners_browser(app, learner):
        stale = get_own_answer_slot(learner.public_id, position)   # read while the attempt is open
    assert learner.submit().status_code == 303                      # another tab submits
    with app.test_request_context():
        with pytest.raises(AttemptClosed) as refused:
            save_answer(stale.attempt, stale.slot, response, False, token="late")
        assert refused.value.args == (learner.public_id,)  # the error names the attempt (logs, the caller)
    after = stored(app, learner.public_id, position)
    assert (after["response"], after["credit"], after["state"]) == (None, None, "unanswered")


def _stale_read(app, learner, position):
    """The slot as an answer post reads it (hotpath/attempt_page.py), for calling save_answer directly."""

    from quizapp.hotpath.attempt_page import get_own_answer_slot

    with in_the_learners_browser(app, learner):
        return get_own_answer_slot(learner.public_id, position)


def test_saving_without_check_leaves_a_practice_answer_open(app, learner):
    """save_answer checks (shows the key, locks the answer) only when asked: a plain save can be changed."""
    from quizapp.attempts.lifecycle import save_answer
    from quizapp.questiontypes import get_question_type

    learner.start(mode="practice")
    position, definition, _ = items_of(app, learner.public_id)[0]
    qtype = get_question_type(definition["type"])
    page = _stale_read(app, learner, position)
    with app.test_request_context():
        save_answer(page.attempt, page.slot, qtype.parse(right_answer(definition), definition), False, token="one")
    with app.app_context():
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.id == page.slot.id))
        assert (item.checked, item.key_shown_at, item.state) == (False, None, "correct")
    page = _stale_read(app, learner, position)
    assert not page.slot.final
    with app.test_request_context():
        save_answer(page.attempt, page.slot, None, False, token="two")   # and cleared again
    assert stored(app, learner.public_id, position)["state"] == "unanswered"


def test_the_shown_time_is_utc_whatever_the_servers_time_zone(app, monkeypatch):
    """Times are stored as naive UTC (models.utcnow): a server in another zone must not shift a visit by hours."""
    from quizapp.attempts import lifecycle as attempts
    from quizapp.models import utcnow

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        with app.test_request_context():
            shown = attempts.shown_time(attempts.shown_stamp(3), 3)
        assert abs((utcnow() - shown).total_seconds()) < 5
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_counted_time_never_moves_back_on_a_replayed_form(app, client, learner, monkeypatch):
    learner.start()
    token, stamp = shown_page(client, learner.url(1))
    post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp, "token": "a"}, 30)
    first = stored(app, learner.public_id, 1)["seconds"]
    assert 29 <= first <= 32
    # a post whose server clock is behind the time already counted (another worker) adds nothing
    post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp, "token": "b"}, 10)
    assert stored(app, learner.public_id, 1)["seconds"] == first
    post_later(client, learner.url(1), monkeypatch, {"csrf_token": token, "shown_at": stamp, "token": "c"}, 50)
    assert 49 <= stored(app, learner.public_id, 1)["seconds"] <= 52


def test_refusals_name_what_they_refuse_and_a_check_is_stored_as_checked(app, learner):
    """AttemptClosed names the attempt and AnswerFinal the slot, whichever check refuses; "Check answer"
    stores checked (what locks an adaptive answer once the next question was chosen from it)."""

    from quizapp.attempts.lifecycle import AttemptClosed, save_answer
    from quizapp.hotpath.attempt_page import get_own_answer_slot
    from quizapp.models import AnswerFinal
    from quizapp.questiontypes import get_question_type

    learner.start("drill", mode="practice")
    position, definition, _ = items_of(app, learner.public_id)[0]
    qtype = get_question_type(definition["type"])
    with in_the_learners_browser(app, learner):
        read = get_own_answer_slot(learner.public_id, position)
        save_answer(read.attempt, read.slot, qtype.parse(right_answer(definition), definition), False,
                    token="check", check=True)
        with app.app_context():
            assert db.session.scalar(select(AttemptItem.checked).where(AttemptItem.id == read.slot.id)) is True
        final = get_own_answer_slot(learner.public_id, position)  # read after the check: the slot is final
        with pytest.raises(AnswerFinal) as refused:
            save_answer(final.attempt, final.slot, qtype.parse(wrong_answer(definition), definition), False,
                        token="change")
        assert refused.value.args == (final.slot.id,)
    assert learner.submit().status_code == 303
    with in_the_learners_browser(app, learner):
        closed = get_own_answer_slot(learner.public_id, position)  # read after the submit
        with pytest.raises(AttemptClosed) as refused:
            save_answer(closed.attempt, closed.slot, None, True, token="late")
        assert refused.value.args == (learner.public_id,)
