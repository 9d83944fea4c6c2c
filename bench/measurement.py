#!/usr/bin/env python3
"""Measurement benchmark: gap-classification accuracy of the app's scoring against questions asked.

The protocol of MEASUREMENT.md section 7, run on the app's own code (quizapp.scoring):
simulated learners with known abilities answer items whose true parameters come from a truth
generator; every strategy sees the *same* learners and the *same* answer to each item (common
random numbers), so differences between strategies are paired.

Strategies (all prefix-consistent: one run to N = max gives every checkpoint N):
  pct             percent correct < 60 % on the fixed form (naive baseline, hard decision)
  fixed           the app's fixed form (draw_fixed_form), independent N(0, 1) EAP per skill
  fixed_rho03     the same answers scored as the app scores a submitted attempt (joint prior, rho 0.3)
  adaptive        the app's select_next + JointPosterior, correlated prior rho 0.5 (note's cat_cls_mv),
                  with the app's content rules (at least 40 % choice items at every point, at most 3
                  free-entry items or 2 items on one skill in a row)
  adaptive_rho03  the same with the app's default prior rho 0.3
  adaptive_c0     ablation: guessing ignored (c = 0 in selector and scorer)
  oracle          adaptive with the true item parameters (upper reference)
  catsim          peer: per skill catsim MaxInfoSelector + NumericalSearchEstimator from theta0 = 0,
                  round-robin over skills, same day-one parameters; gap if theta_hat < tau (no posterior)
Opt-in what-ifs (not the app):
  adaptive_randties    adaptive with random tie-breaking among equal-information items
  adaptive_unbalanced  adaptive with the content rules off, on the same selection random numbers as
                       adaptive: the pair measures what content balance costs

Usage:
  .venv/bin/python bench/measurement.py sittings --jobs 2   # issue #20: one and three sittings (bench/sittings.py)
  .venv/bin/python bench/measurement.py --learners 2000 --truth both --rho both --seed 1 \
      --out bench/out/measurement.json [--bank questions]
  .venv/bin/python bench/measurement.py --bank questions --learners 400 --strategies adaptive,adaptive_unbalanced \
      --latency-calls 0     # content balance on against off, paired
See bench/README.md for what every number means.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import math
import multiprocessing
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # tiny matrices: BLAS threads only fight the worker processes

import numpy as np  # noqa: E402  (after the BLAS thread counts above, which it reads when imported)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from quizapp.config import Config  # noqa: E402
from quizapp.questiontypes import get_question_type  # noqa: E402
from quizapp.scoring.ability import DAY_ONE_A, ItemParams, Observation, item_params, target_theta  # noqa: E402
from quizapp.scoring.ability import estimate as eap_estimate  # noqa: E402
from quizapp.scoring.adaptive import AdaptiveItem, AdaptiveSettings, AdaptiveState, SkillTarget, select_next  # noqa: E402
from quizapp.scoring.fixed_form import DIFFICULTY_ROTATION, Candidate, draw_fixed_form  # noqa: E402
from quizapp.scoring.posterior import JointPosterior  # noqa: E402

DEFAULT_STRATEGIES = ("pct", "fixed", "fixed_rho03", "adaptive", "adaptive_rho03", "adaptive_c0", "oracle", "catsim")
# opt-in what-ifs, not the app: random tie-breaking; the content rules off
ALL_STRATEGIES = DEFAULT_STRATEGIES + ("adaptive_randties", "adaptive_unbalanced")
PROBABILISTIC = {"fixed", "fixed_rho03", "adaptive", "adaptive_rho03", "adaptive_c0", "oracle", "adaptive_randties",
                 "adaptive_unbalanced"}
CHECKPOINTS = (12, 24, 36, 60)
EXPOSURE_AT = 24
# MEASUREMENT 2.1: labels easy/medium/hard 30/40/30 %, day-one b = -1/0/+1; codes 2/3/4 are the
# fixed form's difficulty codes, so DIFFICULTY_ROTATION (3, 2, 4, 1, 5) cycles medium, easy, hard.
SYNTH_LABELS = {2: -1.0, 3: 0.0, 4: 1.0}
SYNTH_TAU = (0.0, 0.0, 0.5, 0.0, -0.5, 0.0)
ANALYTIC_INFO = 0.136   # MEASUREMENT 2.3: mean information of an a = 1, 4-option MC item


# --- bank and truth --------------------------------------------------------------------------

@dataclass
class Bank:
    name: str
    skills: list[str]
    skill_of: np.ndarray      # (I,) skill index of each item
    label: np.ndarray         # (I,) difficulty code used by the fixed form
    day1: np.ndarray          # (I, 3) day-one a, b, c (what the app uses before calibration)
    free: np.ndarray          # (I,) free-entry item (no guessing)
    chance: np.ndarray        # (I,) 1/k for choice items, 0 for free entry: where the truth's c is centred
    tau: np.ndarray           # (S,) role target theta per skill
    weight: np.ndarray        # (S,) role weight per skill
    notes: dict = field(default_factory=dict)


def synthetic_bank(n_skills: int = 6, per_skill: int = 40) -> Bank:
    """MEASUREMENT 2.1: n_skills × per_skill 4-option MC items, labels 30/40/30 % easy/medium/hard."""
    n_easy = round(0.3 * per_skill)
    labels_one = [2] * n_easy + [3] * (per_skill - 2 * n_easy) + [4] * n_easy
    skills = [f"skill{s + 1}" for s in range(n_skills)]
    skill_of, label = [], []
    for s in range(n_skills):
        skill_of += [s] * per_skill
        label += labels_one
    label = np.array(label)
    four_options = {"choices": [{"text": str(i), "correct": i == 0} for i in range(4)]}
    chance = get_question_type("single").guessing_floor(four_options)  # 1/k = 0.25
    c = item_params(3, chance).c          # the app's day-one guessing floor for 4 options
    day1 = np.column_stack([np.full(len(label), DAY_ONE_A), [SYNTH_LABELS[x] for x in label], np.full(len(label), c)])
    tau = np.array([SYNTH_TAU[s % len(SYNTH_TAU)] for s in range(n_skills)])
    return Bank(f"synthetic {n_skills}x{per_skill}", skills, np.array(skill_of), label, day1,
                np.zeros(len(label), bool), np.full(len(label), chance), tau, np.ones(n_skills),
                {"labels": "30/40/30 % easy/medium/hard -> b = -1/0/+1", "options": 4, "day_one_c": c})


def questions_bank(root: Path, assessment_id: str = "ml-readiness") -> Bank:
    """The project's real bank: the assessment's skills, the items' labels and choice counts,
    the role's targets (target_theta) and weights, day-one parameters from item_params."""
    from quizapp.bank.loader import load_bank

    bank = load_bank(root)
    if not bank.ok:
        raise SystemExit(f"{root}: the bank has {len(bank.issues)} issues; run `quizapp bank validate`")
    assessment = next(a for a in bank.assessments if a["id"] == assessment_id)
    role = next(r for r in bank.roles if r["id"] == assessment["role"])
    skills = list(assessment["skills"])
    wanted = set(skills)
    tau, weight = [], []
    for sid in skills:  # as attempts.role_targets: a skill the role does not list gets level 3
        spec = role.get("targets", {}).get(sid, {"level": 3})
        tau.append(target_theta(spec["level"], spec.get("mastery_p", 0.5)))
        weight.append(float(spec.get("weight", 1.0)))
    skill_of, label, day1, free, chance = [], [], [], [], []
    for q in bank.questions:
        primary = next((s for s in q.skills if s in wanted), None)  # as attempts._current_versions
        if primary is None:
            continue
        qtype = get_question_type(q.qtype)
        floor = qtype.guessing_floor(q.definition)
        p = item_params(q.difficulty, floor)
        skill_of.append(skills.index(primary))
        label.append(q.difficulty)
        day1.append((p.a, p.b, p.c))
        free.append(qtype.free_entry)       # as the app's item_pool: the format from the question type
        chance.append(floor)
    return Bank(f"questions/ ({assessment_id}, role {role['id']})", skills, np.array(skill_of), np.array(label),
                np.array(day1, float), np.array(free), np.array(chance), np.array(tau), np.array(weight),
                {"assessment": assessment_id, "role": role["id"], "items": len(label)})


