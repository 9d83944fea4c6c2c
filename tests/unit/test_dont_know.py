"""“I don't know” in the pure parts: its grade, its likelihood (a failure without the guessing floor),
how item statistics and calibration count it, and how the review shows it, the same for every type."""
import math

import numpy as np
import pytest

from quizapp.questiontypes import DONT_KNOW_RESPONSE, QUESTION_TYPES, grade, is_dont_know, own_response
from quizapp.questiontypes.review import question_review
from quizapp.scoring.ability import (
    GRID,
    ItemParams,
    Observation,
    estimate,
    item_params,
    log_likelihood,
    observation_log_likelihood,
    p_correct,
)
from quizapp.scoring.calibration import CalibrationItem, fit_3pl
from quizapp.scoring.grading import DONT_KNOW, Grade
from quizapp.scoring.itemstats import ItemInfo, ItemResponse, item_statistics
from quizapp.scoring.posterior import THETA_GRID, JointPosterior

FOUR_OPTIONS = item_params(3, 0.25)  # a 4-option single-choice item on day one: c = 0.2
TWO_PL = ItemParams(FOUR_OPTIONS.a, FOUR_OPTIONS.b, 0.0)

# One question of each type, as the bank stores it (the keys each type's review reads).
DEFINITIONS = {
    "single": {"type": "single", "choices": [{"text": "`X.T`", "correct": True},
                                             {"text": "`X.inv()`", "correct": False, "feedback": "The inverse."}]},
    "multiple": {"type": "multiple", "choices": [{"text": "append", "correct": True}, {"text": "add", "correct": False,
                                                                                        "feedback": "A set method."}]},
    "true_false": {"type": "true_false", "answer": True, "feedback": "Think again."},
    "numeric": {"type": "numeric", "answer": 9.81, "feedback": "Use SI units."},
    "short": {"type": "short", "answers": ["ReLU"], "feedback": "An activation."},
    "ordering": {"type": "ordering", "items": ["forward", "loss", "backward", "step"], "feedback": "Gradients first."},
}


def test_every_type_has_a_question_here():
    assert set(DEFINITIONS) == set(QUESTION_TYPES)


# --- grading ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(QUESTION_TYPES))
def test_dont_know_earns_nothing_in_a_state_of_its_own_for_every_type(name):
    assert grade(DEFINITIONS[name], DONT_KNOW_RESPONSE) == Grade(0.0, DONT_KNOW) == Grade.dont_know()
    assert DONT_KNOW != "wrong" and DONT_KNOW != "unanswered"


def test_dont_know_is_one_exact_response_that_the_types_never_see():
    assert is_dont_know({"dont_know": True}) and own_response({"dont_know": True}) is None
    for other in (None, {}, {"dont_know": False}, {"dont_know": "yes"}, {"choice": 0}, {"dont_know": True, "choice": 0}):
        assert not is_dont_know(other) and own_response(other) == other


# --- the likelihood: a failure without the guessing floor -------------------------------------------

def test_dont_know_is_the_2pl_failure_and_a_wrong_answer_keeps_the_floor():
    p_star = p_correct(GRID, TWO_PL)
    dont_know = observation_log_likelihood(Observation(FOUR_OPTIONS, 0.0, guessing=False))
    wrong = observation_log_likelihood(Observation(FOUR_OPTIONS, 0.0))
    np.testing.assert_allclose(dont_know, np.log1p(-p_star), rtol=1e-12)
    np.testing.assert_allclose(wrong, np.log1p(-p_correct(GRID, FOUR_OPTIONS)), rtol=1e-12)
    # 1 - P = (1 - c)(1 - P*): a wrong answer is "I don't know" times the chance that a guess missed
    np.testing.assert_allclose(wrong - dont_know, math.log(1 - FOUR_OPTIONS.c), atol=1e-9)


def test_one_dont_know_moves_the_estimate_as_far_down_as_a_wrong_answer_no_further():
    """The floor is a constant factor of a failure's likelihood, so the posterior after "I don't know"
    equals the posterior after a wrong answer (not lower, as one might expect). What "I don't know"
    changes is the other side: a learner who says it no longer earns lucky right answers."""
    dont_know = estimate([Observation(FOUR_OPTIONS, 0.0, guessing=False)], 0.0)
    wrong = estimate([Observation(FOUR_OPTIONS, 0.0)], 0.0)
    nothing = estimate([], 0.0)
    assert dont_know.theta == pytest.approx(wrong.theta, abs=1e-12)
    assert dont_know.p_gap == pytest.approx(wrong.p_gap, abs=1e-12)
    assert dont_know.theta < nothing.theta - 0.3 and dont_know.n_items == 1  # it is evidence, not a skip


def test_dont_know_lowers_the_estimate_more_than_guessing_on_a_four_option_item_does():
    """A blind guess on four options is right a quarter of the time: in expectation it leaves the
    estimate higher than a declared "I don't know" does."""
    right = estimate([Observation(FOUR_OPTIONS, 1.0)], 0.0).theta
    wrong = estimate([Observation(FOUR_OPTIONS, 0.0)], 0.0).theta
    dont_know = estimate([Observation(FOUR_OPTIONS, 0.0, guessing=False)], 0.0).theta
    assert dont_know < 0.25 * right + 0.75 * wrong - 0.15  # -0.41 against -0.24


