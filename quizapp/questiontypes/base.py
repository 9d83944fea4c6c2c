"""What every question type answers: the base class a type module subclasses.

A type owns everything that differs between types (the Moodle split of question *types* from
*behaviours*): its keys in a question file and their validation, the form field and template a
learner answers with, parsing and grading a response, its guessing floor, the order it shows its
options in, how a `check` proves its key, what item statistics count for it, and how the formats
write it. Code outside questiontypes/ asks the type; it never compares type names.
"""
from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from ..bank.check_results import shown
from ..bank.checking import ItemChecker, coercion_hint, is_text, line_of
from ..scoring import grading
from ..scoring.itemstats import ItemInfo

TEXT_SCHEMA = {"type": "string", "minLength": 1}

# "I don't know": one stored response for every type, which no type's own responses look like (a type
# names its keys after what it holds: choice, choices, value, text, order). Types never see it: it is
# graded, refilled, described and counted by the functions below and their callers, the same way for all.
DONT_KNOW_RESPONSE = {"dont_know": True}
DONT_KNOW_TEXT = "I don't know"


def is_dont_know(response) -> bool:
    """Whether a stored or posted response is "I don't know"."""
    return response == DONT_KNOW_RESPONSE


def own_response(response: dict | None) -> dict | None:
    """The response as the type's own methods take it: None (nothing chosen) for "I don't know"."""
    return None if is_dont_know(response) else response
FEEDBACK_SCHEMA = {**TEXT_SCHEMA, "description": "Shown after a wrong answer: the misconception behind it."}


# What the review says when a preview shows a parameterised question without one of its variants.
PER_VARIANT = "computed for each variant by its check"


