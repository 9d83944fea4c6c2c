"""Aiken, the simplest Moodle format: single-choice questions only, no feedback.

    Which keyword defines a function?
    A. def
    B. fun
    C) lambda
    ANSWER: A

The question text is every line before the first choice (Moodle takes one line; we accept
several). A choice is an uppercase letter, `.` or `)`, a space and the text. `ANSWER: X` ends
the question; blank lines between questions are optional. Aiken carries no title, explanation,
references or difficulty, so every imported question gets issues for the instructor to resolve.
"""
from __future__ import annotations

import re

from . import ConversionIssue, ConversionResult
from ._common import Answer, Ids, Skip, brief, choice_question, convert_text, finish

_CHOICE = re.compile(r"^([A-Z])[.)][ \t]+(.*\S)\s*$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*?)\s*$", re.IGNORECASE)


class _Pending:
    """The question being read: text lines, then (letter, text) choices."""

    def __init__(self, line: int):
        self.line = line
        self.text: list[str] = []
        self.choices: list[tuple[str, str]] = []


def import_aiken(text: str, source: str = "input.txt") -> ConversionResult:
    """Read an Aiken file; malformed questions are skipped with an issue on their first line."""
    result = ConversionResult([], [])
    ids, number = Ids(source), 0
    pending: _Pending | None = None

    def skip(question: _Pending, message: str) -> None:
        nonlocal number
        number += 1
        result.issues.append(ConversionIssue(question.line, ids.preview(None, number), f"{message}; skipped"))

    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for line_no, line in enumerate(lines, 1):
        stripped = line.strip()
        choice, answer = _CHOICE.match(stripped), _ANSWER.match(stripped)
        if not stripped:
            if pending and pending.text and not pending.choices:
                pending.text.append("")          # a paragraph break inside the question text
            continue
        if answer:
            if pending is None or not pending.text:
                result.issues.append(ConversionIssue(line_no, None, "an ANSWER line without a question; ignored"))
                pending = None
                continue
            number += 1
            qid = ids.preview(None, number)
            notes: list[str] = []
            try:
                question = _build(pending, answer.group(1), notes.append)
                question = finish({"id": qid, **question}, notes.append)
            except Skip as exc:
                result.issues.append(ConversionIssue(pending.line, qid, f"{exc}; skipped"))
            else:
                ids.take(None, number)
                result.issues.extend(ConversionIssue(pending.line, qid, m) for m in notes)
                result.questions.append(question)
            pending = None
        elif choice and pending is not None and pending.text:
            pending.choices.append((choice.group(1), choice.group(2)))
        elif choice:
            result.issues.append(ConversionIssue(line_no, None, f"choice {brief(stripped)} has no question before it; "
                                                                "ignored"))
        else:
            if pending is not None and pending.choices:
                skip(pending, "no ANSWER line after the choices")
                pending = None
            if pending is None:
                pending = _Pending(line_no)
            pending.text.append(stripped)
    if pending is not None and pending.text:
        skip(pending, "no ANSWER line at the end of the file")
    return result


def _build(pending: _Pending, key: str, note) -> dict:
    letters = [letter for letter, _ in pending.choices]
    key = key.upper() if len(key) == 1 else key
    if len(set(letters)) != len(letters):
        raise Skip("two choices have the same letter")
    if not re.fullmatch(r"[A-Z]", key):
        raise Skip(f"ANSWER {key!r} must be one letter: Aiken carries only single-choice questions")
    if key not in letters:
        raise Skip(f"ANSWER {key} names no choice (choices: {', '.join(letters) or 'none'})")
    answers = [Answer(convert_text(text, "plain"), 100.0 if letter == key else 0.0) for letter, text in pending.choices]
    question = choice_question(answers, single=True, note=note)
    return {"prompt": convert_text("\n".join(pending.text), "plain"), **question}
