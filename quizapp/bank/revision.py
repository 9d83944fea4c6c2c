"""The bank's revision: a token every import that changes the live questions writes anew.

Which versions are live (a question's current version, not retired) changes only in sync_bank, so a
worker can keep what it derived from them (a start's fixed-form candidates, attempts/lifecycle.py) for
as long as the token it read with them is the stored one: one primary-key read instead of the rows.
A random token, not a counter, so that a database dropped and imported again never repeats an old one.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ModelSetting

BANK_REVISION_KEY = "bank_revision"
# the token as a statement of its own, or a scalar subquery of another (the adaptive pool's stamp)
STORED_REVISION = select(ModelSetting.value).where(ModelSetting.key == BANK_REVISION_KEY)


def bank_revision(session: Session) -> str | None:
    """The stored token; None before the first import since it was introduced (callers must then not
    keep what they read)."""
    return session.scalar(STORED_REVISION)


def new_bank_revision(session: Session) -> str:
    """Store a new token, in the caller's transaction (it becomes visible with the questions it describes)."""
    setting = session.get(ModelSetting, BANK_REVISION_KEY) or ModelSetting(key=BANK_REVISION_KEY)
    setting.value = secrets.token_hex(16)
    session.add(setting)
    return setting.value
