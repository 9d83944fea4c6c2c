"""Content balance in adaptive selection (issue #20): at least 40 % choice items at every point of a
test, no more than 3 free-entry items in a row, no more than 2 items on one skill in a row while
another skill may come next; each rule gives way, and says so, only when the items left cannot meet it."""
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.scoring.ability import ItemParams, Observation, p_correct
from quizapp.scoring.adaptive import (
    RELAXED_FORMAT,
    RELAXED_SKILL_RUN,
    AdaptiveItem,
    AdaptiveSettings,
    AdaptiveState,
    SkillTarget,
    _eligible,
    _information,
    free_entry_blocked,
    repeated_skill,
    select_next,
)
from quizapp.scoring.posterior import JointPosterior

SHARE = 0.4
FREE_RUN = 3
SKILL_RUN = 2
SITTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def item(key, skill, free, b=0.0, a=1.0):
    return AdaptiveItem(key, skill, ItemParams(a, b, 0.0 if free else 0.2), free)


def make_state(pool, weights=None, rho=0.3):
    skills = list(pool)
    targets = {s: SkillTarget(0.0, (weights or {}).get(s, 1.0), s.upper()) for s in skills}
    return AdaptiveState(JointPosterior(skills, rho), targets, pool)


def ask(state, chosen, credit):
    state.posterior.update(chosen.skill, Observation(chosen.params, credit))
    state.record(chosen)


def history_of(formats, skill="s"):
    """Items already asked, "C" a choice item and "F" a free-entry one."""
    return [item(f"h{k}", skill, f == "F") for k, f in enumerate(formats)]


@st.composite
def banks(draw, choice_at_least=0):
    """1-4 skills with 0-12 choice and 0-12 free-entry items each (at least `choice_at_least` choice)."""
    pool = {}
    for s in "abcd"[:draw(st.integers(1, 4))]:
        n_choice = draw(st.integers(choice_at_least, 12))
        n_free = draw(st.integers(0 if n_choice else 1, 12))
        bs = draw(st.lists(st.sampled_from([-1.5, -0.75, 0.0, 0.75, 1.5]), min_size=n_choice + n_free,
                           max_size=n_choice + n_free))
        pool[s] = [item(f"{s}{k}", s, k >= n_choice, b) for k, b in enumerate(bs)]
    return pool


def sit(pool, config, seed, weights=None):
    """One simulated sitting; every step as (selection, verdict on free entry before it, repeated skill
    before it, skills that could come next before the content rules, their items left)."""
    state, rng, np_rng = make_state(pool, weights), random.Random(seed), np.random.default_rng(seed)
    theta = {s: float(np_rng.normal()) for s in pool}
    steps = []
    while True:
        blocked, repeated = free_entry_blocked(state.history, config), repeated_skill(state.history, config)
        eligible, _ = _eligible(state, config, None)
        left = {s: [i for i in pool[s] if i.key not in state.used] for s in eligible}
        sel = select_next(state, config, rng)
        if sel is None:
            break
        steps.append((sel, blocked, repeated, eligible, left))
        ask(state, sel.item, float(np_rng.random() < float(p_correct(theta[sel.item.skill], sel.item.params))))
    return state, steps


def prefix_shares(history):
    choice = np.cumsum([not i.free_entry for i in history])
    return choice / np.arange(1, len(history) + 1)


def longest_run(flags):
    best = run = 0
    for f in flags:
        run = run + 1 if f else 0
        best = max(best, run)
    return best


# --- the rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("formats, verdict", [
    ("", "share"),                    # the first item: 0 of 1 would be 0 %
    ("C", None),                      # 1 of 2 = 50 %
    ("CF", "share"),                  # 1 of 3 = 33 %
    ("CFC", None),                    # 2 of 4
    ("CFCF", None),                   # 2 of 5 = 40 %, exactly the share
    ("CFCFF", "share"),               # 2 of 6
    ("CCCCCFFF", "run"),              # 5 of 9 is plenty, but 3 typed answers in a row
    ("CCCCCFFC", None),
])
def test_when_a_free_entry_item_may_come_next(formats, verdict):
    assert free_entry_blocked(history_of(formats), AdaptiveSettings()) == verdict


