#!/usr/bin/env python3
"""One sitting and three sittings of the adaptive "ML engineer readiness" assessment (issue #20): what a
learner gets from the app's report, on the real bank and the deployed settings, simulated with the app's
own scoring code.

What is simulated, per item world and learner (every step is the app's code, called as the app calls it):
- the bank: questions/ (assessment `ml-readiness`, its role's targets and weights, the skills' areas),
  day-one item parameters from the difficulty labels (measurement.questions_bank);
- an item world: the items' true parameters, measurement.make_truth's T2 (b = label + N(0, .5²),
  a = exp(N(0, .3²)), c around 1/k, 0 for free entry); default 3 worlds (seeds 1, 2, 3);
- learners: true abilities from a truth unlike the app's prior, a general and an area factor of other
  strengths, theta = sqrt(.35)·g + sqrt(.25)·a_area + sqrt(.40)·u (skills of one area correlate .60,
  of two areas .35; the app's prior says .5 and .3), or (--truth equi) the old equicorrelated .5;
  the abilities do not change between sittings;
- a sitting, as attempts/lifecycle.py builds one: a JointPosterior(skills, PRIOR_RHO, areas,
  PRIOR_RHO_AREA) that starts with the earlier sittings' answers faded by age (scoring/profile.py's
  faded_observations, PROFILE_HALF_LIFE_DAYS), their counts as AdaptiveState.earlier, the items of the
  last 3 sittings as `recent`, ScoringSettings.adaptive's AdaptiveSettings.for_assessment(30, 23,
  skill_cap=ADAPTIVE_SKILL_CAP); select_next with a random.Random seeded per request as extend_adaptive
  does; each answer drawn from the item's true 3PL; until select_next says stop or 30 questions;
- the report, as submit_attempt makes it: gaps.analyse_all on every answer so far (earlier ones faded,
  this sitting's in full), with GAP_THRESHOLD / NO_GAP_THRESHOLD and the borrowed bar;
- sittings on consecutive days by default (--days-apart 1: the earlier answers are 1 and 2 days old,
  weights .977 and .955 at a 30-day half-life); --days-apart 0 is the same day.

What is reported, per item world and over all of them: for the first sitting's report and the third's,
accuracy (P(gap) > .5 against truth theta < target), decisive share (calls that are not "not sure yet")
and decisive accuracy, ECE of P(gap), band coverage (truth within the estimate ± 1 posterior SD),
questions used, the share of sittings that stopped before 30, the format mix (choice against typed
answers), the area calls (truth: the role-weighted mean of the area's true abilities against the same
mean of the targets), how each skill stopped; a far-learner check (every skill 1.5 to 2.5 SD above,
or below, its target; and exactly 1.5 SD) with the questions of their first sitting; PASS/FAIL lines
against issue #20's targets. --sweep runs the same (fewer learners, the same ones for every setting)
over the prior's rho × rho_area and the stop band, the borrowed bar moving with the band.

Usage:
  .venv/bin/python bench/sittings.py --jobs 2 --out bench/out/sittings.json          # ~300 learners × 3 worlds
  .venv/bin/python bench/sittings.py --sweep --jobs 2 --out bench/out/sweep.json    # 24 settings, about 45 min
  .venv/bin/python bench/sittings.py --sweep --sweep-bands 0.1/0.9 --sweep-rho 0.3 --jobs 2 \
      --out bench/out/sweep_10_3.json                                               # 4 of them, about 5-8 min
  .venv/bin/python bench/sittings.py --truth equi --days-apart 0                     # the old truth, same day
  .venv/bin/python bench/sittings.py --quick --out /tmp/s.json                       # seconds (the test)
See bench/README.md ("sittings.py") for the figures of a run.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import multiprocessing
import os
import random
import sys
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import measurement  # noqa: E402  (puts the project root on sys.path)

from quizapp.attempts.settings import ScoringSettings  # noqa: E402
from quizapp.bank.loader import load_bank  # noqa: E402
from quizapp.config import Config  # noqa: E402
from quizapp.scoring import adaptive, gaps  # noqa: E402
from quizapp.scoring.ability import Observation  # noqa: E402
from quizapp.scoring.adaptive import AdaptiveSettings, AdaptiveState, SkillTarget, select_next  # noqa: E402
from quizapp.scoring.posterior import JointPosterior  # noqa: E402
from quizapp.scoring.profile import Answer, faded_observations  # noqa: E402

ROOT = BENCH.parent
ASSESSMENT = "ml-readiness"
RECENT_SITTINGS = 3            # attempts/lifecycle.RECENT_ATTEMPTS (not imported: lifecycle needs Flask's app)
START = datetime(2025, 1, 6, 9, 0)
STATUS_CODE = {gaps.GAP: 1, gaps.NO_GAP: 0, gaps.UNCERTAIN: -1}
STOP_KINDS = ("clear", "borrowed", "locked", "cap", "no items", "open")
SWEEP_RHO = (0.3, 0.4, 0.5)
SWEEP_RHO_AREA = (0.0, 0.1, 0.2, 0.3)

# issue #20's targets
# the app's settings as its config gives them (attempts/settings.py), for every sitting's selection
DEPLOYED = ScoringSettings.from_config({k: getattr(Config, k) for k in dir(Config) if k.isupper()})
TARGETS = {"one_accuracy": 0.75, "one_decisive_share": 0.55, "one_decisive_accuracy": 0.82, "one_ece": 0.03,
           "three_decisive_share": 0.80, "three_decisive_accuracy": 0.88, "far_questions": 20}


@dataclass(frozen=True)
class Setting:
    """The app's scoring settings a run uses (the deployed ones unless swept)."""

    rho: float = Config.PRIOR_RHO
    rho_area: float = Config.PRIOR_RHO_AREA
    stop_low: float = AdaptiveSettings.stop_low
    stop_high: float = AdaptiveSettings.stop_high
    borrowed_low: float = gaps.BORROWED_NO_GAP
    borrowed_high: float = gaps.BORROWED_GAP

    @property
    def label(self) -> str:
        return f"rho {self.rho:g}, rho_area {self.rho_area:g}, band {self.stop_low:g}/{self.stop_high:g}"

    @property
    def deployed(self) -> bool:
        return self == Setting()


