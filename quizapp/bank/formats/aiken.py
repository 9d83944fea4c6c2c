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

Other tools write Aiken dialects with header lines such as `CATEGORY: Python`, `TYPE: MC`,
`POINTS: 2`, or `FEEDBACK:`/`Explanation:` after the ANSWER line. Such a `WORD: value` line is
never question text: before a question's text, after its choices or right after its ANSWER
line (no blank line between), it is a header of that question. An explanation or feedback
header becomes the explanation, `CATEGORY:` files the questions after it (as $CATEGORY does
in GIFT), `Difficulty: 1-5`, a title or id and a reference URL are carried; every other header
is reported with its line and dropped. Inside the question text (after its first line) a
`Note: ...` line stays text.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import schema
from . import ConversionIssue, ConversionResult
from ._common import Answer, Categories, Ids, Skip, brief, choice_question, convert_text, finish

_CHOICE = re.compile(r"^([A-Z])[.)][ \t]+(.*\S)\s*$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*?)\s*$", re.IGNORECASE)
# One to three words and a colon (not a URL's "https://"): how every dialect writes a header line.
_HEADER = re.compile(r"^([A-Za-z][A-Za-z0-9_]*(?:[ -][A-Za-z0-9_]+){0,2})[ \t]*:(?!//)[ \t]*(.*?)\s*$")

_EXPLANATION = {"explanation", "feedback", "generalfeedback", "answerexplanation", "rationale", "solution"}
_TITLE = {"title", "name", "id", "idnumber", "questionid", "questionname"}
_DIFFICULTY = {"difficulty"}
_REFERENCE = {"reference", "references", "source", "url", "link"}
# Headers known from Aiken dialects that quizapp has no field for, with the reason given.
_DROPPED = {
    **dict.fromkeys(("type", "questiontype", "qtype"), "Aiken questions are single-choice"),
    **dict.fromkeys(("points", "point", "score", "marks", "mark", "grade", "defaultgrade", "weight", "penalty"),
                    "quizapp does not weigh questions by points"),
    **dict.fromkeys(("tag", "tags", "keywords"), "quizapp has no tags"),
    **dict.fromkeys(("hint", "hints"), "quizapp has no hints"),
    **dict.fromkeys(("correctfeedback", "incorrectfeedback", "partiallycorrectfeedback"),
                    "quizapp gives feedback per choice"),
    **dict.fromkeys(("level", "topic", "subject", "skill", "section", "chapter", "unit", "shuffle",
                     "shuffleanswers", "time", "timelimit", "author", "lang", "language"),
                    "quizapp has no field for it"),
}
_KNOWN = _EXPLANATION | _TITLE | _DIFFICULTY | _REFERENCE | set(_DROPPED) | {"category"}


def _header_key(line: str) -> tuple[str, str] | None:
    """(normalised key, value) of a header line, else None.

    A known key (`Correct feedback: ...`) is always a header; an unknown one must be one word and its
    value no question, so `Which is true: a or b?` and `Consider this: x = 1` stay question text.
    """
    match = _HEADER.match(line)
    if not match:
        return None
    key, value = re.sub(r"[ _-]", "", match.group(1)).lower(), match.group(2)
    if key not in _KNOWN and (" " in match.group(1) or value.endswith("?")):
        return None
    return key, value


class _Pending:
    """The question being read: headers and text lines, then (letter, text) choices, then its ANSWER."""

    def __init__(self) -> None:
        self.headers: list[tuple[int, str]] = []       # (line, text) of `WORD: value` lines
        self.text: list[str] = []
        self.line = 0                                  # of the question text's first line
        self.choices: list[tuple[str, str]] = []
        self.answer: str | None = None
        self.answer_line = 0


