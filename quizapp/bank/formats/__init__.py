"""Import and export between our YAML questions and GIFT, Aiken, Moodle XML, QTI and Canvas (QTI 1.2) formats.

Converters never drop content silently: whatever a format cannot carry becomes a
ConversionIssue (with the source line), and a question we cannot represent is skipped.
Imported questions are plain dicts shaped like the `questions:` entries of a question file
(docs/question-format.md); `to_yaml` writes them out for an instructor to review.
"""
from __future__ import annotations

import importlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

import yaml


@dataclass(frozen=True)
class ConversionIssue:
    """Something a conversion could not carry, at a line of `source` (of the converted file when source is None).

    line 0 means "no line"; the converters give every issue a line (an exporter without the
    questions' YAML locations can give none for a question it did not write).
    """

    line: int
    question: str | None
    message: str
    source: str | None = None

    def __str__(self) -> str:
        if self.source:
            where = f"{self.source}:{self.line}: "
        else:
            where = f"line {self.line}: " if self.line else ""
        if self.question is not None:
            return f"{where}q '{self.question}': {self.message}"
        return f"{where}{self.message}"


@dataclass
class ConversionResult:
    """Imported questions (YAML-ready dicts), the issues met, the source category of each id and every
    category line of the source as (line, path)."""

    questions: list[dict]
    issues: list[ConversionIssue]
    categories: dict[str, str] = field(default_factory=dict)
    category_lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ExportResult:
    """An export: the text, what was lost (per question), and the ids actually written, in order."""

    text: str
    issues: list[ConversionIssue]
    written: list[str]
    data: bytes | None = None     # a binary export (a QTI zip package) instead of text

    @property
    def skipped(self) -> list[ConversionIssue]:
        """The issues of the questions that are not in the text: one per question, saying why."""
        written = set(self.written)
        return [issue for issue in self.issues if issue.question not in written]


def located(locations: Mapping[str, tuple[str, int]] | None, qid: str, output_line: int,
            message: str) -> ConversionIssue:
    """An export issue at the question's YAML file and line when known, else at its line in the output."""
    if locations and qid in locations:
        path, line = locations[qid]
        return ConversionIssue(line, qid, message, str(path))
    return ConversionIssue(output_line, qid, message)


IMPORT_FORMATS = {"gift": ("gift", "import_gift"), "aiken": ("aiken", "import_aiken"),
                  "moodle-xml": ("moodle_xml", "import_moodle_xml")}
EXPORT_FORMATS = {"gift": ("gift", "export_gift"), "moodle-xml": ("moodle_xml", "export_moodle_xml"),
                  "qti": ("qti", "export_qti")}


def importer(name: str) -> Callable[..., ConversionResult]:
    """The import function for a CLI format name (gift, aiken, moodle-xml)."""
    module, func = IMPORT_FORMATS[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), func)


def exporter(name: str) -> Callable[..., ExportResult]:
    """The export function for a CLI format name (gift, moodle-xml)."""
    module, func = EXPORT_FORMATS[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), func)


# --- YAML writer -----------------------------------------------------------------------------

KEY_ORDER = ("id", "type", "difficulty", "skills", "prompt", "choices", "answer", "tolerance", "unit", "answers",
             "pattern", "example", "case_sensitive", "feedback", "explanation", "references", "check", "requires", "reviewed")
CHOICE_ORDER = ("text", "correct", "feedback")
# Characters a literal block cannot hold (or that YAML 1.1 reads as line breaks): such text is quoted.
_NOT_BLOCK_SAFE = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")


def format_number(value: float | int) -> str:
    """A number that YAML, GIFT and PHP all read back as the same float (YAML wants 1.0e+20, not 1e+20)."""
    if isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(float(value))
    if "e" not in text:
        return text
    if abs(value) < 1:
        return format(Decimal(text), "f")                       # 1e-07 → 0.0000001
    mantissa, exponent = text.split("e")
    return f"{mantissa if '.' in mantissa else mantissa + '.0'}e{exponent}"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    dumped = yaml.safe_dump({"k": value}, allow_unicode=True, width=float("inf"), default_flow_style=False)
    return dumped[len("k: "):].rstrip("\n")


def _value_lines(key: str, value: Any, indent: int) -> list[str]:
    """`key: value` at `indent` spaces; multi-line text as a literal block, lists and maps in block style."""
    pad = " " * indent
    if isinstance(value, str) and "\n" in value and not _NOT_BLOCK_SAFE.search(value):
        body = value[:-1] if value.endswith("\n") else value
        chomp = "-" if not value.endswith("\n") else ("+" if body.endswith("\n") else "")
        lines = body.split("\n")
        indicator = "2" if lines[0][:1] in ("", " ", "\t") else ""   # YAML cannot guess the indent then
        return [f"{pad}{key}: |{indicator}{chomp}"] + [f"{pad}  {line}" if line else "" for line in lines]
    if isinstance(value, list):
        if not any(isinstance(item, (dict, list)) for item in value):
            flow = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=float("inf")).strip()
            if len(pad) + len(key) + len(flow) <= 98 and not re.search(r"['\"]", flow):   # else block style
                return [f"{pad}{key}: {flow}"]
        out = [f"{pad}{key}:"]
        for item in value:
            if isinstance(item, dict):
                out.extend(_mapping_lines(item, indent + 2, CHOICE_ORDER, bullet=True))
            else:
                out.append(f"{pad}  - {_scalar(item)}")
        return out
    if isinstance(value, dict):
        return [f"{pad}{key}:"] + _mapping_lines(value, indent + 2, ())
    return [f"{pad}{key}: {_scalar(value)}"]


def _mapping_lines(mapping: dict, indent: int, order: tuple[str, ...], bullet: bool = False) -> list[str]:
    keys = [k for k in order if k in mapping] + sorted(k for k in mapping if k not in order)
    out: list[str] = []
    for key in keys:
        out.extend(_value_lines(key, mapping[key], indent + (2 if bullet else 0)))
    if bullet and out:
        out[0] = " " * indent + "- " + out[0][indent + 2:]
    return out


def _question_lines(question: dict) -> list[str]:
    lines = _mapping_lines(question, 2, KEY_ORDER, bullet=True)
    todo = [f"    # {key}: {why}" for key, why in (
        ("explanation", "missing in the source; write one before importing"),
        ("references", "missing in the source; add at least one http(s) URL"),
    ) if not question.get(key)]
    return lines + todo


def to_yaml(result_questions: list[dict], skill: str) -> str:
    """A question file (`skill:` + `questions:`) in the hand-written style of docs/question-format.md.

    Every question is checked by parsing it back; one that would not read back identically is
    written in PyYAML's quoted style instead, so the output is always faithful.
    """
    out = [f"skill: {_scalar(skill)}", "questions:" if result_questions else "questions: []"]
    for question in result_questions:
        lines = _question_lines(question)
        try:
            faithful = yaml.safe_load("\n".join(lines) + "\n") == [question]
        except yaml.YAMLError:
            faithful = False
        if not faithful:
            dumped = yaml.safe_dump([question], allow_unicode=True, sort_keys=False, width=100)
            lines = ["  " + line if line else line for line in dumped.rstrip("\n").split("\n")]
        out.extend(lines)
    return "\n".join(out) + "\n"
