"""Who may see an attempt: its owner, or the guest browser that started it. Anyone else gets 404."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..hotpath.identity import guest_token
from ..models import Attempt, AttemptItem


def owner_filter():
    """A WHERE clause selecting the current visitor's attempts (Attempt.owned_by, the one rule)."""
    if current_user.is_authenticated:
        return Attempt.owned_by(current_user.id, None)
    return Attempt.owned_by(None, guest_token())


def get_own_attempt(public_id: str) -> Attempt:
    """Load an attempt the visitor owns (with its assessment and role), or 404."""
    attempt = db.session.scalars(
        select(Attempt).options(joinedload(Attempt.assessment), joinedload(Attempt.role))
        .where(Attempt.public_id == public_id, owner_filter())
    ).first()
    if attempt is None:
        abort(404)
    return attempt


def get_own_item(public_id: str, position: int) -> AttemptItem:
    """One slot of an attempt the visitor owns, with its attempt loaded by the same query (what an
    answer POST needs), or 404. The question page reads through hotpath/attempt_page.py instead."""
    item = db.session.scalars(
        select(AttemptItem).join(AttemptItem.attempt).options(contains_eager(AttemptItem.attempt))
        .where(Attempt.public_id == public_id, owner_filter(), AttemptItem.position == position)).first()
    if item is None:
        abort(404)
    return item


def claim_guest_attempts(user_id: int, token: str | None) -> int:
    """Move this browser's guest attempts to the account that just registered or logged in."""
    if not token:
        return 0
    moved = db.session.execute(
        update(Attempt).where(Attempt.owned_by(None, token))
        .values(user_id=user_id, guest_token=None)).rowcount
    db.session.commit()
    return moved