@pytest.mark.parametrize("share, formats, verdict", [(0.4, "CFCFFCFCFFCFCF", None),    # 6 of 15 = 40 %
                                                    (0.4, "CFCFFCFCFFCFFF", "share"),
                                                    (0.7, "CCFCCFCCC", None),          # 7 of 10 = 70 %
                                                    (0.7, "CCFCCFCCF", "share")])
def test_the_share_rule_holds_exactly_at_the_boundary(share, formats, verdict):
    config = AdaptiveSettings(min_choice_share=share, max_free_run=None)
    assert free_entry_blocked(history_of(formats), config) == verdict


def test_the_rules_switch_off():
    off = AdaptiveSettings().without_content_rules()
    assert (off.min_choice_share, off.max_free_run, off.max_skill_run) == (0.0, None, None)
    assert free_entry_blocked(history_of("FFFFFF"), off) is None
    assert repeated_skill([item(k, "a", False) for k in range(5)], off) is None


@pytest.mark.parametrize("skills, repeated", [("", None), ("a", None), ("aa", "a"), ("ba", None), ("baa", "a"),
                                              ("aab", None)])
def test_the_skill_that_may_not_come_next(skills, repeated):
    assert repeated_skill([item(k, s, False) for k, s in enumerate(skills)], AdaptiveSettings()) == repeated


# --- properties over random sittings -------------------------------------------------------------

def adaptive_settings(max_items, cap, long, share=SHARE):
    """The app's stopping rules, or (long) rules that let sittings run to the cap, so that runs form."""
    stops = {"stop_low": 0.0, "stop_high": 1.0, "stop_sd": 0.0, "curtail": False} if long else {}
    return AdaptiveSettings(max_items=max_items, skill_cap=cap, min_choice_share=share, **stops)


@SITTINGS
@given(banks(), st.integers(6, 40), st.integers(2, 10), st.booleans(), st.sampled_from([SHARE, 0.25, 0.0]),
       st.integers(0, 10_000))
def test_every_rule_holds_unless_the_items_left_cannot_meet_it(pool, max_items, cap, long, share, seed):
    """Any share (a lower one lets the run rule bind more often)."""
    config = adaptive_settings(max_items, cap, long, share)
    state, steps = sit(pool, config, seed)
    for sel, blocked, repeated, eligible, left in steps:
        if blocked and sel.item.free_entry:            # a typed answer the rules refused: only when nothing else is left
            assert RELAXED_FORMAT in sel.relaxed
            assert not any(not i.free_entry for s in eligible for i in left[s])
            assert "No question with options is left" in sel.reason
        else:
            assert RELAXED_FORMAT not in sel.relaxed
        if sel.item.skill == repeated:                 # a third in a row: no other skill could take the item
            assert RELAXED_SKILL_RUN in sel.relaxed and "It comes again" in sel.reason
            others = [s for s in eligible if s != repeated]
            assert not others or (blocked and not any(not i.free_entry for s in others for i in left[s]))
        else:
            assert RELAXED_SKILL_RUN not in sel.relaxed
    if not any(RELAXED_FORMAT in sel.relaxed for sel, *_ in steps):
        # at every point where the sitting could have stopped, and at its end (the cap or all skills settled)
        assert all(prefix >= share for prefix in prefix_shares(state.history))
        assert longest_run(i.free_entry for i in state.history) <= FREE_RUN
    # the rules never end a sitting: it stops exactly when it would without them
    assert select_next(state, config.without_content_rules(), random.Random(0)) is None


@SITTINGS
@given(banks(choice_at_least=10), st.integers(6, 40), st.booleans(), st.integers(0, 10_000))
def test_with_enough_choice_items_the_share_holds_wherever_the_test_stops(pool, max_items, long, seed):
    """Each skill has at least as many choice items as its cap, so the format rule never has to give way:
    at least 40 % choice items and no 4 typed answers in a row at every prefix of the sitting, the last
    one included, and a skill repeats a third time only when no other skill may come next."""
    config = adaptive_settings(max_items, 10, long)
    state, steps = sit(pool, config, seed)
    assert steps and not any(RELAXED_FORMAT in sel.relaxed for sel, *_ in steps)
    assert not state.history[0].free_entry
    assert min(prefix_shares(state.history)) >= SHARE
    assert longest_run(i.free_entry for i in state.history) <= FREE_RUN
    for sel, _, repeated, eligible, _ in steps:
        assert sel.item.skill != repeated or eligible == [repeated]


