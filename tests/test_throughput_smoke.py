"""bench/throughput.py's moving parts: reading wrk's report, and the Lua scripts that make every
answer POST carry a learner's cookie and a fresh one-time token (a repeated token would measure the
cheap "already applied" redirect instead of a real save). The wrk run needs Debian's `wrk`."""
from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from tests.helpers import load_bench

WRK_REPORT = """Running 10s test @ http://127.0.0.1:8765/attempt/x/q/1
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   197.87ms   35.73ms 504.76ms   88.53%
    Req/Sec    80.86     17.51   121.00     69.85%
  Latency Distribution
     50%  190.11ms
     75%  205.32ms
     90%  226.00ms
     99%    1.21s
  1617 requests in 10.08s, 18.36MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:    160.36
Transfer/sec:      1.82MB
"""


@pytest.fixture(scope="module")
def throughput():
    return load_bench("throughput")


def test_reads_requests_per_second_p99_and_failures(throughput):
    assert throughput.parse_wrk(WRK_REPORT) == (160.36, 1210.0, 7, 3)
    with pytest.raises(RuntimeError, match="could not read"):
        throughput.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


class _Recorder(BaseHTTPRequestHandler):
    """Answers like quizapp (200 to a GET, 303 to a POST) and keeps what each request carried, and
    on which connection (kept alive, so a connection's port names the wrk thread that owns it)."""

    protocol_version = "HTTP/1.1"

    def _answer(self, body: str):
        self.server.seen.append((self.command, self.path, self.headers.get("Cookie", ""), parse_qs(body)))
        self.server.ports.append(self.client_address[1])
        self.server.agents.add(self.headers.get("User-Agent"))
        self.send_response(303 if self.command == "POST" else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self._answer("")

    def do_POST(self):
        self._answer(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())

    def log_message(self, *args):
        pass


def _drive(throughput, learners, method: str, directory, threads: int = 1) -> tuple[tuple, list, list]:
    """One short wrk run with the benchmark's script against a fresh recording server: wrk's figures,
    what each request carried, and the client port of each."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.seen, server.ports, server.agents = [], [], set()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        report = throughput.wrk(f"http://127.0.0.1:{server.server_address[1]}",
                                throughput.write_lua(learners, method, str(directory), threads),
                                seconds=1, connections=2 * threads, threads=threads)
    finally:
        server.shutdown()
        server.server_close()  # waits for the handlers still running
    assert server.agents == {throughput.USER_AGENT}  # the logins' User-Agent: Flask-Login's session protection
    return report, server.seen, server.ports


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk (apt-get install wrk; .ci/run installs it)")
def test_lua_scripts_rotate_learners_and_send_a_fresh_token_each_post(throughput, tmp_path):
    learners = [throughput.Learner(f"session=cookie{i}", f"a{i}", [
        (f"/attempt/a{i}/q/{n}", f"csrf_token=t{i}&answer={n}&action=save&token=") for n in (1, 2)]) for i in range(3)]
    for method in ("GET", "POST"):
        (rps, p99, bad, errors), seen, _ = _drive(throughput, learners, method, tmp_path)
        assert rps > 0 and bad == 0 and errors == 0 and len(seen) >= 6
        assert {m for m, *_ in seen} == {method}
        assert {(p, c) for _, p, c, _ in seen} == {(path, learner.cookie) for learner in learners
                                                   for path, _ in learner.pages}
    tokens = [form["token"][0] for *_, form in seen]
    assert len(set(tokens)) == len(tokens)  # never the same one-time token twice
    assert all(form["csrf_token"][0] in {"t0", "t1", "t2"} and form["action"] == ["save"] for *_, form in seen)
    assert all(form["answer"] == [path.rsplit("/", 1)[1]] for _, path, _, form in seen)  # each question's own form


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk (apt-get install wrk; .ci/run installs it)")
def test_each_wrk_thread_posts_for_its_own_learners(throughput, tmp_path):
    """Two threads share five learners out (3 + 2) and together still reach every one of them."""
    learners = [throughput.Learner(f"session=cookie{i}", f"a{i}", [(f"/attempt/a{i}/q/1", "action=save&token=")])
                for i in range(5)]
    (rps, _, bad, errors), seen, ports = _drive(throughput, learners, "POST", tmp_path, threads=2)
    assert rps > 0 and bad == 0 and errors == 0
    assert {p for _, p, _, _ in seen} == {learner.path for learner in learners}
    by_connection = {}
    for port, (_, path, _, _) in zip(ports, seen, strict=True):
        by_connection.setdefault(port, set()).add(path)
    slices = ({"/attempt/a0/q/1", "/attempt/a2/q/1", "/attempt/a4/q/1"}, {"/attempt/a1/q/1", "/attempt/a3/q/1"})
    assert all(any(paths <= s for s in slices) for paths in by_connection.values()), by_connection
    with pytest.raises(ValueError, match="one learner per wrk thread"):
        throughput.write_lua(learners[:1], "GET", str(tmp_path), threads=2)


def test_server_times_read_gunicorns_json_access_log_by_method(throughput, tmp_path):
    """The server-side half of the latency: gunicorn.conf.py's JSON access log, split by method."""
    lines = ["[2026-11-27 20:48:09 +0000] [18482] [INFO] Booting worker with pid: 18482", "{not json"]
    lines += ['{"method": "GET", "status": 200, "duration_ms": %d}' % (1 + i % 10) for i in range(1000)]
    lines += ['{"method": "GET", "status": 200, "duration_ms": 250}'] * 5  # the tail
    lines += ['{"method": "POST", "status": 303, "duration_ms": 7}'] * 3
    log = tmp_path / "quizapp.log"
    log.write_text("\n".join(lines) + "\n")
    times = throughput.server_times(log)
    p50, p99, p999 = times["GET"]
    assert 5 <= p50 <= 6 and p99 == 10 and p999 == 250
    assert times["POST"] == (7, 7, 7)
