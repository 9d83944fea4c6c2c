"""Single statements outside the ORM session, for the paths every learner hits.

Who is signed in (every page) and an attempt's slots (every question page) are each one SELECT,
and an answer is one UPDATE (attempts.save_answer): each is consistent on its own and needs no
transaction around it. On PostgreSQL they run on one autocommit psycopg connection per process
(DriverConnection): no BEGIN, COMMIT or ROLLBACK round trips, no ORM objects, and none of
SQLAlchemy's per-execution layers (pool checkout, execution context, result wrapping), which cost
more than the statement itself (the question page's read, timed in-process: 0.56 ms of CPU through
SQLAlchemy Core against 0.15 ms on the driver). SQLAlchemy still builds and compiles each statement, once. SQLite, the
embedded single-process default, runs them in the request's session: its in-memory test database
is one shared connection that must not change transaction mode under the session.
"""
from __future__ import annotations

import os
import threading
import weakref
from typing import Any, Callable

from psycopg import OperationalError
from psycopg.rows import namedtuple_row
from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

from ..extensions import db

Row = Any  # a SQLAlchemy Row on SQLite, a named tuple on PostgreSQL: both read by name or position


def read_rows(statement: Executable, params: dict) -> list[Row]:
    """Every row of one SELECT, read outside the session's transaction where the database allows."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        return db.session.execute(statement, params).all()
    return driver_connection(engine).read(statement, params)


def write_alone(statement: Executable, params: dict, applied: Callable[[], bool] | None = None) -> int:
    """Run one data-changing statement as its own transaction, committed when this returns, and say
    how many rows it changed. Not on SQLite (see above): there, write in the session.

    `applied`, for a statement that changes one row, says whether that change is in the database
    (a one-time token it wrote, say). When the connection is lost during the statement, it may or
    may not have committed: with `applied`, it is asked on a new connection and the statement runs
    again only if it had not; without, the error is raised (running it blindly twice is not safe)."""
    return driver_connection(db.engine).write(statement, params, applied)


def connection_lost(error: BaseException) -> bool:
    """Whether a database error is about the connection, not the statement: the server went away,
    is restarting, or cannot be reached (SQLSTATE class 08 and 57P, or a client-side failure with
    no SQLSTATE). A cancelled or failing statement is not."""
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or connection_lost(error.orig)
    if not isinstance(error, OperationalError):
        return False
    return error.sqlstate is None or error.sqlstate.startswith(("08", "57P"))


class DriverConnection:
    """One autocommit psycopg connection of an engine, for this process.

    It is made the way the engine makes its own (the dialect's set-up and any connect events) and
    then detached from the pool. It reconnects when the server dropped it; a read is retried once
    on the new connection, a write only when its caller can tell whether it ran (write_alone). It
    closes with the engine (Engine.dispose), and a forked child never uses or closes its parent's
    (see _forget_on_fork).
    psycopg connections are thread-safe, so the threaded development server shares it too.
    """

    def __init__(self, engine: Engine):
        self._engine = weakref.ref(engine)
        self._dialect = engine.dialect
        self._lock = threading.Lock()
        self._connection = None
        self._statements: dict[Executable, _Compiled] = {}
        event.listen(engine, "engine_disposed", self._on_dispose)

    def read(self, statement: Executable, params: dict) -> list[Row]:
        sql, parameters = self._compiled(statement).render(params)
        connection = self._open()
        try:
            return self._fetch(connection, sql, parameters)
        except OperationalError:
            if not connection.closed:  # a failed statement, not a lost connection
                raise
        return self._fetch(self._open(), sql, parameters)  # once more, on a new connection

    def _fetch(self, connection, sql: str, parameters: dict) -> list[Row]:
        with connection.cursor(row_factory=namedtuple_row) as cursor:
            self.execute(cursor, sql, parameters)
            return cursor.fetchall()

    def write(self, statement: Executable, params: dict, applied: Callable[[], bool] | None = None) -> int:
        sql, parameters = self._compiled(statement).render(params)
        connection = self._open()
        try:
            return self._change(connection, sql, parameters)
        except OperationalError:
            if applied is None or not connection.closed:  # no way to tell whether it ran, or not a lost connection
                raise
        if applied():  # committed before the connection went: its reply was lost, not the change
            return 1
        return self._change(self._open(), sql, parameters)

    def _change(self, connection, sql: str, parameters: dict) -> int:
        with connection.cursor() as cursor:
            self.execute(cursor, sql, parameters)
            return cursor.rowcount

    @staticmethod
    def execute(cursor, sql: str, parameters: dict) -> None:
        """Where every statement of a DriverConnection goes to the server (tests count them here)."""
        cursor.execute(sql, parameters)

    def close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _on_dispose(self, engine: Engine) -> None:
        self.close()

    def _open(self):
        connection = self._connection
        if connection is not None and not connection.closed:
            return connection
        with self._lock:
            if self._connection is None or self._connection.closed:
                engine = self._engine()
                if engine is None:
                    raise RuntimeError("the engine of this connection is gone")
                pooled = engine.raw_connection()
                connection = pooled.driver_connection
                pooled.detach()  # ours from now on: the pool makes itself another one when it needs it
                connection.autocommit = True
                self._connection = connection
            return self._connection

    def _compiled(self, statement: Executable) -> _Compiled:
        compiled = self._statements.get(statement)
        if compiled is None:
            compiled = self._statements[statement] = _Compiled(statement, self._dialect)
        return compiled


class _Compiled:
    """A statement compiled once for the driver: its SQL and how each parameter is turned into what
    the driver sends (the type's bind processor: JSON to text, for example)."""

    def __init__(self, statement: Executable, dialect):
        self.compiled = statement.compile(dialect=dialect)
        self.sql = str(self.compiled)
        self.processors: dict[str, Callable] = {}
        for bind, name in self.compiled.bind_names.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.processors[name] = processor

    def render(self, params: dict) -> tuple[str, dict]:
        values = self.compiled.construct_params(params)
        for name, processor in self.processors.items():
            if name in values:  # None too, as SQLAlchemy does (JSON stores None as 'null')
                values[name] = processor(values[name])
        return self.sql, values


_connections: weakref.WeakKeyDictionary[Engine, DriverConnection] = weakref.WeakKeyDictionary()
_connections_lock = threading.Lock()
_inherited: list = []  # a forked child's copies of its parent's connections: kept, never closed


def driver_connection(engine: Engine) -> DriverConnection:
    """The engine's DriverConnection in this process, made on first use."""
    found = _connections.get(engine)
    if found is None:
        with _connections_lock:
            found = _connections.get(engine)
            if found is None:
                found = _connections[engine] = DriverConnection(engine)
    return found


def _forget_on_fork() -> None:
    """In a forked child (gunicorn's workers), drop the parent's connections without closing them:
    closing would end the parent's session on the server, as both share the socket."""
    for driver in list(_connections.values()):
        driver._lock = threading.Lock()  # the parent may have held it when it forked
        if driver._connection is not None:
            _inherited.append(driver._connection)
            driver._connection = None


os.register_at_fork(after_in_child=_forget_on_fork)