def test_partial_credit_and_right_answers_still_use_the_floor():
    obs = [Observation(FOUR_OPTIONS, 1.0), Observation(FOUR_OPTIONS, 0.5)]
    p = p_correct(GRID, FOUR_OPTIONS)
    np.testing.assert_allclose(log_likelihood(obs), 1.5 * np.log(p) + 0.5 * np.log1p(-p), rtol=1e-12)


def test_the_joint_posterior_takes_dont_know_without_the_floor():
    posterior = JointPosterior(["s"], 0.3)
    posterior.update("s", Observation(FOUR_OPTIONS, 0.0, guessing=False))
    np.testing.assert_allclose(posterior._loglik["s"], np.log1p(-p_correct(THETA_GRID, TWO_PL)), rtol=1e-12)
    assert posterior.counts["s"] == 1


# --- item statistics ------------------------------------------------------------------------------------

def test_item_statistics_count_dont_know_as_wrong_and_as_its_own_row():
    single = ItemInfo(1, 4, (0,), 0.25, distractors=True, one_key=True)
    responses = [ItemResponse(1, 1, 1.0, (0,), None), ItemResponse(2, 1, 0.0, (2,), None),
                 ItemResponse(3, 1, 0.0, None, None, dont_know=True), ItemResponse(4, 1, 0.0, None, None, dont_know=True),
                 ItemResponse(5, 1, None, None, None)]
    [stats] = item_statistics([single], responses, min_responses=1)
    assert stats.responses == 4 and stats.facility == 0.25      # wrong for the p-value; the blank is not counted
    assert stats.dont_know_rate == 0.5
    assert stats.option_rates == {0: 0.25, 1: 0.0, 2: 0.25, 3: 0.0}  # picks no option
    assert sum(stats.option_rates.values()) + stats.dont_know_rate == pytest.approx(1.0)


def test_item_statistics_without_answers_have_no_dont_know_rate():
    [stats] = item_statistics([ItemInfo(1, 0, (), None)], [ItemResponse(1, 1, None, None, None)])
    assert stats.dont_know_rate is None


@pytest.mark.parametrize("response", [ItemResponse(1, 1, 1.0, None, None, dont_know=True),
                                      ItemResponse(1, 1, 0.0, (1,), None, dont_know=True)])
def test_a_dont_know_with_credit_or_picks_is_refused(response):
    with pytest.raises(ValueError, match="I don't know"):
        item_statistics([ItemInfo(1, 4, (0,), 0.25)], [response])


# --- calibration ----------------------------------------------------------------------------------------

def calibration_data(seed=3, n_persons=120):
    """Two items with guessing and one free-entry item; a third of the failures are "I don't know"."""
    rng = np.random.default_rng(seed)
    items = [CalibrationItem(1, 0.25, 0.0), CalibrationItem(2, 0.2, 0.75), CalibrationItem(3, 0.0, -0.75)]
    plain, flagged = [], []
    for person, theta in enumerate(rng.normal(size=n_persons)):
        for it in items:
            x = float(rng.random() < it.c + (1 - it.c) / (1 + np.exp(-(theta - it.b_prior))))
            declined = x == 0.0 and rng.random() < 1 / 3
            plain.append((person, it.key, x))
            flagged.append((person, it.key, x, not declined))
    return items, plain, flagged


def test_calibration_fits_dont_know_exactly_as_a_failure_and_only_the_infit_expects_no_guess():
    """With c fixed, the floor's factor 1 - c cancels from the fit: a, b, se(b) and the point-biserial are
    the same whether "I don't know" is flagged or passed as a plain failure; the infit of an item with a
    floor expects P* of a flagged response, and a free-entry item (c = 0) has nothing to change. Equal to
    1e-7, not closer: a flag splits a response pattern in two (scoring/patterns.py), which changes the
    order of the sums, and the EM's line search and acceleration carry that rounding on."""
    items, plain, flagged = calibration_data()
    as_failures, without_guess = fit_3pl(items, plain), fit_3pl(items, flagged)
    for f, g in zip(as_failures, without_guess, strict=True):
        assert (g.a, g.b, g.n) == (pytest.approx(f.a, rel=1e-7), pytest.approx(f.b, rel=1e-7), f.n)
        assert g.se_b == pytest.approx(f.se_b, rel=1e-7) and g.point_biserial == pytest.approx(f.point_biserial, rel=1e-7)
    assert without_guess[2].infit == pytest.approx(as_failures[2].infit, rel=1e-7)
    assert without_guess[0].infit != pytest.approx(as_failures[0].infit, rel=1e-6)


def test_calibration_refuses_a_dont_know_with_credit():
    with pytest.raises(ValueError, match="I don't know"):
        fit_3pl([CalibrationItem(1, 0.25, 0.0)], [(1, 1, 1.0, False)])


# --- the review, for every type -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(QUESTION_TYPES))
def test_the_review_says_you_answered_i_dont_know_picks_nothing_and_adds_no_feedback(name):
    definition = {**DEFINITIONS[name], "prompt": "Q?", "explanation": "Because.", "skills": ["s"]}
    entry = question_review(definition, question_id="q", response=DONT_KNOW_RESPONSE, state=DONT_KNOW, credit=0.0)
    assert entry.dont_know and entry.response_text == "I don't know"
    assert entry.state == DONT_KNOW and entry.credit == 0.0 and entry.feedback_html == []
    assert not any(c["picked"] for c in entry.choices)
    assert "Because." in entry.explanation_html
    assert not question_review(definition, question_id="q").dont_know
