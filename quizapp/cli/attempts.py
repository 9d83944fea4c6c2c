"""`quizapp attempts …`: housekeeping for attempts (run from cron in production)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

attempts_cli = click.Group("attempts", help="Housekeeping for attempts.")


@attempts_cli.command("close-expired")
@with_appcontext
def close_expired_command() -> None:
    """Submit timed attempts whose deadline passed, with the answers saved so far."""
    from sqlalchemy import select

    from ..attempts.lifecycle import close_expired
    from ..extensions import db
    from ..models import Attempt, utcnow

    due = db.session.scalars(select(Attempt).where(Attempt.status == "in_progress", Attempt.deadline.is_not(None),
                                                   Attempt.deadline <= utcnow())).all()
    closed = close_expired(due)
    click.echo(f"Submitted {closed} expired attempt(s).")
