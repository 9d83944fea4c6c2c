import random
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from quizapp.scoring.ability import ItemParams, Observation, p_correct
from quizapp.scoring.adaptive import (
    AdaptiveItem,
    AdaptiveSettings,
    AdaptiveState,
    SkillTarget,
    _eligible,
    decision_gain,
    decision_locked,
    fisher_information,
    select_next,
    sitting_decided,
    skill_stopped,
    stop_reason,
)
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
    for item, row in zip(items, rows, strict=True):
        a, b, c = item.params.a, item.params.b, item.params.c
        for t, value in zip(theta, row, strict=True):
            p = c + (1 - c) / (1 + np.exp(-a * (t - b)))
            assert value == pytest.approx(a * a * (1 - p) / p * ((p - c) / (1 - c)) ** 2, rel=1e-9)
        assert fisher_information(item.params, theta) == pytest.approx(row, rel=1e-12)


def reference_locked(weights, target, items, remaining, top=3):
    """decision_locked as its docstring states it, written out with plain loops."""
    step = float(THETA_GRID[1] - THETA_GRID[0])
    share = [min(1.0, max(0.0, (target - (t - step / 2)) / step)) for t in THETA_GRID]
    w = [float(x) / float(sum(weights)) for x in weights]
    p_gap = sum(x * s for x, s in zip(w, share, strict=True))
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
            moved = [x * (p_right(items[i], t) if gap else 1 - p_right(items[i], t))
                     for x, t in zip(w, THETA_GRID, strict=True)]
            total = sum(moved)
            moved = [x / total for x in moved]
            options.append((sum(x * s for x, s in zip(moved, share, strict=True)), i, moved))
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


# --- survivors of the scoring mutation run, killed by the rules they break (docs/mutation.md) ---------------


def test_a_decision_sitting_exactly_on_the_cut_is_not_locked():
    """All posterior mass on the cut (P(gap) exactly .5): there is no decision yet to lock, even with no
    items left to ask."""
    on_cut = (THETA_GRID == 0.0).astype(float)
    assert on_cut.sum() == 1.0
    items = pool(skills=("s",), per=3)["s"]
    assert decision_locked(on_cut, 0.0, items, 0) is False
    assert decision_locked(on_cut, 0.0, items, 3) is False


def test_a_skill_with_no_items_left_is_locked():
    weights = answered([0, 1]).posterior.marginals()["a"]
    assert decision_locked(weights, 0.0, [], 5) is True
    assert decision_locked(weights, 0.0, pool(skills=("a",))["a"], 0) is True


# Cases where the rule's ranking of items (3PL information a²·(Q/P)·((P - c)/(1 - c))², the `top` best, then
# the answer that moves P(gap) furthest, the largest P(gap) when the worst case is all wrong) decides the
# verdict: (answers so far as ((a, b, c), right)), items left (a, b, c), target, items before the cap, top).
LOCK_CASES = [
    ([((0.98, 0.13, 0.5), 0.0), ((2.24, -1.17, 0.0), 1.0)],
     [(3.74, 2.24, 0.5), (0.8, 1.75, 0.5), (1.86, -2.85, 0.5), (0.92, 1.5, 0.0), (1.46, -1.47, 0.0),
      (3.06, -0.85, 0.2), (1.67, -1.04, 0.0)], 0.43, 3, 1, True),
    ([((0.57, 0.74, 0.2), 0.0), ((2.36, -0.49, 0.5), 0.0), ((1.91, -0.27, 0.2), 1.0), ((1.35, -1.3, 0.5), 1.0)],
     [(0.7, -0.91, 0.0), (3.17, 1.98, 0.0), (3.11, -0.43, 0.0), (3.64, -1.05, 0.5), (1.57, 2.09, 0.5),
      (1.53, 0.63, 0.5), (2.57, -2.88, 0.0)], 0.78, 4, 1, True),
    ([((0.58, -0.11, 0.2), 1.0), ((1.39, 0.76, 0.2), 1.0), ((2.34, 0.6, 0.2), 0.0), ((1.99, -0.31, 0.5), 1.0),
      ((1.82, 1.55, 0.2), 1.0)],
     [(1.8, 0.72, 0.0), (2.41, -1.84, 0.5), (2.44, 0.46, 0.5), (1.06, -0.05, 0.5)], -0.33, 2, 3, False),
]


