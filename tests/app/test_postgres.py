"""The same import and learner loop against a real PostgreSQL (the production database).

Each run creates its own database and drops it afterwards. Skipped locally when no server
listens on 127.0.0.1:5432; in CI (CI=true) a missing server is a failure, not a skip.
"""
import pytest
from sqlalchemy import event, func, select

from quizapp.bank.loader import load_bank
from quizapp.bank.sync import sync_bank
from quizapp.extensions import db
from quizapp.models import Attempt, SkillResult
from tests.helpers import FIXTURE_BANK, Learner, csrf_token, items_of, right_answer

pytestmark = pytest.mark.postgres
pytest.importorskip("psycopg")


def test_migrations_build_the_model_schema_on_postgres(pg_app):
    with pg_app.app_context():
        db.drop_all()
    runner = pg_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output  # `db check` fails when the models and migrations differ
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0


def test_import_is_idempotent_on_postgres(pg_app):
    with pg_app.app_context():
        report = sync_bank(db.session, load_bank(FIXTURE_BANK))
        db.session.commit()
        assert report.counts["q_added"] == 6
        writes = []

        @event.listens_for(db.engine, "before_cursor_execute")
        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                writes.append(statement)
        report = sync_bank(db.session, load_bank(FIXTURE_BANK))
        db.session.commit()
        event.remove(db.engine, "before_cursor_execute", count)
        assert report.counts["q_unchanged"] == 6 and writes == []


def test_walkthrough_on_postgres(pg_app):
    with pg_app.app_context():
        sync_bank(db.session, load_bank(FIXTURE_BANK))
        db.session.commit()
    client = pg_app.test_client()
    learner = Learner(client)
    learner.start()
    for position, definition, _ in items_of(pg_app, learner.public_id):
        assert learner.answer(position, right_answer(definition)).status_code == 303
    token = csrf_token(client.get(f"/attempt/{learner.public_id}/submit").text)
    for _ in range(2):  # a double click: still one result
        assert client.post(f"/attempt/{learner.public_id}/submit", data={"csrf_token": token}).status_code == 303
    data = client.get(f"/report/{learner.public_id}.json").json
    assert data["correct"] == 5
    with pg_app.app_context():
        attempt = db.session.scalar(select(Attempt))
        n = db.session.scalar(select(func.count()).select_from(SkillResult).where(SkillResult.attempt_id == attempt.id))
        assert n == len(data["skills"])
