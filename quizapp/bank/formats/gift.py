"""GIFT, Moodle's plain-text question format, to and from quizapp questions.

The reader follows Moodle's own (question/format/gift/format.php) so a file means here what it
means in Moodle: blank lines separate questions, whole-line // comments are ignored, the first
{...} holds the answers (text after it makes a missing-word question), and the escapes
\\\\ \\~ \\= \\# \\{ \\} \\: \\n are resolved only after the syntax has been read. Facts GIFT has no
field for (difficulty, skills, references, checks) travel in a `// quizapp: {json}` comment
line right before the question, which Moodle ignores.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...questiontypes import QUESTION_TYPES
from . import ConversionIssue, ConversionResult, ExportResult, format_number, located
from ._common import (
    Answer,
    Categories,
    Ids,
    Note,
    NumericAnswer,
    Skip,
    apply_metadata,
    brief,
    choice_question,
    convert_text,
    export_metadata,
    finish,
    numeric_question,
    short_question,
    tag_facts,
)

# Escaped syntax characters become slots (Unicode noncharacters) while the syntax is parsed.
_ESCAPES = {"~": "\ufdd0", "=": "\ufdd1", "#": "\ufdd2", "{": "\ufdd3", "}": "\ufdd4", ":": "\ufdd5",
            "n": "\ufdd6"}
_RESERVED = re.compile("[\ufdd0-\ufdd6]")
_RESTORE = str.maketrans({mark: ("\n" if char == "n" else char) for char, mark in _ESCAPES.items()})
_FORMAT_MARK = re.compile(r"^\[(html|moodle|plain|markdown)\]")
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d*)?)%")
_META = re.compile(r"^//\s*quizapp:\s*(.*)$")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_HEADER = ("// Exported from quizapp. Each `// quizapp:` line keeps what GIFT has no field for\n"
           "// (difficulty, skills, references, checks); keep it to import the question back.\n")


# --- reading ---------------------------------------------------------------------------------

def _protect(text: str) -> str:
    """Replace escaped syntax characters by slots; `\\\\` becomes one backslash."""
    def one(match: re.Match) -> str:
        char = match.group(1)
        return "\\" if char == "\\" else _ESCAPES.get(char, match.group(0))
    return re.sub(r"\\(.)", one, text, flags=re.S)


def _split_format(raw: str, default: str) -> tuple[str, str]:
    raw = raw.strip()
    match = _FORMAT_MARK.match(raw)
    return (match.group(1), raw[match.end():]) if match else (default, raw)


def _text(raw: str, fmt: str) -> str:
    """A prompt, choice or feedback: optional [format] marker, escapes restored, as Markdown."""
    fmt, raw = _split_format(raw, fmt)
    return convert_text(raw.translate(_RESTORE), fmt)


def _literal(raw: str) -> str:
    """A short or numeric answer: matched literally, so only the marker and escapes are resolved."""
    return _split_format(raw, "plain")[1].translate(_RESTORE).strip()


def _split_weight(part: str, default: float) -> tuple[float, str]:
    match = WEIGHT.match(part)
    return (float(match.group(1)), part[match.end():]) if match else (default, part)


def _blocks(text: str):
    """Questions are separated by blank lines; yield each block's (line number, line) pairs."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _choices(answer: str, fmt: str, note: Note) -> dict:
    single = "=" in answer       # Moodle: no full-credit '=' answer means several may be chosen
    parts = answer.replace("=", "~=").split("~")
    if not parts[0].strip():
        parts = parts[1:]
    answers = []
    for part in parts:
        part = part.strip()
        if part.startswith("="):
            weight, part = 100.0, part[1:]
        else:
            weight, part = _split_weight(part, 0.0)
        text, _, feedback = part.partition("#")
        answers.append(Answer(_text(text, fmt), weight, _text(feedback, fmt)))
    return choice_question(answers, single, note)


