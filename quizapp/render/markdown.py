"""Markdown → safe HTML for question text: Pygments code, $math$ as MathML, sanitised by nh3.

Everything is rendered on the server, so prompts read the same with JavaScript off, and the
result is cached per text because question content never changes within a version.
"""
from __future__ import annotations

from functools import lru_cache
from html import escape, unescape

import nh3
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(nowrap=True)

MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mtext",
    "mspace", "mtable", "mtr", "mtd", "munder", "mover", "munderover", "mstyle", "semantics", "annotation",
    "mpadded", "menclose", "mphantom", "merror",
}
ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "span", "div", "ul", "ol", "li", "blockquote",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a", "sub", "sup", "kbd", "del",
} | MATHML_TAGS
MATH_ATTRIBUTES = {"display", "xmlns", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace",
                   "displaystyle", "scriptlevel", "columnalign", "rowalign", "width", "accent", "accentunder",
                   "notation", "encoding", "minsize", "maxsize", "movablelimits", "largeop", "symmetric"}
ALLOWED_ATTRIBUTES = {
    "span": {"class"}, "code": {"class"}, "pre": {"class"}, "div": {"class"},
    "a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"},
    **{tag: MATH_ATTRIBUTES for tag in MATHML_TAGS},
}


def _highlight(code: str, lang: str, _attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(lang) if lang else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    label = f' data-lang="{escape(lang)}"' if lang else ""
    return f'<pre class="highlight"{label}><code>{highlight(code, lexer, _FORMATTER)}</code></pre>'


def _math(content: str, options: dict) -> str:
    try:
        return latex_to_mathml(content, display="block" if options.get("display_mode") else "inline")
    except Exception:  # latex2mathml raises many exception types on bad input; show the source instead
        return f"<code>{escape(content)}</code>"


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"highlight": _highlight, "html": False}).enable("table")
    dollarmath_plugin(md, allow_space=False, allow_digits=False, double_inline=True, renderer=_math)
    return md


_MD = _build()


def sanitise(html: str) -> str:
    """Keep only the tags and attributes question text needs; links get rel=noopener."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


@lru_cache(maxsize=8192)
def render_markdown(text: str) -> str:
    """Render block Markdown (prompts, explanations) to sanitised HTML."""
    return sanitise(_MD.render(text or ""))


@lru_cache(maxsize=8192)
def render_inline(text: str) -> str:
    """Render a one-line fragment (a choice, a feedback line) without wrapping <p>."""
    return sanitise(_MD.renderInline(text or ""))


_PLAIN_MD = MarkdownIt("commonmark", {"html": False})


@lru_cache(maxsize=8192)
def plain_excerpt(text: str, limit: int = 120) -> str:
    """Markdown as one line of plain text, cut at a word near `limit` characters: for lists that name
    a question by its prompt (the problem-report queue) without rendering it."""
    words = unescape(nh3.clean(_PLAIN_MD.render(text or ""), tags=set())).split()
    line = " ".join(words)
    if len(line) <= limit:
        return line
    cut = line[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "…"


def pygments_css() -> str:
    """CSS for highlighted code, light by default and dark under prefers-color-scheme."""
    light = HtmlFormatter(style="default").get_style_defs(".highlight")
    dark = HtmlFormatter(style="monokai").get_style_defs(".highlight")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
