"""Fixtures for the app tests."""
from __future__ import annotations

import pytest

from quizapp.bank.sync import sync_bank
from quizapp.extensions import db
from tests.conftest import fixture_bank, make_app
from tests.helpers import new_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app_on_each_database(request, tmp_path):
    """The app with the fixture bank on SQLite and on PostgreSQL: for code with a branch per database
    (answer saving writes in one statement on PostgreSQL), so that both branches are tested, also
    under `make mutation`, which runs on SQLite otherwise."""
    if request.param == "sqlite":
        yield request.getfixturevalue("app")
        return
    with new_postgres_database() as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            db.create_all()
            sync_bank(db.session, fixture_bank())
            db.session.commit()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
