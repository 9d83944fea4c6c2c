"""Executable `check` snippets: code from question files, run only by the CLI, isolated.

Question files are trusted content from instructors, but a check is still code: it must run in a
separate interpreter with a timeout and a memory limit, must not see the app's secrets, and
must never run inside a web request (an instructor account is not a shell account on the server).
"""
from __future__ import annotations

import io
import resource

from quizapp.bank import checks
from quizapp.extensions import db
from tests.security.conftest import add_user, app_with_bank, copy_fixture_bank, csrf_token, login


def test_a_check_that_never_ends_is_stopped():
    [result] = checks.run_snippet("while True:\n    pass", [{}], timeout=1)
    assert result["kind"] == "error" and "timed out" in result["error"]


def test_a_check_runs_under_a_memory_limit():
    [result] = checks.run_snippet("import resource\nprint(resource.getrlimit(resource.RLIMIT_AS)[0])", [{}],
                                  timeout=30)
    assert result["kind"] == "stdout", result
    limit = int(result["text"])
    assert limit != resource.RLIM_INFINITY and 0 < limit <= checks.MEMORY_LIMIT_BYTES


def test_a_check_does_not_see_the_apps_secrets(monkeypatch):
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "the-real-secret")
    monkeypatch.setenv("QUIZAPP_DATABASE_URL", "postgresql://quizapp:hunter2@db/quizapp")
    code = "import os\nprint(sorted(k for k, v in os.environ.items() if k.startswith('QUIZAPP') or 'hunter2' in v))"
    [result] = checks.run_snippet(code, [{}], timeout=30)
    assert result["kind"] == "stdout", result
    assert result["text"] == "[]", f"a check can read {result['text']} from its environment"


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
    (the keys of parameterised items are computed by `quizapp bank import`, from the CLI)."""
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
    token = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    teacher.post(f"/instructor/upload/{token}/publish", data={"csrf_token": csrf_token(review.text)})
    assert not marker.exists(), ("POST /instructor/upload/<token>/publish ran the uploaded check code inside the "
                                 "web request")
