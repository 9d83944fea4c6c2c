"""The words validators share: a checker that records issues with lines, and the value tests
(text, finite number, a YAML 1.1 coercion to quote) that make their messages precise."""
from __future__ import annotations

import datetime as dt
import difflib
import math
from typing import Any, Iterable

from .definitions import BankIssue
from .yaml_lines import LineList, LineMap


class FileChecker:
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
            hint = closest_match(str(key), required | optional)
            self.error(mapping.key_lines.get(key, mapping.line),
                       f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else ""), kind, item_id)
        return ok


class ItemChecker:
    """One item's view of a FileChecker: its issues carry the item's kind and id."""

    def __init__(self, file: FileChecker, kind: str, item_id: str):
        self.file, self.kind, self.item_id = file, kind, item_id

    def error(self, line: int, message: str) -> None:
        self.file.error(line, message, self.kind, self.item_id)

    def keys(self, mapping: LineMap, required: set, optional: set) -> bool:
        return self.file.keys(mapping, required, optional, self.kind, self.item_id)


def closest_match(word: str, options: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.75)
    return match[0] if match else None


def line_of(mapping: LineMap, key: str) -> int:
    return mapping.key_lines.get(key, mapping.line)


def is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def is_number(value: Any) -> bool:
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


def text_as_written(container: LineMap | LineList, slot: Any, value: Any) -> tuple[str | None, str]:
    """(text, "") for a scalar that is text as written; (None, why) when YAML 1.1 read it as
    something else: 3.10 → 3.1, 014 → 12 (octal), 1:30 → 90 (base 60), yes → true, null."""
    if isinstance(value, str):
        return value, ""
    raw = container.raw.get(slot)
    if raw is None:  # not a plain scalar: a list, a mapping, or nothing
        return None, ""
    if is_number(value) and str(value) == raw:  # 42, 0.5: the number reads as it was written
        return raw, ""
    return None, f"{raw} is read by YAML as {_as_yaml(value)}; quote it: '{raw}'"


def number_as_written(container: LineMap | LineList, slot: Any, value: Any) -> str:
    """Why a number YAML 1.1 read differently from how Python (and people) read it is wrong, or "".

    014 is octal 12 and 1:30 is base-60 90 in YAML 1.1; .nan and .inf are no answer."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{container.raw.get(slot, value)} is not a finite number"
    raw = container.raw.get(slot)
    if raw is None or not is_number(value):
        return ""
    for read in (float, lambda t: int(t, 0)):
        try:
            if read(raw) == value:
                return ""
        except ValueError:
            pass
    why = "base 60" if ":" in raw else "octal, for the leading 0" if raw.lstrip("+-").startswith("0") else "YAML 1.1"
    return f"{raw} is read by YAML as {value} ({why}); write the number in plain decimal"


def coercion_hint(container: LineMap, key: str) -> str:
    """' (3.10 is read by YAML as the number 3.1; quote it: ...)' for a coerced text, else ''."""
    _, why = text_as_written(container, key, container.get(key))
    return f" ({why})" if why else ""


