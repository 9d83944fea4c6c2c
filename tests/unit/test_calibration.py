"""3PL calibration (fixed guessing, priors on log a and b) checked on simulated data with known truth,
and against a brute-force penalised marginal likelihood written independently here."""
import math
import time
import warnings

import numpy as np
import pytest

from quizapp.scoring import calibration
from quizapp.scoring.calibration import (
    DRIFT,
    INFIT_HIGH,
    INFIT_LOW,
    LOW_A,
    CalibrationItem,
    ItemFit,
    _misfit_reasons,
    fit_3pl,
)

LABEL_B = np.array([-1.5, -0.75, 0.0, 0.75, 1.5])


def simulate(seed, n_items=40, n_persons=1000, density=0.5, c=0.25, reversed_items=(), partial=False):
    """Items with b = label + N(0, .5²), a = exp(N(0, .3²)); each person answers a random share of them.

    A reversed item has its slope negated: strong learners tend to answer it wrong.
    With ``partial``, the credit is the mean of two independent tries (0, .5 or 1), so E[credit] = P.
    """
    rng = np.random.default_rng(seed)
    labels = LABEL_B[rng.integers(0, 5, n_items)]
    b = labels + rng.normal(0.0, 0.5, n_items)
    a = np.exp(rng.normal(0.0, 0.3, n_items))
    slope = a.copy()
    slope[list(reversed_items)] *= -1
    theta = rng.normal(0.0, 1.0, n_persons)
    p = c + (1 - c) / (1 + np.exp(-slope * (theta[:, None] - b)))
    x = (rng.random((n_persons, n_items)) < p).astype(float)
    if partial:
        x = (x + (rng.random((n_persons, n_items)) < p)) / 2
    seen = rng.random((n_persons, n_items)) < density
    persons, js = np.nonzero(seen)
    responses = [(int(i), 1000 + int(j), float(x[i, j])) for i, j in zip(persons, js, strict=True)]
    items = [CalibrationItem(1000 + j, c, float(labels[j])) for j in range(n_items)]
    return items, responses, a, b, labels


def rmse(u, v):
    return float(np.sqrt(np.mean((np.asarray(u) - np.asarray(v)) ** 2)))