@contextlib.contextmanager
def borrowed_bar(low: float, high: float):
    """gaps.call's bar for a skill with no answer of its own, set for the sweep (the app reads the module's
    constants when it calls; they are put back afterwards)."""
    saved = gaps.BORROWED_NO_GAP, gaps.BORROWED_GAP
    gaps.BORROWED_NO_GAP, gaps.BORROWED_GAP = low, high
    try:
        yield
    finally:
        gaps.BORROWED_NO_GAP, gaps.BORROWED_GAP = saved


# --- the bank, the truth ---------------------------------------------------------------------

def load(root: Path = ROOT / "questions") -> dict:
    """The real bank (measurement.questions_bank), the skills' areas and the assessment's length."""
    bank = measurement.questions_bank(root, ASSESSMENT)
    catalogue = load_bank(root)
    areas = {s["id"]: s["area"] for s in catalogue.skills}          # attempts.profile.skill_areas
    assessment = next(a for a in catalogue.assessments if a["id"] == ASSESSMENT)
    role = next(r for r in catalogue.roles if r["id"] == assessment["role"])
    report_targets = {}                                               # attempts.lifecycle.role_targets
    for sid in bank.skills:
        spec = role.get("targets", {}).get(sid, {"level": 3})
        report_targets[sid] = gaps.Target(spec["level"], spec.get("weight", 1.0), spec.get("mastery_p", 0.5))
    assert np.allclose([t.theta for t in report_targets.values()], bank.tau)
    members: dict[str, list[int]] = {}
    for k, s in enumerate(bank.skills):
        members.setdefault(areas[s], []).append(k)
    return {"bank": bank, "areas": areas, "members": members, "max_items": int(assessment["questions"]),
            "report_targets": report_targets}


def bifactor_learners(n: int, skills: list[str], areas: dict, g: float, area: float, seed: int) -> np.ndarray:
    """theta = sqrt(g)·G + sqrt(area)·A_area + sqrt(1 - g - area)·U, every part N(0, 1): variance 1."""
    rng = np.random.default_rng([seed, 212])
    names = sorted({areas[s] for s in skills})
    G = rng.normal(size=(n, 1))
    A = rng.normal(size=(n, len(names)))
    U = rng.normal(size=(n, len(skills)))
    col = [names.index(areas[s]) for s in skills]
    return math.sqrt(g) * G + math.sqrt(area) * A[:, col] + math.sqrt(1.0 - g - area) * U


