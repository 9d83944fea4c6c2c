"""reads.DriverConnection: PostgreSQL's hot statements on one autocommit psycopg connection per process.

What it returns and stores must be what SQLAlchemy would have returned and stored, and it must
survive what a long-running worker meets: the server dropping the connection, the engine being
disposed, gunicorn forking workers from a master that already connected.
"""
import os
import re

import psycopg
import pytest
from sqlalchemy import bindparam, select, text, update

from quizapp.bank.loader import load_bank
from quizapp.bank.sync import sync_bank
from quizapp.extensions import db
from quizapp.hotpath.attempt_page import _PAGE_FOR_USER
from quizapp.hotpath.identity import _SIGNED_IN_USER
from quizapp.hotpath.reads import DriverConnection, driver_connection, read_rows, write_alone
from quizapp.models import Attempt, AttemptItem, User
from tests.helpers import FIXTURE_BANK, AuthActions, Learner, csrf_token, items_of, right_answer

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_learner(pg_app):
    """A signed-in learner with an attempt started on PostgreSQL."""
    with pg_app.app_context():
        sync_bank(db.session, load_bank(FIXTURE_BANK))
        db.session.commit()
    client = pg_app.test_client()
    AuthActions(client).register()
    learner = Learner(client)
    learner.start()
    return learner


@pytest.fixture
def started(pg_app, pg_learner):
    """A signed-in learner with two questions answered."""
    learner = pg_learner
    for position, definition, _ in items_of(pg_app, learner.public_id)[:2]:
        assert learner.answer(position, right_answer(definition)).status_code == 303
    with pg_app.app_context():
        attempt = db.session.scalar(select(Attempt))
    return pg_app, attempt


def test_reads_give_what_sqlalchemy_gives(started):
    app, attempt = started
    with app.test_request_context():
        for statement, params in ((_PAGE_FOR_USER, {"public_id": attempt.public_id, "position": 1,
                                                    "user_id": attempt.user_id}),
                                  (_SIGNED_IN_USER, {"user_id": attempt.user_id})):
            through_driver = read_rows(statement, params)
            through_sqlalchemy = db.session.execute(statement, params).all()
            assert through_driver and [tuple(r) for r in through_driver] == [tuple(r) for r in through_sqlalchemy]
            assert [r._asdict() for r in through_driver] == [dict(r._mapping) for r in through_sqlalchemy]
        shown = next(r for r in read_rows(_PAGE_FOR_USER, {"public_id": attempt.public_id, "position": 1,
                                                          "user_id": attempt.user_id}) if r.position == 1)
        assert isinstance(shown.response, dict)  # JSON, decoded (position 1 was answered)


def test_writes_store_what_sqlalchemy_stores(started):
    """Parameters pass through the types' bind processors: a dict becomes JSON, and None becomes
    JSON null (SQLAlchemy's JSON default), not SQL NULL."""
    app, attempt = started
    statement = (update(AttemptItem).where(AttemptItem.id == bindparam("slot"))
                 .values(response=bindparam("new_response"), flagged=bindparam("new_flagged")))
    with app.test_request_context():
        first, second, third, fourth = db.session.scalars(
            select(AttemptItem.id).where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)).all()[:4]
        for value, driver_slot, orm_slot in (({"choice": [1, 2], "text": "é"}, first, second), (None, third, fourth)):
            assert write_alone(statement, {"slot": driver_slot, "new_response": value, "new_flagged": True}) == 1
            db.session.execute(statement, {"slot": orm_slot, "new_response": value, "new_flagged": True})
            db.session.commit()
            stored = dict(db.session.execute(text(
                "SELECT id, response::text || ' ' || (response IS NULL)::text || ' ' || flagged::text "
                "FROM attempt_item WHERE id IN (:a, :b)"), {"a": driver_slot, "b": orm_slot}).all())
            assert stored[driver_slot] == stored[orm_slot]
        assert write_alone(statement, {"slot": -1, "new_response": None, "new_flagged": False}) == 0


def _backend_pid(engine) -> int:
    return driver_connection(engine)._open().info.backend_pid


def test_a_dropped_connection_is_replaced_and_the_read_retried(started):
    app, attempt = started
    with app.test_request_context():
        engine = db.engine
        assert read_rows(_SIGNED_IN_USER, {"user_id": attempt.user_id})
        dropped = _backend_pid(engine)
        db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
        db.session.commit()
        assert read_rows(_SIGNED_IN_USER, {"user_id": attempt.user_id})[0].id == attempt.user_id
        assert _backend_pid(engine) != dropped


def test_it_closes_with_the_engine(started):
    app, attempt = started
    with app.test_request_context():
        read_rows(_SIGNED_IN_USER, {"user_id": attempt.user_id})
        connection = driver_connection(db.engine)._open()
        db.engine.dispose()
        assert connection.closed
        assert read_rows(_SIGNED_IN_USER, {"user_id": attempt.user_id})  # and opens again when asked


def test_a_forked_child_neither_uses_nor_closes_its_parents_connection(started):
    """gunicorn forks its workers from a master that may have connected (preload_app)."""
    app, attempt = started
    with app.test_request_context():
        read_rows(_SIGNED_IN_USER, {"user_id": attempt.user_id})
        parent = _backend_pid(db.engine)
        child = os.fork()
        if child == 0:  # the child: its own connection, then exit without running pytest's teardown
            ok = False
            try:
                ok = read_rows(_SIGNED_IN_USER, {"user_id": attempt.user_id}) and _backend_pid(db.engine) != parent
            finally:
                os._exit(0 if ok else 1)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert read_rows(_SIGNED_IN_USER, {"user_id": attempt.user_id})
        assert _backend_pid(db.engine) == parent  # still the same, still open
        assert db.session.scalar(select(User.id)) == attempt.user_id


