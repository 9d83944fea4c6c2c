"""Bank import speed: validate + import 10,000 generated questions, against parsing the same
files with PyYAML's C loader alone, measured in one run.

    .venv/bin/python bench/import_speed.py [--questions 10000 --files 100 --repeats 3 --out bench/out/import.json]
    .venv/bin/python bench/import_speed.py --postgres      # a scratch PostgreSQL database, dropped afterwards
    .venv/bin/python bench/import_speed.py --profile bench/out/import_profile.html   # pyinstrument, one import

Target (issue 9): validate + import ≤ 2.5 × the C-loader parse. The generated bank is realistic
(the real bank's question types and keys, its skills and catalogue files; prompts with code
blocks, per-choice feedback, references, review dates) but has no parameterised questions,
whose import runs code. Numeric items carry a `check:` key as data: import never runs checks.

Each repeat runs, interleaved so both see the same machine load:
  (a) baseline: read every file and `yaml.load(text, Loader=yaml.CLoader)`;
  (b) import: what `quizapp bank import` does (load_bank validates, sync_bank, commit) into a
      fresh database, in an app from `quizapp.create_app` (schema by `db.create_all`, untimed);
  (c) re-import: the same again on the now-full database, which must change nothing.
The best of the repeats is compared. SQLite in a temporary folder by default.
"""
from __future__ import annotations

import argparse
import json
import keyword
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp import create_app  # noqa: E402
from quizapp.bank import frozen, schema  # noqa: E402
from quizapp.bank.loader import load_bank, question_files  # noqa: E402
from quizapp.bank.sync import sync_bank  # noqa: E402
from quizapp.extensions import db  # noqa: E402

REAL_BANK = ROOT / "questions"
TARGET_RATIO = 2.5
ADMIN_URL = os.environ.get("QUIZAPP_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")

# --- the generated bank ----------------------------------------------------------------------

WORDS = ("model gradient tensor matrix vector loss batch epoch feature label sample variance bias "
         "estimate kernel layer weight activation softmax logit norm rank eigenvalue probability "
         "expectation prior posterior likelihood split fold metric precision recall threshold "
         "pipeline transform scaler encoder dataset index slice list dict tuple generator iterator "
         "closure decorator class method attribute exception shape axis broadcast dtype copy view "
         "learning rate momentum optimizer regularisation dropout convolution pooling tree forest "
         "boosting margin cluster centroid distance neighbour embedding token sequence").split()
# the real bank's mix of non-parameterised types (numeric 169, single 195, short 65, multiple 48, true_false 42)
TYPE_WEIGHTS = {"numeric": 33, "single": 37, "short": 12, "multiple": 10, "true_false": 8}
DOC_URLS = ("https://docs.python.org/3/library/stdtypes.html", "https://numpy.org/doc/stable/user/basics.html",
            "https://scikit-learn.org/stable/modules/cross_validation.html", "https://pytorch.org/docs/stable/",
            "https://en.wikipedia.org/wiki/Bias%E2%80%93variance_tradeoff", "https://www.deeplearningbook.org/")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    words[rng.randrange(len(words))] = f"`{rng.choice(WORDS)}`"
    return " ".join(words).capitalize() + "."


def _block(text: str, indent: int = 6) -> str:
    pad = " " * indent
    return "|\n" + "\n".join(pad + line if line else "" for line in text.split("\n"))


def _code(rng: random.Random) -> str:
    names = rng.sample([w for w in WORDS if not keyword.iskeyword(w)], 3)
    return "\n".join(["```python", f"{names[0]} = [{', '.join(str(rng.randint(0, 9)) for _ in range(5))}]",
                      f"{names[1]} = {names[0]}[{rng.randint(0, 2)}:{rng.randint(3, 5)}]",
                      f"print(len({names[1]}), sum({names[1]}))", "```"])