def make_truth(bank: Bank, truth: str, seed: int) -> np.ndarray:
    """True (a, b, c) per item. T1: the labels are the truth. T2: perturbed labels
    (b + N(0, .5²), a = exp(N(0, .3²)), c ~ U(c1 - .15, c1 + .05), i.e. U(.1, .3) for 4 options; 0 free entry)."""
    if truth == "T1":  # a = 1, b = label, c = 1/k (MEASUREMENT 7.1), whatever the app's day-one model says
        return np.column_stack([np.ones(len(bank.label)), bank.day1[:, 1], bank.chance])
    rng = np.random.default_rng([seed, 101])
    n = len(bank.label)
    b = bank.day1[:, 1] + rng.normal(0.0, 0.5, n)
    a = np.exp(rng.normal(0.0, 0.3, n))
    c1 = bank.chance
    c = np.where(bank.free, 0.0, np.clip(rng.uniform(c1 - 0.15, c1 + 0.05), 0.0, 0.95))
    return np.column_stack([a, b, c])


def make_learners(n: int, n_skills: int, rho: float, seed: int) -> np.ndarray:
    """theta ~ MVN(0, equicorrelation rho), as one general factor (same normals for every rho)."""
    rng = np.random.default_rng([seed, 202])
    g = rng.normal(size=(n, 1))
    u = rng.normal(size=(n, n_skills))
    return math.sqrt(rho) * g + math.sqrt(1.0 - rho) * u


def p3(theta, abc):
    a, b, c = abc[..., 0], abc[..., 1], abc[..., 2]
    return c + (1.0 - c) / (1.0 + np.exp(-a * (theta - b)))


# --- simulation ------------------------------------------------------------------------------

_CTX: dict = {}  # set before the worker pool forks; read-only in the workers


def _pools(bank: Bank, params: np.ndarray) -> dict[str, list[AdaptiveItem]]:
    pool = {s: [] for s in bank.skills}
    for i, (a, b, c) in enumerate(params):
        s = bank.skills[bank.skill_of[i]]
        pool[s].append(AdaptiveItem(i, s, ItemParams(float(a), float(b), float(c)), bool(bank.free[i])))
    return pool


def _run_adaptive(learner: int, pool, rho_prior: float, key: str, nmax: int, random_ties: bool = False,
                  content_rules: bool = True):
    bank: Bank = _CTX["bank"]
    resp = _CTX["resp"][learner]
    index = None
    if random_ties:
        # what-if (not the app): select_next breaks information ties by str(key), so with equal day-one
        # parameters it always offers the same 3 items of a label. Renaming the keys in a per-learner
        # random order makes that tie-break random without touching the app's code.
        shuffle = random.Random(f"ties:{key}")
        pool, index = dict(pool), {}
        for s, items in pool.items():
            ranks = list(range(len(items)))
            shuffle.shuffle(ranks)
            renamed = [AdaptiveItem(f"{r:05d}|{it.key}", s, it.params, it.free_entry)
                       for r, it in zip(ranks, items, strict=True)]
            index.update({n.key: it.key for n, it in zip(renamed, items, strict=True)})
            pool[s] = renamed
    targets = {s: SkillTarget(float(bank.tau[k]), float(bank.weight[k]), s) for k, s in enumerate(bank.skills)}
    post = JointPosterior(bank.skills, rho_prior)
    state = AdaptiveState(post, targets, pool)
    settings = AdaptiveSettings(max_items=nmax, skill_cap=Config.ADAPTIVE_SKILL_CAP)
    if not content_rules:
        settings = settings.without_content_rules()
    rng = random.Random(key)
    S = len(bank.skills)
    P, TH = np.empty((nmax + 1, S)), np.empty((nmax + 1, S))
    seq: list[int] = []

    def record(k):
        for j, s in enumerate(bank.skills):
            e = post.estimate(s, targets[s].theta)
            P[k, j], TH[k, j] = e.p_gap, e.theta

    record(0)
    k = 0
    while k < nmax:
        sel = select_next(state, settings, rng)
        if sel is None:
            break
        i = sel.item.key if index is None else index[sel.item.key]
        post.update(sel.item.skill, Observation(sel.item.params, float(resp[i])))
        state.record(sel.item)
        seq.append(i)
        k += 1
        record(k)
    P[k + 1:], TH[k + 1:] = P[k], TH[k]
    return P, TH, seq


def fixed_order(learner: int, nmax: int) -> list[int]:
    """The app's fixed form of length nmax (draw_fixed_form), ordered so that every prefix is a form
    the app would draw at that length: round-robin over skills, within a skill the form's difficulty
    rotation (medium, easy, hard, ...). The app shuffles its form; the order does not change EAP scoring."""
    bank: Bank = _CTX["bank"]
    rng = random.Random(f"{_CTX['seed']}:form:{learner}")
    form = draw_fixed_form(_CTX["candidates"], nmax, rng)
    per_skill: dict[str, list[int]] = {}
    for s in sorted({c.skill for c in form}):
        groups: dict[int, list[int]] = {}
        for c in form:
            if c.skill == s:
                groups.setdefault(c.difficulty, []).append(c.key)
        seq = []
        while any(groups.values()):
            for level in DIFFICULTY_ROTATION:
                if groups.get(level):
                    seq.append(groups[level].pop(0))
        per_skill[s] = seq
    order = sorted(per_skill, key=bank.skills.index)
    rng.shuffle(order)  # which skills get the remainder when N is not a multiple of the skill count
    out, depth = [], 0
    while len(out) < len(form):
        out += [per_skill[s][depth] for s in order if depth < len(per_skill[s])]
        depth += 1
    return out


