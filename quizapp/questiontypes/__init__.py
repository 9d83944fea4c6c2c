"""Question types, registered by the string the YAML `type:` uses (CTFd-style registry).

Each class knows the three things that vary by type: the WTForms field a learner answers
with, how the submitted field becomes a response (and back, to refill the form), and how a
response reads in the review. Grading itself is delegated to the pure scoring.grading.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from markupsafe import Markup
from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..render.markdown import render_inline
from ..scoring import grading
from ..scoring.exceptions import InvalidResponse, UnknownQuestionType


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (native inputs, so screen readers and keyboards just work)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@dataclass(frozen=True)
class AnswerView:
    """What a type's template draws: plain values, so the question page calls no WTForms widgets
    (rendering each option through a widget was the page's largest cost; bench/throughput.py)."""

    choices: list[tuple[str, Markup]]  # (value, label HTML) for choice types, in the learner's order
    selected: frozenset[str]           # the chosen values (choice types)
    text: str                          # the typed value (free entry)
    label: str
    max_length: int | None
    errors: list[str]


class QuestionType(ABC):
    """Base class. An override must set `name` and implement field/parse/refill/describe."""

    name: ClassVar[str]
    label: ClassVar[str]
    template: ClassVar[str]  # the partial under templates/quiz/types/ that renders the field
    answer_label: ClassVar[str] = "Your answer"
    max_length: ClassVar[int | None] = None

    def choices(self, definition: dict, order: list[int] | None) -> list[tuple[str, Markup]]:
        """The options a learner picks from, as (value, label HTML); empty for free entry."""
        return []

    def view(self, definition: dict, order: list[int] | None, data, errors=()) -> AnswerView:
        """The answer field for the template, showing `data` (refill() output or the posted value)."""
        if isinstance(data, (list, tuple)):
            selected, text = frozenset(str(v) for v in data), ""
        elif data in (None, ""):
            selected, text = frozenset(), ""
        else:
            selected, text = frozenset([str(data)]), str(data)
        return AnswerView(self.choices(definition, order), selected, text, self.answer_label, self.max_length,
                          list(errors))

    @abstractmethod
    def field(self):
        """Return an unbound WTForms field that reads this type's answer from a post. It checks only
        the shape (one value, several, text length): parse() checks the value against the question,
        so one answer form per type serves every question (quiz/forms.answer_form)."""

    @abstractmethod
    def parse(self, data, definition: dict) -> dict | None:
        """Turn the field's data into a response dict; None when left blank.

        :raises InvalidResponse: with a message for the learner when the value is not acceptable.
        """

    @abstractmethod
    def refill(self, response: dict | None):
        """Return field data that shows a saved response again."""

    @abstractmethod
    def describe(self, definition: dict, response: dict | None) -> str:
        """Return the response as plain text for the review."""

    @abstractmethod
    def key(self, definition: dict) -> str:
        """Return the correct answer as plain text for the review."""

    def grade(self, definition: dict, response: dict) -> grading.Grade:
        return grading.grade(definition, response)

    def feedback(self, definition: dict, response: dict | None, grade: grading.Grade | None) -> list[str]:
        """Feedback lines (Markdown) for a response: per chosen wrong option, or the type's line."""
        if grade is not None and grade.state != grading.CORRECT and definition.get("feedback"):
            return [definition["feedback"]]
        return []


QUESTION_TYPES: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    QUESTION_TYPES[cls.name] = cls()
    return cls


def get_question_type(name: str) -> QuestionType:
    """Return the registered type for a `type:` string, or raise UnknownQuestionType."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise UnknownQuestionType(name, list(QUESTION_TYPES)) from None


def _choice_pairs(definition: dict, order: list[int] | None) -> list[tuple[str, Markup]]:
    indices = order if order is not None else list(range(len(definition["choices"])))
    # render_inline() output is sanitised by nh3 (rendering.sanitise), so marking it safe is sound.
    return [(str(i), Markup(render_inline(definition["choices"][i]["text"]))) for i in indices]  # nosec B704


def _plain(text: str) -> str:
    return text.strip().strip("`")


class _ChoiceType(QuestionType):
    answer_label = "Answer"

    def choices(self, definition, order):
        return _choice_pairs(definition, order)

    def _index(self, value, definition: dict) -> int:
        try:
            index = int(value)
        except (TypeError, ValueError):
            raise InvalidResponse("That choice does not exist; pick one of the options shown.") from None
        if not 0 <= index < len(definition["choices"]):
            raise InvalidResponse("That choice does not exist; pick one of the options shown.")
        return index

    def feedback(self, definition, response, grade):
        if response is None:
            return []
        picked = response.get("choices", [response.get("choice")])
        return [definition["choices"][i]["feedback"] for i in picked
                if i is not None and not definition["choices"][i]["correct"] and definition["choices"][i].get("feedback")]


@register
class SingleChoice(_ChoiceType):
    name, label, template = "single", "Single choice", "radio"

    def field(self):
        return RadioField(self.answer_label, validate_choice=False)

    def parse(self, data, definition):
        if data in (None, ""):
            return None
        return {"choice": self._index(data, definition)}

    def refill(self, response):
        return None if response is None else str(response["choice"])

    def describe(self, definition, response):
        return "(no answer)" if response is None else _plain(definition["choices"][response["choice"]]["text"])

    def key(self, definition):
        return next(_plain(c["text"]) for c in definition["choices"] if c["correct"])


@register
class MultipleChoice(_ChoiceType):
    name, label, template = "multiple", "Multiple choice (select all that apply)", "checkbox"

    def field(self):
        return MultiCheckboxField(self.answer_label, validate_choice=False)

    def parse(self, data, definition):
        if not data:
            return None
        return {"choices": sorted({self._index(v, definition) for v in data})}

    def refill(self, response):
        return [] if response is None else [str(i) for i in response["choices"]]

    def describe(self, definition, response):
        if response is None:
            return "(no answer)"
        return "; ".join(_plain(definition["choices"][i]["text"]) for i in response["choices"])

    def key(self, definition):
        return "; ".join(_plain(c["text"]) for c in definition["choices"] if c["correct"])


@register
class TrueFalse(QuestionType):
    name, label, template = "true_false", "True or false", "radio"
    answer_label = "Answer"

    def choices(self, definition, order):
        return [("true", Markup("True")), ("false", Markup("False"))]

    def field(self):
        return RadioField(self.answer_label, validate_choice=False)

    def parse(self, data, definition):
        if data in (None, ""):
            return None
        if data not in ("true", "false"):
            raise InvalidResponse("Choose True or False.")
        return {"value": data == "true"}

    def refill(self, response):
        return None if response is None else ("true" if response["value"] else "false")

    def describe(self, definition, response):
        return "(no answer)" if response is None else str(response["value"])

    def key(self, definition):
        return str(definition["answer"])


@register
class Numeric(QuestionType):
    name, label, template = "numeric", "Number", "text"
    answer_label, max_length = "Your answer (a number)", 64

    def field(self):
        return StringField(self.answer_label, validators=[Length(max=self.max_length)])

    def parse(self, data, definition):
        text = (data or "").strip().replace("\u2212", "-").replace(" ", "").replace("_", "")
        if not text:
            return None
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as many learners write it
        try:
            value = float(text)
        except ValueError:
            raise InvalidResponse(f"“{data.strip()[:40]}” is not a number. Write it like 0.25, -3 or 1e-4.") from None
        if not math.isfinite(value):
            raise InvalidResponse("Enter a finite number.")
        return {"value": value, "raw": data.strip()[:64]}

    def refill(self, response):
        return "" if response is None else response.get("raw", repr(response["value"]))

    def describe(self, definition, response):
        if response is None:
            return "(no answer)"
        return response.get("raw", f"{response['value']:g}") + (f" {definition['unit']}" if definition.get("unit") else "")

    def key(self, definition):
        text = f"{definition['answer']:g}"
        tol = definition.get("tolerance")
        if tol and tol["value"]:
            text += f" (± {tol['value']:g}{'%' if tol['kind'] == 'rel' else ''})"
        return text + (f" {definition['unit']}" if definition.get("unit") else "")


@register
class ShortAnswer(QuestionType):
    name, label, template = "short", "Short answer", "text"
    max_length = 500

    def field(self):
        return StringField(self.answer_label, validators=[
            Length(max=self.max_length, message="Keep the answer under 500 characters.")])

    def parse(self, data, definition):
        text = (data or "").strip()
        if not text:
            return None
        if len(text) > 500:
            raise InvalidResponse("Keep the answer under 500 characters.")
        return {"text": text}

    def refill(self, response):
        return "" if response is None else response["text"]

    def describe(self, definition, response):
        return "(no answer)" if response is None else response["text"]

    def key(self, definition):
        answers = definition.get("answers") or []
        if answers:
            return " or ".join(answers)
        return f"text matching /{definition['pattern']}/"
