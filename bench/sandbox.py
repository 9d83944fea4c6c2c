"""What the bubblewrap sandbox costs a question check, against the fallback in the same run.

Per check: the same checks run alternately under bubblewrap and under the fallback (a plain
subprocess with the same limits), and the medians are compared. Two checks: a bare expression
(the interpreter's start-up dominates) and one importing NumPy (as most of the bank's checks
do). With --bank, `quizapp bank verify` of the whole bank is timed both ways, one after the
other (minutes each).

    .venv/bin/python bench/sandbox.py [--rounds 15] [--bank]

Prints the medians, the overhead in ms and the ratio; exits 1 when the overhead per check is
over 50 ms or the bank's ratio is over 1.5.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp import sandbox  # noqa: E402
from quizapp.bank.checks import run_snippet  # noqa: E402

CHECKS = {"bare expression": "2 + 2", "NumPy import": "import numpy as np\nprint(np.arange(4).sum())"}
TARGET_MS = 50.0
TARGET_BANK_RATIO = 1.5


def timed_check(code: str, mode: str) -> float:
    os.environ["QUIZAPP_SANDBOX"] = mode
    started = time.perf_counter()
    [result] = run_snippet(code, [{}], timeout=60)
    elapsed = time.perf_counter() - started
    if result["kind"] not in ("value", "stdout"):
        raise SystemExit(f"the check failed under {mode}: {result}")
    return elapsed


def per_check(rounds: int) -> dict[str, dict[str, float]]:
    figures = {}
    for name, code in CHECKS.items():
        times = {sandbox.BUBBLEWRAP: [], sandbox.FALLBACK: []}
        timed_check(code, sandbox.FALLBACK)  # warm the page cache once
        for _ in range(rounds):  # alternate, so a slower stretch of the machine hits both
            for mode in times:
                times[mode].append(timed_check(code, mode))
        bwrap, plain = (statistics.median(times[m]) * 1000 for m in (sandbox.BUBBLEWRAP, sandbox.FALLBACK))
        figures[name] = {"bubblewrap_ms": bwrap, "fallback_ms": plain, "overhead_ms": bwrap - plain,
                         "ratio": bwrap / plain}
    return figures


def bank_verify(mode: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("quizapp")), "bank", "verify"], cwd=ROOT, check=True,
                   env={**os.environ, "QUIZAPP_SANDBOX": mode}, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--bank", action="store_true", help="also time `quizapp bank verify` of the whole bank")
    args = parser.parse_args(argv)
    why_not = sandbox.bubblewrap_unusable()
    if why_not:
        print(f"bubblewrap cannot run here ({why_not}); nothing to compare")
        return 1
    ok = True
    print(f"per check, median of {args.rounds} alternating rounds:")
    for name, f in per_check(args.rounds).items():
        print(f"  {name:<16} bubblewrap {f['bubblewrap_ms']:7.1f} ms   fallback {f['fallback_ms']:7.1f} ms   "
              f"overhead {f['overhead_ms']:+6.1f} ms   ratio {f['ratio']:.3f}")
        ok &= f["overhead_ms"] <= TARGET_MS
    if args.bank:
        plain = bank_verify(sandbox.FALLBACK)
        bwrap = bank_verify(sandbox.BUBBLEWRAP)
        print(f"bank verify: bubblewrap {bwrap:.1f} s   fallback {plain:.1f} s   ratio {bwrap / plain:.3f}")
        ok &= bwrap / plain <= TARGET_BANK_RATIO
    print(f"target: overhead <= {TARGET_MS:g} ms per check" + (f", bank ratio <= {TARGET_BANK_RATIO}" if args.bank
                                                               else "") + (": met" if ok else ": MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
