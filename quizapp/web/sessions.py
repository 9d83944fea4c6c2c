"""Signed-in sessions, one per browser: started at login, listed on the account page, ended one by one.

Each login makes a LoginSession row (what the account page lists: browser, address, when) and a key
that goes into the login cookie and into User.session_keys, which the login check reads with the
account (hotpath/identity.py). Ending a session removes its key, so that browser's cookie, remembered
or not, no longer signs anyone in. An account keeps at most MAX_SESSIONS; a new login beyond them ends
the one least recently used. "Last active" is written at most every ACTIVITY_INTERVAL per session,
so browsing costs no write.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from flask import request, session
from flask_login import current_user, login_user
from sqlalchemy import update
from ua_parser import parse as parse_user_agent

from ..extensions import db
from ..models import LoginSession, User, utcnow

MAX_SESSIONS = 10
ACTIVITY_INTERVAL = 600  # seconds
_SEEN = "session_seen"  # in the signed session cookie: when this browser's activity was last written


def sign_in(user: User, remember: bool = False) -> None:
    """Log this browser in to `user` with a session of its own (the caller cleared the old session)."""
    key = secrets.token_hex(8)
    user.login_sessions.append(LoginSession(
        key=key, user_agent=request.user_agent.string[:300], ip=(request.remote_addr or "")[:45],
        remembered=bool(remember)))
    newest_first = sorted(user.login_sessions, key=lambda s: s.last_seen_at or utcnow(), reverse=True)
    for ended in newest_first[MAX_SESSIONS:]:  # the new one has no last_seen_at yet: it counts as now
        user.login_sessions.remove(ended)
    user.session_keys = " ".join(s.key for s in user.login_sessions)
    db.session.commit()
    user.login_key = key
    login_user(user, remember=remember)
    session[_SEEN] = int(time.time())


def end_session(user: User, key: str) -> bool:
    """End one of `user`'s sessions (the caller commits); False if it is not theirs or already over."""
    row = next((s for s in user.login_sessions if s.key == key), None)
    if row is None:
        return False
    user.login_sessions.remove(row)
    user.session_keys = " ".join(k for k in user.session_keys.split() if k != key)
    return True


def current_key() -> str:
    """This browser's session key ("" for a guest)."""
    return current_user.login_key if current_user.is_authenticated else ""


def record_activity() -> None:
    """Before each request: note that this browser's session is in use, at most every ACTIVITY_INTERVAL."""
    seen = session.get(_SEEN)
    now = int(time.time())
    if isinstance(seen, int) and now - seen < ACTIVITY_INTERVAL:
        return
    if not (request.endpoint and request.endpoint != "static" and current_user.is_authenticated):
        return
    db.session.execute(update(LoginSession).where(LoginSession.key == current_user.login_key)
                       .values(last_seen_at=utcnow()))
    db.session.commit()
    session[_SEEN] = now


@dataclass(frozen=True)
class SessionEntry:
    """One row of the account page's list."""

    id: int
    key: str
    device: str
    ip: str
    created_at: datetime
    last_seen_at: datetime
    remembered: bool
    this_browser: bool


def describe_user_agent(user_agent: str) -> str:
    """ "Firefox on Ubuntu", "Mobile Safari on iOS": what a person recognises as their browser."""
    parsed = parse_user_agent(user_agent or "")
    browser = parsed.user_agent.family if parsed.user_agent else None
    system = parsed.os.family if parsed.os else None
    if browser and system and browser != "Other" and system != "Other":
        return f"{browser} on {system}"
    return browser if browser and browser != "Other" else "An unknown browser"


def session_list(user: User) -> list[SessionEntry]:
    """The account's sessions, this browser first, then the most recently active."""
    here = current_key()
    entries = [SessionEntry(s.id, s.key, describe_user_agent(s.user_agent), s.ip, s.created_at, s.last_seen_at,
                            s.remembered, s.key == here) for s in user.login_sessions]
    return sorted(entries, key=lambda e: (not e.this_browser, -e.last_seen_at.timestamp()))