def far_learners(n: int, tau: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Learners far from every target: each skill 1.5 + U(0, 1) SD above (or below) it, and exactly 1.5."""
    rng = np.random.default_rng([seed, 222])
    out = {}
    for sign, name in ((1.0, "above"), (-1.0, "below")):
        out[name] = tau[None, :] + sign * rng.uniform(1.5, 2.5, size=(n, len(tau)))
        out[f"{name} 1.5"] = np.repeat(tau[None, :] + sign * 1.5, max(n // 3, 1), axis=0)
    return out


def areas_only_decided(state: AdaptiveState, settings: AdaptiveSettings) -> bool:
    """--what-if areas-only: adaptive.sitting_decided without its skills' calls (every area looked at and 90 %
    sure is enough). Not the app: what it measures is how soon the area calls alone allow a stop."""
    return all(state.looked_at(s, settings) for s in state.targets) and all(
        p < settings.stop_low or p > settings.stop_high for p in state.area_p_gaps().values())


# --- one learner's sittings ------------------------------------------------------------------

_CTX: dict = {}  # set before the worker pool forks; read-only in the workers


def run_learner(theta: np.ndarray, truth: np.ndarray, key: str, setting: Setting, sittings: int) -> list[dict]:
    """The learner's sittings as the app runs them; per sitting, its report and how it went."""
    ctx = _CTX
    bank, areas, pool = ctx["bank"], ctx["areas"], ctx["pool"]
    skills = bank.skills
    targets = {s: SkillTarget(float(bank.tau[k]), float(bank.weight[k]), s) for k, s in enumerate(skills)}
    report_targets = ctx["report_targets"]
    p_true = measurement.p3(theta[bank.skill_of], truth)
    uniforms = np.random.default_rng([zlib.crc32(key.encode()), 303]).random((sittings, len(bank.label)))
    settings = dataclasses.replace(DEPLOYED.adaptive(ctx["max_items"], len(skills)),   # as extend_adaptive
                                   stop_low=setting.stop_low, stop_high=setting.stop_high)
    history: list[Answer] = []
    seen: list[set] = []
    out = []
    for k in range(sittings):
        now = START + timedelta(days=ctx["days_apart"] * k)
        posterior = JointPosterior(skills, setting.rho, areas, setting.rho_area)
        earlier: dict[str, int] = {}
        for sid, observations in faded_observations(history, now, ctx["half_life"]).items():
            for o in observations:
                posterior.update(sid, o)
            earlier[sid] = len(observations)
        recent = set().union(*seen[-RECENT_SITTINGS:]) if seen else set()
        state = AdaptiveState(posterior, targets, pool, recent=recent, earlier=earlier)
        own: list[Answer] = []
        while True:
            # extend_adaptive's random numbers: one generator per request, seeded by the attempt and position
            selection = select_next(state, settings, random.Random(f"{key}:{k}:{len(state.history)}"))
            if selection is None:
                break
            item = selection.item
            credit = float(uniforms[k, item.key] < p_true[item.key])
            observation = Observation(item.params, credit)
            posterior.update(item.skill, observation)
            state.record(item)
            own.append(Answer((item.skill,), observation, now, k))
        statuses = [state.skill_status(s, settings) or "open" for s in skills]
        asked = [i.key for i in state.history]
        history += own
        seen.append(set(asked))
        with borrowed_bar(setting.borrowed_low, setting.borrowed_high):
            results, area_results = gaps.analyse_all(faded_observations(history, now, ctx["half_life"]), report_targets,
                                                     Config.GAP_THRESHOLD, Config.NO_GAP_THRESHOLD, setting.rho,
                                                     areas, setting.rho_area)
        by_skill = {r.skill_id: r for r in results}
        by_area = {a.area: a for a in area_results}
        out.append({
            "p": [by_skill[s].estimate.p_gap for s in skills],
            "theta": [by_skill[s].estimate.theta for s in skills],
            "sd": [by_skill[s].estimate.sd for s in skills],
            "call": [STATUS_CODE[by_skill[s].status] for s in skills],
            "own": [by_skill[s].estimate.n_items for s in skills],
            "area_p": [by_area[a].estimate.p_gap for a in ctx["area_names"]],
            "area_call": [STATUS_CODE[by_area[a].status] for a in ctx["area_names"]],
            "asked": len(asked), "choice": int(sum(not bank.free[i] for i in asked)),
            "repeats": len(set(asked) & set().union(*seen[:-1])) if k else 0,
            "stopped": [STOP_KINDS.index(s) for s in statuses]})
    return out