@pytest.mark.parametrize("c", [0.25, 0.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_recovers_parameters_better_than_the_labels(seed, c):
    items, responses, a_true, b_true, labels = simulate(seed, c=c)
    start = time.perf_counter()
    fits = fit_3pl(items, responses)
    elapsed = time.perf_counter() - start

    assert [f.key for f in fits] == [it.key for it in items]
    assert all(isinstance(f, ItemFit) and f.c == c for f in fits)
    counts = np.bincount([k - 1000 for _, k, _ in responses], minlength=40)
    assert [f.n for f in fits] == counts.tolist()
    b_hat = np.array([f.b for f in fits])
    a_hat = np.array([f.a for f in fits])
    assert np.corrcoef(b_hat, b_true)[0, 1] >= 0.9
    assert rmse(b_hat, b_true) < 0.6 * rmse(labels, b_true)     # measured: 0.13-0.24 vs 0.46-0.49
    assert np.corrcoef(a_hat, a_true)[0, 1] > 0.4                # measured: 0.60-0.94
    assert elapsed < 20.0                                        # measured: about 0.5 s
    # Standard errors are honest to within a factor of about 2, and the items that fit are not flagged.
    se = np.array([f.se_b for f in fits])
    assert np.all((se > 0.05) & (se < 0.5))
    assert 0.5 < rmse((b_hat - b_true) / se, 0.0) < 2.0
    assert sum(f.misfit for f in fits) <= 2
    for f in fits:
        assert f.misfit == bool(f.reasons)
        assert 0.7 <= f.infit <= 1.3 and f.point_biserial > 0


def test_benchmark_size_runs_in_seconds():
    """2,000 persons × 240 items at 25 % density (about 120,000 responses)."""
    items, responses, _, b_true, labels = simulate(3, n_items=240, n_persons=2000, density=0.25)
    start = time.perf_counter()
    fits = fit_3pl(items, responses)
    elapsed = time.perf_counter() - start
    b_hat = [f.b for f in fits]
    assert np.corrcoef(b_hat, b_true)[0, 1] >= 0.95
    assert rmse(b_hat, b_true) < rmse(labels, b_true)
    assert elapsed < 30.0                                        # measured: 1-3 s on 2 busy cores


def test_priors_can_be_switched_off():
    items, responses, _, b_true, labels = simulate(12, n_items=20, density=1.0)
    fits = fit_3pl(items, responses, a_prior_sd=math.inf, b_prior_sd=math.inf)
    b_hat = [f.b for f in fits]
    assert np.corrcoef(b_hat, b_true)[0, 1] >= 0.9
    assert rmse(b_hat, b_true) < rmse(labels, b_true)


def test_partial_credit_enters_as_fractional_successes():
    items, responses, _, b_true, labels = simulate(4, c=0.0, partial=True)
    assert any(0 < x < 1 for _, _, x in responses)
    fits = fit_3pl(items, responses)
    b_hat = [f.b for f in fits]
    assert np.corrcoef(b_hat, b_true)[0, 1] >= 0.9
    assert rmse(b_hat, b_true) < rmse(labels, b_true)
    # Fractional credit has less variance than P(1-P): no "too deterministic" flags for it.
    assert not any("deterministic" in r for f in fits for r in f.reasons)


@pytest.mark.parametrize("c", [0.25, 0.0])
def test_reversed_key_is_flagged(c):
    items, responses, _, _, _ = simulate(5, c=c, reversed_items=(3, 17))
    fits = fit_3pl(items, responses)
    for j in (3, 17):
        assert fits[j].misfit
        assert fits[j].point_biserial < 0
        assert any("point-biserial" in r for r in fits[j].reasons)
    others = [f for j, f in enumerate(fits) if j not in (3, 17)]
    assert sum(f.misfit for f in others) <= 2


def test_item_answered_at_random_is_flagged_low_discrimination():
    items, responses, _, _, _ = simulate(6, c=0.0)
    rng = np.random.default_rng(60)
    key = items[0].key
    responses = [(p, k, float(rng.random() < 0.5) if k == key else x) for p, k, x in responses]
    fit = fit_3pl(items, responses)[0]
    assert fit.misfit and fit.a < calibration.LOW_A
    assert any("low discrimination" in r for r in fit.reasons)


def test_few_responses_shrink_towards_the_prior():
    items, responses, _, b_true, labels = simulate(7, n_persons=20, density=0.5)   # about 10 answers per item
    fits = fit_3pl(items, responses)
    assert max(f.n for f in fits) <= 20
    shift = np.array([abs(f.b - it.b_prior) for f, it in zip(fits, items, strict=True)])
    assert shift.max() < 1.0
    assert shift.mean() < 0.7 * np.mean(np.abs(b_true - labels))   # measured: 0.20 vs 0.36
    assert all(0.5 < f.a < 2.0 for f in fits)
    assert all(0.3 < f.se_b < 0.6 for f in fits)               # the posterior SD stays near the prior's 0.5
    assert not any(f.misfit for f in fits)
    assert all(f.infit is None and f.point_biserial is None for f in fits)  # too few for fit statistics
    # A tighter prior on b pulls harder.
    tight = fit_3pl(items, responses, b_prior_sd=0.1)
    assert np.mean([abs(f.b - it.b_prior) for f, it in zip(tight, items, strict=True)]) < 0.2 * shift.mean()


def test_deterministic_and_independent_of_response_order():
    items, responses, _, _, _ = simulate(8, n_items=12, n_persons=300)
    first = fit_3pl(items, responses)
    assert fit_3pl(items, responses) == first
    shuffled = [responses[i] for i in np.random.default_rng(1).permutation(len(responses))]
    again = fit_3pl(items, shuffled)
    for f, g in zip(first, again, strict=True):
        assert (f.key, f.n, f.misfit, f.reasons) == (g.key, g.n, g.misfit, g.reasons)
        assert f.a == pytest.approx(g.a, abs=1e-9) and f.b == pytest.approx(g.b, abs=1e-9)


def test_blocked_processing_matches_one_block(monkeypatch):
    items, responses, _, _, _ = simulate(9, n_items=10, n_persons=250)
    whole = fit_3pl(items, responses)
    monkeypatch.setattr(calibration._Patterns, "BLOCK_ENTRIES", 64)   # 6 patterns per block, rebuilt each time
    monkeypatch.setattr(calibration._Patterns, "CACHE_ENTRIES", 0)
    blocked = fit_3pl(items, responses)
    for f, g in zip(whole, blocked, strict=True):
        assert (f.n, f.misfit) == (g.n, g.misfit)
        for name in ("a", "b", "se_b", "infit", "point_biserial"):
            assert getattr(f, name) == pytest.approx(getattr(g, name), abs=1e-7)


def test_item_nobody_answered_keeps_its_prior():
    items, responses, _, _, _ = simulate(10, n_items=6, n_persons=200)
    extra = CalibrationItem(key=77, c=0.5, b_prior=0.75)
    fits = fit_3pl([*items, extra], responses)
    assert fits[-1] == ItemFit(77, 1.0, 0.75, 0.5, 0, None, False, ())
    assert all(f.n > 0 for f in fits[:-1])


def test_empty_and_degenerate_inputs():
    items = [CalibrationItem(1, 0.25, -0.75), CalibrationItem(2, 0.0, 1.5)]
    assert fit_3pl([], []) == []
    assert fit_3pl([], [(1, 1, 1.0)]) == []
    prior_only = [ItemFit(1, 1.0, -0.75, 0.25, 0, None, False, ()), ItemFit(2, 1.0, 1.5, 0.0, 0, None, False, ())]
    assert fit_3pl(items, []) == prior_only
    assert fit_3pl(items, [(1, 99, 1.0), (2, 98, 0.0)]) == prior_only     # unknown keys are ignored
    # One response; one person; everybody right; everybody wrong: finite answers, no warnings.
    for responses in ([(1, 1, 1.0)],
                      [(1, 1, 1.0), (1, 2, 0.0)],
                      [(p, 1, 1.0) for p in range(50)] + [(p, 2, 0.0) for p in range(50)]):
        fits = fit_3pl(items, responses)
        for f in fits:
            assert calibration.A_MIN <= f.a <= calibration.A_MAX
            assert calibration.B_MIN <= f.b <= calibration.B_MAX
            assert f.se_b is None or math.isfinite(f.se_b)
    everyone_right, everyone_wrong = fit_3pl(items, responses)
    assert everyone_right.b < -0.75 and everyone_wrong.b > 1.5


def test_duplicate_answers_both_count():
    items = [CalibrationItem(1, 0.0, 0.0), CalibrationItem(2, 0.0, 0.0)]
    responses = [(p, 1, float(p % 2)) for p in range(40)] + [(p, 2, float(p % 3 == 0)) for p in range(40)]
    fits = fit_3pl(items, responses + [(0, 1, 1.0)])
    assert [f.n for f in fits] == [41, 40]


@pytest.mark.parametrize("bad, message", [
    (dict(responses=[(1, 1, 1.5)]), "not in \\[0, 1\\]"),
    (dict(responses=[(1, 1, float("nan"))]), "not in \\[0, 1\\]"),
    (dict(items=[CalibrationItem(1, 0.25, 0.0), CalibrationItem(1, 0.25, 0.0)]), "listed twice"),
    (dict(items=[CalibrationItem(1, 1.0, 0.0)]), "guessing floor"),
    (dict(items=[CalibrationItem(1, 0.25, float("nan"))]), "not finite"),
    (dict(a_prior_sd=0.0), "a_prior_sd"),
    (dict(b_prior_sd=-1.0), "b_prior_sd"),
    (dict(quadrature=3), "quadrature"),
])
def test_rejects_bad_input(bad, message):
    args = dict(items=[CalibrationItem(1, 0.25, 0.0)], responses=[(1, 1, 1.0)]) | bad
    items, responses = args.pop("items"), args.pop("responses")
    with pytest.raises(ValueError, match=message):
        fit_3pl(items, responses, **args)


# --- against a brute-force penalised marginal likelihood ---------------------------------------------------

NODES = np.linspace(-5.0, 5.0, 41)          # the documented quadrature: 41 equally spaced nodes on [-5, 5]
WEIGHTS = np.exp(-0.5 * NODES ** 2) / np.exp(-0.5 * NODES ** 2).sum()


def penalised_marginal(params, items, responses, a_sd=0.5, b_sd=0.5):
    """sum over persons of log ∫ prod P^x (1-P)^(1-x) dN(0,1), plus log priors on log a and b; plain loops."""
    by_person = {}
    for person, key, x in responses:
        by_person.setdefault(person, []).append((key, x))
    index = {it.key: j for j, it in enumerate(items)}
    total = 0.0
    for answers in by_person.values():
        like = np.ones_like(NODES)
        for key, x in answers:
            it = items[index[key]]
            log_a, b = params[2 * index[key]], params[2 * index[key] + 1]
            p = it.c + (1 - it.c) / (1 + np.exp(-math.exp(log_a) * (NODES - b)))
            like = like * p ** x * (1 - p) ** (1 - x)
        total += math.log(float(np.sum(WEIGHTS * like)))
    for j, it in enumerate(items):
        total -= 0.5 * (params[2 * j] / a_sd) ** 2 + 0.5 * ((params[2 * j + 1] - it.b_prior) / b_sd) ** 2
    return total


def test_fit_is_a_stationary_point_and_se_matches_the_numerical_hessian():
    items, responses, _, _, _ = simulate(11, n_items=5, n_persons=150, density=0.7, c=0.2)
    responses[0] = (responses[0][0], responses[0][1], 0.5)     # one partial credit
    fits = fit_3pl(items, responses, tol=1e-9, max_iter=5000)
    params = np.ravel([[math.log(f.a), f.b] for f in fits])
    assert all(calibration.A_MIN < f.a < calibration.A_MAX and abs(f.b) < calibration.B_MAX for f in fits)

    def f(v):
        return penalised_marginal(v, items, responses)

    h = 1e-4
    eye = np.eye(params.size)
    grad = np.array([(f(params + h * e) - f(params - h * e)) / (2 * h) for e in eye])
    assert np.max(np.abs(grad)) < 1e-3

    h = 1e-3
    for j, fit in enumerate(fits):
        block = np.empty((2, 2))
        for u in range(2):
            for v in range(2):
                eu, ev = eye[2 * j + u] * h, eye[2 * j + v] * h
                block[u, v] = (f(params + eu + ev) - f(params + eu - ev) - f(params - eu + ev)
                               + f(params - eu - ev)) / (4 * h * h)
        se_block = math.sqrt(np.linalg.inv(-block)[1, 1])
        assert fit.se_b == pytest.approx(se_block, rel=1e-3)


# --- small fits that say exactly why an item is flagged (fast enough for `make mutation`) -----------------

def test_a_reversed_key_gets_each_reason_in_order_on_a_small_sample():
    items, responses, _, _, _ = simulate(5, n_items=8, n_persons=300, density=1.0, c=0.0, reversed_items=(3,))
    fits = fit_3pl(items, responses)
    bad = fits[3]
    assert bad.misfit and bad.a < calibration.LOW_A and bad.point_biserial < 0
    assert bad.reasons == (
        f"low discrimination: a = {bad.a:.2f} < 0.4",
        f"difficulty far from its label: b = {bad.b:.2f} vs label {items[3].b_prior:.2f}",
        f"negative point-biserial: r = {bad.point_biserial:.2f} (stronger learners do worse)",
    )
    assert abs(bad.b - items[3].b_prior) > calibration.DRIFT
    for j, fit in enumerate(fits):
        if j != 3:
            assert (fit.misfit, fit.reasons) == (False, ()), fit
            assert calibration.INFIT_LOW <= fit.infit <= calibration.INFIT_HIGH and fit.point_biserial > 0
            assert abs(fit.b - items[j].b_prior) <= calibration.DRIFT and fit.a >= calibration.LOW_A


def guttman_and_drifted(seed=3, n_persons=300):
    """Item 1 is right exactly when theta > 0 (too deterministic); item 4 is labelled easy (-1.5) but sits at b = 2."""
    rng = np.random.default_rng(seed)
    items = [CalibrationItem(1, 0.0, 0.0), CalibrationItem(2, 0.0, 0.0), CalibrationItem(3, 0.0, 0.0),
             CalibrationItem(4, 0.0, -1.5)]
    responses = []
    for person, theta in enumerate(rng.normal(size=n_persons)):
        responses.append((person, 1, float(theta > 0)))
        for key in (2, 3):
            responses.append((person, key, float(rng.random() < 1 / (1 + np.exp(-theta)))))
        responses.append((person, 4, float(rng.random() < 1 / (1 + np.exp(-(theta - 2.0))))))
    return items, responses


def test_a_too_deterministic_item_and_a_drifted_label_are_flagged():
    items, responses = guttman_and_drifted()
    guttman, plain_2, plain_3, drifted = fit_3pl(items, responses)
    assert guttman.infit < calibration.INFIT_LOW and guttman.a > 2.0
    assert guttman.reasons == (f"too deterministic: infit mean-square {guttman.infit:.2f} < 0.7",) and guttman.misfit
    assert drifted.b > 0.5 and drifted.reasons == (f"difficulty far from its label: b = {drifted.b:.2f} vs label -1.50",)
    assert (plain_2.misfit, plain_3.misfit) == (False, False)
    assert [f.n for f in (guttman, plain_2, plain_3, drifted)] == [300] * 4


def test_fractional_credit_is_never_called_too_deterministic():
    items, responses = guttman_and_drifted()
    halved = [(p, k, x / 2 + 0.25 if k == 1 else x) for p, k, x in responses]     # 0.25 or 0.75 for item 1
    guttman = fit_3pl(items, halved)[0]
    assert guttman.infit < calibration.INFIT_LOW
    assert not any("deterministic" in r for r in guttman.reasons)


@pytest.mark.parametrize("kwargs, message", [
    (dict(a_prior_sd=0.0), "a_prior_sd must be positive (math.inf switches the prior off), got 0.0"),
    (dict(b_prior_sd=-1.0), "b_prior_sd must be positive (math.inf switches the prior off), got -1.0"),
    (dict(quadrature=4), "quadrature needs at least 5 nodes, got 4"),
    (dict(max_iter=-1), "max_iter must be >= 0 and tol > 0"),
    (dict(tol=0.0), "max_iter must be >= 0 and tol > 0"),
])
def test_bad_settings_are_refused_with_a_message(kwargs, message):
    with pytest.raises(ValueError) as caught:
        fit_3pl([CalibrationItem(1, 0.25, 0.0)], [(1, 1, 1.0)], **kwargs)
    assert str(caught.value) == message


def test_the_smallest_allowed_settings_are_accepted():
    items = [CalibrationItem(1, 0.0, 0.0), CalibrationItem(2, 0.0, 0.5)]
    responses = [(p, k, float((p + k) % 3 == 0)) for p in range(30) for k in (1, 2)]
    assert len(fit_3pl(items, responses, quadrature=5)) == 2
    untouched = fit_3pl(items, responses, max_iter=0)                  # no EM step: the starting values
    assert [(f.a, f.b) for f in untouched] == [(1.0, 0.0), (1.0, 0.5)]


@pytest.mark.parametrize("x, y", [
    ([0.0, 1.0], [2.0, 3.0]),
    ([1.0, 0.0, 1.0, 0.5], [10.2, 9.1, 11.5, 10.0]),
    ([3.0, 5.0, 4.0, 9.0, 7.0], [0.3, 0.1, 0.25, 0.05, 0.2]),
])
def test_point_biserial_helper_is_pearsons_r(x, y):
    r = calibration._pearson(np.array(x), np.array(y))
    assert r == pytest.approx(float(np.corrcoef(x, y)[0, 1]), abs=1e-12)


def test_point_biserial_helper_has_no_answer_without_spread():
    assert calibration._pearson(np.array([1.0]), np.array([2.0])) is None
    assert calibration._pearson(np.array([1.0, 1.0, 1.0]), np.array([0.1, 0.2, 0.3])) is None
    assert calibration._pearson(np.array([0.1, 0.2, 0.3]), np.array([1.0, 1.0, 1.0])) is None


# --- survivors of the scoring mutation run: the diagnostics against hand computations ---------------------

def clamped_and_duplicated(n_persons=30):
    """Exactly MIN_FIT_RESPONSES persons. Item 1 is plain with guessing, 2 has a reversed key (a goes to its
    bound 0.2 with the priors off), 3 everyone gets right (b goes to -4), 4 nobody gets right (b goes to 4),
    5 is answered twice by the first 20 persons (40 responses in 20 pairs), 6 is plain, but on these 30 persons
    its a goes to its bound 4."""
    rng = np.random.default_rng(8)
    items = [CalibrationItem(1, 0.2, 0.0), CalibrationItem(2, 0.0, 0.0), CalibrationItem(3, 0.0, 0.0),
             CalibrationItem(4, 0.0, 0.0), CalibrationItem(5, 0.25, 0.5), CalibrationItem(6, 0.0, -0.5)]
    responses = []
    for person, theta in enumerate(rng.normal(size=n_persons)):
        responses.append((person, 1, float(rng.random() < 0.2 + 0.8 / (1 + np.exp(-1.2 * theta)))))
        responses.append((person, 2, float(rng.random() < 1 / (1 + np.exp(1.5 * theta)))))
        responses.append((person, 3, 1.0))
        responses.append((person, 4, 0.0))
        if person < 20:
            responses.append((person, 5, 1.0 if theta > 0 else 0.0))
            responses.append((person, 5, 0.5))
        responses.append((person, 6, float(rng.random() < 1 / (1 + np.exp(-(theta + 0.5))))))
    return items, responses


def by_hand(items, responses, fits):
    """Each person's log posterior on the nodes, with and without each item, from the fitted curves."""
    index = {it.key: j for j, it in enumerate(items)}

    def log_like(key, x):
        f = fits[index[key]]
        p = f.c + (1 - f.c) / (1 + np.exp(-f.a * (NODES - f.b)))
        return x * np.log(p) + (1 - x) * np.log1p(-p)

    def mean(log_post):
        w = np.exp(log_post - log_post.max())
        return float(w @ NODES / w.sum())

    by_person = {}
    for person, key, x in responses:
        by_person.setdefault(person, []).append((key, x))
    eap = {person: mean(np.log(WEIGHTS) + sum(log_like(k, x) for k, x in answers))
           for person, answers in by_person.items()}
    rest = {(person, key): (np.mean([x for k, x in answers if k == key]),
                            mean(np.log(WEIGHTS) + sum(log_like(k, x) for k, x in answers if k != key)))
            for person, answers in by_person.items() for key in {k for k, _ in answers}
            if any(k != key for k, _ in answers)}
    return eap, rest


def test_infit_is_the_information_weighted_mean_square_at_each_eap():
    items, responses = clamped_and_duplicated()
    fits = fit_3pl(items, responses, a_prior_sd=math.inf, b_prior_sd=math.inf)
    eap, _ = by_hand(items, responses, fits)
    for it, fit in zip(items, fits, strict=True):
        mine = [(x, fit.c + (1 - fit.c) / (1 + math.exp(-fit.a * (eap[person] - fit.b))))
                for person, key, x in responses if key == it.key]
        assert fit.n == len(mine)
        expected = sum((x - p) ** 2 for x, p in mine) / sum(p * (1 - p) for _, p in mine)
        assert fit.infit == pytest.approx(expected, rel=1e-9), it      # 30 responses are enough; 40 in 20 pairs too


def test_point_biserial_is_pearsons_r_of_the_mean_credit_and_the_rest_eap():
    items, responses = clamped_and_duplicated()
    fits = fit_3pl(items, responses, a_prior_sd=math.inf, b_prior_sd=math.inf)
    _, rest = by_hand(items, responses, fits)
    for it, fit in zip(items, fits, strict=True):
        pairs = [v for (person, key), v in rest.items() if key == it.key]
        credit, rest_eap = np.array(pairs).T
        if len(pairs) < calibration.MIN_FIT_RESPONSES or credit.min() == credit.max():
            assert fit.point_biserial is None, it                          # item 5: 20 pairs; items 3, 4: no spread
        else:
            assert fit.point_biserial == pytest.approx(float(np.corrcoef(credit, rest_eap)[0, 1]), rel=1e-9), it
    assert [f.point_biserial is None for f in fits] == [False, False, True, True, True, False]


def test_standard_errors_at_the_clamp_bounds():
    """With the priors off: b on its bound has no standard error; a on its bound is taken as known, so
    se_b = 1/sqrt(-d²L/db²); elsewhere the (log a, b) block of the observed information, inverted."""
    items, responses = clamped_and_duplicated()
    fits = fit_3pl(items, responses, a_prior_sd=math.inf, b_prior_sd=math.inf)
    assert fits[1].a == calibration.A_MIN and fits[5].a == calibration.A_MAX          # both a bounds
    assert all(abs(f.b) < 3.0 for f in (fits[0], fits[1], fits[4], fits[5]))
    assert 0.4 < fits[0].a < 0.6 and 0.6 < fits[4].a < 1.0                               # inside the bounds
    assert (fits[2].b, fits[3].b) == (calibration.B_MIN, calibration.B_MAX)
    assert (fits[2].se_b, fits[3].se_b) == (None, None)
    params = np.ravel([[math.log(f.a), f.b] for f in fits])

    def f(v):
        return penalised_marginal(v, items, responses, a_sd=math.inf, b_sd=math.inf)

    h, eye = 1e-3, np.eye(params.size)

    def second(u, v):
        eu, ev = eye[u] * h, eye[v] * h
        return (f(params + eu + ev) - f(params + eu - ev) - f(params - eu + ev) + f(params - eu - ev)) / (4 * h * h)

    for j in (1, 5):
        assert fits[j].se_b == pytest.approx(1.0 / math.sqrt(-second(2 * j + 1, 2 * j + 1)), rel=1e-4), j
    for j in (0, 4):
        block = -np.array([[second(2 * j, 2 * j), second(2 * j, 2 * j + 1)],
                           [second(2 * j + 1, 2 * j), second(2 * j + 1, 2 * j + 1)]])
        assert fits[j].se_b == pytest.approx(math.sqrt(np.linalg.inv(block)[1, 1]), rel=1e-4), j


def test_each_fit_names_its_item_and_answers_after_an_unanswered_or_unknown_one():
    """Fits come back in the order of `items`, each with its key and guessing floor, whatever comes first."""
    items, responses = clamped_and_duplicated()
    nobody = CalibrationItem(99, 0.5, 1.0)
    fits = fit_3pl([nobody, *items], [(0, 12345, 1.0), *responses], a_prior_sd=math.inf, b_prior_sd=math.inf)
    assert [(f.key, f.c) for f in fits] == [(99, 0.5)] + [(it.key, it.c) for it in items]
    assert fits[0] == ItemFit(99, 1.0, 1.0, 0.5, 0, None, False, ())
    for f, g in zip(fits[1:], fit_3pl(items, responses, a_prior_sd=math.inf, b_prior_sd=math.inf), strict=True):
        assert (f.key, f.n, f.reasons) == (g.key, g.n, g.reasons)
        assert (f.a, f.b) == pytest.approx((g.a, g.b), abs=1e-9)


def test_the_fit_is_a_stationary_point_with_a_wider_prior_on_a():
    items, responses, _, _, _ = simulate(12, n_items=3, n_persons=60, density=1.0, c=0.2)
    fits = fit_3pl(items, responses, a_prior_sd=1.0, b_prior_sd=2.0, tol=1e-9, max_iter=5000)
    params = np.ravel([[math.log(f.a), f.b] for f in fits])
    h, eye = 1e-5, np.eye(params.size)
    grad = [(penalised_marginal(params + h * e, items, responses, 1.0, 2.0)
             - penalised_marginal(params - h * e, items, responses, 1.0, 2.0)) / (2 * h) for e in eye]
    assert np.max(np.abs(grad)) < 1e-4


def test_one_fractional_credit_is_enough_to_spare_an_item_the_too_deterministic_flag():
    items, responses = guttman_and_drifted()
    first = next(i for i, (_, key, _) in enumerate(responses) if key == 1)
    responses[first] = (responses[first][0], 1, 0.5)
    guttman = fit_3pl(items, responses)[0]
    assert guttman.infit < calibration.INFIT_LOW and guttman.reasons == ()


def test_the_point_biserial_leaves_out_persons_without_another_answer():
    """Thirty persons answer items 1 and 6 (two items each) and twenty more answer item 1 only: item 1's
    point-biserial uses exactly the thirty with a rest EAP."""
    items, responses = clamped_and_duplicated()
    kept = [r for r in responses if r[1] in (1, 6)] + [(100 + p, 1, float(p % 2)) for p in range(20)]
    fits = fit_3pl(items, kept, a_prior_sd=math.inf, b_prior_sd=math.inf)
    _, rest = by_hand(items, kept, fits)
    credit, rest_eap = np.array([v for (person, key), v in rest.items() if key == 1]).T
    assert credit.size == 30 and fits[0].n == 50
    assert fits[0].point_biserial == pytest.approx(float(np.corrcoef(credit, rest_eap)[0, 1]), rel=1e-9)


def test_point_biserial_helper_gives_exactly_zero_without_correlation():
    assert calibration._pearson(np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.0, 0.0, 1.0, 1.0])) == 0.0


