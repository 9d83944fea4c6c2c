"""What the GIFT, Aiken and Moodle XML converters share.

Moodle describes answers by credit (a fraction per answer); quizapp describes them by role
(correct or not, one grading rule per type). The translation between the two lives here, once,
so every format accepts the same things and reports the same losses in the same words.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ...exceptions import BankError
from ...questiontypes import QUESTION_TYPES
from .. import schema
from . import ConversionIssue, ConversionResult, format_number
from ._html import html_to_markdown

DEFAULT_DIFFICULTY = 3
NO_EXPLANATION = "no explanation in the source; add one"
NO_REFERENCES = "no references in the source; add at least one"
QUESTION_ORDER = ("id", "type", "difficulty", "skills", "prompt", "choices", "items", "answer", "tolerance", "unit",
                  "answers", "pattern", "example", "case_sensitive", "feedback", "explanation", "references", "check",
                  "requires", "reviewed")
# Moodle's stock combined feedback for choice questions: not content, so not worth an issue.
STOCK_FEEDBACK = {"", "Your answer is correct.", "Your answer is partially correct.", "Your answer is incorrect."}
_EPS = 0.01   # percentage points; Moodle writes 1/3 as 33.33333

Note = Callable[[str], None]


class Skip(BankError):
    """This question cannot be carried; the message becomes its ConversionIssue."""


@dataclass
class Answer:
    """One Moodle answer: its text, its credit in percent (100 = full) and its feedback."""

    text: str
    fraction: float
    feedback: str = ""


# --- ids -------------------------------------------------------------------------------------

def slug(text: str | None) -> str | None:
    """A question id from a title: lowercase ASCII, [a-z0-9._-], at most 100 characters."""
    if not text:
        return None
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = re.sub(r"['`]", "", ascii_text)
    ascii_text = re.sub(r"[^a-z0-9._-]+", "-", ascii_text)
    ascii_text = re.sub(r"-{2,}", "-", ascii_text).lstrip("._-")[:100].rstrip("._-")
    return ascii_text if schema.ID_PATTERN.match(ascii_text) else None


class Ids:
    """Ids unique within one conversion: the source's title when it has one, else <file-stem>-<n>."""

    def __init__(self, source: str):
        self.stem = slug(Path(source).stem) or "question"
        self.used: set[str] = set()

    def preview(self, title: str | None, n: int) -> str:
        base = slug(title) or slug(f"{self.stem}-{n}") or f"question-{n}"
        qid, k = base, 2
        while qid in self.used:
            suffix = f"-{k}"
            qid, k = base[:100 - len(suffix)] + suffix, k + 1
        return qid

    def take(self, title: str | None, n: int) -> str:
        qid = self.preview(title, n)
        self.used.add(qid)
        return qid


def category_path(raw: str) -> str:
    """`$course$/top/Python/Basics` → `Python/Basics`: the part an instructor recognises."""
    path = re.sub(r"^\$[a-z0-9]+\$/?", "", raw.strip())
    path = re.sub(r"^top(?:/|$)", "", path)
    return path.strip("/") or raw.strip()


def category_skill(path: str, skills: Mapping[str, str]) -> str | None:
    """The skill mapped to a category path or to its nearest parent (`Python` covers `Python/Basics`)."""
    parts = path.split("/")
    for end in range(len(parts), 0, -1):
        if (skill := skills.get("/".join(parts[:end]))) is not None:
            return skill
    return None


