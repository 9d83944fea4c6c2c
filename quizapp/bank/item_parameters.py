"""`quizapp calibrate`: fit item parameters from stored responses, and the skills' correlation.

Per skill, a 3PL with guessing fixed at 1/choices and priors on a and b (scoring/calibration.py)
is fitted to every answered item of submitted attempts (an attempt is one "person"). "I don't
know" enters as a failure without the guessing floor, as in scoring (scoring/calibration.py shows
why that leaves a and b exactly as a plain failure would: with c fixed, the floor is a constant factor). Fits
are stored per question version with their response count; scoring uses them once a version
has CALIBRATION_MIN_RESPONSES responses, and the difficulty label before that.

The answers come from the database sorted by skill through a server-side cursor, as columns, so
only one skill's answers are held at a time (the correlation keeps each attempt's estimate per
skill, not its answers).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterator

import numpy as np
from sqlalchemy import Integer, column, select, values

from ..extensions import db
from ..models import Attempt, AttemptItem, ItemCalibration, ModelSetting, QuestionVersion, Skill, utcnow
from ..questiontypes import get_question_type
from ..scoring.ability import DIFFICULTY_B, eap_by_person, item_params
from ..scoring.calibration import CalibrationItem, ItemFit, fit_3pl_arrays
from ..scoring.grading import DONT_KNOW

MIN_ATTEMPTS_FOR_RHO = 200
RHO_KEY = "prior_rho"
RHO_AREA_KEY = "prior_rho_area"
STREAM_ROWS = 20_000        # rows per fetch from the server-side cursor


@dataclass
class CalibrationSummary:
    attempts: int = 0
    fits: list[ItemFit] = field(default_factory=list)
    per_skill: dict[str, int] = field(default_factory=dict)
    rho: float | None = None
    rho_area: float | None = None
    rho_note: str = ""

    def usable(self, minimum: int) -> int:
        return sum(1 for f in self.fits if f.n >= minimum)


@dataclass
class SkillAnswers:
    """One skill's answered items of submitted attempts, as columns (one entry per answer)."""

    skill: str
    attempt: np.ndarray      # attempt ids
    version: np.ndarray      # question version ids
    credit: np.ndarray       # 0..1
    declined: np.ndarray     # True for "I don't know"


@dataclass
class SkillEstimates:
    """Per-attempt EAP of one skill (attempts with two answers or more on it), by ascending attempt id."""

    attempt: np.ndarray
    theta: np.ndarray
    sd: np.ndarray


def _skill_answers(skill_of: dict[int, str]) -> Iterator[SkillAnswers]:
    """Every answered item of submitted attempts, one skill at a time in skill order.

    The database sorts the rows by skill (a VALUES list ranks the versions) and streams them, so a
    skill's columns are built while it arrives and handed on when the next skill starts."""
    skills = sorted(set(skill_of.values()))
    rank_of = {skill: k for k, skill in enumerate(skills)}
    if not skill_of:
        return
    ranks = values(column("version_id", Integer), column("skill_rank", Integer), name="skill_ranks").data(
        [(vid, rank_of[skill]) for vid, skill in skill_of.items()]).cte("skill_ranks")
    stmt = (select(ranks.c.skill_rank, AttemptItem.attempt_id, AttemptItem.version_id, AttemptItem.credit,
                   AttemptItem.state == DONT_KNOW)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .join(ranks, ranks.c.version_id == AttemptItem.version_id)
            .where(Attempt.status == "submitted", AttemptItem.credit.is_not(None))
            .order_by(ranks.c.skill_rank))
    result = db.session.execute(stmt, execution_options={"yield_per": STREAM_ROWS})
    current, parts = None, []
    for rows in result.partitions():
        rank, attempt, version, credit, declined = (np.asarray(col) for col in zip(*rows, strict=True))
        cuts = np.flatnonzero(np.diff(rank)) + 1
        for lo, hi in zip(np.concatenate([[0], cuts]), np.concatenate([cuts, [rank.size]]), strict=True):
            if rank[lo] != current and parts:
                yield _joined(skills[current], parts)
                parts = []
            current = int(rank[lo])
            parts.append((attempt[lo:hi], version[lo:hi], credit[lo:hi], declined[lo:hi]))
    if parts:
        yield _joined(skills[current], parts)


def _joined(skill: str, parts: list[tuple]) -> SkillAnswers:
    attempt, version, credit, declined = (np.concatenate(col) for col in zip(*parts, strict=True))
    return SkillAnswers(skill, attempt.astype(np.int64), version.astype(np.int64), credit.astype(float),
                        declined.astype(bool))


