"""Turn per-skill estimates and a role's targets into gap decisions people can read."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from .ability import Observation, SkillEstimate, estimate, target_theta
from .posterior import joint_posterior

GAP, NO_GAP, UNCERTAIN = "gap", "no_gap", "uncertain"
STATUS_LABELS = {GAP: "Gap", NO_GAP: "No gap", UNCERTAIN: "Not sure yet"}
STATUS_ORDER = {GAP: 0, UNCERTAIN: 1, NO_GAP: 2}
# A skill with no answer of its own gets a call only this sure, borrowed from the answers on related skills:
# the bar at which an adaptive test stops asking about it (AdaptiveSettings.stop_low / stop_high).
BORROWED_NO_GAP, BORROWED_GAP = 0.1, 0.9

# The 0-300 scale: 150 is the prior mean (a level-3 question answered at chance+50 %),
# 50 points per logit, so the difficulty labels 1-5 sit at 75, 112, 150, 188, 225.
SCALE_CENTRE, SCALE_PER_LOGIT, SCALE_MAX = 150.0, 50.0, 300.0

# Plain-word levels by ability, cut halfway between the difficulty labels.
LEVEL_WORDS = ((-1.125, "Novice"), (-0.375, "Beginner"), (0.375, "Intermediate"),
               (1.125, "Advanced"), (float("inf"), "Expert"))


@dataclass(frozen=True)
class Target:
    level: int
    weight: float = 1.0
    mastery_p: float = 0.5

    @property
    def theta(self) -> float:
        return target_theta(self.level, self.mastery_p)


class OnTheScale:
    """What a call shows on the 0-300 scale and in words (needs `estimate` and `status`)."""

    estimate: SkillEstimate
    status: str

    @property
    def score(self) -> int:
        return to_scale(self.estimate.theta)

    @property
    def band(self) -> tuple[int, int]:
        """The score ± one posterior SD, on the 0-300 scale."""
        e = self.estimate
        return to_scale(e.theta - e.sd), to_scale(e.theta + e.sd)

    @property
    def target_score(self) -> int:
        return to_scale(self.estimate.target)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class SkillGap(OnTheScale):
    skill_id: str
    estimate: SkillEstimate
    target: Target
    status: str

    @property
    def priority(self) -> float:
        """Role weight times expected shortfall: how much closing this gap matters."""
        return self.target.weight * self.estimate.shortfall

    @property
    def level_word(self) -> str:
        return level_word(self.estimate.theta)


def to_scale(theta: float) -> int:
    return int(round(min(SCALE_MAX, max(0.0, SCALE_CENTRE + SCALE_PER_LOGIT * theta))))


def level_word(theta: float) -> str:
    return next(word for cut, word in LEVEL_WORDS if theta < cut)


def classify(p_gap: float, gap_threshold: float = 0.7, no_gap_threshold: float = 0.3) -> str:
    """Gap when P(gap) >= 0.7, no gap when <= 0.3, otherwise not sure yet."""
    if p_gap >= gap_threshold:
        return GAP
    if p_gap <= no_gap_threshold:
        return NO_GAP
    return UNCERTAIN


@dataclass(frozen=True)
class AreaGap(OnTheScale):
    """The call for an area (math, Python, …): the mean ability of its skills, weighted by the role, against
    the same mean of their targets (JointPosterior.area_estimate)."""

    area: str
    estimate: SkillEstimate
    skills: tuple[str, ...]
    status: str


def call(e: SkillEstimate, gap_threshold: float = 0.7, no_gap_threshold: float = 0.3) -> str:
    """The status of an estimate: classify, but with no answer of its own only at the borrowed bar."""
    if e.n_items == 0:
        return classify(e.p_gap, BORROWED_GAP, BORROWED_NO_GAP)
    return classify(e.p_gap, gap_threshold, no_gap_threshold)


def analyse(observations: Mapping[str, Sequence[Observation]], targets: Mapping[str, Target],
            gap_threshold: float = 0.7, no_gap_threshold: float = 0.3, rho: float = 0.0,
            areas: Mapping[str, str] | None = None, rho_area: float = 0.0) -> list[SkillGap]:
    """Estimate every targeted skill (no answers means the prior) and order by priority.

    With rho > 0 the skills share a general factor (and with rho_area > 0 an area factor too), so answers
    on one skill inform the others; a skill with no answer of its own gets a call only at the borrowed bar.
    """
    return analyse_all(observations, targets, gap_threshold, no_gap_threshold, rho, areas, rho_area)[0]


def analyse_all(observations: Mapping[str, Sequence[Observation]], targets: Mapping[str, Target],
                gap_threshold: float = 0.7, no_gap_threshold: float = 0.3, rho: float = 0.0,
                areas: Mapping[str, str] | None = None, rho_area: float = 0.0) -> tuple[list[SkillGap], list[AreaGap]]:
    """analyse, and the calls per area of the targeted skills (none without a correlated prior and areas:
    then an area has no shared level to estimate)."""
    posterior = None
    if rho > 0 or rho_area > 0:
        posterior = joint_posterior(observations, targets, rho, areas, rho_area)
        estimates = {s: posterior.estimate(s, t.theta) for s, t in targets.items()}
    else:
        estimates = {s: estimate(observations.get(s, ()), t.theta) for s, t in targets.items()}
    gaps = [SkillGap(skill_id, estimates[skill_id], target, call(estimates[skill_id], gap_threshold, no_gap_threshold))
            for skill_id, target in targets.items()]
    gaps.sort(key=lambda g: (STATUS_ORDER[g.status], -g.priority, g.skill_id))
    area_gaps = []
    if posterior is not None and areas:
        members: dict[str, list[str]] = {}
        for skill_id in targets:
            if areas.get(skill_id):
                members.setdefault(areas[skill_id], []).append(skill_id)
        for area, skill_ids in members.items():
            weights = [targets[s].weight for s in skill_ids]
            target = sum(w * targets[s].theta for w, s in zip(weights, skill_ids)) / (sum(weights) or 1.0)
            e = posterior.area_estimate(skill_ids, target, weights)
            area_gaps.append(AreaGap(area, e, tuple(skill_ids), call(e, gap_threshold, no_gap_threshold)))
    return gaps, area_gaps
