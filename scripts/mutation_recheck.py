#!/usr/bin/env python3
"""Re-check surviving mutants against tests written after a mutmut run, without a new run.

    .venv/bin/python scripts/mutation_recheck.py tests/unit/test_x.py [more test files] [--only GLOB] [--record]

mutmut runs each mutant in its own process, and a full `make mutation` takes over an hour here. After
tests were added for the survivors, this runs the given test files once per surviving mutant (exit
code 0 or "no tests" in mutants/*.meta, optionally only those matching --only) inside ONE pytest
process in mutants/: mutmut's trampoline reads MUTANT_UNDER_TEST on every call, so setting it
selects the mutant. A failing test means killed. It first copies tests/ into mutants/ and checks
that the files pass with no mutant and that a made-up name survives. --record writes the kills
into the .meta files as mutmut would (exit code 1), so `mutmut results`, `mutmut export-cicd-stats`
and scripts/mutation_report.py count them.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
CONTROL = "quizapp.no_such_module.x_nothing__mutmut_1"

PLUGIN = '''
import json, os
import pytest

_failed = {}
_current = [None]


def pytest_runtest_logreport(report):
    if report.failed and _current[0] is not None:
        _failed.setdefault(_current[0], report.nodeid)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    with open(os.environ["RECHECK_NAMES"]) as f:
        names = json.load(f)
    for name in names:
        _current[0] = name
        os.environ["MUTANT_UNDER_TEST"] = name
        for i, item in enumerate(session.items):
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=None)
            if name in _failed:
                break
    os.environ.pop("MUTANT_UNDER_TEST", None)
    _current[0] = None
    with open(os.environ["RECHECK_OUT"], "w") as f:
        json.dump(_failed, f, indent=1)
    return True
'''


def survivors(only: str | None) -> dict[str, Path]:
    found = {}
    for meta in sorted((MUTANTS / "quizapp").rglob("*.py.meta")):
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            if code in (0, 5, 33) and (only is None or fnmatch.fnmatch(name, only)):
                found[name] = meta
    return found


def run(names: list[str], tests: list[str]) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "recheck_plugin.py").write_text(PLUGIN, encoding="utf-8")
        (Path(tmp) / "names.json").write_text(json.dumps(names), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": tmp, "RECHECK_NAMES": str(Path(tmp) / "names.json"),
               "RECHECK_OUT": str(Path(tmp) / "out.json")}
        env.pop("MUTANT_UNDER_TEST", None)
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "recheck_plugin", "-p", "no:randomly",
                        "-p", "no:cacheprovider", *tests], cwd=MUTANTS, env=env, capture_output=True, check=False)
        return json.loads((Path(tmp) / "out.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tests", nargs="+", help="test files (paths as in the repository)")
    parser.add_argument("--only", help="a glob of mutant names, e.g. 'quizapp.scoring.calibration.*'")
    parser.add_argument("--names", type=Path, help="a file of mutant names, one per line (of the survivors)")
    parser.add_argument("--record", action="store_true", help="write the kills into mutants/*.meta")
    parser.add_argument("--deselect", action="append", default=[], help="a test id to leave out (pytest --deselect)")
    args = parser.parse_args(argv)
    shutil.copytree(ROOT / "tests", MUTANTS / "tests", dirs_exist_ok=True)
    tests = [*args.tests, *(f"--deselect={test}" for test in args.deselect)]
    clean = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                            *tests], cwd=MUTANTS, capture_output=True, text=True, check=False)
    if clean.returncode != 0:
        print(clean.stdout[-3000:], file=sys.stderr)
        print("the tests fail without a mutant: fix them first", file=sys.stderr)
        return 2
    found = survivors(args.only)
    if args.names:
        wanted = set(args.names.read_text(encoding="utf-8").split())
        found = {name: meta for name, meta in found.items() if name in wanted}
    result = run([CONTROL, *found], tests)
    if CONTROL in result:
        print(f"a made-up mutant was 'killed' by {result[CONTROL]}: the tests do not pass as they are", file=sys.stderr)
        return 2
    killed = {name: test for name, test in result.items() if name in found}
    if args.record:
        by_meta: dict[Path, list[str]] = {}
        for name in killed:
            by_meta.setdefault(found[name], []).append(name)
        for meta, names in by_meta.items():
            data = json.loads(meta.read_text(encoding="utf-8"))
            for name in names:
                data["exit_code_by_key"][name] = 1
            meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
        print(f"recorded in {len(by_meta)} .meta file(s)")
    print(f"{len(killed)} of {len(found)} surviving mutants killed by {', '.join(args.tests)}")
    for name, test in sorted(killed.items()):
        print(f"  {name}\t{test}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
