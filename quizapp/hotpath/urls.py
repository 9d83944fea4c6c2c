"""The templates' url_for, remembering the paths it built: every page builds the same links."""
from __future__ import annotations

from functools import lru_cache

from flask import Flask, has_request_context, request


def memoized_url_for(app: Flask):
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
