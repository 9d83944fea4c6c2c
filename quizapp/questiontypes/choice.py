"""What single and multiple choice share: a list of options, each right or wrong, with feedback."""
from __future__ import annotations

import random
from typing import ClassVar

from markupsafe import Markup
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from ..bank.checking import ItemChecker, is_text, line_of, text_as_written
from ..bank.yaml_lines import LineList, LineMap
from ..render.markdown import render_inline
from ..scoring.exceptions import InvalidResponse
from ..scoring.itemstats import ItemInfo
from .base import FEEDBACK_SCHEMA, QuestionType

CHOICE_KEYS_REQUIRED = {"text"}
CHOICE_KEYS_OPTIONAL = {"correct", "feedback"}
CHOICES_SCHEMA = {"type": "array", "items": {
    "type": "object", "required": sorted(CHOICE_KEYS_REQUIRED), "additionalProperties": False,
    "properties": {"text": {"type": ["string", "number"]}, "correct": {"type": "boolean"},
                   "feedback": {**FEEDBACK_SCHEMA, "description": "The misconception behind this wrong option."}}}}


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (native inputs, so screen readers and keyboards just work)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def plain(text: str) -> str:
    return text.strip().strip("`")


def choice_index(definition: dict, index) -> int:
    """A stored response's option index, checked (grading refuses one that does not exist)."""
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(definition["choices"]):
        raise InvalidResponse(f"choice {index!r} does not exist")
    return index


def count_and_repeats(name: str, what: str, limits: tuple[int, int], texts: list[str]) -> list[str]:
    from ..bank.formats._common import brief
    low, high = limits
    article = "an" if name[0] in "aeiou" else "a"
    problems = ([f"{article} {name} question needs {low}-{high} {what}, found {len(texts)}"]
                if not low <= len(texts) <= high else [])
    stripped = [t.strip() for t in texts]
    return problems + [f"{what[:-1]} {brief(t)} appears twice" for t in sorted({t for t in stripped if stripped.count(t) > 1})]


