"""A joint posterior over all skills with a general and an area factor: every answer informs every
skill, and a skill of the same area (math, Python, …) more than one of another.

theta_s = sqrt(rho)·g + sqrt(rho_area)·a_r + sqrt(1 - rho - rho_area)·u_s with g, a_r, u_s ~ N(0, 1)
for skill s of area r, so skills of one area correlate by rho + rho_area, of two areas by rho
(MEASUREMENT.md 5.1 with the area level of a bifactor model). The posterior of (g, a_r) is computed on
a 33 × 33 grid and each skill's theta on an 81-point grid given them; with rho_area = 0 the area grid
has one point and this is the one-factor model; with rho = 0 too, the independent N(0, 1) EAP per skill.

An observation's weight (ability.Observation) scales its log-likelihood, so an old answer of the
learner's profile counts less than a new one (scoring/profile.py).
The object is rebuilt from the saved answers on every request, so it survives restarts.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np

from .ability import Observation, SkillEstimate, observation_log_likelihood, probability_below

G_GRID = np.linspace(-4.0, 4.0, 33)
THETA_GRID = np.linspace(-4.0, 4.0, 81)
MAX_RHO = 0.95
_TINY = 1e-300


def _normal_weights(grid: np.ndarray) -> np.ndarray:
    w = np.exp(-0.5 * grid ** 2)
    return w / w.sum()


class JointPosterior:
    """Posterior over (g, a_1..a_R, theta_1..theta_S) from graded answers, skill by skill.

    `areas` maps a skill to its area; a skill without one is an area of its own (which is the
    one-factor model for it). rho + rho_area is kept at most MAX_RHO.
    """

    def __init__(self, skills: Iterable[str], rho: float = 0.3, areas: Mapping[str, str] | None = None,
                 rho_area: float = 0.0):
        self.rho = float(min(max(rho, 0.0), MAX_RHO))
        self.rho_area = float(min(max(rho_area, 0.0), MAX_RHO - self.rho))
        self.skills = list(dict.fromkeys(skills))
        self.areas = dict(areas or {})
        self._prior_g = _normal_weights(G_GRID)
        a_grid = G_GRID if self.rho_area > 0 else np.zeros(1)
        self._prior_a = _normal_weights(a_grid)
        mean = (np.sqrt(self.rho) * G_GRID[:, None, None] + np.sqrt(self.rho_area) * a_grid[None, :, None])
        kernel = np.exp(-0.5 * (THETA_GRID[None, None, :] - mean) ** 2 / (1.0 - self.rho - self.rho_area))
        kernel /= kernel.sum(axis=2, keepdims=True)                        # p(theta | g, a): rows sum to 1
        self._kernel = kernel.reshape(len(G_GRID) * len(a_grid), len(THETA_GRID))
        self._shape = (len(G_GRID), len(a_grid))
        self._loglik = {s: np.zeros_like(THETA_GRID) for s in self.skills}
        self.counts = {s: 0 for s in self.skills}
        self._cache: dict[str, np.ndarray] | None = None
        self._area_cache: dict[str, np.ndarray] | None = None

    def area_of(self, skill: str) -> str:
        """The skill's area ("skill:<id>" for a skill without one: an area of its own)."""
        return self.areas.get(skill) or f"skill:{skill}"

    def update(self, skill: str, observation: Observation) -> None:
        """Add one graded answer (partial credit x counts as x right and 1-x wrong; "I don't know" without
        the guessing floor; an older one with less weight: ability.Observation)."""
        if skill not in self._loglik:
            self.skills.append(skill)
            self._loglik[skill] = np.zeros_like(THETA_GRID)
            self.counts[skill] = 0
        self._loglik[skill] += observation_log_likelihood(observation, THETA_GRID)
        self.counts[skill] += 1
        self._cache = self._area_cache = None

    def _compute(self) -> None:
        likelihood = {s: np.exp(ll - ll.max()) for s, ll in self._loglik.items()}
        given = {s: np.maximum(self._kernel @ lik, _TINY).reshape(self._shape)       # p(data_s | g, a)
                 for s, lik in likelihood.items()}
        members: dict[str, list[str]] = {}
        for s in self._loglik:
            members.setdefault(self.area_of(s), []).append(s)
        # per area: log p(data of the area | g, a) + log p(a), and p(data of the area | g)
        log_area = {r: np.log(self._prior_a)[None, :] + sum(np.log(given[s]) for s in skills)
                    for r, skills in members.items()}
        log_given_g = {}
        for r, la in log_area.items():
            top = la.max()
            log_given_g[r] = top + np.log(np.exp(la - top).sum(axis=1))
        log_g = np.log(self._prior_g) + sum(log_given_g.values())
        post_g = np.exp(log_g - log_g.max())
        post_g /= post_g.sum()
        out, areas = {}, {}
        for r, skills in members.items():
            # p(g, a_r | all data): g's posterior times a_r given g and the area's data
            joint = post_g[:, None] * np.exp(log_area[r] - log_given_g[r][:, None])
            areas[r] = joint
            for s in skills:
                without_s = (joint / given[s]).reshape(-1)                # the skill's own data left out
                weights = (without_s @ self._kernel) * likelihood[s]
                out[s] = weights / weights.sum()
        self._cache, self._area_cache = out, areas

    def marginals(self) -> dict[str, np.ndarray]:
        """Posterior weights of each skill's theta on THETA_GRID (cached until the next update)."""
        if self._cache is None:
            self._compute()
        return self._cache

    def estimate(self, skill: str, target: float) -> SkillEstimate:
        """EAP, SD, P(theta < target) and expected shortfall for one skill."""
        w = self.marginals()[skill]
        theta = float(w @ THETA_GRID)
        return SkillEstimate(theta=theta, sd=float(np.sqrt(w @ (THETA_GRID - theta) ** 2)),
                             p_gap=probability_below(w, target, THETA_GRID),
                             shortfall=float(w @ np.maximum(0.0, target - THETA_GRID)), target=target,
                             n_items=self.counts[skill])

    def area_estimate(self, skills: Iterable[str], target: float, weights: Iterable[float] | None = None) -> SkillEstimate:
        """An area's level: the weighted mean ability of its `skills` (of one area; weights default to 1),
        against `target` (the same weighted mean of their targets).

        Given (g, a_r) the skills are independent, so the mean has the weighted mean and variance of their
        conditional posteriors; it is taken as normal there (exact for one skill's normal part, close for
        several), and mixed over the posterior of (g, a_r).
        """
        skills = list(skills)
        given = [1.0] * len(skills) if weights is None else [float(x) for x in weights]
        kept = [(s, x) for s, x in zip(skills, given, strict=True) if s in self._loglik]
        if not kept:
            raise ValueError("an area estimate needs at least one skill of the posterior")
        skills = [s for s, _ in kept]
        w = np.array([x for _, x in kept])
        w = w / w.sum()
        self.marginals()
        joint = self._area_cache[self.area_of(skills[0])].reshape(-1)
        joint = joint / joint.sum()
        mean = np.zeros_like(joint)
        var = np.zeros_like(joint)
        for share, s in zip(w, skills):
            conditional = self._kernel * np.exp(self._loglik[s] - self._loglik[s].max())[None, :]
            conditional /= np.maximum(conditional.sum(axis=1, keepdims=True), _TINY)
            m = conditional @ THETA_GRID
            mean += share * m
            var += share ** 2 * (conditional @ THETA_GRID ** 2 - m ** 2)
        sd = np.sqrt(np.maximum(var, 1e-12))
        z = (target - mean) / sd
        below = 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))
        density = np.exp(-0.5 * z ** 2) / math.sqrt(2.0 * math.pi)
        theta = float(joint @ mean)
        return SkillEstimate(theta=theta, sd=float(np.sqrt(joint @ (var + (mean - theta) ** 2))),
                             p_gap=float(joint @ below), shortfall=float(joint @ (sd * density + (target - mean) * below)),
                             target=target, n_items=sum(self.counts[s] for s in skills))


def joint_posterior(observations: Mapping[str, Iterable[Observation]], skills: Iterable[str], rho: float,
                    areas: Mapping[str, str] | None = None, rho_area: float = 0.0) -> JointPosterior:
    """The posterior of `skills` (and of any other skill observed) given all observations at once."""
    skills = list(skills)
    posterior = JointPosterior(skills + [s for s in observations if s not in skills], rho, areas, rho_area)
    for skill, obs in observations.items():
        for o in obs:
            posterior.update(skill, o)
    return posterior


def joint_estimates(observations: Mapping[str, list[Observation]], targets: Mapping[str, float],
                    rho: float, areas: Mapping[str, str] | None = None, rho_area: float = 0.0) -> dict[str, SkillEstimate]:
    """Estimates for every targeted skill from all observations at once."""
    posterior = joint_posterior(observations, targets, rho, areas, rho_area)
    return {s: posterior.estimate(s, t) for s, t in targets.items()}
