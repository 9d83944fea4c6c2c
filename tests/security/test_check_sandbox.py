"""Executable `check` snippets are code: hostile ones are contained by the sandbox.

Each hostile check below is the `check` of a numeric question whose key is 1, and it evaluates
to 1 only if its attack worked: a *verified* outcome means the sandbox let it through. Every
one must come back as a failed or errored check, in bounded time, with no crash of the caller
and nothing left running. Under bubblewrap all of them hold; the fallback (no bubblewrap)
keeps the environment, the limits and the process group, and refuses uploaded code.
"""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from quizapp import sandbox
from quizapp.bank import checks
from quizapp.bank.loader import QuestionDef
from quizapp.exceptions import ConfigurationError
from quizapp.extensions import db
from tests.helpers import add_user, app_with_bank, copy_fixture_bank, csrf_token, login

REPOSITORY = Path(__file__).resolve().parents[2]
SECRET = f"the-real-secret-{uuid.uuid4().hex}"


def bubblewrap_works() -> bool:
    return sandbox.bubblewrap_unusable() is None


needs_bubblewrap = pytest.mark.skipif(
    not bubblewrap_works() and not os.environ.get("CI"),
    reason=f"bubblewrap cannot run here ({sandbox.bubblewrap_unusable()}); CI installs it")


@pytest.fixture
def under_bubblewrap(monkeypatch):
    monkeypatch.setenv("QUIZAPP_SANDBOX", "bubblewrap")  # raises instead of falling back silently
    assert sandbox.isolation() == sandbox.BUBBLEWRAP, sandbox.bubblewrap_unusable()


@pytest.fixture
def under_fallback(monkeypatch):
    monkeypatch.setenv("QUIZAPP_SANDBOX", "fallback")


def hostile(code: str, qid: str = "hostile") -> QuestionDef:
    definition = {"type": "numeric", "answer": 1.0, "check": {"python": code}}
    return QuestionDef(qid, "questions/hostile.yaml", 3, "numeric", 3, ("t.basics",), definition, "h")


def contained(code: str, *, timeout: float = 20, untrusted: bool = False, monkeypatch=None) -> checks.CheckOutcome:
    """Run a hostile check through the real entry point; it must not pass and must not take long."""
    monkeypatch.setattr(checks, "TIMEOUT_SECONDS", timeout)
    started = time.monotonic()
    outcome = checks.run_check(hostile(code), untrusted=untrusted)
    assert outcome.status in ("failed", "error"), f"the attack worked: {outcome.status} {outcome.message}"
    assert time.monotonic() - started < timeout + 10, "the sandbox did not stop it at its timeout"
    return outcome


