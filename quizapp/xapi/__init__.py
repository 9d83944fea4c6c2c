"""xAPI statements to a Learning Record Store (docs/xapi.md): "answered" on each scored answer and
"completed" on each submit, queued in the database and sent by a background thread, so no learner
waits on the LRS and nothing is lost while it is down. Off unless QUIZAPP_XAPI_URL is set."""
from __future__ import annotations

from flask import Flask


def init_xapi(app: Flask) -> None:
    """The `quizapp xapi` commands always; the answer and submit hooks only when an LRS is configured."""
    from . import models  # noqa: F401  (registers the table)
    from .cli import xapi_cli

    app.cli.add_command(xapi_cli)
    if not app.config.get("XAPI_URL"):
        return
    from ..attempts.lifecycle import answer_saved, attempt_submitted
    from .hooks import on_answered, on_submitted
    from .sender import read_settings

    app.extensions["quizapp.xapi"] = read_settings(app.config)  # a bad setting stops the app at start
    answer_saved.connect(_receiver(app, on_answered), weak=False)
    attempt_submitted.connect(_receiver(app, on_submitted), weak=False)


def _receiver(app: Flask, handler):
    """Only this app's events: the tests build many apps in one process, and the signals are global."""
    def receive(sender, **kwargs):
        from flask import current_app

        if current_app._get_current_object() is app:
            handler(sender, **kwargs)
    return receive