def calibrate() -> CalibrationSummary:
    """Fit every skill's items and store the results (the caller commits)."""
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion)) if v.skills}
    skill_of = {vid: v.skills[0] for vid, v in versions.items()}
    floor = {vid: get_question_type(v.qtype).guessing_floor(v.definition) for vid, v in versions.items()}
    summary = CalibrationSummary()
    estimates: dict[str, SkillEstimates] = {}
    attempts = []
    for answers in _skill_answers(skill_of):
        keys = np.unique(answers.version)             # only versions with answers get a fit, as before
        index = np.searchsorted(keys, answers.version)
        items = [CalibrationItem(int(k), floor[k], DIFFICULTY_B[versions[k].difficulty]) for k in keys]
        fits = fit_3pl_arrays(items, answers.attempt, index, answers.credit, answers.declined)
        summary.fits.extend(fits)
        summary.per_skill[answers.skill] = len(fits)
        estimates[answers.skill] = skill_estimates(
            answers, [item_params(versions[k].difficulty, floor[k]) for k in keys], index)
        attempts.append(np.unique(answers.attempt))
    summary.attempts = int(np.unique(np.concatenate(attempts)).size) if attempts else 0
    existing = {c.version_id: c for c in db.session.scalars(select(ItemCalibration))}
    for fit in summary.fits:
        row = existing.get(fit.key) or ItemCalibration(version_id=fit.key)
        row.a, row.b, row.c, row.responses, row.misfit, row.fitted_at = fit.a, fit.b, fit.c, fit.n, fit.misfit, utcnow()
        db.session.add(row)
    areas = dict(db.session.execute(select(Skill.id, Skill.area)).all())
    summary.rho, summary.rho_area, summary.rho_note = estimate_rho(estimates, summary.attempts, areas)
    for key, value in ((RHO_KEY, summary.rho), (RHO_AREA_KEY, summary.rho_area)):
        if value is not None:
            setting = db.session.get(ModelSetting, key) or ModelSetting(key=key)
            setting.value = f"{value:.3f}"
            db.session.add(setting)
    return summary


def skill_estimates(answers: SkillAnswers, params, index: np.ndarray) -> SkillEstimates:
    """Each attempt's EAP and SD on the skill under the day-one parameters ``params`` (by ``index``),
    for the attempts with at least two answers on it: the estimates the correlation is taken from."""
    _, inverse, counts = np.unique(answers.attempt, return_inverse=True, return_counts=True)
    keep = counts[inverse.ravel()] >= 2
    attempt, theta, sd = eap_by_person(answers.attempt[keep], index[keep], answers.credit[keep],
                                       ~answers.declined[keep], params)
    return SkillEstimates(attempt, theta, sd)


def estimate_rho(estimates: dict[str, SkillEstimates], attempts: int,
                 areas: dict[str, str] | None = None) -> tuple[float | None, float | None, str]:
    """The skills' correlations from per-attempt EAP estimates, corrected for their unreliability: the
    mean over pairs of skills of different areas (rho, the general factor's share), and how much more
    pairs of one area correlate (rho_area; None without such pairs or without pairs across areas).

    Only with at least MIN_ATTEMPTS_FOR_RHO attempts; each pair of skills uses the attempts that
    answered at least two items on both.
    """
    areas = areas or {}
    if attempts < MIN_ATTEMPTS_FOR_RHO:
        return None, None, (f"{attempts} submitted attempts; the correlation is estimated from "
                            f"{MIN_ATTEMPTS_FOR_RHO}")
    corrected, within, across = [], [], []
    for s, t in combinations(sorted(k for k, e in estimates.items() if e.attempt.size), 2):
        es, et = estimates[s], estimates[t]
        _, i, j = np.intersect1d(es.attempt, et.attempt, assume_unique=True, return_indices=True)
        if i.size < 30:
            continue
        xs, ys = np.column_stack([es.theta[i], es.sd[i]]), np.column_stack([et.theta[j], et.sd[j]])
        if xs[:, 0].std() == 0 or ys[:, 0].std() == 0:
            continue
        r = float(np.corrcoef(xs[:, 0], ys[:, 0])[0, 1])
        reliability = [x[:, 0].var() / (x[:, 0].var() + (x[:, 1] ** 2).mean()) for x in (xs, ys)]
        value = r / np.sqrt(max(reliability[0] * reliability[1], 1e-6))
        corrected.append(value)
        same_area = areas.get(s) is not None and areas.get(s) == areas.get(t)
        (within if same_area else across).append(value)
    if not corrected:
        return None, None, "no pair of skills shares 30 attempts with two answers each"
    if not (within and across):  # one kind of pair only: one correlation for all of them
        rho = float(np.clip(np.mean(corrected), 0.0, 0.9))
        return rho, None, f"from {len(corrected)} skill pairs"
    rho = float(np.clip(np.mean(across), 0.0, 0.9))
    rho_area = float(np.clip(np.mean(within) - rho, 0.0, 0.9 - rho))
    return rho, rho_area, f"from {len(across)} skill pairs across areas and {len(within)} within one"


def _setting(key: str, default: float) -> float:
    setting = db.session.get(ModelSetting, key)
    try:
        return float(setting.value) if setting else default
    except ValueError:
        return default


def prior_rho(default: float) -> float:
    """The correlation the prior uses between any two skills: the calibrated one when there is one, else the default."""
    return _setting(RHO_KEY, default)


def prior_rho_area(default: float) -> float:
    """How much more two skills of one area correlate: the calibrated value when there is one, else the default."""
    return _setting(RHO_AREA_KEY, default)
