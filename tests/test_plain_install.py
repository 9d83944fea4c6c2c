"""A plain (non-editable) `pip install .` with only the runtime dependencies migrates, imports the
whole bank and serves it: no test tool, no library a question check imports, no PyTorch.

This is what `make run` promises on any machine with Python 3.11+: import reads the frozen keys
of parameterised questions (questions/variants.json) and runs no question code, and the
migrations ship inside the package. It builds a venv from the package index (or pip's cache),
so it takes a minute; it runs in the SQLite pass of `make test` only.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
NOT_RUNTIME = ("pytest", "pandas", "sklearn", "scipy", "matplotlib", "seaborn", "torch", "playwright", "hypothesis",
               "mutmut")

pytestmark = pytest.mark.install


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_plain_install_migrates_imports_and_serves(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([venv / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check", str(REPOSITORY)],
                         capture_output=True, text=True, timeout=900)
    assert pip.returncode == 0, pip.stderr[-3000:]
    present = subprocess.run([venv / "bin" / "python", "-c", "import importlib.util as u, sys; "
                              f"print(' '.join(m for m in {NOT_RUNTIME!r} if u.find_spec(m)))"],
                             capture_output=True, text=True, check=True).stdout.split()
    assert present == [], f"a plain install brings test or check libraries: {present}"

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "QUIZAPP_QUESTIONS_DIR": str(REPOSITORY / "questions"),
           "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'plain.sqlite'}",
           "QUIZAPP_SECRET_KEY": "plain-install-test", "QUIZAPP_SANDBOX": "fallback"}
    quizapp = str(venv / "bin" / "quizapp")
    upgrade = subprocess.run([quizapp, "db", "upgrade"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    imported = subprocess.run([quizapp, "bank", "import"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "Imported." in imported.stdout and "could not be computed" not in imported.stderr

    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "wb") as sink:
        server = subprocess.Popen([str(venv / "bin" / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
                                   "quizapp:create_app()"], env=env, cwd=tmp_path, stdout=sink, stderr=sink)
    try:
        deadline, home = time.monotonic() + 60, None
        while home is None and time.monotonic() < deadline and server.poll() is None:
            try:
                home = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
            except OSError:
                time.sleep(0.3)
        assert home is not None, f"the server did not answer: {log.read_text(errors='replace')[-2000:]}"
        assert "ML engineer readiness" in home
        health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read().decode()
        assert '"database":"ok"' in health.replace(" ", "")
    finally:
        server.terminate()
        server.wait(timeout=30)
