"""True or false: a statement and its truth value."""
from __future__ import annotations

from markupsafe import Markup
from wtforms import RadioField

from ..bank.check_results import shown
from ..bank.checking import ItemChecker, line_of
from ..scoring.exceptions import InvalidResponse
from ..scoring.grading import Grade
from ..scoring.itemstats import ItemInfo
from .base import FEEDBACK_SCHEMA, QuestionType


class TrueFalse(QuestionType):
    name, label, template = "true_false", "True or false", "radio"
    answer_label = "Answer"
    legend = "Your answer: true or false"
    required_keys = frozenset({"answer"})
    optional_keys = frozenset({"feedback"})
    key_schemas = {"answer": {"type": "boolean"}, "feedback": FEEDBACK_SCHEMA}
    moodle_type, moodle_penalty = "truefalse", "1"
    xapi_interaction = "true-false"
    boolean_key = True

    def validate(self, q, item: ItemChecker, definition: dict) -> None:
        if "answer" in q:
            if not isinstance(q["answer"], bool):
                item.error(line_of(q, "answer"), "answer: must be true or false")
            definition["answer"] = bool(q["answer"])

    def choices(self, definition, order):
        return [("true", Markup("True")), ("false", Markup("False"))]

    def field(self):
        return RadioField(self.answer_label, validate_choice=False)

    def parse(self, data, definition, order=None):
        if data in (None, ""):
            return None
        if data not in ("true", "false"):
            raise InvalidResponse("Choose True or False.")
        return {"value": data == "true"}

    def refill(self, response, order=None):
        return None if response is None else ("true" if response["value"] else "false")

    def grade(self, definition, response):
        value = response.get("value")
        if not isinstance(value, bool):
            raise InvalidResponse("the answer must be true or false")
        return Grade.from_fraction(1.0 if value == definition["answer"] else 0.0)

    def describe(self, definition, response):
        return "(no answer)" if response is None else str(response["value"])

    def key(self, definition):
        return str(definition["answer"])

    def guessing_floor(self, definition):
        return 0.5

    def item_info(self, version_id, definition):
        return ItemInfo(version_id, 2, (0,) if definition["answer"] else (1,), 0.5)

    def picks(self, definition, response):
        if response is None:
            return None
        return (0,) if response["value"] else (1,)

    def check_problem(self, definition, result, key=None):
        """The check's value is the boolean, or it prints True or False."""
        value = result.get("plain") if result["kind"] == "value" else {"True": True, "False": False}.get(result["text"])
        if value is not definition["answer"]:
            return f"check gave {shown(result)}, the key is {definition['answer']}"
        return None

    def gift(self, definition, note):
        from ..bank.formats.gift import escape
        feedback = (definition.get("feedback") or "").strip()
        return "{", [("\tTRUE" if definition.get("answer") else "\tFALSE") + (f"#{escape(feedback)}" if feedback else "")]

    def qti(self, definition, note):
        """A choice between True and False (QTI has no true/false interaction); the feedback is INCORRECT's."""
        from ..bank.formats.qti import QtiChoice, QtiSpec
        key = definition["answer"]
        choices = [QtiChoice("true", "True", key), QtiChoice("false", "False", not key)]
        return QtiSpec("choice", "single", "identifier", choices, ["true" if key else "false"], max_choices=1)

    def moodle_answers(self, question, definition, note) -> None:
        """truefalse: our feedback (shown after a wrong answer) goes on the wrong one."""
        from ..bank.formats.moodle_xml import answer_element
        key, feedback = bool(definition.get("answer")), definition.get("feedback") or ""
        answer_element(question, "100" if key else "0", "true", "" if key else feedback, "moodle_auto_format")
        answer_element(question, "0" if key else "100", "false", feedback if key else "", "moodle_auto_format")