class Categories:
    """The source's categories, which quizapp has no field for: each category line gets one issue.

    A question file has one default skill, so a category is either mapped to a skill (`skills`,
    keyed by category path or a parent path; the questions filed there get `skills: [that]`
    unless they carry quizapp skills of their own) or reported with the number of questions in it.
    """

    def __init__(self, result: ConversionResult, skills: Mapping[str, str] | None = None):
        self.result, self.skills = result, dict(skills or {})
        self.current: str | None = None
        self._open: list[Any] | None = None        # [issue index, line, path, skill, filed, kept]

    def enter(self, line: int, raw: str) -> None:
        """A category line: the questions after it are filed there."""
        self.close()
        path = category_path(raw)
        self.current = path
        self.result.category_lines.append((line, path))
        self._open = [len(self.result.issues), line, path, category_skill(path, self.skills), 0, 0]
        self.result.issues.append(ConversionIssue(line, None, ""))    # written by close(), once counted

    def file(self, qid: str, question: dict) -> dict:
        """Record an imported question's category and give it the mapped skill; the question, keys in order."""
        if self._open is None:
            return question
        self.result.categories[qid] = self.current
        self._open[4] += 1
        skill = self._open[3]
        if skill is None:
            return question
        if question.get("skills"):
            self._open[5] += 1
            return question
        question = {**question, "skills": [skill]}
        return {key: question[key] for key in QUESTION_ORDER if key in question}

    def close(self) -> None:
        """Write the pending category's issue; call once more after the last question."""
        if self._open is None:
            return
        index, line, path, skill, filed, kept = self._open
        count = f"{filed} question{'' if filed == 1 else 's'}"
        if skill is None:
            message = (f"category {path!r} ({count}) not carried: a quizapp file has one skill; to give its questions "
                       f"another, convert with --category-skill '{path}=SKILL'")
        else:
            message = f"category {path!r} ({count}): skill {skill}"
            if kept:
                message += f" ({kept} kept their own quizapp skills)"
        self.result.issues[index] = ConversionIssue(line, None, message)
        self._open = None


# --- text ------------------------------------------------------------------------------------

def canonical(text: str) -> str:
    """Edges trimmed (Moodle trims them too); multi-line text ends with one newline, as a `|` block does."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text + "\n" if "\n" in text else text


def convert_text(raw: str, fmt: str) -> str:
    """Text in a Moodle format (markdown, plain, html, moodle) as our Markdown; Skip on media."""
    if "@@PLUGINFILE@@" in raw:
        raise Skip("uses a file embedded in Moodle (@@PLUGINFILE@@, e.g. an image); files are not supported")
    if fmt in ("html", "moodle"):
        if fmt == "moodle":   # Moodle's auto-format turns line breaks into <br>
            raw = raw.replace("\r\n", "\n").replace("\n", "<br>\n")
        text, media = html_to_markdown(raw)
        if media:
            raise Skip(f"contains {', '.join(sorted(set(media)))}; images and media are not supported")
        return canonical(text)
    if fmt == "markdown" and re.search(r"!\[[^\]]*\]\(", raw):
        raise Skip("contains a Markdown image; images are not supported")
    return canonical(raw)


def brief(text: str, limit: int = 40) -> str:
    """A short quotation of an answer for issue messages."""
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= limit else one_line[:limit - 1] + "…")


def percent(value: float) -> str:
    return f"{format_number(round(value, 5))}%"


def weight_text(value: float) -> str:
    """A Moodle answer weight as Moodle writes it (1/3 → 33.33333), so it matches Moodle's grade list."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def choice_weights(choices: list[dict]) -> list[float]:
    """Our `multiple` rule as Moodle weights: +1/(number correct) per key, -1/(number wrong) per distractor."""
    n_right = sum(bool(c.get("correct")) for c in choices)
    n_wrong = len(choices) - n_right
    return [100 / n_right if c.get("correct") else -100 / n_wrong for c in choices]


def absolute_tolerance(definition: dict) -> float:
    """Moodle's numeric tolerance is absolute; a relative one is converted for this answer."""
    tolerance = definition.get("tolerance")
    if not tolerance:
        return 0.0
    if tolerance["kind"] == "abs":
        return tolerance["value"]
    return float(f"{abs(definition['answer']) * tolerance['value'] / 100:.12g}")


# --- answers by credit → quizapp types -------------------------------------------------------

def _close(a: float, b: float) -> bool:
    return abs(a - b) < _EPS


