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
from sqlalchemy import BigInteger, Float, cast, select
from threadpoolctl import threadpool_limits

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
COPY_BLOCK_BYTES = 1 << 20  # COPY data parsed a block at a time


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

    The rows stream from the database in its own order (sorting two million answers by skill would
    cost the server more than reading them) and are filed per skill as compact columns, about 17
    bytes an answer; each skill's are handed on, then dropped."""
    skills = sorted(set(skill_of.values()))
    if not skill_of:
        return
    rank = np.full(max(skill_of) + 1, -1, dtype=np.intp)
    for vid, skill in skill_of.items():
        rank[vid] = skills.index(skill)
    parts: list[list[tuple]] = [[] for _ in skills]
    for attempt, version, credit, declined in _answer_blocks():
        known = version <= rank.size - 1
        of = np.where(known, rank[np.where(known, version, 0)], -1)
        order = np.argsort(of, kind="stable")
        bounds = np.searchsorted(of[order], np.arange(len(skills) + 1))
        for k in range(len(skills)):
            sel = order[bounds[k]:bounds[k + 1]]
            if sel.size:
                parts[k].append((attempt[sel].astype(np.int32), version[sel].astype(np.int32), credit[sel],
                                 declined[sel]))
    for k, skill in enumerate(skills):
        if parts[k]:
            columns = [np.concatenate(col) for col in zip(*parts[k], strict=True)]
            parts[k] = []
            yield SkillAnswers(skill, *columns)


def _answers_query():
    return (select(AttemptItem.attempt_id, AttemptItem.version_id, AttemptItem.credit, AttemptItem.state == DONT_KNOW)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .where(Attempt.status == "submitted", AttemptItem.credit.is_not(None)))


def _answer_blocks() -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """(attempt ids, version ids, credit, declined) columns, a block of rows at a time: on PostgreSQL
    by a binary COPY parsed straight into arrays (no Python object per row), elsewhere through a
    server-side cursor."""
    if db.session.get_bind().dialect.name == "postgresql":
        yield from _copy_blocks()
        return
    result = db.session.execute(_answers_query(), execution_options={"yield_per": STREAM_ROWS})
    for rows in result.partitions():
        attempt, version, credit, declined = zip(*rows, strict=True)
        yield (np.array(attempt, dtype=np.int64), np.array(version, dtype=np.int64),
               np.array(credit, dtype=float), np.array(declined, dtype=bool))


# COPY ... (FORMAT binary): a 19-byte header, then per row a field count and each field as length +
# big-endian value; with two bigints, a double and a bool, never NULL here, every row is 43 bytes.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00"
_COPY_ROW = np.dtype([("fields", ">i2"), ("len_attempt", ">i4"), ("attempt", ">i8"), ("len_version", ">i4"),
                      ("version", ">i8"), ("len_credit", ">i4"), ("credit", ">f8"), ("len_declined", ">i4"),
                      ("declined", "?")])
_COPY_LENGTHS = {"fields": 4, "len_attempt": 8, "len_version": 8, "len_credit": 8, "len_declined": 1}


def _copy_blocks():
    query = _answers_query().with_only_columns(
        cast(AttemptItem.attempt_id, BigInteger), cast(AttemptItem.version_id, BigInteger),
        cast(AttemptItem.credit, Float), AttemptItem.state == DONT_KNOW)
    sql = str(query.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)") as copy:
        buffer, started = bytearray(), False
        for data in copy:
            buffer += data
            if not started:
                if len(buffer) < 19:
                    continue
                if bytes(buffer[:11]) != _COPY_HEADER:
                    raise RuntimeError("COPY did not answer in the binary format")
                extension = int.from_bytes(buffer[15:19], "big")
                if len(buffer) < 19 + extension:
                    continue
                del buffer[:19 + extension]
                started = True
            if len(buffer) >= COPY_BLOCK_BYTES:                  # the server sends a message per row
                whole = len(buffer) // _COPY_ROW.itemsize * _COPY_ROW.itemsize
                yield _copy_columns(np.frombuffer(bytes(buffer[:whole]), dtype=_COPY_ROW))
                del buffer[:whole]
        whole = len(buffer) // _COPY_ROW.itemsize * _COPY_ROW.itemsize
        if whole:
            yield _copy_columns(np.frombuffer(bytes(buffer[:whole]), dtype=_COPY_ROW))
            del buffer[:whole]
        if buffer != b"\xff\xff":                       # all that is left is the trailer
            raise RuntimeError(f"COPY ended with {len(buffer)} bytes that are not a whole row")


def _copy_columns(rows: np.ndarray):
    for name, length in _COPY_LENGTHS.items():
        if (rows[name] != length).any():
            raise RuntimeError(f"COPY row with an unexpected {name}: the query's column types changed")
    return (rows["attempt"].astype(np.int64), rows["version"].astype(np.int64), rows["credit"].astype(float),
            rows["declined"].copy())


def calibrate() -> CalibrationSummary:
    """Fit every skill's items and store the results (the caller commits).

    The fits run on one BLAS thread: their matrix products are small (patterns × items × 41 nodes)
    and many, so a second thread only spins; on a machine whose cores are busy, OpenBLAS's default
    threads made the same fit take seven times the CPU (bench/README.md)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _calibrate()


def _calibrate() -> CalibrationSummary:
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion)) if v.skills}
    skill_of = {vid: v.skills[0] for vid, v in versions.items()}
    floor = {vid: get_question_type(v.qtype).guessing_floor(v.definition) for vid, v in versions.items()}
    summary = CalibrationSummary()
    estimates: dict[str, SkillEstimates] = {}
    attempts = []
    existing = {c.version_id: c for c in db.session.scalars(select(ItemCalibration))}
    for answers in _skill_answers(skill_of):
        keys = np.unique(answers.version)             # only versions with answers get a fit, as before
        index = np.searchsorted(keys, answers.version)
        keys = keys.tolist()
        items = [CalibrationItem(k, floor[k], DIFFICULTY_B[versions[k].difficulty]) for k in keys]
        # EM starts from the last stored fit: it stops by the same rule, in fewer E-steps.
        start = [(existing[k].a, existing[k].b) if k in existing and existing[k].a is not None
                 and existing[k].b is not None else None for k in keys]
        fits = fit_3pl_arrays(items, answers.attempt, index, answers.credit, answers.declined, start=start)
        summary.fits.extend(fits)
        summary.per_skill[answers.skill] = len(fits)
        estimates[answers.skill] = skill_estimates(
            answers, [item_params(versions[k].difficulty, floor[k]) for k in keys], index)
        attempts.append(np.unique(answers.attempt))
    summary.attempts = int(np.unique(np.concatenate(attempts)).size) if attempts else 0
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
