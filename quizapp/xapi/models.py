"""The outbox: each statement waits here until the LRS has accepted it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class XapiStatement(db.Model):
    # The statement's own id (a UUID): sending it twice after a lost response is harmless, the LRS keeps one.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Unsent: due at next_try_at; sent: sent_at is set; given up after MAX_TRIES: next_try_at is None.
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime, index=True, default=utcnow)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(String(300), default="")
