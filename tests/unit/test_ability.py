"""Check the grid posterior against brute-force integration written independently here."""
import math

import numpy as np
import pytest

from quizapp.scoring.ability import (
    DIFFICULTY_B,
    GRID,
    ItemParams,
    Observation,
    estimate,
    item_params,
    p_correct,
    posterior,
    target_theta,
)


def brute_force(observations, target, lo=-9.0, hi=9.0, n=36000):
    """Midpoint-rule integrals of prior × likelihood with plain floats (no numpy)."""
    h = (hi - lo) / n
    z = m1 = m2 = below = short = 0.0
    for k in range(n):
        t = lo + (k + 0.5) * h
        w = math.exp(-0.5 * t * t)
        for o in observations:
            p = o.item.c + (1 - o.item.c) / (1 + math.exp(-o.item.a * (t - o.item.b)))
            w *= p ** o.credit * (1 - p) ** (1 - o.credit)
        z += w
        m1 += w * t
        m2 += w * t * t
        below += w if t < target else 0.0
        short += w * max(0.0, target - t)
    mean = m1 / z
    return mean, math.sqrt(m2 / z - mean * mean), below / z, short / z


CASES = {
    "no answers": [],
    "all right, mixed items": [Observation(ItemParams(1, -0.75, 0.25), 1), Observation(ItemParams(1, 0.75, 0), 1),
                               Observation(ItemParams(1, 1.5, 0.5), 1)],
    "all wrong": [Observation(ItemParams(1, -1.5, 0), 0), Observation(ItemParams(1, 0, 0.25), 0)],
    "mixed with partial credit": [Observation(ItemParams(1, 0, 0.2), 1), Observation(ItemParams(1.4, 0.75, 0), 0),
                                  Observation(ItemParams(0.8, -0.75, 1 / 3), 0.5)],
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("target", [-0.75, 0.0, 0.4])
def test_posterior_matches_brute_force(name, target):
    obs = CASES[name]
    mean, sd, p_gap, shortfall = brute_force(obs, target)
    est = estimate(obs, target)
    assert est.theta == pytest.approx(mean, abs=2e-3)
    assert est.sd == pytest.approx(sd, abs=2e-3)
    assert est.p_gap == pytest.approx(p_gap, abs=2e-3)
    assert est.shortfall == pytest.approx(shortfall, abs=2e-3)
    assert est.n_items == len(obs)


def test_prior_alone_gives_standard_normal():
    est = estimate([], 0.0)
    assert est.theta == pytest.approx(0.0, abs=1e-6)
    assert est.sd == pytest.approx(1.0, abs=1e-3)
    assert est.p_gap == pytest.approx(0.5, abs=1e-3)


def test_right_answers_raise_and_wrong_answers_lower_the_estimate():
    item = ItemParams(1, 0, 0.25)
    assert estimate([Observation(item, 1)], 0).theta > 0 > estimate([Observation(item, 0)], 0).theta


def test_guessing_makes_a_right_answer_weaker_evidence():
    free = estimate([Observation(ItemParams(1, 0, 0.0), 1)], 0)
    guessable = estimate([Observation(ItemParams(1, 0, 0.25), 1)], 0)
    assert free.theta > guessable.theta


def test_3pl_formula():
    item = ItemParams(a=1.3, b=0.5, c=0.2)
    expected = 0.2 + 0.8 / (1 + math.exp(-1.3 * (1.1 - 0.5)))
    assert float(p_correct(1.1, item)) == pytest.approx(expected)


def test_day_one_parameters():
    # a = 1, b from the label, c = 0.8 x chance (MEASUREMENT.md 5.1: "a little below 1/k")
    # (the guessing floors of each question type: tests/unit/test_questiontypes.py)
    assert item_params(3, 0.25) == ItemParams(1.0, 0.0, pytest.approx(0.2))   # single choice, 4 options
    assert item_params(1, 0.5) == ItemParams(1.0, -1.5, pytest.approx(0.4))   # true or false
    assert item_params(5) == ItemParams(1.0, 1.5, 0.0)                         # free entry
    assert item_params(2, 0.5, a=2.0) == ItemParams(2.0, -0.75, pytest.approx(0.4))
    assert [DIFFICULTY_B[d] for d in range(1, 6)] == [-1.5, -0.75, 0.0, 0.75, 1.5]


def test_target_shifts_by_logit_of_mastery():
    assert target_theta(3) == 0.0
    assert target_theta(4, 0.67) == pytest.approx(0.75 + math.log(0.67 / 0.33))


# --- edges found by mutation testing (docs/mutation.md) -----------------------------------------

def test_target_shift_is_divided_by_the_discrimination():
    assert target_theta(4, 0.67, a=2.0) == pytest.approx(0.75 + math.log(0.67 / 0.33) / 2.0)


def test_posterior_defaults_to_a_standard_normal_prior():
    weights = posterior([])
    mean = float(weights @ GRID)
    assert mean == pytest.approx(0.0, abs=1e-9)
    assert float(weights @ (GRID - mean) ** 2) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("prior_mean, prior_sd", [(0.5, 0.5), (-1.0, 0.8)])
def test_the_prior_mean_and_sd_are_honoured(prior_mean, prior_sd):
    e = estimate([], 0.0, prior_mean=prior_mean, prior_sd=prior_sd)
    assert (e.theta, e.sd) == (pytest.approx(prior_mean, abs=1e-5), pytest.approx(prior_sd, abs=1e-3))
    assert e.target == 0.0 and e.n_items == 0


def test_posterior_on_a_caller_grid_matches_brute_force():
    grid = np.linspace(-6.0, 6.0, 241)
    observations = CASES["mixed with partial credit"]
    weights = posterior(observations, grid=grid)
    mean, sd, _, _ = brute_force(observations, 0.0, lo=-6.0, hi=6.0)
    assert weights.shape == grid.shape
    assert float(weights @ grid) == pytest.approx(mean, abs=1e-3)


def test_a_long_history_of_answers_gives_a_finite_estimate():
    """600 answers put the log-likelihood far below exp's range: the posterior must be normalised from its peak."""
    observations = [Observation(ItemParams(1, 0, 0), k % 2) for k in range(600)]
    e = estimate(observations, 0.0)
    assert math.isfinite(e.theta) and e.theta == pytest.approx(0.0, abs=0.05) and e.sd < 0.15


@pytest.mark.parametrize("credit", [0, 1])
def test_an_answer_the_model_calls_certain_leaves_a_finite_posterior(credit):
    """A steep item (a = 10) at the grid's edge has P = 1.0 or 0.0 in floating point; the log must stay finite."""
    item = ItemParams(10.0, -4.0 if credit == 0 else 4.0, 0.0)
    with np.errstate(all="raise"):
        e = estimate([Observation(item, credit)], 0.0)
    assert math.isfinite(e.theta) and math.isfinite(e.sd)


# --- survivors of the scoring mutation run (docs/mutation.md) -------------------------------------------------

@pytest.mark.parametrize("grid", [None, np.linspace(-4.0, 4.0, 81)])
def test_probability_below_spreads_each_point_over_its_own_cell(grid):
    """A point mass at a grid point is uniform over the cell of one grid step around it: a cut a quarter
    step above the point has 3/4 of it below."""
    from quizapp.scoring.ability import GRID, probability_below

    grid = GRID if grid is None else grid
    step, k = float(grid[1] - grid[0]), len(grid) // 2
    point = np.zeros_like(grid)
    point[k] = 1.0
    assert probability_below(point, float(grid[k]) + step / 4, grid) == pytest.approx(0.75, abs=1e-12)
    assert probability_below(point, float(grid[k]) - step / 4, grid) == pytest.approx(0.25, abs=1e-12)


def test_eap_by_person_is_estimate_per_person(monkeypatch):
    """The batch EAP behind `quizapp calibrate`'s correlation gives each person what `estimate` gives
    them from an Observation per answer: partial credit, "I don't know" (no floor) and an item answered
    twice included, persons in any order and across blocks."""
    from quizapp.scoring import ability

    monkeypatch.setattr(ability, "EAP_BLOCK", 3)
    rng = np.random.default_rng(4)
    items = [ItemParams(a, b, c) for a, b, c in [(1.0, -1.5, 0.2), (0.6, 0.0, 0.0), (2.0, 0.75, 0.5), (1.3, 1.5, 0.25)]]
    person = rng.integers(100, 111, 60)
    item = rng.integers(0, len(items), 60)
    credit = rng.choice([0.0, 1.0, 0.5, 1 / 3], 60)
    guessing = rng.random(60) < 0.8
    credit[~guessing] = 0.0
    persons, theta, sd = ability.eap_by_person(person, item, credit, guessing, items)
    assert persons.tolist() == sorted(set(person.tolist()))
    for k, who in enumerate(persons):
        mine = person == who
        e = estimate([Observation(items[j], x, guessing=g) for j, x, g in zip(item[mine], credit[mine], guessing[mine],
                                                                             strict=True)], 0.0)
        assert (theta[k], sd[k]) == pytest.approx((e.theta, e.sd), abs=1e-12)
    empty = ability.eap_by_person(np.array([], dtype=int), np.array([], dtype=int), np.array([]), np.array([], dtype=bool), items)
    assert [a.size for a in empty] == [0, 0, 0]


def test_eap_by_person_computes_a_shared_response_pattern_once_and_gives_it_to_each_person(monkeypatch):
    """300 persons with one or two answers on three items share few patterns: each still gets exactly
    what `estimate` gives them, and the posterior grid is built once per pattern, not per person."""
    from quizapp.scoring import ability

    rng = np.random.default_rng(7)
    items = [ItemParams(1.0, -0.75, 0.2), ItemParams(1.4, 0.5, 0.0), ItemParams(0.8, 1.5, 0.25)]
    person = np.repeat(np.arange(300), rng.integers(1, 3, 300))
    item = rng.integers(0, 3, person.size)
    credit = rng.choice([0.0, 1.0], person.size)
    guessing = rng.random(person.size) < 0.9
    credit[~guessing] = 0.0
    cells = []                               # the right and wrong matrices' cells: rows × 2 columns per item
    real_bincount = np.bincount

    def spy(values, weights=None, minlength=0):
        if weights is not None:
            cells.append(minlength)
        return real_bincount(values, weights=weights, minlength=minlength)

    monkeypatch.setattr(ability.np, "bincount", spy)
    persons, theta, sd = ability.eap_by_person(person, item, credit, guessing, items)
    monkeypatch.undo()
    patterns = {tuple(sorted(zip(2 * item[person == p] + guessing[person == p], credit[person == p], strict=True)))
                for p in range(300)}
    assert len(patterns) < 100 and sum(cells) == 2 * len(patterns) * 2 * len(items)
    for k, who in enumerate(persons):
        mine = person == who
        e = estimate([Observation(items[j], x, guessing=g) for j, x, g in zip(item[mine], credit[mine], guessing[mine],
                                                                             strict=True)], 0.0)
        assert (theta[k], sd[k]) == pytest.approx((e.theta, e.sd), abs=1e-12)
