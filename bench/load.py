"""Load and crash test: N simulated learners take an assessment against gunicorn + PostgreSQL.

    .venv/bin/python bench/load.py --learners 200 --workers 4 --kill-worker --assessment math

It makes a fresh database (quizapp_load_<hex>), migrates it and imports the bank, starts gunicorn
(production settings, random secret, a free loopback port) and lets N learner threads (stdlib urllib,
one cookie jar each) answer every question and submit. A request that fails with a connection
error or 502/503 is retried with the same form data and one-time token (up to 5 times). With
--kill-worker one gunicorn worker gets SIGKILL once about a third of the answers are in. With
--drop-connections, at the same point, PostgreSQL terminates every connection to the database, as a
restart or a failover does to the app's connections.

Afterwards it checks the database: every acknowledged (303) answer is stored exactly once with the
value sent, every acknowledged submit left a submitted attempt with skill results, and no response
was a 5xx (with --drop-connections, a 503 "try again" to a request caught mid-statement is allowed,
and retried; a 500 is not), and gunicorn's access log is one JSON object per line throughout. It
prints a summary, stops gunicorn, drops the database, and returns 1 on any FAIL.
Loopback only; bounded by --seconds-limit.
"""
from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg

from quizapp.web.accesslog import FIELDS as ACCESS_FIELDS

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("QUIZAPP_LOAD_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
MAX_RETRIES = 5
RETRY_STATUSES = {502, 503}
REQUEST_TIMEOUT = 60

CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
INPUT_RE = re.compile(r"<input\b[^>]*>")
ATTR_RE = re.compile(r'([\w-]+)="([^"]*)"')
BUTTON_RE = re.compile(r"<button\b([^>]*)>")
SELECT_RE = re.compile(r'<select[^>]*name="role"[^>]*>(.*?)</select>', re.S)
OPTION_RE = re.compile(r"<option\b([^>]*)>")
ANSWER_SELECT_RE = re.compile(r'<select\b[^>]*name="answer"[^>]*>(.*?)</select>', re.S)


def answer_value(form: str, rng: random.Random | None = None):
    """A valid answer to the question in `form`, as a browser would post it: one option of a radio
    group, some checkboxes, a number typed in, or (an ordering) a different place in each select.
    With rng, a random one; without, the first (and the places in the order shown)."""
    selects = [[a.get("value", "") for a in map(_attrs, OPTION_RE.findall(body)) if a.get("value")]
               for body in ANSWER_SELECT_RE.findall(form)]
    if selects:
        places = list(range(len(selects)))
        if rng:
            rng.shuffle(places)
        return [options[place] for options, place in zip(selects, places, strict=True)]
    answers = [a for a in map(_attrs, INPUT_RE.findall(form)) if a.get("name") == "answer"]
    if not answers:
        return None
    kind = answers[0].get("type", "text")
    values = [a["value"] for a in answers]
    if kind == "radio":
        return rng.choice(values) if rng else values[0]
    if kind == "checkbox":
        return sorted(rng.sample(values, rng.randint(1, len(values)))) if rng else [values[0]]
    return f"{rng.randint(-50, 50) / 4:g}" if rng else "1"  # a number: valid for numeric and short text


class LoadError(Exception):
    """A learner could not go on (unexpected status, missing form field, time limit)."""


class _NoErrors(urllib.request.HTTPErrorProcessor):
    """Hand every response back as is: no HTTPError, no redirect following (we want to see the 303s)."""

    def http_response(self, request, response):
        return response

    https_response = http_response


def _attrs(tag: str) -> dict[str, str]:
    return {k: v for k, v in ATTR_RE.findall(tag)} | {
        m: "" for m in ("checked", "selected", "disabled") if re.search(rf"\s{m}(\s|>|/|$)", tag)}


def role_choice(page: str) -> str:
    """The role the start page preselects (or its first one)."""
    match = SELECT_RE.search(page)
    if not match:
        raise LoadError("no role select on the start page")
    options = [_attrs(tag) for tag in OPTION_RE.findall(match.group(1))]
    chosen = next((o for o in options if "selected" in o), options[0] if options else None)
    if chosen is None:
        raise LoadError("no roles to choose from")
    return chosen["value"]


def _csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise LoadError("no csrf_token on the page")
    return match.group(1)


def _path(location: str) -> str:
    return urllib.parse.urlsplit(location).path


class Stats:
    """Shared, lock-protected record of everything the learners saw."""

    def __init__(self, total_answers: int):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.latencies: list[float] = []
        self.requests = 0
        self.retries = 0
        self.connection_errors = 0
        self.acks: list[tuple[str, int, object]] = []   # (public_id, position, value sent)
        self.submitted: list[str] = []                   # public ids whose submit POST got a 303
        self.errors: list[str] = []                      # learners that could not finish
        self.server_errors: list[str] = []               # "METHOD path -> status"
        self.finished = 0
        self.total_answers = total_answers


class Learner:
    def __init__(self, index: int, base: str, assessment: str, stats: Stats, deadline: float):
        self.index, self.base, self.assessment, self.stats, self.deadline = index, base, assessment, stats, deadline
        self.rng = random.Random(index)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),  # loopback only, whatever http_proxy says
            urllib.request.HTTPCookieProcessor(self.jar), _NoErrors())
        self.public_id: str | None = None

    # -- HTTP ---------------------------------------------------------------------------------

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        """One logical request; connection errors and 502/503 are retried with the same data."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        for attempt in range(MAX_RETRIES + 1):
            if time.monotonic() > self.deadline:
                raise LoadError("time limit reached")
            if attempt:
                with self.stats.lock:
                    self.stats.retries += 1
                time.sleep(0.2 * attempt)
            req = urllib.request.Request(self.base + path, data=body, method=method)
            started = time.monotonic()
            try:
                with self.opener.open(req, timeout=REQUEST_TIMEOUT) as resp:
                    status, headers, text = resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace")
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError):
                with self.stats.lock:
                    self.stats.requests += 1
                    self.stats.connection_errors += 1
                continue
            elapsed = time.monotonic() - started
            with self.stats.lock:
                self.stats.requests += 1
                self.stats.statuses[status] += 1
                self.stats.latencies.append(elapsed)
                if status >= 500:
                    self.stats.server_errors.append(f"{method} {path} -> {status}")
            if status in RETRY_STATUSES:
                continue
            return status, headers, text
        raise LoadError(f"{method} {path}: no answer after {MAX_RETRIES} retries")

    def expect(self, method: str, path: str, status: int, data: dict | None = None) -> tuple[dict, str]:
        got, headers, text = self.request(method, path, data)
        if got != status:
            raise LoadError(f"{method} {path}: expected {status}, got {got}: {text[:200]!r}")
        return headers, text

    # -- the learner's walk -------------------------------------------------------------------

    def run(self) -> None:
        try:
            self.take()
            with self.stats.lock:
                self.stats.finished += 1
        except Exception as exc:  # noqa: BLE001  (a thread must not die with an unhandled error)
            with self.stats.lock:
                self.stats.errors.append(f"learner {self.index} ({self.public_id}): {type(exc).__name__}: {exc}")

    def take(self) -> None:
        start = f"/attempt/new/{self.assessment}"
        _, page = self.expect("GET", start, 200)
        headers, _ = self.expect("POST", start, 303, {
            "csrf_token": _csrf(page), "role": role_choice(page), "mode": "assessment"})
        location = _path(headers["Location"])
        self.public_id = location.split("/")[2]
        while re.fullmatch(r"/attempt/[^/]+/q/\d+", location):
            position = int(location.rsplit("/", 1)[1])
            location = self.answer(location, position)
        submit = f"/attempt/{self.public_id}/submit"
        _, page = self.expect("GET", submit, 200)
        self.expect("POST", submit, 303, {"csrf_token": _csrf(page)})
        with self.stats.lock:
            self.stats.submitted.append(self.public_id)


    def answer(self, path: str, position: int) -> str:
        """Answer the question at `path`; return where the app sent us next."""
        _, page = self.expect("GET", path, 200)
        form = page[page.index('class="answer-form"'):]
        form = form[:form.index("</form>")]
        inputs = [_attrs(tag) for tag in INPUT_RE.findall(form)]
        token = next((i.get("value", "") for i in inputs if i.get("name") == "token"), None)
        if not token:
            raise LoadError(f"{path}: no one-time token on the page")
        shown_at = next((i.get("value", "") for i in inputs if i.get("name") == "shown_at"), "")
        value = answer_value(form, self.rng)
        if value is None:
            raise LoadError(f"{path}: no answer input")
        buttons = [_attrs(tag) for tag in BUTTON_RE.findall(form)]
        primary = next((b for b in buttons if b.get("name") == "action" and "primary" in b.get("class", "")), None)
        action = primary["value"] if primary else "next"
        data = {"csrf_token": _csrf(form), "token": token, "shown_at": shown_at, "action": action, "answer": value}
        headers, _ = self.expect("POST", path, 303, data)
        with self.stats.lock:
            self.stats.acks.append((self.public_id, position, value))
        return _path(headers["Location"])


# --- infrastructure ----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def _worker_pids(master: int) -> list[int]:
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _busy_workers(workers: list[int], port: int) -> list[int]:
    """The workers holding an established client connection on our port: mid-request right now."""
    try:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return []
    inodes = set()
    for line in lines:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "01":  # local port, ESTABLISHED
            inodes.add(f"socket:[{fields[9]}]")
    busy = []
    for pid in workers:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in fds):
                busy.append(pid)
        except OSError:
            continue
    return busy


def _wait_healthy(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} before it was healthy")
        try:
            with opener.open(base + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, http.client.HTTPException, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def _matches(response, value, shown: list[int] | None = None) -> bool:
    """Does the stored response JSON say what the learner sent? (`shown`: the slot's option order)"""
    if not isinstance(response, dict):
        return False
    if "order" in response:  # an ordering: "shown place:position" per item
        place_of = {shown[int(k)]: int(p) for k, p in (v.split(":") for v in value)}
        return response["order"] == sorted(place_of, key=place_of.get)
    if isinstance(value, list):
        return response.get("choices") == sorted(int(v) for v in value)
    if "choice" in response:
        return str(response["choice"]) == value
    if "value" in response and isinstance(response["value"], bool):
        return ("true" if response["value"] else "false") == value
    if "raw" in response:
        return response["raw"] == value.strip()
    if "text" in response:
        return response["text"] == value.strip()
    return False


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def verify(url: str, stats: Stats, allow_503: bool = False) -> list[tuple[str, bool, str]]:
    """Check the database against what the learners were told. Returns (name, ok, detail).
    `allow_503`: the database's connections were dropped, and "try again" is the right answer for a
    request that was using one at that moment."""
    checks = []
    public_ids = sorted({pid for pid, _, _ in stats.acks} | set(stats.submitted))
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT a.public_id, ai.position, ai.response::text, ai.choice_order::text FROM attempt_item ai "
            "JOIN attempt a ON a.id = ai.attempt_id WHERE a.public_id = ANY(%s)", (public_ids,)).fetchall()
        results = dict(conn.execute(
            "SELECT a.public_id, count(sr.id) FROM attempt a LEFT JOIN skill_result sr ON sr.attempt_id = a.id "
            "WHERE a.public_id = ANY(%s) GROUP BY a.public_id", (public_ids,)).fetchall())
        statuses = dict(conn.execute("SELECT public_id, status FROM attempt WHERE public_id = ANY(%s)",
                                     (public_ids,)).fetchall())
    stored: dict[tuple[str, int], list] = {}
    shown: dict[tuple[str, int], list[int] | None] = {}
    for pid, position, response, order in rows:
        stored.setdefault((pid, position), []).append(json.loads(response) if response is not None else None)
        shown[(pid, position)] = json.loads(order) if order is not None else None

    problems = []
    for pid, position, value in stats.acks:
        found = stored.get((pid, position), [])
        if len(found) != 1:
            problems.append(f"{pid} q{position}: {len(found)} rows")
        elif not _matches(found[0], value, shown[(pid, position)]):
            problems.append(f"{pid} q{position}: sent {value!r}, stored {found[0]!r}")
    detail = f"{len(stats.acks)} acknowledged answers checked"
    if problems:
        detail += f"; {len(problems)} lost/wrong/duplicated: " + "; ".join(problems[:10])
    checks.append(("acknowledged answers stored exactly once with the value sent", not problems, detail))

    bad = [pid for pid in stats.submitted if statuses.get(pid) != "submitted" or not results.get(pid)]
    checks.append(("acknowledged submits are submitted with skill results", not bad,
                   f"{len(stats.submitted)} submits checked" + (f"; bad: {bad[:10]}" if bad else "")))
    errors = [e for e in stats.server_errors if not (allow_503 and e.endswith("-> 503"))]
    retried = f"{len(stats.server_errors) - len(errors)} × 503, " if allow_503 else ""
    checks.append(("no 5xx responses" + (" but 503 (retried) while the connections dropped" if allow_503 else ""),
                   not errors, f"{retried}{len(errors)} {'other ' if allow_503 else ''}5xx"
                   + (f": {errors[:10]}" if errors else "")))
    return checks


