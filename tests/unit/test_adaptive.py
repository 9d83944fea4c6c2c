import random
from collections import Counter

import numpy as np
import pytest

from quizapp.scoring.ability import ItemParams, Observation, p_correct
from quizapp.scoring.adaptive import (AdaptiveItem, AdaptiveSettings, AdaptiveState, SkillTarget, decision_locked,
                                      fisher_information, select_next, skill_stopped)
from quizapp.scoring.posterior import JointPosterior

B = {1: -1.5, 2: -0.75, 3: 0.0, 4: 0.75, 5: 1.5}


def pool(skills=("a", "b", "c"), per=12):
    return {s: [AdaptiveItem(f"{s}{k}", s, ItemParams(1.0, B[k % 5 + 1], 0.25)) for k in range(per)] for s in skills}


def state(skills=("a", "b", "c"), rho=0.3, weights=None, per=12):
    targets = {s: SkillTarget(0.0, (weights or {}).get(s, 1.0), s.upper()) for s in skills}
    return AdaptiveState(JointPosterior(skills, rho), targets, pool(skills, per))


def answer(st, sel, credit):
    st.posterior.update(sel.item.skill, Observation(sel.item.params, credit))
    st.used.add(sel.item.key)
    st.asked += 1


def test_fisher_information_formula():
    params = ItemParams(1.3, 0.2, 0.2)
    theta = np.array([0.7])
    p = float(p_correct(theta, params)[0])
    expected = 1.3 ** 2 * ((1 - p) / p) * ((p - 0.2) / 0.8) ** 2
    assert float(fisher_information(params, theta)[0]) == pytest.approx(expected)


@pytest.mark.parametrize("p, n, stopped", [(0.95, 2, True), (0.95, 1, False), (0.05, 3, True), (0.5, 9, False),
                                           (0.5, 10, True), (0.85, 5, False)])
def test_stopping_rule(p, n, stopped):
    assert skill_stopped(p, n, AdaptiveSettings()) is stopped


@pytest.mark.parametrize("sd, n, stopped", [(0.3, 2, True), (0.3, 1, False), (0.4, 5, False)])
def test_a_pinned_down_ability_stops_its_skill(sd, n, stopped):
    """MEASUREMENT.md 6: posterior SD below 0.35 stops a skill even with P(gap) near .5."""
    assert skill_stopped(0.5, n, AdaptiveSettings(), sd) is stopped


def test_no_skill_runs_more_than_two_items_ahead():
    st, rng = state(), random.Random(1)
    for _ in range(15):
        sel = select_next(st, AdaptiveSettings(), rng)
        answer(st, sel, 1.0 if sel.item.skill == "a" else 0.0)
        counts = [st.posterior.counts[s] for s in "abc"]
        open_counts = [st.posterior.counts[s] for s in st.open_skills(AdaptiveSettings())]
        if open_counts:
            assert max(open_counts) - min(open_counts) <= 2, counts


def test_weighted_most_uncertain_skill_goes_first():
    st = state(weights={"b": 3.0})
    assert select_next(st, AdaptiveSettings(), random.Random(0)).item.skill == "b"


def test_randomesque_spreads_exposure_among_the_top_three():
    firsts = Counter(select_next(state(), AdaptiveSettings(), random.Random(seed)).item.key for seed in range(60))
    assert 2 <= len(firsts) <= 3 and max(firsts.values()) < 60


def test_recently_seen_items_are_avoided_while_others_remain():
    st = state(skills=("a",), per=5)
    st.recent = {"a0", "a1", "a2", "a3"}
    assert select_next(st, AdaptiveSettings(), random.Random(0)).item.key == "a4"


def test_stops_when_skills_are_settled_or_at_the_limit():
    st, rng = state(skills=("a",)), random.Random(3)
    asked = 0
    while (sel := select_next(st, AdaptiveSettings(), rng)) is not None:
        answer(st, sel, 1.0)
        asked += 1
    assert 2 <= asked < 10 and st.p_gap("a") <= 0.1
    capped = state()
    capped_settings = AdaptiveSettings(max_items=4)
    for _ in range(4):
        answer(capped, select_next(capped, capped_settings, rng), 0.5)
    assert select_next(capped, capped_settings, rng) is None


