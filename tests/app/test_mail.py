"""Outgoing mail: SMTP to a local server the tests start (aiosmtpd), the log when no server is set,
and a server that refuses, times out or is not there costs the request nothing (logged)."""
from __future__ import annotations

import logging
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from quizapp.exceptions import ConfigurationError
from quizapp.web.mail import parse_smtp_url
from tests.helpers import make_app


class Collect:
    """An aiosmtpd handler that keeps what it receives, or refuses every recipient."""

    def __init__(self, refuse: bool = False):
        self.refuse = refuse
        self.messages: list[tuple[list[str], str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted"



def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port, handler
    controller.stop()


@pytest.fixture
def refusing_server():
    handler = Collect(refuse=True)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port
    controller.stop()


@pytest.fixture
def silent_server():
    """Accepts connections and never says a word: the client must time out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def _mailer(tmp_path, url, timeout=5.0):
    app = make_app(tmp_path, SMTP_URL=url, MAIL_TIMEOUT=timeout, MAIL_SENDER="quizapp <noreply@example.org>")
    return app, app.extensions["quizapp_mail"]


def test_messages_reach_the_smtp_server(tmp_path, smtp_server):
    port, handler = smtp_server
    app, mailer = _mailer(tmp_path, f"smtp://127.0.0.1:{port}")
    with app.app_context():
        mailer.send("ada@example.org", "Hello", "A link: https://example.org/x")
    assert mailer.wait()
    [(recipients, content)] = handler.messages
    assert recipients == ["ada@example.org"]
    assert "Subject: Hello" in content and "From: quizapp <noreply@example.org>" in content
    assert "https://example.org/x" in content


def test_without_a_server_the_message_is_logged(tmp_path, caplog):
    """At WARNING: `make run` logs no INFO, and this is how a laptop's confirmation link reaches its user."""
    app, mailer = _mailer(tmp_path, None)
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        mailer.send("ada@example.org", "Hello", "the body")
        assert mailer.wait()
    assert "the body" in caplog.text and "ada@example.org" in caplog.text
    assert mailer.logged[-1]["Subject"] == "Hello"


def test_a_refusing_server_is_logged_and_the_next_message_still_goes(tmp_path, refusing_server, caplog):
    app, mailer = _mailer(tmp_path, f"smtp+plain://127.0.0.1:{refusing_server}")
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        mailer.send("ada@example.org", "First", "body")
        mailer.send("bob@example.org", "Second", "body")
        assert mailer.wait()
    assert "mail to ada@example.org (First) was not sent: SMTPRecipientsRefused" in caplog.text
    assert "bob@example.org (Second) was not sent" in caplog.text


def test_a_server_that_never_answers_does_not_hold_up_the_sender(tmp_path, silent_server, caplog):
    app, mailer = _mailer(tmp_path, f"smtp://127.0.0.1:{silent_server}", timeout=0.5)
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        started = time.monotonic()
        mailer.send("ada@example.org", "Hello", "body")
        assert time.monotonic() - started < 0.2  # queued, not sent in the caller's time
        assert mailer.wait()
    assert "was not sent: " in caplog.text and "timed out" in caplog.text.lower()


def test_an_unreachable_server_is_logged(tmp_path, caplog):
    app, mailer = _mailer(tmp_path, f"smtp://127.0.0.1:{_free_port()}")
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        mailer.send("ada@example.org", "Hello", "body")
        assert mailer.wait()
    assert "ConnectionRefusedError" in caplog.text


@pytest.mark.parametrize("url, message", [
    ("http://mail.example.org", "schemes smtp"),
    ("smtp://", "schemes smtp"),
    ("smtp://host:notaport", "invalid port"),
])
def test_a_bad_smtp_url_is_a_configuration_error(url, message):
    with pytest.raises(ConfigurationError, match=message):
        parse_smtp_url(url, 5)


def test_smtp_url_parts():
    settings = parse_smtp_url("smtps://me%40x.org:p%40ss@mail.example.org", 3)
    assert (settings.host, settings.port, settings.username, settings.password, settings.tls) == (
        "mail.example.org", 465, "me@x.org", "p@ss", "ssl")
    assert parse_smtp_url("smtp://mail.example.org:587", 3).tls == "starttls"
