"""Who is signed in: Flask-Login's user, read from the login cookie on every request.

The cookie holds "<user id>:<account token>:<session key>". Logging out removes this browser's key
from User.session_keys (auth/sessions.py), and "log out everywhere" also changes the account token
(User.revoke_sessions), so every copy of an old cookie stops working at once; that is why each
request compares both with the database rather than trusting the signed cookie alone. The
read is one small autocommit SELECT (reads.read_rows) into a plain object, not an ORM User: views
that change the account load the User themselves.

The question page reads the account in its own statement (hotpath/attempt_page.py) and offers the row here
(offer_account), so its one query serves both; Flask-Login still decides, through the loader below,
whether the cookie's token matches and whether session protection passes.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, fields

from flask import current_app, g, session
from flask_login import UserMixin
from sqlalchemy import bindparam, select

from ..models import INSTRUCTOR_ROLES, User
from .reads import read_rows


@dataclass(frozen=True)
class SignedInUser(UserMixin):
    """What a request needs to know about the signed-in account (current_user)."""

    id: int
    display_name: str
    role: str
    session_token: str
    session_keys: str
    login_key: str = ""  # this browser's session, from the cookie (not a column)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}:{self.login_key}"

    @property
    def is_instructor(self) -> bool:
        return self.role in INSTRUCTOR_ROLES


# What is read of an account besides its id, named once by SignedInUser's fields: read here and by the
# question page's statement, whose rows name other ids.
ACCOUNT_COLUMNS = tuple(getattr(User, field.name) for field in fields(SignedInUser)
                        if field.name not in ("id", "login_key"))
_SIGNED_IN_USER = select(User.id, *ACCOUNT_COLUMNS).where(User.id == bindparam("user_id"))
GUEST_KEY = "guest_token"


def guest_token(create: bool = False) -> str | None:
    """The signed-cookie token that ties a guest's attempts to this browser."""
    token = session.get(GUEST_KEY)
    if token is None and create:
        token = session[GUEST_KEY] = secrets.token_urlsafe(24)
    return token


def claimed_user_id() -> int | None:
    """The account the login cookie names, not yet checked (Flask-Login keeps it in session["_user_id"])."""
    user_id = (session.get("_user_id") or "").partition(":")[0]
    return int(user_id) if user_id.isdigit() else None


def offer_account(user_id: int, row) -> None:
    """Hand the loader the account another statement of this request already read (its ACCOUNT_COLUMNS)."""
    g.quizapp_offered_account = (user_id, *(getattr(row, column.key) for column in ACCOUNT_COLUMNS))


def load_signed_in_user(cookie_id: str) -> SignedInUser | None:
    """The account a login cookie names, if its session token is still the current one."""
    user_id, token, key = (cookie_id.split(":") + ["", ""])[:3]
    if not user_id.isdigit() or not token or not key:
        return None
    row = g.get("quizapp_offered_account")
    if row is None or row[0] != int(user_id):
        rows = read_rows(_SIGNED_IN_USER, {"user_id": int(user_id)})
        row = rows[0] if rows else None
    if row is None or not secrets.compare_digest(token.encode(), row[3].encode()):
        return None
    if not any(secrets.compare_digest(key.encode(), live.encode()) for live in row[4].split()):
        return None  # this browser's session was ended (logged out, revoked, or over the limit)
    return SignedInUser(*row, login_key=key)


def account_unknown_for_this_request() -> None:
    """Render this response without looking up who is signed in (an error page while the database is
    down): current_user is anonymous for this request only; the login cookie is left as it is.
    Flask-Login (0.6) has no public call for this; this is the one its own loader uses."""
    current_app.login_manager._update_request_context_with_user()
