#!/usr/bin/env python3
"""What "I don't know" does to the gap report: learners who guess when they do not know (today) against
the same learners saying "I don't know" instead, each scored by the app's own code.

Paired, with common random numbers: every learner has one true ability per skill and, per item, one
draw deciding whether they know it and one deciding whether a blind guess would hit. The two behaviours
differ only in what a learner who does not know an item does; the fixed form is the same draw for both,
and the adaptive test starts from the same state (it then goes where the answers take it).

When does a learner "not know"? (--unknown)
  knowledge  they know an item with probability P*(theta), the 2PL part of the item's true 3PL (the
             3PL's own reading: today's responses are then exactly measurement.py's truth). Not
             knowing, they guess (right with the item's true guessing chance c) or say "I don't know".
  threshold  they do not know it when P*(theta) < 0.5 (then guess or say "I don't know"); otherwise
             they answer, right with the 3PL's probability c + (1 - c) P*.

Arms, each at every checkpoint N and for the fixed form and the adaptive test:
  guess            today: a learner who does not know guesses (free entry: a guess is wrong).
  dont_know        the learner says "I don't know"; the app scores it (ability.Observation(guessing=False)).
  dont_know_c0     what-if, not the app: the same answers scored with no guessing floor on any item,
                   as if the model knew that this learner never guesses.
A check line compares `dont_know` with the same answers scored as plain wrong answers (the floor kept):
they should give the same P(gap) (the floor is a constant factor of a failure's likelihood).

Usage (the figures in bench/README.md):
  .venv/bin/python bench/dont_know.py --bank questions --learners 400 --seed 1
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import measurement  # noqa: E402  (puts the project root on sys.path)

from quizapp.config import Config  # noqa: E402
from quizapp.scoring.ability import ItemParams, Observation  # noqa: E402
from quizapp.scoring.adaptive import AdaptiveItem, AdaptiveSettings, AdaptiveState, SkillTarget, select_next  # noqa: E402
from quizapp.scoring.fixed_form import Candidate, draw_fixed_form  # noqa: E402
from quizapp.scoring.posterior import JointPosterior  # noqa: E402

ARMS = ("guess", "dont_know", "dont_know_c0")
# Content balance in adaptive selection (the branch "balance") reads whether an item is a typed answer;
# without that field (before it) the selector ignores the format.
_FORMAT_AWARE = "free_entry" in {f.name for f in dataclasses.fields(AdaptiveItem)}
STRATEGIES = ("fixed", "adaptive")
DECIDED = (Config.NO_GAP_THRESHOLD, Config.GAP_THRESHOLD)  # the report's "no gap" and "gap" cuts

_CTX: dict = {}  # set before the worker pool forks; read-only in the workers


def responses(bank, truth: np.ndarray, theta: np.ndarray, seed: int, unknown: str) -> dict[str, np.ndarray]:
    """Per learner × item: the credit today (guessing), the credit when saying "I don't know", and
    whether the learner said it. Two uniforms per (learner, item), shared by both behaviours."""
    rng = np.random.default_rng([seed, 707])
    u_know, u_guess = rng.random((2, *theta[:, bank.skill_of].shape))
    a, b, c = truth[:, 0], truth[:, 1], truth[:, 2]
    p_star = 1.0 / (1.0 + np.exp(-a * (theta[:, bank.skill_of] - b)))
    if unknown == "knowledge":
        knows = u_know < p_star
        unsure = ~knows
        right_if_answered = knows
    else:  # threshold
        unsure = p_star < 0.5
        right_if_answered = u_know < c + (1.0 - c) * p_star
    lucky = u_guess < c
    guess = np.where(unsure, lucky, right_if_answered)
    declined = unsure
    dont_know = np.where(unsure, False, right_if_answered)
    return {"guess": guess.astype(float), "dont_know": dont_know.astype(float), "declined": declined,
            "lucky": unsure & lucky}


def _observation(arm: str, learner: int, i: int, params: ItemParams) -> Observation:
    if arm == "guess":
        return Observation(params, float(_CTX["resp"]["guess"][learner, i]))
    declined = bool(_CTX["resp"]["declined"][learner, i])
    x = float(_CTX["resp"]["dont_know"][learner, i])
    if arm == "dont_know_c0":
        return Observation(ItemParams(params.a, params.b, 0.0), x, guessing=not declined)
    if arm == "dont_know_as_wrong":
        return Observation(params, x)
    return Observation(params, x, guessing=not declined)


def _p_gap(posterior: JointPosterior, targets) -> np.ndarray:
    return np.array([posterior.estimate(s, t.theta).p_gap for s, t in targets.items()])


def _asked(learner: int, arm: str, items: list[int]) -> tuple[int, int, int]:
    """Questions asked, how many of them choice items, how many answered "I don't know"."""
    free, declined = _CTX["bank"].free, _CTX["resp"]["declined"][learner]
    return (len(items), sum(not free[i] for i in items),
            0 if arm == "guess" else sum(bool(declined[i]) for i in items))


def _fixed(learner: int, arm: str, n: int) -> tuple[np.ndarray, tuple[int, int, int]]:
    """The app's fixed form of length n, scored as a submitted attempt (joint prior, the app's rho)."""
    bank = _CTX["bank"]
    form = draw_fixed_form(_CTX["candidates"], n, random.Random(f"{_CTX['seed']}:form:{learner}:{n}"))
    posterior = JointPosterior(bank.skills, _CTX["rho"])
    for cand in form:
        posterior.update(cand.skill, _observation(arm, learner, cand.key, _CTX["params"][cand.key]))
    return _p_gap(posterior, _CTX["targets"]), _asked(learner, arm, [c.key for c in form])


def _adaptive(learner: int, arm: str) -> dict[int, tuple[np.ndarray, tuple[int, int, int]]]:
    """The app's adaptive test to the longest checkpoint: P(gap) and what was asked, at each checkpoint."""
    bank, checkpoints = _CTX["bank"], _CTX["checkpoints"]
    pool = _CTX["pools"]["c0" if arm == "dont_know_c0" else "day1"]
    posterior = JointPosterior(bank.skills, _CTX["rho"])
    state = AdaptiveState(posterior, _CTX["targets"], pool)
    settings = AdaptiveSettings(max_items=max(checkpoints), skill_cap=Config.ADAPTIVE_SKILL_CAP)
    rng = random.Random(f"{_CTX['seed']}:adaptive:{learner}")  # the same for both arms: paired
    out, asked = {}, []
    while True:
        selection = select_next(state, settings, rng)
        if selection is None:
            break
        i = selection.item.key
        obs = _observation(arm, learner, i, _CTX["params"][i])
        posterior.update(selection.item.skill, Observation(selection.item.params, obs.credit, obs.guessing))
        asked.append(i)
        if hasattr(state, "record"):  # with content balance the state keeps the items asked in order
            state.record(selection.item)
        else:
            state.used.add(i)
            state.asked += 1
        if state.asked in checkpoints:
            out[state.asked] = (_p_gap(posterior, _CTX["targets"]), _asked(learner, arm, asked))
    last = (_p_gap(posterior, _CTX["targets"]), _asked(learner, arm, asked))
    for n in checkpoints:
        out.setdefault(n, last)  # the test stopped early: its last estimate stands
    return out


