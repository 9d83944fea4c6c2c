"""Run the test suite a second time against PostgreSQL, in a database made for the run.

`make test` calls this after the SQLite pass. Without a server at QUIZAPP_TEST_POSTGRES
(default postgresql://postgres@127.0.0.1:5432/postgres) it says so and exits 0, except under
CI=true, where the production database must be tested for real.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys

import psycopg

ADMIN_URL = os.environ.get("QUIZAPP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def main() -> int:
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}".strip())
        if os.environ.get("CI"):
            return 1
        print("Skipped the PostgreSQL pass (it runs in CI).")
        return 0
    name = f"quizapp_suite_{secrets.token_hex(4)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    print(f"PostgreSQL pass in database {name}")
    try:
        # e2e tests use their own SQLite file; postgres-marked tests make their own databases already;
        # the plain-install test uses its own SQLite file too
        return subprocess.call([sys.executable, "-m", "pytest", "-m", "not e2e and not postgres and not install", *sys.argv[1:]],
                               env={**os.environ, "QUIZAPP_TEST_DATABASE_URL": url})
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
