"""YAML with line numbers, parsed safely within the limits of one validation run.

Every container remembers the line of itself and of its keys or items, so each issue the
validators report carries file:line; a hostile file stops at a limit while it is parsed.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .definitions import BankIssue

_NO_RAW: dict = {}  # shared, never written: most containers hold no coerced scalar


class LineMap(dict):
    """A mapping that remembers the line of itself and of each key.

    `raw` keeps, per key, the text as written of a plain scalar that YAML 1.1 turned into
    something else (3.10 → 3.1, 014 → 12, 1:30 → 90, yes → True), so a check can say "quote it".
    """

    line: int = 0
    key_lines: dict
    raw: dict = _NO_RAW


class LineList(list):
    """A list that remembers its line and each item's; `raw` as in LineMap, by index."""

    line: int = 0
    item_lines: list
    raw: dict = _NO_RAW


def _keep_raw(container: LineMap | LineList, slot: Any, text: str) -> None:
    if container.raw is _NO_RAW:
        container.raw = {}
    container.raw[slot] = text


# Limits on one file, checked while parsing, so that a hostile file costs little (issue #18): a
# 1.2 MB flow sequence of 400,000 empty mappings took 80 s and 900 MB before. The largest real
# files (questions/, 2026): courses.yaml 62 KB and 3,196 YAML nodes; question files at most 42 KB,
# 960 nodes and 27 questions; the longest text 842 characters. Every limit is at least 10 times
# that. Measured in tests/security/test_yaml_limits.py.
MAX_FILE_BYTES = 1024 * 1024  # also the per-file limit of uploads and of `quizapp bank validate`
MAX_NODES = 40_000            # scalars, mappings and sequences (keys count)
MAX_SCALAR_CHARS = 20_000     # one text: a prompt, an explanation, a key
MAX_QUESTIONS_PER_FILE = 500
MAX_ISSUES = 1_000            # per validation run: past this, checking stops and says so
MAX_DEPTH = 40                # question files nest a few levels; anything deeper is hostile or broken
# The pure-Python parser (exact PyYAML messages, PyYAML's stricter tab rules) costs ~50 µs per
# node, ten times libyaml; it reads at most this many nodes of a file (3x the largest real file),
# or of all the files of one upload. Past that, libyaml's verdict and message stand (its messages
# are PyYAML's words).
SLOW_PATH_MAX_NODES = 10_000
# All the files of one upload together (the whole real bank has about 25,000 nodes).
UPLOAD_MAX_NODES = 100_000