def _chunk(task):
    setting, world, kind, rows, sittings = task
    truth = _CTX["truths"][world]
    thetas = _CTX["thetas"][(world, kind)]
    t0 = time.perf_counter()
    runs = [run_learner(thetas[i], truth, f"{world}:{kind}:{i}", setting, sittings) for i in rows]
    return task, runs, time.perf_counter() - t0


def simulate(data: dict, worlds, n_learners: int, n_far: int, settings_list, sittings: int, truth: str,
             truth_g: float, truth_area: float, days_apart: float, jobs: int, chunk: int = 10) -> dict:
    """Every setting on the same learners, item worlds and answers' random numbers."""
    bank = data["bank"]
    _CTX.clear()
    _CTX.update(bank=bank, areas=data["areas"], pool=measurement._pools(bank, bank.day1), max_items=data["max_items"],
                half_life=Config.PROFILE_HALF_LIFE_DAYS, days_apart=days_apart, area_names=sorted(data["members"]),
                report_targets=data["report_targets"], truths={}, thetas={})
    tasks = []
    for w in worlds:
        _CTX["truths"][w] = measurement.make_truth(bank, "T2", w)
        if truth == "equi":
            _CTX["thetas"][(w, "main")] = measurement.make_learners(n_learners, len(bank.skills), 0.5, w)
        else:
            _CTX["thetas"][(w, "main")] = bifactor_learners(n_learners, bank.skills, data["areas"], truth_g, truth_area, w)
        if n_far:
            for kind, th in far_learners(n_far, bank.tau, w).items():
                _CTX["thetas"][(w, kind)] = th
        for setting in settings_list:
            for kind, th in ((k, t) for (ww, k), t in _CTX["thetas"].items() if ww == w):
                n_sit = sittings if kind == "main" else 1
                tasks += [(setting, w, kind, list(range(a, min(a + chunk, len(th)))), n_sit)
                          for a in range(0, len(th), chunk)]
    tasks.sort(key=lambda t: t[2] != "main")   # the long ones first
    if jobs > 1 and len(tasks) > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            done = pool.map(_chunk, tasks, chunksize=1)
    else:
        done = [_chunk(t) for t in tasks]
    runs: dict = {}
    seconds = 0.0
    for (setting, w, kind, rows, _), res, dt in done:
        runs.setdefault((setting, w, kind), {}).update(dict(zip(rows, res, strict=True)))
        seconds += dt
    thetas = dict(_CTX["thetas"])
    _CTX.clear()
    return {"runs": {k: [v[i] for i in sorted(v)] for k, v in runs.items()}, "thetas": thetas, "cpu_seconds": seconds}


# --- metrics ---------------------------------------------------------------------------------

def skill_metrics(runs: list[list[dict]], thetas: np.ndarray, tau: np.ndarray, sitting: int, limit: int) -> dict:
    """The report after `sitting` (0-based) against the truth, pooled over learners and skills."""
    rows = [r[sitting] for r in runs]
    p = np.array([r["p"] for r in rows])
    call = np.array([r["call"] for r in rows])
    theta_hat, sd = np.array([r["theta"] for r in rows]), np.array([r["sd"] for r in rows])
    truth = thetas[: len(rows)]
    gap = truth < tau[None, :]
    decisive = call != STATUS_CODE[gaps.UNCERTAIN]
    right = (call == 1) == gap
    own = np.array([r["own"] for r in rows])
    asked = np.array([r["asked"] for r in rows])
    stopped = np.array([r["stopped"] for r in rows])
    return {
        "learners": len(rows),
        "accuracy": float(((p > 0.5) == gap).mean()),
        "decisive_share": float(decisive.mean()),
        "decisive_accuracy": float(right[decisive].mean()) if decisive.any() else float("nan"),
        "ece": measurement.ece(p.ravel(), gap.ravel().astype(float)),
        "brier": float(((p - gap) ** 2).mean()),
        "band_coverage": float((np.abs(truth - theta_hat) <= sd).mean()),
        "mean_sd": float(sd.mean()),
        "questions_mean": float(asked.mean()), "questions_p10": float(np.percentile(asked, 10)),
        "questions_p90": float(np.percentile(asked, 90)), "questions_max": int(asked.max()),
        "questions_min": int(asked.min()),
        "stopped_before_limit": float((asked < limit).mean()),
        "no_questions": float((asked == 0).mean()),
        "choice_share": float(sum(r["choice"] for r in rows) / max(asked.sum(), 1)),
        "repeats_mean": float(np.mean([r["repeats"] for r in rows])),
        "no_own_answer_share": float((own == 0).mean()),
        "no_own_answer_decisive": float(decisive[own == 0].mean()) if (own == 0).any() else float("nan"),
        "no_own_answer_decisive_accuracy": float(right[(own == 0) & decisive].mean())
        if ((own == 0) & decisive).any() else float("nan"),
        "stop_kinds": {kind: float((stopped == i).mean()) for i, kind in enumerate(STOP_KINDS)},
        "prevalence": float(gap.mean()),
    }


