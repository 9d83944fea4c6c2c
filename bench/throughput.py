"""Throughput: quizapp's question page and answer POST, as a ratio to a bare Flask app on the same gunicorn.

    .venv/bin/python bench/throughput.py                    # PostgreSQL, 4 workers, 32 connections
    .venv/bin/python bench/throughput.py --profile          # and where the time goes (pyinstrument)

In one run it makes a fresh PostgreSQL database, migrates it and imports questions/, logs in
--learners learners (each with an attempt in progress), and starts two gunicorn servers with the
same settings (gunicorn.conf.py, production config, --workers): bench/hello_app.py and quizapp.
wrk (Debian package `wrk`) then drives, in interleaved rounds on loopback with --connections
connections: bare GET /, the question page GET (logged in; each learner moves through --positions
questions, as a class does) and the answer POST (action "save", a fresh one-time token each time, so
every POST really stores). Each wrk thread owns its own learners, so no learner posts twice at once.
It prints requests/s and p99 latency per target (median of the rounds), the ratios to bare Flask
(each round's ratio to the bare run of the same round, median over rounds),
the resident memory of each quizapp worker after the run, and PASS/FAIL against the targets of
issue #19 (page >= 0.22x bare, POST >= 0.18x bare; it raised issue #9's 0.20x and 0.12x) and #9
(p99 <= 60 ms, RSS per worker <= 150 MB). It then
checks in the database that every posted question's answer was stored, stops both servers and drops
the database. Ratios, not absolute numbers, are the result: both apps run on the same machine in the
same minutes, so a busy machine slows both.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (  # noqa: E402
    INPUT_RE,
    ROOT,
    _attrs,
    _csrf,
    _free_port,
    _wait_healthy,
    _worker_pids,
    answer_value,
    drop_scratch_database,
    migrate_and_import,
    reused_or_scratch_database,
    role_choice,
    stop_server,
)

TARGETS = {"page_ratio": 0.22, "post_ratio": 0.18, "p99_ms": 60.0, "rss_mb": 150.0}
LATENCY_RE = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.M)
RPS_RE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
BAD_RE = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
ERRORS_RE = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}

# One browser identity for the logins and for wrk: Flask-Login's session protection ties a session to
# the address and User-Agent it logged in from, and marks it "not fresh" (a new cookie on every
# response, never stored by wrk) when they differ. A real browser keeps its User-Agent.
USER_AGENT = "quizapp-throughput"

# wrk calls request() for every request. Each wrk thread takes its own share of the learners
# (setup() hands out slices), so two threads never post for the same learner at the same moment: a
# real learner's browser sends one answer at a time, and two concurrent saves of one attempt would
# measure a row lock wait, not the app.
LUA = """
local learners = {%(learners)s}
local step = %(threads)d
local next_slice = 0
setup = function(thread)
  thread:set("slice", next_slice %% step)
  next_slice = next_slice + 1
