"""Single-statement reads outside the ORM session, for the paths every learner hits.

Who is signed in (every page) and an attempt's slots (every question page) are each one SELECT,
which is consistent on its own and needs no transaction. On PostgreSQL they run on an autocommit
connection: no BEGIN and ROLLBACK round trips and no ORM objects, which were most of the question
page's database cost (bench/throughput.py). SQLite, the embedded single-process default, runs them
in the request's session: its in-memory test database is one shared connection that must not
change transaction mode under the session.
"""
from __future__ import annotations

import weakref

from sqlalchemy import Engine
from sqlalchemy.engine import Row
from sqlalchemy.sql import Select

from .extensions import db

# One autocommit view per engine (it shares the engine's pool); built once, not per request.
_autocommit_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def read_rows(statement: Select, params: dict) -> list[Row]:
    """Every row of one SELECT, read outside the session's transaction where the database allows."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        return db.session.execute(statement, params).all()
    autocommit = _autocommit_engines.get(engine)
    if autocommit is None:
        autocommit = _autocommit_engines[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as connection:
        return connection.execute(statement, params).all()
