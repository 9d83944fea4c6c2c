#!/usr/bin/env python3
"""Print the result of a mutmut run (`make mutation`): killed / survived / total and the kill rate.

Reads the counts `mutmut export-cicd-stats` writes. A timed-out mutant counts as killed (the tests
noticed: they hung); a mutant no selected test reaches counts against the rate, like a survivor.
Exits non-zero when the kill rate is below --min, so a run that lets mutants through fails.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def kill_rate(stats: dict) -> tuple[int, int, float]:
    """(killed, tested, percent killed); skipped mutants are not tested, so they are left out."""
    killed = stats["killed"] + stats["timeout"]
    tested = stats["total"] - stats["skipped"]
    return killed, tested, (100.0 * killed / tested) if tested else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stats", nargs="?", type=Path, default=Path("mutants/mutmut-cicd-stats.json"))
    parser.add_argument("--min", type=float, default=0.0, help="fail below this kill rate (percent)")
    args = parser.parse_args(argv)
    try:
        stats = json.loads(args.stats.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"mutation summary: cannot read {args.stats}: {exc}", file=sys.stderr)
        return 2
    killed, tested, rate = kill_rate(stats)
    others = {k: stats[k] for k in ("no_tests", "suspicious", "segfault", "skipped") if stats.get(k)}
    print(f"mutation testing: {killed} killed, {stats['survived']} survived, {stats['total']} total"
          f" ({stats['timeout']} of the killed by timeout)" + "".join(f", {v} {k}" for k, v in others.items()))
    print(f"kill rate: {rate:.1f} % ({killed} of {tested})")
    if rate < args.min:
        print(f"kill rate below {args.min:g} %: see `mutmut results` and docs/mutation.md", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