def access_log_check(log_text: str, acknowledged: int) -> tuple[str, bool, str]:
    """gunicorn's log under load: every access line (a line starting "{") is a JSON object with every
    field, and there is at least one answer POST logged per acknowledged answer."""
    lines = [line for line in log_text.splitlines() if line.startswith("{")]
    broken, answers = [], 0
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            broken.append(line[:120])
            continue
        if not isinstance(entry, dict) or set(entry) != set(ACCESS_FIELDS):
            broken.append(line[:120])
        elif entry["method"] == "POST" and entry["status"] == 303 and "/q/" in entry["path"]:
            answers += 1
    ok = not broken and answers >= acknowledged
    return ("structured access log: one JSON object per request", ok,
            f"{len(lines)} lines, {answers} answer posts logged for {acknowledged} acknowledged"
            + (f"; {len(broken)} not JSON with every field: {broken[:3]}" if broken else ""))


def drop_connections(url: str) -> int:
    """Terminate every other connection to this database (what a restart or failover does to the
    app's connections); how many there were."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]


def create_scratch_database(prefix: str) -> tuple[str, str, str] | None:
    """A fresh PostgreSQL database for one run: (name, SQLAlchemy URL, libpq URL), or None (and a
    message) when PostgreSQL is not reachable. drop_scratch_database() removes it."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}".strip())
        return None
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return (name, *database_urls(name))