def test_without_rules_typed_answers_fill_the_test_and_with_them_they_do_not():
    """What the rules are for: free-entry items carry the most information, so they win every time."""
    pool = {s: [item(f"{s}{k}", s, k % 2 == 1, b=[-0.75, 0.0, 0.75][k % 3]) for k in range(24)] for s in "abc"}
    for config, most in ((AdaptiveSettings(max_items=24).without_content_rules(), None),
                         (AdaptiveSettings(max_items=24), 0.6)):
        shares = []
        for seed in range(5):
            state, _ = sit(pool, config, seed)
            shares.append(1 - prefix_shares(state.history)[-1])
        if most is None:
            assert min(shares) >= 0.9
        else:
            assert max(shares) <= most


# --- constraints off: the selection before issue #20 ----------------------------------------------

def old_select_next(state, settings, rng, only_skill=None):
    """select_next as it was before content balance (commit 8ff1e52), written out."""
    counts = state.posterior.counts
    if only_skill is not None:
        eligible = [only_skill] if any(i.key not in state.used for i in state.pool.get(only_skill, ())) else []
    else:
        if state.asked >= settings.max_items:
            return None
        eligible = state.open_skills(settings)
        if eligible:
            floor = min(counts.get(s, 0) for s in eligible)
            eligible = [s for s in eligible if counts.get(s, 0) + 1 <= floor + settings.lead]
    if not eligible:
        return None
    uncertainty = {s: min(p := state.p_gap(s), 1 - p) for s in eligible}
    skill = max(eligible, key=lambda s: (state.targets[s].weight * uncertainty[s], -counts.get(s, 0)))
    unused = [i for i in state.pool[skill] if i.key not in state.used]
    fresh = [i for i in unused if i.key not in state.recent]
    candidates = fresh or unused
    weights = state.posterior.marginals()[skill]
    info = dict(zip((i.key for i in candidates), np.round(_information(candidates) @ weights, 12).tolist(), strict=True))
    candidates = list(candidates)
    rng.shuffle(candidates)
    ranked = sorted(candidates, key=lambda i: -info[i.key])
    item_ = rng.choice(ranked[:settings.randomesque])
    p, n, name = state.p_gap(skill), counts.get(skill, 0), state.targets[skill].name or skill
    if only_skill is not None:
        reason = f"You asked for more questions on {name}."
    elif n == 0:
        reason = f"A first question on {name}, near the level the role needs."
    else:
        reason = (f"{name}: we are {round(p * 100)} % sure of a gap, the least settled of your skills; "
                  "this question tells us most about where you stand.")
    return item_, p, reason


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(banks(), st.integers(1, 30), st.integers(0, 10_000), st.booleans())
def test_with_the_rules_off_the_selection_is_the_one_before(pool, max_items, seed, focus):
    config = AdaptiveSettings(max_items=max_items).without_content_rules()
    new, old = make_state(pool, {"a": 2.0}), make_state(pool, {"a": 2.0})
    new.recent = old.recent = {f"{s}1" for s in pool}
    rng_new, rng_old, np_rng = random.Random(seed), random.Random(seed), np.random.default_rng(seed)
    only = "a" if focus else None
    for _ in range(max_items):
        sel, expected = select_next(new, config, rng_new, only), old_select_next(old, config, rng_old, only)
        if expected is None:
            assert sel is None
            return
        assert (sel.item, sel.p_gap, sel.reason, sel.relaxed) == (*expected, ())
        credit = float(np_rng.random() < 0.5)
        ask(new, sel.item, credit)
        ask(old, sel.item, credit)


# --- giving way, and saying so ---------------------------------------------------------------------

def test_with_only_typed_answers_left_the_test_goes_on_and_says_why():
    state = make_state({"a": [item(f"a{k}", "a", True) for k in range(6)]})
    sel = select_next(state, AdaptiveSettings(), random.Random(0))
    assert sel is not None and sel.item.free_entry and sel.relaxed == (RELAXED_FORMAT,)
    assert sel.reason == ("A first question on A, near the level the role needs. No question with options is "
                          "left on the skills that may come next, so this one is typed.")


