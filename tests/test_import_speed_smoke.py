"""Smoke run of the import benchmark (bench/import_speed.py) at 300 questions: its generated bank
validates, the import path writes every question once, and a second import changes nothing.
No timing is asserted here; the ratio is the benchmark's job (bench/README.md)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quizapp.bank.loader import load_bank
from quizapp.extensions import db
from quizapp.models import Question, QuestionSkill, QuestionVersion
from tests.helpers import TEST_DATABASE_URL, load_bench, make_app

QUESTIONS = 300


@pytest.fixture(scope="module")
def bench():
    return load_bench("import_speed")


@pytest.fixture
def generated(bench, tmp_path):
    root = tmp_path / "questions"
    bench.generate_bank(root, QUESTIONS, files=6)
    return root


def _counts():
    def count(model):
        return db.session.scalar(select(func.count()).select_from(model))
    return count(Question), count(QuestionVersion), count(QuestionSkill)


def test_generated_bank_is_valid_and_realistic(generated):
    bank = load_bank(generated)
    assert bank.ok, [str(i) for i in bank.issues[:5]]
    assert len(bank.questions) == QUESTIONS and len(bank.files) == 6
    assert {q.qtype for q in bank.questions} == {"single", "multiple", "true_false", "numeric", "short"}
    assert not any(q.definition.get("params") for q in bank.questions)
    assert any(len(q.skills) > 1 for q in bank.questions)


def test_import_then_reimport(bench, generated, tmp_path):
    app = make_app(tmp_path, generated)
    with app.app_context():
        db.create_all()
        try:
            counts, _, _ = bench.import_bank(generated)
            assert counts.get("q_added") == QUESTIONS and not counts.get("q_new_version")
            questions, versions, skill_rows = _counts()
            bank = load_bank(generated)
            assert (questions, versions) == (QUESTIONS, QUESTIONS)
            assert skill_rows == sum(len(q.skills) for q in bank.questions)
            # every question points at its one version, whose skill rows match the file
            rows = db.session.execute(select(Question.id, QuestionVersion.content_hash, QuestionVersion.skills)
                                      .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)).all()
            assert {r.id: (r.content_hash, tuple(r.skills)) for r in rows} == {
                q.id: (q.content_hash, q.skills) for q in bank.questions}

            db.session.remove()
            again, _, _ = bench.import_bank(generated)
            assert again.get("q_unchanged") == QUESTIONS
            assert not any(again.get(k) for k in ("q_added", "q_new_version", "q_retired", "q_restored", "catalogue_changed"))
            assert _counts() == (questions, versions, skill_rows)
        finally:
            db.session.remove()
            db.drop_all()


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="the benchmark makes its own SQLite databases")
def test_benchmark_runs_end_to_end(bench, tmp_path, capsys):
    result = bench.measure(QUESTIONS, 3, 1, None, tmp_path)
    assert result["import_counts"]["q_added"] == QUESTIONS
    assert result["reimport_counts"]["q_unchanged"] == QUESTIONS
    bench.report(result)
    out = capsys.readouterr().out
    assert "ratio (b)/(a)" in out and "re-import" in out