class _LimitExceeded(Exception):
    """A file passed one of the limits above: an issue at `line`, no fallback, no further parsing."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _too_many_nodes(line: int, limit: int) -> _LimitExceeded:
    return _LimitExceeded(line, f"too many YAML nodes (limit {limit:,} per file) at line {line}; split the file")


def _too_long(line: int, length: int) -> _LimitExceeded:
    return _LimitExceeded(line, f"a text of {length:,} characters at line {line} (limit {MAX_SCALAR_CHARS:,}); "
                                "shorten it or link to the material")


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that keeps line numbers, rejects aliases, bounds nesting, node count and text
    length, and reports duplicate keys."""

    def __init__(self, stream, max_nodes: int = MAX_NODES):
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, str]] = []
        self._depth = 0
        self.nodes = 0
        self.max_nodes = max_nodes

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (*name) are not allowed in question files", event.start_mark)
        event = self.peek_event()
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise _too_many_nodes(event.start_mark.line + 1, self.max_nodes)
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_SCALAR_CHARS:
            raise _too_long(event.start_mark.line + 1, len(event.value))
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                                  event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node):
        """A date that does not exist (2026-13-45) is a mistake in the file, not a crash."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a valid date ({exc})", node.start_mark) from None


def _coerced_text(node: yaml.Node) -> str | None:
    """The text of a plain scalar that did not stay a string (3.10, 014, yes), else None."""
    if node.__class__ is yaml.ScalarNode and node.style is None and node.tag != _STR_TAG:
        return node.value
    return None


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)):
            raise yaml.constructor.ConstructorError(None, None, "mapping keys must be plain scalars",
                                                    key_node.start_mark)
        if key in result:
            loader.duplicate_keys.append((key_node.start_mark.line + 1, str(key)))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
        if (raw := _coerced_text(value_node)) is not None:
            _keep_raw(result, key, raw)
        elif key in result.raw:  # a duplicate key: the later value wins
            del result.raw[key]
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    for index, child in enumerate(node.value):
        if (raw := _coerced_text(child)) is not None:
            _keep_raw(result, index, raw)
    return result


_STR_TAG = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)


# The fast path: libyaml's C parser (over ten times faster than the pure-Python one above),
# building LineMap/LineList straight from its events. It handles the plain YAML that question
# files are written in; anything else (anchors, aliases, explicit tags, merge keys, more than
# MAX_DEPTH levels, several documents, tabs, a BOM inside, characters PyYAML's reader refuses, a
# syntax error) makes it give up, and _LineLoader parses the file again (if it is small enough,
# see SLOW_PATH_MAX_NODES), so results and messages stay _LineLoader's. It enforces MAX_NODES and
# MAX_SCALAR_CHARS itself, counting as _LineLoader does, so a hostile file stops here.
# Events, not libyaml's composer: that one recurses in C, and with some libyaml builds a
# deeply nested file crashes the whole process.
# libyaml accepts two oddities PyYAML refuses ('?' inside a flow scalar, '|#'); such a file
# parses as the YAML spec says and is then validated like any other.

class _Unsupported(Exception):
    """The fast path met something only _LineLoader handles; parse again with it.

    `reason` and `line` say what, for a file too large to parse again (see SLOW_PATH_MAX_NODES).
    """

    def __init__(self, reason: str = "", line: int = 1):
        super().__init__(reason)
        self.reason = reason
        self.line = line


_SIMPLE_SCALAR_TAGS = {"tag:yaml.org,2002:" + t for t in ("int", "float", "bool", "null", "timestamp")}
_NO_KEY = object()

if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CParser

    class _EventLoader(CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's event parser with SafeLoader's scalar resolver and constructors (no composer)."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:  # PyYAML built without libyaml: every file takes the pure-Python path
    _EventLoader = None


def _load_fast(text: str, progress: dict | None = None,
               max_nodes: int = MAX_NODES) -> tuple[Any, list[tuple[int, str]]]:
    """Parse text as _LineLoader would; return (data, duplicate keys) or raise _Unsupported/YAMLError.

    Raises _LimitExceeded past max_nodes or MAX_SCALAR_CHARS. `progress["nodes"]` tells how many
    nodes were read, also when it raises.
    """
    if _EventLoader is None or yaml.reader.Reader.NON_PRINTABLE.search(text):
        raise _Unsupported  # _LineLoader's reader refuses such a file before parsing anything
    progress = {} if progress is None else progress
    loader = _EventLoader(text)
    try:
        data = _build_from_events(loader, progress, max_nodes)
    finally:
        loader.dispose()
    # PyYAML refuses a tab inside plain text where libyaml accepts it, and reads a BOM inside the
    # text differently: let _LineLoader decide (the parse above has counted the nodes).
    progress["result"] = data
    for char, name in (("\t", "a tab character"), ("\ufeff", "a byte order mark (BOM) inside the text")):
        if char in text:
            raise _Unsupported(name, text.count("\n", 0, text.index(char)) + 1)
    return data


def _build_from_events(loader, progress: dict, max_nodes: int) -> tuple[Any, list[tuple[int, str]]]:
    """One pass over the events, making what _construct_mapping/_construct_sequence would (no node graph)."""
    get_event = loader.get_event
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    duplicates: list[tuple[int, str]] = []
    progress["nodes"] = 0
    get_event()  # StreamStartEvent
    if isinstance(get_event(), yaml.StreamEndEvent):  # an empty file
        return None, duplicates
    root: Any = None
    stack: list = []       # the open LineMaps and LineLists, innermost last
    pending: list = []     # per open container: the key waiting for its value (_NO_KEY if none; lists: unused)
    while True:
        event = get_event()
        kind = event.__class__
        if kind is scalar_event or kind is mapping_start or kind is sequence_start:
            line = event.start_mark.line + 1
            _count_node(event, line, progress, max_nodes, len(stack))
            raw = None
            if kind is scalar_event:
                node, raw = _scalar(loader, event, line)
            elif kind is mapping_start:
                node = LineMap()
                node.line, node.key_lines = line, {}
            else:
                node = LineList()
                node.line, node.item_lines = line, []
            if not stack:
                root = node
            elif stack[-1].__class__ is LineMap:
                if not _into_mapping(stack[-1], pending, node, raw, line, kind is scalar_event, duplicates):
                    continue  # the node was a key
            else:
                if raw is not None:
                    _keep_raw(stack[-1], len(stack[-1]), raw)
                stack[-1].append(node)
                stack[-1].item_lines.append(line)
            if kind is not scalar_event:
                stack.append(node)
                pending.append(_NO_KEY)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
            pending.pop()
        elif kind is yaml.DocumentEndEvent:
            break
        elif kind is not yaml.DocumentStartEvent:
            raise _Unsupported("anchors and aliases (*name) are not allowed in question files", event.start_mark.line + 1)
    end = get_event()
    if not isinstance(end, yaml.StreamEndEvent):
        raise _Unsupported("several YAML documents (---) in one file", end.start_mark.line + 1)
    return root, duplicates


def _count_node(event, line: int, progress: dict, max_nodes: int, depth: int) -> None:
    """Count one more node against the limit; refuse what the fast path leaves to the slow one."""
    progress["nodes"] += 1
    if progress["nodes"] > max_nodes:
        raise _too_many_nodes(line, max_nodes)
    if event.anchor is not None:
        raise _Unsupported("anchors and aliases (*name) are not allowed in question files", line)
    if event.tag is not None:
        raise _Unsupported("explicit tags (!!str …)", line)
    if depth >= MAX_DEPTH:
        raise _Unsupported(f"nested more than {MAX_DEPTH} levels deep", line)


def _scalar(loader, event, line: int) -> tuple[Any, str | None]:
    """A scalar's value, and its text as written when YAML 1.1 made it something else (else None)."""
    value = event.value
    if len(value) > MAX_SCALAR_CHARS:
        raise _too_long(line, len(value))
    if not event.implicit[0]:  # quoted or block text stays text
        return value, None
    tag = loader.resolve(yaml.ScalarNode, value, event.implicit)  # plain: 12, true, null, 2026-01-31 … as SafeLoader
    if tag == _STR_TAG:
        return value, None
    if tag not in _SIMPLE_SCALAR_TAGS:
        raise _Unsupported("a merge key (<<) or value key (=)", line)
    try:
        return loader.yaml_constructors[tag](loader, yaml.ScalarNode(tag, value, event.start_mark, event.end_mark,
                                                                       event.style)), value
    except ValueError:  # 2026-13-45: the pure-Python path reports it with its line
        raise _Unsupported(f"{value!r} is not a valid date", line) from None