def _question(rng: random.Random, qid: str, qtype: str, skill_ids: list[str], file_skill: str) -> str:
    lines = [f"  - id: {qid}", f"    type: {qtype}", f"    difficulty: {rng.randint(1, 5)}"]
    if rng.random() < 0.2:
        other = rng.choice(skill_ids)
        lines.append(f"    skills: [{', '.join(dict.fromkeys([file_skill, other]))}]")
    prompt = _sentence(rng) + " " + _sentence(rng)
    if rng.random() < 0.5:
        prompt += "\n\n" + _code(rng)
    lines.append("    prompt: " + _block(prompt))
    if qtype in ("single", "multiple"):
        n = rng.randint(4, 5) if qtype == "single" else rng.randint(4, 6)
        correct = {0} if qtype == "single" else set(rng.sample(range(n), rng.randint(1, 3)))
        lines.append("    choices:")
        for i in range(n):
            lines.append(f"      - text: {_quote(f'`{rng.choice(WORDS)}_{i}` ' + ' '.join(rng.choices(WORDS, k=3)))}")
            if i in correct:
                lines.append("        correct: true")
            else:
                lines.append(f"        feedback: {_quote(_sentence(rng, 6, 14))}")
    elif qtype == "true_false":
        lines += [f"    answer: {rng.choice(['true', 'false'])}", f"    feedback: {_quote(_sentence(rng))}"]
    elif qtype == "numeric":
        a, b = rng.randint(2, 99), rng.randint(2, 9)
        lines += [f"    answer: {a * b}", f"    tolerance: {rng.choice(['0', '0.01', '1%'])}"]
        if rng.random() < 0.1:
            lines.append("    unit: ms")
        lines += [f"    feedback: {_quote(_sentence(rng))}", f"    check:\n      python: '{a} * {b}'"]
    else:  # short
        word = rng.choice(WORDS)
        lines.append(f"    answers: [{word}, {_quote(repr(word))}, '\"{word}\"']")
        if rng.random() < 0.3:
            lines.append(f"    pattern: '^\\s*{word}s?\\s*$'")
        lines.append(f"    feedback: {_quote(_sentence(rng))}")
    lines.append("    explanation: " + _block(_sentence(rng, 12, 24) + "\n" + _sentence(rng, 12, 24)))
    lines.append("    references:")
    lines += [f"      - {url}" for url in rng.sample(DOC_URLS, rng.randint(1, 2))]
    if rng.random() < 0.1:
        lines.append("    requires: numpy>=1.26")
    lines.append(f"    reviewed: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    return "\n".join(lines) + "\n"


def generate_bank(root: Path, questions: int = 10_000, files: int = 100, seed: int = 1) -> list[Path]:
    """Write a valid bank of `questions` items over `files` files (plus the real catalogue) under root."""
    root.mkdir(parents=True, exist_ok=True)
    for name in schema.CATALOGUE_FILES:
        if (REAL_BANK / name).exists():
            shutil.copy(REAL_BANK / name, root / name)
    skills = yaml.load((REAL_BANK / "skills.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["skills"]
    skill_ids = [s["id"] for s in skills]
    rng = random.Random(seed)
    types, weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    written, start = [], 0
    for f in range(files):
        count = questions // files + (f < questions % files)
        skill = skills[f % len(skills)]
        path = root / skill["area"] / f"gen_{f:04d}.yaml"
        path.parent.mkdir(exist_ok=True)
        body = [f"# generated by bench/import_speed.py (seed {seed})\nskill: {skill['id']}\nquestions:\n"]
        for k in range(start, start + count):
            qtype = rng.choices(types, weights)[0]
            body.append(("\n" if k > start else "") + _question(rng, f"gen-{k:05d}-{qtype.replace('_', '')}", qtype,
                                                                skill_ids, skill["id"]))
        path.write_text("".join(body), encoding="utf-8")
        written.append(path)
        start += count
    return written


# --- the three measurements ------------------------------------------------------------------

def bank_yaml_files(root: Path) -> list[Path]:
    """Every file load_bank reads: the catalogue files and the question files."""
    return [root / n for n in sorted(schema.CATALOGUE_FILES) if (root / n).exists()] + question_files(root)


def parse_with_c_loader(files: list[Path]) -> int:
    """The baseline: read and parse each file with libyaml; returns the number of documents."""
    parsed = 0
    for path in files:
        yaml.load(path.read_bytes().decode("utf-8-sig"), Loader=yaml.CLoader)
        parsed += 1
    return parsed


def make_bench_app(database_url: str, instance: Path, questions_dir: Path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "TESTING": True,
                      "QUESTIONS_DIR": str(questions_dir)})
    app.instance_path = str(instance)
    return app


def import_bank(root: Path) -> tuple[dict, float, float]:
    """What `quizapp bank import` does, in the current app context: (counts, load seconds, sync+commit seconds)."""
    t0 = time.perf_counter()
    bank = load_bank(root)
    t1 = time.perf_counter()
    if bank.issues:
        raise SystemExit("the generated bank does not validate:\n" + "\n".join(map(str, bank.issues[:20])))
    try:
        report = sync_bank(db.session, bank, frozen.lookup(root))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return dict(report.counts), t1 - t0, time.perf_counter() - t1


def run_import_pair(root: Path, database_url: str, instance: Path) -> dict:
    """A fresh schema, then import (timed) and re-import (timed); returns times and counts."""
    app = make_bench_app(database_url, instance, root)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.remove()
        first_counts, first_load, first_sync = import_bank(root)
        db.session.remove()  # a new CLI run starts with an empty session
        again_counts, again_load, again_sync = import_bank(root)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return {"import": first_load + first_sync, "import_load": first_load, "import_sync": first_sync,
            "import_counts": first_counts, "reimport": again_load + again_sync, "reimport_load": again_load,
            "reimport_sync": again_sync, "reimport_counts": again_counts}


def _scratch_postgres() -> tuple[str, str]:
    import psycopg

    name = f"quizapp_bench_import_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name, ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"


def _drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(questions: int, files: int, repeats: int, database_url: str | None, workdir: Path) -> dict:
    """Generate the bank and run the interleaved repeats; returns every figure."""
    root = workdir / "questions"
    t0 = time.perf_counter()
    generate_bank(root, questions, files)
    generated = time.perf_counter() - t0
    yaml_files = bank_yaml_files(root)
    size = sum(p.stat().st_size for p in yaml_files)
    runs = []
    for rep in range(repeats):
        t0 = time.perf_counter()
        parse_with_c_loader(yaml_files)
        baseline = time.perf_counter() - t0
        url = database_url or f"sqlite:///{workdir / f'bench-{rep}.sqlite'}"
        runs.append({"baseline": baseline, **run_import_pair(root, url, workdir)})
        print(f"  repeat {rep + 1}/{repeats}: baseline {baseline:.2f} s, import {runs[-1]['import']:.2f} s "
              f"(load {runs[-1]['import_load']:.2f} + sync {runs[-1]['import_sync']:.2f}), "
              f"re-import {runs[-1]['reimport']:.2f} s", file=sys.stderr)
    best = {k: min(r[k] for r in runs) for k in ("baseline", "import", "import_load", "import_sync", "reimport")}
    return {
        "questions": questions, "files": len(yaml_files), "question_files": files, "bytes": size,
        "generate_seconds": generated, "database": "postgresql" if database_url else "sqlite",
        "yaml_libyaml": yaml.__with_libyaml__, "repeats": repeats, "runs": runs, "best": best,
        "median": {k: statistics.median(r[k] for r in runs) for k in best},
        "ratio": best["import"] / best["baseline"],
        "reimport_ratio": best["reimport"] / best["baseline"],
        "target_ratio": TARGET_RATIO,
        "import_counts": runs[-1]["import_counts"], "reimport_counts": runs[-1]["reimport_counts"],
    }


def profile_import(questions: int, files: int, workdir: Path, out: Path) -> None:
    """Profile one import into a fresh SQLite database with pyinstrument (the `bench` extra); write HTML."""
    from pyinstrument import Profiler

    root = workdir / "questions"
    if not root.exists():
        generate_bank(root, questions, files)
    app = make_bench_app(f"sqlite:///{workdir / 'profile.sqlite'}", workdir, root)
    with app.app_context():
        db.create_all()
        profiler = Profiler(interval=0.001)
        with profiler:
            import_bank(root)
        db.session.remove()
        db.engine.dispose()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profiler.output_html(), encoding="utf-8")
    print(profiler.output_text(color=False, unicode=False), file=sys.stderr)
    print(f"profile written to {out}", file=sys.stderr)


def report(result: dict) -> bool:
    """Print the figures as markdown; True when the ratio meets the target and the counts are right."""
    best, med = result["best"], result["median"]
    first, again = result["import_counts"], result["reimport_counts"]
    counts_ok = (first.get("q_added") == result["questions"] and again.get("q_unchanged") == result["questions"]
                 and not any(again.get(k) for k in ("q_added", "q_new_version", "q_retired", "catalogue_changed")))
    ok = result["ratio"] <= TARGET_RATIO and counts_ok
    print(f"bank: {result['questions']} questions in {result['question_files']} files "
          f"({result['files']} YAML files with the catalogue, {result['bytes'] / 1e6:.1f} MB); "
          f"database {result['database']}; best of {result['repeats']} (median)")
    print()
    print("| step | seconds |")
    print("|---|---|")
    print(f"| (a) parse only, `yaml.load(..., Loader=yaml.CLoader)` | {best['baseline']:.2f} ({med['baseline']:.2f}) |")
    print(f"| (b) validate + import (`load_bank` + `sync_bank` + commit) | {best['import']:.2f} ({med['import']:.2f}) |")
    print(f"|     of which validate (`load_bank`) | {best['import_load']:.2f} ({med['import_load']:.2f}) |")
    print(f"|     of which import (`sync_bank` + commit) | {best['import_sync']:.2f} ({med['import_sync']:.2f}) |")
    print(f"| (c) re-import, nothing changed | {best['reimport']:.2f} ({med['reimport']:.2f}) |")
    print()
    print(f"ratio (b)/(a): {result['ratio']:.2f} (target ≤ {TARGET_RATIO}): {'PASS' if result['ratio'] <= TARGET_RATIO else 'FAIL'}")
    print(f"ratio (c)/(a): {result['reimport_ratio']:.2f}")
    print(f"counts: first import {first.get('q_added', 0)} added; re-import {again.get('q_unchanged', 0)} unchanged, "
          f"{again.get('q_added', 0)} added, {again.get('q_new_version', 0)} new versions, "
          f"{again.get('catalogue_changed', 0)} catalogue rows changed: {'PASS' if counts_ok else 'FAIL'}")
    print("RESULT: " + ("PASS" if ok else "FAIL"))
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=100, help="question files to spread them over")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database-url", help="a scratch SQLAlchemy URL; its tables are dropped and recreated")
    parser.add_argument("--postgres", action="store_true",
                        help=f"create a scratch database on {ADMIN_URL} (QUIZAPP_BENCH_POSTGRES), drop it after")
    parser.add_argument("--keep", action="store_true", help="keep the generated bank and print where it is")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument("--profile", type=Path, metavar="HTML",
                        help="only profile one import with pyinstrument and write its HTML report here")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-import-bench-"))
    scratch = None
    try:
        url = args.database_url
        if args.profile:
            profile_import(args.questions, args.files, workdir, args.profile)
            return 0
        if args.postgres:
            scratch, url = _scratch_postgres()
        result = measure(args.questions, args.files, args.repeats, url, workdir)
    finally:
        if scratch:
            _drop_postgres(scratch)
        if args.keep:
            print(f"generated bank kept in {workdir / 'questions'}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    ok = report(result)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
