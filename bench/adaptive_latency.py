"""Latency of one adaptive step in the app (rebuild state from the saved answers, update, select,
store the next question) with a 2,000-item bank, against a baseline measured in the same run.

    .venv/bin/python bench/adaptive_latency.py [--items-per-skill 100 --skills 20 --attempts 20 --steps 30]

Issue 6's target (selection + update < 20 ms p95 with 2,000 items) is timed by bench/measurement.py;
this script times the whole step the app runs per question. The baseline is the cost of
loading the attempt and its answers alone (what any question page pays), so the ratio shows
what adaptivity adds. SQLite in a temporary folder; nothing touches instance/.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp import create_app  # noqa: E402
from quizapp.attempts.behaviours import ADAPTIVE  # noqa: E402
from quizapp.attempts.lifecycle import extend_adaptive, load_attempt_items, start_attempt  # noqa: E402
from quizapp.bank.loader import Bank, QuestionDef, content_hash  # noqa: E402
from quizapp.bank.sync import sync_bank  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.models import Assessment, Attempt, Role  # noqa: E402


def synthetic_bank(skills: int, per_skill: int) -> Bank:
    skill_ids = [f"bench.s{k:02d}" for k in range(skills)]
    bank = Bank(
        skills=[{"id": s, "name": s, "area": "math", "prerequisites": [], "description": ""} for s in skill_ids],
        roles=[{"id": "bench-role", "name": "Bench", "description": "", "targets": {
            s: {"level": 3, "weight": 1.0, "mastery_p": 0.5} for s in skill_ids}}],
        assessments=[{"id": "bench", "name": "Bench", "description": "", "role": "bench-role",
                      "questions": 60, "mode": "adaptive", "skills": skill_ids}],
    )
    for s in skill_ids:
        for k in range(per_skill):
            qtype = "single" if k % 3 else "numeric"
            d = {"type": qtype, "difficulty": k % 5 + 1, "skills": [s], "prompt": f"{s} {k}", "explanation": "e",
                 "references": ["https://example.org"]}
            if qtype == "single":
                d["choices"] = [{"text": str(i), "correct": i == 0} for i in range(4)]
            else:
                d["answer"] = 1.0
            bank.questions.append(QuestionDef(f"{s}-{k}", "bench", 1, qtype, d["difficulty"], (s,), d, content_hash(d)))
    return bank


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skills", type=int, default=20)
    parser.add_argument("--items-per-skill", type=int, default=100)
    parser.add_argument("--attempts", type=int, default=20)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite'}", "SECRET_KEY": "bench",
                      "TESTING": True})
    app.instance_path = str(tmp)
    rng = random.Random(1)
    steps, baseline = [], []
    with app.app_context():
        db.create_all()
        sync_bank(db.session, synthetic_bank(args.skills, args.items_per_skill))
        db.session.commit()
        assessment, role = db.session.get(Assessment, "bench"), db.session.get(Role, "bench-role")
        for a in range(args.attempts):
            attempt = start_attempt(assessment, role, ADAPTIVE, None, f"guest{a}")
            public_id = attempt.public_id
            for _ in range(args.steps):
                db.session.expire_all()  # every request starts from the database, as after a restart
                t0 = time.perf_counter()
                attempt = db.session.query(Attempt).filter_by(public_id=public_id).one()
                items = load_attempt_items(attempt)
                t1 = time.perf_counter()
                item = items[-1]
                item.credit = float(rng.random() < 0.6)
                item.state = "correct" if item.credit else "wrong"
                if not extend_adaptive(attempt):
                    break
                t2 = time.perf_counter()
                baseline.append((t1 - t0) * 1000)
                steps.append((t2 - t0) * 1000)
    items = args.skills * args.items_per_skill
    p50, p95 = statistics.median(steps), percentile(steps, 0.95)
    b50, b95 = statistics.median(baseline), percentile(baseline, 0.95)
    print(f"bank: {items} items over {args.skills} skills; {len(steps)} adaptive steps over {args.attempts} attempts")
    print(f"{'':32}{'p50 ms':>10}{'p95 ms':>10}")
    print(f"{'baseline: load attempt + answers':32}{b50:>10.2f}{b95:>10.2f}")
    print(f"{'adaptive step (load+update+select+store)':32}{p50:>10.2f}{p95:>10.2f}")
    print(f"ratio to baseline: p50 {p50 / b50:.1f}x, p95 {p95 / b95:.1f}x")
    # Issue 6's target (< 20 ms p95) is for selection + update alone; bench/measurement.py times that
    # (--latency-calls). This step also rebuilds the state from the database and stores the result.
    print(f"whole step p95 {p95:.1f} ms ({'under' if p95 < 20 else 'over'} 20 ms; the issue's < 20 ms target is "
          "selection + update alone: see bench/measurement.py's latency line)")


if __name__ == "__main__":
    main()
