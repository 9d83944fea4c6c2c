"""Adaptive selection: ask about the skill whose gap decision is least certain, with the item
that tells us most about it, and stop each skill once the decision is clear.

Rules (MEASUREMENT.md sections 0 and 6):
- a skill stops at P(gap) outside [0.1, 0.9] after at least 2 items, once its posterior SD is
  below 0.35 (the ability is pinned down, right at the cut: more items would not settle it), or at its cap;
- eligible skills are not stopped, have unused items, and would be at most 2 items ahead of
  the least-tested eligible skill after this item; among them, the largest role weight × min(P(gap), 1 - P(gap));
- within the skill, posterior-weighted Fisher information of the 3PL (guessing included),
  chosen at random among the top 3 (exposure control); items seen recently are avoided while
  unseen ones remain;
- the attempt stops when every skill has stopped, or at the length limit.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from .ability import ItemParams, p_correct
from .posterior import THETA_GRID, JointPosterior


@dataclass(frozen=True)
class AdaptiveItem:
    key: int | str
    skill: str
    params: ItemParams


@dataclass(frozen=True)
class AdaptiveSettings:
    max_items: int = 30
    skill_cap: int = 10
    min_items: int = 2
    stop_low: float = 0.1
    stop_high: float = 0.9
    stop_sd: float = 0.35
    lead: int = 2
    randomesque: int = 3


@dataclass(frozen=True)
class Selection:
    item: AdaptiveItem
    p_gap: float
    reason: str


@dataclass
class SkillTarget:
    theta: float
    weight: float = 1.0
    name: str = ""


def fisher_information(params: ItemParams, theta=THETA_GRID):
    """3PL item information a²·(Q/P)·((P - c)/(1 - c))² on a grid."""
    p = np.clip(p_correct(theta, params), 1e-9, 1 - 1e-9)
    return params.a ** 2 * ((1 - p) / p) * ((p - params.c) / (1 - params.c)) ** 2


def skill_stopped(p_gap: float, n: int, settings: AdaptiveSettings, sd: float = float("inf")) -> bool:
    return (n >= settings.min_items and (p_gap <= settings.stop_low or p_gap >= settings.stop_high
                                         or sd < settings.stop_sd)) \
        or n >= settings.skill_cap


@dataclass
class AdaptiveState:
    """Everything selection needs, rebuilt from the saved answers of an attempt."""

    posterior: JointPosterior
    targets: Mapping[str, SkillTarget]
    pool: Mapping[str, Sequence[AdaptiveItem]]
    used: set = field(default_factory=set)
    recent: set = field(default_factory=set)
    asked: int = 0

    def p_gap(self, skill: str) -> float:
        return self.posterior.estimate(skill, self.targets[skill].theta).p_gap

    def open_skills(self, settings: AdaptiveSettings) -> list[str]:
        """Skills whose decision is not settled and that still have unused items."""
        open_ = []
        for s in self.targets:
            e = self.posterior.estimate(s, self.targets[s].theta)
            if not skill_stopped(e.p_gap, self.posterior.counts.get(s, 0), settings, e.sd) \
                    and any(i.key not in self.used for i in self.pool.get(s, ())):
                open_.append(s)
        return open_


def select_next(state: AdaptiveState, settings: AdaptiveSettings, rng: random.Random,
                only_skill: str | None = None) -> Selection | None:
    """The next item, or None when the attempt should stop."""
    counts = state.posterior.counts
    if only_skill is not None:
        eligible = [only_skill] if any(i.key not in state.used for i in state.pool.get(only_skill, ())) else []
    else:
        if state.asked >= settings.max_items:
            return None
        eligible = state.open_skills(settings)
        if eligible:
            floor = min(counts.get(s, 0) for s in eligible)
            # after this item, no skill may be more than `lead` items ahead of the least-tested one
            eligible = [s for s in eligible if counts.get(s, 0) + 1 <= floor + settings.lead]
    if not eligible:
        return None
    uncertainty = {s: min(p := state.p_gap(s), 1 - p) for s in eligible}
    skill = max(eligible, key=lambda s: (state.targets[s].weight * uncertainty[s], -counts.get(s, 0)))
    unused = [i for i in state.pool[skill] if i.key not in state.used]
    fresh = [i for i in unused if i.key not in state.recent]
    candidates = fresh or unused
    weights = state.posterior.marginals()[skill]
    info = {i.key: float(weights @ fisher_information(i.params)) for i in candidates}
    # Shuffle first so equally informative items (same label, day-one parameters) take turns in the
    # top 3; a fixed tie-break would always offer the same few and leave much of the bank unused.
    candidates = list(candidates)
    rng.shuffle(candidates)
    ranked = sorted(candidates, key=lambda i: -info[i.key])
    item = rng.choice(ranked[:settings.randomesque])
    p = state.p_gap(skill)
    return Selection(item, p, _reason(state, skill, p, counts.get(skill, 0), only_skill is not None))


def _reason(state: AdaptiveState, skill: str, p: float, n: int, forced: bool) -> str:
    name = state.targets[skill].name or skill
    if forced:
        return f"You asked for more questions on {name}."
    if n == 0:
        return f"A first question on {name}, near the level the role needs."
    return (f"{name}: we are {round(p * 100)} % sure of a gap, the least settled of your skills; "
            "this question tells us most about where you stand.")
