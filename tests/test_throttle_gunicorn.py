"""The login throttle holds across gunicorn workers: 4 workers, 11 wrong passwords, the 11th is a 429.

gunicorn runs as `make serve` runs it (gunicorn.conf.py, QUIZAPP_ENV=production) on a free loopback
port, with 4 workers, counting in Redis (QUIZAPP_REDIS_URL), or in the database (PostgreSQL, as in
production, and SQLite). The first 10 wrong passwords are sent at once from 10 threads, so that
several workers serve them (the access log's pid says which): with a count per worker (memory://)
each worker would allow 10 and the 11th would be a 400. Redis and PostgreSQL are the servers every
project machine runs: skipped without them, except under CI=true. About 5 s per store on 2 cores.
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import User
from tests.helpers import CSRF_RE, load_bench

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"
WORKERS = 4
EMAIL, PASSWORD = "victim@example.org", "violet staple 7 orbit lantern"


def _unavailable(what: str, reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} not reachable under CI: {reason}")
    pytest.skip(f"{what} not reachable: {reason}")


def _redis_or_skip() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        _unavailable(f"Redis at {REDIS_URL}", str(exc))
    return REDIS_URL


def _prepare(database_url: str) -> None:
    """The schema by the migrations (`quizapp db upgrade`, throttle_count included) and one account."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secrets.token_hex(32)})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        db.session.add(User(email=EMAIL, display_name="Victim",
                            password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


class _Browser:
    """One visitor: a cookie jar, no proxies, every response handed back as it is (no redirects)."""

    class _AsIs(urllib.request.HTTPErrorProcessor):
        def http_response(self, request, response):
            return response

    def __init__(self, base: str):
        import http.cookiejar

        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), self._AsIs(),
                                                  urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")

    def wrong_password(self, token: str, attempt: int) -> int:
        return self.open("/auth/login", {"csrf_token": token, "email": EMAIL, "password": f"wrong {attempt}"})[0]


def _pids_in(log, method: str, path: str) -> set[int]:
    log.flush()
    with open(log.name, encoding="utf-8") as lines:
        entries = [json.loads(line) for line in lines if line.startswith("{")]
    return {e["pid"] for e in entries if e["method"] == method and e["path"] == path}


def _wait_until_every_worker_answers(base: str, log, timeout: float = 30) -> None:
    """gunicorn says "Booting worker" before a worker accepts: a burst sent at once after the first
    /healthz may all land on the one worker that is ready (seen on a loaded CI machine). Probe
    /healthz from several threads until every worker has answered one."""
    browser = _Browser(base)
    end = time.monotonic() + timeout
    while len(_pids_in(log, "GET", "/healthz")) < WORKERS:
        if time.monotonic() > end:
            pytest.fail(f"only {_pids_in(log, 'GET', '/healthz')} of {WORKERS} workers answered in {timeout} s")
        with ThreadPoolExecutor(2 * WORKERS) as pool:
            list(pool.map(lambda _: browser.open("/healthz"), range(2 * WORKERS)))


def _serve_and_guess(database_url: str, redis_url: str | None) -> tuple[list[int], list[int], set[int]]:
    """Start gunicorn with 4 workers; post 10 wrong passwords at once, then 5 more one by one.
    Returns (statuses of the first 10, statuses of the rest, pids of the workers that answered)."""
    bench = load_bench("load")
    port = bench._free_port()
    env = {**os.environ, "QUIZAPP_ENV": "production", "QUIZAPP_SECRET_KEY": secrets.token_hex(32),
           "QUIZAPP_DATABASE_URL": database_url, "QUIZAPP_BIND": f"127.0.0.1:{port}",
           "QUIZAPP_WORKERS": str(WORKERS), "PYTHONPATH": str(ROOT), "NO_PROXY": "*"}
    env.pop("QUIZAPP_REDIS_URL", None)
    if redis_url:
        env["QUIZAPP_REDIS_URL"] = redis_url
    with tempfile.NamedTemporaryFile("w+", prefix="quizapp-throttle-", suffix=".log") as log:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "quizapp:create_app()"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            bench._wait_healthy(base, server)
            _wait_until_every_worker_answers(base, log)
            browser = _Browser(base)
            token = CSRF_RE.search(browser.open("/auth/login")[1]).group(1)  # signed: valid on every worker
            with ThreadPoolExecutor(10) as pool:
                first = list(pool.map(lambda i: browser.wrong_password(token, i), range(10)))
            rest = [browser.wrong_password(token, i) for i in range(10, 15)]
        finally:
            bench.stop_server(server)
        pids = _pids_in(log, "POST", "/auth/login")
    return first, rest, pids


def _assert_one_count(first: list[int], rest: list[int], pids: set[int]) -> None:
    assert len(pids) >= 2, f"one worker served every post ({pids}): the test would not see a per-worker count"
    assert sorted(first) == [400] * 10, first        # 10 wrong passwords: the form's "wrong email or password"
    assert rest == [429] * 5, rest                   # the 11th and every later one, whichever worker serves it


def test_four_workers_share_one_count_in_redis(tmp_path):
    redis_url = _redis_or_skip()
    database_url = f"sqlite:///{tmp_path / 'quizapp.sqlite'}"
    _prepare(database_url)
    # A fresh Redis database number is not available to every deployment; the address is the key's
    # other half and every run's login keys are fresh anyway: clear them first (a rerun within 60 s).
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("*quizapp-form-throttle/auth.login/127.0.0.1/*"):
        client.delete(key)
    _assert_one_count(*_serve_and_guess(database_url, redis_url))


@pytest.mark.postgres
def test_four_workers_share_one_count_in_postgresql():
    bench = load_bench("load")
    scratch = bench.create_scratch_database("quizapp_throttle")
    if scratch is None:
        _unavailable(f"PostgreSQL at {bench.ADMIN_URL}", "see above")
    name, sa_url, _ = scratch
    try:
        _prepare(sa_url)
        _assert_one_count(*_serve_and_guess(sa_url, None))
    finally:
        bench.drop_scratch_database(name)


def test_four_workers_share_one_count_in_sqlite(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'quizapp.sqlite'}"
    _prepare(database_url)
    _assert_one_count(*_serve_and_guess(database_url, None))


def test_gunicorn_refuses_several_workers_on_a_per_process_count(tmp_path):
    """Development settings count in memory: fine for the one-process dev server, refused for 4 workers."""
    bench = load_bench("load")
    env = {**os.environ, "QUIZAPP_ENV": "development", "QUIZAPP_SECRET_KEY": secrets.token_hex(32),
           "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'quizapp.sqlite'}",
           "QUIZAPP_BIND": f"127.0.0.1:{bench._free_port()}", "QUIZAPP_WORKERS": str(WORKERS),
           "PYTHONPATH": str(ROOT)}
    env.pop("QUIZAPP_REDIS_URL", None)
    done = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "quizapp:create_app()"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Error: the login throttle counts in this process's memory" in done.stderr, done.stderr
    assert "4 workers would each allow the limit" in done.stderr
