"""Smoke run of the load and crash test (bench/load.py) against gunicorn and PostgreSQL.

20 learners take the `math` assessment through 2 gunicorn workers while one worker is killed with
SIGKILL and PostgreSQL drops every connection to the database; every acknowledged answer must be
stored exactly once, every acknowledged submit scored, and no response may be a 5xx other than a
503 "try again" (retried) to a request caught mid-statement. Needs the PostgreSQL server at
127.0.0.1:5432 (skipped without it, except under CI=true). Most of its ~75 s on 2 cores is
`quizapp bank import` and gunicorn starting.
"""
from __future__ import annotations

import pytest

from tests.helpers import load_bench, require_postgres

pytestmark = pytest.mark.postgres


def _load_bench():
    return load_bench("load")


def test_load_with_a_killed_worker_loses_nothing(capsys):
    bench = _load_bench()
    require_postgres(bench.ADMIN_URL)
    code = bench.main(["--learners", "20", "--workers", "2", "--kill-worker", "--drop-connections",
                       "--assessment", "math", "--seconds-limit", "300"])  # a safety net: most of it is the import
    out = capsys.readouterr().out
    print(out)
    assert code == 0, out
    assert "RESULT: PASS" in out


def test_the_access_log_check_wants_json_lines_with_every_field_and_every_answer():
    check = _load_bench().access_log_check
    answer = ('{"time": "t", "remote": "127.0.0.1", "method": "POST", "path": "/attempt/a/q/1", "query": "", '
              '"status": 303, "bytes": 0, "duration_ms": 4.1, "pid": 7, "agent": "x"}')
    page = answer.replace('"POST"', '"GET"').replace("303", "200")
    booting = "[2026-11-28 01:00:00 +0000] [7] [INFO] Booting worker with pid: 7"
    assert check("\n".join([booting, answer, page, answer]), 2)[1]
    assert not check("\n".join([answer, page]), 2)[1]                      # an acknowledged answer not logged
    assert not check(answer.replace('"agent": "x"', '"agent": "a "quote""'), 1)[1]  # not JSON
    assert not check(answer.replace(', "pid": 7', ""), 1)[1]               # a field missing
