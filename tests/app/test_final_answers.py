"""An answer whose key was shown is final, in every path that can show a key, reopen or resubmit.

The key is shown by practice feedback ("Check answer") and by the report of a submitted attempt;
"3 more questions on X" reopens a submitted adaptive attempt, "Practise my gaps" starts a new one from
a report, and a timed attempt is submitted when its time is up. Each path is walked here: a slot whose
key was shown keeps its answer (a 409 page says why, nothing changes), and reopening only appends slots.
"""
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.attempts.lifecycle import save_answer
from quizapp.extensions import db
from quizapp.hotpath.attempt_page import get_own_answer_slot
from quizapp.models import AnswerFinal, Attempt, AttemptItem, utcnow
from quizapp.questiontypes import get_question_type
from tests.helpers import csrf_token, in_the_learners_browser, items_of, make_app, right_answer, wrong_answer

FINAL = "This answer is final: its key and explanation were shown to you"


@pytest.fixture
def app(app_on_each_database):
    """Every test here runs on SQLite and on PostgreSQL: answer saving has a branch for each."""
    return app_on_each_database


def slot_row(app, public_id, position):
    with app.app_context():
        return db.session.scalar(select(AttemptItem).join(Attempt).where(
            Attempt.public_id == public_id, AttemptItem.position == position))


def answer_columns(item):
    return item.response, item.credit, item.state, item.checked, item.confidence


def assert_refused_as_final(app, learner, position, answer, **extra):
    """The post is refused with the page saying why, and the slot is exactly as it was."""
    before = answer_columns(slot_row(app, learner.public_id, position))
    response = learner.answer(position, answer, **extra)
    assert response.status_code == 409, response.status_code
    assert FINAL in response.text and "Your answer was not saved." in response.text
    assert answer_columns(slot_row(app, learner.public_id, position)) == before
    return response


# --- practice: "Check answer" shows the key -------------------------------------------------------------

def test_a_checked_practice_answer_is_final_whatever_is_posted(app, client, learner):
    learner.start("drill", mode="practice")
    position, definition, _ = items_of(app, learner.public_id)[0]
    assert learner.answer(position, wrong_answer(definition), action="check", confidence="sure").status_code == 303
    item = slot_row(app, learner.public_id, position)
    assert item.key_shown_at is not None and item.state == "wrong"
    for action in ("save", "next", "check", "prev", "overview"):
        assert_refused_as_final(app, learner, position, right_answer(definition), action=action)
    assert_refused_as_final(app, learner, position, None, action="save", confidence="unsure")  # confidence too
    assert_refused_as_final(app, learner, position, "not a valid answer at all", action="save")
    # The page's own buttons post no answer (its inputs are disabled): "Next question" and a flag still work.
    moved = learner.answer(position, None, action="next", flagged=True)
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"/q/{position + 1}")
    item = slot_row(app, learner.public_id, position)
    assert item.flagged and item.state == "wrong" and item.confidence == "sure"
    # The same answer posted again is no change either.
    same = learner.answer(position, wrong_answer(definition), action="save")
    assert same.status_code == 303 and slot_row(app, learner.public_id, position).state == "wrong"


def test_a_check_in_another_tab_wins_over_a_save_read_before_it(app, learner):
    """The lock is in the UPDATE's WHERE: a save whose read came before a concurrent check changes nothing."""
    learner.start("drill", mode="practice")
    position, definition, _ = items_of(app, learner.public_id)[0]
    qtype = get_question_type(definition["type"])
    with in_the_learners_browser(app, learner):
        stale = get_own_answer_slot(learner.public_id, position)
        checked = get_own_answer_slot(learner.public_id, position)
        save_answer(checked.attempt, checked.slot, qtype.parse(wrong_answer(definition), definition), False,
                    token="tab-a", check=True)
        with pytest.raises(AnswerFinal) as refused:
            save_answer(stale.attempt, stale.slot, qtype.parse(right_answer(definition), definition), False,
                        token="tab-b")
        assert refused.value.args == (stale.slot.id,)  # the slot, named by the check after the UPDATE
    item = slot_row(app, learner.public_id, position)
    assert item.state == "wrong" and item.last_token == "tab-a"


def test_an_orm_write_to_a_final_answer_fails_loudly(app, learner):
    learner.start("drill", mode="practice")
    position, definition, _ = items_of(app, learner.public_id)[0]
    learner.answer(position, wrong_answer(definition), action="check")
    with app.app_context():
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.position == position))
        item.credit, item.state = 1.0, "correct"
        with pytest.raises(AnswerFinal):
            db.session.commit()
        db.session.rollback()
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.position == position))
        item.flagged = True  # not part of the answer
        db.session.commit()
        assert db.session.get(AttemptItem, item.id).state == "wrong"


