"""xAPI statements (quizapp/xapi): "answered" and "completed" reach a local recording LRS, from the
outbox, retried while the LRS refuses, times out or is down, and no learner waits on it."""
from __future__ import annotations

import base64
import json
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from quizapp.exceptions import ConfigurationError
from quizapp.extensions import db
from quizapp.models import Attempt, utcnow
from quizapp.xapi import sender
from quizapp.xapi.models import XapiStatement
from tests.helpers import TEST_DATABASE_URL, AuthActions, _answer_all_and_submit, _start, make_app, with_fixture_bank


class RecordingLrs:
    """A local LRS: records each POSTed batch; `status` (200 by default) or `delay` change its answer."""

    def __init__(self):
        self.batches: list[tuple[dict, list[dict]]] = []
        self.status, self.delay = 200, 0.0
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(lrs.delay)
                if lrs.status == 200:
                    lrs.batches.append((dict(self.headers), json.loads(body)))
                payload = json.dumps([s["id"] for s in json.loads(body)]).encode()
                try:
                    self.send_response(lrs.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the sender gave up waiting (its timeout)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def statements(self) -> list[dict]:
        return [s for _, batch in self.batches for s in batch]


@pytest.fixture
def lrs():
    server = RecordingLrs()
    yield server
    server.server.shutdown()
    server.server.server_close()


_MADE: list = []


@pytest.fixture(autouse=True)
def drop_tables_afterwards():
    """These tests make their own apps: their tables go at the end, as the `app` fixture's do."""
    yield
    sender.stop_senders()
    while _MADE:
        app = _MADE.pop()
        with app.app_context():
            db.session.remove()
            db.drop_all()


def xapi_app(tmp_path, url, **overrides):
    config = {"XAPI_URL": url, "XAPI_USERNAME": "key", "XAPI_PASSWORD": "secret", "XAPI_TIMEOUT": 2,
              "XAPI_SEND_IN_BACKGROUND": False, **overrides}
    if config["XAPI_SEND_IN_BACKGROUND"] and not TEST_DATABASE_URL:
        # the sending thread needs a database of its own connections: not the tests' one in-memory SQLite
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'xapi.db'}"
    return plain_app(tmp_path, **config)


def plain_app(tmp_path, **config):
    app = with_fixture_bank(make_app(tmp_path, **config))
    _MADE.append(app)
    return app


def take_quiz(app) -> str:
    client = app.test_client()
    public_id = _start(client, "everything")
    _answer_all_and_submit(client, public_id)
    return public_id


def send(app, now=None):
    with app.app_context():
        return sender.send_due(now=now)


def queued(app) -> list[XapiStatement]:
    with app.app_context():
        return db.session.scalars(select(XapiStatement).order_by(XapiStatement.created_at)).all()


def test_answers_and_the_submit_reach_the_lrs(tmp_path, lrs):
    app = xapi_app(tmp_path, lrs.url)
    public_id = take_quiz(app)
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        slots = len(attempt.items)
    assert send(app) == (slots + 1, 0)
    headers, _ = lrs.batches[0]
    assert headers["X-Experience-API-Version"] == "1.0.3"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"key:secret").decode()
    answered = [s for s in lrs.statements if s["verb"]["id"].endswith("/answered")]
    [completed] = [s for s in lrs.statements if s["verb"]["id"].endswith("/completed")]
    assert len(answered) == slots
    registrations = {s["context"]["registration"] for s in lrs.statements}
    assert len(registrations) == 1  # one sitting, one registration
    first = answered[0]
    assert first["actor"]["account"]["name"].startswith("guest-")
    assert public_id not in json.dumps(lrs.statements)  # neither the guest's token nor the attempt's id leaves
    assert first["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert first["object"]["definition"]["interactionType"] in {"choice", "true-false", "numeric", "fill-in",
                                                                 "sequencing", "other"}
    assert 0 <= first["result"]["score"]["scaled"] <= 1
    assert first["context"]["contextActivities"]["parent"][0]["id"].endswith("/assessments/everything")
    assert any(k.endswith("xapi/skills") and v for k, v in first["context"]["extensions"].items())
    score = completed["result"]["score"]
    assert score["max"] == slots and 0 <= score["raw"] <= slots and score["scaled"] == round(score["raw"] / slots, 4)
    [skills] = [v for k, v in completed["result"]["extensions"].items() if k.endswith("xapi/skills")]
    assert skills and {"skill", "status", "p_gap", "target"} <= set(skills[0])
    assert completed["result"]["completion"] is True and completed["result"]["duration"].startswith("PT")
    assert all(row.sent_at is not None for row in queued(app))
    assert send(app) == (0, 0)  # nothing twice


