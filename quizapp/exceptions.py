"""The app's exception hierarchy: every domain error derives from QuizappError.

The groups live here; each error is defined next to the code that raises it. This module
imports nothing, so every layer (scoring, which imports no Flask or SQLAlchemy, included)
can derive from it. docs/architecture.md ("Errors") shows the tree and the rule.
"""


class QuizappError(Exception):
    """Base class of every domain error, so that catching ours never catches a bug's ValueError."""


class ConfigurationError(QuizappError, RuntimeError):
    """The app or this machine is set up in a way the app cannot run with (a setting, a missing tool).

    Also a RuntimeError because gunicorn relies on it: a RuntimeError raised while it starts (the
    preloaded app, gunicorn.conf.py's on_starting) is printed as "Error: …" and exits 1, where any
    other exception prints a traceback.
    """


class BankError(QuizappError):
    """Question files, an upload or the files kept beside the bank cannot be used as they are."""


class AttemptError(QuizappError):
    """An attempt, or one of its answers, is not in a state that allows what was asked."""
