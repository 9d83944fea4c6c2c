"""A joint posterior over all skills with one general factor: every answer informs every skill.

theta_s = sqrt(rho)·g + sqrt(1 - rho)·u_s with g, u_s ~ N(0, 1), so skills correlate by rho.
The posterior of g is computed on a 33-point grid and each skill's theta on an 81-point grid
given g (MEASUREMENT.md 5.1); with rho = 0 it is the independent N(0, 1) EAP per skill.
The object is rebuilt from the saved answers on every request, so it survives restarts.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np

from .ability import Observation, SkillEstimate, observation_log_likelihood, probability_below

G_GRID = np.linspace(-4.0, 4.0, 33)
THETA_GRID = np.linspace(-4.0, 4.0, 81)
MAX_RHO = 0.95


class JointPosterior:
    """Posterior over (g, theta_1..theta_S) from graded answers, skill by skill."""

    def __init__(self, skills: Iterable[str], rho: float = 0.3):
        self.rho = float(min(max(rho, 0.0), MAX_RHO))
        self.skills = list(dict.fromkeys(skills))
        prior_g = np.exp(-0.5 * G_GRID ** 2)
        self._log_prior_g = np.log(prior_g / prior_g.sum())
        mean = np.sqrt(self.rho) * G_GRID[:, None]
        kernel = np.exp(-0.5 * (THETA_GRID[None, :] - mean) ** 2 / (1.0 - self.rho))
        self._kernel = kernel / kernel.sum(axis=1, keepdims=True)     # p(theta | g), rows sum to 1
        self._loglik = {s: np.zeros_like(THETA_GRID) for s in self.skills}
        self.counts = {s: 0 for s in self.skills}
        self._cache: dict[str, np.ndarray] | None = None

    def update(self, skill: str, observation: Observation) -> None:
        """Add one graded answer (partial credit x counts as x right and 1-x wrong; "I don't know" without
        the guessing floor: ability.Observation)."""
        if skill not in self._loglik:
            self.skills.append(skill)
            self._loglik[skill] = np.zeros_like(THETA_GRID)
            self.counts[skill] = 0
        self._loglik[skill] += observation_log_likelihood(observation, THETA_GRID)
        self.counts[skill] += 1
        self._cache = None

    def marginals(self) -> dict[str, np.ndarray]:
        """Posterior weights of each skill's theta on THETA_GRID (cached until the next update)."""
        if self._cache is None:
            likelihood = {s: np.exp(ll - ll.max()) for s, ll in self._loglik.items()}
            given_g = {s: self._kernel @ lik for s, lik in likelihood.items()}      # p(data_s | g), up to a constant
            log_g = self._log_prior_g + sum(np.log(m) for m in given_g.values())
            post_g = np.exp(log_g - log_g.max())
            post_g /= post_g.sum()
            out = {}
            for s, lik in likelihood.items():
                weights = (post_g / given_g[s]) @ (self._kernel * lik[None, :])
                out[s] = weights / weights.sum()
            self._cache = out
        return self._cache

    def estimate(self, skill: str, target: float) -> SkillEstimate:
        """EAP, SD, P(theta < target) and expected shortfall for one skill."""
        w = self.marginals()[skill]
        theta = float(w @ THETA_GRID)
        return SkillEstimate(theta=theta, sd=float(np.sqrt(w @ (THETA_GRID - theta) ** 2)),
                             p_gap=probability_below(w, target, THETA_GRID),
                             shortfall=float(w @ np.maximum(0.0, target - THETA_GRID)), target=target,
                             n_items=self.counts[skill])


def joint_estimates(observations: Mapping[str, list[Observation]], targets: Mapping[str, float],
                    rho: float) -> dict[str, SkillEstimate]:
    """Estimates for every targeted skill from all observations at once."""
    posterior = JointPosterior(list(targets) + [s for s in observations if s not in targets], rho)
    for skill, obs in observations.items():
        for o in obs:
            posterior.update(skill, o)
    return {s: posterior.estimate(s, t) for s, t in targets.items()}
