import pytest

from quizapp.scoring.ability import ItemParams, Observation, SkillEstimate, estimate
from quizapp.scoring.gaps import (
    BORROWED_GAP,
    BORROWED_NO_GAP,
    GAP,
    NO_GAP,
    UNCERTAIN,
    Target,
    analyse,
    analyse_all,
    call,
    classify,
    level_word,
    to_scale,
)


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


def test_a_skill_without_answers_gets_a_call_only_at_the_borrowed_bar():
    right = [Observation(ItemParams(1, 1.5, 0), 1)] * 6
    result = {g.skill_id: g for g in analyse({"a": right}, {"a": Target(3), "b": Target(1)}, rho=0.6)}
    assert result["b"].estimate.p_gap < BORROWED_NO_GAP   # the correlated prior is very sure…
    assert result["b"].status == NO_GAP and result["b"].estimate.n_items == 0
    # …where it is only fairly sure (between .1 and .3), no answer of its own means "not sure yet"
    one = {g.skill_id: g for g in analyse({"a": right[:1]}, {"a": Target(3), "b": Target(2)}, rho=0.3)}
    assert BORROWED_NO_GAP < one["b"].estimate.p_gap < 0.3 and one["b"].status == UNCERTAIN
    assert call(SkillEstimate(0, 1, 0.85, 0, 0, 0)) == UNCERTAIN and call(SkillEstimate(0, 1, 0.85, 0, 0, 1)) == GAP
    assert call(SkillEstimate(0, 1, BORROWED_GAP, 0, 0, 0)) == GAP


def test_areas_get_a_call_from_their_shared_level():
    wrong = [Observation(ItemParams(1, -1.0, 0.2), 0)] * 3
    right = [Observation(ItemParams(1, 1.0, 0.2), 1)] * 3
    targets = {"la": Target(3), "stats": Target(3, weight=2.0), "py": Target(3)}
    areas = {"la": "math", "stats": "math", "py": "python"}
    skills, area_calls = analyse_all({"la": wrong, "stats": wrong, "py": right}, targets, rho=0.3, areas=areas,
                                     rho_area=0.2)
    by_area = {a.area: a for a in area_calls}
    assert by_area["math"].status == GAP and by_area["python"].estimate.p_gap < by_area["math"].estimate.p_gap - 0.4
    assert by_area["math"].skills == ("la", "stats") and by_area["math"].estimate.n_items == 6
    assert by_area["math"].target_score == to_scale(Target(3).theta)
    assert {g.skill_id for g in skills} == set(targets)
    assert analyse_all({"la": wrong}, targets, rho=0.0, areas=areas)[1] == []      # no shared level to estimate
    assert analyse_all({"la": wrong}, targets, rho=0.3)[1] == []                   # no areas given


# --- edges found by mutation testing (docs/mutation.md) -----------------------------------------

def test_a_level_cut_belongs_to_the_level_above():
    assert [level_word(t) for t in (-1.125, -0.375, 0.375, 1.125)] == ["Beginner", "Intermediate", "Advanced", "Expert"]


MEDIUM_RIGHT, MEDIUM_WRONG = Observation(ItemParams(1, 0, 0), 1), Observation(ItemParams(1, 0, 0), 0)


def test_a_skill_between_the_thresholds_is_not_sure_yet():
    [result] = analyse({"s": [MEDIUM_RIGHT, MEDIUM_WRONG]}, {"s": Target(3)})
    assert 0.3 < result.estimate.p_gap < 0.7
    assert result.status == UNCERTAIN


def test_analyse_uses_the_thresholds_it_is_given():
    observations = {"s": [MEDIUM_RIGHT, MEDIUM_RIGHT]}
    [default] = analyse(observations, {"s": Target(3)})
    assert 0.2 < default.estimate.p_gap <= 0.3 and default.status == NO_GAP
    [strict] = analyse(observations, {"s": Target(3)}, gap_threshold=0.8, no_gap_threshold=0.2)
    assert strict.status == UNCERTAIN
    [loose] = analyse({"s": [MEDIUM_WRONG]}, {"s": Target(3)}, gap_threshold=0.6, no_gap_threshold=0.1)
    assert 0.6 < loose.estimate.p_gap < 0.7 and loose.status == GAP
    [loose] = analyse({"s": [MEDIUM_RIGHT]}, {"s": Target(3)}, gap_threshold=0.6, no_gap_threshold=0.4)
    assert 0.3 < loose.estimate.p_gap < 0.4 and loose.status == NO_GAP


def test_without_correlation_each_skill_is_its_own_posterior():
    observations = {"a": [MEDIUM_RIGHT, MEDIUM_WRONG, MEDIUM_RIGHT]}
    [a, b] = sorted(analyse(observations, {"a": Target(3), "b": Target(2)}), key=lambda g: g.skill_id)
    assert a.estimate == estimate(observations["a"], Target(3).theta)
    assert b.estimate == estimate([], Target(2).theta)


def test_with_correlation_answers_on_one_skill_move_another():
    right = [Observation(ItemParams(1, 1.5, 0), 1)] * 6
    result = {g.skill_id: g for g in analyse({"a": right}, {"a": Target(3), "b": Target(3)}, rho=0.5)}
    assert result["b"].estimate.theta > 0.3 and result["b"].estimate.n_items == 0
