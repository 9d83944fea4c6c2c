"""The scoring settings every attempt uses, defined once: the gap thresholds, the prior's correlations
between skills, how fast a profile's old answers fade and the adaptive test's per-skill cap, from the
app's config (config.py)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

from flask import current_app

from ..bank.item_parameters import prior_rho, prior_rho_area
from ..scoring.adaptive import AdaptiveSettings

_EXTENSION = "quizapp.scoring_settings"


@dataclass(frozen=True)
class ScoringSettings:
    gap_threshold: float     # P(gap) at or above it: a gap
    no_gap_threshold: float  # at or below it: no gap; in between, not sure yet
    rho: float               # correlation between skills in the prior
    skill_cap: int           # an adaptive test asks at most this many questions on one skill
    rho_area: float = 0.0    # more correlation between two skills of one area
    half_life_days: float = 30.0  # a profile's answer this old counts half
    skill_choice: str = "decisive"  # which open skill an adaptive test asks about next (scoring/adaptive.py)

    @classmethod
    def from_config(cls, config: Mapping) -> ScoringSettings:
        return cls(config["GAP_THRESHOLD"], config["NO_GAP_THRESHOLD"], config["PRIOR_RHO"],
                   config["ADAPTIVE_SKILL_CAP"], config["PRIOR_RHO_AREA"], config["PROFILE_HALF_LIFE_DAYS"],
                   config["ADAPTIVE_SKILL_CHOICE"])

    def adaptive(self, max_items: int, n_skills: int) -> AdaptiveSettings:
        """Selection settings for an adaptive attempt of at most `max_items` questions on `n_skills` skills."""
        return AdaptiveSettings.for_assessment(max_items, n_skills, skill_cap=self.skill_cap,
                                               skill_choice=self.skill_choice, decide_low=self.no_gap_threshold,
                                               decide_high=self.gap_threshold)


def configured_settings() -> ScoringSettings:
    """This app's settings as its config gives them, built once; no database read (the report's
    wording needs only the thresholds)."""
    configured = current_app.extensions.get(_EXTENSION)
    if configured is None:
        configured = current_app.extensions[_EXTENSION] = ScoringSettings.from_config(current_app.config)
    return configured


def scoring_settings() -> ScoringSettings:
    """The settings scoring uses: the configured ones, with the correlations `quizapp calibrate` estimated
    in place of the configured ones when there are some (they can change while the app runs)."""
    configured = configured_settings()
    return replace(configured, rho=prior_rho(configured.rho), rho_area=prior_rho_area(configured.rho_area))
