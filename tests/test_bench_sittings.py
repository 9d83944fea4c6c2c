"""Smoke run of bench/sittings.py (issue #20: one sitting and three sittings of `ml-readiness`): --quick, one
item world, a few learners, about 10 s. It checks that the script runs on the real bank with the app's scoring
code and reports every figure in sane ranges, not issue #20's targets (bench/README.md has those)."""
from __future__ import annotations

import json
import math

from tests.helpers import load_bench

SITTING_KEYS = {"accuracy", "decisive_share", "decisive_accuracy", "ece", "band_coverage", "questions_mean",
                "questions_max", "stopped_before_limit", "choice_share", "stop_kinds", "areas"}


def _share(v) -> bool:
    return isinstance(v, float) and (math.isnan(v) or 0.0 <= v <= 1.0)


def test_quick_run_reports_every_figure(tmp_path, capsys):
    bench = load_bench("sittings")
    out = tmp_path / "sittings.json"
    assert bench.main(["--quick", "--jobs", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    data = json.loads(out.read_text())
    assert data["config"]["max_items"] == 30 and len(data["config"]["skills"]) == 23
    assert set(data["config"]["areas"].values()) == {"math", "python", "algorithms", "frameworks"}
    (summary,) = data["summaries"]
    assert summary["setting"]["rho"] == 0.3 and summary["setting"]["rho_area"] == 0.2   # the deployed prior
    for scope in [summary["overall"], *summary["worlds"].values()]:
        assert {"sitting 1", "sitting 2", "sitting 3", "far"} <= set(scope)
        for k in (1, 2, 3):
            m = scope[f"sitting {k}"]
            assert SITTING_KEYS <= set(m)
            for key in ("accuracy", "decisive_share", "decisive_accuracy", "ece", "band_coverage",
                        "stopped_before_limit", "choice_share"):
                assert _share(m[key]), (k, key, m[key])
            assert 0 <= m["questions_mean"] <= m["questions_max"] <= 30
            assert abs(sum(m["stop_kinds"].values()) - 1.0) < 1e-9
            assert all(_share(m["areas"][key]) for key in ("accuracy", "decisive_share", "decisive_accuracy"))
        # content balance holds: at least 40 % choice questions wherever a sitting stops
        assert scope["sitting 1"]["choice_share"] >= 0.4
        # the first sitting asks something; with the profile behind it the third calls at least as many skills
        assert scope["sitting 1"]["questions_mean"] > 0
        assert scope["sitting 3"]["decisive_share"] >= scope["sitting 1"]["decisive_share"] - 0.1
        assert {"above", "below", "above 1.5", "below 1.5"} == set(scope["far"])
        assert all(1 <= f["questions_max"] <= 30 for f in scope["far"].values())
    checks = {c["check"]: c["status"] for c in summary["checks"]}
    assert len(checks) == 8 and set(checks.values()) <= {"PASS", "FAIL"}
    assert "one sitting: accuracy" in printed and "three sittings: decisive share" in printed
    assert "Far learners" in printed


def test_sweep_covers_the_grid_of_one_band(tmp_path, capsys):
    bench = load_bench("sittings")
    out = tmp_path / "sweep.json"
    assert bench.main(["--quick", "--sweep", "--sweep-bands", "0.15/0.85", "--sittings", "1", "--learners", "2",
                       "--far", "0", "--jobs", "1", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    grid = {(s["setting"]["rho"], s["setting"]["rho_area"]) for s in data["summaries"]}
    assert grid == {(r, a) for r in (0.3, 0.4, 0.5) for a in (0.0, 0.1, 0.2, 0.3)}
    assert {(s["setting"]["stop_low"], s["setting"]["borrowed_high"]) for s in data["summaries"]} == {(0.15, 0.85)}
    assert "| rho | rho_area | band |" in capsys.readouterr().out
    assert bench.main(["--merge", str(out), str(out)]) == 0          # parts of a sweep, printed as one table
    assert capsys.readouterr().out.count("| 0.15/0.85 |") == 24


def test_what_if_areas_only_stops_no_later_than_the_app(tmp_path, capsys):
    """The what-if drops the skills' calls from the early stop, so each sitting ends at the app's stop or before it
    (the same learners, answers and selections up to that point); the app's rule is put back afterwards."""
    bench = load_bench("sittings")
    from quizapp.scoring import adaptive
    runs = {}
    for name, extra in (("app", []), ("areas", ["--what-if", "areas-only"])):
        out = tmp_path / f"{name}.json"
        assert bench.main(["--quick", "--sittings", "1", "--learners", "3", "--jobs", "1", "--out", str(out), *extra]) == 0
        runs[name] = json.loads(out.read_text())["summaries"][0]["overall"]
    assert "What-if, not the app: areas-only" in capsys.readouterr().out
    assert adaptive.sitting_decided.__module__ == "quizapp.scoring.adaptive"
    for kind, far in runs["app"]["far"].items():
        assert runs["areas"]["far"][kind]["questions_mean"] <= far["questions_mean"]
    assert runs["areas"]["sitting 1"]["questions_mean"] <= runs["app"]["sitting 1"]["questions_mean"]