end
local pos = -1
local n = 0
request = function()
  local first = (slice or 0) + 1
  local mine = math.floor((#learners - first) / step) + 1
  pos = (pos + 1) %% mine
  local l = learners[first + pos * step]
  l.shown = (l.shown or 0) %% #l.pages + 1  -- each learner moves through their own questions
  local p = l.pages[l.shown]
  if "%(method)s" == "GET" then
    return wrk.format("GET", p.path, {["Cookie"] = l.cookie, ["User-Agent"] = "%(agent)s"})
  end
  n = n + 1
  return wrk.format("POST", p.path, {["Cookie"] = l.cookie, ["User-Agent"] = "%(agent)s",
    ["Content-Type"] = "application/x-www-form-urlencoded"},
    p.body .. string.format("%%d-%%d-%%d", math.random(1, 2147483647), n, os.time()))
end
"""


@dataclass
class Learner:
    cookie: str     # session=...
    public_id: str
    # (path, body) per question: /attempt/<id>/q/<n> and its answer form, urlencoded, ending in
    # "token=" (wrk appends a fresh token). A class answers different questions, not one row.
    pages: list[tuple[str, str]]

    @property
    def path(self) -> str:
        return self.pages[0][0]

    @property
    def body(self) -> str:
        return self.pages[0][1]


@dataclass
class Result:
    target: str
    rps: float
    p99_ms: float
    bad: int
    socket_errors: int


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_lua(learners: list[Learner], method: str, directory: str, threads: int = 1) -> str:
    """wrk's script: `threads` must be wrk's -t, and at most the number of learners."""
    if not 1 <= threads <= len(learners):
        raise ValueError(f"need at least one learner per wrk thread ({threads} threads, {len(learners)} learners)")
    rows = ",\n".join("{cookie=%s, pages={%s}}" % (_lua_string(learner.cookie), ", ".join(
        "{path=%s, body=%s}" % (_lua_string(path), _lua_string(body)) for path, body in learner.pages))
        for learner in learners)
    path = Path(directory) / f"{method.lower()}.lua"
    path.write_text(LUA % {"learners": rows, "method": method, "threads": threads, "agent": USER_AGENT})
    return str(path)


def wrk(url: str, script: str | None, seconds: float, connections: int, threads: int) -> tuple[float, float, int, int]:
    """One wrk run: (requests/s, p99 ms, responses that were not 2xx/3xx, socket errors)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", script]
    return parse_wrk(subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 60).stdout)


def parse_wrk(out: str) -> tuple[float, float, int, int]:
    """wrk --latency's report: (requests/s, p99 ms, responses that were not 2xx/3xx, socket errors)."""
    rps, p99 = RPS_RE.search(out), LATENCY_RE.search(out)
    if not rps or not p99:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    bad = BAD_RE.search(out)
    errors = ERRORS_RE.search(out)
    return (float(rps.group(1)), float(p99.group(1)) * UNIT_MS[p99.group(2)],
            int(bad.group(1)) if bad else 0, sum(map(int, errors.groups())) if errors else 0)


def prepare_learners(sa_url: str, secret: str, n: int, assessment: str, positions: int = 1) -> list[Learner]:
    """Accounts, logins and attempts made in-process against the same database and secret key:
    the signed session cookies are then valid on every gunicorn worker."""
    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.models import User

    app = create_app({"SQLALCHEMY_DATABASE_URI": sa_url, "SECRET_KEY": secret, "RATELIMIT_ENABLED": False})
    password = "correct horse battery staple"
    emails = [f"bench{i}-{secrets.token_hex(4)}@example.org" for i in range(n)]
    learners = []
    with app.app_context():
        for i, email in enumerate(emails):
            user = User(email=email, display_name=f"Bench learner {i}")
            user.set_password(password)
            db.session.add(user)
        db.session.commit()
        db.engine.dispose()
    for email in emails:
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        page = client.get("/auth/login").text
        done = client.post("/auth/login", data={"csrf_token": _csrf(page), "email": email,
                                                "password": password})
        if done.status_code != 302:
            raise RuntimeError(f"login failed: {done.status_code}")
        page = client.get(f"/attempt/new/{assessment}").text
        done = client.post(f"/attempt/new/{assessment}", data={
            "csrf_token": _csrf(page), "role": role_choice(page), "mode": "assessment"})
        if done.status_code != 303:
            raise RuntimeError(f"could not start an attempt: {done.status_code}")
        first = urllib.parse.urlsplit(done.headers["Location"]).path
        pages = [_answer_page(client, f"{first.rsplit('/', 1)[0]}/{n}") for n in range(1, positions + 1)]
        cookie = client.get_cookie("session")
        if "Set-Cookie" in client.get(first).headers:  # wrk never stores a new cookie: each request would re-sign it
            raise RuntimeError("the question page changes the session on every request")
        learners.append(Learner(f"session={cookie.value}", first.split("/")[2], pages))
    return learners


def _answer_page(client, path: str) -> tuple[str, str]:
    """A question's path and a valid "save" post of its first option (or "1" typed in, or the places in order)."""
    page = client.get(path).text
    form = page[page.index('class="answer-form"'):]
    form = form[:form.index("</form>")]
    inputs = [_attrs(tag) for tag in INPUT_RE.findall(form)]
    answer = answer_value(form)
    shown_at = next(i.get("value", "") for i in inputs if i.get("name") == "shown_at")
    return path, urllib.parse.urlencode({"csrf_token": _csrf(form), "shown_at": shown_at, "answer": answer,
                                         "action": "save"}, doseq=True) + "&token="


def profile(sa_url: str, secret: str, learner: Learner, requests: int) -> str:
    """Where one worker's time goes: pyinstrument over in-process page GETs and answer POSTs."""
    from pyinstrument import Profiler

    from quizapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": sa_url, "SECRET_KEY": secret})  # as served
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    client.set_cookie("session", learner.cookie.split("=", 1)[1])
    for _ in range(20):  # warm caches, as a long-running worker would be
        client.get(learner.path)
    out = []
    for label, call in (("question page GET", lambda k: client.get(learner.path)),
                        ("answer POST", lambda k: client.post(learner.path, data=learner.body + f"p{k}",
                                                              content_type="application/x-www-form-urlencoded"))):
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for k in range(requests):
            status = call(k).status_code
            if status not in (200, 303):
                raise RuntimeError(f"{label}: status {status}")
        profiler.stop()
        out.append(f"--- {label}: {requests} requests in-process ---\n"
                   + profiler.output_text(unicode=False, color=False, show_all=False))
    return "\n".join(out)


def interpreter() -> str:
    """Which CPython served (the workers run this one): builds of one version differ by 5-15 % here."""
    return f"Python {platform.python_version()} from {sys.base_prefix}"


def rss_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process in MB; PSS splits pages shared with the other workers fairly."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        pss = int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024
    except (OSError, AttributeError):
        pss = float("nan")
    return rss, pss


def _start(app_spec: str, env: dict, port: int, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--pythonpath", "bench", app_spec]
    return subprocess.Popen(command, cwd=ROOT, env={**env, "QUIZAPP_BIND": f"127.0.0.1:{port}"},
                            stdout=log, stderr=subprocess.STDOUT)


def server_times(log_path: Path) -> dict[str, tuple[float, float, float]]:
    """gunicorn's own request times (p50, p99, p99.9 in ms) by method, from its JSON access log.

    wrk's latency is this plus the wait in the listen queue for a free worker; at 32 connections
    and 4 workers that wait is most of it, so the two side by side say where a tail comes from."""
    times: dict[str, list[float]] = {}
    for line in Path(log_path).read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        times.setdefault(entry["method"], []).append(float(entry["duration_ms"]))
    return {method: tuple(float(statistics.quantiles(values, n=1000, method="inclusive")[k]) for k in (499, 989, 998))
            for method, values in times.items() if len(values) >= 2}


def _stored_answers(db_url: str, learners: list[Learner]) -> int:
    """How many of the posted questions hold an answer with a token from wrk (all of them, if none was lost)."""
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM attempt_item i JOIN attempt a ON a.id = i.attempt_id "
            "WHERE a.public_id = ANY(%s) AND i.response IS NOT NULL "
            "AND i.last_token LIKE '%%-%%-%%'", ([learner.public_id for learner in learners],)).fetchone()[0]


def run(args) -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk (Debian) — it is the load generator.")
        return 1
    database = reused_or_scratch_database(args.reuse_database, "quizapp_tp")
    if database is None:
        return 1
    name, sa_url, db_url = database
    secret = secrets.token_hex(32)
    env = {**os.environ, "QUIZAPP_ENV": "production", "QUIZAPP_SECRET_KEY": secret, "QUIZAPP_DATABASE_URL": sa_url,
           "QUIZAPP_WORKERS": str(args.workers), "NO_PROXY": "*"}
    servers: dict[str, subprocess.Popen] = {}
    workdir = tempfile.mkdtemp(prefix="quizapp-throughput-")
    failed = True
    try:
        if not args.reuse_database and not migrate_and_import(env):
            return 1
        learners = prepare_learners(sa_url, secret, args.learners, args.assessment, args.positions)
        ports = {"bare": _free_port(), "quizapp": _free_port()}
        for key, spec in (("bare", "hello_app:create_app()"), ("quizapp", "quizapp:create_app()")):
            log = open(Path(workdir) / f"{key}.log", "w")
            servers[key] = _start(spec, env, ports[key], log)
        for key, server in servers.items():
            _wait_healthy(f"http://127.0.0.1:{ports[key]}", server)
        urls = {"bare": f"http://127.0.0.1:{ports['bare']}/",
                "page": f"http://127.0.0.1:{ports['quizapp']}", "post": f"http://127.0.0.1:{ports['quizapp']}"}
        scripts = {"bare": None, "page": write_lua(learners, "GET", workdir, args.threads),
                   "post": write_lua(learners, "POST", workdir, args.threads)}

        for target in urls:  # warm-up: imports, template compilation, connection pools
            wrk(urls[target], scripts[target], args.warmup, args.connections, args.threads)
        rounds: dict[str, list[Result]] = {t: [] for t in urls}
        for r in range(args.rounds):
            for target in urls:
                rps, p99, bad, errors = wrk(urls[target], scripts[target], args.seconds, args.connections, args.threads)
                rounds[target].append(Result(target, rps, p99, bad, errors))
                print(f"  round {r + 1} {target:5s} {rps:8.0f} req/s  p99 {p99:6.1f} ms"
                      + (f"  non-2xx/3xx {bad}" if bad else "") + (f"  socket errors {errors}" if errors else ""),
                      file=sys.stderr)
        memory = [rss_mb(pid) for pid in _worker_pids(servers["quizapp"].pid)]
        bare_memory = [rss_mb(pid) for pid in _worker_pids(servers["bare"].pid)]
        stored = _stored_answers(db_url, learners)

        med = {t: {"rps": statistics.median(x.rps for x in rs), "p99_ms": statistics.median(x.p99_ms for x in rs),
                   "bad": sum(x.bad for x in rs), "socket_errors": sum(x.socket_errors for x in rs)}
               for t, rs in rounds.items()}
        # Paired: each round's quizapp figure over the bare figure of the same round (the machine's
        # speed drifts between rounds, and bare Flask most of all), then the median of those.
        ratios = {t: statistics.median(q.rps / b.rps for q, b in zip(rounds[t], rounds["bare"], strict=True))
                  for t in ("page", "post")}
        worst_rss = max((m[0] for m in memory), default=float("nan"))
        checks = [
            (f"question page >= {TARGETS['page_ratio']:.2f}x bare Flask", ratios["page"] >= TARGETS["page_ratio"], f"{ratios['page']:.3f}x"),
            (f"answer POST >= {TARGETS['post_ratio']:.2f}x bare Flask", ratios["post"] >= TARGETS["post_ratio"], f"{ratios['post']:.3f}x"),
            (f"p99 <= 60 ms at {args.connections} connections (page and POST)",
             max(med["page"]["p99_ms"], med["post"]["p99_ms"]) <= TARGETS["p99_ms"],
             f"page {med['page']['p99_ms']:.1f} ms, POST {med['post']['p99_ms']:.1f} ms"),
            ("RSS per quizapp worker <= 150 MB", bool(memory) and worst_rss <= TARGETS["rss_mb"],
             ", ".join(f"{r:.0f} (PSS {p:.0f})" for r, p in memory) + " MB"),
            ("every response 2xx/3xx, no socket errors",
             all(m["bad"] == 0 and m["socket_errors"] == 0 for m in med.values()),
             ", ".join(f"{t} {m['bad']}/{m['socket_errors']}" for t, m in med.items())),
            ("every posted question's answer stored", stored == len(learners) * args.positions,
             f"{stored}/{len(learners) * args.positions}"),
        ]
        failed = not all(ok for _, ok, _ in checks)

        print(f"quizapp throughput: gunicorn.conf.py, {args.workers} sync workers, PostgreSQL, wrk -t{args.threads} "
              f"-c{args.connections}, {args.rounds} rounds x {args.seconds:g} s (median), {len(learners)} learners, "
              f"assessment {args.assessment!r}; {interpreter()}")
        print()
        print("| target | requests/s | p99 (ms) | ratio to bare Flask |")
        print("|---|---|---|---|")
        for t, label in (("bare", "bare Flask `GET /`"), ("page", "question page GET"), ("post", "answer POST")):
            ratio = "1" if t == "bare" else f"{ratios[t]:.3f}"
            print(f"| {label} | {med[t]['rps']:.0f} | {med[t]['p99_ms']:.1f} | {ratio} |")
        print()
        served = server_times(Path(workdir) / "quizapp.log")
        for method, label in (("GET", "page"), ("POST", "POST")):
            if method in served:
                p50, p99, p999 = served[method]
                print(f"gunicorn's own request time, {label} (access log, warm-up included): p50 {p50:.0f} ms, "
                      f"p99 {p99:.0f} ms, p99.9 {p999:.0f} ms; the rest of wrk's latency is the wait for a worker")
        print(f"RSS per worker after the run: quizapp {', '.join(f'{r:.0f}' for r, _ in memory)} MB "
              f"(PSS {', '.join(f'{p:.0f}' for _, p in memory)}); bare Flask "
              f"{', '.join(f'{r:.0f}' for r, _ in bare_memory)} MB")
        for check, ok, detail in checks:
            print(f"  [{'PASS' if ok else 'FAIL'}] {check}: {detail}")
        print("RESULT: " + ("FAIL" if failed else "PASS"))
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(json.dumps({
                "config": vars(args), "python": interpreter(), "median": med, "ratios": ratios,
                "rounds": {t: [vars(x) for x in rs] for t, rs in rounds.items()},
                "rss_mb": [{"rss": r, "pss": p} for r, p in memory], "server_ms": served,
                "bare_rss_mb": [r for r, _ in bare_memory],
                "checks": [{"check": c, "ok": ok, "detail": d} for c, ok, d in checks]}, indent=2))
        if args.profile:
            print()
            print(profile(sa_url, secret, learners[0], args.profile_requests))
        return 1 if failed else 0
    finally:
        for server in servers.values():
            stop_server(server)
        if failed and servers:
            print(f"gunicorn logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        if not args.reuse_database:
            drop_scratch_database(name)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (gunicorn.conf.py: 2 per core)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--learners", type=int, default=32, help="logged-in learners the requests rotate over")
    parser.add_argument("--assessment", default="math")
    parser.add_argument("--positions", type=int, default=8,
                        help="questions each learner's requests move through (GET and POST)")
    parser.add_argument("--seconds", type=float, default=10, help="length of one measured wrk run")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the median is reported")
    parser.add_argument("--reuse-database", metavar="NAME",
                        help="use this existing, imported database (kept afterwards) instead of a fresh one: "
                             "quicker when tuning")
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument("--profile", action="store_true", help="also profile the page and POST with pyinstrument")
    parser.add_argument("--profile-requests", type=int, default=300)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
