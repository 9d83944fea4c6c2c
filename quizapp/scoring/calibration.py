"""Batch calibration of one skill's items: a 3PL with fixed guessing, fitted by MML/EM with priors.

The recipe of MEASUREMENT.md 2.4 and 5.3, in numpy:

model
    P(right | theta) = c + (1 - c) / (1 + exp(-a (theta - b))), the same 3PL as ``ability.py``.
    The guessing floor c is *fixed* at the caller's value (1/k, 0.5 for true/false, 0 for free
    entry); only a and b are estimated.
population
    theta ~ N(0, 1) on a fixed grid of ``quadrature`` equally spaced nodes on [-5, 5]
    (normal weights, normalised). The N(0, 1) population sets the scale, so no item needs anchoring.
priors (MAP, i.e. marginal maximum a posteriori)
    log a ~ N(0, a_prior_sd²): a LogNormal(0, a_prior_sd) prior on a, applied to log a, whose mode
    is a = 1 (the day-one value); b ~ N(b_prior, b_prior_sd²) with b_prior the label's b. Pass
    ``math.inf`` as a prior SD to switch that prior off.
likelihood
    Sparse: only the (person, item) pairs in ``responses`` count; an item a person did not see is
    missing, not wrong. Credit x in [0, 1] enters as x·log P + (1 - x)·log(1 - P), so partial
    credit counts as x right and 1 - x wrong, as in ``ability.log_likelihood``. A person who
    answered the same item twice contributes both responses.
"I don't know"
    A response may carry a fourth element, ``guessing``: False for a declared "I don't know"
    (credit 0), whose likelihood is the 2PL failure 1 - s(theta) with no guessing floor, as in
    ``ability.Observation``. A wrong answer's is 1 - P = (1 - c)(1 - s). With c fixed, the two
    differ by the constant factor 1 - c, which cancels from each person's E-step posterior and has
    no derivative in a or b: the fitted a and b, se(b) and the point-biserial are exactly those of
    the no-guessing model whether such a response is flagged or not. Only the infit, which compares
    a credit with its expected value, differs: a flagged response expects s, not P.
fit (Bock–Aitkin EM)
    E-step: each person's posterior over the nodes; expected counts n_jq (responses of item j at
    node q) and r_jq (credit). M-step: per item, up to ``M_STEPS`` Fisher-scoring steps on
    (log a, b) with the priors, all items at once, with step halving so the penalised objective
    never goes down (a generalised EM, so the penalised marginal likelihood rises every iteration).
    a is clamped to [0.2, 4], b to [-4, 4]. Stops when no a or b moves more than ``tol`` in one
    iteration, or after ``max_iter`` E-steps. Starts from a = 1, b = b_prior, or from ``start`` (the
    stored fits in `quizapp calibrate`). Accelerated by SQUAREM (``_em``; ``accelerate=False`` is the
    plain EM), and computed per response pattern: persons with the same responses share a posterior
    (``_Patterns``, scoring/patterns.py), so sums over persons are weighted sums over patterns.
standard error of b
    From the observed information of the penalised marginal log-likelihood, block of the item's
    own (log a, b), by Louis' formula (E-step expected Hessian minus posterior variance of the
    score) plus the priors' curvature; se_b = sqrt of the (b, b) entry of its inverse. It is a
    posterior SD under the Laplace approximation, so with few responses it tends to b_prior_sd.
    ``None`` when the item has no responses, b sits on a clamp bound, or the block is not positive
    definite. When a sits on a bound, log a is treated as known (se_b = 1/sqrt(I_bb)).

Misfit flags (``ItemFit.misfit`` is true when any applies; ``reasons`` says which, in this order):

- ``a < 0.4`` (``LOW_A``): the item hardly separates weak from strong learners.
- ``|b - b_prior| > 1.5`` (``DRIFT``): the item is far easier or harder than its label says.
- A negative point-biserial: Pearson r between the credit and the person's *rest* EAP (the
  posterior mean of theta from the person's other responses; persons with no other response are
  left out), like a corrected item-total correlation; a duplicate answer counts once, with its
  mean credit. Needs ``MIN_FIT_RESPONSES`` such pairs. This is what catches a reversed key (strong
  learners answer wrong): a is clamped positive, so such an item shows as a negative
  point-biserial, usually with a low a and a b far from its label.
- Infit mean-square (information-weighted, Wright & Masters): sum (x - P)² / sum P(1 - P) with P
  at each person's EAP. Flagged above ``INFIT_HIGH`` = 1.3 (noisy: miskey, a guessing rate the
  model does not expect); below ``INFIT_LOW`` = 0.7 (too deterministic) only when every credit is
  0 or 1, because fractional credit has less variance than P(1 - P) and would read as overfit.
  Needs ``MIN_FIT_RESPONSES`` responses.

Use the fitted a and b only for items with at least ``MIN_RESPONSES_FOR_USE`` responses; the
others keep their labels (MEASUREMENT.md 5.3).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .patterns import group_patterns, row_ids

A_MIN, A_MAX = 0.2, 4.0
B_MIN, B_MAX = -4.0, 4.0
THETA_RANGE = 5.0
M_STEPS = 3                 # Fisher-scoring steps per M-step
MAX_HALVINGS = 10

LOW_A = 0.4
DRIFT = 1.5
INFIT_LOW, INFIT_HIGH = 0.7, 1.3
MIN_FIT_RESPONSES = 30
MIN_RESPONSES_FOR_USE = 50

_LOG_A_MIN, _LOG_A_MAX = math.log(A_MIN), math.log(A_MAX)


@dataclass(frozen=True)
class CalibrationItem:
    key: int                 # question version id
    c: float                 # fixed guessing floor, 0 <= c < 1
    b_prior: float           # the label's b (prior mean of b)


@dataclass(frozen=True)
class ItemFit:
    key: int
    a: float
    b: float
    c: float
    n: int                   # responses used
    se_b: float | None       # approximate standard error (posterior SD) of b; None if unavailable
    misfit: bool             # any of: a < 0.4, |b - b_prior| > 1.5, negative point-biserial, infit out of range
    reasons: tuple[str, ...]  # human-readable reasons for the flag, empty when not flagged
    infit: float | None = None           # infit mean-square; None with < MIN_FIT_RESPONSES responses
    point_biserial: float | None = None  # r(credit, rest EAP); None when too few pairs or no variance


def _check_inputs(items, a_prior_sd, b_prior_sd, quadrature, max_iter, tol):
    seen = set()
    for it in items:
        if it.key in seen:
            raise ValueError(f"item {it.key} is listed twice")
        seen.add(it.key)
        if not (0.0 <= it.c < 1.0):
            raise ValueError(f"item {it.key}: guessing floor {it.c!r} not in [0, 1)")
        if not math.isfinite(it.b_prior):
            raise ValueError(f"item {it.key}: prior b {it.b_prior!r} is not finite")
    for name, sd in (("a_prior_sd", a_prior_sd), ("b_prior_sd", b_prior_sd)):
        if not sd > 0:
            raise ValueError(f"{name} must be positive (math.inf switches the prior off), got {sd!r}")
    if quadrature < 5:
        raise ValueError(f"quadrature needs at least 5 nodes, got {quadrature}")
    if max_iter < 0 or not tol > 0:
        raise ValueError("max_iter must be >= 0 and tol > 0")


def _curves(log_a, b, c, theta):
    """Per item × node: s = logistic(z), P, log P, log(1 - P), with z = a (theta - b); all stable."""
    a = np.exp(log_a)[:, None]
    z = a * (theta[None, :] - b[:, None])
    cc = c[:, None]
    s = 1.0 / (1.0 + np.exp(-z))
    p = cc + (1.0 - cc) * s
    log_1mp = np.log1p(-cc) - np.logaddexp(0.0, z)
    # log P = log(c + (1 - c) s); for c = 0 that is -softplus(-z), exact far below b.
    log_p = np.where(cc > 0.0, np.log(np.maximum(p, 1e-300)), -np.logaddexp(0.0, -z))
    return z, s, p, log_p, log_1mp


def _m_objective(log_a, b, c, theta, n_q, r_q, b0, inv_va, inv_vb):
    """Expected complete-data log-posterior of each item (E-step counts fixed)."""
    _, _, _, log_p, log_1mp = _curves(log_a, b, c, theta)
    ll = np.sum(r_q * log_p + (n_q - r_q) * log_1mp, axis=1)
    return ll - 0.5 * log_a ** 2 * inv_va - 0.5 * (b - b0) ** 2 * inv_vb


def _m_step(log_a, b, c, theta, n_q, r_q, b0, inv_va, inv_vb):
    """A few projected Fisher-scoring steps on (log a, b) per item, never lowering the objective."""
    f_old = _m_objective(log_a, b, c, theta, n_q, r_q, b0, inv_va, inv_vb)
    for _ in range(M_STEPS):
        z, s, p, _, _ = _curves(log_a, b, c, theta)
        a = np.exp(log_a)[:, None]
        ratio = s / p                                   # (dP/dz) / (P (1 - P)) = (1-c) s(1-s) / (P(1-P))
        g = (r_q - n_q * p) * ratio                    # d(expected ll)/dz at each node
        info = n_q * (1.0 - c[:, None]) * s * (1.0 - s) * ratio   # n D² / (P (1 - P))
        grad_la = np.sum(g * z, axis=1) - log_a * inv_va
        grad_b = np.sum(-g * a, axis=1) - (b - b0) * inv_vb
        i_aa = np.sum(info * z * z, axis=1) + inv_va
        i_ab = np.sum(-info * z * a, axis=1)
        i_bb = np.sum(info * a * a, axis=1) + inv_vb
        det = i_aa * i_bb - i_ab * i_ab
        det = np.where(det > 1e-12, det, 1e-12)
        step_la = (i_bb * grad_la - i_ab * grad_b) / det
        step_b = (i_aa * grad_b - i_ab * grad_la) / det
        # Keep a single step modest; the line search below does the rest.
        scale = np.minimum(1.0, 1.0 / np.maximum(np.abs(step_la), np.abs(step_b)).clip(min=1e-300))
        step_la, step_b = step_la * scale, step_b * scale
        accepted = np.zeros(b.shape, dtype=bool)
        new_la, new_b, f_new = log_a.copy(), b.copy(), f_old.copy()
        t = 1.0
        for _ in range(MAX_HALVINGS):
            cand_la = np.clip(log_a + t * step_la, _LOG_A_MIN, _LOG_A_MAX)
            cand_b = np.clip(b + t * step_b, B_MIN, B_MAX)
            f_cand = _m_objective(cand_la, cand_b, c, theta, n_q, r_q, b0, inv_va, inv_vb)
            better = ~accepted & (f_cand >= f_old)
            new_la[better], new_b[better], f_new[better] = cand_la[better], cand_b[better], f_cand[better]
            accepted |= better
            if accepted.all():
                break
            t *= 0.5
        moved = np.maximum(np.abs(new_la - log_a), np.abs(new_b - b))
        log_a, b, f_old = new_la, new_b, f_new
        if moved.max(initial=0.0) < 1e-8:
            break
    return log_a, b


def _pearson(x, y, weight=None):
    """Pearson's r of x and y, each pair counted ``weight`` times (once without); None without spread."""
    weight = np.ones(x.size) if weight is None else weight
    if weight.sum() < 2:
        return None
    dx, dy = x - np.average(x, weights=weight), y - np.average(y, weights=weight)
    wx, wy = weight * dx, weight * dy
    sxx, syy = float(np.dot(wx, dx)), float(np.dot(wy, dy))
    if sxx <= 1e-24 or syy <= 1e-24:
        return None
    r = float(np.dot(wx, dy)) / math.sqrt(sxx * syy)
    return 0.0 if abs(r) < 1e-12 else max(-1.0, min(1.0, r))


