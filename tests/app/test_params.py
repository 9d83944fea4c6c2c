"""Parameterised questions end to end: keys frozen by `bank freeze` (in the sandbox), imported
without running any code, one variant per attempt; `bank verify` catches stale frozen keys."""
import json
import re
import shutil

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AttemptItem, Question
from tests.helpers import FIXTURE_BANK, Learner, make_app

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


def freeze(app):
    result = app.test_cli_runner().invoke(args=["bank", "freeze"])
    assert result.exit_code == 0, result.output
    return result


def test_freeze_then_import_brings_every_variant(param_app):
    app, root = param_app
    assert "Froze the keys of 1 parameterised question(s) (6 combinations)" in freeze(app).output
    before = (root / "variants.json").read_bytes()
    freeze(app)
    assert (root / "variants.json").read_bytes() == before, "a re-freeze of an unchanged bank changes no byte"
    result = app.test_cli_runner().invoke(args=["bank", "import"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        variants = db.session.get(Question, "t-param").current_version.definition["variants"]
    assert [(v["params"], v["key"]) for v in variants] == [
        ({"n": 2, "m": 5}, 10), ({"n": 2, "m": 7}, 14), ({"n": 3, "m": 5}, 15), ({"n": 3, "m": 7}, 21),
        ({"n": 4, "m": 5}, 20), ({"n": 4, "m": 7}, 28)]


def test_import_runs_no_question_code(param_app, monkeypatch):
    """Import reads the frozen keys: with the sandbox and every interpreter gone, it still works."""
    app, root = param_app
    freeze(app)
    from quizapp import sandbox

    def no_code(*args, **kwargs):
        raise AssertionError("import ran question code")
    monkeypatch.setattr(sandbox, "run_python", no_code)
    result = app.test_cli_runner().invoke(args=["bank", "import"])
    assert result.exit_code == 0, result.output


def test_import_refuses_keys_frozen_for_another_version(param_app):
    app, root = param_app
    freeze(app)
    (root / "topics" / "params.yaml").write_text(PARAM_FILE.replace("m: [5, 7]", "m: [5, 8]"))
    result = app.test_cli_runner().invoke(args=["bank", "import"])
    assert result.exit_code == 1
    assert "params.yaml:3: q 't-param': its keys are not frozen for this version; run `quizapp bank freeze`" \
        in result.output and "nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalar(select(Question)) is None
    (root / "variants.json").write_text("{not json")
    result = app.test_cli_runner().invoke(args=["bank", "import"])
    assert result.exit_code == 1 and "variants.json: unreadable" in result.output


def test_only_missing_keys_are_reported_as_missing_keys_and_a_bug_propagates(param_app, monkeypatch):
    """Issue #19: a ValueError from a bug inside the import must not read as "keys not frozen"."""
    app, root = param_app
    from quizapp.bank import frozen

    missing = app.test_cli_runner().invoke(args=["bank", "import"])  # no variants.json: the real condition
    assert missing.exit_code == 1 and isinstance(missing.exception, SystemExit)
    assert "q 't-param': its keys are not frozen for this version" in missing.output
    assert "The keys of a parameterised question could not be computed; nothing was imported." in missing.output

    def buggy_lookup(root):
        def compute_variants(question):
            raise ValueError("a bug, not a missing key")
        return compute_variants
    monkeypatch.setattr(frozen, "lookup", buggy_lookup)
    bug = app.test_cli_runner().invoke(args=["bank", "import"])
    assert isinstance(bug.exception, ValueError) and str(bug.exception) == "a bug, not a missing key"
    assert "could not be computed" not in bug.output
    with app.app_context():
        assert db.session.scalar(select(Question)) is None


def test_attempt_shows_its_variant_and_grades_against_its_key(param_app):
    app, _ = param_app
    freeze(app)
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


def test_every_learner_sees_the_key_of_their_own_variant(param_app):
    """Practice feedback, the report's review and its JSON give the key computed for this learner's values,
    never "computed per variant" (a slot's definition is resolved for its variant)."""
    app, _ = param_app
    freeze(app)
    app.test_cli_runner().invoke(args=["bank", "import"])
    client = app.test_client()
    learner = Learner(client)
    learner.start("p", mode="practice")
    n, m = map(int, re.search(r"What is (\d) times (\d)\?", client.get(learner.url(1)).text).groups())
    learner.answer(1, str(n * m + 1), action="check")
    feedback = client.get(learner.url(1)).text
    assert f"Your answer: <code>{n * m + 1}</code>. Accepted: <code>{n * m}</code>." in feedback
    assert "computed" not in feedback
    learner.submit()
    assert f"Accepted: <code>{n * m}</code>." in client.get(f"/report/{learner.public_id}/review").text
    [entry] = client.get(f"/report/{learner.public_id}.json").json["review"]
    assert entry["key"] == str(n * m)


def test_a_broken_generator_freezes_nothing(param_app):
    app, root = param_app
    (root / "topics" / "params.yaml").write_text(PARAM_FILE.replace("python: n * m", "python: n / (m - 5)"))
    result = app.test_cli_runner().invoke(args=["bank", "freeze"])
    assert result.exit_code == 1
    assert "params.yaml:3: q 't-param': check raised ZeroDivisionError" in result.output
    assert "variants.json was not changed" in result.output and not (root / "variants.json").exists()


def test_verify_command_reports_mismatches(param_app):
    app, root = param_app
    runner = app.test_cli_runner()
    freeze(app)
    ok = runner.invoke(args=["bank", "verify"])
    assert ok.exit_code == 0 and "verified 1 keys (6 parameter combinations), failed 0" in ok.output
    (root / "topics" / "wrong.yaml").write_text(
        "skill: t.math\nquestions:\n  - id: t-wrong\n    type: numeric\n    difficulty: 1\n    prompt: 2 + 2?\n"
        "    answer: 5\n    check: {python: '2 + 2'}\n    explanation: Four.\n    references: [https://example.org]\n")
    bad = runner.invoke(args=["bank", "verify"])
    assert bad.exit_code == 1
    assert "wrong.yaml:3: q 't-wrong': check gave 4, the key is 5" in bad.output


def test_verify_fails_when_frozen_keys_are_missing_stale_or_wrong(param_app):
    app, root = param_app
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["bank", "verify"])
    assert missing.exit_code == 1 and "q 't-param': its keys are not frozen for this version" in missing.output
    freeze(app)
    data = json.loads((root / "variants.json").read_text())
    data["questions"]["t-param"]["variants"][0]["key"] = 11  # a hand edit, or a check that changed its mind
    (root / "variants.json").write_text(json.dumps(data))
    wrong = runner.invoke(args=["bank", "verify"])
    assert wrong.exit_code == 1 and "frozen keys out of date 1" in wrong.output
    assert "q 't-param': the keys frozen in variants.json differ from what its check computes now" in wrong.output


def test_checks_of_web_uploads_run_only_under_bubblewrap(param_app, monkeypatch):
    """A question recorded as published through the web is skipped, not run, by the fallback."""
    app, root = param_app
    from quizapp.bank import provenance

    provenance.record(root, ["t-param"], user_id=7)
    monkeypatch.setenv("QUIZAPP_SANDBOX", "fallback")
    result = app.test_cli_runner().invoke(args=["bank", "verify"])
    assert "skipped 1: published through the web: its check runs only inside bubblewrap" in result.output
    result = app.test_cli_runner().invoke(args=["bank", "freeze"])
    assert result.exit_code == 1 and not (root / "variants.json").exists()


def test_an_unreadable_upload_record_stops_the_checks_and_a_bug_propagates(param_app, monkeypatch):
    """Which checks came from the web is unknown: nothing runs. Any other ValueError is a bug, not that."""
    app, root = param_app
    from quizapp.bank import provenance

    (root / provenance.FILE_NAME).write_text("{not json")
    with pytest.raises(provenance.UnreadableRecord):
        provenance.uploaded_ids(root)
    for command in ("verify", "freeze"):
        result = app.test_cli_runner().invoke(args=["bank", command])
        assert result.exit_code == 1 and "web-uploads.json: unreadable" in result.output, result.output

    def buggy_record(root):
        raise ValueError("a bug, not an unreadable record")
    monkeypatch.setattr(provenance, "uploaded_ids", buggy_record)
    bug = app.test_cli_runner().invoke(args=["bank", "verify"])
    assert isinstance(bug.exception, ValueError) and "a bug" not in bug.output
