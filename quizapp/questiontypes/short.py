"""Short answer: typed text, right when it matches an accepted answer or a regular expression."""
from __future__ import annotations

import re

from wtforms import StringField
from wtforms.validators import Length

from ..bank.check_results import text_of
from ..bank.checking import ItemChecker, line_of, text_as_written
from ..bank.yaml_lines import LineList
from ..scoring.exceptions import InvalidResponse
from ..scoring.grading import Grade, normalise_text
from .base import FEEDBACK_SCHEMA, KeyText, QuestionType

# The review's words for a pattern with no example: nothing better can be said (bank lint flags it).
ANY_MATCH = "any answer matching the pattern described in the explanation"


class ShortAnswer(QuestionType):
    name, label, template = "short", "Short answer", "text"
    max_length = 500
    optional_keys = frozenset({"answers", "pattern", "example", "case_sensitive", "feedback"})
    key_schemas = {"answers": {"type": "array", "items": {"type": ["string", "number"]}},
                   "pattern": {"type": "string", "format": "regex"},
                   "example": {"type": ["string", "number"], "description": (
                       "With a pattern and no answers: one answer the pattern accepts, written as a learner would; "
                       "the review shows it as the key (a learner cannot read a regular expression as one).")},
                   "case_sensitive": {"type": "boolean"}, "feedback": FEEDBACK_SCHEMA}
    parameterised_key = "answers"
    free_entry = True
    moodle_type = "shortanswer"
    xapi_interaction = "fill-in"

    def validate(self, q, item: ItemChecker, definition: dict) -> None:
        answers = self._answers(q, item)
        if answers:
            definition["answers"] = answers
        pattern = q.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
                definition["pattern"] = pattern
            except (re.error, TypeError) as exc:
                item.error(line_of(q, "pattern"), f"pattern: not a valid regular expression ({exc})")
        if not answers and pattern is None and "params" not in q:
            item.error(q.line, "a short question needs 'answers' or 'pattern'")
        if "case_sensitive" in q:
            if not isinstance(q["case_sensitive"], bool):
                item.error(line_of(q, "case_sensitive"), "case_sensitive: must be true or false")
            else:
                definition["case_sensitive"] = q["case_sensitive"]
        if "example" in q:
            self._example(q, item, definition)

    def _example(self, q, item: ItemChecker, definition: dict) -> None:
        """An example is what the review shows for a pattern alone, so it must be one the pattern accepts."""
        example, why = text_as_written(q, "example", q["example"])
        line = line_of(q, "example")
        if not isinstance(example, str) or not example.strip():
            item.error(line, "example: must be non-empty text" + (f": {why}" if why else ""))
        elif "pattern" not in q or definition.get("answers"):
            item.error(line, "example: only a question keyed by a pattern alone needs one (the review shows the "
                             "listed answers)")
        elif "pattern" in definition and self.grade(definition, {"text": example}).fraction < 1:
            item.error(line, f"example: the pattern does not accept {example.strip()!r}")
        else:
            definition["example"] = example.strip()

    def _answers(self, q, item: ItemChecker) -> list[str]:
        answers = q.get("answers", LineList())
        if not isinstance(answers, LineList):
            item.error(line_of(q, "answers"), "answers: must be a list of accepted texts")
            return []
        texts = []
        for index, (answer, answer_line) in enumerate(zip(answers, answers.item_lines if answers else [], strict=True)):
            text, why = text_as_written(answers, index, answer)
            if text is None:
                item.error(answer_line, "answers: every accepted answer must be text" + (f": {why}" if why else ""))
            else:
                texts.append(text)
        return texts

    def field(self):
        return StringField(self.answer_label, validators=[
            Length(max=self.max_length, message="Keep the answer under 500 characters.")])

    def parse(self, data, definition, order=None):
        text = (data or "").strip()
        if not text:
            return None
        if len(text) > 500:
            raise InvalidResponse("Keep the answer under 500 characters.")
        return {"text": text}

    def refill(self, response, order=None):
        return "" if response is None else response["text"]

    def grade(self, definition, response):
        text = response.get("text")
        if not isinstance(text, str):
            raise InvalidResponse("the answer must be text")
        case_sensitive = definition.get("case_sensitive", False)
        given = normalise_text(text, case_sensitive)
        if given and any(given == normalise_text(a, case_sensitive) for a in definition.get("answers", [])):
            return Grade.from_fraction(1.0)
        pattern = definition.get("pattern")
        if pattern:
            flags = 0 if case_sensitive else re.IGNORECASE
            if re.fullmatch(pattern, " ".join(text.split()), flags):
                return Grade.from_fraction(1.0)
        return Grade.from_fraction(0.0)

    def describe(self, definition, response):
        return "(no answer)" if response is None else response["text"]

    def key(self, definition):
        answers = definition.get("answers") or []
        if answers:
            return " or ".join(answers)
        return str(self.key_text(definition))

    def key_text(self, definition):
        """The listed answers; for a pattern alone the author's example, never the regular expression
        (learners read it as noise, and as a key it would reveal nothing they could have typed)."""
        if definition.get("answers") or definition.get("params"):
            return super().key_text(definition)
        if definition.get("example"):
            return KeyText(definition["example"], example=True)
        return KeyText(words=ANY_MATCH)

    def key_problems(self, definition):
        if definition.get("pattern") and not definition.get("answers") and not definition.get("example"):
            return [f"a pattern alone keys it and there is no `example:`, so the review can only say "
                    f"'{ANY_MATCH}'; add an answer the pattern accepts as `example:`"]
        return []

    def check_problem(self, definition, result, key=None):
        """The check's text is an answer the key accepts."""
        text = text_of(result)
        accepted = definition if key is None else {**definition, "answers": [key]}
        if self.grade(accepted, {"text": text}).fraction < 1:
            return f"check gave {text!r}, which the key does not accept"
        return None

    def variant_key(self, result):
        text = text_of(result)
        return text if text else None

    def gift(self, definition, note):
        from ..bank.formats._common import Skip
        from ..bank.formats.gift import WEIGHT, escape
        answers, feedback = definition.get("answers") or [], (definition.get("feedback") or "").strip()
        self._exportable(definition, note)
        if definition.get("case_sensitive"):
            note("Moodle's GIFT reader makes short answers case-insensitive (kept in the quizapp comment)")
        lines = []
        for answer in answers:
            text = escape(answer.replace("*", "\\*"))      # a bare * is a wildcard in Moodle
            lines.append(f"\t={'%100%' if WEIGHT.match(text) else ''}{text}")
        if feedback:
            lines.append(f"\t=%0%*#{escape(feedback)}")   # Moodle's "any other answer"
        if "->" in "".join(lines):
            raise Skip("an answer or the feedback contains '->', which Moodle's GIFT reader takes for a "
                       "matching question; use Moodle XML")
        return "{", lines

    def _exportable(self, definition, note) -> None:
        from ..bank.formats._common import Skip
        if not definition.get("answers"):
            raise Skip("only a regular expression accepts answers, and Moodle short answers need literal ones")
        if definition.get("pattern"):
            note("Moodle has no regular-expression answers: it accepts the listed answers only "
                 "(the pattern is kept in the quizapp comment)")

    def qti(self, definition, note):
        """A text entry: every accepted answer in a mapping (with our case rule), a pattern as pattern-match."""
        from ..bank.formats.qti import QtiSpec
        answers = [str(a) for a in definition.get("answers") or []]
        pattern = definition.get("pattern")
        if pattern:
            note("the pattern is a Python regular expression; QTI's pattern-match reads XML Schema ones, which "
                 "differ in places (the quizapp comment keeps it exactly)")
        return QtiSpec("text", "single", "string", correct=answers[:1], mapping={a: 1.0 for a in answers},
                       case_sensitive=bool(definition.get("case_sensitive", False)), pattern=pattern,
                       expected_length=min(max([len(a) for a in answers] + [20]), 200))

    def moodle_answers(self, question, definition, note) -> None:
        """shortanswer: the literal answers (Moodle has no regular expressions), our feedback on "any other answer"."""
        import xml.etree.ElementTree as ET

        from ..bank.formats.moodle_xml import answer_element
        self._exportable(definition, note)
        ET.SubElement(question, "usecase").text = "1" if definition.get("case_sensitive") else "0"
        for answer in definition["answers"]:
            answer_element(question, "100", answer.replace("*", "\\*"))      # a bare * is a wildcard in Moodle
        if feedback := definition.get("feedback") or "":
            answer_element(question, "0", "*", feedback)                      # Moodle's "any other answer"