class _Patterns:
    """Responses folded into (person, item) pairs, and persons with the same pairs into one weighted pattern.

    Per pair: m = number of responses, x = summed credit, x2 = summed squared credit (duplicates add
    up, which is exactly their joint likelihood), d = "I don't know" responses. Two persons whose
    pairs agree in all of these have the same posterior and the same share in every sum of the fit,
    so they are one *pattern* with ``weight`` 2: with a few answers per skill and attempt, 100,000
    attempts share a few tens of thousands of patterns, and every EM iteration costs per pattern,
    not per person. The pattern pairs are sorted by pattern, then item.

    A block is a run of patterns whose dense patterns × items matrices fit in ``BLOCK_ENTRIES``
    cells. Up to ``CACHE_ENTRIES`` cells in all the matrices are kept between EM iterations; beyond
    that they are rebuilt on demand, so memory stays bounded however many patterns there are.
    """

    BLOCK_ENTRIES = 1 << 20
    CACHE_ENTRIES = 1 << 22     # keep the dense m and x matrices between EM iterations up to this size

    def __init__(self, person_idx, item_idx, credit, n_items, declined=None):
        self.n_items = n_items
        code = person_idx.astype(np.int64) * n_items + item_idx
        uniq, inverse = np.unique(code, return_inverse=True)   # sorted: by person, then item
        inverse = inverse.ravel()
        person = uniq // n_items
        columns = np.column_stack([
            uniq % n_items,
            np.bincount(inverse, minlength=uniq.size),
            np.bincount(inverse, weights=credit, minlength=uniq.size),
            np.bincount(inverse, weights=credit * credit, minlength=uniq.size),
            np.zeros(uniq.size) if declined is None else np.bincount(inverse, weights=declined, minlength=uniq.size),
        ])
        kind, _ = row_ids(columns)             # a pair's (item, m, x, x2, d), numbered
        _, representative, count = group_patterns(person, kind)
        self.weight = count.astype(float)
        self.n_patterns = self.weight.size
        per_person = np.bincount(person)
        start = np.concatenate([[0], np.cumsum(per_person)[:-1]])
        size = per_person[representative]
        rows = np.repeat(start[representative] - np.cumsum(size) + size, size) + np.arange(size.sum())
        pair = columns[rows]                   # the representatives' pairs, pattern after pattern
        self.pattern = np.repeat(np.arange(self.n_patterns), size)   # each pattern pair's pattern
        self.item = pair[:, 0].astype(np.intp)
        self.m, self.x, self.x2, self.d = pair[:, 1], pair[:, 2], pair[:, 3], pair[:, 4]
        self.pair_weight = self.weight[self.pattern]
        self.has_rest = size[self.pattern] > 1          # the pattern has some other item
        per_block = max(1, self.BLOCK_ENTRIES // n_items)
        starts = np.searchsorted(self.pattern, np.arange(0, self.n_patterns, per_block))
        ends = np.append(starts[1:], self.pattern.size)
        self.blocks = [(p0, min(p0 + per_block, self.n_patterns), lo, hi)
                       for p0, lo, hi in zip(range(0, self.n_patterns, per_block), starts, ends)]
        self._cached = (None if self.n_patterns * n_items > self.CACHE_ENTRIES
                        else [self.dense(block, self.m, self.x) for block in self.blocks])

    def counts_and_credit(self):
        """(block, dense m, dense x) for every block."""
        if self._cached is not None:
            return [(block, *mx) for block, mx in zip(self.blocks, self._cached)]
        return ((block, *self.dense(block, self.m, self.x)) for block in self.blocks)

    def dense(self, block, *values):
        p0, p1, lo, hi = block
        cell = (self.pattern[lo:hi] - p0) * self.n_items + self.item[lo:hi]
        size = (p1 - p0) * self.n_items
        return [np.bincount(cell, weights=v[lo:hi], minlength=size).reshape(p1 - p0, self.n_items)
                for v in values]


def _log_posterior(m_blk, x_blk, log_p, log_1mp, log_prior_theta):
    """Normalised log posterior over the nodes for each pattern of a block."""
    log_post = m_blk @ log_1mp + x_blk @ (log_p - log_1mp) + log_prior_theta
    log_post -= log_post.max(axis=1, keepdims=True)
    log_post -= np.log(np.sum(np.exp(log_post), axis=1, keepdims=True))
    return log_post


def _expected_counts(pairs, log_a, b, c, theta, log_prior_theta):
    """E-step: expected responses n_jq and credit r_jq of each item at each node, and the marginal
    log-likelihood of all the responses (what EM raises; the acceleration checks it)."""
    _, _, _, log_p, log_1mp = _curves(log_a, b, c, theta)
    n_q = np.zeros((pairs.n_items, theta.size))
    r_q = np.zeros_like(n_q)
    log_lik = 0.0
    log_odds = log_p - log_1mp
    for (p0, p1, _, _), m_blk, x_blk in pairs.counts_and_credit():
        # _log_posterior, with one exp: the unnormalised posterior, then each row times weight / sum
        post = m_blk @ log_1mp + x_blk @ log_odds + log_prior_theta
        top = post.max(axis=1)
        post -= top[:, None]
        np.exp(post, out=post)
        total = post.sum(axis=1)
        weight = pairs.weight[p0:p1]
        log_lik += float(weight @ (top + np.log(total)))
        post *= (weight / total)[:, None]
        n_q += m_blk.T @ post
        r_q += x_blk.T @ post
    return n_q, r_q, log_lik


def _em(em_step, log_a, b, max_iter, tol, accelerate):
    """EM from (log a, b) until one EM step moves no a or b more than ``tol``, or ``max_iter`` E-steps.

    ``em_step(log_a, b)`` is one E- and M-step: (next log a, next b, penalised log-likelihood at
    the given ones). Plain EM crawls when the responses say little about each person (a few answers
    per skill: most of the information is missing), so by default it is accelerated with SQUAREM
    (Varadhan & Roland 2008, scheme S3): from two EM steps r = F(x) - x and v = F(F(x)) - 2F(x) + x,
    jump to x - 2αr + α²v with α = -|r|/|v| (at most -1, which is the two plain steps), clamp it to
    the bounds and take one EM step from there. The jump is kept only if the penalised likelihood
    there is no lower than after the first plain step (the EM step from it cannot lower it), else
    the fit goes on from the two plain steps: the penalised likelihood never goes down. It stops by
    the same rule as plain EM, checked on every plain step, so it ends within about ``tol`` of the
    same maximum in a third to a fifth of the E-steps (tests/unit/test_calibration.py).
    """
    used = 0

    def step(la, bb):
        nonlocal used
        used += 1
        return em_step(la, bb)

    def moved_less_than_tol(la0, b0, la1, b1):
        return max(float(np.max(np.abs(np.exp(la1) - np.exp(la0)))), float(np.max(np.abs(b1 - b0)))) < tol

    while used < max_iter:
        la1, b1, _ = step(log_a, b)
        if moved_less_than_tol(log_a, b, la1, b1):
            return la1, b1
        if not accelerate or used >= max_iter:
            log_a, b = la1, b1
            continue
        la2, b2, log_lik_1 = step(la1, b1)
        if moved_less_than_tol(la1, b1, la2, b2) or used >= max_iter:
            return la2, b2
        r = np.concatenate([la1 - log_a, b1 - b])
        v = np.concatenate([la2 - la1, b2 - b1]) - r
        norm_v = float(np.sqrt(v @ v))
        alpha = min(-1.0, -float(np.sqrt(r @ r)) / norm_v) if norm_v > 0 else -1.0
        if alpha == -1.0:
            log_a, b = la2, b2
            continue
        n = log_a.size
        jump = np.concatenate([log_a, b]) - 2.0 * alpha * r + alpha * alpha * v
        jump_la = np.clip(jump[:n], _LOG_A_MIN, _LOG_A_MAX)
        jump_b = np.clip(jump[n:], B_MIN, B_MAX)
        la3, b3, log_lik_jump = step(jump_la, jump_b)
        log_a, b = (la3, b3) if log_lik_jump >= log_lik_1 else (la2, b2)
    return log_a, b


def fit_3pl(items: Sequence[CalibrationItem], responses: Sequence[tuple], *,
            a_prior_sd: float = 0.5, b_prior_sd: float = 0.5, quadrature: int = 41, max_iter: int = 200,
            tol: float = 1e-4, accelerate: bool = True) -> list[ItemFit]:
    """Calibrate one skill's items from sparse responses (person_id, item key, credit 0..1), each with
    an optional fourth element, guessing (False: a declared "I don't know", credit 0; see above).

    Returns one ``ItemFit`` per item, in the order of ``items``. Person ids may be any values
    numpy can sort (ints in the app). Responses to keys not in ``items`` are ignored. An item nobody answered keeps a = 1, b = b_prior, n = 0, se_b = None.
    Deterministic: the same input gives the same output, whatever the order of ``responses``.
    """
    items = list(items)
    _check_inputs(items, a_prior_sd, b_prior_sd, quadrature, max_iter, tol)
    index = {it.key: j for j, it in enumerate(items)}
    persons, item_list, credit_list, declined_list = [], [], [], []
    for person, key, x, *guessing in responses:
        j = index.get(key)
        if j is None:
            continue
        x = float(x)
        if not (0.0 <= x <= 1.0):          # also rejects NaN
            raise ValueError(f"person {person!r}, item {key}: credit {x!r} not in [0, 1]")
        declined = bool(guessing) and not guessing[0]
        if declined and x != 0.0:
            raise ValueError(f"person {person!r}, item {key}: \"I don't know\" with credit {x!r}")
        persons.append(person)
        item_list.append(j)
        credit_list.append(x)
        declined_list.append(declined)
    return fit_3pl_arrays(items, np.asarray(persons), np.asarray(item_list, dtype=np.intp),
                          np.asarray(credit_list, dtype=float), np.asarray(declined_list, dtype=bool),
                          a_prior_sd=a_prior_sd, b_prior_sd=b_prior_sd, quadrature=quadrature,
                          max_iter=max_iter, tol=tol, accelerate=accelerate)


def fit_3pl_arrays(items: Sequence[CalibrationItem], person: np.ndarray, item: np.ndarray, credit: np.ndarray,
                   declined: np.ndarray | None = None, *, a_prior_sd: float = 0.5, b_prior_sd: float = 0.5,
                   quadrature: int = 41, max_iter: int = 200, tol: float = 1e-4,
                   accelerate: bool = True, start: Sequence[tuple[float, float] | None] | None = None
                   ) -> list[ItemFit]:
    """``fit_3pl`` on responses already in columns, so a caller holding many of them builds no tuple
    per response: ``person`` ids (sortable), ``item`` indices into ``items``, ``credit`` 0..1 and
    ``declined`` (True for "I don't know"; None: none declined). Same result as ``fit_3pl``.

    ``start``: per item, the (a, b) to start EM from (clamped to the bounds), e.g. the last stored
    fit, or None for a = 1, b = b_prior. The fit stops by the same rule wherever it starts, so a
    start near the maximum only saves E-steps: when few responses were added, most of them.
    """
    items = list(items)
    _check_inputs(items, a_prior_sd, b_prior_sd, quadrature, max_iter, tol)
    n_items = len(items)
    if n_items == 0:
        return []
    credit = np.asarray(credit, dtype=float)
    item_idx = np.asarray(item, dtype=np.intp)
    declined = np.zeros(credit.size, dtype=bool) if declined is None else np.asarray(declined, dtype=bool)
    if not (item_idx.size == credit.size == declined.size == np.size(person)):
        raise ValueError("person, item, credit and declined must have one entry per response")
    if item_idx.size and (item_idx.min() < 0 or item_idx.max() >= n_items):
        raise ValueError(f"item indices must be in [0, {n_items})")
    bad = np.flatnonzero(~((credit >= 0.0) & (credit <= 1.0)) | (declined & (credit != 0.0)))
    if bad.size:                           # the first offender, as fit_3pl names it
        k = int(bad[0])
        who, key, x = np.asarray(person)[k].item(), items[item_idx[k]].key, float(credit[k])
        what = f"credit {x!r} not in [0, 1]" if not 0.0 <= x <= 1.0 else f"\"I don't know\" with credit {x!r}"
        raise ValueError(f"person {who!r}, item {key}: {what}")
    if credit.size == 0:
        return [ItemFit(it.key, 1.0, it.b_prior, it.c, 0, None, False, ()) for it in items]
    c = np.array([it.c for it in items], dtype=float)
    b0 = np.array([it.b_prior for it in items], dtype=float)
    inv_va, inv_vb = 1.0 / a_prior_sd ** 2, 1.0 / b_prior_sd ** 2

    _, person_idx = np.unique(np.asarray(person), return_inverse=True)
    n_resp = np.bincount(item_idx, minlength=n_items)
    fractional = np.bincount(item_idx, weights=((credit > 0.0) & (credit < 1.0)).astype(float),
                             minlength=n_items) > 0
    pairs = _Patterns(person_idx.ravel(), item_idx, credit, n_items, declined.astype(float))

    theta = np.linspace(-THETA_RANGE, THETA_RANGE, quadrature)
    log_prior_theta = -0.5 * theta ** 2
    log_prior_theta -= np.log(np.sum(np.exp(log_prior_theta)))

    def em_step(log_a, b):
        n_q, r_q, log_lik = _expected_counts(pairs, log_a, b, c, theta, log_prior_theta)
        penalised = log_lik - 0.5 * inv_va * float(log_a @ log_a) - 0.5 * inv_vb * float((b - b0) @ (b - b0))
        return (*_m_step(log_a, b, c, theta, n_q, r_q, b0, inv_va, inv_vb), penalised)

    if start is not None and len(start) != n_items:
        raise ValueError(f"start needs one entry per item ({n_items}), got {len(start)}")
    log_a, b = np.zeros(n_items), b0.copy()
    for j, ab in enumerate(start or ()):
        if ab is not None and all(math.isfinite(v) for v in ab) and ab[0] > 0:
            log_a[j] = min(max(math.log(ab[0]), _LOG_A_MIN), _LOG_A_MAX)
            b[j] = min(max(ab[1], B_MIN), B_MAX)
    log_a, b = _em(em_step, log_a, b, max_iter, tol, accelerate)

    se_b, infit, pbis = _diagnostics(pairs, log_a, b, c, theta, log_prior_theta, inv_va, inv_vb)

    fits = []
    a_hat = np.exp(log_a)
    for j, it in enumerate(items):
        n = int(n_resp[j])
        if n == 0:
            fits.append(ItemFit(it.key, 1.0, it.b_prior, it.c, 0, None, False, ()))
            continue
        aj, bj = float(a_hat[j]), float(b[j])
        reasons = _misfit_reasons(aj, bj, it.b_prior, pbis[j], infit[j], bool(fractional[j]))
        fits.append(ItemFit(it.key, aj, bj, it.c, n, se_b[j], bool(reasons), tuple(reasons), infit[j], pbis[j]))
    return fits


def _misfit_reasons(a: float, b: float, b_prior: float, pbis: float | None, infit: float | None,
                    fractional: bool) -> list[str]:
    """Why an item's fit is flagged, in words an instructor can act on; empty when it fits.
    Infit's lower bound is not applied to partial-credit items, whose responses vary less."""
    reasons = []
    if a < LOW_A:
        reasons.append(f"low discrimination: a = {a:.2f} < {LOW_A}")
    if abs(b - b_prior) > DRIFT:
        reasons.append(f"difficulty far from its label: b = {b:.2f} vs label {b_prior:.2f}")
    if pbis is not None and pbis < 0:
        reasons.append(f"negative point-biserial: r = {pbis:.2f} (stronger learners do worse)")
    if infit is not None:
        if infit > INFIT_HIGH:
            reasons.append(f"noisy responses: infit mean-square {infit:.2f} > {INFIT_HIGH}")
        elif infit < INFIT_LOW and not fractional:
            reasons.append(f"too deterministic: infit mean-square {infit:.2f} < {INFIT_LOW}")
    return reasons


def _diagnostics(pairs, log_a, b, c, theta, log_prior_theta, inv_va, inv_vb):
    """se(b), infit mean-square and point-biserial per item, in one more pass over the persons.

    se(b): observed information of item j's (log a, b) block by Louis' formula,
    I = E[-H] - E[s s'] + sum over pairs of E[s] E[s]', plus the priors. Per (person, item) pair
    the complete-data score at node q is g_q·(z_q, -a) with g = x·s/P - m·s, so every term but the
    last is linear in the E-step sums of w·m, w·x, w·x², w·x·m, w·m² (over persons; x is the pair's summed
    credit, so a duplicate answer enters x² as (x1 + x2)², not x1² + x2²), and the last
    needs each pair's posterior means of s/P·z, s·z, s/P and s.
    """
    n_items, n_nodes = pairs.n_items, theta.size
    z, s, p, log_p, log_1mp = _curves(log_a, b, c, theta)
    a = np.exp(log_a)
    ratio = s / p
    sums = {k: np.zeros((n_items, n_nodes)) for k in ("m", "x", "x2", "xm", "m2")}
    mm_aa, mm_ab, mm_bb = np.zeros(n_items), np.zeros(n_items), np.zeros(n_items)
    eap = np.empty(pairs.n_patterns)
    rest_eap = np.full(pairs.item.size, np.nan)
    basis = np.concatenate([ratio * z, s * z, ratio, s]).T        # Q × 4J
    for block in pairs.blocks:
        p0, p1, lo, hi = block
        m_blk, x_blk = pairs.dense(block, pairs.m, pairs.x)
        log_post = _log_posterior(m_blk, x_blk, log_p, log_1mp, log_prior_theta)
        post = np.exp(log_post)
        eap[p0:p1] = post @ theta
        means = post @ basis                                       # patterns × 4J
        weight = pairs.weight[p0:p1, None]                         # each pattern counts as its persons
        post *= weight
        sums["m"] += m_blk.T @ post
        sums["x"] += x_blk.T @ post
        sums["x2"] += (x_blk * x_blk).T @ post      # the pair's score squares its *total* credit (duplicates)
        sums["xm"] += (x_blk * m_blk).T @ post
        sums["m2"] += (m_blk * m_blk).T @ post
        ez_r, ez_s, e_r, e_s = np.split(means, 4, axis=1)
        m_la = x_blk * ez_r - m_blk * ez_s                         # zero where the person skipped the item
        m_b = -(x_blk * e_r - m_blk * e_s) * a
        mm_aa += np.sum(weight * m_la * m_la, axis=0)
        mm_ab += np.sum(weight * m_la * m_b, axis=0)
        mm_bb += np.sum(weight * m_b * m_b, axis=0)
        # Rest EAP per pair: the person's posterior without this item's responses.
        rows = np.flatnonzero(pairs.has_rest[lo:hi]) + lo
        if rows.size:
            pj = pairs.item[rows]
            rest = (log_post[pairs.pattern[rows] - p0] - pairs.m[rows, None] * log_1mp[pj]
                    - pairs.x[rows, None] * (log_p[pj] - log_1mp[pj]))
            rest -= rest.max(axis=1, keepdims=True)
            w = np.exp(rest)
            rest_eap[rows] = (w @ theta) / w.sum(axis=1)

    # Louis' formula, all items at once.
    cc = c[:, None]
    aa = a[:, None]
    d = s * (1.0 - s)
    g1 = sums["x"] * ratio - sums["m"] * s                                      # sum of w·g
    h1 = -(1.0 - cc) * d * ratio * sums["m"] + (sums["x"] - sums["m"] * p) * cc * d / p ** 2   # sum of w·dg/dz
    g2 = sums["x2"] * ratio ** 2 - 2.0 * sums["xm"] * ratio * s + sums["m2"] * s ** 2      # sum of w·g²
    i_aa = np.sum(-(h1 * z * z + g1 * z) - g2 * z * z, axis=1) + mm_aa + inv_va
    i_ab = np.sum(h1 * z * aa + g1 * aa + g2 * z * aa, axis=1) + mm_ab
    i_bb = np.sum(-h1 * aa * aa - g2 * aa * aa, axis=1) + mm_bb + inv_vb
    at_a_bound = (log_a <= _LOG_A_MIN + 1e-9) | (log_a >= _LOG_A_MAX - 1e-9)
    at_b_bound = (b <= B_MIN + 1e-9) | (b >= B_MAX - 1e-9)
    det = i_aa * i_bb - i_ab * i_ab
    se_b: list[float | None] = []
    for j in range(n_items):
        if at_b_bound[j]:
            se_b.append(None)
        elif at_a_bound[j]:
            se_b.append(1.0 / math.sqrt(i_bb[j]) if i_bb[j] > 0 else None)
        elif i_aa[j] > 0 and det[j] > 0:
            se_b.append(math.sqrt(i_aa[j] / det[j]))
        else:
            se_b.append(None)

    # Infit at each person's EAP: sum (x - P)² / sum P (1 - P) over responses; an "I don't know"
    # (credit 0) expects s, the 2PL part, instead of P.
    pj = pairs.item
    s_eap = 1.0 / (1.0 + np.exp(-a[pj] * (eap[pairs.pattern] - b[pj])))
    p_eap = c[pj] + (1.0 - c[pj]) * s_eap
    w = pairs.pair_weight
    num = np.bincount(pj, weights=w * (pairs.x2 - 2.0 * p_eap * pairs.x + pairs.m * p_eap ** 2
                                       + pairs.d * (s_eap ** 2 - p_eap ** 2)), minlength=n_items)
    den = np.bincount(pj, weights=w * (pairs.m * p_eap * (1.0 - p_eap)
                                       + pairs.d * (s_eap * (1.0 - s_eap) - p_eap * (1.0 - p_eap))), minlength=n_items)
    n_resp = np.bincount(pj, weights=w * pairs.m, minlength=n_items)
    infit = [float(num[j] / den[j]) if n_resp[j] >= MIN_FIT_RESPONSES and den[j] > 0 else None
             for j in range(n_items)]

    # Point-biserial: mean credit of each pair against its rest EAP.
    pbis: list[float | None] = [None] * n_items
    rows = np.flatnonzero(pairs.has_rest)
    order = rows[np.argsort(pj[rows], kind="stable")]
    bounds = np.searchsorted(pj[order], np.arange(n_items + 1))
    for j in range(n_items):
        sel = order[bounds[j]:bounds[j + 1]]
        if w[sel].sum() >= MIN_FIT_RESPONSES:
            pbis[j] = _pearson(pairs.x[sel] / pairs.m[sel], rest_eap[sel], w[sel])
    return se_b, infit, pbis