def choice_question(answers: list[Answer], single: bool, note: Note) -> dict:
    """Moodle multichoice → `single` or `multiple`; Skip when the credit scheme has no equivalent."""
    if len(answers) < 2:
        raise Skip(f"a choice question needs at least 2 answers, found {len(answers)}")
    for a in answers:
        if not a.text:
            raise Skip("an answer has no text")
        if not -100 - _EPS <= a.fraction <= 100 + _EPS:
            raise Skip(f"answer {brief(a.text)} has an impossible weight {percent(a.fraction)}")
    if single:
        keys = [a for a in answers if _close(a.fraction, 100)]
        if len(keys) != 1:
            raise Skip("no answer has full credit" if not keys else
                       f"{len(keys)} answers have full credit; a single-choice question has exactly one")
        for a in answers:
            if a is not keys[0] and not _close(a.fraction, 0):
                raise Skip(f"wrong answer {brief(a.text)} carries {percent(a.fraction)} credit; "
                           "quizapp gives no credit or penalty for a wrong choice")
        correct = [a is keys[0] for a in answers]
        qtype = "single"
    else:
        correct = [a.fraction > _EPS for a in answers]
        n_right, n_wrong = sum(correct), len(answers) - sum(correct)
        if not n_right:
            raise Skip("no answer earns credit")
        ours = [100 / n_right if ok else -100 / n_wrong for ok in correct]
        if not all(_close(a.fraction, w) for a, w in zip(answers, ours, strict=True)):
            source = "/".join(("+" if a.fraction > 0 else "") + percent(a.fraction) for a in answers)
            mine = "/".join(("+" if w > 0 else "") + percent(w) for w in ours)
            note(f"answer weights {source} cannot be represented; quizapp's partial-credit rule will give "
                 f"{mine} (answers with positive weight are marked correct)")
        qtype = "multiple"
    choices = []
    for a, ok in zip(answers, correct, strict=True):
        choice: dict[str, Any] = {"text": a.text}
        if ok:
            choice["correct"] = True
        if a.feedback:
            choice["feedback"] = a.feedback
        choices.append(choice)
    return {"type": qtype, "choices": choices}


def wildcard_pattern(answer: str) -> str | None:
    """Moodle short answers treat an unescaped * as "anything"; as a regex, or None if there is none."""
    bits = re.split(r"(?<!\\)\*", answer)
    if len(bits) == 1:
        return None
    return ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)


def short_question(answers: list[Answer], note: Note) -> dict:
    """Moodle shortanswer → `short`: full-credit answers are accepted, a 0% `*` gives the feedback."""
    accepted: list[str] = []
    patterns: list[str] = []
    feedback = ""
    for a in answers:
        text = a.text.strip()
        if _close(a.fraction, 100):
            if text == "*":
                raise Skip("the answer '*' with full credit accepts any response")
            pattern = wildcard_pattern(text)
            if pattern is None:
                accepted.append(text.replace("\\*", "*"))
            else:
                patterns.append(pattern)
            if a.feedback:
                note(f"feedback for the correct answer {brief(text)} dropped "
                     "(quizapp shows feedback only after a wrong answer)")
        elif _close(a.fraction, 0):
            if text == "*":
                feedback = a.feedback
            elif a.feedback:
                note(f"feedback for the wrong answer {brief(text)} dropped "
                     "(quizapp has one feedback for every wrong answer)")
        else:
            raise Skip(f"answer {brief(text)} carries {percent(a.fraction)} credit; "
                       "quizapp short answers are right or wrong")
    if not accepted and not patterns:
        raise Skip("no answer earns full credit")
    question: dict[str, Any] = {"type": "short"}
    if accepted:
        question["answers"] = list(dict.fromkeys(accepted))
    if patterns:
        question["pattern"] = patterns[0] if len(patterns) == 1 else "|".join(f"(?:{p})" for p in patterns)
    if feedback:
        question["feedback"] = feedback
    return question


@dataclass
class NumericAnswer:
    value: str            # as written: a number, or '*' for "any other answer"
    tolerance: str
    fraction: float
    feedback: str = ""