class _Reader:
    """Reads an Aiken file line by line: what a line is (blank, ANSWER, category, header, choice or text)
    decides what happens to the question being read."""

    def __init__(self, source: str, category_skills: Mapping[str, str] | None):
        self.result = ConversionResult([], [])
        self.categories = Categories(self.result, category_skills)
        self.ids, self.number = Ids(source), 0
        self.pending: _Pending | None = None

    def feed(self, line_no: int, line: str) -> None:
        kind, value = self._kind(line)
        self._HANDLERS[kind](self, line_no, line, value)

    def finish(self) -> ConversionResult:
        self._close("no ANSWER line at the end of the file")
        self.categories.close()
        self.result.issues.sort(key=lambda issue: issue.line)   # a question's leading headers are reported when it ends
        return self.result

    def _kind(self, line: str) -> tuple[str, Any]:
        """What a (stripped) line is where it stands, and what it holds."""
        if not line:
            return "blank", None
        if answer := _ANSWER.match(line):
            return "answer", answer.group(1)
        if choice := _CHOICE.match(line):
            return "choice", (choice.group(1), choice.group(2))
        header = _header_key(line)
        if header and header[0] == "category":
            return "category", header[1]
        if header and self._header_here(header[0]):
            return "header", None
        return "text", None

    def _header_here(self, key: str) -> bool:
        """A `WORD: value` line is a header, except inside a question's text (after its first line and before
        its choices), where only a known key is."""
        pending = self.pending
        return (pending is None or pending.answer is not None or bool(pending.choices) or not pending.text
                or key in _KNOWN)

    # -- one handler per kind of line: (self, line number, stripped line, what _kind found) ----------
    def _blank(self, line_no: int, line: str, value: None) -> None:
        pending = self.pending
        if pending is not None and pending.answer is not None:
            self._close()                           # a blank line ends the lines that follow an ANSWER
        elif pending and pending.text and not pending.choices:
            pending.text.append("")                 # a paragraph break inside the question text

    def _answer(self, line_no: int, line: str, key: str) -> None:
        pending = self.pending
        if pending is None or not pending.text or pending.answer is not None:
            self._close()
            self.result.issues.append(ConversionIssue(line_no, None, "an ANSWER line without a question; ignored"))
            return
        pending.answer, pending.answer_line = key, line_no

    def _category(self, line_no: int, line: str, path: str) -> None:
        if self.pending is not None and (self.pending.answer is not None or self.pending.choices):
            self._close("no ANSWER line after the choices")
        self.categories.enter(line_no, path)

    def _header(self, line_no: int, line: str, value: None) -> None:
        self.pending = self.pending or _Pending()
        self.pending.headers.append((line_no, line))

    def _choice(self, line_no: int, line: str, choice: tuple[str, str]) -> None:
        if self.pending is not None and self.pending.answer is not None:
            follower = _text_after_answer(self.pending)
            self._close()
            self.pending = follower
        pending = self.pending
        if pending is not None and (pending.text or _promote(pending, pending)):
            pending.choices.append(choice)
        else:
            self.result.issues.append(ConversionIssue(line_no, None, f"choice {brief(line)} has no question before it; "
                                                                     "ignored"))

    def _text(self, line_no: int, line: str, value: None) -> None:
        if self.pending is not None and (self.pending.choices or self.pending.answer is not None):
            self._close("no ANSWER line after the choices")
        self.pending = self.pending or _Pending()
        if not self.pending.text:
            self.pending.line = line_no
        self.pending.text.append(line)

    _HANDLERS = {"blank": _blank, "answer": _answer, "category": _category, "header": _header, "choice": _choice,
                 "text": _text}

    # -- the end of a question ----------------------------------------------------------------------
    def _close(self, missing: str = "no ANSWER line") -> None:
        """End the question being read: import it if answered, else skip it with `missing` saying what it lacks."""
        question, self.pending = self.pending, None
        if question is None:
            return
        if not question.text:                       # header lines with no question after them
            self._orphans(question.headers)
            return
        self.number += 1
        notes: list[tuple[int, str]] = []
        fields, title = _headers(question, notes)
        qid = self.ids.preview(title, self.number)

        def note(message: str) -> None:
            notes.append((question.line, message))

        try:
            if question.answer is None:
                raise Skip(missing)
            built = finish({"id": qid, **_build(question, question.answer, note), **fields}, note)
        except Skip as exc:
            self.result.issues.append(ConversionIssue(question.line, qid, f"{exc}; skipped"))
            self._report(qid, notes)
            return
        self.ids.take(title, self.number)
        self._report(qid, notes)
        self.result.questions.append(self.categories.file(qid, built))

    def _orphans(self, headers: list[tuple[int, str]]) -> None:
        for line_no, header in headers:
            self.result.issues.append(ConversionIssue(line_no, None, f"{brief(header)} belongs to no question "
                                                                     "(no question text follows it); ignored"))

    def _report(self, qid: str, notes: list[tuple[int, str]]) -> None:
        self.result.issues.extend(ConversionIssue(line_no, qid, m) for line_no, m in sorted(notes, key=_first))


