"""The question list beside a question, from cached entries (render/fragments.py).

An entry's markup depends only on its position, whether it is answered or flagged and whether it
is the one shown; its link is relative (a sibling of the page's own URL, /attempt/<id>/q/<n>), so
it holds nothing of the attempt.
"""
from __future__ import annotations

from markupsafe import Markup

from ..hotpath.attempt_page import NavEntry
from ..render.fragments import fragments


def question_list(nav: list[NavEntry], current: int) -> Markup:
    """The <li> entries of the list, in position order."""
    return fragments("quiz/_fragments.html", "nav_link",
                     ((n.position, n.answered, n.flagged, n.position == current) for n in nav))
