"""The general-factor posterior against brute-force integration of the bivariate normal model."""
import math
from dataclasses import replace

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


# --- survivors of the scoring mutation run (docs/mutation.md) -------------------------------------------------

from quizapp.scoring.posterior import G_GRID, THETA_GRID  # noqa: E402


def reference_marginal(answers, rho, skill):
    """MEASUREMENT.md 5.1 on the module's grids, with plain loops: g ~ N(0, 1) on G_GRID; given g, each
    skill's theta is N(sqrt(rho)·g, 1 - rho) discretised on THETA_GRID (normalised for each g)."""
    def lik(observations):
        out = np.ones_like(THETA_GRID)
        for o in observations:
            p = o.item.c + (1 - o.item.c) / (1 + np.exp(-o.item.a * (THETA_GRID - o.item.b)))
            out = out * p ** o.credit * (1 - p) ** (1 - o.credit)
        return out

    total = np.zeros_like(THETA_GRID)
    for g in G_GRID:
        given_g = np.exp(-0.5 * (THETA_GRID - math.sqrt(rho) * g) ** 2 / (1 - rho))
        given_g /= given_g.sum()
        term = math.exp(-0.5 * g * g) * given_g * lik(answers.get(skill, []))
        for other, observations in answers.items():
            if other != skill:
                term = term * float(given_g @ lik(observations))
        total += term
    return total / total.sum()


@pytest.mark.parametrize("rho", [0.3, 0.95])
def test_marginals_match_the_model_on_its_grids(rho):
    """rho = 0.95 puts much of p(theta | g) against the grid's ends, where each row must still sum to 1."""
    answers = {"a": [Observation(ItemParams(1.5, 2.5, 0.0), 1)] * 6, "b": WRONG[:1]}
    post = JointPosterior(["a", "b"], rho)
    for skill, observations in answers.items():
        for o in observations:
            post.update(skill, o)
    for skill in answers:
        assert post.marginals()[skill] == pytest.approx(reference_marginal(answers, rho, skill), abs=1e-12)


def test_the_default_correlation_is_0_3():
    default, explicit = JointPosterior(["a", "b"]), JointPosterior(["a", "b"], 0.3)
    for post in (default, explicit):
        for o in RIGHT:
            post.update("b", o)
    assert default.estimate("a", 0.0) == explicit.estimate("a", 0.0)
    assert default.estimate("a", 0.0).theta > 0.05


def test_estimate_reports_its_target_and_the_expected_shortfall():
    post = JointPosterior(["a"], 0.0)
    for o in WRONG:
        post.update("a", o)
    w = post.marginals()["a"]
    for target in (-0.5, 0.0, 0.7):
        est = post.estimate("a", target)
        assert est.target == target and est.n_items == 2
        expected = sum(p * max(0.0, target - t) for p, t in zip(w, THETA_GRID, strict=True))
        assert est.shortfall == pytest.approx(expected, abs=1e-12)


def test_a_long_record_of_answers_stays_a_proper_posterior():
    """Two thousand answers make each likelihood astronomically small; the marginals must not underflow."""
    post = JointPosterior(["a", "b"], 0.3)
    for k in range(2000):
        post.update("a", Observation(ItemParams(1.0, 0.0, 0.0), float(k % 2)))
    weights = post.marginals()["a"]
    assert np.all(np.isfinite(weights)) and weights.sum() == pytest.approx(1.0)
    assert post.estimate("a", 0.0).theta == pytest.approx(0.0, abs=0.05)


def test_a_skill_first_seen_on_update_is_listed_by_name():
    post = JointPosterior(["a"], 0.3)
    post.update("new", RIGHT[0])
    assert post.skills == ["a", "new"]


# --- edges found by mutation testing (docs/mutation.md) -----------------------------------------

def test_skills_at_opposite_ends_with_the_highest_correlation_stay_finite():
    """Pins the max-shift of log p(g): at rho = .95, two skills answered as at +4 and two as at -4
    leave every g below e^-372, which exp() underflows to 0 unless the maximum is taken out."""
    post = JointPosterior(["a", "b", "c", "d"], 0.95)
    for _ in range(8):
        for skill, credit, b in (("a", 1.0, 4.0), ("b", 0.0, -4.0), ("c", 1.0, 4.0), ("d", 0.0, -4.0)):
            post.update(skill, Observation(ItemParams(4.0, b, 0.0), credit))
    for skill, sign in (("a", 1), ("b", -1), ("c", 1), ("d", -1)):
        weights = post.marginals()[skill]
        assert np.all(np.isfinite(weights)) and weights.sum() == pytest.approx(1.0)
        est = post.estimate(skill, 0.0)
        assert sign * est.theta > 0.5 and (est.p_gap < 0.5) == (sign > 0)


def trivariate_posterior(observations, cov, n=97):
    """Grid weights of (theta_1, theta_2, theta_3) ~ MVN(0, cov) given each skill's observations, and the grids."""
    t = np.linspace(-5, 5, n)
    grids = np.meshgrid(t, t, t, indexing="ij")
    x = np.stack(grids, axis=-1)
    w = np.exp(-0.5 * np.einsum("...i,ij,...j->...", x, np.linalg.inv(cov), x))
    for k, obs in enumerate(observations):
        for o in obs:
            p = o.item.c + (1 - o.item.c) / (1 + np.exp(-o.item.a * (grids[k] - o.item.b)))
            w = w * p ** o.credit * (1 - p) ** (1 - o.credit)
    return w / w.sum(), grids