@pytest.mark.parametrize("answers, left, target, remaining, top, locked", LOCK_CASES)
def test_curtailment_ranks_items_by_their_3pl_information(answers, left, target, remaining, top, locked):
    posterior = JointPosterior(["s"], 0.0)
    for params, right in answers:
        posterior.update("s", Observation(ItemParams(*params), right))
    weights = posterior.marginals()["s"]
    items = [AdaptiveItem(k, "s", ItemParams(*params)) for k, params in enumerate(left)]
    assert reference_locked(weights, target, items, remaining, top) is locked
    assert decision_locked(weights, target, items, remaining, top) is locked


@pytest.mark.parametrize("p_gap, stopped", [(0.1, False), (0.0999, True), (0.9, False), (0.9001, True)])
def test_a_skill_stops_only_outside_the_closed_interval(p_gap, stopped):
    """MEASUREMENT.md 1: a skill stops at P(gap) outside [0.1, 0.9]; the ends themselves are inside."""
    assert skill_stopped(p_gap, 2, AdaptiveSettings()) is stopped


def test_an_sd_of_exactly_the_limit_does_not_stop_a_skill():
    """MEASUREMENT.md 6: the SD stop is 'posterior SD < 0.35'."""
    assert skill_stopped(0.5, 5, AdaptiveSettings(), 0.35) is False
    assert skill_stopped(0.5, 5, AdaptiveSettings(), 0.3499) is True


def test_open_skills_stops_a_pinned_down_skill_at_the_cut():
    """Six sharp items at the cut, half right: P(gap) is .5 but the SD is below .35, so the skill stops."""
    st = state(skills=("a",), rho=0.0)
    for right in [1, 0, 1, 0, 1, 0]:
        st.posterior.update("a", Observation(ItemParams(3.0, 0.0, 0.0), float(right)))
    e = st.posterior.estimate("a", 0.0)
    assert e.p_gap == pytest.approx(0.5) and e.sd < 0.35
    assert st.open_skills(AdaptiveSettings(curtail=False)) == []


def test_open_skills_skips_a_skill_without_items_and_goes_on():
    st = state(skills=("a", "b"))
    st.pool = {"b": st.pool["b"]}                                      # no items at all for skill a
    assert st.open_skills(AdaptiveSettings()) == ["b"]


def test_open_skills_goes_on_past_a_stopped_skill():
    st = state(skills=("a", "b", "c"), rho=0.0)
    for _ in range(2):
        st.posterior.update("a", Observation(ItemParams(1.0, 0.0, 0.25), 1.0))
    assert st.open_skills(AdaptiveSettings(skill_cap=2)) == ["b", "c"]


def test_open_skills_goes_on_past_a_curtailed_skill():
    st = state(skills=("a", "b"), rho=0.0)
    for right in [0, 0, 1]:
        st.posterior.update("a", Observation(ItemParams(1.0, 0.0, 0.25), float(right)))
    assert st.open_skills(AdaptiveSettings(skill_cap=4, curtail=False)) == ["a", "b"]
    assert st.open_skills(AdaptiveSettings(skill_cap=4)) == ["b"]


def test_curtailment_starts_at_the_minimum_number_of_items():
    """Two wrong answers (the minimum): with one item before the cap the decision is locked already."""
    st = answered([0, 0])
    assert st.open_skills(AdaptiveSettings(skill_cap=3, curtail=False)) == ["a"]
    assert st.open_skills(AdaptiveSettings(skill_cap=3)) == []


def test_curtailment_uses_the_selectors_randomesque_width():
    """Two wrong and one right, three items before the cap of 6: the single most informative items
    cannot reverse the decision, but the selector's top 3 include items that could."""
    st = answered([0, 0, 1])
    assert st.open_skills(AdaptiveSettings(skill_cap=6, randomesque=3)) == ["a"]
    assert st.open_skills(AdaptiveSettings(skill_cap=6, randomesque=1)) == []