def area_metrics(runs: list[list[dict]], thetas: np.ndarray, bank, members: dict, sitting: int) -> dict:
    names = sorted(members)
    rows = [r[sitting] for r in runs]
    p = np.array([r["area_p"] for r in rows])
    call = np.array([r["area_call"] for r in rows])
    truth = thetas[: len(rows)]
    gap = np.empty_like(p, dtype=bool)
    for j, a in enumerate(names):
        idx = members[a]
        w = bank.weight[idx] / bank.weight[idx].sum()
        gap[:, j] = truth[:, idx] @ w < bank.tau[idx] @ w
    decisive = call != STATUS_CODE[gaps.UNCERTAIN]
    right = (call == 1) == gap
    return {"accuracy": float(((p > 0.5) == gap).mean()), "decisive_share": float(decisive.mean()),
            "decisive_accuracy": float(right[decisive].mean()) if decisive.any() else float("nan"),
            "ece": measurement.ece(p.ravel(), gap.ravel().astype(float)),
            "per_area_accuracy": {a: float(((p[:, j] > 0.5) == gap[:, j]).mean()) for j, a in enumerate(names)}}


def far_metrics(runs: list[list[dict]], thetas: np.ndarray, tau: np.ndarray, limit: int) -> dict:
    asked = np.array([r[0]["asked"] for r in runs])
    m = skill_metrics(runs, thetas, tau, 0, limit)
    return {"learners": len(runs), "questions_mean": float(asked.mean()), "questions_max": int(asked.max()),
            "questions_p90": float(np.percentile(asked, 90)), "accuracy": m["accuracy"],
            "decisive_share": m["decisive_share"], "decisive_accuracy": m["decisive_accuracy"]}


def summarize(data: dict, sim: dict, setting: Setting, worlds, sittings: int) -> dict:
    bank, members, limit = data["bank"], data["members"], data["max_items"]
    out = {"setting": setting.__dict__ | {"label": setting.label}, "worlds": {}, "overall": {}}
    pooled: dict = {}
    for w in worlds:
        runs = sim["runs"].get((setting, w, "main"), [])
        th = sim["thetas"][(w, "main")]
        world = {}
        for k in range(sittings):
            world[f"sitting {k + 1}"] = {**skill_metrics(runs, th, bank.tau, k, limit),
                                         "areas": area_metrics(runs, th, bank, members, k)}
        far = {}
        for (ss, ww, kind), fr in sim["runs"].items():
            if ss == setting and ww == w and kind != "main":
                far[kind] = far_metrics(fr, sim["thetas"][(w, kind)], bank.tau, limit)
                pooled.setdefault(("far", kind), []).append((fr, sim["thetas"][(w, kind)]))
        world["far"] = far
        out["worlds"][str(w)] = world
        pooled.setdefault("main", []).append((runs, th))
    runs = [r for rs, _ in pooled["main"] for r in rs]
    th = np.concatenate([t[: len(rs)] for rs, t in pooled["main"]])
    for k in range(sittings):
        out["overall"][f"sitting {k + 1}"] = {**skill_metrics(runs, th, bank.tau, k, limit),
                                              "areas": area_metrics(runs, th, bank, members, k)}
    far_all = {}
    for key, parts in pooled.items():
        if key != "main":
            far_all[key[1]] = far_metrics([r for rs, _ in parts for r in rs],
                                          np.concatenate([t[: len(rs)] for rs, t in parts]), bank.tau, limit)
    out["overall"]["far"] = far_all
    out["checks"] = checks(out, sittings)
    return out


