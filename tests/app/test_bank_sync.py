"""Import is atomic, idempotent and versioned; tested through the real CLI commands."""
import json
import shutil

import pytest
from sqlalchemy import event, func, select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, Course, Question, QuestionVersion, Skill
from tests.helpers import FIXTURE_BANK, make_app


@pytest.fixture
def bank_dir(tmp_path):
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    return root


@pytest.fixture
def empty_app(tmp_path, bank_dir):
    app = make_app(tmp_path, bank_dir)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def snapshot(app):
    """Every row of the bank tables, to prove 'nothing changed'."""
    with app.app_context():
        return {model.__name__: sorted(repr(sorted((c.name, getattr(o, c.name)) for c in model.__table__.columns))
                                       for o in db.session.scalars(select(model)))
                for model in (Question, QuestionVersion, Skill, Course)}


def test_import_then_reimport_writes_nothing(empty_app):
    first = run(empty_app, "bank", "import")
    assert first.exit_code == 0, first.output
    assert "6 added" in first.output
    writes = []
    with empty_app.app_context():
        @event.listens_for(db.engine, "before_cursor_execute")
        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                writes.append(statement)
    second = run(empty_app, "bank", "import")
    assert second.exit_code == 0, second.output
    assert "0 added, 0 new versions, 6 unchanged" in second.output
    assert writes == []


def test_malformed_file_imports_nothing(empty_app, bank_dir):
    assert run(empty_app, "bank", "import").exit_code == 0
    before = snapshot(empty_app)
    good = bank_dir / "topics" / "basics.yaml"
    good.write_text(good.read_text().replace("sum", "sum").replace("Slices include", "Slices always include"))
    (bank_dir / "topics" / "broken.yaml").write_text("skill: t.basics\nquestions:\n  - id: broken\n    type: single\n")
    result = run(empty_app, "bank", "import")
    assert result.exit_code == 1
    assert "broken.yaml:3: q 'broken': missing required key 'difficulty'" in result.output
    assert "nothing was imported" in result.output
    assert snapshot(empty_app) == before  # the valid edit in basics.yaml was not applied either


def test_edit_creates_version_and_attempts_keep_theirs(empty_app, bank_dir):
    assert run(empty_app, "bank", "import").exit_code == 0
    with empty_app.app_context():
        v1 = db.session.scalar(select(QuestionVersion).where(QuestionVersion.question_id == "t-single"))
        attempt = Attempt(public_id="p1", assessment_id="everything", role_id="tester", mode="assessment",
                          question_count=1, items=[AttemptItem(position=1, version_id=v1.id)])
        db.session.add(attempt)
        db.session.commit()
        v1_id = v1.id
    path = bank_dir / "topics" / "basics.yaml"
    path.write_text(path.read_text().replace("Slices include the start", "Slices include the start index"))
    result = run(empty_app, "bank", "import")
    assert "1 new versions, 5 unchanged" in result.output, result.output
    with empty_app.app_context():
        q = db.session.get(Question, "t-single")
        assert q.current_version.version == 2
        assert "start index" in q.current_version.definition["explanation"]
        item = db.session.scalar(select(AttemptItem))
        assert item.version_id == v1_id and item.version.version == 1
        assert "start index" not in item.version.definition["explanation"]


def test_removed_question_is_retired_and_restored(empty_app, bank_dir):
    assert run(empty_app, "bank", "import").exit_code == 0
    path = bank_dir / "topics" / "math.yaml"
    saved = path.read_text()
    path.unlink()
    result = run(empty_app, "bank", "import")
    assert "2 retired" in result.output
    with empty_app.app_context():
        assert db.session.get(Question, "t-numeric").retired is True
        assert db.session.scalar(select(func.count()).select_from(QuestionVersion)) == 6  # nothing deleted
    path.write_text(saved)
    result = run(empty_app, "bank", "import")
    assert "2 restored" in result.output
    with empty_app.app_context():
        assert db.session.get(Question, "t-numeric").retired is False
        assert db.session.get(Question, "t-numeric").current_version.version == 1


def test_validate_reports_and_exits_1(empty_app, bank_dir):
    assert run(empty_app, "bank", "validate").exit_code == 0
    bad = bank_dir / "topics" / "bad.yaml"
    bad.write_text("skill: t.basics\nquestions:\n  - id: x\n    type: numeric\n    answer: ten\n")
    result = run(empty_app, "bank", "validate")
    assert result.exit_code == 1
    assert "bad.yaml:5: q 'x': answer: must be a number, not 'ten'" in result.output
    only_good = run(empty_app, "bank", "validate", str(bank_dir / "topics" / "basics.yaml"))
    assert only_good.exit_code == 0, only_good.output


def test_stats_json(empty_app):
    result = run(empty_app, "bank", "stats", "--json")
    data = json.loads(result.output)
    assert data["questions"] == 6
    assert data["per_type"] == {"multiple": 1, "numeric": 2, "short": 1, "single": 1, "true_false": 1}
    assert data["per_area"] == {"math": 2, "python": 4}
    assert data["per_skill"] == {"t.basics": 2, "t.advanced": 2, "t.math": 2}
    assert data["per_difficulty"] == {"1": 1, "2": 1, "3": 2, "4": 1, "5": 1}


def test_stats_table(empty_app):
    result = run(empty_app, "bank", "stats")
    assert result.exit_code == 0 and "6 questions, 3 skills" in result.output and "t.advanced" in result.output
