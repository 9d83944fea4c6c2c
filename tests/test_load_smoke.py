"""Smoke run of the load and crash test (bench/load.py) against gunicorn and PostgreSQL.

20 learners take the `math` assessment through 2 gunicorn workers while one worker is killed with
SIGKILL and PostgreSQL drops every connection to the database; every acknowledged answer must be
stored exactly once, every acknowledged submit scored, and no response may be a 5xx other than a
503 "try again" (retried) to a request caught mid-statement. Needs the PostgreSQL server at
127.0.0.1:5432 (skipped without it, except under CI=true). Most of its ~75 s on 2 cores is
`quizapp bank import` running the bank's checks.
"""
from __future__ import annotations

import os

import psycopg
import pytest

from tests.bench_modules import load_bench


pytestmark = pytest.mark.postgres


def _load_bench():
    return load_bench("load")


def test_load_with_a_killed_worker_loses_nothing(capsys):
    bench = _load_bench()
    try:
        psycopg.connect(bench.ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL not reachable at {bench.ADMIN_URL} under CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {bench.ADMIN_URL}")
    code = bench.main(["--learners", "20", "--workers", "2", "--kill-worker", "--drop-connections",
                       "--assessment", "math", "--seconds-limit", "300"])  # a safety net: most of it is the import
    out = capsys.readouterr().out
    print(out)
    assert code == 0, out
    assert "RESULT: PASS" in out
