"""The signed links we email: confirm an address, reset a password, confirm a new address.

Each token is signed with SECRET_KEY (itsdangerous), salted by its purpose (a reset token is no
confirmation token), carries the time it was made (it expires) and is bound to the account state it
changes, which makes it single-use:

- confirm: the address, and that it is unconfirmed; once confirmed the link is spent.
- reset: a digest of the current password hash; a new password (by this link or any other way)
  spends every reset link sent before it.
- new address: the address it replaces; once changed the link is spent.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..models import User

CONFIRM, RESET, CHANGE_EMAIL = "confirm-address", "reset-password", "change-address"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"quizapp-{purpose}")


def _password_digest(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def make_token(user: User, purpose: str, new_email: str | None = None) -> str:
    """A signed link token for `purpose`, bound to the account's current state."""
    payload: dict = {"u": user.id}
    if purpose == CONFIRM:
        payload["e"] = user.email
    elif purpose == RESET:
        payload["p"] = _password_digest(user)
    else:
        payload["old"], payload["e"] = user.email, new_email
    return _serializer(purpose).dumps(payload)


def read_token(token: str, purpose: str, max_age: int) -> dict | None:
    """The payload of a genuine, unexpired token for `purpose`, or None."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, UnicodeError, ValueError, TypeError):  # also SignatureExpired, a BadSignature
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("u"), int) else None


def still_valid(user: User | None, payload: dict, purpose: str) -> bool:
    """Whether the token's account still is in the state the token was made for (not spent)."""
    if user is None:
        return False
    if purpose == CONFIRM:
        return user.email_verified_at is None and payload.get("e") == user.email
    if purpose == RESET:
        return hmac.compare_digest(str(payload.get("p", "")), _password_digest(user))
    return payload.get("old") == user.email and isinstance(payload.get("e"), str)
