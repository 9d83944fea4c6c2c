"""Helpers shared by test modules (fixtures stay in conftest.py files)."""
from __future__ import annotations

import contextlib
import os
import secrets

import pytest

PG_URL = os.environ.get("QUIZAPP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def postgres_admin():
    """A connection to the PostgreSQL server's admin database; skips the test when there is no server,
    except in CI (CI=true), where the production database must be tested for real."""
    import psycopg

    try:
        return psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc}")


@contextlib.contextmanager
def new_postgres_database():
    """A database of its own for one test, dropped afterwards; yields its SQLAlchemy URL."""
    name = f"quizapp_test_{secrets.token_hex(4)}"
    with postgres_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    finally:
        with postgres_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
