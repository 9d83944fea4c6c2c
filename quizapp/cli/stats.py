"""`quizapp stats …`: the stored item statistics (run `refresh` from cron in production)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

stats_cli = click.Group("stats", help="Item statistics per question version.")


@stats_cli.command("refresh")
@with_appcontext
def refresh_command() -> None:
    """Recompute every question version's statistics from the submitted attempts (streamed, one transaction)."""
    from ..instructor.statistics import refresh_item_statistics

    summary = refresh_item_statistics()
    click.echo(f"Item statistics of {summary.versions} question version(s) recomputed from {summary.attempts} "
               f"submitted attempt(s), {summary.answers} answer slot(s), in {summary.seconds:.1f} s.")
