"""Parse and validate the YAML banks into plain objects; every error carries file:line and id.

The loader never stops at the first problem: it collects all of them, so an instructor fixes
a file in one pass. A bank with any issue must not be imported (see sync.py).
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from . import schema

# --- YAML with line numbers ------------------------------------------------------------------

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
    get_event, resolve, constructors = loader.get_event, loader.resolve, loader.yaml_constructors
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    duplicates: list[tuple[int, str]] = []
    nodes = 0
    progress["nodes"] = 0
    get_event()  # StreamStartEvent
    if isinstance(get_event(), yaml.StreamEndEvent):  # an empty file
        return None, duplicates
    root: Any = None
    stack: list = []       # the open LineMaps and LineLists, innermost last
    pending: list = []     # per open container: the key waiting for its value (_NO_KEY if none; lists: unused)
    try:
        while True:
            event = get_event()
            kind = event.__class__
            if kind is scalar_event or kind is mapping_start or kind is sequence_start:
                line = event.start_mark.line + 1
                nodes += 1
                if nodes > max_nodes:
                    raise _too_many_nodes(line, max_nodes)
                if event.anchor is not None:
                    raise _Unsupported("anchors and aliases (*name) are not allowed in question files", line)
                if event.tag is not None:
                    raise _Unsupported("explicit tags (!!str …)", line)
                if len(stack) >= MAX_DEPTH:
                    raise _Unsupported(f"nested more than {MAX_DEPTH} levels deep", line)
                raw = None
                if kind is scalar_event:
                    value = event.value
                    if len(value) > MAX_SCALAR_CHARS:
                        raise _too_long(line, len(value))
                    if event.implicit[0]:  # plain: 12, true, null, 2026-01-31 … resolve as SafeLoader does
                        tag = resolve(yaml.ScalarNode, value, event.implicit)
                        if tag != _STR_TAG:
                            if tag not in _SIMPLE_SCALAR_TAGS:
                                raise _Unsupported("a merge key (<<) or value key (=)", line)
                            try:
                                raw = value
                                value = constructors[tag](loader, yaml.ScalarNode(tag, value, event.start_mark,
                                                                                  event.end_mark, event.style))
                            except ValueError:  # 2026-13-45: the pure-Python path reports it with its line
                                raise _Unsupported(f"{value!r} is not a valid date", line) from None
                    node = value
                elif kind is mapping_start:
                    node = LineMap()
                    node.line, node.key_lines = line, {}
                else:
                    node = LineList()
                    node.line, node.item_lines = line, []
                if not stack:
                    root = node
                elif stack[-1].__class__ is LineMap:
                    parent, key = stack[-1], pending[-1]
                    if key is _NO_KEY:  # this node is a key
                        if kind is not scalar_event or not isinstance(node, (str, int, float, bool)):
                            raise _Unsupported("mapping keys must be plain scalars", line)
                        pending[-1] = (node, line)
                        continue
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
                raise _Unsupported("anchors and aliases (*name) are not allowed in question files",
                                   event.start_mark.line + 1)
        end = get_event()
        if not isinstance(end, yaml.StreamEndEvent):
            raise _Unsupported("several YAML documents (---) in one file", end.start_mark.line + 1)
    finally:
        progress["nodes"] = nodes
    return root, duplicates


# --- results ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BankIssue:
    path: str
    line: int
    message: str
    kind: str = "q"          # q | skill | role | course | assessment | file
    item_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:"
        if self.item_id is not None:
            return f"{where} {self.kind} '{self.item_id}': {self.message}"
        return f"{where} {self.message}"


@dataclass(frozen=True)
class QuestionDef:
    id: str
    path: str
    line: int
    qtype: str
    difficulty: int
    skills: tuple[str, ...]
    definition: dict
    content_hash: str


@dataclass
class Bank:
    skills: list[dict] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)
    courses: list[dict] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    questions: list[QuestionDef] = field(default_factory=list)
    issues: list[BankIssue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


def content_hash(definition: dict) -> str:
    """A stable hash of a normalised definition: equal content, equal hash."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- the loader ------------------------------------------------------------------------------

class _FileChecker:
    """Validates one parsed file, appending issues with the file's display path."""

    def __init__(self, path: str, issues: list[BankIssue]):
        self.path = path
        self.issues = issues

    def error(self, line: int, message: str, kind: str = "file", item_id: str | None = None) -> None:
        self.issues.append(BankIssue(self.path, line, message, kind, item_id))

    def keys(self, mapping: LineMap, required: set, optional: set, kind: str, item_id: str | None) -> bool:
        """Report missing and unknown keys; True when the mapping has every required key."""
        ok = True
        for key in sorted(required - set(mapping), key=str):
            self.error(mapping.line, f"missing required key '{key}'", kind, item_id)
            ok = False
        for key in sorted(set(mapping) - required - optional, key=str):
            hint = _closest(str(key), required | optional)
            self.error(mapping.key_lines.get(key, mapping.line),
                       f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else ""), kind, item_id)
        return ok