class ChoiceType(QuestionType):
    """Options written in the question file, shown in an order drawn per attempt."""

    answer_label = "Answer"
    required_keys = frozenset({"choices"})
    key_schemas = {"choices": CHOICES_SCHEMA}
    choice_limits: ClassVar[tuple[int, int]]  # how many options a question of this type has

    def validate(self, q, item: ItemChecker, definition: dict) -> None:
        if "choices" in q:  # a missing list is reported with the other missing keys
            definition["choices"] = self._choices(q, item) or []

    def _choices(self, q: LineMap, item: ItemChecker) -> list[dict] | None:
        choices = q.get("choices")
        if not isinstance(choices, LineList):
            item.error(line_of(q, "choices"), "choices: must be a list of {text, correct, feedback}")
            return None
        low, high = self.choice_limits
        if not low <= len(choices) <= high:
            item.error(line_of(q, "choices"), f"choices: a {self.name} question needs {low}-{high} choices, "
                                              f"found {len(choices)}")
        normalised, seen = [], set()
        for choice, line in zip(choices, choices.item_lines, strict=True):
            entry = self._choice(choice, line, item, seen)
            if entry is not None:
                normalised.append(entry)
        if normalised:
            self.check_keys(q, item, sum(c["correct"] for c in normalised))
        return normalised

    def _choice(self, choice, line: int, item: ItemChecker, seen: set) -> dict | None:
        if not isinstance(choice, LineMap):
            item.error(line, "choices: every choice must be a mapping with 'text'")
            return None
        item.keys(choice, CHOICE_KEYS_REQUIRED, CHOICE_KEYS_OPTIONAL)
        text, why = text_as_written(choice, "text", choice.get("text"))
        if not is_text(text):
            item.error(line_of(choice, "text"), "choices: 'text' must be non-empty text"
                       + (f": {why}" if why else " (quote values like yes/no/true, 3.10, 014 or 1:30)"))
            return None
        if text.strip() in seen:
            item.error(line, f"choices: duplicate choice text {text.strip()!r}")
        seen.add(text.strip())
        correct = choice.get("correct", False)
        if not isinstance(correct, bool):
            item.error(line_of(choice, "correct"), "choices: 'correct' must be true or false")
            correct = False
        feedback = choice.get("feedback")
        if feedback is not None and not is_text(feedback):
            item.error(line_of(choice, "feedback"), "choices: 'feedback' must be text")
            feedback = None
        entry = {"text": text, "correct": correct}
        if feedback:
            entry["feedback"] = feedback
        return entry

    def check_keys(self, q: LineMap, item: ItemChecker, n_correct: int) -> None:
        """How many options may be right (called with the count of those marked so)."""

    def validate_feedback(self, q, item, definition) -> None:
        """Each wrong option carries its own feedback; there is no question-level one."""

    def choices(self, definition, order):
        indices = order if order is not None else list(range(len(definition["choices"])))
        # render_inline() output is sanitised by nh3 (render.markdown), so marking it safe is sound.
        return [(str(i), Markup(render_inline(definition["choices"][i]["text"]))) for i in indices]  # nosec B704

    def shuffled_order(self, definition, rng: random.Random) -> list[int]:
        order = list(range(len(definition["choices"])))
        rng.shuffle(order)
        return order

    def _index(self, value, definition: dict) -> int:
        try:
            index = int(value)
        except (TypeError, ValueError):
            raise InvalidResponse("That choice does not exist; pick one of the options shown.") from None
        if not 0 <= index < len(definition["choices"]):
            raise InvalidResponse("That choice does not exist; pick one of the options shown.")
        return index

    def feedback(self, definition, response, grade):
        picked = self.picks(definition, response) or ()
        return [definition["choices"][i]["feedback"] for i in picked
                if not definition["choices"][i]["correct"] and definition["choices"][i].get("feedback")]

    def review_options(self, definition, response, order):
        picked = set(self.picks(definition, response) or ())
        out = []
        for i in order or range(len(definition["choices"])):
            c = definition["choices"][i]
            out.append({"html": render_inline(c["text"]), "correct": c["correct"], "picked": i in picked,
                        "feedback_html": render_inline(c.get("feedback", ""))})
        return out

    def guessing_floor(self, definition):
        n = len(definition.get("choices", ()))
        return 1.0 / n if n else 0.0

    def item_info(self, version_id, definition):
        choices = definition["choices"]
        return ItemInfo(version_id, len(choices), tuple(i for i, c in enumerate(choices) if c["correct"]),
                        self.guessing_floor(definition), distractors=True, one_key=self.one_key)

    def gift_choice_lines(self, definition: dict, marker) -> list[str]:
        from ..bank.formats._common import choice_weights
        from ..bank.formats.gift import escape
        choices = definition.get("choices") or []
        lines = []
        for choice, weight in zip(choices, choice_weights(choices), strict=True):
            text = escape(choice["text"])
            lines.append(f"\t{marker(choice, weight, text)}{text}"
                         + (f"#{escape(choice['feedback'])}" if choice.get("feedback") else ""))
        return lines

    def import_problems(self, question):
        return count_and_repeats(self.name, "choices", self.choice_limits, [c["text"] for c in question["choices"]])

    def qti(self, definition, note):
        """A choice interaction: one key (max-choices 1), or several scored by quizapp's weights as a mapping."""
        from ..bank.formats._common import choice_weights
        from ..bank.formats.qti import QtiChoice, QtiSpec
        choices = definition.get("choices") or []
        ids = [chr(ord("A") + n) for n in range(len(choices))]
        spec_choices = [QtiChoice(i, c["text"], bool(c.get("correct")), c.get("feedback", ""))
                        for i, c in zip(ids, choices, strict=True)]
        correct = [c.identifier for c in spec_choices if c.correct]
        if self.one_key:
            return QtiSpec("choice", "single", "identifier", spec_choices, correct, max_choices=1)
        mapping = {i: weight / 100 for i, weight in zip(ids, choice_weights(choices), strict=True)}
        return QtiSpec("choice", "multiple", "identifier", spec_choices, correct, max_choices=0, mapping=mapping)

    moodle_type = "multichoice"
    xapi_interaction = "choice"

    def moodle_answers(self, question, definition, note) -> None:
        """multichoice: one full-credit key for single choice; our partial-credit weights for multiple."""
        import xml.etree.ElementTree as ET

        from ..bank.formats._common import choice_weights, weight_text
        from ..bank.formats.moodle_xml import answer_element
        choices = definition.get("choices") or []
        ET.SubElement(question, "single").text = "true" if self.one_key else "false"
        ET.SubElement(question, "shuffleanswers").text = "true"
        ET.SubElement(question, "answernumbering").text = "abc"
        for choice, weight in zip(choices, choice_weights(choices), strict=True):
            fraction = ("100" if choice.get("correct") else "0") if self.one_key else weight_text(weight)
            answer_element(question, fraction, choice["text"].strip(), choice.get("feedback", ""), "markdown")

