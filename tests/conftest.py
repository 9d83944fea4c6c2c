"""flaskr-style fixtures: app, client, runner, auth; CSRF stays on (tokens come from pages)."""
from __future__ import annotations

import contextlib
import copy
import functools
import os
import re
from pathlib import Path

import pytest

from quizapp import create_app
from quizapp.bank.loader import load_bank
from quizapp.bank.sync import sync_bank
from quizapp.config import TestConfig
from quizapp.extensions import db

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_BANK = FIXTURES / "bank"
CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@functools.cache
def _parsed_fixture_bank():
    return load_bank(FIXTURE_BANK)


def fixture_bank():
    """The fixture bank, parsed once per test session (every app test imports it) and copied for each
    caller. It also keeps the loader's mutants (docs/mutation.md) to the loader's own tests: only the
    first app test of a run reaches the loader."""
    return copy.deepcopy(_parsed_fixture_bank())


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page, as a browser would send it."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


# `make test` runs the suite a second time against PostgreSQL by setting this to a fresh database.
TEST_DATABASE_URL = os.environ.get("QUIZAPP_TEST_DATABASE_URL")


@contextlib.contextmanager
def recorded_statements(app):
    """Every SQL statement the app sends while the block runs: through SQLAlchemy (its events) and
    through reads.DriverConnection (PostgreSQL's hot path, which SQLAlchemy does not see)."""
    from sqlalchemy import event

    from quizapp.hotpath import reads

    statements: list[str] = []

    def through_sqlalchemy(conn, cursor, statement, *args):
        statements.append(statement)

    def through_driver(cursor, sql, parameters):
        statements.append(sql)
        cursor.execute(sql, parameters)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", through_sqlalchemy)
    original, reads.DriverConnection.execute = vars(reads.DriverConnection)["execute"], staticmethod(through_driver)
    try:
        yield statements
    finally:
        reads.DriverConnection.execute = original
        event.remove(engine, "before_cursor_execute", through_sqlalchemy)


def make_app(tmp_path: Path, bank_dir: Path = FIXTURE_BANK, **overrides):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    if TEST_DATABASE_URL:
        config["SQLALCHEMY_DATABASE_URI"] = TEST_DATABASE_URL
    app = create_app({**config, "QUESTIONS_DIR": str(bank_dir), **overrides})
    app.instance_path = str(tmp_path)
    _APPS.append(app)
    return app


_APPS: list = []


@pytest.fixture(autouse=True)
def _dispose_engines():
    """Close every database connection a test's apps opened (PostgreSQL warns about leaks)."""
    yield
    while _APPS:
        app = _APPS.pop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        db.create_all()
        sync_bank(db.session, fixture_bank())
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def register(self, email="ada@example.org", password="correct horse battery", name="Ada"):
        page = self._client.get("/auth/register")
        return self._client.post("/auth/register", data={
            "csrf_token": csrf_token(page.text), "email": email, "display_name": name,
            "password": password, "confirm": password})

    def login(self, email="ada@example.org", password="correct horse battery"):
        page = self._client.get("/auth/login")
        return self._client.post("/auth/login", data={
            "csrf_token": csrf_token(page.text), "email": email, "password": password})

    def logout(self):
        page = self._client.get("/")
        return self._client.post("/auth/logout", data={"csrf_token": csrf_token(page.text)})


@pytest.fixture
def auth(client):
    return AuthActions(client)


class Learner:
    """Drives an attempt through the pages the way a browser does (CSRF tokens included)."""

    def __init__(self, client):
        self.client = client
        self.public_id = None

    def start(self, assessment="everything", mode="assessment", role="tester"):
        page = self.client.get(f"/attempt/new/{assessment}")
        response = self.client.post(f"/attempt/new/{assessment}", data={
            "csrf_token": csrf_token(page.text), "role": role, "mode": mode})
        assert response.status_code == 303, response.text
        self.public_id = response.headers["Location"].split("/")[2]
        return response

    def url(self, position: int) -> str:
        return f"/attempt/{self.public_id}/q/{position}"

    def answer(self, position: int, answer=None, action="next", flagged=False, confidence=None, **extra):
        page = self.client.get(self.url(position))
        data = {"csrf_token": csrf_token(page.text), "action": action, **extra}
        if confidence:
            data["confidence"] = confidence
        if answer is not None:
            data["answer"] = answer
        if flagged:
            data["flagged"] = "y"
        return self.client.post(self.url(position), data=data)

    def submit(self):
        page = self.client.get(f"/attempt/{self.public_id}/submit")
        return self.client.post(f"/attempt/{self.public_id}/submit", data={"csrf_token": csrf_token(page.text)})


@pytest.fixture
def learner(client):
    return Learner(client)


@pytest.fixture(autouse=True)
def _push_request_context():
    """Override pytest-flask's fixture of this name, which pushes one request context for the
    whole test: every client request would then share its `g`, so the user one test client
    logged in would leak into another client's requests. Tests push contexts themselves."""
    yield
