"""Single statements outside the ORM session, for the paths every learner hits.

Who is signed in (every page) and an attempt's slots (every question page) are each one SELECT,
and an answer is one UPDATE (attempts.save_answer): each is consistent on its own and needs no
transaction around it. On PostgreSQL they run on an autocommit connection: no BEGIN, COMMIT or
ROLLBACK round trips and no ORM objects, which were most of the database cost of the question page
and the answer POST (bench/throughput.py). SQLite, the embedded single-process default, runs them
in the request's session: its in-memory test database is one shared connection that must not
change transaction mode under the session.
"""
from __future__ import annotations

import weakref

from sqlalchemy import Engine
from sqlalchemy.engine import Row
from sqlalchemy.sql import Executable, Select

from .extensions import db

# One autocommit view per engine (it shares the engine's pool); built once, not per request.
_autocommit_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def read_rows(statement: Select, params: dict) -> list[Row]:
    """Every row of one SELECT, read outside the session's transaction where the database allows."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        return db.session.execute(statement, params).all()
    with _autocommit(engine).connect() as connection:
        return connection.execute(statement, params).all()


def write_alone(statement: Executable, params: dict) -> int:
    """Run one data-changing statement as its own transaction, committed when this returns, and say
    how many rows it changed. Not on SQLite (see above): there, write in the session."""
    with _autocommit(db.engine).connect() as connection:
        return connection.execute(statement, params).rowcount


def _autocommit(engine: Engine) -> Engine:
    autocommit = _autocommit_engines.get(engine)
    if autocommit is None:
        autocommit = _autocommit_engines[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return autocommit
