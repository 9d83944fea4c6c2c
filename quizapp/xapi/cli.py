"""`quizapp xapi send` (now, e.g. from cron after an outage) and `quizapp xapi status`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

xapi_cli = click.Group("xapi", help="xAPI statements to a Learning Record Store (docs/xapi.md).")


def _configured() -> None:
    if "quizapp.xapi" not in current_app.extensions:
        raise click.ClickException("No LRS is configured: set QUIZAPP_XAPI_URL (docs/xapi.md).")


@xapi_cli.command("send")
@with_appcontext
def send_command() -> None:
    """Send every statement that is due now."""
    from .sender import send_all_due

    _configured()
    sent, failed = send_all_due()
    click.echo(f"Sent {sent} statement(s)." + (f" {failed} could not be sent and wait for a retry." if failed else ""))
    if failed:
        raise SystemExit(1)


@xapi_cli.command("status")
@with_appcontext
def status_command() -> None:
    """How many statements wait, were given up, and were sent lately."""
    from .sender import status_counts

    counts = status_counts()
    click.echo(", ".join(f"{n} {what}" for what, n in counts.items()))
