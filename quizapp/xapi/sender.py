"""Sending the outbox to the LRS: a background thread per process, and `quizapp xapi send`.

A statement is written to the outbox (XapiStatement) in the request that made it; the thread wakes
up when one is queued (and every POLL seconds for retries), takes the due ones in batches and POSTs
them to <QUIZAPP_XAPI_URL>/statements. Accepted (2xx), or already there (409: a resend after a lost
response): sent. Refused or unreachable: tried again after a growing pause (BACKOFF, up to an hour),
and given up after MAX_TRIES, which `quizapp xapi status` shows. Sent statements are deleted after
KEEP_SENT. Two workers never send one statement twice at once: each claims its batch by moving its
next try past the request's timeout first; a resend would be harmless anyway, the ids are fixed.
"""
from __future__ import annotations

import base64
import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from flask import Flask, current_app
from sqlalchemy import delete, func, select, update

from ..exceptions import ConfigurationError
from ..extensions import db
from ..models import utcnow
from .models import XapiStatement

log = logging.getLogger("quizapp.xapi")
BATCH = 50
MAX_TRIES = 12
BACKOFF = 30         # seconds before the first retry; doubled each time
MAX_BACKOFF = 3600
POLL = 30            # seconds between looks at the outbox when nothing woke the thread
KEEP_SENT = timedelta(days=7)


@dataclass(frozen=True)
class XapiSettings:
    url: str                 # the LRS's xAPI base, ending in "/"
    authorization: str | None
    timeout: float
    identify: str            # "account" (pseudonymous) or "email"
    site: str | None         # the activity ids' base; None: the request's own address


