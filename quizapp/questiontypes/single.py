"""Single choice: one right option among 2-8; full credit for it, none for any other."""
from __future__ import annotations

import json

from wtforms import RadioField

from ..bank.check_results import shown, strip_code
from ..bank.checking import ItemChecker, line_of
from ..scoring.grading import Grade
from .choice import ChoiceType, choice_index, plain


class SingleChoice(ChoiceType):
    name, label, template = "single", "Single choice", "radio"
    choice_limits = (2, 8)
    one_key = True

    def check_keys(self, q, item: ItemChecker, n_correct: int) -> None:
        if n_correct != 1:
            msg = ("no choice is marked correct" if n_correct == 0
                   else f"{n_correct} choices are marked correct; a single question has exactly one")
            item.error(line_of(q, "choices"), f"choices: {msg}")

    def field(self):
        return RadioField(self.answer_label, validate_choice=False)

    def parse(self, data, definition, order=None):
        if data in (None, ""):
            return None
        return {"choice": self._index(data, definition)}

    def refill(self, response, order=None):
        return None if response is None else str(response["choice"])

    def grade(self, definition, response):
        index = choice_index(definition, response.get("choice"))
        return Grade.from_fraction(1.0 if definition["choices"][index].get("correct") else 0.0)

    def describe(self, definition, response):
        return "(no answer)" if response is None else plain(definition["choices"][response["choice"]]["text"])

    def key(self, definition):
        return next(plain(c["text"]) for c in definition["choices"] if c["correct"])

    def picks(self, definition, response):
        return None if response is None else (response["choice"],)

    def check_problem(self, definition, result, key=None):
        """The check's value or printed line is the marked option's text."""
        key_text = next(strip_code(c["text"]) for c in definition["choices"] if c["correct"])
        got = {result["repr"], result["str"]} if result["kind"] == "value" else {result["text"]}
        if isinstance(result.get("plain"), str):
            got.add(json.dumps(result["plain"]))  # authors write "bcd" as often as 'bcd'
        # Inline code marks inside a choice ("It raises `ValueError`") are formatting, not content.
        if key_text.replace("`", "") not in {strip_code(g).replace("`", "") for g in got}:
            return f"check gave {shown(result)}, the marked choice is {key_text!r}"
        return None

    def gift(self, definition, note):
        from ..bank.formats.gift import WEIGHT

        def marker(choice, weight, text):
            return "=" if choice.get("correct") else ("~%0%" if WEIGHT.match(text) else "~")
        return "{", self.gift_choice_lines(definition, marker)