def _closest(word: str, options: Iterable[str]) -> str | None:
    import difflib
    match = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.75)
    return match[0] if match else None


def _line_of(mapping: LineMap, key: str) -> int:
    return mapping.key_lines.get(key, mapping.line)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_number(value: Any) -> bool:
    """A real, finite number: not a bool, not .nan, .inf or -.inf."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _as_yaml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null (nothing)"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value.isoformat()}"
    return f"the number {value}"


def _text_as_written(container: LineMap | LineList, slot: Any, value: Any) -> tuple[str | None, str]:
    """(text, "") for a scalar that is text as written; (None, why) when YAML 1.1 read it as
    something else: 3.10 → 3.1, 014 → 12 (octal), 1:30 → 90 (base 60), yes → true, null."""
    if isinstance(value, str):
        return value, ""
    raw = container.raw.get(slot)
    if raw is None:  # not a plain scalar: a list, a mapping, or nothing
        return None, ""
    if _is_number(value) and str(value) == raw:  # 42, 0.5: the number reads as it was written
        return raw, ""
    return None, f"{raw} is read by YAML as {_as_yaml(value)}; quote it: '{raw}'"


def _number_as_written(container: LineMap | LineList, slot: Any, value: Any) -> str:
    """Why a number YAML 1.1 read differently from how Python (and people) read it is wrong, or "".

    014 is octal 12 and 1:30 is base-60 90 in YAML 1.1; .nan and .inf are no answer."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{container.raw.get(slot, value)} is not a finite number"
    raw = container.raw.get(slot)
    if raw is None or not _is_number(value):
        return ""
    for read in (float, lambda t: int(t, 0)):
        try:
            if read(raw) == value:
                return ""
        except ValueError:
            pass
    why = "base 60" if ":" in raw else "octal, for the leading 0" if raw.lstrip("+-").startswith("0") else "YAML 1.1"
    return f"{raw} is read by YAML as {value} ({why}); write the number in plain decimal"


def _hint(container: LineMap, key: str) -> str:
    """' (3.10 is read by YAML as the number 3.1; quote it: ...)' for a coerced text, else ''."""
    _, why = _text_as_written(container, key, container.get(key))
    return f" ({why})" if why else ""


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
        elif isinstance(fast_failure, yaml.MarkedYAMLError):
            issues.append(_syntax_issue(shown, text, fast_failure))
        else:
            reason, line = getattr(fast_failure, "reason", "") or "not plain YAML", getattr(fast_failure, "line", 1)
            issues.append(BankIssue(shown, line, f"YAML: {reason} at line {line} (a file this large, or this many, "
                                                 "may hold only plain YAML)"))
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


def _top_list(checker: _FileChecker, data: Any, key: str) -> list:
    if not isinstance(data, LineMap):
        checker.error(1, f"expected a mapping with a '{key}' list at the top")
        return []
    checker.keys(data, {key}, set(), "file", None)
    items = data.get(key)
    if not isinstance(items, LineList):
        if key in data:
            checker.error(_line_of(data, key), f"'{key}' must be a list")
        return []
    return items


# --- questions -------------------------------------------------------------------------------

def _check_choices(ck: _FileChecker, q: LineMap, qid: str, qtype: str) -> list[dict] | None:
    choices = q.get("choices")
    if not isinstance(choices, LineList):
        ck.error(_line_of(q, "choices"), "choices: must be a list of {text, correct, feedback}", "q", qid)
        return None
    low, high = schema.CHOICE_LIMITS[qtype]
    if not low <= len(choices) <= high:
        ck.error(_line_of(q, "choices"), f"choices: a {qtype} question needs {low}-{high} choices, found {len(choices)}",
                 "q", qid)
    normalised, seen = [], set()
    for choice, line in zip(choices, choices.item_lines):
        if not isinstance(choice, LineMap):
            ck.error(line, "choices: every choice must be a mapping with 'text'", "q", qid)
            continue
        ck.keys(choice, schema.CHOICE_KEYS_REQUIRED, schema.CHOICE_KEYS_OPTIONAL, "q", qid)
        text, why = _text_as_written(choice, "text", choice.get("text"))
        if not _is_text(text):
            ck.error(_line_of(choice, "text"), "choices: 'text' must be non-empty text"
                     + (f": {why}" if why else " (quote values like yes/no/true, 3.10, 014 or 1:30)"), "q", qid)
            continue
        if text.strip() in seen:
            ck.error(line, f"choices: duplicate choice text {text.strip()!r}", "q", qid)
        seen.add(text.strip())
        correct = choice.get("correct", False)
        if not isinstance(correct, bool):
            ck.error(_line_of(choice, "correct"), "choices: 'correct' must be true or false", "q", qid)
            correct = False
        feedback = choice.get("feedback")
        if feedback is not None and not _is_text(feedback):
            ck.error(_line_of(choice, "feedback"), "choices: 'feedback' must be text", "q", qid)
            feedback = None
        entry = {"text": text, "correct": correct}
        if feedback:
            entry["feedback"] = feedback
        normalised.append(entry)
    n_correct = sum(c["correct"] for c in normalised)
    if qtype == "single" and normalised and n_correct != 1:
        msg = "no choice is marked correct" if n_correct == 0 else f"{n_correct} choices are marked correct; a single question has exactly one"
        ck.error(_line_of(q, "choices"), f"choices: {msg}", "q", qid)
    if qtype == "multiple" and normalised and n_correct == 0:
        ck.error(_line_of(q, "choices"), "choices: no choice is marked correct", "q", qid)
    return normalised


