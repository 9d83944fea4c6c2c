"""LTI 1.3 / LTI Advantage tool (docs/lti.md): launches from Moodle, Canvas and other platforms, deep
linking, scores back through AGS and rosters through NRPS. pylti1p3 does every JWT, JWKS and OIDC step."""
from flask import Blueprint, Flask

bp = Blueprint("lti", __name__)

from . import routes  # noqa: E402,F401  (registers the routes on bp)


def init_lti(app: Flask) -> None:
    """The blueprint at /lti, the launch endpoints exempt from the session CSRF check (the platform's signed
    token authenticates them), the submit hook that sends scores, and `quizapp lti`."""
    from ..attempts.lifecycle import attempt_submitted
    from ..extensions import csrf
    from . import models  # noqa: F401  (registers the tables)
    from .cli import lti_cli
    from .grades import on_submitted

    for view in (routes.login, routes.launch, routes.deep_link):
        csrf.exempt(view)
    app.register_blueprint(bp, url_prefix="/lti")
    attempt_submitted.connect(_receiver(app, on_submitted), weak=False)
    app.cli.add_command(lti_cli)


def _receiver(app: Flask, handler):
    """Only this app's submits: the tests build many apps in one process, and the signal is global."""
    def receive(attempt, **_):
        from flask import current_app

        if current_app._get_current_object() is app:
            handler(attempt)
    return receive
