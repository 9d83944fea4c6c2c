import pytest

from quizapp.scoring.ability import ItemParams, Observation
from quizapp.scoring.gaps import GAP, NO_GAP, UNCERTAIN, Target, analyse, classify, level_word, to_scale


@pytest.mark.parametrize("p, status", [(0.7, GAP), (0.95, GAP), (0.69, UNCERTAIN), (0.31, UNCERTAIN),
                                       (0.3, NO_GAP), (0.0, NO_GAP)])
def test_thresholds(p, status):
    assert classify(p) == status


def test_scale_and_levels():
    assert to_scale(0) == 150
    assert to_scale(1.5) == 225
    assert to_scale(-10) == 0 and to_scale(10) == 300
    assert [level_word(t) for t in (-2, -0.75, 0, 0.75, 2)] == ["Novice", "Beginner", "Intermediate", "Advanced", "Expert"]


def test_analyse_orders_gaps_first_and_by_weighted_shortfall():
    wrong = [Observation(ItemParams(1, -1.5, 0), 0)] * 4
    right = [Observation(ItemParams(1, 1.5, 0), 1)] * 4
    result = analyse(
        {"weak-heavy": wrong, "weak-light": wrong, "strong": right},
        {"weak-light": Target(3, 0.5), "strong": Target(3), "weak-heavy": Target(3, 2.0), "untested": Target(3)},
    )
    assert [g.skill_id for g in result] == ["weak-heavy", "weak-light", "untested", "strong"]
    assert [g.status for g in result] == [GAP, GAP, UNCERTAIN, NO_GAP]
    untested = result[2]
    assert untested.estimate.n_items == 0
    assert untested.estimate.p_gap == pytest.approx(0.5, abs=0.01)
    low, high = result[0].band
    assert low < result[0].score < high


def test_a_skill_without_answers_is_never_a_verdict_even_when_others_pull_it():
    right = [Observation(ItemParams(1, 1.5, 0), 1)] * 6
    result = {g.skill_id: g for g in analyse({"a": right}, {"a": Target(3), "b": Target(1)}, rho=0.6)}
    assert result["b"].estimate.p_gap < 0.3  # the correlated prior is confident…
    assert result["b"].status == UNCERTAIN   # …but with no answer of its own we say "not sure yet"