def _parse_tolerance(value: Any) -> dict | None:
    if isinstance(value, bool):
        return None
    if _is_number(value) and value >= 0:
        return {"kind": "abs", "value": float(value)}
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", value)
        if m:
            return {"kind": "rel", "value": float(m.group(1))}
    return None


def _check_question(ck: _FileChecker, q: Any, line: int, file_skill: str | None,
                    known_skills: set[str] | None) -> QuestionDef | None:
    if not isinstance(q, LineMap):
        ck.error(line, "every question must be a mapping")
        return None
    before = len(ck.issues)
    qid = q.get("id")
    if not isinstance(qid, str) or not schema.ID_PATTERN.match(qid):
        shown = qid if isinstance(qid, str) else "?"
        ck.error(_line_of(q, "id"), "id: missing or invalid (use lowercase letters, digits, '.', '_' or '-')",
                 "q", shown)
        qid = shown
    qtype = q.get("type")
    if not isinstance(qtype, str) or qtype not in schema.TYPE_KEYS:
        ck.error(_line_of(q, "type"), f"type: {qtype!r} is not one of {', '.join(schema.TYPE_KEYS)}", "q", qid)
        ck.keys(q, schema.QUESTION_COMMON_REQUIRED,
                schema.QUESTION_COMMON_OPTIONAL | set().union(*(r | o for r, o in schema.TYPE_KEYS.values())), "q", qid)
        return None
    required, optional = schema.TYPE_KEYS[qtype]
    if "params" in q:
        required = required - {"answer"}
    ck.keys(q, schema.QUESTION_COMMON_REQUIRED | required, schema.QUESTION_COMMON_OPTIONAL | optional, "q", qid)

    definition: dict[str, Any] = {"type": qtype}
    difficulty = q.get("difficulty")
    if not isinstance(difficulty, int) or isinstance(difficulty, bool) or difficulty not in schema.DIFFICULTIES:
        if "difficulty" in q:
            ck.error(_line_of(q, "difficulty"), f"difficulty: must be an integer 1-5, not {difficulty!r}", "q", qid)
        difficulty = 3
    definition["difficulty"] = difficulty

    skills = q.get("skills", [file_skill] if file_skill else None)
    if skills is None:
        ck.error(q.line, "skills: no 'skills' here and no file-level 'skill' to default to", "q", qid)
        skills = []
    elif not isinstance(skills, list) or not skills or not all(isinstance(s, str) for s in skills):
        ck.error(_line_of(q, "skills"), "skills: must be a non-empty list of skill ids", "q", qid)
        skills = []
    elif known_skills is not None:
        for s in skills:
            if s not in known_skills:
                hint = _closest(s, known_skills)
                ck.error(_line_of(q, "skills"), f"skills: unknown skill '{s}'" + (f" (did you mean '{hint}'?)" if hint else ""),
                         "q", qid)
    definition["skills"] = list(dict.fromkeys(skills))

    for key in ("prompt", "explanation"):
        if key in q and not _is_text(q[key]):
            ck.error(_line_of(q, key), f"{key}: must be non-empty text{_hint(q, key)}", "q", qid)
        definition[key] = q.get(key) if isinstance(q.get(key), str) else ""

    refs = q.get("references")
    if refs is not None:
        if not isinstance(refs, list) or not refs:
            ck.error(_line_of(q, "references"), "references: must be a non-empty list of URLs", "q", qid)
            refs = []
        for ref in refs:
            if not isinstance(ref, str) or not schema.URL_PATTERN.match(ref):
                ck.error(_line_of(q, "references"), f"references: {ref!r} is not an http(s) URL", "q", qid)
        definition["references"] = [r for r in refs if isinstance(r, str)]

    if qtype in ("single", "multiple") and "choices" in q:
        definition["choices"] = _check_choices(ck, q, qid, qtype) or []
    elif qtype == "true_false" and "answer" in q:
        if not isinstance(q["answer"], bool):
            ck.error(_line_of(q, "answer"), "answer: must be true or false", "q", qid)
        definition["answer"] = bool(q["answer"])
    elif qtype == "numeric" and "answer" in q:
        answer = q["answer"]
        if why := _number_as_written(q, "answer", answer):
            ck.error(_line_of(q, "answer"), f"answer: {why}", "q", qid)
            answer = 0.0
        elif not _is_number(answer):
            ck.error(_line_of(q, "answer"), f"answer: must be a number, not {answer!r}", "q", qid)
            answer = 0.0
        definition["answer"] = float(answer)
        if "tolerance" in q:
            tolerance = _parse_tolerance(q["tolerance"])
            if why := _number_as_written(q, "tolerance", q["tolerance"]):
                ck.error(_line_of(q, "tolerance"), f"tolerance: {why}", "q", qid)
            elif tolerance is None:
                ck.error(_line_of(q, "tolerance"), "tolerance: use a non-negative number (absolute) or a percentage like '1%'",
                         "q", qid)
            else:
                definition["tolerance"] = tolerance
        if "unit" in q:
            if not _is_text(q["unit"]):
                ck.error(_line_of(q, "unit"), f"unit: must be text{_hint(q, 'unit')}", "q", qid)
            else:
                definition["unit"] = q["unit"]
    elif qtype == "short":
        answers = q.get("answers", LineList())
        if not isinstance(answers, LineList):
            ck.error(_line_of(q, "answers"), "answers: must be a list of accepted texts", "q", qid)
            answers = []
        texts = []
        for index, (answer, answer_line) in enumerate(zip(answers, answers.item_lines if answers else [])):
            text, why = _text_as_written(answers, index, answer)
            if text is None:
                ck.error(answer_line, "answers: every accepted answer must be text" + (f": {why}" if why else ""),
                         "q", qid)
            else:
                texts.append(text)
        answers = texts
        if answers:
            definition["answers"] = answers
        pattern = q.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
                definition["pattern"] = pattern
            except (re.error, TypeError) as exc:
                ck.error(_line_of(q, "pattern"), f"pattern: not a valid regular expression ({exc})", "q", qid)
        if not answers and pattern is None and "params" not in q:
            ck.error(q.line, "a short question needs 'answers' or 'pattern'", "q", qid)
        if "case_sensitive" in q:
            if not isinstance(q["case_sensitive"], bool):
                ck.error(_line_of(q, "case_sensitive"), "case_sensitive: must be true or false", "q", qid)
            else:
                definition["case_sensitive"] = q["case_sensitive"]

    if "feedback" in q and qtype in ("true_false", "numeric", "short"):
        if not _is_text(q["feedback"]):
            ck.error(_line_of(q, "feedback"), f"feedback: must be text{_hint(q, 'feedback')}", "q", qid)
        else:
            definition["feedback"] = q["feedback"]

    if "check" in q:
        check = q["check"]
        if not isinstance(check, LineMap):
            ck.error(_line_of(q, "check"), "check: must be a mapping like {python: '1 + 1'}", "q", qid)
        else:
            ck.keys(check, schema.CHECK_KEYS, set(), "q", qid)
            if "python" in check and not _is_text(check["python"]):
                ck.error(_line_of(check, "python"), "check: 'python' must be code", "q", qid)
            definition["check"] = {k: v for k, v in check.items() if k in schema.CHECK_KEYS}

    if "requires" in q:
        if not _is_text(q["requires"]):
            ck.error(_line_of(q, "requires"), "requires: must be text like \"pandas>=2.0\"", "q", qid)
        else:
            definition["requires"] = q["requires"]

    if "reviewed" in q:
        reviewed = q["reviewed"]
        if isinstance(reviewed, dt.date):
            definition["reviewed"] = reviewed.isoformat()
        elif isinstance(reviewed, str) and schema.DATE_PATTERN.match(reviewed):
            definition["reviewed"] = reviewed
        else:
            ck.error(_line_of(q, "reviewed"), "reviewed: must be a date YYYY-MM-DD", "q", qid)

    if "params" in q:
        _check_params(ck, q, qid, qtype, definition)

    if len(ck.issues) > before:
        return None
    return QuestionDef(qid, ck.path, q.line, qtype, difficulty, tuple(definition["skills"]), definition,
                       content_hash(definition))


