"""flaskr-style fixtures: app, client, runner, auth; CSRF stays on (tokens come from pages)."""
from __future__ import annotations

import pytest

from quizapp.extensions import db
from tests.helpers import AuthActions, Learner, dispose_apps, make_app, with_fixture_bank


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Close every database connection a test's apps opened (PostgreSQL runs out of connections otherwise),
    after every fixture's teardown: an autouse fixture would be torn down before an `app` that a plugin's
    autouse fixture (pytest-flask's) set up first, whose own teardown (drop_all) then opened a connection
    that stayed open."""
    yield
    dispose_apps()


@pytest.fixture
def app(tmp_path):
    app = with_fixture_bank(make_app(tmp_path))
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


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def learner(client):
    return Learner(client)


@pytest.fixture(autouse=True)
def _push_request_context():
    """Override pytest-flask's fixture of this name, which pushes one request context for the
    whole test: every client request would then share its `g`, so the user one test client
    logged in would leak into another client's requests. Tests push contexts themselves."""
    yield