@pytest.mark.parametrize("pattern", [[0], [0, 0], [0, 1], [1, 0, 0], [0, 0, 1], [0, 1, 0, 0]])
def test_the_reason_gives_p_gap_as_a_rounded_percentage(pattern):
    st = answered(pattern)
    sel = select_next(st, AdaptiveSettings(skill_cap=20, curtail=False, stop_low=0.0, stop_high=1.0),
                      random.Random(0))
    assert f"we are {round(sel.p_gap * 100)} % sure of a gap" in sel.reason


def test_a_skill_one_item_ahead_may_still_be_asked_but_not_two():
    """The lead rule: after this item no skill may be more than 2 items ahead of the least-tested one."""
    st = state(skills=("a", "b"), rho=0.0, weights={"a": 5.0})
    st.posterior.update("a", Observation(ItemParams(1.0, 0.0, 0.25), 1.0))
    assert select_next(st, AdaptiveSettings(), random.Random(0)).item.skill == "a"      # 2 vs 0 after it
    st.posterior.update("a", Observation(ItemParams(1.0, 0.0, 0.25), 0.0))
    assert select_next(st, AdaptiveSettings(), random.Random(0)).item.skill == "b"      # 3 vs 0 would be too far


def test_curtailment_takes_the_most_informative_of_hundreds_of_items():
    """Pins argpartition's k - 1: with top = 1 among 301 items (numpy fully sorts only small arrays)
    the one strong item, whose wrong answer would cross 0.5, is the one the path must take."""
    posterior = JointPosterior(["s"], 0.0)
    posterior.update("s", Observation(ItemParams(1.0, 0.0, 0.0), 1.0))
    weights = posterior.marginals()["s"]                                    # P(gap) at 0 is .33
    weak = [AdaptiveItem(k, "s", ItemParams(0.5, 3.0 + k / 1000, 0.2)) for k in range(300)]
    strong = AdaptiveItem("strong", "s", ItemParams(2.5, 0.3, 0.0))
    assert decision_locked(weights, 0.0, weak, 1, 1) is True                # no weak item can cross 0.5
    assert decision_locked(weights, 0.0, [strong], 1, 1) is False
    assert decision_locked(weights, 0.0, weak[:150] + [strong] + weak[150:], 1, 1) is False


# --- stopping early and saying why (issue #20) -------------------------------------------------

def test_the_minimum_per_skill_fits_the_limit():
    assert AdaptiveSettings.for_assessment(30, 15).min_items == 2
    assert AdaptiveSettings.for_assessment(30, 16).min_items == 1
    assert AdaptiveSettings.for_assessment(30, 23, skill_cap=4).skill_cap == 4


def test_a_clear_call_borrowed_from_the_area_stops_a_skill_without_answers():
    settings = AdaptiveSettings(min_items=1, min_area_items=2)
    assert skill_stopped(0.05, 0, settings, area_n=2) is True
    assert skill_stopped(0.05, 0, settings, area_n=1) is False        # too little in its area
    assert skill_stopped(0.2, 0, settings, area_n=9) is False         # not clear enough to borrow
    assert skill_stopped(0.5, 3, settings, asked=10) is True          # the cap counts this sitting only
    assert skill_stopped(0.5, 12, settings, asked=3) is False


