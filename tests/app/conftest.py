"""Fixtures for the app tests."""
from __future__ import annotations

import shutil

import pytest

from quizapp.bank.loader import load_bank
from quizapp.bank.sync import sync_bank
from quizapp.config import PROJECT_ROOT
from quizapp.extensions import db
from quizapp.models import User
from tests.helpers import FIXTURE_BANK, TEST_DATABASE_URL, logged_in, make_app, new_postgres_database, with_fixture_bank


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app_on_each_database(request, tmp_path):
    """The app with the fixture bank on SQLite and on PostgreSQL: for code with a branch per database
    (answer saving writes in one statement on PostgreSQL), so that both branches are tested, also
    under `make mutation`, which runs on SQLite otherwise."""
    if request.param == "sqlite":
        yield request.getfixturevalue("app")
        return
    with new_postgres_database() as url:
        app = with_fixture_bank(make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url))
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def pg_app(tmp_path):
    """An app on a PostgreSQL database of its own, with the tables and no questions."""
    with new_postgres_database() as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            db.create_all()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- the instructor pages (test_instructor.py, test_cohort_sharing.py) ---------------------------

@pytest.fixture
def instructor_bank_dir(tmp_path):
    """A copy of the fixture bank that the instructor app serves and publishes into."""
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    return root


@pytest.fixture
def instructor_app(tmp_path, instructor_bank_dir):
    """The app over instructor_bank_dir with two instructors (teach@, other@) and a learner (learn@)."""
    app = make_app(tmp_path, instructor_bank_dir)
    with app.app_context():
        db.create_all()
        sync_bank(db.session, load_bank(instructor_bank_dir))
        for email, role in (("teach@example.org", "instructor"), ("learn@example.org", "learner"),
                            ("other@example.org", "instructor")):
            user = User(email=email, display_name=email.split("@")[0], role=role)
            user.set_password("correct horse battery")
            db.session.add(user)
        db.session.commit()
    yield app
    with app.app_context():
        db.drop_all()


@pytest.fixture
def teacher(instructor_app):
    """A client of instructor_app logged in as the instructor teach@example.org."""
    return logged_in(instructor_app, "teach@example.org")


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    """The shipped bank, imported as an operator does (`quizapp bank import`: parameterised keys computed), on the
    run's database (SQLite in a file by default)."""
    path = tmp_path_factory.mktemp("real")
    database = {} if TEST_DATABASE_URL else {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path / 'real.sqlite'}"}
    app = make_app(path, PROJECT_ROOT / "questions", **database)
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["bank", "import"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