# --- an answer when the connection is lost --------------------------------------------------------

def _server(app):
    """A connection of the test's own to its database, for doing what a server restart would do."""
    return psycopg.connect(app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", ""), autocommit=True)


def _answer_form(learner, position: int, definition: dict) -> dict:
    page = learner.client.get(learner.url(position)).text
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    return {"csrf_token": csrf_token(page), "action": "save", "answer": right_answer(definition), "token": token}


def _stored(app, public_id: str, position: int):
    with app.app_context():
        return db.session.execute(select(AttemptItem.last_token, AttemptItem.credit).join(Attempt).where(
            Attempt.public_id == public_id, AttemptItem.position == position)).one()


def _lose_the_connection_at_the_answer(monkeypatch, app, *, after: bool, cancelled: bool = False) -> list[str]:
    """Make the answer's UPDATE lose its connection: before it reaches the server (the backend is
    terminated), or after it committed (the reply is lost); or, `cancelled`, fail on a connection
    that stays open (a statement timeout). Returns every statement sent."""
    sent, real = [], DriverConnection.execute

    def execute(cursor, sql, parameters):
        sent.append(sql)
        if not sql.startswith("WITH open_attempt") or sum(s.startswith("WITH open_attempt") for s in sent) > 1:
            return real(cursor, sql, parameters)
        if cancelled:
            raise psycopg.errors.QueryCanceled("canceling statement due to statement timeout")
        if after:
            real(cursor, sql, parameters)
            cursor.connection.close()
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        with _server(app) as server:
            server.execute("SELECT pg_terminate_backend(%s)", (cursor.connection.info.backend_pid,))
        return real(cursor, sql, parameters)

    monkeypatch.setattr(DriverConnection, "execute", staticmethod(execute))
    return sent


@pytest.mark.parametrize("after", [False, True], ids=["lost before it ran", "lost after it committed"])
def test_an_answer_whose_connection_is_lost_is_stored_once(pg_app, pg_learner, monkeypatch, after):
    """A server restart or a dropped connection during the UPDATE: the token on the slot says whether
    it committed, so the learner gets the next page and the answer is written exactly once."""
    learner = pg_learner
    position, definition, _ = items_of(pg_app, learner.public_id)[0]
    form = _answer_form(learner, position, definition)
    sent = _lose_the_connection_at_the_answer(monkeypatch, pg_app, after=after)
    response = learner.client.post(learner.url(position), data=form)
    assert response.status_code == 303
    assert tuple(_stored(pg_app, learner.public_id, position)) == (form["token"], 1.0)
    updates = sum(s.startswith("WITH open_attempt") for s in sent)
    assert updates == (1 if after else 2)  # run again only when it had not committed


def test_an_answer_without_a_token_is_not_written_blindly_twice(pg_app, pg_learner, monkeypatch):
    """With no token there is no telling whether the lost UPDATE committed: the learner is told to
    try again (503, Retry-After), and the statement is not run a second time."""
    learner = pg_learner
    position, definition, _ = items_of(pg_app, learner.public_id)[0]
    form = {**_answer_form(learner, position, definition), "token": ""}
    sent = _lose_the_connection_at_the_answer(monkeypatch, pg_app, after=True)
    response = learner.client.post(learner.url(position), data=form)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Try again in a few seconds" in response.text
    assert sum(s.startswith("WITH open_attempt") for s in sent) == 1


def test_a_page_while_the_database_is_down_says_503_and_try_again(pg_app, pg_learner, monkeypatch):
    """Every statement fails as a server shutting down: a signed-in learner gets the 503 page, which
    does not need the database to show (no account menu), not a 500."""
    learner = pg_learner

    def shutting_down(cursor, sql, parameters):
        cursor.connection.close()
        raise psycopg.errors.AdminShutdown("terminating connection due to administrator command")

    monkeypatch.setattr(DriverConnection, "execute", staticmethod(shutting_down))
    response = learner.client.get(learner.url(1))
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "The database is not answering" in response.text and "Log out" not in response.text


def test_an_answer_that_failed_on_a_live_connection_is_not_run_again(pg_app, pg_learner, monkeypatch):
    """Only a lost connection leaves the outcome in doubt; any other error is the statement's own."""
    learner = pg_learner
    position, definition, _ = items_of(pg_app, learner.public_id)[0]
    form = _answer_form(learner, position, definition)
    sent = _lose_the_connection_at_the_answer(monkeypatch, pg_app, after=False, cancelled=True)
    with pytest.raises(psycopg.errors.QueryCanceled):
        learner.client.post(learner.url(position), data=form)
    assert sum(s.startswith("WITH open_attempt") for s in sent) == 1
    assert _stored(pg_app, learner.public_id, position).last_token is None


def test_pages_work_at_once_after_the_server_dropped_every_connection(pg_app, pg_learner):
    """After a database restart the pool holds dead connections; each is tested as it is checked
    out (pool_pre_ping), so no learner sees an error for it."""
    learner = pg_learner
    position, definition, _ = items_of(pg_app, learner.public_id)[0]
    assert learner.client.get(f"/attempt/{learner.public_id}/overview").status_code == 200  # pool in use
    with _server(pg_app) as server:
        dropped = server.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
    assert dropped >= 2  # the pool's connection and the driver connection
    assert learner.client.get(f"/attempt/{learner.public_id}/overview").status_code == 200
    assert learner.answer(position, right_answer(definition)).status_code == 303