def _check_params(ck: _FileChecker, q: LineMap, qid: str, qtype: str, definition: dict) -> None:
    """Parameterised items: declared values, known slots, and a check to compute keys."""
    params, line = q["params"], _line_of(q, "params")
    if qtype not in schema.PARAM_TYPES:
        ck.error(line, f"params: only {' and '.join(schema.PARAM_TYPES)} questions can be parameterised", "q", qid)
        return
    for key in ("answer", "answers", "pattern"):
        if key in q:
            ck.error(_line_of(q, key), f"{key}: a parameterised question has no fixed key; `check` computes it",
                     "q", qid)
    check = q.get("check")
    if not isinstance(check, LineMap) or "python" not in check:
        ck.error(line, "params: a parameterised question needs `check: {python: ...}` to compute its keys", "q", qid)
    if not isinstance(params, LineMap) or not params:
        ck.error(line, "params: must map names to lists of values", "q", qid)
        return
    combinations = 1
    for name, values in params.items():
        if not isinstance(name, str) or not schema.PARAM_NAME_PATTERN.match(name):
            ck.error(params.key_lines.get(name, line), f"params: {name!r} is not a valid name (lowercase identifier)",
                     "q", qid)
        if (not isinstance(values, list) or not values
                or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values)):
            ck.error(params.key_lines.get(name, line), f"params: '{name}' needs a non-empty list of numbers or texts",
                     "q", qid)
            return
        for index, value in enumerate(values):  # 014, 1:30, .nan: not the number the author meant
            if why := _number_as_written(values, index, value):
                ck.error(values.item_lines[index], f"params: '{name}': {why}", "q", qid)
        if len(set(map(repr, values))) != len(values):
            ck.error(params.key_lines.get(name, line), f"params: '{name}' lists a value twice", "q", qid)
        combinations *= len(values)
    if not 2 <= combinations <= schema.MAX_PARAM_COMBINATIONS:
        ck.error(line, f"params: {combinations} combinations; use 2-{schema.MAX_PARAM_COMBINATIONS}", "q", qid)
    texts = [definition.get("prompt", ""), definition.get("explanation", ""),
             (check.get("python", "") if isinstance(check, LineMap) else ""), definition.get("feedback", "")]
    for text in texts:
        for name in schema.SLOT_PATTERN.findall(text if isinstance(text, str) else ""):
            if name not in params:
                ck.error(line, f"params: slot {{{{{name}}}}} is not declared", "q", qid)
    if not schema.SLOT_PATTERN.search(definition.get("prompt", "")):
        ck.error(_line_of(q, "prompt"), "prompt: a parameterised question must show its parameters with {{name}}",
                 "q", qid)
    definition["params"] = {name: list(values) for name, values in params.items()}