def test_only_skill_ignores_stopping_for_more_questions():
    st, rng = state(skills=("a", "b")), random.Random(4)
    for _ in range(4):
        answer(st, select_next(st, AdaptiveSettings(), rng, only_skill="a"), 1.0)
    assert st.posterior.counts["a"] == 4
    assert "You asked for more questions on A." == select_next(st, AdaptiveSettings(), rng, only_skill="a").reason


def test_simulated_learners_are_classified_better_than_chance():
    rng, np_rng = random.Random(5), np.random.default_rng(5)
    right = 0
    total = 0
    for _ in range(40):
        theta = np_rng.normal(size=3)
        st = state()
        while (sel := select_next(st, AdaptiveSettings(max_items=24), rng)) is not None:
            truth = theta["abc".index(sel.item.skill)]
            answer(st, sel, float(np_rng.random() < p_correct(truth, sel.item.params)))
        for i, s in enumerate("abc"):
            right += (st.p_gap(s) > 0.5) == (theta[i] < 0.0)
            total += 1
    assert right / total > 0.7


def answered(pattern):
    """One skill (target 0, independent prior) after right (1) / wrong (0) answers to medium items."""
    st = state(skills=("a",), rho=0.0)
    for x in pattern:
        st.posterior.update("a", Observation(ItemParams(1.0, 0.0, 0.25), float(x)))
    return st


@pytest.mark.parametrize("pattern", [[0, 0, 0], [1, 1, 1]])
def test_a_skill_whose_decision_cannot_change_stops(pattern):
    """Curtailment: P(gap) is inside [.1, .9] and the SD above .35, but with one item left before
    the cap no answer to it can carry P(gap) across .5, so the skill stops now."""
    st, settings = answered(pattern), AdaptiveSettings(skill_cap=4)
    e = st.posterior.estimate("a", 0.0)
    assert 0.1 < e.p_gap < 0.9 and e.sd >= settings.stop_sd
    assert st.open_skills(AdaptiveSettings(skill_cap=4, curtail=False)) == ["a"]
    assert st.open_skills(settings) == []
    assert select_next(st, settings, random.Random(0)) is None


def test_a_skill_whose_decision_can_still_change_goes_on():
    """Two wrong and one right (P(gap) about .72): enough right answers to the 7 items left before
    the cap of 10 would reverse it, so the skill stays open."""
    st = answered([0, 0, 1])
    assert 0.5 < st.p_gap("a") < 0.9
    assert st.open_skills(AdaptiveSettings()) == ["a"]
    assert select_next(st, AdaptiveSettings(), random.Random(0)).item.skill == "a"


def test_curtailment_looks_at_the_answers_pointing_the_other_way():
    st = answered([0, 0, 0])
    weights, items = st.posterior.marginals()["a"], st.pool["a"]
    assert decision_locked(weights, 0.0, items, 1)
    assert not decision_locked(weights, 0.0, items, 8)      # 8 right answers would reverse it


def test_curtailment_waits_for_the_minimum_items():
    st = answered([0])
    assert st.open_skills(AdaptiveSettings(skill_cap=2)) == ["a"]


# --- edges found by mutation testing (docs/mutation.md) -----------------------------------------

from quizapp.scoring.adaptive import _information  # noqa: E402
from quizapp.scoring.posterior import THETA_GRID  # noqa: E402


def test_information_of_many_items_is_each_items_fisher_information():
    items = [AdaptiveItem(k, "s", ItemParams(a, b, c)) for k, (a, b, c) in
             enumerate([(0.6, -1.0, 0.0), (1.0, 0.0, 0.25), (1.8, 0.9, 0.2), (2.5, 1.5, 0.5)])]
    theta = np.array([-2.0, -0.3, 0.0, 0.8, 2.2])
    rows = _information(items, theta)
    for item, row in zip(items, rows):
        a, b, c = item.params.a, item.params.b, item.params.c
        for t, value in zip(theta, row):
            p = c + (1 - c) / (1 + np.exp(-a * (t - b)))
            assert value == pytest.approx(a * a * (1 - p) / p * ((p - c) / (1 - c)) ** 2, rel=1e-9)
        assert fisher_information(item.params, theta) == pytest.approx(row, rel=1e-12)