def test_stop_reason_says_how_each_skill_ended():

    skills = ["a", "b", "c"]
    targets = {s: SkillTarget(-1.5) for s in skills}
    posterior = JointPosterior(skills, 0.3, {"a": "m", "b": "m", "c": "p"}, 0.3)
    pool_ = pool(skills, 6)
    state = AdaptiveState(posterior, targets, pool_)
    settings = AdaptiveSettings(max_items=30, min_items=1)
    for item in pool_["a"][:3] + pool_["b"][:3] + pool_["c"][:3]:
        posterior.update(item.skill, Observation(item.params, 1.0))
        state.record(item)
    assert select_next(state, settings, random.Random(1)) is None
    reason = stop_reason(state, settings)
    assert reason.startswith("every skill's call was clear (") and "3 skills clear from their own answers" in reason
    assert stop_reason(AdaptiveState(posterior, targets, pool_, asked=30), settings) == \
        "it reached its limit of 30 questions"
    empty = AdaptiveState(JointPosterior(skills, 0.3), targets, {s: [] for s in skills})
    assert stop_reason(empty, settings).startswith("no skill could take another question (3 skills out of unseen")


def _two_areas(skill_choice="uncertainty", **kwargs):
    """Four skills in two areas, every one answered right three times on easy items (b -1.5, a target of -.5):
    each area's call is clear while single skills are called (P(gap) <= .3) but not 90 % sure."""
    skills = ["a", "b", "c", "d"]
    areas = {"a": "m", "b": "m", "c": "p", "d": "p"}
    posterior = JointPosterior(skills, 0.3, areas, 0.2)
    pool_ = pool(skills, 12)
    state = AdaptiveState(posterior, {s: SkillTarget(-0.5, name=s.upper()) for s in skills}, pool_)
    for s in skills:
        for item in [i for i in pool_[s] if i.params.b == -1.5][:3]:
            posterior.update(s, Observation(item.params, 1.0))
            state.record(item)
    return state, AdaptiveSettings(max_items=30, min_items=2, skill_choice=skill_choice, **kwargs)


def test_a_sitting_stops_once_every_area_is_clear_and_every_skill_has_a_call():
    state, settings = _two_areas()
    assert all(0.1 <= state.p_gap(s) <= 0.3 for s in state.targets)      # called, not 90 % sure: still open
    assert all(state.skill_status(s, settings) is None for s in state.targets)
    assert all(p < 0.1 for p in state.area_p_gaps().values())
    assert sitting_decided(state, settings)
    assert select_next(state, settings, random.Random(1)) is None
    assert stop_reason(state, settings) == ("every area's call was clear and every skill had a call "
                                            "(2 areas clear; 4 skills called but not yet 90 % sure)")
    # "3 more questions on a skill" still asks; with the rule off the skills are asked about until 90 % sure
    assert select_next(state, settings, random.Random(1), only_skill="a").item.skill == "a"
    off = replace(settings, stop_on_areas=False)
    assert not sitting_decided(state, off) and select_next(state, off, random.Random(1)) is not None


def test_a_sitting_goes_on_while_a_skill_has_no_call_or_an_area_is_unsure():
    state, settings = _two_areas()
    wrong = [i for i in state.pool["d"] if i.key not in state.used][:2]
    for item in wrong:                                 # d now unsure: its call is "not sure yet"
        state.posterior.update("d", Observation(item.params, 0.0))
        state.record(item)
    assert 0.3 < state.p_gap("d") < 0.7 and not state.has_call("d", settings)
    assert not sitting_decided(state, settings) and select_next(state, settings, random.Random(1)) is not None
    # a skill with no answer of its own has a call only at the borrowed bar (.1/.9), as on the report
    fresh = AdaptiveState(JointPosterior(["a", "b"], 0.3, {"a": "m", "b": "m"}, 0.2),
                          {"a": SkillTarget(-1.0), "b": SkillTarget(-1.0)}, pool(["a", "b"]))
    fresh.posterior.update("a", Observation(ItemParams(1.0, -0.75, 0.25), 1.0))
    assert 0.1 < fresh.p_gap("b") <= 0.3 and not fresh.has_call("b", settings)


def test_a_sitting_does_not_stop_on_areas_before_it_has_looked_at_each():
    """A profile settled by earlier sittings: every area and skill already clear, but this sitting has asked
    nothing yet, so it asks."""
    skills = ["a", "b"]
    posterior = JointPosterior(skills, 0.3, {"a": "m", "b": "m"}, 0.2)
    for s in skills:
        for _ in range(4):
            posterior.update(s, Observation(ItemParams(1.0, 0.0, 0.0), 1.0))
    state = AdaptiveState(posterior, {s: SkillTarget(-1.0) for s in skills}, pool(skills), earlier={s: 4 for s in skills})
    settings = AdaptiveSettings(min_items=5)          # not stopped on their own answers
    assert all(state.has_call(s, settings) for s in skills) and not sitting_decided(state, settings)
    assert select_next(state, settings, random.Random(1)) is not None