# --- assessment: the report shows every slot's key ------------------------------------------------------

def test_submitting_shows_every_key_and_a_second_submit_changes_nothing(app, client, learner):
    learner.start()
    items = items_of(app, learner.public_id)
    position, definition, _ = items[0]
    learner.answer(position, wrong_answer(definition))  # the others are left unanswered
    learner.submit()
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        assert all(i.key_shown_at == attempt.submitted_at for i in attempt.items)
        shown = [i.key_shown_at for i in attempt.items]
    token = csrf_token(client.get(f"/report/{learner.public_id}").text)
    again = client.post(f"/attempt/{learner.public_id}/submit", data={"csrf_token": token})
    assert again.status_code == 303
    with app.app_context():
        assert [i.key_shown_at for i in db.session.scalar(
            select(Attempt).where(Attempt.public_id == learner.public_id)).items] == shown
    response = learner.client.post(learner.url(2), data={
        "csrf_token": token, "action": "save", "answer": right_answer(items[1][1])})
    assert response.status_code == 409 and slot_row(app, learner.public_id, 2).response is None


def test_time_up_shows_every_key(app, client, learner):
    learner.start("timed")
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        attempt.deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(learner.url(1)).status_code == 302  # to the report: submitted by the time limit
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        assert attempt.submitted and all(i.key_shown_at is not None for i in attempt.items)


# --- adaptive: "3 more questions on X" reopens the attempt ----------------------------------------------

def _more_questions(app, client, learner):
    """Submit, then ask for 3 more questions on a not-sure skill: the attempt is reopened."""
    learner.submit()
    report = client.get(f"/report/{learner.public_id}")
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        skill = next(s.skill_id for s in attempt.results if s.status == "uncertain")
        asked = len(attempt.items)
    response = client.post(f"/attempt/{learner.public_id}/more/{skill}", data={"csrf_token": csrf_token(report.text)})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/q/{asked + 1}")
    return asked


def test_more_questions_only_append_slots_the_reported_ones_stay_final(app, client, learner):
    """The issue's example: a slot answered with "save" (not final before), its key then shown on the
    report, cannot be rewritten after "3 more questions", and the score does not rise."""
    learner.start("adapt")
    definition = items_of(app, learner.public_id)[0][1]
    assert learner.answer(1, wrong_answer(definition), action="save").status_code == 303
    assert not slot_row(app, learner.public_id, 1).checked
    asked = _more_questions(app, client, learner)
    page = client.get(learner.url(1))
    assert "Your answer here is final: its key and explanation were shown on your report." in page.text
    assert_refused_as_final(app, learner, 1, right_answer(definition), action="save")
    assert_refused_as_final(app, learner, 1, right_answer(definition), action="next")
    # the new slot takes answers as any other
    new = items_of(app, learner.public_id)[asked][1]
    assert learner.answer(asked + 1, right_answer(new), action="save").status_code == 303
    assert slot_row(app, learner.public_id, asked + 1).state == "correct"
    learner.submit()
    data = client.get(f"/report/{learner.public_id}.json").json
    assert data["status"] == "submitted"
    review = {r["position"]: r for r in data["review"]}
    assert review[1]["state"] == "wrong" and review[asked + 1]["state"] == "correct"
    assert slot_row(app, learner.public_id, asked + 1).key_shown_at is not None  # the new slot is final now too


def test_a_slot_left_blank_before_the_report_cannot_be_answered_after_reopening(app, client, learner):
    learner.start("adapt")
    definition = items_of(app, learner.public_id)[0][1]
    _more_questions(app, client, learner)
    assert_refused_as_final(app, learner, 1, right_answer(definition), action="save")
    assert slot_row(app, learner.public_id, 1).response is None


def test_reopening_locks_slots_of_attempts_submitted_before_the_lock_existed(app, client, learner):
    """An attempt submitted before key_shown_at was recorded (the migration backfills it; this is the
    belt to its braces): reopening marks every existing slot as shown."""
    learner.start("adapt")
    definition = items_of(app, learner.public_id)[0][1]
    learner.submit()
    with app.app_context():
        db.session.execute(AttemptItem.__table__.update().values(key_shown_at=None))
        db.session.commit()
    report = client.get(f"/report/{learner.public_id}")
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        skill = next(s.skill_id for s in attempt.results if s.status == "uncertain")
    client.post(f"/attempt/{learner.public_id}/more/{skill}", data={"csrf_token": csrf_token(report.text)})
    assert_refused_as_final(app, learner, 1, right_answer(definition), action="save")