def _true_false(answer: str, fmt: str, note: Note) -> dict:
    bits = answer.split("#", 2)          # {T#feedback if wrong#feedback if right}
    question: dict[str, Any] = {"type": "true_false", "answer": _TRUE_FALSE[bits[0].strip()]}
    if len(bits) > 1 and (wrong := _text(bits[1], fmt)):
        question["feedback"] = wrong
    if len(bits) > 2 and _text(bits[2], fmt):
        note("feedback for the right answer dropped (quizapp shows feedback only after a wrong answer)")
    return question


def _short(answer: str, fmt: str, note: Note) -> dict:
    parts = answer.split("=")
    if not parts[0].strip():
        parts = parts[1:]
    answers = []
    for part in parts:
        weight, part = _split_weight(part.strip(), 100.0)
        text, _, feedback = part.partition("#")
        answers.append(Answer(_literal(text), weight, _text(feedback, fmt)))
    return short_question(answers, note)


def _numeric(answer: str, fmt: str, note: Note) -> dict:
    body, wrong = answer[1:], ""
    if "~" in body:                      # {#=42 ~#feedback for any other answer}
        body, wrong = body[:body.index("~")], body[body.index("~"):]
    parts = body.split("=")
    if not parts[0].strip():
        parts = parts[1:]
    if not parts:
        raise Skip("the numeric answer block {#...} has no number")
    answers = []
    for part in parts:
        weight, part = _split_weight(part.strip(), 100.0)
        value, _, feedback = part.partition("#")
        value = _literal(value)
        if ".." in value[1:]:            # {#1..5}: the midpoint, with half the range as tolerance
            split = value.index("..", 1)  # from 1: a range may start with a minus sign
            low, high = value[:split], value[split + 2:]
            try:
                low_number, high_number = float(low), float(high)
            except ValueError:
                raise Skip(f"the range {value!r} is not two numbers") from None
            middle = (low_number + high_number) / 2
            if not (math.isfinite(middle) and math.isfinite(high_number - middle)):  # inf, nan, or past 1.8e308
                raise Skip(f"the range {value!r} is not two numbers")
            value, tolerance = format_number(middle), format_number(high_number - middle)
        elif ":" in value[1:]:
            value, _, tolerance = value.partition(":")
        else:
            tolerance = "0"
        answers.append(NumericAnswer(value.strip(), tolerance.strip(), weight, _text(feedback, fmt)))
    if wrong:
        answers.append(NumericAnswer("*", "", 0.0, _text(wrong[1:].partition("#")[2], fmt)))
    return numeric_question(answers, note)


def _question(raw: str, note: Note) -> dict:
    """One question's text (escapes protected, title removed) as a question dict without its id."""
    start, end = raw.find("{"), raw.find("}")
    if start == -1 and end == -1:
        raise Skip("no answer block {...}: a description (text only) has no quizapp equivalent")
    if start == -1 or end < start or "{" in raw[start + 1:end]:
        raise Skip("unbalanced braces; write a literal brace as \\{ or \\}")
    if "{" in raw[end + 1:]:
        raise Skip("several answer blocks (a cloze question) have no quizapp equivalent")
    if "}" in raw[end + 1:]:
        raise Skip("unbalanced braces; write a literal brace as \\{ or \\}")
    answer, after = raw[start + 1:end].strip(), raw[end + 1:].strip()
    text = raw[:start] + ("_____" + raw[end + 1:] if after else "")    # Moodle's missing-word format
    explanation = ""
    if (general := answer.rfind("####")) != -1:
        answer, explanation = answer[:general].strip(), answer[general + 4:]
    fmt, text = _split_format(text, "moodle")
    if answer == "":
        raise Skip("an essay question (empty answer block) has no quizapp equivalent")
    if answer.startswith("#"):
        question = _numeric(answer, fmt, note)
    elif "~" in answer:
        question = _choices(answer, fmt, note)
    elif "=" in answer and "->" in answer:
        raise Skip("a matching question has no quizapp equivalent")
    elif answer.split("#", 1)[0].strip() in _TRUE_FALSE:
        question = _true_false(answer, fmt, note)
    else:
        question = _short(answer, fmt, note)
    question["prompt"] = _text(text, fmt)
    if explanation := _text(explanation, fmt):
        question["explanation"] = explanation
    return question