def _into_mapping(parent: LineMap, pending: list, node: Any, raw: str | None, line: int, scalar: bool,
                  duplicates: list) -> bool:
    """Put a node into the open mapping: as its next key (False), or as the value of the pending key."""
    key = pending[-1]
    if key is _NO_KEY:  # this node is a key
        if not scalar or not isinstance(node, (str, int, float, bool)):
            raise _Unsupported("mapping keys must be plain scalars", line)
        pending[-1] = (node, line)
        return False
    key, key_line = key
    pending[-1] = _NO_KEY
    if key in parent:
        duplicates.append((key_line, str(key)))
    parent[key] = node
    parent.key_lines[key] = key_line
    if raw is not None:
        _keep_raw(parent, key, raw)
    elif key in parent.raw:  # a duplicate key: the later value wins, as in _construct_mapping
        del parent.raw[key]
    return True


def display_path(path: Path) -> str:
    """Paths relative to the working directory when possible, as compilers print them."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class ParseBudget:
    """What is left for the rest of one validation run (an upload): many small files must not cost
    more than one large one. `nodes` bounds all parsing; `slow_nodes` the pure-Python parser's."""

    nodes: int = UPLOAD_MAX_NODES
    slow_nodes: int = SLOW_PATH_MAX_NODES


def parse_yaml(path: Path, issues: list[BankIssue], budget: ParseBudget | None = None) -> Any | None:
    """Parse one file safely; on failure record an issue with its line and return None.

    An empty file (or one with only comments) is an issue too: it can only be a mistake. With a
    budget, the nodes read are taken from it, and a file stops where the budget runs out.
    """
    shown = display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            issues.append(BankIssue(shown, 1, f"the file is {size / 1024 / 1024:.1f} MB; at most "
                                              f"{MAX_FILE_BYTES // 1024 // 1024} MB per question file (split it)"))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        issues.append(BankIssue(shown, 1, f"cannot read file: {exc.strerror}"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
        line = body.count(b"\n", 0, exc.start) + 1
        issues.append(BankIssue(shown, line, f"not valid UTF-8 ({exc.reason} at byte {exc.start}, line {line}); "
                                             "save the file as UTF-8"))
        return None
    data = _parse_text(text, shown, issues, budget or ParseBudget(MAX_NODES, SLOW_PATH_MAX_NODES), budget is not None)
    if data is _FAILED:
        return None
    if data is None:
        issues.append(BankIssue(shown, 1, "the file is empty (or has only comments or null); nothing to load"))
    return data


_FAILED = object()  # _parse_text's answer when it recorded why the file could not be parsed


def _parse_text(text: str, shown: str, issues: list[BankIssue], budget: ParseBudget, shared: bool) -> Any:
    """The data of a YAML text, or _FAILED after recording an issue; the nodes read come off budget."""
    if budget.nodes <= 0:
        issues.append(BankIssue(shown, 1, f"not checked: the upload has more than {UPLOAD_MAX_NODES:,} YAML nodes in "
                                          "all its files; upload fewer files at a time"))
        return _FAILED
    limit = min(MAX_NODES, budget.nodes)

    def too_many(exc: _LimitExceeded) -> BankIssue:
        if shared and limit < MAX_NODES and exc.message.startswith("too many YAML nodes"):
            return BankIssue(shown, exc.line, f"too many YAML nodes in one upload (limit {UPLOAD_MAX_NODES:,} in all "
                                              f"its files) at line {exc.line}; upload fewer files at a time")
        return BankIssue(shown, exc.line, exc.message)

    progress: dict = {}
    try:
        return _with_duplicates(*_load_fast(text, progress, limit), shown, issues)
    except _LimitExceeded as exc:
        issues.append(too_many(exc))
        return _FAILED
    except _Unsupported as exc:
        fast_failure: Any = exc
    except yaml.MarkedYAMLError as exc:
        fast_failure = exc
    except yaml.YAMLError as exc:
        fast_failure = exc
    finally:
        budget.nodes -= progress.get("nodes", 0)
    # Parse again with _LineLoader, which gives the issue (or handles the rare construct), as far as
    # the budget of the slow parser goes; past it, the fast path's reading and reasons stand.
    slow_limit = min(limit, budget.slow_nodes) if _EventLoader is not None else limit
    loader = None
    try:
        loader = _LineLoader(text, slow_limit)  # the reader refuses control characters here, before parsing
        data = loader.get_single_data()
    except _LimitExceeded as exc:
        if slow_limit == limit or not exc.message.startswith("too many YAML nodes"):
            issues.append(too_many(exc))
        elif "result" in progress:  # only a tab or a BOM: libyaml's reading (the YAML spec's) stands
            return _with_duplicates(*progress["result"], shown, issues)
        else:
            issues.append(_fast_verdict(shown, text, fast_failure))
        return _FAILED
    except yaml.MarkedYAMLError as exc:
        issues.append(_syntax_issue(shown, text, exc))
        return _FAILED
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        issues.append(BankIssue(shown, line, f"character {character} is not allowed in YAML (control characters "
                                             "and NUL are refused); remove it"))
        return _FAILED
    except yaml.YAMLError as exc:
        issues.append(BankIssue(shown, 1, f"YAML error: {exc}"))
        return _FAILED
    finally:
        if loader is not None:
            budget.slow_nodes -= loader.nodes
            loader.dispose()
    return _with_duplicates(data, loader.duplicate_keys, shown, issues)


def _fast_verdict(shown: str, text: str, failure: Exception) -> BankIssue:
    """Why the fast path refused a file the slow parser may not read (past its budget)."""
    if isinstance(failure, yaml.MarkedYAMLError):
        return _syntax_issue(shown, text, failure)
    reason, line = getattr(failure, "reason", "") or "not plain YAML", getattr(failure, "line", 1)
    return BankIssue(shown, line, f"YAML: {reason} at line {line} (a file this large, or this many, may hold only "
                                  "plain YAML)")


def _syntax_issue(shown: str, text: str, exc: yaml.MarkedYAMLError) -> BankIssue:
    """A syntax error at the line of its cause: where an unclosed quote or bracket opens, when the
    parser only notices at the end of the file."""
    problem = " ".join(filter(None, [exc.context, exc.problem])) or str(exc)
    context, found = exc.context_mark, exc.problem_mark
    if context is not None and found is not None and not text[found.index:].strip():
        line = context.line + 1
        if "flow" in (exc.context or ""):  # PyYAML marks the end of the file, not the open bracket
            line = _unclosed_bracket_line(text) or line
        if "quoted scalar" in (exc.context or ""):
            quote = text[context.index:context.index + 1] if context.index < len(text) else "'"
            return BankIssue(shown, line, f"YAML syntax error: the quote {quote} that opens at line {line} is never "
                                          "closed (the file ends inside it)")
        return BankIssue(shown, line, f"YAML syntax error: {problem}; what opens at line {line} is never closed "
                                      "(the file ends inside it)")
    mark = found or context
    return BankIssue(shown, mark.line + 1 if mark else 1, f"YAML syntax error: {problem}")


def _unclosed_bracket_line(text: str) -> int | None:
    """The line of the innermost [ or { that is never closed, outside quotes and comments."""
    opened: list[int] = []
    line, quote, i = 1, None, 0
    while i < len(text):
        char = text[i]
        if char == "\n":
            line += 1
        elif quote == '"' and char == "\\":
            i += 1  # an escaped character inside double quotes
        elif quote:
            if char == quote == "'" and text[i + 1:i + 2] == "'":
                i += 1  # '' is a quote inside single quotes
            elif char == quote:
                quote = None
        elif char in "'\"" and (i == 0 or text[i - 1] in " \t\n[{,:"):
            quote = char
        elif char == "#" and (i == 0 or text[i - 1] in " \t\n"):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif char in "[{":
            opened.append(line)
        elif char in "]}" and opened:
            opened.pop()
        i += 1
    return opened[-1] if opened else None


def _with_duplicates(data: Any, duplicate_keys: list[tuple[int, str]], shown: str, issues: list[BankIssue]) -> Any:
    for line, key in duplicate_keys:
        issues.append(BankIssue(shown, line, f"duplicate key '{key}'"))
    return data


