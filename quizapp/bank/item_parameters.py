"""`quizapp calibrate`: fit item parameters from stored responses, and the skills' correlation.

Per skill, a 3PL with guessing fixed at 1/choices and priors on a and b (scoring/calibration.py)
is fitted to every answered item of submitted attempts (an attempt is one "person"). "I don't
know" enters as a failure without the guessing floor, as in scoring (scoring/calibration.py shows
why that leaves a and b exactly as a plain failure would: with c fixed, the floor is a constant factor). Fits
are stored per question version with their response count; scoring uses them once a version
has CALIBRATION_MIN_RESPONSES responses, and the difficulty label before that.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from sqlalchemy import select

from ..extensions import db
from ..models import Attempt, AttemptItem, ItemCalibration, ModelSetting, QuestionVersion, Skill, utcnow
from ..questiontypes import get_question_type
from ..scoring.ability import DIFFICULTY_B, Observation, estimate, item_params
from ..scoring.calibration import CalibrationItem, ItemFit, fit_3pl
from ..scoring.grading import DONT_KNOW

MIN_ATTEMPTS_FOR_RHO = 200
RHO_KEY = "prior_rho"
RHO_AREA_KEY = "prior_rho_area"


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


def _responses():
    """(attempt id, version id, credit, state) of every answered item in submitted attempts."""
    return db.session.execute(
        select(AttemptItem.attempt_id, AttemptItem.version_id, AttemptItem.credit, AttemptItem.state)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.status == "submitted", AttemptItem.credit.is_not(None))).all()


def calibrate() -> CalibrationSummary:
    """Fit every skill's items and store the results (the caller commits)."""
    rows = _responses()
    summary = CalibrationSummary(attempts=len({r.attempt_id for r in rows}))
    versions = {v.id: v for v in db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.id.in_({r.version_id for r in rows})))}
    by_skill: dict[str, list[QuestionVersion]] = defaultdict(list)
    for v in versions.values():
        by_skill[v.skills[0]].append(v)
    for skill, skill_versions in sorted(by_skill.items()):
        keys = {v.id for v in skill_versions}
        items = [CalibrationItem(v.id, get_question_type(v.qtype).guessing_floor(v.definition),
                                 DIFFICULTY_B[v.difficulty]) for v in skill_versions]
        fits = fit_3pl(items, [(r.attempt_id, r.version_id, r.credit, r.state != DONT_KNOW)
                               for r in rows if r.version_id in keys])
        summary.fits.extend(fits)
        summary.per_skill[skill] = len(fits)
    existing = {c.version_id: c for c in db.session.scalars(select(ItemCalibration))}
    for fit in summary.fits:
        row = existing.get(fit.key) or ItemCalibration(version_id=fit.key)
        row.a, row.b, row.c, row.responses, row.misfit, row.fitted_at = fit.a, fit.b, fit.c, fit.n, fit.misfit, utcnow()
        db.session.add(row)
    areas = dict(db.session.execute(select(Skill.id, Skill.area)).all())
    summary.rho, summary.rho_area, summary.rho_note = estimate_rho(rows, versions, areas)
    for key, value in ((RHO_KEY, summary.rho), (RHO_AREA_KEY, summary.rho_area)):
        if value is not None:
            setting = db.session.get(ModelSetting, key) or ModelSetting(key=key)
            setting.value = f"{value:.3f}"
            db.session.add(setting)
    return summary


def estimate_rho(rows, versions, areas: dict[str, str] | None = None) -> tuple[float | None, float | None, str]:
    """The skills' correlations from per-attempt EAP estimates, corrected for their unreliability: the
    mean over pairs of skills of different areas (rho, the general factor's share), and how much more
    pairs of one area correlate (rho_area; None without such pairs or without pairs across areas).

    Only with at least MIN_ATTEMPTS_FOR_RHO attempts; each pair of skills uses the attempts that
    answered at least two items on both.
    """
    areas = areas or {}
    attempts = {r.attempt_id for r in rows}
    if len(attempts) < MIN_ATTEMPTS_FOR_RHO:
        return None, None, (f"{len(attempts)} submitted attempts; the correlation is estimated from "
                            f"{MIN_ATTEMPTS_FOR_RHO}")
    per_attempt: dict[int, dict[str, list[Observation]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        v = versions[r.version_id]
        params = item_params(v.difficulty, get_question_type(v.qtype).guessing_floor(v.definition))
        per_attempt[r.attempt_id][v.skills[0]].append(Observation(params, r.credit, guessing=r.state != DONT_KNOW))
    estimates: dict[str, dict[int, tuple[float, float]]] = defaultdict(dict)
    for attempt_id, skills in per_attempt.items():
        for skill, obs in skills.items():
            if len(obs) >= 2:
                e = estimate(obs, 0.0)
                estimates[skill][attempt_id] = (e.theta, e.sd)
    corrected, within, across = [], [], []
    for s, t in combinations(sorted(estimates), 2):
        shared = sorted(set(estimates[s]) & set(estimates[t]))
        if len(shared) < 30:
            continue
        xs = np.array([estimates[s][a] for a in shared])
        ys = np.array([estimates[t][a] for a in shared])
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