def _moodle_comment(comment: str) -> tuple[str | None, list[str]]:
    """Moodle keeps a question's idnumber and tags in the comment before it: `// [id:x] [tag:y] [tag:z]`."""
    idnumber = re.search(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]", comment)
    tags = re.findall(r"\[tag:((?:\\\]|[^\]\x00-\x1f])+)\]", comment)
    return (_unescape_bracket(idnumber.group(1)) if idnumber else None), [_unescape_bracket(tag) for tag in tags]


def _unescape_bracket(text: str) -> str:
    return text.replace("\\]", "]").strip()


@dataclass
class _Block:
    """One block of lines between blank lines: its text lines and what its comment lines carry."""

    body: list[tuple[int, str]] = field(default_factory=list)     # (line number, stripped line)
    meta: Any = None                                               # the `// quizapp:` JSON, if it parsed
    meta_line: int = 0
    idnumber: str | None = None                                    # Moodle's `// [id:...]`
    tags: list[str] = field(default_factory=list)                  # Moodle's `// [tag:...]`


def _read_block(lines: list[tuple[int, str]], issues: list[ConversionIssue]) -> _Block:
    """Separate a block's text lines from its comments: the quizapp one, and Moodle's before the text."""
    block = _Block()
    for line_no, line in lines:
        stripped = line.strip()
        if not stripped.startswith("//"):
            block.body.append((line_no, stripped))
        elif match := _META.match(stripped):
            block.meta_line = line_no
            try:
                block.meta = json.loads(match.group(1))
            except json.JSONDecodeError as exc:
                issues.append(ConversionIssue(line_no, None,
                                              f"the quizapp comment is not valid JSON ({exc.msg}); ignored"))
        elif not block.body:
            found_id, found_tags = _moodle_comment(stripped)
            block.idnumber, block.tags = block.idnumber or found_id, block.tags + found_tags
    return block


def _title(raw: str) -> tuple[str | None, str]:
    """`::title::text` as (title, text); a `::` never closed is dropped and the rest is text."""
    if not raw.startswith("::"):
        return None, raw
    close = raw.find("::", 2)
    if close == -1:
        return None, raw[2:]
    return raw[2:close].translate(_RESTORE).strip(), raw[close + 2:].strip()


class _Reader:
    """Reads a GIFT file block by block: a block is nothing (comments only), a category or one question."""

    def __init__(self, source: str, category_skills: Mapping[str, str] | None):
        self.result = ConversionResult([], [])
        self.ids, self.number = Ids(source), 0
        self.categories = Categories(self.result, category_skills)

    def feed(self, lines: list[tuple[int, str]]) -> None:
        block = _read_block(lines, self.result.issues)
        if not block.body:
            if block.meta_line:
                self._issue(block.meta_line, None, "a quizapp comment with no question after it")
            return
        raw = "\n".join(content for _, content in block.body)
        if _RESERVED.search(raw):
            self.number += 1
            self._issue(block.body[0][0], self.ids.preview(None, self.number), "contains Unicode noncharacters "
                        "(U+FDD0-U+FDD6), which the reader reserves; skipped")
            return
        raw = _protect(raw)
        if raw.startswith("$CATEGORY:"):
            self._enter_category(block, raw)
        else:
            self._import_question(block, raw)

    def finish(self) -> ConversionResult:
        self.categories.close()
        return self.result

    def _issue(self, line: int, qid: str | None, message: str) -> None:
        self.result.issues.append(ConversionIssue(line, qid, message))

    def _enter_category(self, block: _Block, raw: str) -> None:
        """A `$CATEGORY:` line files the questions after it; Moodle reads the rest of its block as the name."""
        first, _, rest = raw.partition("\n")
        if block.meta_line:
            self._issue(block.meta_line, None, "a quizapp comment before a $CATEGORY line, not a question; ignored")
        self.categories.enter(block.body[0][0], first[len("$CATEGORY:"):].translate(_RESTORE))
        if rest.strip():
            self._issue(block.body[1][0], None, f"{brief(rest.translate(_RESTORE))} follows the $CATEGORY line in the "
                        "same block, so Moodle reads it as part of the category name; put a blank line before the "
                        "question; skipped")

    def _import_question(self, block: _Block, raw: str) -> None:
        self.number += 1
        line = block.body[0][0]
        title, raw = _title(raw)
        title = block.idnumber or title           # Moodle's idnumber is the stable id, as in Moodle XML
        qid = self.ids.preview(title, self.number)
        notes: list[str] = []
        try:
            question = _question(raw, notes.append)
            apply_metadata(question, tag_facts(block.tags, notes.append), notes.append)
            apply_metadata(question, block.meta, notes.append)
            question = finish({"id": qid, **question}, notes.append)
        except Skip as skip:
            self._issue(line, qid, f"{skip}; skipped")
            return
        self.ids.take(title, self.number)
        self.result.issues.extend(ConversionIssue(line, qid, message) for message in notes)
        self.result.questions.append(self.categories.file(qid, question))


