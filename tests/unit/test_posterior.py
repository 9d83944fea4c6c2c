"""The general-factor posterior against brute-force integration of the bivariate normal model."""
import math

import numpy as np
import pytest

from quizapp.scoring.ability import ItemParams, Observation, estimate
from quizapp.scoring.posterior import JointPosterior, joint_estimates


def brute_force_two_skills(obs1, obs2, rho, target, n=401):
    """E[theta1], P(theta1 < target) with (theta1, theta2) ~ MVN(0, [[1, rho], [rho, 1]]), by a 2-D grid."""
    t = np.linspace(-6, 6, n)
    t1, t2 = np.meshgrid(t, t, indexing="ij")
    density = np.exp(-(t1 ** 2 - 2 * rho * t1 * t2 + t2 ** 2) / (2 * (1 - rho ** 2)))

    def lik(grid, observations):
        out = np.ones_like(grid)
        for o in observations:
            p = o.item.c + (1 - o.item.c) / (1 + np.exp(-o.item.a * (grid - o.item.b)))
            out *= p ** o.credit * (1 - p) ** (1 - o.credit)
        return out

    w = density * lik(t1, obs1) * lik(t2, obs2)
    w /= w.sum()
    return float((w * t1).sum()), float(w[t1 < target].sum() + 0.5 * w[np.isclose(t1, target)].sum())


RIGHT = [Observation(ItemParams(1, 0.5, 0.0), 1)] * 3
WRONG = [Observation(ItemParams(1, -0.5, 0.25), 0)] * 2


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.6])
@pytest.mark.parametrize("obs1, obs2", [([], RIGHT), (WRONG, RIGHT), (RIGHT[:1], WRONG)], ids=["borrow", "mixed", "few"])
def test_matches_bivariate_brute_force(rho, obs1, obs2):
    post = JointPosterior(["a", "b"], rho)
    for o in obs1:
        post.update("a", o)
    for o in obs2:
        post.update("b", o)
    mean, p_below = brute_force_two_skills(obs1, obs2, rho, 0.0)
    est = post.estimate("a", 0.0)
    assert est.theta == pytest.approx(mean, abs=0.02)
    assert est.p_gap == pytest.approx(p_below, abs=0.02)


def test_answers_on_one_skill_move_the_others_only_when_correlated():
    independent = joint_estimates({"b": RIGHT}, {"a": 0.0, "b": 0.0}, rho=0.0)
    correlated = joint_estimates({"b": RIGHT}, {"a": 0.0, "b": 0.0}, rho=0.5)
    assert independent["a"].theta == pytest.approx(0.0, abs=1e-6)
    assert correlated["a"].theta > 0.1 and correlated["a"].n_items == 0


def test_rho_zero_agrees_with_the_per_skill_estimate():
    joint = joint_estimates({"a": WRONG + RIGHT[:1]}, {"a": 0.3}, rho=0.0)["a"]
    single = estimate(WRONG + RIGHT[:1], 0.3)
    assert joint.theta == pytest.approx(single.theta, abs=0.01)
    assert joint.p_gap == pytest.approx(single.p_gap, abs=0.01)
    assert joint.sd == pytest.approx(single.sd, abs=0.01)


def test_unknown_skill_is_added_on_update():
    post = JointPosterior([], 0.3)
    post.update("new", RIGHT[0])
    assert post.counts == {"new": 1} and math.isfinite(post.estimate("new", 0).theta)