def _chunk(learners: list[int]) -> dict:
    out = {}
    for learner in learners:
        row = {}
        for arm in _CTX["arms"]:
            if "fixed" in _CTX["strategies"]:
                row[("fixed", arm)] = {n: _fixed(learner, arm, n) for n in _CTX["checkpoints"]}
            if "adaptive" in _CTX["strategies"]:
                row[("adaptive", arm)] = _adaptive(learner, arm)
        row["check"] = max(float(np.max(np.abs(_fixed(learner, "dont_know", n)[0]
                                                - _fixed(learner, "dont_know_as_wrong", n)[0])))
                           for n in _CTX["checkpoints"])
        out[learner] = row
    return out


def metrics(p: np.ndarray, gap: np.ndarray) -> dict:
    """Gap calls P(gap) > .5 against the truth, pooled over learners and skills."""
    y = gap.astype(float)
    decided = (p <= DECIDED[0]) | (p >= DECIDED[1])
    right = (p > 0.5) == gap
    return {"accuracy": float(right.mean()), "decisive": float(decided.mean()),
            "acc_decisive": float(right[decided].mean()) if decided.any() else float("nan"),
            "ece": measurement.ece(p.ravel(), y.ravel()), "brier": float(((p - y) ** 2).mean()),
            "bias": float(p.mean() - y.mean())}