def _run_fixed(learner: int, order: list[int], nmax: int, strategies):
    bank: Bank = _CTX["bank"]
    resp = _CTX["resp"][learner]
    S = len(bank.skills)
    out = {}
    obs: dict[int, list[Observation]] = {j: [] for j in range(S)}
    right, asked = np.zeros(S), np.zeros(S)
    shapes = lambda: (np.empty((nmax + 1, S)), np.empty((nmax + 1, S)))  # noqa: E731
    Pf, THf = shapes()
    Pp, THp = shapes()
    Pj, THj = shapes()
    joint = JointPosterior(bank.skills, 0.3) if "fixed_rho03" in strategies else None
    for j in range(S):
        e = eap_estimate([], float(bank.tau[j]))
        Pf[0, j], THf[0, j] = e.p_gap, e.theta
        if joint is not None:
            e = joint.estimate(bank.skills[j], float(bank.tau[j]))
            Pj[0, j], THj[0, j] = e.p_gap, e.theta
    Pp[0], THp[0] = 0.5, np.nan
    k = 0
    for k, i in enumerate(order[:nmax], start=1):
        j = int(bank.skill_of[i])
        params = ItemParams(*map(float, bank.day1[i]))
        x = float(resp[i])
        obs[j].append(Observation(params, x))
        right[j] += x
        asked[j] += 1
        Pf[k], THf[k] = Pf[k - 1], THf[k - 1]
        e = eap_estimate(obs[j], float(bank.tau[j]))
        Pf[k, j], THf[k, j] = e.p_gap, e.theta
        Pp[k], THp[k] = Pp[k - 1], THp[k - 1]
        Pp[k, j] = 1.0 if right[j] / asked[j] < 0.6 else 0.0
        THp[k, j] = right[j] / asked[j]
        if joint is not None:
            joint.update(bank.skills[j], Observation(params, x))
            for jj, s in enumerate(bank.skills):
                e = joint.estimate(s, float(bank.tau[jj]))
                Pj[k, jj], THj[k, jj] = e.p_gap, e.theta
    for arr in (Pf, THf, Pp, THp, Pj, THj):
        arr[k + 1:] = arr[k]
    seq = list(order[:nmax])
    out["fixed"] = (Pf, THf, seq)
    out["pct"] = (Pp, np.full_like(THp, np.nan), seq)   # percent correct has no theta scale
    if joint is not None:
        out["fixed_rho03"] = (Pj, THj, seq)
    return out


def _run_catsim(learner: int, nmax: int):
    bank: Bank = _CTX["bank"]
    resp = _CTX["resp"][learner]
    cs_banks, local_to_global = _CTX["catsim_banks"], _CTX["catsim_index"]
    selector, estimator = _CTX["catsim_selector"], _CTX["catsim_estimator"]
    S = len(bank.skills)
    rng = random.Random(f"{_CTX['seed']}:catsim:{learner}")
    order = list(range(S))
    rng.shuffle(order)
    est = np.zeros(S)
    administered = [[] for _ in range(S)]
    answers = [[] for _ in range(S)]
    P, TH = np.empty((nmax + 1, S)), np.empty((nmax + 1, S))
    P[0], TH[0] = (est < bank.tau).astype(float), est
    seq, k, pos = [], 0, 0
    while k < nmax:
        open_skills = [s for s in order if len(administered[s]) < len(local_to_global[s])]
        if not open_skills:
            break
        # round-robin: the next skill in the cycle that still has items
        while len(administered[order[pos % S]]) >= len(local_to_global[order[pos % S]]):
            pos += 1
        s = order[pos % S]
        pos += 1
        item = int(selector.select(item_bank=cs_banks[s], administered_items=administered[s], est_theta=float(est[s])))
        i = local_to_global[s][item]
        administered[s].append(item)
        answers[s].append(bool(resp[i]))
        est[s] = float(estimator.estimate(item_bank=cs_banks[s], administered_items=administered[s],
                                          response_vector=answers[s], est_theta=float(est[s])))
        seq.append(i)
        k += 1
        P[k], TH[k] = (est < bank.tau).astype(float), est
    P[k + 1:], TH[k + 1:] = P[k], TH[k]
    return P, TH, seq


def _simulate_chunk(learners: list[int]):
    nmax, strategies, seed = _CTX["nmax"], _CTX["strategies"], _CTX["seed"]
    out = {s: [] for s in strategies}
    clock = {s: 0.0 for s in strategies}
    for learner in learners:
        if {"pct", "fixed", "fixed_rho03"} & set(strategies):
            t0 = time.perf_counter()
            res = _run_fixed(learner, fixed_order(learner, nmax), nmax, strategies)
            dt = (time.perf_counter() - t0) / len(res)
            for name, r in res.items():
                if name in out:
                    out[name].append(r)
                    clock[name] += dt
        for name, (pool_key, rho_prior, random_ties, content_rules) in _CTX["adaptive_variants"].items():
            if name not in strategies:
                continue
            t0 = time.perf_counter()
            # the what-if without content rules draws the same selection random numbers as adaptive (paired)
            key = f"{seed}:{'adaptive' if name == 'adaptive_unbalanced' else name}:{learner}"
            out[name].append(_run_adaptive(learner, _CTX["pools"][pool_key], rho_prior, key, nmax, random_ties,
                                           content_rules))
            clock[name] += time.perf_counter() - t0
        if "catsim" in strategies:
            t0 = time.perf_counter()
            out["catsim"].append(_run_catsim(learner, nmax))
            clock["catsim"] += time.perf_counter() - t0
    return learners, out, clock


