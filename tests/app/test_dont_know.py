"""“I don't know” through the pages: offered on every question of every type and mode, stored apart from a
wrong answer and from no answer, changeable until the answer is final, shown by "Check answer" with the
key, counted in the review and as evidence in the report, and one read and one write like any answer."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.attempts.lifecycle import adaptive_state
from quizapp.attempts.settings import scoring_settings
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, SkillResult
from quizapp.questiontypes import QUESTION_TYPES
from tests.helpers import (
    Learner,
    csrf_token,
    extended_fixture_bank,
    items_of,
    observations_by_skill,
    recorded_statements,
    right_answer,
    shown_page,
    synced_app,
    wrong_answer,
)

# The fixture bank lacks an ordering question: one is added, and an assessment that draws every question.
ORDERING_FILE = """\
skill: t.order
questions:
  - id: order-steps
    type: ordering
    difficulty: 2
    prompt: Put the steps of one training iteration in order.
    items: [zero the gradients, forward pass and loss, backward pass, optimizer step]
    explanation: The step uses the gradients the backward pass just computed.
    references: [https://pytorch.org/tutorials/beginner/basics/optimization_tutorial.html]
"""
EVERY_QUESTION = 7
DONT_KNOW = {"dont_know": True}
BOX = re.compile(r'<input id="dont_know" name="dont_know" type="checkbox" value="y"[^>]*>')
FINAL = "This answer is final: its key and explanation were shown to you"


@pytest.fixture
def app(tmp_path):
    root = extended_fixture_bank(
        tmp_path, skills="  - {id: t.order, name: Order, area: python}\n", roles="      t.order: 2\n",
        assessments=(f"  - {{id: all-types, name: All types, role: tester, skills: all, questions: {EVERY_QUESTION}, "
                     "mode: assessment}\n"),
        topics={"order.yaml": ORDERING_FILE})
    app = synced_app(tmp_path, root)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


def slot(app, public_id, position) -> AttemptItem:
    with app.app_context():
        return db.session.scalar(select(AttemptItem).join(Attempt).where(
            Attempt.public_id == public_id, AttemptItem.position == position))


def by_type(app, public_id) -> dict[str, tuple]:
    return {definition["type"]: (position, definition, order)
            for position, definition, order in items_of(app, public_id)}


def box(page: str) -> str:
    found = BOX.findall(page)
    assert len(found) == 1, found
    return found[0]


def answer_inputs(page: str) -> list[str]:
    """The answer field's inputs and chosen options, as the page draws them."""
    return (re.findall(r'<input[^>]*name="answer"[^>]*>', page)
            + re.findall(r'<option value="[^"]+" selected>', page))


def test_the_attempt_here_has_a_question_of_every_type(app, learner):
    learner.start("all-types")
    assert set(by_type(app, learner.public_id)) == set(QUESTION_TYPES)


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_type_offers_i_dont_know_and_keeps_it_apart_from_a_wrong_answer_and_from_none(app, learner, type_name):
    learner.start("all-types")
    position, definition, order = by_type(app, learner.public_id)[type_name]
    page = learner.client.get(learner.url(position)).text
    assert " checked" not in box(page) and " disabled" not in box(page)
    assert 'aria-describedby="dont-know-hint"' in box(page)
    assert "<label for=\"dont_know\">I don't know</label>" in page and 'id="dont-know-hint"' in page

    assert learner.answer(position, None, action="save", dont_know="y").status_code == 303
    item = slot(app, learner.public_id, position)
    assert (item.response, item.state, item.credit) == (DONT_KNOW, "dont_know", 0.0) and item.answered_at
    page = learner.client.get(learner.url(position)).text
    assert " checked" in box(page)                                   # the refilled page shows it was chosen
    assert not any(" checked" in i or " selected" in i for i in answer_inputs(page))
    assert all('value=""' in i for i in answer_inputs(page) if 'type="text"' in i)
    assert f"Question {position}, answered" in page                  # in the question list

    # changed like any answer: an answer replaces it ...
    assert learner.answer(position, wrong_answer(definition, order), action="save").status_code == 303
    item = slot(app, learner.public_id, position)
    assert item.state == "wrong" and item.response != DONT_KNOW
    assert " checked" not in box(learner.client.get(learner.url(position)).text)
    # ... and ticked, it replaces an answer posted with it (without scripts a radio cannot be unticked)
    assert learner.answer(position, right_answer(definition, order), action="save", dont_know="y").status_code == 303
    assert slot(app, learner.public_id, position).response == DONT_KNOW
    # neither posted: no answer at all, which is not "I don't know"
    assert learner.answer(position, None, action="save").status_code == 303
    item = slot(app, learner.public_id, position)
    assert (item.response, item.state, item.credit) == (None, "unanswered", None)


def test_a_page_shown_again_after_a_refused_post_keeps_the_tick(app, learner):
    learner.start("all-types")
    response = learner.answer(1, None, action="save", dont_know="y", confidence="certain")  # no such confidence
    assert response.status_code == 400 and " checked" in box(response.text)
    assert slot(app, learner.public_id, 1).state == "unanswered"


def test_a_dont_know_post_is_one_read_and_one_write(app, client, learner):
    """The answer POST is a hot path (hotpath/README.md): "I don't know" costs it no statement."""
    learner.start("all-types")
    token, stamp = shown_page(client, learner.url(1))
    with recorded_statements(app) as statements:
        response = client.post(learner.url(1), data={"csrf_token": token, "shown_at": stamp, "action": "save",
                                                     "dont_know": "y"})
    assert response.status_code == 303
    assert [s.split()[0] for s in statements] in (["SELECT", "UPDATE"], ["SELECT", "WITH"]), statements


def test_the_review_and_the_report_count_dont_know_honestly(app, client, learner):
    learner.start("all-types")
    items = items_of(app, learner.public_id)
    declined = {items[0][0], items[1][0]}
    for position, definition, order in items:
        if position in declined:
            learner.answer(position, None, dont_know="y")
        else:
            learner.answer(position, right_answer(definition, order))
    learner.submit()
    report = client.get(f"/report/{learner.public_id}").text
    assert f"You answered {EVERY_QUESTION} of {EVERY_QUESTION} questions, 2 of them with “I don't know”." in report
    review = client.get(f"/report/{learner.public_id}/review").text
    assert review.count("You answered: I don't know.") == 2
    data = client.get(f"/report/{learner.public_id}.json").json
    assert (data["answered"], data["correct"], data["dont_know"]) == (EVERY_QUESTION, EVERY_QUESTION - 2, 2)
    for entry in data["review"]:
        if entry["position"] in declined:
            assert (entry["dont_know"], entry["response"], entry["state"], entry["credit"]) == (True, None, "dont_know", 0.0)
        else:
            assert entry["dont_know"] is False and entry["response"]
    # "based on N questions": every answered question counts, "I don't know" included (it is evidence)
    measured = {}
    for _, definition, _ in items:
        for skill in definition["skills"]:
            measured[skill] = measured.get(skill, 0) + 1
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        assert {r.skill_id: r.n_items for r in attempt.results} == measured


def results_after(app, answer) -> dict[str, tuple]:
    """The skill results of a new attempt on every question, each answered by `answer(learner, slot)`."""
    learner = Learner(app.test_client())
    learner.start("all-types")
    for position, definition, order in items_of(app, learner.public_id):
        answer(learner, position, definition, order)
    learner.submit()
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        if answer is declining:
            assert all(not o.guessing for obs in observations_by_skill(attempt.items).values() for o in obs)
        rows = db.session.scalars(select(SkillResult).where(SkillResult.attempt_id == attempt.id))
        return {r.skill_id: (r.theta, r.sd, r.p_gap, r.n_items) for r in rows}


def declining(learner, position, definition, order):
    learner.answer(position, None, dont_know="y")


def test_dont_know_scores_as_a_failure_without_the_guessing_floor(app):
    """Scored as the 2PL failure 1 - P*: the same posterior as a wrong answer (the floor is a constant
    factor of a failure), well below leaving the question blank (tests/unit/test_dont_know.py)."""
    dont_know = results_after(app, declining)
    wrong = results_after(app, lambda learner, p, d, o: learner.answer(p, wrong_answer(d, o)))
    blank = results_after(app, lambda learner, p, d, o: learner.answer(p, None))
    assert dont_know.keys() == wrong.keys() == blank.keys()
    for skill, (theta, sd, p_gap, n) in dont_know.items():
        assert (theta, sd, p_gap) == tuple(pytest.approx(v, abs=1e-9) for v in wrong[skill][:3])
        assert n == wrong[skill][3] > blank[skill][3] == 0
        assert theta < blank[skill][0] and p_gap > blank[skill][2]


def test_checking_dont_know_in_practice_shows_the_key_and_makes_it_final(app, learner):
    learner.start("all-types", mode="practice")
    types = by_type(app, learner.public_id)
    position, definition, order = types["numeric"]
    response = learner.answer(position, None, action="check", dont_know="y", confidence="guess")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/q/{position}#feedback")
    item = slot(app, learner.public_id, position)
    assert item.state == "dont_know" and item.checked and item.key_shown_at is not None
    page = learner.client.get(learner.url(position)).text
    assert "Not correct.</strong>" in page and "You answered: I don't know. Accepted: <code>" in page
    assert "<h3>Why</h3>" in page and definition["explanation"].split()[0] in page
    assert " checked" in box(page) and " disabled" in box(page)     # shown, and locked as a checked answer is
    # final as any checked answer: a change is refused and nothing moves (models.AnswerFinal)
    before = (item.response, item.credit, item.state, item.checked, item.confidence)
    for answer, extra in ((right_answer(definition, order), {}), (None, {"confidence": "sure"})):
        refused = learner.answer(position, answer, action="save", **extra)
        assert refused.status_code == 409 and FINAL in refused.text and " checked" in box(refused.text)
    after = slot(app, learner.public_id, position)
    assert (after.response, after.credit, after.state, after.checked, after.confidence) == before
    # the page's own buttons post nothing of the locked answer: moving on still works
    assert learner.answer(position, None, action="next").status_code == 303

    # a checked answer cannot become "I don't know" either
    position, definition, order = types["single"]
    assert learner.answer(position, wrong_answer(definition, order), action="check").status_code == 303
    refused = learner.answer(position, None, action="save", dont_know="y")
    assert refused.status_code == 409 and slot(app, learner.public_id, position).state == "wrong"


def test_an_adaptive_dont_know_then_next_moves_on_like_an_answer(app, learner):
    learner.start("adapt")
    [(_, definition, order)] = items_of(app, learner.public_id)
    response = learner.answer(1, None, action="next", dont_know="y")
    assert response.status_code == 303 and response.headers["Location"].endswith("/q/2")
    first = slot(app, learner.public_id, 1)
    assert first.state == "dont_know" and first.checked  # the next question was chosen from it: final
    page = learner.client.get(learner.url(1)).text
    assert " checked" in box(page) and " disabled" in box(page)
    learner.answer(1, right_answer(definition, order), action="save")
    assert slot(app, learner.public_id, 1).state == "dont_know"  # kept
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        state = adaptive_state(attempt, scoring_settings())
        skills = definition["skills"]
        assert all(state.posterior.counts[s] == 1 for s in skills)  # the selection's posterior has it
        [obs] = observations_by_skill(attempt.items)[skills[0]]
        assert obs.credit == 0.0 and not obs.guessing


def test_a_dont_know_comes_back_in_gap_practice_as_a_missed_question(app, client, learner):
    learner.start("all-types")
    for position, _, _ in items_of(app, learner.public_id):
        learner.answer(position, None, dont_know="y")
    learner.submit()
    report = client.get(f"/report/{learner.public_id}").text
    with app.app_context():
        for item in db.session.scalars(select(AttemptItem)):
            item.answered_at = datetime.now() - timedelta(days=2)  # due for review
        db.session.commit()
    response = client.post(f"/report/{learner.public_id}/practice", data={"csrf_token": csrf_token(report)})
    assert response.status_code == 303
    with app.app_context():
        practice = db.session.scalar(select(Attempt).where(Attempt.public_id == response.headers["Location"].split("/")[2]))
        assert practice.items[0].reason == "You missed this before; spaced repetition says it is due."