@pytest.mark.parametrize(("kwargs", "expected"), [
    # at each threshold exactly, no flag: the rules are "below", "beyond", "negative", "above"
    ({"a": LOW_A, "b": DRIFT, "pbis": 0.0, "infit": INFIT_HIGH}, []),
    ({"a": LOW_A, "b": -DRIFT, "pbis": 0.0, "infit": INFIT_LOW}, []),
    ({"a": LOW_A - 0.01, "b": 0.0, "pbis": None, "infit": None},
     [f"low discrimination: a = {LOW_A - 0.01:.2f} < {LOW_A}"]),
    ({"a": 1.0, "b": DRIFT + 0.01, "pbis": None, "infit": None},
     [f"difficulty far from its label: b = {DRIFT + 0.01:.2f} vs label 0.00"]),
    ({"a": 1.0, "b": 0.0, "pbis": -0.01, "infit": None},
     ["negative point-biserial: r = -0.01 (stronger learners do worse)"]),
    ({"a": 1.0, "b": 0.0, "pbis": None, "infit": INFIT_HIGH + 0.01},
     [f"noisy responses: infit mean-square {INFIT_HIGH + 0.01:.2f} > {INFIT_HIGH}"]),
    ({"a": 1.0, "b": 0.0, "pbis": None, "infit": INFIT_LOW - 0.01},
     [f"too deterministic: infit mean-square {INFIT_LOW - 0.01:.2f} < {INFIT_LOW}"]),
])
def test_misfit_reasons_at_and_beyond_each_threshold(kwargs, expected):
    assert _misfit_reasons(kwargs["a"], kwargs["b"], 0.0, kwargs["pbis"], kwargs["infit"], False) == expected