def import_gift(text: str, source: str = "input.gift",
                category_skills: Mapping[str, str] | None = None) -> ConversionResult:
    """Read a GIFT file; questions we cannot represent are skipped with an issue naming their line.

    `category_skills` maps $CATEGORY paths (or parents) to skills; other categories are reported.
    """
    reader = _Reader(source, category_skills)
    for block in _blocks(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")):
        reader.feed(block)
    return reader.finish()


# --- writing ---------------------------------------------------------------------------------

def escape(text: str) -> str:
    """Moodle's GIFT escaping (\\ ~ = # { } : and line breaks as \\n): each text stays on one line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    out = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        out = out.replace(char, "\\" + char)
    out = out.replace("\n", "\\n")
    return "[markdown]" + out if _FORMAT_MARK.match(out) else out    # a text that starts like a marker


def _answer_lines(definition: dict, note: Note) -> tuple[str, list[str]]:
    """The opening brace and the answer lines for one question, as its type writes them."""
    qt = QUESTION_TYPES.get(definition.get("type"))
    if qt is None:
        raise Skip(f"type {definition.get('type')!r} cannot be exported")
    return qt.gift(definition, note)


def export_gift(definitions: list[tuple[str, dict]],
                locations: Mapping[str, tuple[str, int]] | None = None) -> ExportResult:
    """Write normalised definitions (as the loader produces them) as GIFT, with what was lost.

    An issue names the question's YAML file and line when `locations` (id → (path, line)) has it,
    else the line of the output; a question not written then has line 0.
    """
    out = [_HEADER]
    issues: list[ConversionIssue] = []
    written: list[str] = []
    line = _HEADER.count("\n") + 1
    for qid, definition in definitions:
        notes: list[str] = []
        try:
            if "params" in definition:
                raise Skip("a parameterised question has no fixed answer key for Moodle")
            opening, answer_lines = _answer_lines(definition, notes.append)
        except Skip as skip:
            issues.append(located(locations, qid, 0, f"{skip}; not exported"))
            continue
        explanation = (definition.get("explanation") or "").strip()
        lines = [f"// quizapp: {json.dumps(export_metadata(definition), ensure_ascii=False)}",
                 f"::{qid}::[markdown]{escape(definition.get('prompt') or '')}{opening}",
                 *answer_lines,
                 *([f"\t####{escape(explanation)}"] if explanation else []),
                 "}"]
        issues.extend(located(locations, qid, line + 2, message) for message in notes)
        out.append("\n".join(lines) + "\n")
        written.append(qid)
        line += len(lines) + 1
    return ExportResult("\n".join(out), issues, written)
