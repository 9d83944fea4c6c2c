"""A database that cannot be reached: pages say 503 with Retry-After, as /healthz does, not 500."""
import pytest

from tests.helpers import make_app

pytest.importorskip("psycopg")

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/quizapp?connect_timeout=2"  # nothing listens on port 1


@pytest.fixture
def down_app(tmp_path):
    return make_app(tmp_path, SQLALCHEMY_DATABASE_URI=UNREACHABLE)


def test_pages_say_503_when_the_database_cannot_be_reached(down_app):
    client = down_app.test_client()
    response = client.get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "The database is not answering" in response.text
    assert client.get("/healthz").status_code == 503


def test_other_database_errors_are_still_500(tmp_path):
    """A statement the database rejects is a bug, not an outage: the 503 page must not hide it."""
    from sqlalchemy import text

    from quizapp.extensions import db

    app = make_app(tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/broken")
    def broken():
        db.session.execute(text("SELECT * FROM no_such_table"))

    response = app.test_client().get("/broken")
    assert response.status_code == 500 and "Something went wrong" in response.text