def test_a_skill_without_choice_items_waits_while_the_share_needs_one():
    state = make_state({"a": [item(f"a{k}", "a", True) for k in range(6)],
                        "b": [item(f"b{k}", "b", False) for k in range(6)]}, weights={"a": 5.0})
    ask(state, state.pool["b"][0], 1.0)
    ask(state, state.pool["a"][0], 0.0)                          # 1 choice of 2: a typed third would be 33 %
    sel = select_next(state, AdaptiveSettings(), random.Random(0))
    assert sel.item.skill == "b" and not sel.item.free_entry and sel.relaxed == ()
    assert "the least settled of the skills that may come now" in sel.reason
    assert sel.reason.endswith("A has no question with options left, so another skill comes now.")
    assert select_next(state, AdaptiveSettings().without_content_rules(), random.Random(0)).item.skill == "a"


def test_a_choice_item_after_three_typed_answers_and_why():
    state = make_state({"a": [item(f"a{k}", "a", k % 2 == 1, b=0.0) for k in range(20)]}, rho=0.0)
    state.history = history_of("CCCCCFFF", skill="x")
    sel = select_next(state, AdaptiveSettings(), random.Random(0))
    assert not sel.item.free_entry
    assert sel.reason == ("A first question on A, near the level the role needs, with options to choose from. "
                          "No more than 3 typed answers come in a row.")


def test_the_share_rule_picks_the_most_informative_choice_item_and_says_so():
    state = make_state({"a": [item("a-free", "a", True), item("a-choice", "a", False)], "b": [item("b0", "b", True)]},
                       rho=0.0)
    ask(state, item("x", "a", False), 1.0)
    ask(state, item("y", "b", True), 0.0)                         # 1 choice of 2
    sel = select_next(state, AdaptiveSettings(), random.Random(0))
    assert sel.item.key == "a-choice"
    assert "of its questions with options to choose from, this one tells us most" in sel.reason
    assert sel.reason.endswith("At every point of the test at least 40 % of your questions have options to "
                               "choose from.")


def test_a_third_question_in_a_row_on_one_skill_goes_elsewhere():
    pool = {s: [item(f"{s}{k}", s, False) for k in range(8)] for s in "abc"}
    state = make_state(pool, weights={"a": 5.0}, rho=0.0)
    for chosen in (pool["b"][0], pool["c"][0], pool["a"][0], pool["a"][1]):
        ask(state, chosen, 0.5)
    assert select_next(state, AdaptiveSettings().without_content_rules(), random.Random(0)).item.skill == "a"
    sel = select_next(state, AdaptiveSettings(), random.Random(0))
    assert sel.item.skill in "bc" and sel.relaxed == ()
    assert sel.reason.endswith("A had the last 2 questions, so another skill comes now.")


def test_the_only_skill_open_comes_again_and_says_so():
    state = make_state({"a": [item(f"a{k}", "a", False) for k in range(8)]}, rho=0.0)
    for k in range(2):
        ask(state, state.pool["a"][k], 0.5)
    sel = select_next(state, AdaptiveSettings(), random.Random(0))
    assert sel.item.skill == "a" and sel.relaxed == (RELAXED_SKILL_RUN,)
    assert sel.reason.endswith("It comes again: it is the only skill still open.")


def test_more_questions_on_one_skill_keep_the_format_rules_but_not_skill_variety():
    pool = {"a": [item(f"a{k}", "a", k > 0) for k in range(6)], "b": [item(f"b{k}", "b", False) for k in range(6)]}
    state = make_state(pool)
    for k in (1, 2):
        ask(state, pool["a"][k], 1.0)                            # 0 choice of 2, both on a
    sel = select_next(state, AdaptiveSettings(), random.Random(0), only_skill="a")
    assert sel.item.key == "a0" and sel.relaxed == ()
    assert sel.reason.startswith("You asked for more questions on A.")
    ask(state, sel.item, 1.0)                                    # 1 choice of 3: a fourth, typed, would be 25 %
    sel = select_next(state, AdaptiveSettings(), random.Random(0), only_skill="a")
    assert sel.item.free_entry and sel.relaxed == (RELAXED_FORMAT,)
    assert sel.reason == ("You asked for more questions on A. No question with options is left on this skill, "
                          "so this one is typed.")
