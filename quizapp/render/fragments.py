"""Markup that depends on a few small values, rendered once per worker for each combination of them.

The question page is the app's most frequent request (bench/throughput.py) and parts of it repeat
with few variations: an entry of the question list (its position, whether it is answered, flagged
or shown), the confidence choices (which one is checked), the reasons of the problem report (the
form's prefix). Rendered through Jinja on every request they were about a fifth of the page's work.
A macro called through `fragment` is rendered once per combination of its arguments (again when its
template reloads); its output must depend on nothing else: no request, no user, no CSRF token.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from flask import current_app
from jinja2 import Template
from markupsafe import Markup


def fragment(template_name: str, macro: str, *args) -> Markup:
    """What `macro` of `template_name` renders for `args` (hashable values)."""
    return _rendered(current_app.jinja_env.get_template(template_name), macro, args)


def fragments(template_name: str, macro: str, calls: Iterable[tuple]) -> Markup:
    """The fragments for each tuple of arguments in `calls`, one after another (one per line)."""
    template = current_app.jinja_env.get_template(template_name)
    return Markup("\n").join([_rendered(template, macro, args) for args in calls])


@lru_cache(maxsize=8192)
def _rendered(template: Template, macro: str, args: tuple) -> Markup:
    return getattr(template.module, macro)(*args)
