"""Per-skill Bayesian ability estimates: a 3PL item model and an EAP posterior on a grid.

Why a posterior and not percent correct: with a handful of items per skill, percent correct
ignores difficulty and guessing and has no honest uncertainty. The posterior gives an
estimate, its standard deviation and P(gap) = P(theta < target) directly
(see MEASUREMENT.md, sections 0 and 5).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .patterns import group_patterns, row_ids

GRID = np.linspace(-5.0, 5.0, 201)
GRID_STEP = float(GRID[1] - GRID[0])

# Day-one difficulty parameters for the 1-5 labels (MEASUREMENT.md 5.1).
DIFFICULTY_B = {1: -1.5, 2: -0.75, 3: 0.0, 4: 0.75, 5: 1.5}
# The rest of the day-one model (MEASUREMENT.md 5.1): a = 1, and a guessing floor a little below
# 1/k, because plausible distractors pull guessers below chance. 0.8/k (0.2 for four options, as in
# the note's simulations) keeps P(gap) calibrated: bench/measurement.py measured ECE .024 with it and
# .054 with c = 1/k. Items with enough answers get fitted parameters instead (`quizapp calibrate`).
DAY_ONE_A = 1.0
DAY_ONE_GUESS_SHARE = 0.8


@dataclass(frozen=True)
class ItemParams:
    """3PL parameters: discrimination a, difficulty b, guessing floor c."""

    a: float
    b: float
    c: float


@dataclass(frozen=True)
class Observation:
    """One graded response: the item's parameters and the credit earned (0..1).

    `guessing` is False for a declared "I don't know": no lucky guess could have happened, so the
    response is a failure of the 2PL part alone, P(don't know | theta) = 1 - P*(theta), with c = 0.
    A wrong answer keeps the floor: 1 - P(theta) = (1 - c)(1 - P*(theta)). The two differ by the
    constant factor 1 - c, so one response moves the posterior the same way either way; what "I don't
    know" changes is the right answers that are no longer lucky guesses (bench/dont_know.py).

    `weight` is how much the answer counts: its log-likelihood is multiplied by it (a power
    likelihood), so an old answer of a learner's profile counts less than a new one (scoring/profile.py).
    """

    item: ItemParams
    credit: float
    guessing: bool = True
    weight: float = 1.0


@dataclass(frozen=True)
class SkillEstimate:
    theta: float       # posterior mean (EAP)
    sd: float          # posterior standard deviation
    p_gap: float       # P(theta < target)
    shortfall: float   # E[max(0, target - theta)]
    target: float
    n_items: int


def item_params(difficulty: int, guessing_floor: float = 0.0, a: float = DAY_ONE_A) -> ItemParams:
    """Day-one parameters from a question's difficulty label and its type's guessing floor (the
    expected credit of a blind guess: 1/choices for a choice item, 0 for free entry)."""
    return ItemParams(a=a, b=DIFFICULTY_B[difficulty], c=DAY_ONE_GUESS_SHARE * guessing_floor)


def p_correct(theta, item: ItemParams):
    """3PL probability of a correct response at ability theta (scalar or array)."""
    return item.c + (1.0 - item.c) / (1.0 + np.exp(-item.a * (np.asarray(theta) - item.b)))


def p_observed(theta, obs: Observation):
    """The model's probability of credit 1 for this observation: the 3PL, or its 2PL part (c = 0)
    when no guess was possible ("I don't know")."""
    item = obs.item if obs.guessing else ItemParams(obs.item.a, obs.item.b, 0.0)
    return p_correct(theta, item)


def observation_log_likelihood(obs: Observation, grid: np.ndarray = GRID) -> np.ndarray:
    """One observation's log-likelihood over the grid, times its weight; partial credit x counts as x right
    and 1-x wrong."""
    p = np.clip(p_observed(grid, obs), 1e-12, 1 - 1e-12)
    return obs.weight * (obs.credit * np.log(p) + (1.0 - obs.credit) * np.log1p(-p))


def target_theta(level: int, mastery_p: float = 0.5, a: float = DAY_ONE_A) -> float:
    """The ability a role asks for: difficulty of a level-`level` item, shifted by logit(mastery_p)/a."""
    return DIFFICULTY_B[level] + math.log(mastery_p / (1.0 - mastery_p)) / a


def log_likelihood(observations: Iterable[Observation], grid: np.ndarray = GRID) -> np.ndarray:
    """Log-likelihood over the grid; partial credit x counts as x right and 1-x wrong."""
    total = np.zeros_like(grid)
    for obs in observations:
        total += observation_log_likelihood(obs, grid)
    return total


def posterior(observations: Sequence[Observation], prior_mean: float = 0.0, prior_sd: float = 1.0,
              grid: np.ndarray = GRID) -> np.ndarray:
    """Normalised posterior weights on the grid under a normal prior."""
    log_post = -0.5 * ((grid - prior_mean) / prior_sd) ** 2 + log_likelihood(observations, grid)
    weights = np.exp(log_post - log_post.max())
    return weights / weights.sum()


def probability_below(weights: np.ndarray, cut: float, grid: np.ndarray = GRID) -> float:
    """P(theta < cut), treating each grid point as the centre of a cell of width GRID_STEP."""
    step = float(grid[1] - grid[0])
    share = np.clip((cut - (grid - step / 2)) / step, 0.0, 1.0)
    return float(np.sum(weights * share))


def estimate(observations: Sequence[Observation], target: float, prior_mean: float = 0.0,
             prior_sd: float = 1.0) -> SkillEstimate:
    """EAP estimate, SD, P(gap) and expected shortfall of one skill against its target."""
    weights = posterior(observations, prior_mean, prior_sd)
    theta = float(np.sum(weights * GRID))
    sd = float(np.sqrt(np.sum(weights * (GRID - theta) ** 2)))
    return SkillEstimate(
        theta=theta,
        sd=sd,
        p_gap=probability_below(weights, target),
        shortfall=float(np.sum(weights * np.maximum(0.0, target - GRID))),
        target=target,
        n_items=len(observations),
    )


EAP_BLOCK = 4096   # persons per block of eap_by_person: a block's grid rows stay a few MB


def eap_by_person(person: np.ndarray, item: np.ndarray, credit: np.ndarray, guessing: np.ndarray,
                  items: Sequence[ItemParams], prior_mean: float = 0.0, prior_sd: float = 1.0,
                  grid: np.ndarray = GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`estimate`'s EAP and posterior SD for many persons at once, each from their own responses, so
    thousands of persons need no Observation per response: ``person`` ids (sortable), ``item``
    indices into ``items``, ``credit`` 0..1, ``guessing`` (False: "I don't know", no floor).

    Returns (the distinct persons in ascending order, their EAPs, their SDs). Persons with the same
    responses (items, flags and credits) share one posterior, computed once (scoring/patterns.py). A
    block of such patterns' log-likelihoods is one product: their summed credit and failures per item
    and flag times the grid rows of `observation_log_likelihood`, so memory stays bounded however
    many persons there are.
    """
    person, item = np.asarray(person), np.asarray(item, dtype=np.intp)
    credit, guessing = np.asarray(credit, dtype=float), np.asarray(guessing, dtype=bool)
    if person.size == 0:
        return person, np.empty(0), np.empty(0)
    # Grid rows per item and guessing flag (column 2j + flag; flag 0 is the floorless 2PL):
    # log P and log(1 - P), clipped as in observation_log_likelihood.
    a = np.array([it.a for it in items], dtype=float)[:, None]
    b = np.array([it.b for it in items], dtype=float)[:, None]
    c = np.array([it.c for it in items], dtype=float)[:, None]
    s = 1.0 / (1.0 + np.exp(-a * (grid[None, :] - b)))
    p = np.clip(np.stack([s, c + (1.0 - c) * s], axis=1).reshape(2 * len(items), grid.size), 1e-12, 1 - 1e-12)
    log_p, log_q = np.log(p), np.log1p(-p)
    n_cols = 2 * len(items)
    persons, person_idx = np.unique(person, return_inverse=True)
    person_idx = person_idx.ravel()
    col = 2 * item + guessing
    order = np.lexsort((credit, col, person_idx))
    person_idx, col, credit = person_idx[order], col[order], credit[order]
    kind, _ = row_ids(np.column_stack([col, credit]))
    pattern_of, representative, _ = group_patterns(person_idx, kind)
    # The representatives' responses, pattern after pattern.
    pattern_index = np.full(persons.size, -1, dtype=np.intp)
    pattern_index[representative] = np.arange(representative.size)
    keep = np.flatnonzero(pattern_index[person_idx] >= 0)
    row = pattern_index[person_idx[keep]]
    by_pattern = np.argsort(row, kind="stable")
    row, col, credit = row[by_pattern], col[keep][by_pattern], credit[keep][by_pattern]
    n_rows = representative.size
    log_prior = -0.5 * ((grid - prior_mean) / prior_sd) ** 2
    theta, sd = np.empty(n_rows), np.empty(n_rows)
    bounds = np.searchsorted(row, np.arange(0, n_rows + EAP_BLOCK, EAP_BLOCK))
    for k0, lo, hi in zip(range(0, n_rows, EAP_BLOCK), bounds[:-1], bounds[1:]):
        k1 = min(k0 + EAP_BLOCK, n_rows)
        cell = (row[lo:hi] - k0) * n_cols + col[lo:hi]
        size = (k1 - k0) * n_cols
        right = np.bincount(cell, weights=credit[lo:hi], minlength=size).reshape(k1 - k0, n_cols)
        wrong = np.bincount(cell, weights=1.0 - credit[lo:hi], minlength=size).reshape(k1 - k0, n_cols)
        log_post = right @ log_p + wrong @ log_q + log_prior
        weights = np.exp(log_post - log_post.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        mean = weights @ grid
        theta[k0:k1] = mean
        sd[k0:k1] = np.sqrt(np.sum(weights * (grid[None, :] - mean[:, None]) ** 2, axis=1))
    return persons, theta[pattern_of], sd[pattern_of]
