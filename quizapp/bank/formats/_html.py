"""Moodle HTML → the Markdown our renderer understands, with the standard library's HTMLParser.

Moodle stores most text as HTML from its editor. We keep the structure a question needs
(paragraphs, emphasis, code, lists, links, simple tables, math) and drop the rest (styles,
spans, fonts). Nothing is executed or fetched, and script/style content is discarded. Media
(images, audio, video, frames) cannot be carried, so the converter lists what it saw and the
caller skips the question.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "aside", "figure", "figcaption",
           "center", "address", "dl", "dt", "dd", "caption"}
_HEADINGS = {"h1": 3, "h2": 3, "h3": 3, "h4": 4, "h5": 5, "h6": 6}   # our renderer allows h3-h6 only
_SKIPPED = {"script", "style", "head", "title", "noscript", "template"}
MEDIA_TAGS = {"img", "video", "audio", "iframe", "object", "embed", "picture", "svg", "canvas"}
_INLINE = {"b", "strong", "i", "em", "code", "tt", "kbd", "samp", "a", "td", "th"}
_CODE = {"code", "tt", "kbd", "samp"}
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_PLACEHOLDER = "\x00{}\x00"


def _code_span(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[tuple[str, int, dict]] = []   # elements whose content is rewritten on close
        self.lists: list[list] = []                   # [tag, next number, marker width]
        self.tables: list[list[list[str]]] = []
        self.protected: list[str] = []                # fenced code blocks, restored at the very end
        self.media: list[str] = []
        self.skip = 0
        self.pre = 0
        self.code = 0
        self.pre_lang = ""

    # -- output helpers ---------------------------------------------------------------------
    def _last_char(self) -> str:
        for piece in reversed(self.out):
            if piece:
                return piece[-1]
        return "\n"

    def _block(self) -> None:
        self.out.append("\n\n")

    def _paragraph(self) -> None:
        if not self.lists:                   # inside a list item a paragraph break would end the item
            self._block()

    def _line(self) -> None:
        if self._last_char() != "\n":
            self.out.append("\n")

    def _start(self, tag: str, attrs: dict) -> None:
        self.open.append((tag, len(self.out), attrs))

    def _finish(self, tag: str) -> tuple[str, dict] | None:
        """Close the innermost open `tag` (and anything left open inside it); return its content."""
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                _, start, attrs = self.open[i]
                del self.open[i:]
                inner = "".join(self.out[start:])
                del self.out[start:]
                return inner, attrs
        return None

    # -- parser callbacks -------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = {k: v or "" for k, v in attrs}
        if tag in _SKIPPED:
            self.skip += 1
        if self.skip:
            return
        if tag in MEDIA_TAGS:
            self.media.append(f"<{tag}>")
            return
        if self.pre:
            self._start_in_pre(tag, attrs)
            return
        if opener := self._OPENERS.get(tag):
            opener(self, tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr") and tag not in MEDIA_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or (self.pre and tag != "pre"):
            return
        if closer := self._CLOSERS.get(tag):
            closer(self, tag)

    def _start_in_pre(self, tag: str, attrs: dict) -> None:
        """Inside <pre> the text stays as written: <br> is a newline, the first <code> may name the language."""
        if tag == "br":
            self.out.append("\n")
        elif tag == "code" and not self.pre_lang:
            self.pre_lang = _language(attrs)

    # -- one handler per kind of element: (self, tag, attrs) when it opens, (self, tag) when it closes --
    def _open_br(self, tag: str, attrs: dict) -> None:
        if self._last_char() != "\n":       # at a line start a hard break would leave a lone backslash
            self.out.append("\\\n")

    def _open_hr(self, tag: str, attrs: dict) -> None:
        self.out.extend(["\n\n", "---", "\n\n"])

    def _open_block(self, tag: str, attrs: dict) -> None:
        self._paragraph()

    def _close_block(self, tag: str) -> None:
        self._paragraph()

    def _open_heading(self, tag: str, attrs: dict) -> None:
        self._block()
        self.out.append("#" * _HEADINGS[tag] + " ")

    def _close_heading(self, tag: str) -> None:
        self._block()

    def _open_list(self, tag: str, attrs: dict) -> None:
        self._line() if self.lists else self._block()
        start = int(attrs["start"]) if attrs.get("start", "").isdigit() else 1
        self.lists.append([tag, start, 0])

    def _close_list(self, tag: str) -> None:
        if self.lists:
            self.lists.pop()
        self._line() if self.lists else self._block()

    def _open_item(self, tag: str, attrs: dict) -> None:
        """A list marker, indented by the markers of the lists around this one."""
        self._line()
        indent = " " * sum(entry[2] for entry in self.lists[:-1])
        if self.lists and self.lists[-1][0] == "ol":
            marker = f"{self.lists[-1][1]}. "
            self.lists[-1][1] += 1
        else:
            marker = "- "
        if self.lists:
            self.lists[-1][2] = len(marker)
        self.out.append(indent + marker)

    def _close_item(self, tag: str) -> None:
        self._line()

    def _open_pre(self, tag: str, attrs: dict) -> None:
        self._block()
        self.pre += 1
        self.pre_lang = _language(attrs)
        self._start(tag, attrs)

    def _close_pre(self, tag: str) -> None:
        """The block becomes a fenced code block, kept out of the later text rewrites until result()."""
        self.pre = max(0, self.pre - 1)
        got = self._finish("pre")
        if got is not None:
            code = got[0].strip("\n")
            fence = "```" if "```" not in code else "````"
            self.protected.append(f"{fence}{self.pre_lang}\n{code}\n{fence}")
            self.out.append(_PLACEHOLDER.format(len(self.protected) - 1))
        self.pre_lang = ""
        self._block()

    def _open_blockquote(self, tag: str, attrs: dict) -> None:
        self._block()
        self._start(tag, attrs)

    def _close_blockquote(self, tag: str) -> None:
        got = self._finish("blockquote")
        if got is not None:
            inner = _tidy(got[0])
            self.out.append("\n".join("> " + line if line else ">" for line in inner.split("\n")))
        self._block()

    def _open_table(self, tag: str, attrs: dict) -> None:
        self._block()
        self.tables.append([])
        self._start(tag, attrs)

    def _close_table(self, tag: str) -> None:
        """A pipe table from the rows collected; a table without rows keeps its text."""
        got = self._finish("table")
        rows = self.tables.pop() if self.tables else []
        if got is not None:
            self.out.append(_table(rows) if rows else got[0])
        self._block()

    def _open_row(self, tag: str, attrs: dict) -> None:
        if self.tables:
            self.tables[-1].append([])

    def _close_cell(self, tag: str) -> None:
        """A cell is one line of a pipe table; outside a table row its text stays in place."""
        got = self._finish(tag)
        if got is None:
            return
        cell = " ".join(got[0].replace("\\\n", " ").split()).replace("|", "\\|")
        if self.tables and self.tables[-1]:
            self.tables[-1][-1].append(cell)
        else:
            self.out.append(cell + " ")

    def _open_inline(self, tag: str, attrs: dict) -> None:
        if tag in _CODE:
            self.code += 1
        self._start(tag, attrs)

    def _close_inline(self, tag: str) -> None:
        if tag in _CODE:
            self.code = max(0, self.code - 1)
        got = self._finish(tag)
        if got is not None:
            self.out.append(_inline(tag, *got))

    # Which handler each tag gets (the sets are disjoint; <td>/<th> open as inline but close as cells).
    _OPENERS = {**dict.fromkeys(_INLINE, _open_inline), **dict.fromkeys(_BLOCKS, _open_block),
                **dict.fromkeys(_HEADINGS, _open_heading), "ul": _open_list, "ol": _open_list, "li": _open_item,
                "br": _open_br, "hr": _open_hr, "pre": _open_pre, "blockquote": _open_blockquote,
                "table": _open_table, "tr": _open_row}
    _CLOSERS = {**dict.fromkeys(_INLINE, _close_inline), **dict.fromkeys(_BLOCKS, _close_block),
                **dict.fromkeys(_HEADINGS, _close_heading), "ul": _close_list, "ol": _close_list, "li": _close_item,
                "pre": _close_pre, "blockquote": _close_blockquote, "table": _close_table, "td": _close_cell,
                "th": _close_cell}

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            self.out.append(data)
            return
        text = re.sub(r"\s+", " ", data.replace("\xa0", " "))
        if self._last_char() in " \n":
            text = text.lstrip(" ")
        if not self.code:
            text = _ENTITY_LIKE.sub("&amp;", text)   # "&lt;" that was meant literally stays literal
        if text:
            self.out.append(text)

    def result(self) -> str:
        text = _math(_tidy("".join(self.out)))      # before code blocks come back: they keep their \(
        for i, block in enumerate(self.protected):
            text = text.replace(_PLACEHOLDER.format(i), block)
        return text


def _language(attrs: dict) -> str:
    match = re.search(r"(?:lang(?:uage)?-)([A-Za-z0-9_+-]+)", attrs.get("class", ""))
    return match.group(1) if match else ""


def _inline(tag: str, inner: str, attrs: dict) -> str:
    core = inner.strip()
    if not core:
        return inner
    lead, trail = inner[:len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()):]
    if tag in ("b", "strong"):
        core = f"**{core}**"
    elif tag in ("i", "em"):
        core = f"*{core}*"
    elif tag in _CODE:
        core = _code_span(core)
    elif tag == "a":
        href = attrs.get("href", "").strip()
        if re.match(r"(?i)(https?|mailto):", href):
            core = f"<{href}>" if core == href else f"[{core}]({href.replace(' ', '%20').replace(')', '%29')})"
    return lead + core + trail


def _table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\\\n(?=[ \t]*(?:\n|$))", "\n", text)    # a line break right before a paragraph end
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _math(text: str) -> str:
    """MathJax delimiters Moodle uses, \\( \\) and \\[ \\], as the $ and $$ our renderer reads."""
    text = re.sub(r"\\\[(.+?)\\\]", lambda m: f"$${m.group(1).strip()}$$", text, flags=re.S)
    return re.sub(r"\\\((.+?)\\\)", lambda m: f"${m.group(1).strip()}$", text, flags=re.S)


def html_to_markdown(html: str) -> tuple[str, list[str]]:
    """Convert HTML to Markdown; also return the media elements found (which we cannot carry)."""
    converter = _Converter()
    converter.feed(html)
    converter.close()
    return converter.result(), converter.media