def brute_force_three_skills(observations, cov, target):
    """E[theta], P(theta < target) of each of three skills, by a 3-D grid."""
    w, grids = trivariate_posterior(observations, cov)
    return [(float((w * g).sum()), float(w[g < target].sum())) for g in grids]


@pytest.mark.parametrize("obs", [([], RIGHT, []), (WRONG, RIGHT, RIGHT[:1]), ([], [], WRONG)],
                         ids=["same-area", "mixed", "other-area"])
def test_area_structure_matches_trivariate_brute_force(obs):
    """Skills a and b share an area (correlation .3 + .25), c is in another (.3 with both)."""
    rho, rho_area = 0.3, 0.25
    post = JointPosterior(["a", "b", "c"], rho, {"a": "math", "b": "math", "c": "python"}, rho_area)
    for skill, skill_obs in zip("abc", obs, strict=True):
        for o in skill_obs:
            post.update(skill, o)
    within = rho + rho_area
    cov = np.array([[1, within, rho], [within, 1, rho], [rho, rho, 1]])
    expected = brute_force_three_skills(obs, cov, 0.2)
    for skill, (mean, p_below) in zip("abc", expected, strict=True):
        est = post.estimate(skill, 0.2)
        assert est.theta == pytest.approx(mean, abs=0.03), skill
        assert est.p_gap == pytest.approx(p_below, abs=0.02), skill


def test_an_answer_moves_its_own_area_more_than_another():
    post = JointPosterior(["a", "b", "c"], 0.3, {"a": "math", "b": "math", "c": "python"}, 0.25)
    for o in RIGHT:
        post.update("a", o)
    assert post.estimate("b", 0).theta > post.estimate("c", 0).theta + 0.1 > 0.1


def test_without_area_correlation_areas_change_nothing():
    one_factor = JointPosterior(["a", "b"], 0.4)
    with_areas = JointPosterior(["a", "b"], 0.4, {"a": "math", "b": "python"}, 0.0)
    for post in (one_factor, with_areas):
        for o in RIGHT + WRONG:
            post.update("a", o)
    assert with_areas.estimate("b", 0.1) == one_factor.estimate("b", 0.1)


def test_area_estimate_is_the_mean_of_its_skills():
    post = JointPosterior(["a", "b", "c"], 0.3, {"a": "math", "b": "math", "c": "python"}, 0.25)
    for o in WRONG:
        post.update("a", o)
    for o in RIGHT:
        post.update("b", o)
    a, b = post.estimate("a", 0.2), post.estimate("b", 0.2)
    area = post.area_estimate(["a", "b"], 0.2)
    assert area.n_items == 5 and area.theta == pytest.approx((a.theta + b.theta) / 2, abs=1e-6)
    weighted = post.area_estimate(["a", "b"], 0.2, [1.0, 3.0])
    assert weighted.theta == pytest.approx((a.theta + 3 * b.theta) / 4, abs=1e-6)
    # a skill the posterior does not know is left out with its weight, not shifting the others'
    assert post.area_estimate(["a", "zzz", "b"], 0.2, [1.0, 5.0, 3.0]).theta == pytest.approx(weighted.theta, abs=1e-9)
    assert area.sd < max(a.sd, b.sd)                       # a mean of two is firmer than either
    # one skill: the area is that skill (its conditional taken as normal: close, not exact)
    alone = post.area_estimate(["c"], 0.2)
    c = post.estimate("c", 0.2)
    assert alone.theta == pytest.approx(c.theta, abs=1e-6) and alone.sd == pytest.approx(c.sd, abs=1e-3)
    assert alone.p_gap == pytest.approx(c.p_gap, abs=0.02) and alone.shortfall == pytest.approx(c.shortfall, abs=0.02)
    with pytest.raises(ValueError):
        post.area_estimate(["zzz"], 0.0)


def test_area_mean_matches_brute_force():
    obs = (WRONG, RIGHT, RIGHT[:1])
    rho, rho_area = 0.3, 0.25
    post = JointPosterior(["a", "b", "c"], rho, {"a": "math", "b": "math", "c": "python"}, rho_area)
    for skill, skill_obs in zip("abc", obs, strict=True):
        for o in skill_obs:
            post.update(skill, o)
    within = rho + rho_area
    cov = np.array([[1, within, rho], [within, 1, rho], [rho, rho, 1]])
    w, grids = trivariate_posterior(obs, cov)
    mean = (grids[0] + grids[1]) / 2
    area = post.area_estimate(["a", "b"], 0.1)
    assert area.theta == pytest.approx(float((w * mean).sum()), abs=0.03)
    assert area.p_gap == pytest.approx(float(w[mean < 0.1].sum()), abs=0.03)


def test_weighted_evidence_counts_as_a_fraction_of_an_answer():
    half, once = JointPosterior(["a"], 0.0), JointPosterior(["a"], 0.0)
    for o in RIGHT:
        half.update("a", replace(o, weight=0.5))
        half.update("a", replace(o, weight=0.5))
        once.update("a", o)
    assert half.estimate("a", 0).p_gap == pytest.approx(once.estimate("a", 0).p_gap, abs=1e-9)
    faded = JointPosterior(["a"], 0.0)
    for o in RIGHT:
        faded.update("a", replace(o, weight=0.25))
    assert 0.5 > faded.estimate("a", 0).p_gap > once.estimate("a", 0).p_gap