@pytest.fixture
def secret_process():
    """Another process of this user holding a secret in its environment, as the app server would."""
    process = subprocess.Popen([sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(120)"],
                               env={**os.environ, "QUIZAPP_SECRET_KEY": SECRET}, stdout=subprocess.PIPE)
    process.stdout.readline()  # until it has exec'd, /proc/<pid>/environ is empty
    yield process
    process.stdout.close()
    process.kill()
    process.wait()


@pytest.fixture
def secret_file():
    """A secret in the repository's instance/ folder, where the app keeps its secret key."""
    path = REPOSITORY / "instance" / f"secret_key-{uuid.uuid4().hex}"
    path.parent.mkdir(exist_ok=True)
    path.write_text(SECRET)
    yield path
    path.unlink(missing_ok=True)


@pytest.fixture
def listening_port():
    """A server on 127.0.0.1, as the database and the app are."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def leftover(marker: str) -> list[str]:
    """Processes on the host whose command line carries `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(entry.name)
        except OSError:
            continue
    return found


# --- under bubblewrap: every attack of the class is contained --------------------------------

@needs_bubblewrap
def test_a_check_sees_no_environment(under_bubblewrap, monkeypatch):
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", SECRET)
    monkeypatch.setenv("QUIZAPP_DATABASE_URL", "postgresql://quizapp:hunter2@db/quizapp")
    contained("import os\nprint(int(any('QUIZAPP' in k or 'hunter2' in v for k, v in os.environ.items())))",
              monkeypatch=monkeypatch)
    [result] = checks.run_snippet("import os; print(sorted(os.environ))", [{}])
    assert set(eval(result["text"])) <= {"HOME", "TMPDIR", "MPLCONFIGDIR", "PWD", "LC_CTYPE",
                                         *sandbox.BASE_ENVIRONMENT, *sandbox.PASSED_THROUGH}


@needs_bubblewrap
def test_a_check_cannot_read_the_secret_key_file_or_the_repository(under_bubblewrap, secret_file, monkeypatch):
    outcome = contained(f"print(int({SECRET!r} in open({str(secret_file)!r}).read()))", monkeypatch=monkeypatch)
    assert "No such file" in outcome.message
    contained(f"import os\nprint(int(os.path.exists({str(REPOSITORY / 'quizapp')!r}) or "
              f"os.path.exists({str(REPOSITORY / 'instance')!r}) or os.path.exists('/etc/passwd')))",
              monkeypatch=monkeypatch)


@needs_bubblewrap
def test_a_check_cannot_read_other_processes_environments(under_bubblewrap, secret_process, monkeypatch):
    assert SECRET.encode() in Path(f"/proc/{secret_process.pid}/environ").read_bytes()  # it is there to find
    contained(f"""
import glob
found = 0
for path in glob.glob('/proc/*/environ'):
    try:
        found += {SECRET!r}.encode() in open(path, 'rb').read()
    except OSError:
        pass
print(int(found > 0 or len(glob.glob('/proc/[0-9]*')) > 3))
""", monkeypatch=monkeypatch)


@needs_bubblewrap
def test_a_check_cannot_connect_to_localhost(under_bubblewrap, listening_port, monkeypatch):
    outcome = contained(f"import socket\nsocket.create_connection(('127.0.0.1', {listening_port}), timeout=3)\nprint(1)",
                        monkeypatch=monkeypatch)
    assert "Connection refused" in outcome.message or "unreachable" in outcome.message


@needs_bubblewrap
def test_a_detached_child_does_not_outlive_its_check(under_bubblewrap, monkeypatch):
    marker = f"sandbox-leak-{uuid.uuid4().hex}"
    contained(f"""
import os, subprocess
subprocess.Popen(['/bin/sh', '-c', 'sleep 60 # {marker}'], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:          # and a double-forked daemon
    os.setsid()
    if os.fork() == 0:
        os.execv('/bin/sh', ['/bin/sh', '-c', 'sleep 60 # {marker}'])
    os._exit(0)
print(0)
""", monkeypatch=monkeypatch)
    deadline = time.monotonic() + 5
    while leftover(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftover(marker) == [], "a process started by a check is still running after it ended"


@needs_bubblewrap
def test_a_check_cannot_write_outside_its_tmp(under_bubblewrap, monkeypatch):
    target = REPOSITORY / f"written-by-a-check-{uuid.uuid4().hex}"
    outcome = contained(f"open({str(target)!r}, 'w').write('x')\nopen('/written', 'w').write('x')\nprint(1)",
                        monkeypatch=monkeypatch)
    # Which error depends on where the checkout lives: read-only, absent from the sandbox, or (a checkout
    # under /tmp, whose parents the sandbox makes as root-owned directories for the venv) not writable.
    assert any(error in outcome.message for error in ("Read-only file system", "No such file", "Permission denied"))
    assert not target.exists()
    [result] = checks.run_snippet("open('/tmp/scratch', 'w').write('ok')\nprint(open('/tmp/scratch').read())", [{}])
    assert result == {"kind": "stdout", "text": "ok"}, "its own /tmp must stay writable"


@needs_bubblewrap
def test_a_fork_bomb_is_contained(under_bubblewrap, monkeypatch):
    marker = f"fork-bomb-{uuid.uuid4().hex}"
    contained(f"import os\n# {marker}\nwhile True:\n    os.fork()", timeout=15, monkeypatch=monkeypatch)
    time.sleep(0.5)
    assert leftover(marker) == []


@needs_bubblewrap
def test_allocating_4_gb_is_contained(under_bubblewrap, monkeypatch):
    outcome = contained("b = bytearray(4 * 1024 ** 3)\nprint(int(len(b) > 0))", monkeypatch=monkeypatch)
    assert "MemoryError" in outcome.message


@needs_bubblewrap
def test_a_check_that_never_ends_is_stopped(under_bubblewrap, monkeypatch):
    outcome = contained("while True:\n    pass", timeout=3, monkeypatch=monkeypatch)
    assert "timed out" in outcome.message or "CPU time" in outcome.message


@needs_bubblewrap
def test_printing_100_mb_is_contained(under_bubblewrap, monkeypatch):
    contained("import sys\nprint('x' * 100 * 1024 ** 2)", monkeypatch=monkeypatch)
    contained("import os\nfor _ in range(100):\n    os.write(1, b'x' * 1024 ** 2)\nprint(1)", monkeypatch=monkeypatch)


@needs_bubblewrap
def test_forged_runner_output_is_an_error_not_a_crash(under_bubblewrap, monkeypatch):
    outcome = contained("import os\nos.write(1, b'[{\"kind\": \"value\"}]')\nos._exit(0)", monkeypatch=monkeypatch)
    assert outcome.status == "error"


@needs_bubblewrap
def test_ordinary_checks_still_work_under_bubblewrap(under_bubblewrap):
    [value, numpy] = checks.run_snippet("{{n}} * 2", [{"n": 21}]) + checks.run_snippet(
        "import numpy as np\nprint(np.arange(4).sum())", [{}])
    assert value["plain"] == 42 and numpy == {"kind": "stdout", "text": "6"}


# --- the fallback: what a plain subprocess can keep ---------------------------------------------

def test_the_fallback_sees_no_environment(under_fallback, monkeypatch):
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", SECRET)
    contained("import os\nprint(int(any('QUIZAPP' in k for k in os.environ)))", monkeypatch=monkeypatch)


def test_the_fallback_limits_memory_and_time(under_fallback, monkeypatch):
    assert "MemoryError" in contained("print(len(bytearray(4 * 1024 ** 3)))", monkeypatch=monkeypatch).message
    outcome = contained("while True:\n    pass", timeout=2, monkeypatch=monkeypatch)
    assert "timed out" in outcome.message or "CPU time" in outcome.message


def test_the_fallback_kills_the_whole_process_group_at_the_timeout(under_fallback, monkeypatch):
    marker = f"fallback-child-{uuid.uuid4().hex}"
    contained(f"import subprocess, time\nsubprocess.Popen(['/bin/sh', '-c', 'sleep 60 # {marker}'])\n"
              "time.sleep(60)", timeout=2, monkeypatch=monkeypatch)
    time.sleep(0.3)
    assert leftover(marker) == []


def test_the_fallback_never_runs_uploaded_code(under_fallback, tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    outcome = checks.run_check(hostile(f"open({str(marker)!r}, 'w').write('x')\n1"), untrusted=True)
    assert outcome.status == "skipped" and "bubblewrap" in outcome.message and not marker.exists()
    with pytest.raises(sandbox.SandboxUnavailable):
        sandbox.run_python("print(1)", untrusted=True)


def test_the_fallback_says_so(monkeypatch, capsys):
    monkeypatch.setenv("QUIZAPP_SANDBOX", "auto")
    monkeypatch.setattr(sandbox, "bubblewrap_unusable", lambda: "bwrap is not installed")
    sandbox._warn_fallback.cache_clear()
    assert sandbox.isolation() == sandbox.FALLBACK
    assert "warning: no bubblewrap sandbox (bwrap is not installed)" in capsys.readouterr().err
    monkeypatch.setenv("QUIZAPP_SANDBOX", "bubblewrap")
    with pytest.raises(sandbox.SandboxUnavailable, match="bwrap is not installed"):
        sandbox.isolation()


def test_a_misspelt_sandbox_setting_is_a_configuration_error(monkeypatch):
    monkeypatch.setenv("QUIZAPP_SANDBOX", "bubblwrap")
    with pytest.raises(ConfigurationError, match="QUIZAPP_SANDBOX='bubblwrap': use auto, bubblewrap or fallback"):
        sandbox.isolation()


def test_bubblewrap_is_found_when_it_works():
    if shutil.which("bwrap") is None:
        assert sandbox.bubblewrap_unusable() == "bwrap is not installed"
    elif os.environ.get("CI"):
        assert sandbox.bubblewrap_unusable() is None, "CI must run checks under bubblewrap"


# --- never in the web request ----------------------------------------------------------------

PARAMETERISED = """\
skill: t.basics
questions:
  - id: t-sandbox
    type: numeric
    difficulty: 2
    prompt: What is 2 x {{{{n}}}}?
    params: {{n: [1, 2]}}
    check: {{python: "(open(r'{marker}', 'a').write('ran'), {{{{n}}}} * 2)[1]"}}
    explanation: Doubling.
    references: [https://example.org/]
"""


def test_publishing_an_upload_does_not_run_check_code_in_the_web_request(tmp_path):
    """Publishing from the instructor pages must not execute the uploaded file's `check`
    (the keys of parameterised items are frozen by `quizapp bank freeze`, from the CLI)."""
    app = app_with_bank(tmp_path, copy_fixture_bank(tmp_path))
    with app.app_context():
        add_user("sandbox@example.org", "instructor")
        db.session.commit()
    teacher = login(app, "sandbox@example.org")
    marker = tmp_path / "check-ran"
    content = PARAMETERISED.format(marker=marker).encode()
    page = teacher.get("/instructor/upload")
    response = teacher.post("/instructor/upload", data={"csrf_token": csrf_token(page.text),
                                                        "files": [(io.BytesIO(content), "sandbox.yaml")]},
                            content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    review = teacher.get(response.headers["Location"])
    assert review.status_code == 200 and not marker.exists(), "the review page ran the check"
    assert "quizapp bank freeze" in review.text
    token = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    teacher.post(f"/instructor/upload/{token}/publish", data={"csrf_token": csrf_token(review.text)})
    assert not marker.exists(), ("POST /instructor/upload/<token>/publish ran the uploaded check code inside the "
                                 "web request")


WITH_CHECK = """\
skill: t.basics
questions:
  - id: t-uploaded-check
    type: numeric
    difficulty: 2
    prompt: What is 2 x 2?
    answer: 4
    check: {python: "2 * 2"}
    explanation: Doubling.
    references: [https://example.org/]
"""


def test_publishing_records_the_uploaded_questions_as_web_code(tmp_path):
    """Checks that came through the web are recorded, so the CLI runs them only under bubblewrap."""
    from quizapp.bank import provenance

    root = copy_fixture_bank(tmp_path)
    app = app_with_bank(tmp_path, root)
    with app.app_context():
        add_user("uploader@example.org", "instructor")
        db.session.commit()
    teacher = login(app, "uploader@example.org")
    page = teacher.get("/instructor/upload")
    response = teacher.post("/instructor/upload", data={"csrf_token": csrf_token(page.text),
                                                        "files": [(io.BytesIO(WITH_CHECK.encode()), "uploaded.yaml")]},
                            content_type="multipart/form-data")
    review = teacher.get(response.headers["Location"])
    published = teacher.post(response.headers["Location"] + "/publish", data={"csrf_token": csrf_token(review.text)})
    assert published.status_code == 303, published.text
    assert provenance.uploaded_ids(root) == {"t-uploaded-check"}


@needs_bubblewrap
def test_an_interpreter_under_tmp_is_still_visible(under_bubblewrap, tmp_path, monkeypatch):
    """A checkout (and its .venv) under /tmp, as a CI clone may be: the private /tmp must not hide it."""
    venv = tmp_path / "venv"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(venv)],
                   check=True)
    paths = sandbox._interpreter_paths()
    monkeypatch.setattr(sandbox, "_interpreter_paths", lambda: [*paths, str(venv)])
    result = sandbox._run_bubblewrap(str(venv / "bin" / "python"), ["-I", "-c", "import sys; print(sys.prefix)"], "",
                                     sandbox.Limits(wall_seconds=20))
    assert result.stdout.strip() == str(venv), result.stderr
    scratch = sandbox._run_bubblewrap(str(venv / "bin" / "python"),
                                      ["-I", "-c", "open('/tmp/x', 'w').write('ok'); print(open('/tmp/x').read())"], "",
                                      sandbox.Limits(wall_seconds=20))
    assert scratch.stdout.strip() == "ok", scratch.stderr