def _load_question_file(path: Path, issues: list[BankIssue], known_skills: set[str] | None,
                        budget: ParseBudget | None = None) -> tuple[list[QuestionDef], list[tuple[str, int]]]:
    """The valid questions of one file, and (id, line) of every question with a well-formed id,
    valid or not, so that a duplicate id is reported whatever else is wrong."""
    data = parse_yaml(path, issues, budget)
    if data is None:
        return [], []
    ck = _FileChecker(display_path(path), issues)
    if not isinstance(data, LineMap):
        ck.error(1, "expected a mapping with 'skill' and a 'questions' list at the top")
        return [], []
    ck.keys(data, {"questions"}, {"skill"}, "file", None)
    file_skill = data.get("skill")
    if file_skill is not None:
        if not isinstance(file_skill, str):
            ck.error(_line_of(data, "skill"), "skill: must be a skill id")
            file_skill = None
        elif known_skills is not None and file_skill not in known_skills:
            ck.error(_line_of(data, "skill"), f"skill: unknown skill '{file_skill}'")
    questions = data.get("questions")
    if not isinstance(questions, LineList):
        if "questions" in data:
            ck.error(_line_of(data, "questions"), "questions: must be a list")
        return [], []
    if len(questions) > MAX_QUESTIONS_PER_FILE:
        ck.error(questions.line, f"questions: {len(questions):,} questions; at most {MAX_QUESTIONS_PER_FILE} per file "
                                 "(split the file by topic)")
        return [], []
    defs, ids = [], []
    for q, line in zip(questions, questions.item_lines):
        if len(issues) >= MAX_ISSUES:
            break
        qd = _check_question(ck, q, line, file_skill, known_skills)
        if qd is not None:
            defs.append(qd)
        if isinstance(q, LineMap) and isinstance(q.get("id"), str) and schema.ID_PATTERN.match(q["id"]):
            ids.append((q["id"], q.line))
    return defs, ids


def _question_ids(path: Path) -> list[tuple[str, int]]:
    """(id, line) of the questions in a file, valid or not; nothing when it cannot be parsed."""
    data = parse_yaml(path, [])
    questions = data.get("questions") if isinstance(data, LineMap) else None
    if not isinstance(questions, LineList) or len(questions) > MAX_QUESTIONS_PER_FILE:
        return []
    return [(q["id"], q.line) for q in questions
            if isinstance(q, LineMap) and isinstance(q.get("id"), str) and schema.ID_PATTERN.match(q["id"])]


# --- catalogue files -------------------------------------------------------------------------