@dataclass(frozen=True)
class KeyText:
    """What the review says a question's key is, so every learner sees an answer they could have given:
    `answer` as they would write it (shown as code), one `example` among the answers of its form, or
    only `words` when nothing better can be shown. str() is the one-line plain text (report JSON, PDF)."""

    answer: str = ""
    example: bool = False
    words: str = ""

    def __str__(self) -> str:
        if not self.answer:
            return self.words
        return f"for example {self.answer}" if self.example else self.answer


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
    """One kind of question. A subclass sets the class attributes and implements the abstract
    methods; the defaults suit a type without options (free entry)."""

    name: ClassVar[str]              # the `type:` of a question file
    label: ClassVar[str]             # what instructors read
    template: ClassVar[str]          # the partial under templates/quiz/types/ that renders the answer field
    answer_label: ClassVar[str] = "Your answer"
    legend: ClassVar[str] = "Your answer"    # the fieldset legend of option templates
    input_mode: ClassVar[str | None] = None  # the text input's inputmode (a phone's keyboard)
    max_length: ClassVar[int | None] = None

    # The question file: this type's keys beyond the common ones, and their JSON Schema for editors.
    required_keys: ClassVar[frozenset[str]] = frozenset()
    optional_keys: ClassVar[frozenset[str]] = frozenset()
    key_schemas: ClassVar[dict[str, dict]] = {}
    # The key a parameterised question's `check` computes for each variant; None: not parameterisable.
    parameterised_key: ClassVar[str | None] = None
    free_entry: ClassVar[bool] = False       # a typed answer, not a pick among options
    key_needs_check: ClassVar[bool] = False  # lint: an unchecked key of this type is an error
    one_key: ClassVar[bool] = False          # exactly one right option among several (lint, item statistics)
    boolean_key: ClassVar[bool] = False      # the key is `answer: true|false` (lint: its balance over the bank)

    # --- the question file ---------------------------------------------------------------

    @abstractmethod
    def validate(self, q, item: ItemChecker, definition: dict) -> None:
        """Check this type's own keys of question `q` (a LineMap) and put their normalised values
        into `definition`; every problem goes to `item` with its line."""

    def validate_feedback(self, q, item: ItemChecker, definition: dict) -> None:
        """The one question-level `feedback:` (types whose options carry their own have none)."""
        if "feedback" not in q:
            return
        if not is_text(q["feedback"]):
            item.error(line_of(q, "feedback"), f"feedback: must be text{coercion_hint(q, 'feedback')}")
        else:
            definition["feedback"] = q["feedback"]

    # --- the learner's answer ------------------------------------------------------------

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

    def shuffled_order(self, definition: dict, rng: random.Random) -> list[int] | None:
        """The order this attempt shows the options in, drawn once and stored; None: no options."""
        return None

    @abstractmethod
    def field(self):
        """Return an unbound WTForms field that reads this type's answer from a post. It checks only
        the shape (one value, several, text length): parse() checks the value against the question,
        so one answer form per type serves every question (quiz/forms.answer_form)."""

    @abstractmethod
    def parse(self, data, definition: dict, order: list[int] | None = None) -> dict | None:
        """Turn the field's data into a response dict; None when left blank. `order` is the order the
        attempt showed the options in (field values may refer to it rather than to the key).

        :raises InvalidResponse: with a message for the learner when the value is not acceptable.
        """

    @abstractmethod
    def refill(self, response: dict | None, order: list[int] | None = None):
        """Return field data that shows a saved response again (in the order the options are shown)."""

    @abstractmethod
    def grade(self, definition: dict, response: dict) -> grading.Grade:
        """Credit in [0, 1] and a state for a response (InvalidResponse for one of the wrong shape)."""

    # --- the review ----------------------------------------------------------------------

    @abstractmethod
    def describe(self, definition: dict, response: dict | None) -> str:
        """Return the response as plain text for the review."""

    @abstractmethod
    def key(self, definition: dict) -> str:
        """Return the correct answer as plain text for the review."""

    def key_text(self, definition: dict) -> KeyText:
        """The key as the review shows it. A learner's definition is resolved for their variant
        (bank.params.resolve), so it has its computed key; only a preview of a parameterised
        question, with no variant drawn, has none to show."""
        if definition.get("params") and self.parameterised_key not in definition:
            return KeyText(words=PER_VARIANT)
        return KeyText(self.key(definition))

    def key_problems(self, definition: dict) -> list[str]:
        """What keeps the review from showing a learner an answer they could have given (bank lint)."""
        return []

    def result_text(self, definition: dict, response: dict | None, grade: grading.Grade | None) -> str:
        """What was right and what was not, in words, for a type that gives partial credit ("" if none):
        "Partly correct" or "Not correct" alone does not say which part to look at again."""
        return ""

    def feedback(self, definition: dict, response: dict | None, grade: grading.Grade | None) -> list[str]:
        """Feedback lines (Markdown) for a response: the type's line after a wrong answer."""
        if grade is not None and grade.state != grading.CORRECT and definition.get("feedback"):
            return [definition["feedback"]]
        return []

    def review_options(self, definition: dict, response: dict | None, order: list[int] | None) -> list[dict]:
        """The options as the review lists them (text, right or not, picked or not); empty for free entry."""
        return []

    # --- measurement ---------------------------------------------------------------------

    def guessing_floor(self, definition: dict) -> float:
        """The expected credit of a blind guess: the 3PL floor before calibration (scoring.ability)."""
        return 0.0

    def item_info(self, version_id: int, definition: dict) -> ItemInfo:
        """What item statistics need to know of this question (scoring.itemstats)."""
        return ItemInfo(version_id, 0, (), None)

    def picks(self, definition: dict, response: dict | None) -> tuple[int, ...] | None:
        """The options a response picked, for option statistics; None for free entry."""
        return None

    # --- checks: how executable code proves the key --------------------------------------

    def check_problem(self, definition: dict, result: dict, key=None) -> str | None:
        """None when a check's result (bank.checks) agrees with the key (or `key`, a variant's), else how it differs."""
        return f"check gave {shown(result)}; a {self.name} question's key cannot be checked by code"

    def variant_key(self, result: dict) -> Any:
        """The key a parameterised question's check produced for one combination; None if unusable."""
        return None

    # --- formats -------------------------------------------------------------------------

    def import_problems(self, question: dict) -> list[str]:
        """What keeps a converted question (bank.formats) from loading, for the instructor to fix."""
        return []

    def gift(self, definition: dict, note) -> tuple[str, list[str]]:
        """The opening brace and answer lines of this question in GIFT (bank.formats.gift).

        :raises Skip: when GIFT cannot carry it."""
        from ..bank.formats._common import Skip
        raise Skip(f"GIFT has no {self.label.lower()} questions; use Moodle XML")

    def qti(self, definition: dict, note):
        """How this question is written as a QTI 3.0 item: a QtiSpec (bank.formats.qti).

        :raises Skip: when QTI cannot carry it."""
        from ..bank.formats._common import Skip
        raise Skip(f"the QTI export has no {self.label.lower()} questions")

    moodle_type: ClassVar[str | None] = None  # the <question type="…"> it is written as, None: not at all
    # The xAPI interactionType of its "answered" statements (the cmi.interaction vocabulary; quizapp/xapi).
    xapi_interaction: ClassVar[str] = "other"
    moodle_penalty: ClassVar[str] = "0.3333333"

    def moodle_answers(self, question, definition: dict, note) -> None:
        """Write this type's answer elements into a Moodle XML <question> (bank.formats.moodle_xml).

        :raises Skip: for a type Moodle XML cannot carry (the exporter skips those before calling)."""
        from ..bank.formats._common import Skip
        raise Skip(f"Moodle XML has no {self.label.lower()} questions")