def simulate(bank: Bank, truth: str, rho: float, n_learners: int, seed: int, nmax: int,
             strategies=DEFAULT_STRATEGIES, jobs: int = 1, chunk: int = 25) -> dict:
    """Run every strategy on the same learners and answers; arrays indexed [learner, N, skill]."""
    truth_params = make_truth(bank, truth, seed)
    theta = make_learners(n_learners, len(bank.skills), rho, seed)
    uniforms = np.random.default_rng([seed, 303]).random((n_learners, len(bank.label)))
    resp = uniforms < p3(theta[:, bank.skill_of], truth_params[None, :, :])
    strategies = [s for s in strategies if s in ALL_STRATEGIES]
    alias = {}
    if truth == "T1" and "oracle" in strategies and "adaptive" in strategies:
        strategies.remove("oracle")   # T1: the truth is the day-one model, so oracle == adaptive
        alias["oracle"] = "adaptive"
    day1_c0 = bank.day1.copy()
    day1_c0[:, 2] = 0.0
    _CTX.clear()
    _CTX.update(bank=bank, resp=resp, nmax=nmax, strategies=strategies, seed=seed,
                candidates=[Candidate(i, bank.skills[bank.skill_of[i]], int(bank.label[i])) for i in range(len(bank.label))],
                pools={"day1": _pools(bank, bank.day1), "c0": _pools(bank, day1_c0), "true": _pools(bank, truth_params)},
                adaptive_variants={"adaptive": ("day1", 0.5, False, True), "adaptive_rho03": ("day1", 0.3, False, True),
                                   "adaptive_c0": ("c0", 0.5, False, True), "oracle": ("true", 0.5, False, True),
                                   "adaptive_randties": ("day1", 0.5, True, True),
                                   "adaptive_unbalanced": ("day1", 0.5, False, False)})
    if "catsim" in strategies:
        from catsim.estimation import NumericalSearchEstimator
        from catsim.item_bank import ItemBank
        from catsim.selection import MaxInfoSelector
        banks, index = [], []
        for s in range(len(bank.skills)):
            idx = np.flatnonzero(bank.skill_of == s)
            rows = np.column_stack([bank.day1[idx], np.ones(len(idx))])
            with contextlib.redirect_stdout(io.StringIO()):  # catsim 0.21.0 prints a blank line per validation
                banks.append(ItemBank(rows))
            index.append([int(i) for i in idx])
        _CTX.update(catsim_banks=banks, catsim_index=index, catsim_selector=MaxInfoSelector(),
                    catsim_estimator=NumericalSearchEstimator())
    chunks = [list(range(a, min(a + chunk, n_learners))) for a in range(0, n_learners, chunk)]
    results = []
    if jobs > 1 and len(chunks) > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_simulate_chunk, chunks, chunksize=1)
    else:
        results = [_simulate_chunk(c) for c in chunks]
    runs, clock = {}, {s: 0.0 for s in strategies}
    for s in strategies:
        rows = [r for _, out, _ in results for r in out[s]]
        runs[s] = {"P": np.stack([r[0] for r in rows]).astype(np.float32),
                   "TH": np.stack([r[1] for r in rows]).astype(np.float32),
                   "seq": [r[2] for r in rows]}
    for _, _, c in results:
        for s, v in c.items():
            clock[s] += v
    for a, b in alias.items():
        runs[a] = runs[b]
        clock[a] = 0.0
    _CTX.clear()
    return {"theta": theta, "gap": theta < bank.tau[None, :], "runs": runs, "alias": alias,
            "ms_per_learner": {s: 1000 * v / n_learners for s, v in clock.items()}, "truth_params": truth_params}


# --- metrics ---------------------------------------------------------------------------------

def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.mean() * abs(p[m].mean() - y[m].mean())
    return float(total)


def classification(p: np.ndarray, gap: np.ndarray, probabilistic: bool) -> dict:
    """Metrics of decisions p > .5 against the true gap, pooled over learners and skills."""
    pred = p > 0.5
    y = gap.astype(float)
    tp = float((pred & gap).sum())
    tn = float((~pred & ~gap).sum())
    pos, neg = float(gap.sum()), float((~gap).sum())
    recall = tp / pos if pos else float("nan")
    spec = tn / neg if neg else float("nan")
    out = {"accuracy": float((pred == gap).mean()), "balanced_accuracy": 0.5 * (recall + spec),
           "gap_recall": recall, "specificity": spec,
           "gap_precision": tp / pred.sum() if pred.sum() else float("nan")}
    inter = (pred & gap).sum(axis=1)
    union = (pred | gap).sum(axis=1)
    out["all_skills_right"] = float((pred == gap).all(axis=1).mean())
    out["mean_jaccard"] = float(np.where(union > 0, inter / np.maximum(union, 1), 1.0).mean())
    if probabilistic:
        conf = (p < 0.2) | (p > 0.8)
        decided = (p >= 0.7) | (p <= 0.3)   # the app's gap / no-gap rule; the rest is "not sure yet"
        out.update(brier=float(((p - y) ** 2).mean()), ece=ece(p.ravel(), y.ravel()),
                   share_confident=float(conf.mean()),
                   acc_confident=float((pred == gap)[conf].mean()) if conf.any() else float("nan"),
                   share_decided_app=float(decided.mean()),
                   acc_decided_app=float((pred == gap)[decided].mean()) if decided.any() else float("nan"))
    else:
        out.update(brier=None, ece=None, share_confident=None, acc_confident=None,
                   share_decided_app=None, acc_decided_app=None)
    return out


def exposure(seqs: list[list[int]], n_items: int, at: int) -> dict:
    counts = np.zeros(n_items)
    sets = []
    for s in seqs:
        first = s[:at]
        counts[first] += 1
        sets.append(set(first))
    rate = counts / max(len(seqs), 1)
    rng = np.random.default_rng(7)
    overlaps = []
    if len(sets) > 1:
        for _ in range(min(2000, len(sets) * 2)):
            a, b = rng.choice(len(sets), 2, replace=False)
            if sets[a]:
                overlaps.append(len(sets[a] & sets[b]) / len(sets[a]))
    return {"max_exposure": float(rate.max()), "never_used": float((counts == 0).mean()),
            "mean_overlap": float(np.mean(overlaps)) if overlaps else float("nan")}


def bootstrap_diff(a: np.ndarray, b: np.ndarray, seed: int, n: int = 1000) -> dict:
    """Paired bootstrap over learners of the difference in pooled accuracy (a - b)."""
    d = a - b
    rng = np.random.default_rng([seed, 404])
    idx = rng.integers(0, len(d), size=(n, len(d)))
    boots = d[idx].mean(axis=1)
    lo, hi = np.percentile(boots, [2.5, 97.5])
    return {"diff": float(d.mean()), "ci95": [float(lo), float(hi)]}


def q_of(curve: np.ndarray, x: float, step: int = 1) -> int | None:
    """Smallest N on the grid (multiples of step, N >= step) with pooled accuracy >= x."""
    for n in range(step, len(curve), step):
        if curve[n] >= x:
            return n
    return None


def analytic_accuracy(n_per_skill: float, info: float = ANALYTIC_INFO) -> float:
    """MEASUREMENT 2.3: cut at the population mean, error N(0, 1/(n·i)): 1 - arctan(1/sqrt(n·i))/pi."""
    if n_per_skill <= 0:
        return 0.5
    return 1.0 - math.atan(1.0 / math.sqrt(n_per_skill * info)) / math.pi


def extrapolate_q(curve: np.ndarray, x: float, n_min: int = 12) -> float | None:
    """Fit acc(N) = 1 - arctan(1/sqrt(k·N))/pi - d (shape of 2.3, k and offset d fitted on N >= n_min)
    and solve acc(N) = x. An extrapolation, reported as such, and only up to twice the longest N run."""
    ns = np.arange(n_min, len(curve))
    if len(ns) < 3:
        return None
    best = None
    for k in np.geomspace(1e-3, 1.0, 400):
        shape = 1.0 - np.arctan(1.0 / np.sqrt(k * ns)) / np.pi
        d = float(np.mean(shape - curve[ns]))
        err = float(np.mean((shape - d - curve[ns]) ** 2))
        if best is None or err < best[0]:
            best = (err, k, d)
    _, k, d = best
    target = x + d
    if not 0.5 < target < 1.0:
        return None
    n = float(1.0 / (k * math.tan(math.pi * (1.0 - target)) ** 2))
    return n if n <= 2 * (len(curve) - 1) else None   # further out the fit says nothing useful


