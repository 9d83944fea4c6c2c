"""Instructions per request: the question page GET and the answer POST, in-process, counted by callgrind.

    .venv/bin/python bench/instructions.py                          # a fresh PostgreSQL database (~1 min to import)
    .venv/bin/python bench/instructions.py --reuse-database NAME    # an existing, imported one (quicker)

Wall-clock benchmarks on a shared 2-core machine drift by 10-20 % between runs (bench/throughput.py
pairs its rounds for that reason). An instruction count does not: the same code on the same data
gives the same count, whatever else the machine is doing. So this is the figure to compare before
and after a change to the request path; throughput.py then says what it buys under load.

It logs in 4 learners (each with an attempt in progress on --assessment), builds the WSGI environ of
their question pages and answer posts once, and calls the app directly, no server and no socket: the
work counted is Flask, quizapp, the templates, SQLAlchemy and psycopg in this process (PostgreSQL's
own work is in another process and not counted). Each kind of request runs twice under
`valgrind --tool=callgrind`, with 0 and with --requests measured requests after the same warm-up;
the difference over --requests is the figure. Bare Flask's "hello" is counted the same way.
Needs valgrind (Debian package `valgrind`).
"""
from __future__ import annotations

import argparse
import io
import os
import pickle
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, drop_scratch_database, migrate_and_import, reused_or_scratch_database  # noqa: E402
from throughput import USER_AGENT, prepare_learners  # noqa: E402

COLLECTED_RE = re.compile(r"Collected\s*:\s*(\d+)")
WARM_UP = 64
KINDS = ("hello", "GET", "POST")


def _environs(kind: str, learners: list[tuple[str, list]]) -> list[tuple[dict, str]]:
    """(environ, body prefix) for each request the loop cycles through; learners as (cookie, pages)."""
    from werkzeug.test import EnvironBuilder

    if kind == "hello":
        return [(EnvironBuilder(path="/").get_environ(), "")]
    out = []
    for position in range(len(learners[0][1])):
        for cookie, pages in learners:
            path, body = pages[position]
            environ = EnvironBuilder(path=path, method=kind, base_url="http://127.0.0.1:8000",
                                     headers={"Cookie": cookie, "User-Agent": USER_AGENT,
                                              "Content-Type": "application/x-www-form-urlencoded"},
                                     environ_overrides={"REMOTE_ADDR": "127.0.0.1"}).get_environ()
            out.append((environ, body))
    return out


def child(kind: str, requests: int, state_file: str) -> None:
    """Run inside valgrind: warm up, then `requests` more requests of `kind`."""
    state = pickle.loads(Path(state_file).read_bytes())
    if kind == "hello":
        from hello_app import create_app as create_hello

        app = create_hello()
    else:
        os.environ.update({"QUIZAPP_ENV": "production", "QUIZAPP_SECRET_KEY": state["secret"],
                           "QUIZAPP_DATABASE_URL": state["sa_url"]})
        from quizapp import create_app

        app = create_app()
    environs = _environs(kind, state["learners"])
    expected = {"hello": "200", "GET": "200", "POST": "303"}[kind]
    statuses = []

    def call(i: int) -> None:
        environ, body = environs[i % len(environs)]
        environ = dict(environ)
        data = f"{body}{i}-{secrets.token_hex(4)}".encode() if kind == "POST" else b""
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(data), str(len(data))
        b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        if not statuses[-1].startswith(expected):
            raise SystemExit(f"{kind} request {i}: {statuses[-1]} (expected {expected})")

    for i in range(WARM_UP + requests):
        call(i)


def count(kind: str, requests: int, state_file: str) -> int:
    """Instructions of a child run under callgrind."""
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg.out",
                               sys.executable, __file__, "--child", kind, str(requests), state_file],
                              cwd=ROOT, capture_output=True, text=True)
    found = COLLECTED_RE.search(done.stderr)
    if done.returncode or not found:
        raise SystemExit(f"callgrind run of {kind} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return int(found.group(1))


def run(args) -> int:
    if not shutil.which("valgrind"):
        print("valgrind is not installed: apt-get install valgrind (Debian).")
        return 1
    database = reused_or_scratch_database(args.reuse_database, "quizapp_ic")
    if database is None:
        return 1
    name, sa_url, _ = database
    secret = secrets.token_hex(32)
    try:
        if not args.reuse_database and not migrate_and_import({**os.environ, "QUIZAPP_DATABASE_URL": sa_url}):
            return 1
        learners = prepare_learners(sa_url, secret, 4, args.assessment, args.positions)
        with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as state:
            # plain tuples: the child process does not import this module's Learner class
            state.write(pickle.dumps({"secret": secret, "sa_url": sa_url,
                                      "learners": [(learner.cookie, learner.pages) for learner in learners]}))
        try:
            figures = {kind: (count(kind, args.requests, state.name) - count(kind, 0, state.name)) / args.requests
                       for kind in KINDS}
        finally:
            os.unlink(state.name)
    finally:
        if not args.reuse_database:
            drop_scratch_database(name)
    print(f"instructions per request, in-process (callgrind), {args.requests} requests after {WARM_UP} of warm-up,"
          f" PostgreSQL, assessment {args.assessment!r}")
    print()
    print("| request | instructions | to bare Flask |")
    print("|---|---|---|")
    for kind, label in (("hello", "bare Flask `GET /`"), ("GET", "question page GET"), ("POST", "answer POST")):
        print(f"| {label} | {figures[kind] / 1e6:.2f} M | {figures[kind] / figures['hello']:.1f} × |")
    return 0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="measured requests per kind")
    parser.add_argument("--assessment", default="math")
    parser.add_argument("--positions", type=int, default=8, help="questions each learner's requests move through")
    parser.add_argument("--reuse-database", metavar="NAME",
                        help="use this existing, imported database (kept) instead of a fresh one")
    return parser.parse_args(argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(run(parse_args()))