def simulate(bank, args) -> dict:
    truth = measurement.make_truth(bank, args.truth, args.seed)
    theta = measurement.make_learners(args.learners, len(bank.skills), args.rho, args.seed)
    resp = responses(bank, truth, theta, args.seed, args.unknown)
    params = [ItemParams(*map(float, row)) for row in bank.day1]
    params_c0 = [ItemParams(p.a, p.b, 0.0) for p in params]
    pools = {name: {s: [] for s in bank.skills} for name in ("day1", "c0")}
    for i, s in enumerate(bank.skill_of):
        skill, free = bank.skills[s], (bool(bank.free[i]),) if _FORMAT_AWARE else ()
        pools["day1"][skill].append(AdaptiveItem(i, skill, params[i], *free))
        pools["c0"][skill].append(AdaptiveItem(i, skill, params_c0[i], *free))
    _CTX.clear()
    _CTX.update(bank=bank, resp=resp, params=params, pools=pools, seed=args.seed, rho=Config.PRIOR_RHO,
                checkpoints=tuple(args.checkpoints), arms=ARMS, strategies=tuple(args.strategies),
                targets={s: SkillTarget(float(bank.tau[k]), float(bank.weight[k]), s) for k, s in enumerate(bank.skills)},
                candidates=[Candidate(i, bank.skills[bank.skill_of[i]], int(bank.label[i])) for i in range(len(bank.label))])
    chunks = [list(range(a, min(a + 10, args.learners))) for a in range(0, args.learners, 10)]
    if args.jobs > 1:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            parts = pool.map(_chunk, chunks, chunksize=1)
    else:
        parts = [_chunk(c) for c in chunks]
    rows = {k: v for part in parts for k, v in part.items()}
    learners = range(args.learners)
    gap = theta < bank.tau[None, :]
    choice = ~bank.free
    out = {"prevalence": float(gap.mean()),
           "declined_share": float(resp["declined"].mean()),
           "declined_share_choice": float(resp["declined"][:, choice].mean()),
           "lucky_share_of_right_today": float(resp["lucky"].sum() / max(resp["guess"].sum(), 1)),
           "check_max_abs_diff": max(rows[k]["check"] for k in learners), "results": {}, "paired": {}}
    for strategy in args.strategies:
        for n in args.checkpoints:
            per_arm = {}
            for arm in ARMS:
                p = np.stack([rows[k][(strategy, arm)][n][0] for k in learners])
                asked, choice, declined = np.sum([rows[k][(strategy, arm)][n][1] for k in learners], axis=0)
                per_arm[arm] = p
                m = metrics(p, gap)
                m.update(mean_questions=float(asked / args.learners), choice_share=float(choice / asked),
                         dont_know_share=float(declined / asked))
                out["results"][f"{strategy} N={n} {arm}"] = m
            right = {arm: ((p > 0.5) == gap).mean(axis=1) for arm, p in per_arm.items()}
            out["paired"][f"{strategy} N={n}"] = measurement.bootstrap_diff(right["dont_know"], right["guess"], args.seed)
    return out


def report(bank, args, out: dict) -> str:
    lines = [f"## \"I don't know\" against guessing — {args.learners} learners, seed {args.seed}, {bank.name}",
             "",
             f"Truth {args.truth}, true skill correlation {args.rho:g}; learners do not know an item by "
             f"\"{args.unknown}\" (see the docstring); scored as the app does (prior rho {Config.PRIOR_RHO:g}, "
             f"day-one parameters, gap at P ≥ {DECIDED[1]:g}, no gap at P ≤ {DECIDED[0]:g}).",
             f"Gap prevalence {out['prevalence']:.3f}. Responses that were \"I don't know\": "
             f"{out['declined_share']:.3f} of all, {out['declined_share_choice']:.3f} of choice items. Today "
             f"{out['lucky_share_of_right_today']:.3f} of right answers are lucky guesses.",
             "",
             "| strategy | N (asked) | arm | choice items asked | said \"I don't know\" | accuracy | decisive share "
             "| accuracy when decisive | ECE | Brier | mean P(gap) − prevalence |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for strategy in args.strategies:
        for n in args.checkpoints:
            for arm in ARMS:
                m = out["results"][f"{strategy} N={n} {arm}"]
                lines.append(f"| {strategy} | {n} ({m['mean_questions']:.1f}) | {arm} | {m['choice_share']:.2f} "
                             f"| {m['dont_know_share']:.2f} | {m['accuracy']:.3f} | {m['decisive']:.3f} "
                             f"| {m['acc_decisive']:.3f} | {m['ece']:.3f} | {m['brier']:.3f} | {m['bias']:+.3f} |")
    lines.append("")
    lines.append("Paired accuracy difference dont_know − guess (bootstrap 95 % CI over learners): " + "; ".join(
        f"{k} {v['diff']:+.3f} [{v['ci95'][0]:+.3f}, {v['ci95'][1]:+.3f}]" for k, v in out["paired"].items()))
    lines.append(f"Check: \"I don't know\" scored without the floor vs as a plain wrong answer, largest |ΔP(gap)| "
                 f"over every fixed-form learner, skill and N: {out['check_max_abs_diff']:.1e}.")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bank", default="questions", help="'questions' (or a bank directory), or 'synthetic'")
    ap.add_argument("--assessment", default="ml-readiness")
    ap.add_argument("--learners", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--truth", choices=("T1", "T2"), default="T2")
    ap.add_argument("--rho", type=float, default=0.5, help="the learners' true correlation between skills")
    ap.add_argument("--unknown", choices=("knowledge", "threshold"), default="knowledge")
    ap.add_argument("--checkpoints", type=lambda s: [int(x) for x in s.split(",")], default=[30, 60],
                    help="test lengths to score at (comma-separated)")
    ap.add_argument("--strategies", type=lambda s: s.split(","), default=list(STRATEGIES))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", default="bench/out/dont_know.json")
    args = ap.parse_args(argv)
    if args.bank == "synthetic":
        bank = measurement.synthetic_bank()
    else:
        path = Path(args.bank)
        bank = measurement.questions_bank(path if path.is_absolute() or path.exists() else measurement.ROOT / path,
                                          args.assessment)
    started = time.perf_counter()
    out = simulate(bank, args)
    out["config"] = {**vars(args), "bank_name": bank.name, "prior_rho": Config.PRIOR_RHO,
                     "runtime_seconds": time.perf_counter() - started}
    print(report(bank, args, out))
    print(f"\nRuntime {out['config']['runtime_seconds']:.0f} s with {args.jobs} worker process(es).")
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