def reused_or_scratch_database(reuse: str | None, prefix: str) -> tuple[str, str, str] | None:
    """The database named `reuse` (imported already, kept afterwards) or a fresh scratch one, as
    create_scratch_database returns it: (name, SQLAlchemy URL, libpq URL), or None."""
    if reuse:
        return (reuse, *database_urls(reuse))
    return create_scratch_database(prefix)


def database_urls(name: str) -> tuple[str, str]:
    base_url = ADMIN_URL.rsplit("/", 1)[0]
    return base_url.replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}", f"{base_url}/{name}"


def drop_scratch_database(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate_and_import(env: dict, timeout: float | None = None) -> bool:
    """`quizapp db upgrade` and `quizapp bank import` into env's database; False (and the output) on failure."""
    for command in (["db", "upgrade"], ["bank", "import"]):
        done = subprocess.run([_bin("quizapp"), *command], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode:
            print(f"quizapp {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
            return False
    return True


def stop_server(server: subprocess.Popen | None) -> None:
    """SIGTERM gunicorn (graceful), SIGKILL if it takes more than 30 s."""
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run(args) -> int:
    started = time.monotonic()
    deadline = started + args.seconds_limit
    scratch = create_scratch_database("quizapp_load")
    if scratch is None:
        return 1
    name, sa_url, db_url = scratch
    port = _free_port()
    env = {**os.environ, "QUIZAPP_ENV": "production", "QUIZAPP_SECRET_KEY": secrets.token_hex(32),
           "QUIZAPP_DATABASE_URL": sa_url, "QUIZAPP_BIND": f"127.0.0.1:{port}",
           "QUIZAPP_WORKERS": str(args.workers), "NO_PROXY": "*"}
    log = tempfile.NamedTemporaryFile("w+", prefix="quizapp-load-", suffix=".log", delete=False)
    server = None
    failed = True
    try:
        if not migrate_and_import(env, timeout=max(30, deadline - time.monotonic())):
            return 1
        with psycopg.connect(db_url) as conn:
            row = conn.execute("SELECT question_count FROM assessment WHERE id = %s AND active",
                               (args.assessment,)).fetchone()
        if row is None:
            print(f"no active assessment {args.assessment!r} after the bank import")
            return 1
        per_learner = row[0]

        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "quizapp:create_app()"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, server)

        stats = Stats(args.learners * per_learner)
        killed: list[int] = []
        killed_busy: list[bool] = []
        stop = threading.Event()

        def a_third_answered() -> bool:
            with stats.lock:
                return len(stats.acks) >= stats.total_answers / 3

        def killer():
            give_up = float("inf")
            while not stop.wait(0.02):
                if a_third_answered():
                    give_up = min(give_up, time.monotonic() + 3)
                    workers = _worker_pids(server.pid)
                    # prefer a worker caught mid-request (that is what makes the learner retry)
                    busy = _busy_workers(workers, port)
                    if not busy and time.monotonic() < give_up:
                        continue
                    if workers:
                        victim = random.choice(busy or workers)
                        os.kill(victim, signal.SIGKILL)
                        killed.append(victim)
                        killed_busy.append(victim in busy)
                        return

        dropped: list[int] = []

        def dropper():
            while not stop.wait(0.02):
                if a_third_answered():
                    dropped.append(drop_connections(db_url))
                    return

        kill_thread = threading.Thread(target=killer, daemon=True) if args.kill_worker else None
        if kill_thread:
            kill_thread.start()
        drop_thread = threading.Thread(target=dropper, daemon=True) if args.drop_connections else None
        if drop_thread:
            drop_thread.start()
        learners = [Learner(i, base, args.assessment, stats, deadline) for i in range(args.learners)]
        threads = [threading.Thread(target=learner.run, name=f"learner-{i}", daemon=True)
                   for i, learner in enumerate(learners)]
        load_started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT)
        load_seconds = time.monotonic() - load_started
        stop.set()
        if kill_thread:
            kill_thread.join()
        if drop_thread:
            drop_thread.join()
        alive = sum(t.is_alive() for t in threads)

        checks = verify(db_url, stats, allow_503=args.drop_connections)
        checks.insert(0, ("every learner finished and submitted",
                          stats.finished == args.learners and not alive,
                          f"{stats.finished}/{args.learners} finished"
                          + (f"; {alive} still running" if alive else "")
                          + (f"; errors: {stats.errors[:5]}" if stats.errors else "")))
        if args.kill_worker:
            checks.append(("a worker was killed mid-run", bool(killed),
                           f"SIGKILL to pid {killed[0]} ({'mid-request' if killed_busy[0] else 'idle'}) after "
                           f"{stats.total_answers // 3}+ answers" if killed
                           else "no worker was killed"))
        if args.drop_connections:
            checks.append(("the database's connections were dropped mid-run", bool(dropped and dropped[0]),
                           f"{dropped[0]} connections terminated after {stats.total_answers // 3}+ answers"
                           if dropped else "nothing was dropped"))
        checks.append(access_log_check(Path(log.name).read_text(errors="replace"), len(stats.acks)))
        failed = not all(ok for _, ok, _ in checks)

        print(f"quizapp load test: {args.assessment!r}, {per_learner} questions, {args.workers} gunicorn workers, "
              f"database {name}")
        print(f"  learners            {args.learners} ({stats.finished} finished, {len(stats.submitted)} submitted)")
        print(f"  duration            {load_seconds:.1f} s")
        print(f"  requests            {stats.requests} ({stats.requests / max(load_seconds, 1e-9):.0f}/s)")
        print(f"  answers acknowledged {len(stats.acks)} of {stats.total_answers}")
        print(f"  retries             {stats.retries} (connection errors {stats.connection_errors})")
        print(f"  latency             p50 {_percentile(stats.latencies, 0.5) * 1000:.0f} ms, "
              f"p99 {_percentile(stats.latencies, 0.99) * 1000:.0f} ms")
        print("  statuses            " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.statuses.items())))
        for check, ok, detail in checks:
            print(f"  [{'PASS' if ok else 'FAIL'}] {check}: {detail}")
        print("RESULT: " + ("FAIL" if failed else "PASS"))
        return 1 if failed else 0
    finally:
        stop_server(server)
        log.close()
        if (failed or os.environ.get("QUIZAPP_LOAD_KEEP_LOG")) and server is not None:
            print(f"gunicorn log kept at {log.name}")
        else:
            os.unlink(log.name)
        drop_scratch_database(name)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL one gunicorn worker a third of the way in")
    parser.add_argument("--drop-connections", action="store_true",
                        help="terminate every connection to the database a third of the way in")
    parser.add_argument("--assessment", default="math")
    parser.add_argument("--seconds-limit", type=float, default=300)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