def checks(summary: dict, sittings: int) -> list[dict]:
    """issue #20's targets: PASS / FAIL."""
    o, t = summary["overall"], TARGETS
    one = o["sitting 1"]
    eces = {w: v["sitting 1"]["ece"] for w, v in summary["worlds"].items()}
    out = []

    def add(name, value, threshold, ok, detail=""):
        out.append({"check": name, "value": value, "threshold": threshold, "status": "PASS" if ok else "FAIL",
                    "detail": detail})

    add("one sitting: accuracy", one["accuracy"], f">= {t['one_accuracy']}", one["accuracy"] >= t["one_accuracy"])
    add("one sitting: decisive share", one["decisive_share"], f">= {t['one_decisive_share']}",
        one["decisive_share"] >= t["one_decisive_share"])
    add("one sitting: decisive accuracy", one["decisive_accuracy"], f">= {t['one_decisive_accuracy']}",
        one["decisive_accuracy"] >= t["one_decisive_accuracy"])
    worst = max(eces.values())
    add("one sitting: ECE of P(gap), every item world", worst, f"<= {t['one_ece']}", worst <= t["one_ece"],
        ", ".join(f"world {w} {v:.3f}" for w, v in eces.items()))
    if sittings >= 3:
        three = o["sitting 3"]
        add("three sittings: decisive share", three["decisive_share"], f">= {t['three_decisive_share']}",
            three["decisive_share"] >= t["three_decisive_share"])
        add("three sittings: decisive accuracy", three["decisive_accuracy"], f">= {t['three_decisive_accuracy']}",
            three["decisive_accuracy"] >= t["three_decisive_accuracy"])
    far = o.get("far", {})
    if far:
        worst_far = max(v["questions_max"] for v in far.values())
        mean_far = max(v["questions_mean"] for v in far.values())
        detail = "; ".join(f"{k}: mean {v['questions_mean']:.1f}, max {v['questions_max']}" for k, v in far.items())
        add("far learner: first sitting, every such learner (max)", worst_far, f"<= {t['far_questions']} questions",
            worst_far <= t["far_questions"], detail)
        add("far learner: first sitting, mean (worst group)", mean_far, f"<= {t['far_questions']} questions",
            mean_far <= t["far_questions"])
    return out


# --- report ----------------------------------------------------------------------------------

_f = measurement._f   # a figure for a table: "–" for none, ints as they are