def read_settings(config) -> XapiSettings:
    """QUIZAPP_XAPI_URL and friends; a ConfigurationError names what is wrong."""
    url = config["XAPI_URL"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"QUIZAPP_XAPI_URL must be the LRS's xAPI address, like "
                                 f"https://lrs.example.org/xapi/, not {url!r}")
    user, password = config.get("XAPI_USERNAME"), config.get("XAPI_PASSWORD")
    if bool(user) != bool(password):
        raise ConfigurationError("QUIZAPP_XAPI_USERNAME and QUIZAPP_XAPI_PASSWORD go together (the LRS's key and secret)")
    authorization = ("Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()) if user else None
    identify = config.get("XAPI_IDENTIFY", "account")
    if identify not in ("account", "email"):
        raise ConfigurationError(f"QUIZAPP_XAPI_IDENTIFY is 'account' or 'email', not {identify!r}")
    site = config.get("XAPI_ACTIVITY_BASE")
    if site and not urlsplit(site).scheme:
        raise ConfigurationError(f"QUIZAPP_XAPI_ACTIVITY_BASE must be an absolute URL, not {site!r}")
    return XapiSettings(url.rstrip("/") + "/", authorization, float(config.get("XAPI_TIMEOUT", 10)), identify,
                        (site.rstrip("/") + "/") if site else None)


def settings() -> XapiSettings:
    return current_app.extensions["quizapp.xapi"]


def enqueue(statement: dict) -> None:
    """Put a statement in the outbox, committed, and wake this process's sender."""
    db.session.add(XapiStatement(id=statement["id"], body=statement))
    db.session.commit()
    if current_app.config.get("XAPI_SEND_IN_BACKGROUND", True):
        _sender_for(current_app._get_current_object()).wake()


def send_due(now=None, limit: int = BATCH) -> tuple[int, int]:
    """Send one batch of due statements; (sent, failed)."""
    config = settings()
    now = now or utcnow()
    ids = db.session.scalars(select(XapiStatement.id).where(XapiStatement.sent_at.is_(None),
                                                            XapiStatement.next_try_at <= now)
                             .order_by(XapiStatement.created_at).limit(limit)).all()
    if not ids:
        return 0, 0
    lease = now + timedelta(seconds=config.timeout * 2 + 5)
    claimed = db.session.execute(update(XapiStatement).where(XapiStatement.id.in_(ids), XapiStatement.sent_at.is_(None),
                                                             XapiStatement.next_try_at <= now)
                                 .values(next_try_at=lease).returning(XapiStatement.id)).scalars().all()
    db.session.commit()
    rows = db.session.scalars(select(XapiStatement).where(XapiStatement.id.in_(claimed))
                              .order_by(XapiStatement.created_at)).all()
    if not rows:
        return 0, 0
    error = _post(config, [row.body for row in rows])
    finished = utcnow()
    for row in rows:
        row.tries += 1
        if error is None:
            row.sent_at, row.last_error = finished, ""
        else:
            row.last_error = error[:300]
            row.next_try_at = (None if row.tries >= MAX_TRIES
                               else finished + timedelta(seconds=min(BACKOFF * 2 ** (row.tries - 1), MAX_BACKOFF)))
    db.session.execute(delete(XapiStatement).where(XapiStatement.sent_at < finished - KEEP_SENT))
    db.session.commit()
    if error is not None:
        log.warning("xAPI: %d statement(s) not sent, tried again later: %s", len(rows), error)
        return 0, len(rows)
    return len(rows), 0


def send_all_due() -> tuple[int, int]:
    """Send batches until nothing is due (or a batch fails: the LRS is down, no point going on)."""
    sent = failed = 0
    while True:
        s, f = send_due()
        sent, failed = sent + s, failed + f
        if f or not s:
            return sent, failed


def _post(config: XapiSettings, statements: list[dict]) -> str | None:
    """POST a batch; None when the LRS has them, else what went wrong."""
    headers = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
    if config.authorization:
        headers["Authorization"] = config.authorization
    try:
        response = requests.post(config.url + "statements", json=statements, headers=headers, timeout=config.timeout)
    except requests.RequestException as exc:
        return f"{type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300 or response.status_code == 409:
        return None
    return f"HTTP {response.status_code}: {response.text[:200]}"


def status_counts() -> dict[str, int]:
    """How many statements are waiting, given up, and sent (kept for KEEP_SENT)."""
    def count(*where):
        return db.session.scalar(select(func.count()).select_from(XapiStatement).where(*where)) or 0
    return {"waiting": count(XapiStatement.sent_at.is_(None), XapiStatement.next_try_at.is_not(None)),
            "given up": count(XapiStatement.sent_at.is_(None), XapiStatement.next_try_at.is_(None)),
            "sent": count(XapiStatement.sent_at.is_not(None))}


class _Sender:
    """This process's sending thread: started by the first statement (after gunicorn forked), it runs
    while statements wait and ends when the outbox is empty; the next statement starts it again."""

    def __init__(self, app: Flask):
        self.app, self.event, self.thread = app, threading.Event(), None
        self.lock, self.stopped = threading.Lock(), False

    def wake(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="quizapp-xapi", daemon=True)
                self.thread.start()
        self.event.set()

    def _run(self) -> None:
        while not self.stopped:
            self.event.wait(POLL)
            self.event.clear()
            if self.stopped:
                return
            with self.app.app_context():
                try:
                    send_all_due()
                    waiting = status_counts()["waiting"]
                    with self.lock:  # wake() either set the event before this, or starts a new thread after
                        if not waiting and not self.event.is_set():
                            self.thread = None
                            return
                except Exception:  # the thread must outlive a database hiccup; the outbox keeps the statements
                    db.session.rollback()
                    log.exception("xAPI: sending failed; the statements stay queued")
                finally:
                    db.session.remove()

    def stop(self) -> None:
        self.stopped = True
        self.event.set()
        if self.thread is not None:
            self.thread.join(timeout=30)


_senders: dict[int, _Sender] = {}
_senders_lock = threading.Lock()


def _sender_for(app: Flask) -> _Sender:
    with _senders_lock:
        return _senders.setdefault(id(app), _Sender(app))


def stop_senders() -> None:
    """End every sending thread of this process (the tests, before they drop their databases)."""
    with _senders_lock:
        senders = list(_senders.values())
        _senders.clear()
    for one in senders:
        one.stop()
