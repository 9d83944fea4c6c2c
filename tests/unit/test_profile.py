"""The skill profile's fading and what a call rests on (scoring/profile.py)."""
from datetime import datetime, timedelta

import pytest

from quizapp.scoring.ability import ItemParams, Observation
from quizapp.scoring.gaps import NO_GAP, Target, analyse
from quizapp.scoring.profile import Answer, basis, faded_observations, fading_weight

NOW = datetime(2026, 12, 7, 12, 0)
MEDIUM = ItemParams(1.0, 0.0, 0.2)


def answers(credit, when, sitting, skill="s", n=4):
    return [Answer((skill,), Observation(MEDIUM, credit), when, sitting) for _ in range(n)]


def test_fading_halves_per_half_life_and_never_grows():
    assert fading_weight(0, 30) == 1.0 and fading_weight(30, 30) == pytest.approx(0.5)
    assert fading_weight(90, 30) == pytest.approx(0.125) and fading_weight(-5, 30) == 1.0


def test_observations_are_aged_as_of_the_sitting_and_later_ones_left_out():
    history = answers(0, NOW - timedelta(days=30), 1) + answers(1, NOW, 2) + answers(1, NOW + timedelta(hours=1), 3)
    observed = faded_observations(history, NOW, 30)["s"]
    assert [round(o.weight, 3) for o in observed] == [0.5] * 4 + [1.0] * 4


def test_a_learner_who_has_studied_moves():
    """Wrong twice a month ago, right now: the call moves to no gap; the same answers on one day would stay unsure."""
    old = answers(0, NOW - timedelta(days=60), 1)
    new = answers(1, NOW, 2)
    target = {"s": Target(3)}
    studied = analyse(faded_observations(old + new, NOW, 30), target)[0]
    same_day = analyse(faded_observations(answers(0, NOW, 1) + new, NOW, 30), target)[0]
    assert studied.status == NO_GAP and studied.estimate.p_gap < same_day.estimate.p_gap - 0.2
    only_old = analyse(faded_observations(old, NOW, 30), target)[0]
    assert only_old.estimate.p_gap > 0.6  # old evidence still leans the same way until something newer says otherwise


def test_basis_counts_questions_and_sittings():
    history = answers(1, NOW, 1, n=2) + answers(0, NOW, 2, n=3) + answers(1, NOW, 2, skill="t", n=1)
    b = basis(history, this_sitting=2)
    assert (b["s"].questions, b["s"].this_sitting, len(b["s"].sittings)) == (5, 3, 2)
    assert (b["t"].questions, b["t"].this_sitting, len(b["t"].sittings)) == (1, 1, 1)
