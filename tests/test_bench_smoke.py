"""Smoke run of the measurement benchmark (bench/measurement.py, MEASUREMENT.md section 7.3).

300 simulated learners, truth T2 (perturbed labels), skills correlated at rho = 0.5, the synthetic
6 skills × 40 four-option items the thresholds were derived for, N in {12, 24}. It guards the 7.3
thresholds at N = 24 with a 2-point slack, and that ignoring guessing stays worse. The run is seeded,
so the numbers are the same on every machine; it takes about 15-30 s on 2 cores. Skipped when the
catsim peer is not installed (`pip install catsim==0.21.0`, the `bench` extra).
"""
from __future__ import annotations

import pytest

from tests.helpers import load_bench

pytest.importorskip("catsim")

SLACK = 0.02
N = 24


def _load_bench():
    return load_bench("measurement")


@pytest.fixture(scope="module")
def smoke():
    bench = _load_bench()
    bank = bench.synthetic_bank(6, 40)
    sim = bench.simulate(bank, "T2", 0.5, n_learners=300, seed=1, nmax=N,
                         strategies=["fixed", "adaptive", "catsim", "adaptive_c0"], jobs=2)
    return bench.summarize(bank, sim, (12, N), seed=1)


def _at(summary, strategy, n=N):
    return summary["strategies"][strategy][str(n)]


def test_adaptive_accuracy_at_24(smoke):
    assert _at(smoke, "adaptive")["accuracy"] >= 0.75 - SLACK


def test_adaptive_beats_the_fixed_form(smoke):
    diff = smoke["bootstrap_n24"]["adaptive - fixed"]["diff"]
    assert diff >= 0.04 - SLACK, f"adaptive - fixed at N=24 is {diff:+.3f}"


def test_adaptive_beats_the_catsim_peer(smoke):
    diff = smoke["bootstrap_n24"]["adaptive - catsim"]["diff"]
    assert diff >= 0.03 - SLACK, f"adaptive - catsim at N=24 is {diff:+.3f}"


@pytest.mark.parametrize("n", [12, N])
def test_adaptive_p_gap_is_calibrated(smoke, n):
    assert _at(smoke, "adaptive", n)["ece"] <= 0.04 + SLACK


def test_adaptive_exposure_is_capped(smoke):
    exposure = smoke["strategies"]["adaptive"]["exposure"]
    assert exposure["at"] == N
    assert exposure["max_exposure"] <= 0.70 + SLACK


def test_ignoring_guessing_stays_worse(smoke):
    with_c, without_c = _at(smoke, "adaptive"), _at(smoke, "adaptive_c0")
    assert without_c["accuracy"] < with_c["accuracy"] or without_c["brier"] > with_c["brier"], (without_c, with_c)
