"""An ordering question through the pages a learner uses: one labelled select per item, positions saved
and refilled, a malformed order refused with a message (nothing saved), credit and review after checking."""
import re

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AttemptItem
from tests.helpers import Learner, extended_fixture_bank, items_of, synced_app

ORDERING_FILE = """\
skill: t.order
questions:
  - id: order-training-step
    type: ordering
    difficulty: 2
    prompt: Put the steps of one PyTorch training iteration in order.
    items:
      - "`optimizer.zero_grad()`"
      - forward pass and loss
      - "`loss.backward()`"
      - "`optimizer.step()`"
    feedback: Gradients accumulate, so they are cleared before `backward()` fills them.
    explanation: The step uses the gradients `backward()` just computed.
    references: [https://pytorch.org/tutorials/beginner/basics/optimization_tutorial.html]
"""


@pytest.fixture
def app(tmp_path):
    root = extended_fixture_bank(
        tmp_path, skills="  - {id: t.order, name: Order, area: python}\n", roles="      t.order: 2\n",
        assessments="  - {id: order, name: Order, role: tester, skills: [t.order], questions: 1, mode: practice}\n",
        topics={"order.yaml": ORDERING_FILE})
    app = synced_app(tmp_path, root)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


@pytest.fixture
def learner(app):
    learner = Learner(app.test_client())
    learner.start("order", mode="practice")
    return learner


def slot(app):
    with app.app_context():
        return db.session.scalar(select(AttemptItem))


def test_each_item_has_a_labelled_select_of_positions_in_a_shuffled_order(app, learner):
    page = learner.client.get(learner.url(1)).text
    assert "Your answer: give each item its position (1 is first)" in page
    shown = slot(app).choice_order
    assert sorted(shown) == [0, 1, 2, 3] and shown != [0, 1, 2, 3]
    labels = re.findall(r'<label for="answer-(\d)">(.*?)</label>', page)
    items = ["<code>optimizer.zero_grad()</code>", "forward pass and loss", "<code>loss.backward()</code>",
             "<code>optimizer.step()</code>"]
    assert labels == [(str(k), items[i]) for k, i in enumerate(shown)]
    for k in range(4):  # values name the shown place, never the item's place in the key
        select_html = re.search(rf'<select id="answer-{k}" name="answer">(.*?)</select>', page, re.S).group(1)
        assert re.findall(r'<option value="([^"]*)"', select_html) == ["", *(f"{k}:{p}" for p in range(1, 5))]


def posted(app, *order):
    """The form values of a learner who puts the items (by their index in the key) in this order."""
    shown = slot(app).choice_order
    return [f"{shown.index(item)}:{place}" for place, item in enumerate(order, start=1)]


def test_a_saved_order_is_refilled_and_a_malformed_one_changes_nothing(app, learner):
    learner.answer(1, posted(app, 2, 0, 1, 3), action="save")
    assert slot(app).response == {"order": [2, 0, 1, 3]}
    page = learner.client.get(learner.url(1)).text
    assert all(f'value="{v}" selected' in page for v in posted(app, 2, 0, 1, 3))
    refused = learner.answer(1, ["0:1", "1:1", "2:3", "3:4"], action="save")
    assert refused.status_code == 400
    assert "Give every item a different position, 1 to 4." in refused.text
    assert 'value="1:1" selected' in refused.text          # what the learner chose is shown back
    assert slot(app).response == {"order": [2, 0, 1, 3]}


@pytest.mark.parametrize("order, credit, says", [
    ((0, 1, 2, 3), 1.0, "Correct."),
    ((0, 1, 3, 2), 1 / 3, "Partly correct"),
    ((3, 2, 1, 0), 0.0, "Not correct"),
])
def test_checking_grades_the_order_and_the_review_shows_both_orders(app, learner, order, credit, says):
    assert learner.answer(1, posted(app, *order), action="check").status_code == 303
    item = slot(app)
    assert item.credit == pytest.approx(credit)
    page = learner.client.get(learner.url(1)).text
    assert says in page
    assert "optimizer.zero_grad() → forward pass and loss → loss.backward() → optimizer.step()" in page
    if credit < 1:
        assert "Gradients accumulate" in page


def test_the_walkthrough_helpers_answer_it(app, learner):
    from tests.helpers import right_answer, wrong_answer
    [(position, definition, shown)] = items_of(app, learner.public_id)
    learner.answer(position, wrong_answer(definition, shown), action="save")
    assert slot(app).response == {"order": [3, 2, 1, 0]}
    learner.answer(position, right_answer(definition, shown), action="check")
    assert slot(app).credit == 1.0
    assert learner.submit().status_code == 303
    assert learner.client.get(f"/report/{learner.public_id}").status_code == 200