def numeric_question(answers: list[NumericAnswer], note: Note) -> dict:
    """Moodle numerical → `numeric`: exactly one full-credit value; a 0% `*` gives the feedback."""
    keys = [a for a in answers if a.value.strip() != "*" and _close(a.fraction, 100)]
    others = [a for a in answers if a.value.strip() != "*" and all(a is not k for k in keys)]
    if not keys:
        raise Skip("no numeric answer has full credit")
    if len(keys) > 1 or others:
        raise Skip("several numeric answers with different credit have no quizapp equivalent "
                   "(a numeric question has one answer and a tolerance)")
    key = keys[0]
    try:
        value, tolerance = float(key.value), float(key.tolerance or 0)
    except ValueError:
        raise Skip(f"answer {brief(key.value + ':' + key.tolerance)} is not a number with a tolerance") from None
    if not (math.isfinite(value) and math.isfinite(tolerance)) or tolerance < 0:
        raise Skip(f"answer {brief(key.value)} needs a finite value and a non-negative tolerance")
    question: dict[str, Any] = {"type": "numeric", "answer": value}
    if tolerance > 0:
        question["tolerance"] = tolerance
    if key.feedback:
        note("feedback for the correct answer dropped (quizapp shows feedback only after a wrong answer)")
    for other in (a for a in answers if a.value.strip() == "*"):
        if not _close(other.fraction, 0):
            raise Skip(f"'any other answer' carries {percent(other.fraction)} credit")
        if other.feedback:
            question["feedback"] = other.feedback
    return question


def wrong_answer_feedback(question: dict, text: str, note: Note) -> None:
    """Feedback for any wrong answer: the question's `feedback` where its type has one, else given to each
    wrong choice that has none of its own (quizapp shows a choice's feedback when it is picked)."""
    if "feedback" in QUESTION_TYPES[question["type"]].optional_keys:
        question.setdefault("feedback", text)
        return
    bare = [c for c in question.get("choices", []) if not c.get("correct") and not c.get("feedback")]
    for choice in bare:
        choice["feedback"] = text
    if bare:
        note(f"feedback for any wrong answer ({brief(text)}) given to the {len(bare)} wrong choice(s) without "
             "feedback of their own")
    else:
        note(f"feedback for any wrong answer ({brief(text)}) dropped: every wrong choice has its own")


# --- quizapp facts Moodle has no field for ---------------------------------------------------

def export_metadata(definition: dict) -> dict:
    """What a Moodle file cannot hold natively, for the `quizapp:` comment (JSON)."""
    meta: dict[str, Any] = {"difficulty": definition.get("difficulty", DEFAULT_DIFFICULTY)}
    for key in ("skills", "references", "reviewed", "requires", "check", "unit", "pattern"):
        if definition.get(key):
            meta[key] = definition[key]
    if "case_sensitive" in definition:
        meta["case_sensitive"] = definition["case_sensitive"]
    tolerance = definition.get("tolerance")
    if tolerance:    # Moodle keeps only an absolute tolerance, and 0 there means "none"
        rel = tolerance.get("kind") == "rel"
        meta["tolerance"] = f"{format_number(tolerance['value'])}%" if rel else tolerance["value"]
    return meta


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_difficulty(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in schema.DIFFICULTIES


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_is_text(v) for v in value)


def _is_date(value: Any) -> bool:
    return isinstance(value, str) and schema.DATE_PATTERN.match(value) is not None


def _is_check(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"python"} and _is_text(value["python"])


def _is_tolerance(value: Any) -> bool:
    """An absolute tolerance (a finite number >= 0) or a relative one written as a percentage, like '1%'."""
    if isinstance(value, str):
        return re.fullmatch(r"\d+(?:\.\d+)?%", value) is not None
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < math.inf


def _is_regex(value: Any) -> bool:
    try:
        re.compile(value)
    except (re.error, TypeError):
        return False
    return True


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _as_is(question: dict, value: Any) -> Any:
    return value


def _copy_list(question: dict, value: list) -> list:
    return list(value)


def _copy_check(question: dict, value: dict) -> dict:
    return {"python": value["python"]}


def _join_patterns(question: dict, value: str) -> str:
    """A pattern from the comment joins the one read from the source's wildcard answers, if different."""
    mine = question.get("pattern")
    return value if not mine or mine == value else f"(?:{value})|(?:{mine})"


@dataclass(frozen=True)
class _Fact:
    """How one `quizapp:` key is checked and stored."""

    valid: Callable[[Any], bool]
    problem: str                                        # the note when it is not valid; {value!r} is the value
    store: Callable[[dict, Any], Any] = _as_is
    type_key: bool = False                              # a key of some question types, not of every question