def test_partial_credit_items_are_not_called_too_deterministic():
    assert _misfit_reasons(1.0, 0.0, 0.0, None, INFIT_LOW - 0.1, True) == []


# --- edges found by mutation testing (docs/mutation.md) -----------------------------------------

def test_a_learner_with_thousands_of_answers_still_gets_finite_fits():
    """Pins the max-shifts in the E-step and the rest EAP: 2,000 answers put one person's log
    likelihood near -1,400, where exp() under- or overflows unless the maximum is taken out."""
    rng = np.random.default_rng(8)
    items = [CalibrationItem(1, 0.0, 0.0), CalibrationItem(2, 0.25, 0.5)]
    responses = []
    for person, theta in enumerate(rng.normal(size=30)):
        responses.append((person, 1, float(rng.random() < 1 / (1 + np.exp(-theta)))))
        responses.append((person, 2, float(rng.random() < 0.25 + 0.75 / (1 + np.exp(-(theta - 0.5))))))
    responses += [(999, 1, float(i % 2)) for i in range(2000)] + [(999, 2, 1.0)]
    fits = fit_3pl(items, responses)
    assert [f.n for f in fits] == [2030, 31]
    for f in fits:
        assert all(math.isfinite(v) for v in (f.a, f.b, f.se_b, f.infit, f.point_biserial)), f
    _, rest = by_hand(items, responses, fits)
    for it, fit in zip(items, fits, strict=True):
        credit, rest_eap = np.array([v for (_, key), v in rest.items() if key == it.key]).T
        assert fit.point_biserial == pytest.approx(float(np.corrcoef(credit, rest_eap)[0, 1]), rel=1e-9)


