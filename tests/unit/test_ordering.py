"""The ordering question type (the example type docs/question-types.md adds): reading a learner's
positions, Moodle's "relative to the next item" credit, its guessing floor, checks and statistics."""
import random

import pytest

from quizapp.questiontypes import get_question_type
from quizapp.scoring.exceptions import InvalidResponse
from quizapp.scoring.grading import CORRECT, PARTIAL, WRONG

ORDERING = get_question_type("ordering")
STEPS = {"type": "ordering", "items": ["zero the gradients", "forward pass", "compute the loss", "backward pass",
                                       "optimizer step"]}


def posted(*order):
    """The form data of a learner who put the items (by index) in this order."""
    return [f"{item}:{place}" for place, item in enumerate(order, start=1)]


@pytest.mark.parametrize("order, credit, state", [
    ((0, 1, 2, 3, 4), 1.0, CORRECT),
    ((4, 3, 2, 1, 0), 0.0, WRONG),
    ((0, 1, 2, 4, 3), 0.5, PARTIAL),     # 0→1 and 1→2 kept; 2→3 and 3→4 broken
    ((1, 2, 3, 4, 0), 0.75, PARTIAL),    # every pair but 0→1 kept
    ((0, 2, 1, 3, 4), 0.25, PARTIAL),    # a swap in the middle breaks three pairs
])
def test_credit_is_the_share_of_neighbouring_pairs_kept(order, credit, state):
    response = ORDERING.parse(posted(*order), STEPS)
    assert response == {"order": list(order)}
    grade = ORDERING.grade(STEPS, response)
    assert (grade.fraction, grade.state) == (pytest.approx(credit), state)


def test_positions_come_in_any_order_and_blank_is_unanswered():
    assert ORDERING.parse(["2:1", "0:3", "1:2", "4:5", "3:4"], STEPS) == {"order": [2, 1, 0, 3, 4]}
    assert ORDERING.parse([], STEPS) is None
    assert ORDERING.parse(["", "", ""], STEPS) is None
    assert ORDERING.parse(None, STEPS) is None


@pytest.mark.parametrize("data, message", [
    (["0:1", "1:1", "2:3", "3:4", "4:5"], "Give every item a different position, 1 to 5."),
    (["0:1", "1:2", "2:3"], "Give every item a different position, 1 to 5."),        # two left blank
    (["0:1", "1:2", "2:3", "3:4", "9:5"], "That position does not exist; pick one from the lists shown."),
    (["0:1", "1:2", "2:3", "3:4", "4:6"], "That position does not exist; pick one from the lists shown."),
    (["0:0", "1:2", "2:3", "3:4", "4:5"], "That position does not exist; pick one from the lists shown."),
    (["0:1", "0:2", "2:3", "3:4", "4:5"], "That position does not exist; pick one from the lists shown."),
    (["first", "1:2"], "That position does not exist; pick one from the lists shown."),
    (["1", "1:2"], "That position does not exist; pick one from the lists shown."),
])
def test_a_position_list_that_is_not_an_order_is_refused_with_a_message(data, message):
    with pytest.raises(InvalidResponse) as caught:
        ORDERING.parse(data, STEPS)
    assert str(caught.value) == message


@pytest.mark.parametrize("response", [{"order": [0, 1, 2, 3]}, {"order": [0, 1, 2, 3, 3]}, {"order": "01234"},
                                      {"order": [0, 1, 2, 3, True]}, {}])
def test_grading_refuses_a_stored_response_that_is_not_an_order(response):
    with pytest.raises(InvalidResponse, match="the order must hold each of the 5 items once"):
        ORDERING.grade(STEPS, response)


def test_a_saved_order_refills_the_selects_and_reads_in_the_review():
    response = {"order": [2, 0, 1, 3, 4]}
    assert ORDERING.refill(response) == ["2:1", "0:2", "1:3", "3:4", "4:5"]
    assert ORDERING.parse(ORDERING.refill(response), STEPS) == response
    assert ORDERING.refill(None) == []
    assert ORDERING.describe(STEPS, response).startswith("compute the loss → zero the gradients → forward pass")
    assert ORDERING.describe(STEPS, None) == "(no answer)"
    assert ORDERING.key(STEPS) == ("zero the gradients → forward pass → compute the loss → backward pass → "
                                   "optimizer step")


def test_the_shown_order_is_shuffled_and_never_already_right():
    orders = {tuple(ORDERING.shuffled_order({"items": list("abc")}, random.Random(seed))) for seed in range(200)}
    assert (0, 1, 2) not in orders
    assert len(orders) == 5   # every other permutation of three items turns up


def test_the_page_names_items_by_their_shown_place_never_by_their_place_in_the_key():
    """An option's value must not say where its item belongs: the item's index in the file is the key."""
    shown = [4, 3, 2, 1, 0]
    view = ORDERING.view(STEPS, shown, ORDERING.refill({"order": [0, 1, 2, 3, 4]}, shown))
    assert [value for value, _ in view.choices] == ["0", "1", "2", "3", "4"]
    assert "optimizer step" in view.choices[0][1] and "zero the gradients" in view.choices[-1][1]
    assert view.selected == {"4:1", "3:2", "2:3", "1:4", "0:5"}   # shown last, placed first
    assert ORDERING.parse(["4:1", "3:2", "2:3", "1:4", "0:5"], STEPS, shown) == {"order": [0, 1, 2, 3, 4]}
    assert ORDERING.parse(["0:1", "1:2", "2:3", "3:4", "4:5"], STEPS, shown) == {"order": [4, 3, 2, 1, 0]}
    with pytest.raises(InvalidResponse):
        ORDERING.parse(["0:1", "0:2", "2:3", "3:4", "4:5"], STEPS, shown)


def test_a_blind_guess_earns_one_over_n_on_average():
    """The guessing floor (1/n) is the mean credit of random orders: each of the n - 1 pairs survives with 1/n."""
    rng = random.Random(7)
    credits = []
    for _ in range(20_000):
        order = list(range(5))
        rng.shuffle(order)
        credits.append(ORDERING.grade(STEPS, {"order": order}).fraction)
    assert sum(credits) / len(credits) == pytest.approx(ORDERING.guessing_floor(STEPS), abs=0.01)
    assert ORDERING.guessing_floor(STEPS) == pytest.approx(0.2)


def test_statistics_see_a_typed_order_with_its_chance():
    info = ORDERING.item_info(9, STEPS)
    assert (info.n_options, info.correct, info.chance, info.distractors, info.one_key) == (0, (), 0.2, False, False)
    assert ORDERING.picks(STEPS, {"order": [0, 1, 2, 3, 4]}) is None


@pytest.mark.parametrize("result, problem", [
    ({"kind": "value", "repr": "[...]", "str": "", "plain": STEPS["items"]}, None),
    ({"kind": "stdout", "text": "\n".join(STEPS["items"]) + "\n"}, None),
    ({"kind": "stdout", "text": "zero the gradients\nforward pass\nbackward pass\ncompute the loss\noptimizer step"},
     "check gave ['zero the gradients', 'forward pass', 'backward pass', 'compute the loss', 'optimizer step'], "
     "the key's order is ['zero the gradients', 'forward pass', 'compute the loss', 'backward pass', "
     "'optimizer step']"),
])
def test_a_check_proves_the_order(result, problem):
    assert ORDERING.check_problem(STEPS, result) == problem