_FACTS = {
    "difficulty": _Fact(_is_difficulty, f"quizapp difficulty {{value!r}} is not 1-5; using {DEFAULT_DIFFICULTY}"),
    "skills": _Fact(_is_text_list, "quizapp skills must be a non-empty list of texts; ignored", _copy_list),
    "references": _Fact(_is_text_list, "quizapp references must be a non-empty list of texts; ignored", _copy_list),
    "reviewed": _Fact(_is_date, "quizapp reviewed {value!r} is not a date YYYY-MM-DD; ignored"),
    "requires": _Fact(_is_text, 'quizapp requires must be text like "pandas>=2.0"; ignored'),
    "check": _Fact(_is_check, 'quizapp check must be {{"python": code}}; ignored', _copy_check),
    "unit": _Fact(_is_text, "quizapp unit must be text; ignored", type_key=True),
    "tolerance": _Fact(_is_tolerance, "quizapp tolerance {value!r} is neither a number nor a percentage like '1%'; "
                                      "ignored", type_key=True),
    "pattern": _Fact(_is_regex, "quizapp pattern {value!r} is not a regular expression; ignored", _join_patterns,
                     type_key=True),
    "case_sensitive": _Fact(_is_bool, "quizapp case_sensitive must be true or false; ignored", type_key=True),
}


def apply_metadata(question: dict, meta: Any, note: Note) -> None:
    """Copy validated `quizapp:` facts into an imported question; anything malformed is an issue."""
    if meta is None:
        return
    if not isinstance(meta, dict):
        note("the quizapp comment must hold a JSON object; ignored")
        return
    for key, value in meta.items():
        _apply_fact(question, key, value, note)


def _apply_fact(question: dict, key: str, value: Any, note: Note) -> None:
    """One `quizapp:` key: stored when known, meant for this type of question and valid; else a note says why not."""
    fact = _FACTS.get(key)
    if fact is None:
        note(f"unknown quizapp key {key!r} ignored")
    elif fact.type_key and key not in (qt := QUESTION_TYPES[question["type"]]).optional_keys | qt.required_keys:
        names = [t.name for t in QUESTION_TYPES.values() if key in t.optional_keys | t.required_keys]
        note(f"quizapp {key} applies only to {' and '.join(names)} questions; ignored")
    elif not fact.valid(value):
        note(fact.problem.format(value=value))
    else:
        question[key] = fact.store(question, value)


_QUIZAPP_TAG = re.compile(r"^quizapp-(difficulty|skill|reviewed)-(.+)$")


def tag_facts(tags: list[str], note: Note) -> dict:
    """Moodle tags: our own (quizapp-difficulty-2, quizapp-skill-x, quizapp-reviewed-date) as facts for
    apply_metadata; any other tag is reported, since quizapp has no tags."""
    facts: dict[str, Any] = {}
    dropped = []
    for value in (tag.strip() for tag in tags):
        if match := _QUIZAPP_TAG.match(value):
            key, fact = match.groups()
            if key == "skill":
                facts.setdefault("skills", []).append(fact)
            else:
                facts[key] = int(fact) if key == "difficulty" and fact.isdigit() else fact
        elif value:
            dropped.append(value)
    if dropped:
        note(f"Moodle tags dropped: {', '.join(dropped)}")
    return facts


def finish(question: dict, note: Note) -> dict:
    """Defaults, the issues an instructor must resolve, and the key order of a hand-written file."""
    question.setdefault("difficulty", DEFAULT_DIFFICULTY)
    if not question.get("prompt"):
        raise Skip("the question has no text")
    if not question.get("explanation"):
        question.pop("explanation", None)
        note(NO_EXPLANATION)
    if not question.get("references"):
        question.pop("references", None)
        note(NO_REFERENCES)
    for problem in QUESTION_TYPES[question["type"]].import_problems(question):
        note(f"{problem}; fix before importing")
    return {key: question[key] for key in QUESTION_ORDER if key in question}


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def holds_xml_invalid_characters(value: Any) -> bool:
    """Whether any text in a definition has a character XML 1.0 cannot hold (the XML exports skip it)."""
    if isinstance(value, str):
        return bool(_XML_INVALID.search(value))
    if isinstance(value, dict):
        return any(holds_xml_invalid_characters(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_xml_invalid_characters(v) for v in value)
    return False