def test_earlier_sittings_count_for_the_minimum_but_not_for_the_cap_or_the_lead():
    skills = ["a", "b"]
    posterior = JointPosterior(skills, 0.0)
    pool_ = pool(skills, 12)
    for item in pool_["a"][:2]:   # two answers on a from an earlier sitting, both right and wrong: unsure
        posterior.update("a", Observation(item.params, float(item is pool_["a"][0])))
    state = AdaptiveState(posterior, {s: SkillTarget(0.0) for s in skills}, pool_, used={i.key for i in pool_["a"][:2]},
                          earlier={"a": 2})
    assert state.asked_on("a") == 0 and state.area_count("a") == 2
    eligible, _ = _eligible(state, AdaptiveSettings(skill_cap=4), None)
    assert set(eligible) == {"a", "b"}   # a is not "2 ahead": its answers were in another sitting


def test_a_settled_profile_still_gets_a_look_in_a_new_sitting():
    skills = ["a", "b", "c"]
    areas = {"a": "m", "b": "m", "c": "p"}
    posterior = JointPosterior(skills, 0.3, areas, 0.2)
    pool_ = pool(skills, 12)
    for s in skills:                       # an earlier sitting: everything right on hard items
        for _ in range(6):
            posterior.update(s, Observation(ItemParams(1.0, 1.5, 0.0), 1.0))
    state = AdaptiveState(posterior, {s: SkillTarget(0.0) for s in skills}, pool_, earlier={s: 6 for s in skills})
    settings = AdaptiveSettings(min_items=1, min_area_items=2)
    assert all(state.p_gap(s) < 0.1 for s in skills)
    asked = []
    while (sel := select_next(state, settings, random.Random(len(asked)))) is not None:
        posterior.update(sel.item.skill, Observation(sel.item.params, 1.0))
        state.record(sel.item)
        asked.append(sel.item.skill)
    # two in the shared area m, one for p (an area of its own): then every call is clear again
    assert sorted(asked).count("c") == 1 and len([s for s in asked if s in "ab"]) == 2 and len(asked) == 3


def test_the_decisive_choice_asks_where_one_answer_can_settle_a_call():
    """Two skills, one at P(gap) .5 on six answers (one more cannot settle it), one short of .7 on one answer
    (another miss would):
    "uncertainty" asks about the first, "decisive" about the second; both say why."""
    skills = ["near", "middle"]
    posterior = JointPosterior(skills, 0.0)
    items = pool(skills, 12)
    posterior.update("near", Observation(ItemParams(1.0, 0.75, 0.25), 0.0))    # one miss: about .6
    for _ in range(6):
        posterior.update("middle", Observation(ItemParams(1.0, 0.0, 0.0), 0.5))  # half credit each time: .5
    state = AdaptiveState(posterior, {s: SkillTarget(0.0) for s in skills}, items, earlier={"middle": 5})
    assert 0.55 < state.p_gap("near") < 0.7 and abs(state.p_gap("middle") - 0.5) < 0.02
    assert decision_gain(state, "near", AdaptiveSettings()) > decision_gain(state, "middle", AdaptiveSettings()) >= 0
    least_settled = select_next(state, AdaptiveSettings(min_items=1), random.Random(1))
    decisive = select_next(state, AdaptiveSettings(min_items=1, skill_choice="decisive"), random.Random(1))
    assert least_settled.item.skill == "middle" and "the least settled of your skills" in least_settled.reason
    assert decisive.item.skill == "near" and "the most likely to settle one of your calls" in decisive.reason
    with pytest.raises(ValueError):
        AdaptiveSettings(skill_choice="random")