def _load_skills(path: Path, issues: list[BankIssue]) -> list[dict]:
    ck = _FileChecker(display_path(path), issues)
    out, seen = [], {}
    for item, line in _items(ck, parse_yaml(path, issues), "skills"):
        sid = item.get("id")
        if not isinstance(sid, str) or not schema.SKILL_ID_PATTERN.match(sid):
            ck.error(_line_of(item, "id"), "id: a skill id looks like 'area.name' (lowercase, digits, '_')",
                     "skill", str(sid))
            continue
        ok = ck.keys(item, schema.SKILL_KEYS_REQUIRED, schema.SKILL_KEYS_OPTIONAL, "skill", sid)
        if sid in seen:
            ck.error(line, f"duplicate skill id (first defined on line {seen[sid]})", "skill", sid)
            continue
        seen[sid] = line
        if item.get("area") not in schema.AREAS:
            ck.error(_line_of(item, "area"), f"area: must be one of {', '.join(schema.AREAS)}", "skill", sid)
            ok = False
        prereqs = item.get("prerequisites", [])
        if not isinstance(prereqs, list) or not all(isinstance(p, str) for p in prereqs):
            ck.error(_line_of(item, "prerequisites"), "prerequisites: must be a list of skill ids", "skill", sid)
            prereqs = []
        if not _is_text(item.get("name")):
            if "name" in item:  # a missing name is reported by ck.keys above
                ck.error(_line_of(item, "name"), "name: must be non-empty text", "skill", sid)
            ok = False
        if ok:
            out.append({"id": sid, "name": item["name"], "area": item["area"], "prerequisites": list(prereqs),
                        "description": item.get("description") or "", "line": line, "path": ck.path})
    known = {s["id"] for s in out}
    for s in out:
        for p in s["prerequisites"]:
            if p not in known:
                ck.error(s["line"], f"prerequisites: unknown skill '{p}'", "skill", s["id"])
    for cycle in _cycles({s["id"]: [p for p in s["prerequisites"] if p in known] for s in out}):
        first = next(s for s in out if s["id"] == cycle[0])
        ck.error(first["line"], "prerequisites form a cycle: " + " -> ".join(cycle + [cycle[0]]), "skill", cycle[0])
    return out


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Return one representative cycle per strongly connected loop (depth-first search)."""
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "active"
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == "active":
                found.append(stack[stack.index(nxt):])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node)
    return found


def _items(ck: _FileChecker, data: Any, key: str):
    items = _top_list(ck, data, key) if data is not None else []
    for item, line in zip(items, getattr(items, "item_lines", [])):
        if not isinstance(item, LineMap):
            ck.error(line, f"every entry of '{key}' must be a mapping")
            continue
        yield item, line


def _check_skill_refs(ck: _FileChecker, line: int, refs: Any, known: set[str], kind: str, item_id: str,
                      key: str = "skills") -> list[str]:
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        ck.error(line, f"{key}: must be a non-empty list of skill ids", kind, item_id)
        return []
    for r in refs:
        if r not in known:
            hint = _closest(r, known)
            ck.error(line, f"{key}: unknown skill '{r}'" + (f" (did you mean '{hint}'?)" if hint else ""), kind, item_id)
    return list(refs)


def _load_roles(path: Path, issues: list[BankIssue], known: set[str]) -> list[dict]:
    ck = _FileChecker(display_path(path), issues)
    out, seen = [], set()
    for item, line in _items(ck, parse_yaml(path, issues), "roles"):
        rid = item.get("id")
        if not isinstance(rid, str) or not schema.ID_PATTERN.match(rid):
            ck.error(_line_of(item, "id"), "id: missing or invalid", "role", str(rid))
            continue
        before = len(issues)
        ck.keys(item, schema.ROLE_KEYS_REQUIRED, schema.ROLE_KEYS_OPTIONAL, "role", rid)
        if rid in seen:
            ck.error(line, "duplicate role id", "role", rid)
        seen.add(rid)
        targets = {}
        raw = item.get("targets")
        if not isinstance(raw, LineMap) or not raw:
            ck.error(_line_of(item, "targets"), "targets: must map skill ids to a level 1-5", "role", rid)
            raw = LineMap()
        for sid, spec in raw.items():
            tline = raw.key_lines.get(sid, raw.line)
            if sid not in known:
                ck.error(tline, f"targets: unknown skill '{sid}'", "role", rid)
                continue
            if isinstance(spec, int) and not isinstance(spec, bool):
                spec = {"level": spec}
            elif isinstance(spec, LineMap):
                ck.keys(spec, schema.TARGET_KEYS_REQUIRED, schema.TARGET_KEYS_OPTIONAL, "role", rid)
            else:
                ck.error(tline, f"targets: '{sid}' needs a level 1-5 or {{level, weight, mastery_p}}", "role", rid)
                continue
            level, weight, mastery = spec.get("level"), spec.get("weight", 1.0), spec.get("mastery_p", 0.5)
            if level not in schema.DIFFICULTIES or isinstance(level, bool):
                ck.error(tline, f"targets: level of '{sid}' must be 1-5", "role", rid)
                continue
            if not _is_number(weight) or weight <= 0:
                ck.error(tline, f"targets: weight of '{sid}' must be a positive number", "role", rid)
                continue
            if not _is_number(mastery) or not 0 < mastery < 1:
                ck.error(tline, f"targets: mastery_p of '{sid}' must be between 0 and 1", "role", rid)
                continue
            targets[sid] = {"level": level, "weight": float(weight), "mastery_p": float(mastery)}
        if len(issues) == before:
            out.append({"id": rid, "name": item["name"], "description": item.get("description") or "",
                        "targets": targets, "line": line})
    return out


def _load_courses(path: Path, issues: list[BankIssue], known: set[str]) -> list[dict]:
    ck = _FileChecker(display_path(path), issues)
    out, seen = [], set()
    for item, line in _items(ck, parse_yaml(path, issues), "courses"):
        cid = item.get("id")
        if not isinstance(cid, str) or not schema.ID_PATTERN.match(cid):
            ck.error(_line_of(item, "id"), "id: missing or invalid", "course", str(cid))
            continue
        before = len(issues)
        ck.keys(item, schema.COURSE_KEYS_REQUIRED, schema.COURSE_KEYS_OPTIONAL, "course", cid)
        if cid in seen:
            ck.error(line, "duplicate course id", "course", cid)
        seen.add(cid)
        for key in ("title", "provider"):
            if key in item and not _is_text(item[key]):
                ck.error(_line_of(item, key), f"{key}: must be non-empty text", "course", cid)
        if "url" in item and not (isinstance(item["url"], str) and schema.URL_PATTERN.match(item["url"])):
            ck.error(_line_of(item, "url"), "url: must be an http(s) URL", "course", cid)
        if "skills" in item:
            _check_skill_refs(ck, _line_of(item, "skills"), item["skills"], known, "course", cid)
        for key, allowed in (("level", schema.COURSE_LEVELS), ("cost", schema.COURSE_COSTS),
                             ("format", schema.COURSE_FORMATS)):
            if key in item and item[key] not in allowed:
                ck.error(_line_of(item, key), f"{key}: must be one of {', '.join(allowed)}", "course", cid)
        hours = item.get("hours")
        if "hours" in item and (not _is_number(hours) or hours <= 0):
            ck.error(_line_of(item, "hours"), "hours: must be a positive number", "course", cid)
        if len(issues) == before:
            out.append({"id": cid, "title": item["title"], "provider": item["provider"], "url": item["url"],
                        "skills": list(item["skills"]), "level": item["level"], "hours": float(hours),
                        "cost": item["cost"], "format": item.get("format", "course"),
                        "description": item.get("description") or "", "line": line})
    return out


def _load_projects(path: Path, issues: list[BankIssue], known: set[str]) -> list[dict]:
    ck = _FileChecker(display_path(path), issues)
    out, seen = [], set()
    for item, line in _items(ck, parse_yaml(path, issues), "projects"):
        pid = item.get("id")
        if not isinstance(pid, str) or not schema.ID_PATTERN.match(pid):
            ck.error(_line_of(item, "id"), "id: missing or invalid", "project", str(pid))
            continue
        before = len(issues)
        ck.keys(item, schema.PROJECT_KEYS_REQUIRED, schema.PROJECT_KEYS_OPTIONAL, "project", pid)
        if pid in seen:
            ck.error(line, "duplicate project id", "project", pid)
        seen.add(pid)
        for key in ("title", "description"):
            if key in item and not _is_text(item[key]):
                ck.error(_line_of(item, key), f"{key}: must be non-empty text", "project", pid)
        if "skills" in item:
            _check_skill_refs(ck, _line_of(item, "skills"), item["skills"], known, "project", pid)
        if "level" in item and item["level"] not in schema.COURSE_LEVELS:
            ck.error(_line_of(item, "level"), f"level: must be one of {', '.join(schema.COURSE_LEVELS)}", "project", pid)
        hours = item.get("hours")
        if "hours" in item and (not _is_number(hours) or hours <= 0):
            ck.error(_line_of(item, "hours"), "hours: must be a positive number", "project", pid)
        if "url" in item and not (isinstance(item["url"], str) and schema.URL_PATTERN.match(item["url"])):
            ck.error(_line_of(item, "url"), "url: must be an http(s) URL", "project", pid)
        if len(issues) == before:
            out.append({"id": pid, "title": item["title"], "description": item["description"],
                        "skills": list(item["skills"]), "level": item["level"], "hours": float(hours),
                        "url": item.get("url", ""), "line": line})
    return out


def _load_assessments(path: Path, issues: list[BankIssue], skills: list[dict], role_ids: set[str]) -> list[dict]:
    ck = _FileChecker(display_path(path), issues)
    known = {s["id"] for s in skills}
    out, seen = [], set()
    for item, line in _items(ck, parse_yaml(path, issues), "assessments"):
        aid = item.get("id")
        if not isinstance(aid, str) or not schema.ID_PATTERN.match(aid):
            ck.error(_line_of(item, "id"), "id: missing or invalid", "assessment", str(aid))
            continue
        before = len(issues)
        ck.keys(item, schema.ASSESSMENT_KEYS_REQUIRED, schema.ASSESSMENT_KEYS_OPTIONAL, "assessment", aid)
        if aid in seen:
            ck.error(line, "duplicate assessment id", "assessment", aid)
        seen.add(aid)
        if "role" in item and (not isinstance(item["role"], str) or item["role"] not in role_ids):
            ck.error(_line_of(item, "role"), f"role: unknown role '{item['role']}'", "assessment", aid)
        if "mode" in item and item["mode"] not in schema.ASSESSMENT_MODES:
            ck.error(_line_of(item, "mode"), f"mode: must be one of {', '.join(schema.ASSESSMENT_MODES)}",
                     "assessment", aid)
        count = item.get("questions")
        if "questions" in item and (isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 200):
            ck.error(_line_of(item, "questions"), "questions: must be a whole number 1-200", "assessment", aid)
        limit = item.get("time_limit")
        if "time_limit" in item and (isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 600):
            ck.error(_line_of(item, "time_limit"), "time_limit: minutes, a whole number 1-600", "assessment", aid)
        chosen: list[str] = []
        if ("skills" in item) == ("areas" in item):
            ck.error(line, "give exactly one of 'skills' (a list, or 'all') and 'areas'", "assessment", aid)
        elif item.get("skills") == "all":
            chosen = [s["id"] for s in skills]
        elif "skills" in item:
            chosen = _check_skill_refs(ck, _line_of(item, "skills"), item["skills"], known, "assessment", aid)
        else:
            areas = item["areas"]
            if not isinstance(areas, list) or not areas or any(a not in schema.AREAS for a in areas):
                ck.error(_line_of(item, "areas"), f"areas: must be a list drawn from {', '.join(schema.AREAS)}",
                         "assessment", aid)
            else:
                chosen = [s["id"] for s in skills if s["area"] in areas]
        if len(issues) == before:
            out.append({"id": aid, "name": item["name"], "description": item.get("description") or "",
                        "role": item["role"], "questions": count, "mode": item["mode"], "skills": chosen,
                        "time_limit": item.get("time_limit"), "line": line})
    return out


# --- entry point -----------------------------------------------------------------------------

def question_files(root: Path) -> list[Path]:
    """Every question file under root: *.yaml / *.yml except the catalogue files at the top."""
    files = [p for p in sorted(root.rglob("*.y*ml"))
             if p.suffix in (".yaml", ".yml") and not (p.parent == root and p.name in schema.CATALOGUE_FILES)]
    return files


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    out = []
    for p in paths:
        out.extend(sorted(q for q in p.rglob("*.y*ml") if q.suffix in (".yaml", ".yml")) if p.is_dir() else [p])
    return out


def load_bank(root: Path | str, paths: Sequence[Path | str] | None = None, budget: ParseBudget | None = None) -> Bank:
    """Load the catalogue and questions under root; with paths, validate only those files.

    With a budget (an upload), the selected files share it: see ParseBudget.

    Issues are reported for the selected files (and the catalogue); question ids are checked
    for uniqueness against every file under root, so a new file cannot reuse an existing id.
    """
    root = Path(root)
    bank = Bank()
    issues = bank.issues

    def catalogue(name: str) -> Path | None:
        p = root / name
        return p if p.exists() else None

    skills_path = catalogue("skills.yaml")
    if skills_path is None:
        issues.append(BankIssue(display_path(root / "skills.yaml"), 1, "the skill taxonomy file is missing"))
    bank.skills = _load_skills(skills_path, issues) if skills_path else []
    known = {s["id"] for s in bank.skills}
    if p := catalogue("roles.yaml"):
        bank.roles = _load_roles(p, issues, known)
    if p := catalogue("courses.yaml"):
        bank.courses = _load_courses(p, issues, known)
    if p := catalogue("projects.yaml"):
        bank.projects = _load_projects(p, issues, known)
    if p := catalogue("assessments.yaml"):
        bank.assessments = _load_assessments(p, issues, bank.skills, {r["id"] for r in bank.roles})

    all_files = question_files(root) if root.is_dir() else []
    selected = expand_paths([Path(p) for p in paths]) if paths else all_files
    selected = [p for p in selected if not (p.resolve().parent == root.resolve() and p.name in schema.CATALOGUE_FILES)]
    selected_set = {p.resolve() for p in selected}
    others = [p for p in all_files if p.resolve() not in selected_set]
    bank.files = [display_path(p) for p in selected]

    seen: dict[str, tuple[str, int]] = {}  # id → (path, line) where it first appears
    shown = display_path(root)
    for path in selected:
        shown = display_path(path)
        if len(issues) >= MAX_ISSUES:
            break
        defs, ids = _load_question_file(path, issues, known if skills_path else None, budget)
        repeated = set()
        for qid, line in ids:
            if qid in seen:
                first_path, first_line = seen[qid]
                issues.append(BankIssue(shown, line, f"duplicate id (also at {first_path}:{first_line})", "q", qid))
                repeated.add((qid, line))
            else:
                seen[qid] = (shown, line)
        bank.questions.extend(qd for qd in defs if (qd.id, qd.line) not in repeated)
    if len(issues) >= MAX_ISSUES:
        issues.append(BankIssue(shown, 1, f"validation stopped here after {MAX_ISSUES:,} problems, so there may be "
                                          "more: fix these and validate again"))
    for path in others:  # only for id collisions; their own issues belong to another run
        for qid, line in _question_ids(path):
            if qid in seen:
                mine_path, mine_line = seen[qid]
                issues.append(BankIssue(mine_path, mine_line, f"duplicate id (also at {display_path(path)}:{line})",
                                        "q", qid))
    return bank