def content_mix(bank: Bank, seqs: list[list[int]], at: int | None = None) -> dict:
    """The format and skill mix of the sittings (their first `at` items, or all): the share of choice
    items over all items asked, the share of sittings where some prefix (a point where the test could have
    stopped) had under 40 % choice items, and the longest runs of free-entry items and of one skill."""
    choice = asked = below = 0
    free_runs, skill_runs = [], []
    for seq in seqs:
        seq = seq[:at] if at else seq
        if not seq:
            continue
        free = bank.free[seq]
        prefix = np.cumsum(~free) / np.arange(1, len(seq) + 1)
        choice += int((~free).sum())
        asked += len(seq)
        below += bool((prefix < 0.4).any())
        free_runs.append(max((len(list(run)) for typed, run in itertools.groupby(free.tolist()) if typed), default=0))
        skill_runs.append(max(len(list(run)) for _, run in itertools.groupby(bank.skill_of[seq].tolist())))
    n = max(len(free_runs), 1)
    return {"items": asked, "choice_share": choice / asked if asked else float("nan"),
            "sittings_below_40": below / n,
            "longest_free_run": max(free_runs, default=0), "mean_longest_free_run": float(np.mean(free_runs or [0])),
            "longest_skill_run": max(skill_runs, default=0), "sittings_skill_run_over_2":
                float(np.mean([r > 2 for r in skill_runs] or [0]))}


def summarize(bank: Bank, sim: dict, checkpoints, seed: int) -> dict:
    gap, theta = sim["gap"], sim["theta"]
    n_items = len(bank.label)
    S = len(bank.skills)
    out = {"strategies": {}, "curves": {}, "efficiency": {}, "bootstrap_n24": {}}
    per_learner_acc = {}
    for name, run in sim["runs"].items():
        P, TH = run["P"].astype(float), run["TH"].astype(float)
        nmax = P.shape[1] - 1
        probabilistic = name in PROBABILISTIC
        asked = np.array([[min(n, len(s)) for n in range(nmax + 1)] for s in run["seq"]])
        row = {}
        for n in checkpoints:
            if n > nmax:
                continue
            m = classification(P[:, n], gap, probabilistic)
            m["rmse"] = None if name == "pct" else float(np.sqrt(np.nanmean((TH[:, n] - theta) ** 2)))
            m["mean_questions"] = float(asked[:, n].mean())
            m["per_skill_accuracy"] = [float(v) for v in ((P[:, n] > 0.5) == gap).mean(axis=0)]
            row[str(n)] = m
        at = min(EXPOSURE_AT, nmax)
        row["exposure"] = {"at": at, **exposure(run["seq"], n_items, at)}
        lengths = np.array([len(s) for s in run["seq"]])
        row["content_mix"] = {"at": at, "first": content_mix(bank, run["seq"], at), "session": content_mix(bank, run["seq"])}
        row["session_end"] = {"mean_questions": float(lengths.mean()),
                              "p10_questions": float(np.percentile(lengths, 10)),
                              "p90_questions": float(np.percentile(lengths, 90)),
                              **{k: v for k, v in classification(P[:, -1], gap, probabilistic).items()
                                 if k in ("accuracy", "brier", "share_confident", "acc_confident", "share_decided_app")}}
        row["ms_per_learner"] = sim["ms_per_learner"].get(name)
        out["strategies"][name] = row
        curve = ((P > 0.5) == gap[:, None, :]).mean(axis=(0, 2))
        out["curves"][name] = [float(v) for v in curve]
        per_learner_acc[name] = ((P > 0.5) == gap[:, None, :]).mean(axis=2)  # [learner, N]
        eff = {}
        for x in (0.75, 0.77):
            eff[f"Q({x})"] = q_of(curve, x)
            eff[f"Q({x})_step6"] = q_of(curve, x, 6)
            eff[f"Q({x})_extrapolated"] = None if eff[f"Q({x})"] else extrapolate_q(curve, x)
        out["efficiency"][name] = eff
    n24 = 24
    for a, b in (("adaptive", "fixed"), ("adaptive", "catsim"), ("adaptive", "pct"), ("oracle", "adaptive"),
                 ("adaptive", "adaptive_c0"), ("adaptive", "fixed_rho03"), ("adaptive_rho03", "fixed_rho03"),
                 ("adaptive_randties", "fixed"), ("adaptive_randties", "adaptive"), ("adaptive", "adaptive_unbalanced")):
        if a in per_learner_acc and b in per_learner_acc and per_learner_acc[a].shape[1] > n24:
            out["bootstrap_n24"][f"{a} - {b}"] = bootstrap_diff(per_learner_acc[a][:, n24], per_learner_acc[b][:, n24], seed)
    ratio = {}
    if "fixed" in out["efficiency"] and "adaptive" in out["efficiency"]:
        nmax = len(out["curves"]["fixed"]) - 1
        for x in (0.75, 0.77):
            qf, qa = out["efficiency"]["fixed"][f"Q({x})"], out["efficiency"]["adaptive"][f"Q({x})"]
            ext = out["efficiency"]["fixed"][f"Q({x})_extrapolated"]
            if qa is None:
                ratio[str(x)] = {"fixed": qf, "adaptive": None, "ratio": None, "note": f"adaptive never reached {x} by {nmax}"}
            elif qf is None:
                ratio[str(x)] = {"fixed": f">{nmax}", "adaptive": qa, "ratio_lower_bound": (nmax + 1) / qa,
                                 "fixed_extrapolated": ext, "ratio_extrapolated": ext / qa if ext else None}
            else:
                ratio[str(x)] = {"fixed": qf, "adaptive": qa, "ratio": qf / qa}
    out["efficiency_ratio"] = ratio
    if "adaptive" in per_learner_acc and "adaptive_unbalanced" in per_learner_acc:   # the variable-length test's end
        out["bootstrap_end"] = {"adaptive - adaptive_unbalanced": bootstrap_diff(
            per_learner_acc["adaptive"][:, -1], per_learner_acc["adaptive_unbalanced"][:, -1], seed)}
    out["analytic_ceiling"] = {str(n): analytic_accuracy(n / S) for n in checkpoints}
    out["prevalence"] = [float(v) for v in gap.mean(axis=0)]
    return out


# --- latency ---------------------------------------------------------------------------------

