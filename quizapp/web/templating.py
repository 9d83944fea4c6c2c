"""Template globals and filters shared by every page."""
from flask import Flask

from ..hotpath.urls import memoized_url_for
from ..models import CONFIDENCE_LEVELS, PROBLEM_REASONS
from ..render.fragments import fragment


def register_template_helpers(app: Flask) -> None:
    # Constants, not per-request objects: the header's logout form and the problem-report form are
    # plain markup around csrf_token(), so an error page never reads the request body and the
    # question page builds no extra WTForms objects.
    app.jinja_env.globals["problem_reasons"] = list(PROBLEM_REASONS.items())
    app.jinja_env.globals["confidence_choices"] = list(CONFIDENCE_LEVELS.items())

    app.jinja_env.globals["url_for"] = memoized_url_for(app)
    app.jinja_env.globals["fragment"] = fragment

    @app.template_filter("percent")
    def percent(value: float) -> str:
        return f"{round(value * 100)} %"
