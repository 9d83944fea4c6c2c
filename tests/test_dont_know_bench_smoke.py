"""Smoke run of bench/dont_know.py: a few learners on the synthetic bank, seconds. It checks that the script
runs and reports every arm, and the two facts its figures rest on: the "guess" arm's answers are the
3PL truth's (right with P* + (1 - P*) c), and "I don't know" scored without the floor gives the same
P(gap) as the same answers scored as plain wrong answers."""
from __future__ import annotations

import json

import numpy as np

from tests.helpers import load_bench


def test_guessing_answers_follow_the_3pl_and_saying_so_only_removes_lucky_guesses():
    bench = load_bench("dont_know")
    bank = bench.measurement.synthetic_bank(3, 20)
    truth = bench.measurement.make_truth(bank, "T2", 1)
    theta = bench.measurement.make_learners(4000, 3, 0.5, 1)
    resp = bench.responses(bank, truth, theta, 1, "knowledge")
    p3 = bench.measurement.p3(theta[:, bank.skill_of], truth[None, :, :])
    assert abs(float(resp["guess"].mean() - p3.mean())) < 0.01
    assert np.array_equal(resp["guess"] - resp["dont_know"], resp["lucky"].astype(float))
    assert not (resp["dont_know"].astype(bool) & resp["declined"]).any()


def test_the_script_reports_every_arm_and_its_check(tmp_path, capsys):
    bench = load_bench("dont_know")
    out = tmp_path / "dk.json"
    assert bench.main(["--bank", "synthetic", "--learners", "6", "--checkpoints", "6,12", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    data = json.loads(out.read_text())
    assert {f"{s} N={n} {a}" for s in ("fixed", "adaptive") for n in (6, 12) for a in bench.ARMS} == set(data["results"])
    assert data["check_max_abs_diff"] < 1e-9 and "Paired accuracy difference" in printed
    assert all(0.0 <= m["accuracy"] <= 1.0 and 0.0 <= m["dont_know_share"] <= 1.0 for m in data["results"].values())