def latency(calls: int = 2000, skills: int = 10, per_skill: int = 200, seed: int = 1) -> dict:
    """p50/p95 of select_next + JointPosterior.update with a skills × per_skill bank."""
    bank = synthetic_bank(skills, per_skill)
    rng_np = np.random.default_rng([seed, 505])
    params = bank.day1.copy()
    params[:, 1] += rng_np.normal(0, 0.5, len(params))   # distinct b's, as after calibration
    pool = _pools(bank, params)
    targets = {s: SkillTarget(float(bank.tau[k]), 1.0, s) for k, s in enumerate(bank.skills)}
    settings = AdaptiveSettings(max_items=10_000, skill_cap=Config.ADAPTIVE_SKILL_CAP)
    rng = random.Random(seed)
    sel_t, upd_t, both = [], [], []
    learner = 0
    while len(both) < calls:
        theta = rng_np.normal(size=skills)
        state = AdaptiveState(JointPosterior(bank.skills, Config.PRIOR_RHO), targets, pool)
        while len(both) < calls:
            t0 = time.perf_counter()
            sel = select_next(state, settings, rng)
            t1 = time.perf_counter()
            if sel is None:
                break
            it = sel.item
            x = float(rng.random() < float(p3(theta[bank.skills.index(it.skill)], np.array([it.params.a, it.params.b, it.params.c]))))
            t2 = time.perf_counter()
            state.posterior.update(it.skill, Observation(it.params, x))
            state.posterior.marginals()   # the update's cost includes recomputing the posterior
            t3 = time.perf_counter()
            state.record(it)
            sel_t.append(t1 - t0)
            upd_t.append(t3 - t2)
            both.append((t1 - t0) + (t3 - t2))
        learner += 1
    ms = lambda v, q: float(np.percentile(np.array(v) * 1000, q))  # noqa: E731
    return {"bank": f"{skills} skills x {per_skill} items = {skills * per_skill}", "calls": len(both),
            "sessions": learner, "prior_rho": Config.PRIOR_RHO,
            "select_p50_ms": ms(sel_t, 50), "select_p95_ms": ms(sel_t, 95),
            "update_p50_ms": ms(upd_t, 50), "update_p95_ms": ms(upd_t, 95),
            "p50_ms": ms(both, 50), "p95_ms": ms(both, 95), "max_ms": ms(both, 100)}


# --- checks and report -----------------------------------------------------------------------

def _acc(summary, name, n=24):
    try:
        return summary["strategies"][name][str(n)]["accuracy"]
    except KeyError:
        return None


def checks(summary: dict, lat: dict | None, applicable: bool, t1_summary: dict | None = None,
           slack: float = 0.0) -> list[dict]:
    """MEASUREMENT 7.3 (thresholds for T2, rho .5, 6 skills × ~40 items, 4-option MC)."""
    out = []

    def add(name, value, threshold, ok, detail=""):
        status = ("PASS" if ok else "FAIL") if ok is not None else "n/a"
        if not applicable and ok is not None:
            status = "info (" + status + ")"
        out.append({"check": name, "value": value, "threshold": threshold, "status": status, "detail": detail})

    s = summary["strategies"]
    boot = summary["bootstrap_n24"]
    a24 = _acc(summary, "adaptive")
    add("adaptive pooled accuracy @ N=24", a24, f">= {0.75 - slack:.2f}", None if a24 is None else a24 >= 0.75 - slack)
    for other, pts in (("fixed", 4), ("catsim", 3), ("pct", 6)):
        key = f"adaptive - {other}"
        if key in boot:
            d = boot[key]
            add(f"adaptive - {other} @ N=24 (paired)", d["diff"], f">= +{pts - 100 * slack:g} points",
                d["diff"] >= (pts / 100 - slack), f"95 % CI [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]")
    r = summary.get("efficiency_ratio", {}).get("0.77")
    if r:
        if r.get("ratio") is not None:
            add("efficiency Q(0.77) fixed / adaptive", r["ratio"], ">= 1.6", r["ratio"] >= 1.6,
                f"Q_fixed {r['fixed']}, Q_adaptive {r['adaptive']}")
        elif r.get("ratio_lower_bound") is not None:
            lb = r["ratio_lower_bound"]
            ext = r.get("ratio_extrapolated")
            add("efficiency Q(0.77) fixed / adaptive", lb, ">= 1.6", True if lb >= 1.6 else None,
                f"fixed never reached .77 by N={len(summary['curves']['fixed']) - 1}: ratio > {lb:.2f} (lower bound)"
                + (f"; extrapolated Q_fixed {r['fixed_extrapolated']:.0f} -> ratio ~{ext:.2f}" if ext else ""))
        else:
            add("efficiency Q(0.77) fixed / adaptive", None, ">= 1.6", False, r.get("note", ""))
    if "oracle - adaptive" in boot:
        d = boot["oracle - adaptive"]["diff"]
        add("oracle - adaptive @ N=24", d, "<= 5 points", d <= 0.05 + slack)
    if "adaptive" in s:
        eces = [s["adaptive"][str(n)]["ece"] for n in CHECKPOINTS if str(n) in s["adaptive"] and n >= 12]
        worst = max(eces) if eces else None
        add("ECE of adaptive p_gap (max over N >= 12)", worst, f"<= {0.04 + slack:.2f}",
            None if worst is None else worst <= 0.04 + slack)
        m = s["adaptive"].get("24")
        if m:
            add("accuracy when confident @ N=24", m["acc_confident"], ">= 0.85", m["acc_confident"] >= 0.85 - slack)
            add("share confident (p outside [.2,.8]) @ N=24", m["share_confident"], ">= 0.40",
                m["share_confident"] >= 0.40 - slack)
        end = s["adaptive"]["session_end"]
        nmax = len(summary["curves"]["adaptive"]) - 1
        if nmax >= 60:
            add("variable length (app stopping rules, prior .5)", end["accuracy"], ">= 0.80 at <= 45 mean questions",
                end["accuracy"] >= 0.80 - slack and end["mean_questions"] <= 45,
                f"{end['accuracy']:.3f} at {end['mean_questions']:.1f} questions "
                f"(p10-p90 {end['p10_questions']:.0f}-{end['p90_questions']:.0f})")
        e = s["adaptive"]["exposure"]
        add(f"max exposure @ N={e['at']}", e["max_exposure"], f"<= {0.70 + slack:.2f}", e["max_exposure"] <= 0.70 + slack,
            f"never used {e['never_used']:.2f}")
    if lat:
        add("latency p95 (select_next + update)", lat["p95_ms"], "<= 20 ms", lat["p95_ms"] <= 20.0,
            f"p50 {lat['p50_ms']:.2f} ms, {lat['bank']}")
    if t1_summary and "fixed" in t1_summary["strategies"] and "60" in t1_summary["strategies"]["fixed"]:
        m = t1_summary["strategies"]["fixed"]["60"]
        add("T1 sanity: fixed form @ N=60", m["accuracy"], "0.80-0.83; RMSE <= 0.62",
            0.80 <= m["accuracy"] <= 0.83 and m["rmse"] <= 0.62,
            f"RMSE {m['rmse']:.3f}; 7.3's 0.815 came from the note's 'ideal' truth with c = 0, "
            "T1 here has c = 1/k as 7.1 says")
    if "adaptive_c0" in s and "adaptive" in s:
        n = "60" if "60" in s["adaptive"] else "24"
        a, c = s["adaptive"][n], s["adaptive_c0"][n]
        worse = c["accuracy"] < a["accuracy"] or c["brier"] > a["brier"]
        add(f"guessing ablation (c=0) worse @ N={n}", c["accuracy"] - a["accuracy"], "c=0 worse than c=1/k", worse,
            f"acc {c['accuracy']:.3f} vs {a['accuracy']:.3f}, Brier {c['brier']:.3f} vs {a['brier']:.3f}, "
            f"ECE {c['ece']:.3f} vs {a['ece']:.3f}")
    return out