def reference_locked(weights, target, items, remaining, top=3):
    """decision_locked as its docstring states it, written out with plain loops."""
    step = float(THETA_GRID[1] - THETA_GRID[0])
    share = [min(1.0, max(0.0, (target - (t - step / 2)) / step)) for t in THETA_GRID]
    w = [float(x) / float(sum(weights)) for x in weights]
    p_gap = sum(x * s for x, s in zip(w, share))
    if p_gap == 0.5:
        return False
    gap = p_gap > 0.5
    if remaining <= 0 or not items:
        return True

    def p_right(item, t):
        a, b, c = item.params.a, item.params.b, item.params.c
        return min(1 - 1e-9, max(1e-9, c + (1 - c) / (1 + np.exp(-a * (t - b)))))

    def info(item, w):
        a, c = item.params.a, item.params.c
        total = 0.0
        for q in range(0, len(THETA_GRID), 4):
            p = p_right(item, THETA_GRID[q])
            total += a * a * (1 - p) / p * ((p - c) / (1 - c)) ** 2 * w[q]
        return total

    free = list(range(len(items)))
    for _ in range(min(remaining, len(items))):
        best = sorted(free, key=lambda i: -info(items[i], w))[:max(top, 1)]
        options = []
        for i in best:
            moved = [x * (p_right(items[i], t) if gap else 1 - p_right(items[i], t)) for x, t in zip(w, THETA_GRID)]
            total = sum(moved)
            moved = [x / total for x in moved]
            options.append((sum(x * s for x, s in zip(moved, share)), i, moved))
        after, i, w = min(options) if gap else max(options)
        free.remove(i)
        if (after > 0.5) != gap:
            return False
    return True


def test_curtailment_matches_its_written_out_rule():
    rng = np.random.default_rng(7)
    outcomes = Counter()
    for case in range(60):
        posterior = JointPosterior(["s"], 0.0)
        for _ in range(int(rng.integers(2, 7))):
            posterior.update("s", Observation(ItemParams(float(rng.uniform(0.5, 2.0)), float(rng.uniform(-1.5, 1.5)),
                                                         float(rng.choice([0.0, 0.2, 0.25]))), float(rng.integers(0, 2))))
        weights = posterior.marginals()["s"]
        items = [AdaptiveItem(k, "s", ItemParams(float(rng.uniform(0.4, 2.5)), float(rng.uniform(-2, 2)),
                                                 float(rng.choice([0.0, 0.2, 0.5])))) for k in range(int(rng.integers(1, 8)))]
        target, remaining, top = float(rng.uniform(-1, 1)), int(rng.integers(0, 7)), int(rng.integers(1, 4))
        expected = reference_locked(weights, target, items, remaining, top)
        assert decision_locked(weights, target, items, remaining, top) is expected, case
        assert decision_locked(weights * 3.0, target, items, remaining, top) is expected, case   # unnormalised weights
        assert decision_locked(weights, target, items, remaining) is reference_locked(weights, target, items, remaining)
        outcomes[expected] += 1
    assert outcomes[True] >= 10 and outcomes[False] >= 10                    # both verdicts are exercised


def test_the_reason_says_why_this_question():
    st = state(skills=("a",))
    first = select_next(st, AdaptiveSettings(), random.Random(0))
    assert first.reason == "A first question on A, near the level the role needs."
    answer(st, first, 1.0)
    second = select_next(st, AdaptiveSettings(), random.Random(0))
    assert second.reason == (f"A: we are {round(second.p_gap * 100)} % sure of a gap, the least settled of your "
                             "skills; this question tells us most about where you stand.")
    assert 0.05 < second.p_gap < 0.6
    forced = select_next(st, AdaptiveSettings(), random.Random(0), only_skill="a")
    assert forced.reason == "You asked for more questions on A."


def test_only_skill_without_unused_items_gives_nothing():
    st = state(skills=("a", "b"), per=2)
    st.used |= {"a0", "a1"}
    assert select_next(st, AdaptiveSettings(), random.Random(0), only_skill="a") is None
    assert select_next(st, AdaptiveSettings(), random.Random(0), only_skill="zzz") is None


def test_ties_in_uncertainty_go_to_the_less_tested_skill():
    st = state(skills=("a", "b"))
    sel = select_next(st, AdaptiveSettings(), random.Random(0))
    answer(st, sel, 1.0)
    other = "b" if sel.item.skill == "a" else "a"
    st.posterior = JointPosterior(["a", "b"], 0.0)                            # equal uncertainty again, unequal counts
    st.posterior.counts[sel.item.skill] = 1
    assert select_next(st, AdaptiveSettings(), random.Random(0)).item.skill == other
