"""YAML safety: question files (and uploads) cannot expand exponentially, construct Python objects,
or crash the loader; each is refused with an issue that says why, quickly."""
from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from quizapp.bank.loader import load_bank
from quizapp.extensions import db
from tests.helpers import add_user, app_with_bank, copy_fixture_bank, csrf_token, login

VALID_QUESTION = """\
questions:
  - id: t-yaml-safe
    type: true_false
    difficulty: 1
    prompt: Safe?
    answer: true
    explanation: Yes.
    references: [https://yaml.org/]
"""


VALID_PARAMETERISED = """\
questions:
  - id: t-param
    type: numeric
    difficulty: 2
    prompt: What is 2 x {{n}}?
    params: {n: [1, 2]}
    check: {python: '{{n}} * 2'}
    explanation: Doubling.
    references: [https://example.org/]
"""


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for level in range(1, levels):
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "skill: t.basics\n" + "\n".join(lines) + "\n" + VALID_QUESTION


def load_with(tmp_path: Path, text: str | bytes):
    bank = copy_fixture_bank(tmp_path)
    path = bank / "topics" / "hostile.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    start = time.perf_counter()
    result = load_bank(bank)
    return result, time.perf_counter() - start, "topics/hostile.yaml"


def issues_for(bank, name: str) -> list[str]:
    return [str(i) for i in bank.issues if name in i.path]


def test_a_billion_laughs_file_is_refused_quickly(tmp_path):
    bank, seconds, name = load_with(tmp_path, billion_laughs())
    assert seconds < 1.0, f"load_bank took {seconds:.2f} s"
    issues = issues_for(bank, name)
    assert issues and any("alias" in i.lower() or "anchor" in i.lower() for i in issues), issues
    assert "t-yaml-safe" not in {q.id for q in bank.questions}


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:builtins.dict {{}}",
])
def test_python_tags_are_refused_and_never_run(tmp_path, tag):
    marker = tmp_path / "pwned"
    text = "skill: t.basics\nexploit: " + tag.format(marker=marker) + "\n" + VALID_QUESTION
    bank, seconds, name = load_with(tmp_path, text)
    issues = issues_for(bank, name)
    assert issues, "a file with a python/ tag was accepted"
    assert any("python" in i or "tag" in i or "constructor" in i.lower() for i in issues), issues
    assert not marker.exists(), "the tag ran a command"
    assert seconds < 1.0


HOSTILE_FILES = [
    ("deeply nested flow sequences", "questions: " + "[" * 5000 + "]" * 5000 + "\n"),
    ("deeply nested block mappings", "".join(f"{' ' * i}k{i}:\n" for i in range(1500)) + " " * 1500 + "v\n"),
    ("control characters", b"skill: t.basics\x05\nquestions: []\n"),
    ("a NUL byte", b"questions:\x00 []\n"),
    ("not UTF-8", b"questions: [\xff\xfe]\n"),
    ("a UTF-16 file", VALID_QUESTION.encode("utf-16")),
    ("a merge key into an alias", "base: &b {difficulty: 1}\nquestions:\n  - <<: *b\n    id: t-m\n"),
    # found by test_fuzz_forms.py::test_fuzz_upload (kept here so they fail deterministically)
    ("a mapping as the type", "questions:\n- id: t-x\n  type: {}\n"),
    ("a list as the type", "questions:\n- id: t-x\n  type: []\n"),
    ("a list as a parameterised check", VALID_PARAMETERISED.replace("check: {python: '{{n}} * 2'}", "check: [0]")),
]


@pytest.mark.parametrize("label, content", [pytest.param(*case, id=case[0]) for case in HOSTILE_FILES])
def test_hostile_files_give_an_issue_not_an_exception(tmp_path, label, content):
    try:
        bank, seconds, name = load_with(tmp_path, content)
    except Exception as exc:  # noqa: BLE001 - the point is that nothing escapes
        pytest.fail(f"{label}: load_bank raised {type(exc).__name__}: {str(exc)[:200]}")
    assert issues_for(bank, name), f"{label}: accepted without an issue"
    assert seconds < 2.0, f"{label}: {seconds:.2f} s"


@pytest.fixture(scope="module")
def teacher(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("yaml-uploads")
    app = app_with_bank(tmp_path, copy_fixture_bank(tmp_path))
    with app.app_context():
        add_user("yaml@example.org", "instructor")
        db.session.commit()
    return login(app, "yaml@example.org")


HOSTILE_UPLOADS = [
    ("billion laughs", billion_laughs().encode()),
    ("python tag", b"exploit: !!python/object/apply:os.system ['true']\n" + VALID_QUESTION.encode()),
    ("control characters", b"skill: t.basics\x05\nquestions: []\n"),
    ("deep nesting", ("questions: " + "[" * 5000 + "]" * 5000 + "\n").encode()),
    ("a mapping as the type", b"questions:\n- id: t-x\n  type: {}\n"),
]


@pytest.mark.parametrize("label, content", [pytest.param(*case, id=case[0]) for case in HOSTILE_UPLOADS])
def test_hostile_uploads_are_reviewed_with_an_issue(teacher, label, content):
    """The web path: upload, then the review page lists the problem (no 500, nothing published)."""
    page = teacher.get("/instructor/upload")
    start = time.perf_counter()
    response = teacher.post("/instructor/upload", data={"csrf_token": csrf_token(page.text),
                                                        "files": [(io.BytesIO(content), "hostile.yaml")]},
                            content_type="multipart/form-data")
    assert response.status_code in (303, 400), f"{label}: upload answered {response.status_code}"
    if response.status_code == 303:
        review = teacher.get(response.headers["Location"])
        assert review.status_code == 200, f"{label}: review page answered {review.status_code}"
        assert "nothing can be published" in review.text, f"{label}: the review shows no problem"
    assert time.perf_counter() - start < 3.0