def import_aiken(text: str, source: str = "input.txt",
                 category_skills: Mapping[str, str] | None = None) -> ConversionResult:
    """Read an Aiken file; malformed questions are skipped with an issue on their first line.

    `category_skills` maps `CATEGORY:` paths (or parents) to skills; other categories are reported.
    """
    reader = _Reader(source, category_skills)
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for line_no, line in enumerate(lines, 1):
        reader.feed(line_no, line.strip())
    return reader.finish()


def _first(note: tuple[int, str]) -> int:
    return note[0]


def _promote(source: _Pending, target: _Pending, after: int = 0) -> bool:
    """Choices follow header lines: the last unknown `WORD: ...` lines (after line `after`) were question text."""
    keep = len(source.headers)
    while keep and source.headers[keep - 1][0] > after and _header_key(source.headers[keep - 1][1])[0] not in _KNOWN:
        keep -= 1
    if keep == len(source.headers):
        return False
    moved, source.headers = source.headers[keep:], source.headers[:keep]
    target.line, target.text = moved[0][0], [text for _, text in moved]
    return True


def _text_after_answer(answered: _Pending) -> _Pending | None:
    """`Python: what is 2**3?` right after an ANSWER line and before choices starts the next question."""
    follower = _Pending()
    return follower if _promote(answered, follower, after=answered.answer_line) else None


def _headers(pending: _Pending, notes: list[tuple[int, str]]) -> tuple[dict, str | None]:
    """What the question's header lines carry (explanation, difficulty, references) and its title."""
    fields: dict = {}
    title = None
    for line_no, line in pending.headers:
        key, value = _header_key(line)
        word = line.split(":", 1)[0].strip()
        if not value:
            notes.append((line_no, f"{word}: has no value; ignored"))
        elif key in _EXPLANATION and "explanation" not in fields:
            fields["explanation"] = convert_text(value, "plain")
        elif key in _TITLE and title is None:
            title = value
        elif key in _DIFFICULTY and value.isdigit() and int(value) in schema.DIFFICULTIES \
                and "difficulty" not in fields:
            fields["difficulty"] = int(value)
        elif key in _REFERENCE and re.fullmatch(r"https?://\S+", value):
            fields.setdefault("references", []).append(value)
        elif key in _DROPPED:
            notes.append((line_no, f"{brief(line)} not carried: {_DROPPED[key]}"))
        elif key in _KNOWN:
            why = {**dict.fromkeys(_DIFFICULTY, "quizapp difficulty is a whole number 1-5"),
                   **dict.fromkeys(_REFERENCE, "a reference must be one http(s) URL")}.get(key, f"a second {word} line")
            notes.append((line_no, f"{brief(line)} not carried: {why}"))
        else:
            notes.append((line_no, (f"{brief(line)} is read as a header line, not question text, and quizapp has "
                                    "no field for it; not carried (if it belongs to the question, add it to the "
                                    "prompt)")))
    return fields, title


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