# --- "Practise my gaps": a new attempt; the report's stays final ----------------------------------------

def test_gap_practice_starts_fresh_slots_and_leaves_the_report_final(app, client, learner):
    learner.start()
    items = items_of(app, learner.public_id)
    for position, definition, _ in items:
        learner.answer(position, wrong_answer(definition))
    learner.submit()
    report = client.get(f"/report/{learner.public_id}")
    response = client.post(f"/report/{learner.public_id}/practice", data={"csrf_token": csrf_token(report.text)})
    assert response.status_code == 303
    practice_id = response.headers["Location"].split("/")[2]
    # the reported attempt is still submitted: its slots refuse answers
    refused = client.post(learner.url(1), data={"csrf_token": csrf_token(report.text), "action": "save",
                                                "answer": right_answer(items[0][1])})
    assert refused.status_code == 409 and slot_row(app, learner.public_id, 1).state == "wrong"
    # the practice attempt's slots are new, open until checked, then final
    learner.public_id = practice_id
    position, definition, _ = items_of(app, practice_id)[0]
    assert slot_row(app, practice_id, position).key_shown_at is None
    assert learner.answer(position, right_answer(definition), action="save").status_code == 303
    assert learner.answer(position, wrong_answer(definition), action="check").status_code == 303
    assert_refused_as_final(app, learner, position, right_answer(definition), action="save")
    assert slot_row(app, practice_id, position).state == "wrong"


# --- the migration: keys shown before it are recorded -----------------------------------------------------

def test_the_migration_records_keys_already_shown(tmp_path):
    """Upgrading marks every slot of a submitted attempt and every checked practice slot as shown, and
    nothing else: answers that were final before the upgrade stay final after it."""
    from sqlalchemy import text

    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite'}")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "5ee1d8768dfa"]).exit_code == 0
    with app.app_context():
        rows = [
            "INSERT INTO role (id, name, description, position, targets, active) VALUES ('r', 'R', '', 0, '{}', 1)",
            "INSERT INTO assessment (id, name, description, role_id, mode, question_count, skills, position, active) "
            "VALUES ('a', 'A', '', 'r', 'assessment', 2, '[]', 0, 1)",
            "INSERT INTO question (id, retired, source_path) VALUES ('q', 0, '')",
            "INSERT INTO question_version (id, question_id, version, content_hash, qtype, difficulty, skills, "
            "definition, created_at) VALUES (1, 'q', 1, 'h', 'single', 1, '[]', '{}', '2026-01-01 00:00:00')",
        ]
        attempts = (  # id, mode, status, submitted_at
            (1, "assessment", "submitted", "'2026-01-02 10:00:00'"), (2, "practice", "in_progress", "NULL"),
            (3, "assessment", "in_progress", "NULL"))
        for attempt_id, mode, status, submitted in attempts:
            rows.append("INSERT INTO attempt (id, public_id, assessment_id, role_id, mode, status, started_at, "
                        f"submitted_at, last_position, question_count, adaptive, focus_remaining) VALUES ({attempt_id},"
                        f" 'p{attempt_id}', 'a', 'r', '{mode}', '{status}', '2026-01-02 09:00:00', {submitted}, 1, 2,"
                        " 0, 0)")
        items = (  # id, attempt, position, checked, answered_at
            (1, 1, 1, 0, "NULL"), (2, 1, 2, 0, "NULL"), (3, 2, 1, 1, "'2026-01-02 09:30:00'"),
            (4, 2, 2, 0, "'2026-01-02 09:31:00'"), (5, 3, 1, 1, "'2026-01-02 09:32:00'"))
        for item_id, attempt_id, position, checked, answered in items:
            rows.append("INSERT INTO attempt_item (id, attempt_id, position, version_id, state, checked, flagged, "
                        f"answered_at, seconds) VALUES ({item_id}, {attempt_id}, {position}, 1, 'unanswered', "
                        f"{checked}, 0, {answered}, 0)")
        for row in rows:
            db.session.execute(text(row))
        db.session.commit()
        db.session.remove()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        shown = dict(db.session.execute(text("SELECT id, key_shown_at FROM attempt_item")).all())
        db.session.remove()
    assert shown[1] and shown[2] and str(shown[1]).startswith("2026-01-02 10:00:00")  # the report
    assert str(shown[3]).startswith("2026-01-02 09:30:00")  # practice feedback
    assert shown[4] is None and shown[5] is None  # never shown: an unchecked slot, an assessment's check
