"""The `quizapp` command: Flask's CLI bound to the app, plus bank, user and database commands.

Commands are thin wrappers: the work happens in bank/ and the models.
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create_app():
    from .. import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, help="quizapp: run the server and manage question banks.")
def main() -> None:
    """Entry point of the `quizapp` console script."""


def register_cli(app: Flask) -> None:
    from .bank import bank_cli
    from .users import user_cli

    app.cli.add_command(bank_cli)
    app.cli.add_command(user_cli)