def test_the_fit_stops_at_the_first_iteration_that_moves_a_and_b_less_than_tol():
    """Pins the stopping rule: max |a_new - a|, |b_new - b| < tol, measured on a (not log a) and b."""
    items, responses, _, _, _ = simulate(8, n_items=6, n_persons=100)
    previous = fit_3pl(items, responses, max_iter=0, accelerate=False)
    for n in range(1, 50):
        current = fit_3pl(items, responses, max_iter=n, accelerate=False)
        if max(max(abs(f.a - g.a), abs(f.b - g.b)) for f, g in zip(current, previous, strict=True)) < 0.01:
            break
        previous = current
    assert 1 < n < 50
    assert fit_3pl(items, responses, tol=0.01, accelerate=False) == current


def test_items_near_but_not_on_the_b_bounds_keep_their_se_and_infit():
    """Pins the bound test (within 1e-9 of -4 or 4, not 1) and infit's den > 0 (not > 1): b near
    -3.5 and 3.5 with 30 responses each, whose sum of P(1 - P) is below 1 for the easy one."""
    rng = np.random.default_rng(4)
    items = [CalibrationItem(1, 0.0, -3.5), CalibrationItem(2, 0.0, 3.5), CalibrationItem(3, 0.0, 0.0)]
    responses = [(person, it.key, float(rng.random() < 1 / (1 + np.exp(-2 * (theta - it.b_prior)))))
                 for person, theta in enumerate(rng.normal(size=30)) for it in items]
    fits = fit_3pl(items, responses, b_prior_sd=0.1)
    eap, _ = by_hand(items, responses, fits)
    assert -4.0 < fits[0].b < -3.0 and 3.0 < fits[1].b < 4.0
    for it, fit in zip(items, fits, strict=True):
        assert 0.05 < fit.se_b < 0.1, it                       # a posterior SD, within the prior's 0.1
        mine = [(x, 1 / (1 + math.exp(-fit.a * (eap[person] - fit.b)))) for person, key, x in responses if key == it.key]
        assert fit.infit == pytest.approx(sum((x - p) ** 2 for x, p in mine) / sum(p * (1 - p) for _, p in mine),
                                          rel=1e-9), it
    assert sum(p * (1 - p) for p in (1 / (1 + math.exp(-fits[0].a * (eap[person] - fits[0].b)))
                                     for person, key, _ in responses if key == 1)) < 1.0


