"""Smoke run of bench/scale.py (issue #22) at a tiny size against PostgreSQL: the app-made attempts,
the COPY bulk in their shape (the shape check must pass), and a table with every row timed; and the
bank-size section (--bank-size) with 300 generated questions beside the real bank.

Needs the PostgreSQL server at 127.0.0.1:5432 (skipped without it, except under CI=true, where it
fails). About 20-30 s on 2 cores, most of it `quizapp bank import`; the bank-size test imports twice
(the real bank, then 300 questions into a copy of it).
"""
from __future__ import annotations

import re

import psycopg
import pytest

from tests.helpers import load_bench, require_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def scale():
    return load_bench("scale")


def _reachable(bench) -> None:
    require_postgres(bench.ADMIN_URL)


def _databases(bench) -> set[str]:
    with psycopg.connect(bench.ADMIN_URL, autocommit=True) as admin:
        return {n for (n,) in admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'quizapp_scale_%'")}


def test_scale_at_a_tiny_size_checks_the_shape_and_times_every_row(scale, capsys):
    _reachable(scale)
    before = _databases(scale)
    code = scale.main(["--attempts", "30", "--members", "8", "--reports", "4", "--repeat", "1", "--app-learners", "2"])
    out = capsys.readouterr().out
    print(out)
    assert code == 0, out
    assert "shape check (generated rows vs the app's own): PASS" in out
    assert re.search(r"### 40 submitted attempts \([\d,]+ answers\), cohort of 10 members, 5 open reports", out), out
    for _, label, _ in scale.ROWS:  # every row, timed (a number and a unit), none reported missing
        row = next((line for line in out.splitlines() if line.startswith(f"| {label} |")), None)
        assert row is not None, f"no row for {label}"
        assert re.match(rf"\| {re.escape(label)} \| [\d.]+ m?s \|", row), row
    assert "RESULT: PASS" in out
    assert _databases(scale) == before  # its scratch database is dropped


def test_the_shape_check_fails_on_a_row_unlike_the_apps(scale, capsys):
    """Generated answers with a column the app leaves null there, or JSON keys the app never writes,
    must fail the check."""
    _reachable(scale)
    name = "quizapp_scale_smoke_shape"
    scale.drop_scratch_database(name)
    try:
        assert scale.main(["--attempts", "10", "--members", "3", "--reports", "1", "--repeat", "1",
                           "--app-learners", "2", "--database", name]) == 0
        _, db_url = scale.database_urls(name)
        with psycopg.connect(db_url) as conn:
            conn.execute("UPDATE attempt_item SET response = '{\"picked\": 1}', reason = 'why' WHERE attempt_id IN "
                         "(SELECT a.id FROM attempt a JOIN \"user\" u ON u.id = a.user_id WHERE u.email LIKE %s "
                         "AND NOT a.adaptive)", (f"%@{scale.GEN_DOMAIN}",))
        capsys.readouterr()
        ok, problems = scale.shape_check(db_url)
        assert not ok
        assert any("reason" in p for p in problems) and any("response" in p and "picked" in p for p in problems), problems
    finally:
        scale.drop_scratch_database(name)


def test_bank_size_at_a_tiny_size_times_the_starts_on_both_banks(scale, capsys):
    """--bank-size: the real bank and a generated one beside it, each start timed on both, the ratio
    printed; a bank under the targets' size shows its verdicts without counting them."""
    _reachable(scale)
    before = _databases(scale)
    code = scale.main(["--bank-size", "300", "--repeat", "1"])
    out = capsys.readouterr().out
    print(out)
    assert code == 0, out
    assert re.search(r"\| real bank \(\d+ questions\) \| big bank \(\d+ questions\) \|", out), out
    for _, label, target in scale.BANK_ROWS:  # each start timed on both banks, with the ratio
        row = next((line for line in out.splitlines() if line.startswith(f"| {label} |")), None)
        assert row is not None, f"no row for {label}"
        assert re.match(rf"\| {re.escape(label)} \|( [\d.]+ m?s \|){{2}} × [\d.]+ \|( [\d.]+ m?s \|){{2}}", row), row
        assert ("(not counted)" in row) == (target is not None), row
    assert "RESULT: PASS" in out
    assert _databases(scale) == before  # both scratch databases are dropped
