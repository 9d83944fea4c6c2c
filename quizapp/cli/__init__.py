"""The `quizapp` command: Flask's CLI bound to the app, plus bank, user and database commands.

Commands are thin wrappers: the work happens in bank/ and the models.
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext


def _create_app():
    from .. import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, help="quizapp: run the server and manage question banks.")
def main() -> None:
    """Entry point of the `quizapp` console script."""


@click.command("calibrate")
@with_appcontext
def calibrate_command() -> None:
    """Fit item parameters (3PL, guessing fixed) from stored responses and flag misfitting items."""
    from flask import current_app

    from ..bank.item_parameters import calibrate
    from ..extensions import db
    from ..models import QuestionVersion

    summary = calibrate()
    db.session.commit()
    minimum = current_app.config["CALIBRATION_MIN_RESPONSES"]
    click.echo(f"{summary.attempts} submitted attempts; {len(summary.fits)} question versions fitted over "
               f"{len(summary.per_skill)} skills; {summary.usable(minimum)} have {minimum}+ responses and now "
               "replace their difficulty labels in scoring.")
    misfits = [f for f in summary.fits if f.misfit]
    for fit in misfits:
        question = db.session.get(QuestionVersion, fit.key)
        click.echo(f"  misfit q '{question.question_id}' v{question.version} (n={fit.n}, a={fit.a:.2f}, "
                   f"b={fit.b:.2f}): {'; '.join(fit.reasons)}")
    click.echo(f"{len(misfits)} misfitting item(s) to review.")
    if summary.rho is None:
        click.echo(f"Skill correlation: kept at the default ({summary.rho_note}).")
    elif summary.rho_area is None:
        click.echo(f"Skill correlation: {summary.rho:.2f} ({summary.rho_note}); within an area: kept at the default.")
    else:
        click.echo(f"Skill correlation: {summary.rho:.2f} across areas, {summary.rho + summary.rho_area:.2f} within one "
                   f"({summary.rho_note}).")


def register_cli(app: Flask) -> None:
    from .attempts import attempts_cli
    from .bank import bank_cli
    from .stats import stats_cli
    from .users import user_cli

    app.cli.add_command(bank_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(calibrate_command)
    app.cli.add_command(attempts_cli)
    app.cli.add_command(stats_cli)
