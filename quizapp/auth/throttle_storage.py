"""A `limits` storage in the app's own database, for the form throttle where there is no Redis.

`limits` counts in memory (one count per process: 4 gunicorn workers let 4 times the limit through),
Redis, Memcached or MongoDB, but not SQL. This storage keeps one row per key (form and address) in
the throttle_count table. Every hit is one statement, atomic on SQLite and PostgreSQL alike:

    INSERT … ON CONFLICT (key) DO UPDATE SET count = count + 1 (or 1 if the window ended) RETURNING count

so every worker on every machine adds to the same count, as with Redis. A window starts at the key's
first hit and lasts the limit's period, as in limits' memory and Redis storages. Expired rows are
deleted now and then (about one hit in CLEANUP_EVERY), so the table holds recent windows only.
"""
from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..exceptions import ConfigurationError
from ..models import ThrottleCount

CLEANUP_EVERY = 200
_KEY_LENGTH = ThrottleCount.key.type.length
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}



class UnsupportedDatabase(ConfigurationError):
    """The app's database has no atomic upsert the throttle can count with (only PostgreSQL and SQLite do)."""

class DatabaseStorage(Storage):
    """Fixed-window counters in the throttle_count table of the engine `get_engine()` returns (called
    per use, inside the app context, so that forked workers use their own connections)."""

    STORAGE_SCHEME = None  # not built from a URI by limits: it needs the app's engine

    def __init__(self, get_engine: Callable[[], Engine]):
        super().__init__()
        self.get_engine = get_engine

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @staticmethod
    def row_key(key: str) -> str:
        """The key as stored: a long one (an unusual address) is hashed to fit the column."""
        if len(key) <= _KEY_LENGTH:
            return key
        return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's count in its current window (a new window if the last one ended)."""
        engine = self.get_engine()
        insert = _INSERT.get(engine.dialect.name)
        if insert is None:
            raise UnsupportedDatabase(f"the throttle's database storage supports PostgreSQL and SQLite, not "
                                      f"{engine.dialect.name}: set QUIZAPP_REDIS_URL to count in Redis instead")
        now = time.time()
        table = ThrottleCount.__table__
        ended = table.c.expires_at <= now
        statement = insert(table).values(key=self.row_key(key), count=amount, expires_at=now + expiry)
        statement = statement.on_conflict_do_update(index_elements=[table.c.key], set_={
            "count": case((ended, amount), else_=table.c.count + amount),
            "expires_at": case((ended, now + expiry), else_=table.c.expires_at),
        }).returning(table.c.count)
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                # Take SQLite's write lock before reading (waiting for it as long as the busy timeout
                # allows): a statement that reads first and then asks for the lock while another
                # connection commits gets "database is locked" at once, without waiting.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            count = connection.execute(statement).scalar_one()
            if random.randrange(CLEANUP_EVERY) == 0:  # noqa: S311  (not a secret: when to sweep)
                connection.execute(delete(table).where(table.c.expires_at <= now))
            connection.commit()
        return count

    def _row(self, key: str):
        table = ThrottleCount.__table__
        with self.get_engine().connect() as connection:
            return connection.execute(select(table.c.count, table.c.expires_at)
                                      .where(table.c.key == self.row_key(key))).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row is not None and row.expires_at > time.time() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row is not None and row.expires_at > time.time() else time.time()

    def check(self) -> bool:
        try:
            with self.get_engine().connect() as connection:
                connection.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.get_engine().begin() as connection:
            return connection.execute(delete(ThrottleCount.__table__)).rowcount

    def clear(self, key: str) -> None:
        table = ThrottleCount.__table__
        with self.get_engine().begin() as connection:
            connection.execute(delete(table).where(table.c.key == self.row_key(key)))