def _f(v, fmt=".3f"):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    return format(v, fmt) if isinstance(v, (int, float)) else str(v)


LABELS = {"pct": "pct (percent correct < 60 %)", "fixed": "fixed form + EAP",
          "fixed_rho03": "fixed form, app scoring (joint prior .3)", "adaptive": "**adaptive (prior .5)**",
          "adaptive_rho03": "adaptive (app default prior .3)", "adaptive_c0": "adaptive, c = 0 (ablation)",
          "oracle": "oracle (true a, b, c)", "catsim": "catsim peer (MLE)",
          "adaptive_randties": "what-if: adaptive, random tie-break (not the app)",
          "adaptive_unbalanced": "what-if: adaptive, content rules off (before issue #20)"}


def report(bank: Bank, cond: str, summary: dict, checkpoints) -> str:
    lines = [f"### {cond} — {bank.name}", ""]
    ns = [n for n in checkpoints if str(n) in next(iter(summary["strategies"].values()))]
    lines.append("Pooled per-skill gap-classification accuracy vs total questions N:")
    lines.append("")
    lines.append("| strategy | " + " | ".join(f"N={n}" for n in ns) + " |")
    lines.append("|---|" + "---|" * len(ns))
    for name in ALL_STRATEGIES:
        if name in summary["strategies"]:
            row = summary["strategies"][name]
            lines.append(f"| {LABELS[name]} | " + " | ".join(_f(row[str(n)]["accuracy"]) for n in ns) + " |")
    lines.append("| analytic guide (2.3, i=.136, cut at mean, no shared prior) | "
                 + " | ".join(_f(summary["analytic_ceiling"][str(n)]) for n in ns) + " |")
    lines.append("")
    n = 24 if 24 in ns else ns[-1]
    lines.append(f"At N={n}:")
    lines.append("")
    lines.append("| strategy | acc | bal. acc | Brier | ECE | share p∉[.2,.8] | acc there | RMSE | questions asked "
                 "| max exposure | never used | ms/learner |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in ALL_STRATEGIES:
        if name not in summary["strategies"]:
            continue
        row = summary["strategies"][name]
        m, e = row[str(n)], row["exposure"]
        lines.append(f"| {name} | {_f(m['accuracy'])} | {_f(m['balanced_accuracy'])} | {_f(m['brier'])} | {_f(m['ece'])} "
                     f"| {_f(m['share_confident'], '.2f')} | {_f(m['acc_confident'])} | {_f(m['rmse'])} "
                     f"| {_f(m['mean_questions'], '.1f')} | {_f(e['max_exposure'], '.2f')} | {_f(e['never_used'], '.2f')} "
                     f"| {_f(row['ms_per_learner'], '.0f')} |")
    lines.append("")
    if "adaptive" in summary["strategies"]:
        lines.append("ECE of P(gap) by N (EAP strategies): " + "; ".join(
            f"{name} " + "/".join(_f(summary["strategies"][name][str(k)]["ece"]) for k in ns)
            for name in ALL_STRATEGIES if name in PROBABILISTIC and name in summary["strategies"]))
        end = summary["strategies"]["adaptive"]["session_end"]
        lines.append(f"Adaptive session end (app stopping rules): {end['mean_questions']:.1f} questions "
                     f"(p10–p90 {end['p10_questions']:.0f}–{end['p90_questions']:.0f}), accuracy {end['accuracy']:.3f}.")
    eff = summary["efficiency"]
    lines.append("Q(x) = smallest N (step 1; step 6 in brackets) with pooled accuracy ≥ x: " + "; ".join(
        f"{name} Q(.75)={_f(eff[name]['Q(0.75)'])} [{_f(eff[name]['Q(0.75)_step6'])}], "
        f"Q(.77)={_f(eff[name]['Q(0.77)'])} [{_f(eff[name]['Q(0.77)_step6'])}]"
        for name in ("fixed", "adaptive", "catsim", "oracle", "adaptive_randties") if name in eff))
    for x, r in summary["efficiency_ratio"].items():
        if r.get("ratio") is not None:
            lines.append(f"Efficiency ratio Q({x}) fixed/adaptive = {r['fixed']}/{r['adaptive']} = {r['ratio']:.2f}")
        elif r.get("ratio_lower_bound") is not None:
            ext = r.get("ratio_extrapolated")
            lines.append(f"Efficiency ratio Q({x}): fixed {r['fixed']}, adaptive {r['adaptive']} → ratio > "
                         f"{r['ratio_lower_bound']:.2f}" + (f" (extrapolated fixed Q ≈ {r['fixed_extrapolated']:.0f}, "
                                                             f"ratio ≈ {ext:.2f})" if ext else ""))
        else:
            lines.append(f"Efficiency ratio Q({x}): {r.get('note')}")
    lines.append("Paired differences @ N=24 (bootstrap 95 % CI over learners): " + "; ".join(
        f"{k} {v['diff']:+.3f} [{v['ci95'][0]:+.3f}, {v['ci95'][1]:+.3f}]" for k, v in summary["bootstrap_n24"].items()))
    lines.append("Gap prevalence per skill: " + ", ".join(f"{v:.2f}" for v in summary["prevalence"]))
    lines += content_report(summary)
    lines.append("")
    return "\n".join(lines)


def content_report(summary: dict) -> list[str]:
    """The format and skill mix per strategy, and what the content rules cost (adaptive against
    adaptive_unbalanced, paired), when both ran."""
    rows = summary["strategies"]
    at = next(iter(rows.values()))["content_mix"]["at"]
    lines = ["", f"Content mix (first {at} items / whole sitting): share of choice items; sittings where some point had "
             "< 40 % choice; longest free-entry run, max (mean); longest run on one skill, max (share of sittings > 2):",
             "", "| strategy | choice share | sittings < 40 % somewhere | longest free-entry run | longest one-skill run "
             f"| decided (P ≤ .3 or ≥ .7) @ {at} | at the sitting's end |", "|---|---|---|---|---|---|---|"]
    for name in ALL_STRATEGIES:
        if name not in rows:
            continue
        mix = rows[name]["content_mix"]
        first, whole = mix["first"], mix["session"]
        decided = rows[name].get(str(at), {}).get("share_decided_app")
        lines.append(f"| {name} | {_f(first['choice_share'], '.2f')} / {_f(whole['choice_share'], '.2f')} "
                     f"| {_f(first['sittings_below_40'], '.2f')} / {_f(whole['sittings_below_40'], '.2f')} "
                     f"| {first['longest_free_run']} ({first['mean_longest_free_run']:.1f}) / "
                     f"{whole['longest_free_run']} ({whole['mean_longest_free_run']:.1f}) "
                     f"| {first['longest_skill_run']} ({first['sittings_skill_run_over_2']:.2f}) / "
                     f"{whole['longest_skill_run']} ({whole['sittings_skill_run_over_2']:.2f}) "
                     f"| {_f(decided, '.2f')} | {_f(rows[name]['session_end'].get('share_decided_app'), '.2f')} |")
    if "adaptive - adaptive_unbalanced" in summary["bootstrap_n24"]:
        on, off = rows["adaptive"], rows["adaptive_unbalanced"]
        d24, dend = summary["bootstrap_n24"]["adaptive - adaptive_unbalanced"], summary["bootstrap_end"]["adaptive - adaptive_unbalanced"]
        lines += ["", "Content rules on (adaptive) against off (adaptive_unbalanced), same learners, answers and selection "
                  f"random numbers: accuracy @ 24 {on['24']['accuracy']:.3f} vs {off['24']['accuracy']:.3f}, paired "
                  f"{100 * d24['diff']:+.1f} points [{100 * d24['ci95'][0]:+.1f}, {100 * d24['ci95'][1]:+.1f}]; "
                  f"at the sitting's end (app stopping rules) {on['session_end']['accuracy']:.3f} at "
                  f"{on['session_end']['mean_questions']:.1f} questions vs {off['session_end']['accuracy']:.3f} at "
                  f"{off['session_end']['mean_questions']:.1f}, paired {100 * dend['diff']:+.1f} points "
                  f"[{100 * dend['ci95'][0]:+.1f}, {100 * dend['ci95'][1]:+.1f}]."]
    return lines


def checks_table(items: list[dict]) -> str:
    lines = ["| check | value | threshold | status | detail |", "|---|---|---|---|---|"]
    for c in items:
        lines.append(f"| {c['check']} | {_f(c['value'])} | {c['threshold']} | {c['status']} | {c['detail']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["sittings"]:   # issue #20's figures: one and three sittings of ml-readiness (bench/sittings.py)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import sittings
        return sittings.main(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="`measurement.py sittings [options]` runs bench/sittings.py: one and three "
                                        "sittings of the ml-readiness assessment with the deployed settings.")
    ap.add_argument("--learners", type=int, default=2000)
    ap.add_argument("--truth", choices=("T1", "T2", "both"), default="T2")
    ap.add_argument("--rho", choices=("0", "0.5", "both"), default="0.5")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skills", type=int, default=6)
    ap.add_argument("--items-per-skill", type=int, default=40)
    ap.add_argument("--bank", default=None, help="'questions' (or a bank directory): the project's real bank structure")
    ap.add_argument("--assessment", default="ml-readiness", help="with --bank: whose skills and role targets to use")
    ap.add_argument("--max-n", type=int, default=60)
    ap.add_argument("--strategies", default=",".join(DEFAULT_STRATEGIES),
                    help=f"comma-separated subset of {', '.join(ALL_STRATEGIES)} (the last is an opt-in what-if)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--latency-calls", type=int, default=2000, help="0 skips the latency benchmark")
    ap.add_argument("--out", default="bench/out/measurement.json")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    if args.bank:
        path = Path(args.bank)
        bank = questions_bank(path if path.is_absolute() or path.exists() else ROOT / path, args.assessment)
    else:
        bank = synthetic_bank(args.skills, args.items_per_skill)
    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    if "catsim" in strategies:
        try:
            import catsim  # noqa: F401
        except ImportError:
            print("catsim is not installed (pip install catsim==0.21.0): the catsim peer is skipped", file=sys.stderr)
            strategies.remove("catsim")
    truths = ("T1", "T2") if args.truth == "both" else (args.truth,)
    rhos = (0.0, 0.5) if args.rho == "both" else (float(args.rho),)
    checkpoints = tuple(n for n in CHECKPOINTS if n <= args.max_n) or (args.max_n,)
    applicable = bank.name.startswith("synthetic") and len(bank.skills) == 6

    lat = None
    if args.latency_calls > 0:
        lat = latency(args.latency_calls, seed=args.seed)
        print(f"latency: select_next + update p50 {lat['p50_ms']:.2f} ms, p95 {lat['p95_ms']:.2f} ms "
              f"({lat['calls']} calls, {lat['bank']})", file=sys.stderr)

    results = {"config": {**vars(args), "bank_name": bank.name, "bank_notes": bank.notes, "skills": bank.skills,
                          "tau": bank.tau.tolist(), "weights": bank.weight.tolist(), "strategies": strategies,
                          "checkpoints": checkpoints, "skill_cap": Config.ADAPTIVE_SKILL_CAP,
                          "python": sys.version.split()[0], "numpy": np.__version__},
               "latency": lat, "conditions": {}}
    try:
        import catsim
        results["config"]["catsim"] = catsim.__version__
    except ImportError:
        pass
    md = []
    for truth in truths:
        for rho in rhos:
            cond = f"{truth}, rho={rho:g}"
            t0 = time.perf_counter()
            sim = simulate(bank, truth, rho, args.learners, args.seed, args.max_n, strategies, args.jobs)
            summ = summarize(bank, sim, checkpoints, args.seed)
            summ["seconds"] = time.perf_counter() - t0
            summ["aliases"] = sim["alias"]
            results["conditions"][cond] = summ
            print(f"{cond}: {summ['seconds']:.0f} s", file=sys.stderr)
            md.append(report(bank, cond, summ, checkpoints))
    main_cond = "T2, rho=0.5" if "T2, rho=0.5" in results["conditions"] else next(iter(results["conditions"]))
    t1 = results["conditions"].get("T1, rho=0.5") or results["conditions"].get("T1, rho=0")
    results["checks_condition"] = main_cond
    results["checks_applicable"] = applicable and main_cond == "T2, rho=0.5"
    results["checks"] = checks(results["conditions"][main_cond], lat, results["checks_applicable"], t1)
    results["runtime_seconds"] = time.perf_counter() - started

    print(f"## Measurement benchmark — {args.learners} learners, seed {args.seed}, {bank.name}\n")
    if lat:
        print(f"Latency (select_next + posterior update, {lat['bank']}, {lat['calls']} calls): "
              f"p50 {lat['p50_ms']:.2f} ms, p95 {lat['p95_ms']:.2f} ms "
              f"(select p95 {lat['select_p95_ms']:.2f}, update p95 {lat['update_p95_ms']:.2f})\n")
    print("\n".join(md))
    print(f"### Checks (MEASUREMENT 7.3) on {main_cond}"
          + ("" if results["checks_applicable"] else
             " — thresholds were derived for T2, rho .5, 6 skills × ~40 4-option MC items; shown for information"))
    print()
    print(checks_table(results["checks"]))
    print(f"\nRuntime {results['runtime_seconds']:.0f} s with {args.jobs} worker process(es).")
    write_json(results, args.out)
    return 0


def write_json(results: dict, path: str) -> None:
    """The run's results as JSON at `path` (relative to the working directory), numpy values as lists."""
    out = Path(path)
    if not out.is_absolute():
        out = Path.cwd() / out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)))
    print(f"Wrote {out}")


if __name__ == "__main__":
    raise SystemExit(main())