def test_a_refusing_lrs_gets_the_statements_again_later(tmp_path, lrs):
    app = xapi_app(tmp_path, lrs.url)
    take_quiz(app)
    lrs.status = 503
    sent, failed = send(app)
    assert sent == 0 and failed > 0
    rows = queued(app)
    assert all(r.sent_at is None and r.tries == 1 and "HTTP 503" in r.last_error for r in rows)
    assert send(app) == (0, 0)  # not before its pause
    lrs.status = 200
    later = utcnow() + timedelta(seconds=sender.BACKOFF + 1)
    assert send(app, now=later)[0] > 0
    assert len(lrs.statements) == min(len(rows), sender.BATCH)


def test_an_unreachable_lrs_keeps_the_statements(tmp_path):
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    down = f"http://127.0.0.1:{port.getsockname()[1]}/xapi/"
    port.close()
    app = xapi_app(tmp_path, down)
    take_quiz(app)
    assert send(app)[1] > 0
    assert all("ConnectionError" in r.last_error for r in queued(app))


def test_a_silent_lrs_costs_the_learner_nothing(tmp_path, lrs):
    lrs.delay = 3  # longer than the timeout
    app = xapi_app(tmp_path, lrs.url, XAPI_SEND_IN_BACKGROUND=True)
    started = time.monotonic()
    take_quiz(app)  # answers and a submit while the sender waits on the LRS
    assert time.monotonic() - started < 30
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any("Timeout" in r.last_error for r in queued(app)):
        time.sleep(0.2)
    assert any("Timeout" in r.last_error for r in queued(app))


def test_after_max_tries_a_statement_is_given_up_and_counted(tmp_path, lrs):
    app = xapi_app(tmp_path, lrs.url)
    take_quiz(app)
    lrs.status = 400
    now = utcnow()
    for _ in range(sender.MAX_TRIES):
        send(app, now=now)
        now += timedelta(seconds=sender.MAX_BACKOFF + 1)
    with app.app_context():
        counts = sender.status_counts()
    assert counts["given up"] == sender.BATCH or counts["given up"] == len(queued(app))
    runner = app.test_cli_runner()
    assert "given up" in runner.invoke(args=["xapi", "status"]).output


def test_the_background_sender_sends_without_being_asked(tmp_path, lrs):
    app = xapi_app(tmp_path, lrs.url, XAPI_SEND_IN_BACKGROUND=True)
    take_quiz(app)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(s["verb"]["id"].endswith("/completed") for s in lrs.statements):
        time.sleep(0.1)
    assert any(s["verb"]["id"].endswith("/completed") for s in lrs.statements)


def test_the_send_command_empties_the_outbox(tmp_path, lrs):
    app = xapi_app(tmp_path, lrs.url)
    take_quiz(app)
    result = app.test_cli_runner().invoke(args=["xapi", "send"])
    assert result.exit_code == 0 and "Sent" in result.output
    with app.app_context():
        assert sender.status_counts()["waiting"] == 0


def test_identified_by_email_when_the_operator_chooses(tmp_path, lrs):
    app = xapi_app(tmp_path, lrs.url, XAPI_IDENTIFY="email", XAPI_ACTIVITY_BASE="https://quiz.example.org")
    client = app.test_client()
    AuthActions(client).register()
    public_id = _start(client, "everything")
    _answer_all_and_submit(client, public_id)
    send(app)
    actor = lrs.statements[0]["actor"]
    assert actor == {"objectType": "Agent", "mbox": "mailto:ada@example.org", "name": "Ada"}
    assert lrs.statements[0]["object"]["id"].startswith("https://quiz.example.org/questions/")


def test_without_an_lrs_nothing_is_queued(tmp_path):
    app = plain_app(tmp_path)
    take_quiz(app)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 0
    result = app.test_cli_runner().invoke(args=["xapi", "send"])
    assert result.exit_code != 0 and "QUIZAPP_XAPI_URL" in result.output


@pytest.mark.parametrize("overrides, message", [
    ({"XAPI_URL": "lrs.example.org/xapi"}, "QUIZAPP_XAPI_URL must be"),
    ({"XAPI_USERNAME": "key", "XAPI_PASSWORD": None}, "go together"),
    ({"XAPI_IDENTIFY": "name"}, "QUIZAPP_XAPI_IDENTIFY"),
    ({"XAPI_ACTIVITY_BASE": "quiz.example.org"}, "absolute URL"),
])
def test_a_bad_setting_stops_the_app_with_a_clear_message(tmp_path, overrides, message):
    config = {"XAPI_URL": "https://lrs.example.org/xapi/", **overrides}
    with pytest.raises(ConfigurationError, match=message):
        make_app(tmp_path, **config)
