"""Outgoing email: SMTP when QUIZAPP_SMTP_URL is set, otherwise each message is written to the log.

A request never waits on the mail server: `send_mail` puts the message on this process's outbox and
returns; one background thread per process (started on the first message, so after gunicorn forks a
preloaded app) hands the messages to the server one by one. A server that refuses, times out or
cannot be reached costs the request nothing: the failure is logged with the recipient and subject
and the message is dropped (the person can ask for another link).

QUIZAPP_SMTP_URL: `smtp://[user:password@]host[:port]` (STARTTLS when the server offers it,
port 25 by default, 587 usual), `smtps://…` (TLS from the start, port 465), or `smtp+plain://…`
for a local relay that must not be asked for STARTTLS (the tests' server). QUIZAPP_MAIL_FROM is the
sender address.
"""
from __future__ import annotations

import logging
import os
import queue
import smtplib
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app

from ..exceptions import ConfigurationError

log = logging.getLogger("quizapp.mail")
SCHEMES = ("smtp", "smtps", "smtp+plain")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    tls: str  # "ssl", "starttls" (when offered) or "none"
    timeout: float


def parse_smtp_url(url: str, timeout: float) -> SmtpSettings:
    """Read QUIZAPP_SMTP_URL; a ConfigurationError names what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ConfigurationError(f"QUIZAPP_SMTP_URL must look like smtp://user:password@host:587 "
                                 f"(schemes {', '.join(SCHEMES)}), not {parts.scheme or 'no scheme'}://…")
    tls = {"smtp": "starttls", "smtps": "ssl", "smtp+plain": "none"}[parts.scheme]
    try:
        port = parts.port or (465 if tls == "ssl" else 25)
    except ValueError as exc:
        raise ConfigurationError(f"QUIZAPP_SMTP_URL has an invalid port: {exc}") from exc
    return SmtpSettings(parts.hostname, port, unquote(parts.username) if parts.username else None,
                        unquote(parts.password) if parts.password else None, tls, timeout)


def deliver_smtp(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand one message to the SMTP server (raises on any failure)."""
    if settings.tls == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with server:
        if settings.tls == "starttls":
            server.ehlo()
            if server.has_extn("starttls"):
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
        if settings.username:
            server.login(settings.username, settings.password or "")
        server.send_message(message)


class Mailer:
    """This app's outbox: a queue and one sending thread per process."""

    def __init__(self, settings: SmtpSettings | None, sender: str, logger: logging.Logger):
        self.settings = settings
        self.sender = sender
        self.logger = logger
        # The last messages written to the log (development and tests read links from them).
        self.logged: deque[EmailMessage] = deque(maxlen=50)
        self._queue: queue.Queue[EmailMessage] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def send(self, to: str, subject: str, body: str) -> None:
        """Queue a plain-text message to `to`; returns at once."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        self._ensure_worker()
        self._queue.put(message)

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until every queued message was sent or given up on (tests); False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                if self._pid is not None and self._pid != os.getpid():
                    self._queue = queue.Queue()  # a forked worker: the parent's queue and thread are not ours
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="quizapp-mail", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            message = self._queue.get()
            try:
                self._deliver(message)
            except Exception:  # never let one message stop the outbox
                self.logger.exception("mail to %s could not be handled", message["To"])
            finally:
                self._queue.task_done()

    def _deliver(self, message: EmailMessage) -> None:
        if self.settings is None:
            self.logged.append(message)
            # a warning, so it shows under any log level: on a laptop (`make run`) this is how the link arrives
            self.logger.warning("mail (QUIZAPP_SMTP_URL is not set, so it is only logged):\nTo: %s\nSubject: %s\n\n%s",
                             message["To"], message["Subject"], message.get_content())
            return
        try:
            deliver_smtp(self.settings, message)
        except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, unreachable, TLS failed
            self.logger.error("mail to %s (%s) was not sent: %s: %s", message["To"], message["Subject"],
                              type(exc).__name__, exc)
        else:
            self.logger.info("mail to %s (%s) sent", message["To"], message["Subject"])


def init_mail(app: Flask) -> None:
    """Build this app's Mailer from SMTP_URL, MAIL_SENDER and MAIL_TIMEOUT."""
    url = app.config.get("SMTP_URL")
    settings = parse_smtp_url(url, float(app.config["MAIL_TIMEOUT"])) if url else None
    if settings is None and app.config.get("ENV_NAME") == "production":
        app.logger.warning("QUIZAPP_SMTP_URL is not set: emails (address confirmation, password reset) are "
                           "only written to the log")
    app.extensions["quizapp_mail"] = Mailer(settings, app.config["MAIL_SENDER"], app.logger)


def send_mail(to: str, subject: str, body: str) -> None:
    """Queue a message from the current app; the request does not wait for the server."""
    mailer: Mailer = current_app.extensions["quizapp_mail"]
    mailer.send(to, subject, body)