def test_se_b_is_none_where_the_information_block_is_not_positive_definite():
    """Pins i_aa > 0 and det > 0 before the square root: at the starting values with the prior on
    a off, this item's (log a, b) block is not positive definite, so it has no standard error."""
    credit = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0]
    fits = fit_3pl([CalibrationItem(1, 0.0, -1.8)], [(p, 1, x) for p, x in enumerate(credit)],
                   a_prior_sd=math.inf, b_prior_sd=3.0, max_iter=0)
    assert (fits[0].a, fits[0].b, fits[0].se_b) == (1.0, -1.8, None)


def test_se_b_is_none_where_a_is_on_a_bound_and_i_bb_is_not_positive():
    """Pins i_bb > 0 before 1/sqrt(i_bb) when a sits on a bound: the diagnostics at given values,
    priors off, of two items with c = .5 whose a are on the bounds 4 and 0.2; the second one's
    -d²L/db² is negative at b = 2.4."""
    person = np.array([0, 0, 1, 1, 2, 2, 3, 4])
    item = np.array([0, 1, 0, 1, 0, 1, 0, 0])
    credit = np.array([0.0, 1.0, 1.0, 1.0, 0.5, 1.0, 0.0, 0.0])
    pairs = calibration._Patterns(person, item, credit, 2)
    theta = np.linspace(-5.0, 5.0, 41)
    log_prior = np.log(WEIGHTS)
    log_a = np.array([math.log(calibration.A_MAX), math.log(calibration.A_MIN)])
    se_b, _, _ = calibration._diagnostics(pairs, log_a, np.array([0.0, 2.4]), np.array([0.5, 0.5]), theta,
                                          log_prior, 0.0, 0.0)
    assert se_b[0] == pytest.approx(0.6948, abs=1e-4) and se_b[1] is None