def sitting_table(summary: dict, sitting: str) -> list[str]:
    lines = [f"| {sitting} | accuracy | decisive share | decisive acc. | ECE | band ±1 SD | questions mean (p10–p90, max) "
             "| stopped < limit | no question | choice share | skills with no own answer (decisive) | areas: acc. / "
             "decisive / dec. acc. |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    rows = [(f"world {w}", v[sitting]) for w, v in summary["worlds"].items()] + [("**all**", summary["overall"][sitting])]
    for name, m in rows:
        a = m["areas"]
        lines.append(f"| {name} | {_f(m['accuracy'])} | {_f(m['decisive_share'])} | {_f(m['decisive_accuracy'])} "
                     f"| {_f(m['ece'])} | {_f(m['band_coverage'])} | {m['questions_mean']:.1f} "
                     f"({m['questions_p10']:.0f}–{m['questions_p90']:.0f}, {m['questions_max']}) "
                     f"| {_f(m['stopped_before_limit'], '.2f')} | {_f(m['no_questions'], '.2f')} "
                     f"| {_f(m['choice_share'], '.2f')} | {_f(m['no_own_answer_share'], '.2f')} "
                     f"({_f(m['no_own_answer_decisive'], '.2f')}) "
                     f"| {_f(a['accuracy'])} / {_f(a['decisive_share'])} / {_f(a['decisive_accuracy'])} |")
    return lines


def report(summary: dict, sittings: int) -> str:
    lines = [f"### {summary['setting']['label']}", ""]
    for k in range(sittings):
        lines += sitting_table(summary, f"sitting {k + 1}") + [""]
    kinds = summary["overall"]["sitting 1"]["stop_kinds"]
    lines.append("How each skill had stopped at the end of sitting 1 (all worlds): "
                 + ", ".join(f"{k} {v:.2f}" for k, v in kinds.items()))
    if sittings >= 3:
        kinds = summary["overall"]["sitting 3"]["stop_kinds"]
        lines.append("… and of sitting 3: " + ", ".join(f"{k} {v:.2f}" for k, v in kinds.items()))
    lines.append("")
    far = summary["overall"]["far"]
    if far:
        lines += ["Far learners, first sitting (every skill ≥ 1.5 SD from its target):", "",
                  "| group | learners | questions mean | p90 | max | accuracy | decisive share | decisive acc. |",
                  "|---|---|---|---|---|---|---|---|"]
        for kind, m in far.items():
            lines.append(f"| {kind} | {m['learners']} | {m['questions_mean']:.1f} | {m['questions_p90']:.0f} "
                         f"| {m['questions_max']} | {_f(m['accuracy'])} | {_f(m['decisive_share'])} "
                         f"| {_f(m['decisive_accuracy'])} |")
        for w, v in summary["worlds"].items():
            lines.append(f"- world {w}: " + "; ".join(f"{k} mean {m['questions_mean']:.1f} max {m['questions_max']}"
                                                     for k, m in v["far"].items()))
        lines.append("")
    lines += ["| check | value | target | status | detail |", "|---|---|---|---|---|"]
    for c in summary["checks"]:
        lines.append(f"| {c['check']} | {_f(c['value'])} | {c['threshold']} | **{c['status']}** | {c['detail']} |")
    lines.append("")
    return "\n".join(lines)


def sweep_table(summaries: list[dict], sittings: int) -> str:
    lines = ["| rho | rho_area | band | 1: acc. | 1: decisive | 1: dec. acc. | 1: ECE worst world (pooled) | 1: questions "
             "| 1: areas acc. / decisive | 3: decisive | 3: dec. acc. | far: worst-group mean / max q. | targets met |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in summaries:
        st, o = s["setting"], s["overall"]
        one = o["sitting 1"]
        three = o.get(f"sitting {min(3, sittings)}")
        worst = max(v["sitting 1"]["ece"] for v in s["worlds"].values())
        far = o["far"]
        fm = max((v["questions_mean"] for v in far.values()), default=float("nan"))
        fx = max((v["questions_max"] for v in far.values()), default=0)
        met = sum(c["status"] == "PASS" for c in s["checks"])
        mark = "**" if Setting(**{k: v for k, v in st.items() if k != "label"}).deployed else ""
        lines.append(f"| {mark}{st['rho']:g}{mark} | {mark}{st['rho_area']:g}{mark} | {st['stop_low']:g}/{st['stop_high']:g} "
                     f"| {_f(one['accuracy'])} | {_f(one['decisive_share'])} | {_f(one['decisive_accuracy'])} "
                     f"| {_f(worst)} ({_f(one['ece'])}) | {one['questions_mean']:.1f} | {_f(one['areas']['accuracy'])} / "
                     f"{_f(one['areas']['decisive_share'])} | {_f(three['decisive_share'])} "
                     f"| {_f(three['decisive_accuracy'])} | {fm:.1f} / {fx} | {met}/{len(s['checks'])}: "
                     + ", ".join(_short(c["check"]) for c in s["checks"] if c["status"] == "PASS") + " |")
    return "\n".join(lines)


def _short(check: str) -> str:
    return (check.replace("one sitting: ", "1 ").replace("three sittings: ", "3 ").replace("decisive ", "dec. ")
            .replace("accuracy", "acc").replace("share", "sh").replace(" of P(gap), every item world", "")
            .replace("far learner: first sitting, every such learner (max)", "far max")
            .replace("far learner: first sitting, mean (worst group)", "far mean"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--learners", type=int, default=300, help="per item world")
    ap.add_argument("--far", type=int, default=60, help="far learners per direction and world (plus a third as many "
                    "at exactly 1.5 SD); 0: none")
    ap.add_argument("--worlds", default="1,2,3", help="seeds of the T2 item worlds (and of their learners)")
    ap.add_argument("--sittings", type=int, default=3)
    ap.add_argument("--truth", choices=("bifactor", "equi"), default="bifactor",
                    help="bifactor: sqrt(g)·G + sqrt(area)·A + rest (default .35/.25); equi: equicorrelated .5")
    ap.add_argument("--truth-g", type=float, default=0.35)
    ap.add_argument("--truth-area", type=float, default=0.25)
    ap.add_argument("--days-apart", type=float, default=1.0, help="days between sittings (0: the same day)")
    ap.add_argument("--sweep", action="store_true", help="rho × rho_area × stop band instead of the deployed settings")
    ap.add_argument("--sweep-bands", default="0.1/0.9,0.15/0.85",
                    help="with --sweep: the stop bands (low/high, comma-separated); one per run keeps a run short")
    ap.add_argument("--sweep-rho", default=",".join(map(str, SWEEP_RHO)), help="with --sweep: the rho values")
    ap.add_argument("--sweep-rho-area", default=",".join(map(str, SWEEP_RHO_AREA)), help="with --sweep: the rho_area values")
    ap.add_argument("--sweep-learners", type=int, default=80, help="with --sweep: learners per world")
    ap.add_argument("--sweep-far", type=int, default=10, help="with --sweep: far learners per direction and world")
    ap.add_argument("--merge", nargs="+", metavar="JSON",
                    help="print the sweep table of these --out files (parts of a sweep) and exit")
    ap.add_argument("--what-if", choices=("areas-only",), default=None,
                    help="not the app: areas-only stops a sitting once every area's call is 90 %% sure, whatever "
                         "its skills' calls (a bound on how short an honest first sitting can be)")
    ap.add_argument("--quick", action="store_true", help="1 world, at most 8 learners and 3 far: seconds (the test)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--out", default="bench/out/sittings.json")
    args = ap.parse_args(argv)

    if args.merge:
        parts = [json.loads(Path(f).read_text()) for f in args.merge]
        summaries = sorted((s for part in parts for s in part["summaries"]),
                           key=lambda s: (s["setting"]["stop_low"], s["setting"]["rho"], s["setting"]["rho_area"]))
        print(sweep_table(summaries, min(part["config"]["sittings"] for part in parts)))
        return 0
    started = time.perf_counter()
    worlds = [int(w) for w in args.worlds.split(",") if w.strip()]
    n_learners, n_far = args.learners, args.far
    if args.quick:
        worlds, n_learners, n_far = worlds[:1], min(n_learners, 8), min(n_far, 3)
    if args.sweep:
        n_learners, n_far = (n_learners, n_far) if args.quick else (args.sweep_learners, args.sweep_far)
        bands = [tuple(float(x) for x in b.split("/")) for b in args.sweep_bands.split(",") if b.strip()]
        rhos = [float(x) for x in args.sweep_rho.split(",") if x.strip()]
        rho_areas = [float(x) for x in args.sweep_rho_area.split(",") if x.strip()]
        settings_list = [Setting(rho, ra, lo, hi, lo, hi) for lo, hi in bands for rho in rhos for ra in rho_areas]
    else:
        settings_list = [Setting()]
    data = load()
    bank = data["bank"]
    app_rule = adaptive.sitting_decided
    if args.what_if == "areas-only":
        adaptive.sitting_decided = areas_only_decided     # the workers fork after this; put back below
    try:
        sim = simulate(data, worlds, n_learners, n_far, settings_list, args.sittings, args.truth, args.truth_g,
                       args.truth_area, args.days_apart, args.jobs)
    finally:
        adaptive.sitting_decided = app_rule
    summaries = [summarize(data, sim, s, worlds, args.sittings) for s in settings_list]
    truth_words = (f"theta = sqrt({args.truth_g:g})·g + sqrt({args.truth_area:g})·a_area + "
                   f"sqrt({1 - args.truth_g - args.truth_area:.2g})·u" if args.truth == "bifactor"
                   else "equicorrelated .5")
    print(f"## Sittings of `{ASSESSMENT}` — {bank.name}: {len(bank.skills)} skills, {len(bank.label)} items "
          f"({100 * bank.free.mean():.0f} % typed), limit {data['max_items']} questions\n")
    print(f"Truth: {truth_words}; item worlds T2 seeds {', '.join(map(str, worlds))}; {n_learners} learners per world, "
          f"{args.sittings} sittings {args.days_apart:g} day(s) apart (half-life {Config.PROFILE_HALF_LIFE_DAYS:g} days); "
          f"far learners {n_far} per direction and world.\n")
    if args.what_if:
        print(f"What-if, not the app: {args.what_if} (a sitting stops once every area's call is 90 % sure).\n")
    if args.sweep:
        print(sweep_table(summaries, args.sittings))
        print()
    else:
        print(report(summaries[0], args.sittings))
    results = {"config": {**vars(args), "worlds": worlds, "learners_per_world": n_learners, "far_per_direction": n_far,
                          "bank": bank.name, "skills": bank.skills, "tau": bank.tau.tolist(),
                          "weights": bank.weight.tolist(), "areas": {s: data["areas"][s] for s in bank.skills},
                          "max_items": data["max_items"], "skill_cap": Config.ADAPTIVE_SKILL_CAP,
                          "half_life_days": Config.PROFILE_HALF_LIFE_DAYS, "gap_threshold": Config.GAP_THRESHOLD,
                          "no_gap_threshold": Config.NO_GAP_THRESHOLD, "targets": TARGETS},
               "summaries": summaries, "cpu_seconds": sim["cpu_seconds"],
               "runtime_seconds": time.perf_counter() - started}
    print(f"Runtime {results['runtime_seconds']:.0f} s ({sim['cpu_seconds']:.0f} s of simulation) with {args.jobs} "
          "worker process(es).")
    measurement.write_json(results, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
