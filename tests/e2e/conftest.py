"""A live server over a temporary SQLite database and Debian's Chromium, shared by the browser tests."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from quizapp.bank.loader import load_bank
from quizapp.bank.sync import sync_bank
from quizapp.extensions import db
from quizapp.models import Cohort, User
from tests.helpers import BROWSER_PASSWORD, FIXTURE_BANK, SCREENSHOTS, make_app

CHROMIUM = shutil.which("chromium")

if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Debian's chromium (see .ci/run)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium chromium-driver)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

# Generous waits: CI machines have 2 cores and the server runs in the same process as the tests.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    bank = tmp / "questions"
    shutil.copytree(FIXTURE_BANK, bank)
    app = make_app(tmp, bank, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'e2e.sqlite'}", LOGIN_RATE_LIMIT="1000 per minute")
    with app.app_context():
        db.create_all()
        sync_bank(db.session, load_bank(bank))
        for email, role in (("learner@example.org", "learner"), ("teacher@example.org", "instructor")):
            user = User(email=email, display_name=email.split("@")[0].title(), role=role)
            user.set_password(BROWSER_PASSWORD)
            db.session.add(user)
        db.session.flush()
        db.session.add(Cohort(name="Autumn cohort", join_code="JOINME23", owner_id=user.id))
        db.session.commit()
    return app


@pytest.fixture(scope="module")
def server(live_app):
    srv = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture(scope="module")
def browser():
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()
