"""Parameterised questions end to end: keys computed at import, one variant per attempt."""
import re
import shutil

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AttemptItem, Question
from tests.conftest import FIXTURE_BANK, Learner, make_app

PARAM_FILE = """\
skill: t.math
questions:
  - id: t-param
    type: numeric
    difficulty: 3
    params:
      n: [2, 3, 4]
      m: [5, 7]
    prompt: What is {{n}} times {{m}}?
    check:
      python: n * m
    explanation: '{{n}} × {{m}} = the product.'
    references: [https://example.org/times]
"""


@pytest.fixture
def param_app(tmp_path):
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    shutil.rmtree(root / "topics")
    (root / "topics").mkdir()
    (root / "topics" / "params.yaml").write_text(PARAM_FILE)
    (root / "assessments.yaml").write_text(
        "assessments:\n  - {id: p, name: Params, role: tester, skills: [t.math], questions: 1, mode: practice}\n")
    app = make_app(tmp_path, root)
    with app.app_context():
        db.create_all()
    yield app, root
    with app.app_context():
        db.drop_all()


def test_import_computes_every_variant(param_app):
    app, _ = param_app
    result = app.test_cli_runner().invoke(args=["bank", "import"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        variants = db.session.get(Question, "t-param").current_version.definition["variants"]
    assert [(v["params"], v["key"]) for v in variants] == [
        ({"n": 2, "m": 5}, 10), ({"n": 2, "m": 7}, 14), ({"n": 3, "m": 5}, 15), ({"n": 3, "m": 7}, 21),
        ({"n": 4, "m": 5}, 20), ({"n": 4, "m": 7}, 28)]


def test_attempt_shows_its_variant_and_grades_against_its_key(param_app):
    app, _ = param_app
    app.test_cli_runner().invoke(args=["bank", "import"])
    client = app.test_client()
    learner = Learner(client)
    learner.start("p", mode="practice")
    page = client.get(learner.url(1)).text
    n, m = map(int, re.search(r"What is (\d) times (\d)\?", page).groups())
    learner.answer(1, str(n * m), action="check")
    with app.app_context():
        item = db.session.scalar(select(AttemptItem))
        assert item.variant is not None and item.state == "correct"
    assert "Correct." in client.get(learner.url(1)).text and f"{n} × {m}" in client.get(learner.url(1)).text


def test_a_broken_generator_imports_nothing(param_app):
    app, root = param_app
    (root / "topics" / "params.yaml").write_text(PARAM_FILE.replace("python: n * m", "python: n / (m - 5)"))
    result = app.test_cli_runner().invoke(args=["bank", "import"])
    assert result.exit_code == 1
    assert "params.yaml:3: q 't-param': check raised ZeroDivisionError" in result.output
    assert "nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalar(select(Question)) is None


def test_verify_command_reports_mismatches(param_app):
    app, root = param_app
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["bank", "verify"])
    assert ok.exit_code == 0 and "verified 1 keys (6 parameter combinations), failed 0" in ok.output
    (root / "topics" / "wrong.yaml").write_text(
        "skill: t.math\nquestions:\n  - id: t-wrong\n    type: numeric\n    difficulty: 1\n    prompt: 2 + 2?\n"
        "    answer: 5\n    check: {python: '2 + 2'}\n    explanation: Four.\n    references: [https://example.org]\n")
    bad = runner.invoke(args=["bank", "verify"])
    assert bad.exit_code == 1
    assert "wrong.yaml:3: q 't-wrong': check gave 4, the key is 5" in bad.output
