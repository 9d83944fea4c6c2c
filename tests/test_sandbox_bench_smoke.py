"""bench/sandbox.py's measurement, one round: both modes run the same checks and it reports
each one's median, the overhead and the ratio (the figures the README quotes come from it)."""
from __future__ import annotations

import os

import pytest

from quizapp import sandbox
from tests.helpers import load_bench


@pytest.mark.skipif(sandbox.bubblewrap_unusable() is not None and not os.environ.get("CI"),
                    reason="bubblewrap cannot run here; CI installs it")
def test_the_sandbox_benchmark_compares_both_modes(monkeypatch):
    monkeypatch.setenv("QUIZAPP_SANDBOX", "auto")  # the benchmark sets it per run; restored afterwards
    figures = load_bench("sandbox").per_check(rounds=1)
    assert set(figures) == {"bare expression", "NumPy import"}
    for f in figures.values():
        assert f["bubblewrap_ms"] > 0 and f["fallback_ms"] > 0
        assert f["overhead_ms"] == pytest.approx(f["bubblewrap_ms"] - f["fallback_ms"])
