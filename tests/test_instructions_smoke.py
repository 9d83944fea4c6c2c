"""bench/instructions.py's measured loop, without valgrind: the child process logs nothing, serves
each kind of request with the status the count assumes (200 pages, 303 saved answers), and says so
when a request fails (a count over failing requests would measure an error page)."""
from __future__ import annotations

import pickle
import secrets
import subprocess
import sys

import pytest

from tests.helpers import BENCH_DIR, app_with_bank, load_bench


@pytest.fixture(scope="module")
def state_file(tmp_path_factory):
    directory = tmp_path_factory.mktemp("instructions")
    url = f"sqlite:///{directory / 'security.sqlite'}"
    app_with_bank(directory, SQLALCHEMY_DATABASE_URI=url)
    secret = secrets.token_hex(32)
    learners = load_bench("throughput").prepare_learners(url, secret, 2, "everything", positions=2)
    path = directory / "state.pickle"
    path.write_bytes(pickle.dumps({"secret": secret, "sa_url": url,
                                   "learners": [(learner.cookie, learner.pages) for learner in learners]}))
    return path


@pytest.mark.parametrize("kind", ["hello", "GET", "POST"])
def test_the_child_serves_each_kind_with_the_expected_status(state_file, kind):
    done = subprocess.run([sys.executable, str(BENCH_DIR / "instructions.py"), "--child", kind, "5", str(state_file)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_failing_request_stops_the_count(state_file, tmp_path):
    state = pickle.loads(state_file.read_bytes())
    cookie, pages = state["learners"][0]
    state["learners"][0] = (cookie, [("/attempt/nobody/q/1", pages[0][1]), *pages[1:]])
    broken = tmp_path / "broken.pickle"
    broken.write_bytes(pickle.dumps(state))
    done = subprocess.run([sys.executable, str(BENCH_DIR / "instructions.py"), "--child", "GET", "1", str(broken)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "404" in done.stdout + done.stderr