def test_an_unanswered_item_with_the_b_prior_off_gives_no_warning():
    """Pins det > 0 (not >= 0): an unanswered item's information block is all zero but for the
    prior on log a, so its determinant is exactly 0 and must not be divided by."""
    items = [CalibrationItem(1, 0.25, 0.0), CalibrationItem(2, 0.0, 0.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fits = fit_3pl(items, [(p, 1, float(p % 2)) for p in range(6)], b_prior_sd=math.inf)
    assert fits[1] == ItemFit(2, 1.0, 0.0, 0.0, 0, None, False, ())
    assert fits[0].se_b is not None and math.isfinite(fits[0].se_b)


def test_the_point_biserial_takes_the_mean_credit_of_a_pair_answered_twice():
    """Pins x / m: 40 persons answer item 5, 20 of them twice, so the mean credit is not a rescaled sum."""
    items, responses = clamped_and_duplicated(n_persons=40)
    rng = np.random.default_rng(2)
    responses += [(p, 5, float(rng.random() < 0.5)) for p in range(20, 40)]
    fits = fit_3pl(items, responses)
    _, rest = by_hand(items, responses, fits)
    credit, rest_eap = np.array([v for (_, key), v in rest.items() if key == 5]).T
    assert credit.size == 40 and fits[4].n == 60
    assert fits[4].point_biserial == pytest.approx(float(np.corrcoef(credit, rest_eap)[0, 1]), rel=1e-9)


def test_point_biserial_helper_keeps_1e_12_and_clamps_rounding_to_plus_or_minus_one():
    """Pins |r| < 1e-12 (strict; smaller reads 0) and the clamp to [-1, 1]: r is exactly 1e-12 here (x·y = 2e-12,
    sxx = syy = 2), and for y = 0.1 x + 0.3 rounding puts r at ±(1 + 2⁻⁵²) before the clamp."""
    x, y = np.array([0.0, 0.0, -1.0, 1.0]), np.array([1.0, -1.0, -1e-12, 1e-12])
    assert calibration._pearson(x, y) == 1e-12 and calibration._pearson(x, -y) == -1e-12
    tiny = np.array([1.0, -1.0, -1e-13, 1e-13])                                                   # r = ±1e-13
    assert calibration._pearson(x, tiny) == 0.0 and calibration._pearson(x, -tiny) == 0.0
    x = np.array([-0.74, -0.92, -0.46, 0.22, -1.01])
    assert calibration._pearson(x, x * 0.1 + 0.3) == 1.0
    assert calibration._pearson(x, -(x * 0.1 + 0.3)) == -1.0


def test_fit_from_columns_is_fit_from_tuples():
    """fit_3pl_arrays (what `quizapp calibrate` calls, with columns from the database) gives what fit_3pl
    gives from one tuple per response, and refuses what fit_3pl refuses with the same message."""
    from quizapp.scoring.calibration import fit_3pl_arrays

    rng = np.random.default_rng(2)
    items = [CalibrationItem(10 + j, 0.25 * (j % 2), b) for j, b in enumerate((-1.0, 0.0, 0.5, 1.0))]
    person, item = rng.integers(0, 80, 300), rng.integers(0, 4, 300)
    credit = (rng.random(300) < 0.6).astype(float)
    declined = (credit == 0.0) & (rng.random(300) < 0.3)
    tuples = [(p, items[j].key, x, not d) for p, j, x, d in zip(person, item, credit, declined, strict=True)]
    assert fit_3pl_arrays(items, person, item, credit, declined) == fit_3pl(items, tuples)
    assert fit_3pl_arrays(items, person[:0], item[:0], credit[:0]) == fit_3pl(items, [])
    credit[5], declined[7], credit[7] = 1.5, True, 1.0
    for bad, message in ((credit[:6], "person .*: credit 1.5 not in \\[0, 1\\]"),
                         (np.where(np.arange(300) == 5, 0.0, credit)[:8], "\"I don't know\" with credit 1.0")):
        n = bad.size
        with pytest.raises(ValueError, match=message):
            fit_3pl_arrays(items, person[:n], item[:n], bad, declined[:n])


# --- what makes `quizapp calibrate` fast: shared response patterns and SQUAREM ------------------------------

def few_answers_each(seed, n_items=12, n_persons=4000, c=0.2):
    """Like a skill in the app: each person answers one to four of its items, so many share a pattern."""
    rng = np.random.default_rng(seed)
    labels = LABEL_B[rng.integers(0, 5, n_items)]
    b = labels + rng.normal(0.0, 0.4, n_items)
    a = np.exp(rng.normal(0.0, 0.25, n_items))
    responses = []
    for person, theta in enumerate(rng.normal(size=n_persons)):
        for j in rng.choice(n_items, size=rng.integers(1, 5), replace=False):
            p = c + (1 - c) / (1 + np.exp(-a[j] * (theta - b[j])))
            responses.append((person, 100 + int(j), float(rng.random() < p)))
    items = [CalibrationItem(100 + j, c, float(labels[j])) for j in range(n_items)]
    return items, responses, a, b, labels


def test_persons_with_the_same_responses_are_one_weighted_pattern_and_the_fit_is_unchanged(monkeypatch):
    """The fit with shared patterns folded is the fit with every person on their own (the algorithm before
    folding), to 1e-7 (summation order, through the line search): a, b, se(b), infit, point-biserial."""
    items, responses, _, _, _ = few_answers_each(5, n_persons=1500)
    responses += [(p, 100, 0.5) for p in range(0, 1500, 50)]                   # partial credit, a duplicate
    responses = [(p, k, x, not (x == 0.0 and p % 7 == 0)) for p, k, x in responses]   # some "I don't know"
    person = np.array([r[0] for r in responses])
    item = np.array([r[1] - 100 for r in responses])
    credit = np.array([r[2] for r in responses])
    folded = calibration._Patterns(person, item, credit, len(items), np.array([not r[3] for r in responses], float))
    assert folded.n_patterns < 1000 and folded.weight.sum() == 1500                   # 946 patterns
    fits = fit_3pl(items, responses)

    def each_person_alone(owner, kind):
        n = int(owner.max()) + 1
        return np.arange(n), np.arange(n), np.ones(n, dtype=int)

    folded_plain = fit_3pl(items, responses, accelerate=False)   # plain EM: no jump to amplify rounding
    monkeypatch.setattr(calibration, "group_patterns", each_person_alone)
    alone = fit_3pl(items, responses, accelerate=False)
    fits = folded_plain
    for f, g in zip(fits, alone, strict=True):
        assert (f.key, f.n, f.misfit, f.reasons) == (g.key, g.n, g.misfit, g.reasons)
        for name in ("a", "b", "se_b", "infit", "point_biserial"):
            assert getattr(f, name) == pytest.approx(getattr(g, name), rel=1e-7, abs=1e-7), name


def test_squarem_reaches_the_plain_em_maximum_in_far_fewer_e_steps(monkeypatch):
    """Accelerated and plain EM stop by the same rule and end at the same maximum: a and b within .002
    of plain EM run to tol 1e-9 (plain EM stopped at tol 1e-4 is itself up to about .001 off), in under
    half the E-steps; and both recover the generating b better than the labels."""
    items, responses, _, b_true, labels = few_answers_each(6)
    steps = []
    real = calibration._expected_counts
    monkeypatch.setattr(calibration, "_expected_counts", lambda *a: steps.append(1) or real(*a))
    fast = fit_3pl(items, responses)
    fast_steps = len(steps)
    steps.clear()
    plain = fit_3pl(items, responses, accelerate=False)
    plain_steps = len(steps)
    exact = fit_3pl(items, responses, accelerate=False, tol=1e-9, max_iter=5000)
    assert fast_steps < 0.5 * plain_steps                                        # measured: 16 vs 45
    for fit in (fast, plain):
        assert max(abs(f.a - g.a) for f, g in zip(fit, exact, strict=True)) < 2e-3
        assert max(abs(f.b - g.b) for f, g in zip(fit, exact, strict=True)) < 2e-3
        assert max(abs(f.se_b - g.se_b) for f, g in zip(fit, exact, strict=True)) < 1e-3
        assert [f.misfit for f in fit] == [g.misfit for g in exact]
    assert rmse([f.b for f in fast], b_true) < 0.6 * rmse(labels, b_true)


def test_squarem_ends_no_lower_than_plain_em_and_keeps_the_stopping_rule():
    """The penalised likelihood where the accelerated fit stops is at least where plain EM stops (it is
    closer to the maximum), and its last EM step moved no a or b by tol or more."""
    items, responses, _, _, _ = few_answers_each(7, n_persons=1500)
    person = np.array([r[0] for r in responses])
    item = np.array([r[1] - 100 for r in responses])
    credit = np.array([r[2] for r in responses])
    pairs = calibration._Patterns(person, item, credit, len(items))
    c = np.full(len(items), 0.2)
    b0 = np.array([it.b_prior for it in items])
    theta = np.linspace(-5.0, 5.0, 41)
    log_prior = np.log(WEIGHTS)
    moves = []

    def em_step(log_a, b):
        n_q, r_q, log_lik = calibration._expected_counts(pairs, log_a, b, c, theta, log_prior)
        penalised = log_lik - 0.5 * 4.0 * float(log_a @ log_a) - 0.5 * 4.0 * float((b - b0) @ (b - b0))
        new_la, new_b = calibration._m_step(log_a, b, c, theta, n_q, r_q, b0, 4.0, 4.0)
        moves.append(max(np.max(np.abs(np.exp(new_la) - np.exp(log_a))), np.max(np.abs(new_b - b))))
        return new_la, new_b, penalised

    ends = {}
    for accelerate in (True, False):
        moves.clear()
        log_a, b = calibration._em(em_step, np.zeros(len(items)), b0.copy(), 500, 1e-4, accelerate)
        assert moves[-1] < 1e-4 and max(moves) > 1e-2
        ends[accelerate] = em_step(log_a, b)[2]
    assert ends[True] >= ends[False] - 1e-9


def test_a_start_near_the_maximum_saves_e_steps_and_ends_at_the_same_fit(monkeypatch):
    """``start`` (the stored fits in `quizapp calibrate`): from the cold fit's own a and b, EM stops after
    one or two E-steps at the same fit; a start outside the bounds is clamped; None keeps a = 1, b = label."""
    items, responses, _, _, _ = few_answers_each(8, n_persons=1500)
    steps = []
    real = calibration._expected_counts
    monkeypatch.setattr(calibration, "_expected_counts", lambda *a: steps.append(1) or real(*a))
    cold = fit_3pl(items, responses)
    cold_steps = len(steps)
    person, item, credit = (np.array(column) for column in zip(*responses, strict=True))
    steps.clear()
    warm = calibration.fit_3pl_arrays(items, person, item - 100, credit, start=[(f.a, f.b) for f in cold])
    assert len(steps) <= 2 < cold_steps
    for f, g in zip(warm, cold, strict=True):
        assert abs(f.a - g.a) < 1e-3 and abs(f.b - g.b) < 1e-3 and f.misfit == g.misfit
    odd = [(99.0, -9.0), None] + [(f.a, f.b) for f in cold[2:]]
    clamped, kept = calibration.fit_3pl_arrays(items, person, item - 100, credit, start=odd, max_iter=0)[:2]
    assert (clamped.a, clamped.b) == (calibration.A_MAX, calibration.B_MIN)
    assert (kept.a, kept.b) == (1.0, items[1].b_prior)
    with pytest.raises(ValueError, match="one entry per item"):
        calibration.fit_3pl_arrays(items, person, item - 100, credit, start=[(1.0, 0.0)])


def test_the_fit_grows_linearly_with_persons_not_faster():
    """The regression check for `quizapp calibrate`'s speed (bench/README.md): a skill shaped like the
    app's (one to four answers per person) fitted at 3,000 and 12,000 persons. Patterns, E-steps and
    CPU time grow no faster than the persons: 4 × the persons may cost at most 8 × the CPU (linear is
    4 ×, quadratic 16 ×; measured 2.5 ×), and the accelerated EM needs at most 40 E-steps at either size
    (measured 13 and 19; plain EM 34 and 56)."""
    timings, steps = {}, {}
    real = calibration._expected_counts
    for n in (3000, 12000):
        items, responses, _, _, _ = few_answers_each(10, n_items=25, n_persons=n)
        person, item, credit = (np.array(column) for column in zip(*responses, strict=True))
        best = math.inf
        for _ in range(2):
            counted = []
            calibration._expected_counts = lambda *a, counted=counted: counted.append(1) or real(*a)
            try:
                start = time.process_time()
                calibration.fit_3pl_arrays(items, person, item - 100, credit)
                best = min(best, time.process_time() - start)
            finally:
                calibration._expected_counts = real
        timings[n], steps[n] = best, len(counted)
    assert max(steps.values()) <= 40, steps
    assert timings[12000] < 8 * timings[3000] + 0.5, timings
    assert timings[12000] < 30.0, timings                        # measured: 0.5 s of CPU
