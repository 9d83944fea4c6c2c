"""A learner's skill profile across sittings: every scored answer counts, an older one less.

An answer `age_days` old counts 0.5 ** (age_days / half_life_days) of a fresh one: its log-likelihood
is multiplied by that weight (ability.Observation.weight, a power likelihood). Why fading and not
keeping everything: a learner who has studied must be able to move; a month-old wrong answer should not
outvote a fresh right one. Why not a drift model (the ability as a random walk between sittings):
on the grid posterior with a general and an area factor it would need the whole joint per sitting,
while a weight per answer keeps one posterior and one rebuild per request. Answers of the same
sitting (a few minutes apart) keep nearly their full weight, so within a sitting nothing changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Iterable

from .ability import Observation


@dataclass(frozen=True)
class Answer:
    """One scored answer of the learner's history: the skills its question measures, the observation,
    when it was given and the sitting (attempt) it belongs to."""

    skills: tuple[str, ...]
    observation: Observation
    answered_at: datetime
    sitting: int


def fading_weight(age_days: float, half_life_days: float) -> float:
    """How much an answer `age_days` old counts: 1 when fresh, 1/2 after one half-life (never more than 1)."""
    return 0.5 ** (max(age_days, 0.0) / half_life_days)


@dataclass
class SkillBasis:
    """What a skill's call rests on: its questions, the sittings they came from, and how many are this sitting's."""

    questions: int = 0
    this_sitting: int = 0
    sittings: set = field(default_factory=set)


def faded_observations(answers: Iterable[Answer], as_of: datetime, half_life_days: float) -> dict[str, list[Observation]]:
    """The answers as weighted observations per skill, aged as of `as_of` (answers after it are left out)."""
    out: dict[str, list[Observation]] = {}
    for answer in answers:
        if answer.answered_at > as_of:
            continue
        weight = fading_weight((as_of - answer.answered_at).total_seconds() / 86400.0, half_life_days)
        observation = replace(answer.observation, weight=answer.observation.weight * weight)
        for skill in answer.skills:
            out.setdefault(skill, []).append(observation)
    return out


def basis(answers: Iterable[Answer], this_sitting: int) -> dict[str, SkillBasis]:
    """Per skill, what the profile rests on."""
    out: dict[str, SkillBasis] = {}
    for answer in answers:
        for skill in answer.skills:
            b = out.setdefault(skill, SkillBasis())
            b.questions += 1
            b.this_sitting += answer.sitting == this_sitting
            b.sittings.add(answer.sitting)
    return out
