"""The question list beside a question, from cached entries.

The list is on every question page, the app's most frequent request (bench/throughput.py), and an
entry's markup depends only on its position, whether it is answered or flagged and whether it is
the shown one. Rendering each entry through Jinja on every request cost about an eighth of the
page; here each combination is rendered once per worker (and again when its template reloads).
"""
from __future__ import annotations

from functools import lru_cache

from flask import current_app
from jinja2 import Template
from markupsafe import Markup

from .page import NavEntry

NAV_TEMPLATE = "quiz/_nav.html"


def question_list(nav: list[NavEntry], current: int) -> Markup:
    """The <li> entries of the list, in position order."""
    template = current_app.jinja_env.get_template(NAV_TEMPLATE)
    # str.join of entries that are already Markup: Markup.join would escape-check each one again.
    return Markup("\n".join([_entry(template, n.position, n.answered, n.flagged, n.position == current)
                              for n in nav]))


@lru_cache(maxsize=4096)
def _entry(template: Template, position: int, answered: bool, flagged: bool, current: bool) -> Markup:
    return template.module.nav_link(position, answered, flagged, current)
