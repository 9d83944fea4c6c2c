"""Template globals and filters shared by every page."""
from functools import lru_cache

from flask import Flask, has_request_context, request

from ..models import PROBLEM_REASONS
from ..quiz.forms import CONFIDENCE_CHOICES
from ..render.fragments import fragment


def register_template_helpers(app: Flask) -> None:
    # Constants, not per-request objects: the header's logout form and the problem-report form are
    # plain markup around csrf_token(), so an error page never reads the request body and the
    # question page builds no extra WTForms objects.
    app.jinja_env.globals["problem_reasons"] = list(PROBLEM_REASONS.items())
    app.jinja_env.globals["confidence_choices"] = [(c.value, c.label) for c in CONFIDENCE_CHOICES]

    app.jinja_env.globals["url_for"] = _memoized_url_for(app)
    app.jinja_env.globals["fragment"] = fragment

    @app.template_filter("percent")
    def percent(value: float) -> str:
        return f"{round(value * 100)} %"


def _memoized_url_for(app: Flask):
    """Flask's url_for for templates, remembering the paths it built.

    Every page builds the same links (the header's, the stylesheets, the question's form) and
    werkzeug's URL building is the largest single cost of the page's layout: the seven links of
    base.html were 8% of the question page's instructions (bench/instructions.py). A path depends only
    on the script root, the endpoint and its values, so those are the key. Anything else (outside a
    request, a relative ".endpoint", _external, _anchor and the other options, unhashable values) is
    built afresh."""
    build = app.url_for

    @lru_cache(maxsize=4096)
    def path(script_root: str, endpoint: str, values: tuple) -> str:
        return build(endpoint, **dict(values))

    def url_for(endpoint: str, **values) -> str:
        if not has_request_context() or endpoint[:1] == "." or any(k[:1] == "_" for k in values):
            return build(endpoint, **values)
        try:
            return path(request.script_root, endpoint, tuple(sorted(values.items())))
        except TypeError:  # an unhashable value
            return build(endpoint, **values)

    return url_for
