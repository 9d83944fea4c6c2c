"""Practice feedback as a learner meets it after "Check answer": the feedback right above one way on (the
next question, or at the end the overview), the key of a pattern shown as the author's example, and a
partly right answer said in words."""
import re

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt
from tests.helpers import Learner, extended_fixture_bank, items_of, right_answer, synced_app, wrong_answer

SHAPE_FILE = """\
skill: t.advanced
questions:
  - id: t-shape
    type: short
    difficulty: 2
    prompt: What is the shape of `np.zeros((3, 20))`? Answer as a tuple.
    pattern: '^\\(\\s*3\\s*,\\s*20\\s*\\)$'
    example: '(3, 20)'
    explanation: Three rows of twenty, written as a tuple like `(rows, columns)`.
    references: [https://numpy.org/doc/stable/reference/generated/numpy.zeros.html]
"""
PRIMARY = re.compile(r'<button[^>]*class="primary"[^>]*>([^<]*)<')


@pytest.fixture
def app(tmp_path):
    root = extended_fixture_bank(
        tmp_path, topics={"shapes.yaml": SHAPE_FILE},
        assessments="  - {id: advanced, name: Advanced, role: tester, skills: [t.advanced], questions: 3, mode: practice}\n")
    app = synced_app(tmp_path, root)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


def by_id(app, public_id) -> dict[str, tuple]:
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        return {i.version.question_id: (i.position, i.version.definition) for i in attempt.items}


def test_after_a_check_the_feedback_sits_above_the_one_way_on(app, client):
    learner = Learner(client)
    learner.start("drill", mode="practice")
    last = len(items_of(app, learner.public_id))
    for position, definition, order in items_of(app, learner.public_id):
        before = client.get(learner.url(position)).text
        assert PRIMARY.findall(before) == ["Check answer"] and 'id="feedback"' not in before
        assert learner.answer(position, wrong_answer(definition, order), action="check").headers["Location"].endswith(
            f"/q/{position}#feedback")
        page = client.get(learner.url(position)).text
        at_the_end = position == last
        assert PRIMARY.findall(page) == ["Overview and submit" if at_the_end else "Next question"]
        assert page.count('value="overview"') == 1 and page.count('value="next"') == (0 if at_the_end else 1)
        heading = page.index('<h2 id="feedback" tabindex="-1">Feedback</h2>')
        assert heading < page.index("Not correct.</strong>") < page.index('class="buttons after-feedback"')


def test_a_partly_right_multiple_choice_answer_is_said_in_words(app, client):
    picks = {("0",): ("Partly correct (50 %).</strong>", "You picked 1 of the 2 right options and no wrong one."),
             ("0", "1"): ("Not correct.</strong>", "You picked 1 of the 2 right options and 1 wrong one."),
             ("0", "2"): ("Correct.</strong>", None)}
    for answer, (verdict, words) in picks.items():
        learner = Learner(client)
        learner.start("advanced", mode="practice")
        position, _ = by_id(app, learner.public_id)["t-multiple"]
        learner.answer(position, list(answer), action="check")
        page = client.get(learner.url(position)).text
        assert verdict in page
        assert (words in page) if words else ("You picked" not in page)


def test_a_pattern_alone_is_shown_by_its_example_never_as_a_regular_expression(app, client):
    learner = Learner(client)
    learner.start("advanced", mode="practice")
    position, definition = by_id(app, learner.public_id)["t-shape"]
    assert right_answer(definition) == "(3, 20)"
    learner.answer(position, "(3,21)", action="check")
    page = client.get(learner.url(position)).text
    assert "Your answer: <code>(3,21)</code>. Accepted, for example: <code>(3, 20)</code>." in page
    assert definition["pattern"] not in page and "\\s*" not in page
    for position, definition, order in items_of(app, learner.public_id):
        learner.answer(position, right_answer(definition, order), action="check")
    learner.submit()
    assert "Accepted, for example: <code>(3, 20)</code>." in client.get(f"/report/{learner.public_id}/review").text
    review = client.get(f"/report/{learner.public_id}.json").json["review"]
    assert {r["question_id"]: r["key"] for r in review}["t-shape"] == "for example (3, 20)"
