"""Turn per-skill estimates and a role's targets into gap decisions people can read."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from .ability import Observation, SkillEstimate, estimate, target_theta
from .posterior import joint_estimates

GAP, NO_GAP, UNCERTAIN = "gap", "no_gap", "uncertain"
STATUS_LABELS = {GAP: "Gap", NO_GAP: "No gap", UNCERTAIN: "Not sure yet"}
STATUS_ORDER = {GAP: 0, UNCERTAIN: 1, NO_GAP: 2}

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


@dataclass(frozen=True)
class SkillGap:
    skill_id: str
    estimate: SkillEstimate
    target: Target
    status: str

    @property
    def priority(self) -> float:
        """Role weight times expected shortfall: how much closing this gap matters."""
        return self.target.weight * self.estimate.shortfall

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
    def level_word(self) -> str:
        return level_word(self.estimate.theta)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


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


def analyse(observations: Mapping[str, Sequence[Observation]], targets: Mapping[str, Target],
            gap_threshold: float = 0.7, no_gap_threshold: float = 0.3, rho: float = 0.0) -> list[SkillGap]:
    """Estimate every targeted skill (no answers means the prior) and order by priority.

    With rho > 0 the skills share a general factor, so answers on one skill inform the others.
    """
    if rho > 0:
        estimates = joint_estimates({s: list(o) for s, o in observations.items()},
                                    {s: t.theta for s, t in targets.items()}, rho)
    else:
        estimates = {s: estimate(observations.get(s, ()), t.theta) for s, t in targets.items()}
    gaps = []
    for skill_id, target in targets.items():
        est = estimates[skill_id]
        # With no answer of its own, a skill's estimate is only borrowed from the others: never a verdict.
        status = UNCERTAIN if est.n_items == 0 else classify(est.p_gap, gap_threshold, no_gap_threshold)
        gaps.append(SkillGap(skill_id, est, target, status))
    gaps.sort(key=lambda g: (STATUS_ORDER[g.status], -g.priority, g.skill_id))
    return gaps
