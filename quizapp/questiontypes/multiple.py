"""Multiple choice (select all that apply): 3-10 options, at least one right, partial credit."""
from __future__ import annotations

from ..bank.check_results import strip_code, text_of
from ..bank.checking import ItemChecker, line_of
from ..scoring.grading import CORRECT, Grade
from .choice import ChoiceType, MultiCheckboxField, choice_index, plain


class MultipleChoice(ChoiceType):
    name, label, template = "multiple", "Multiple choice (select all that apply)", "checkbox"
    legend = "Your answer: select all that apply"
    choice_limits = (3, 10)

    def check_keys(self, q, item: ItemChecker, n_correct: int) -> None:
        if n_correct == 0:
            item.error(line_of(q, "choices"), "choices: no choice is marked correct")

    def field(self):
        return MultiCheckboxField(self.answer_label, validate_choice=False)

    def parse(self, data, definition, order=None):
        if not data:
            return None
        return {"choices": sorted({self._index(v, definition) for v in data})}

    def refill(self, response, order=None):
        return [] if response is None else [str(i) for i in response["choices"]]

    def grade(self, definition, response):
        """Partial credit: each right pick earns 1/#right, each wrong pick costs 1/#wrong."""
        picks = {choice_index(definition, i) for i in response.get("choices", [])}
        right = {i for i, c in enumerate(definition["choices"]) if c.get("correct")}
        wrong = set(range(len(definition["choices"]))) - right
        fraction = len(picks & right) / len(right)
        if wrong:
            fraction -= len(picks & wrong) / len(wrong)
        return Grade.from_fraction(fraction)

    def describe(self, definition, response):
        if response is None:
            return "(no answer)"
        return "; ".join(plain(definition["choices"][i]["text"]) for i in response["choices"])

    def key(self, definition):
        return "; ".join(plain(c["text"]) for c in definition["choices"] if c["correct"])

    def result_text(self, definition, response, grade):
        """How many right options were picked and how many wrong ones: what the credit is made of."""
        if response is None or grade is None or grade.state == CORRECT:
            return ""
        picks = set(response["choices"])
        right = {i for i, c in enumerate(definition["choices"]) if c["correct"]}
        wrong = len(picks - right)
        return (f"You picked {len(picks & right)} of the {len(right)} right "
                f"{'option' if len(right) == 1 else 'options'} and "
                f"{'no' if not wrong else wrong} wrong {'one' if wrong < 2 else 'ones'}.")

    def picks(self, definition, response):
        return None if response is None else tuple(response["choices"])

    def check_problem(self, definition, result, key=None):
        """The check gives the marked options' texts: a list, or one per printed line."""
        keys = {strip_code(c["text"]) for c in definition["choices"] if c["correct"]}
        plain_value = result.get("plain")
        got = ({strip_code(str(v)) for v in plain_value} if isinstance(plain_value, list)
               else {strip_code(line) for line in text_of(result).splitlines() if line.strip()})
        if got != keys:
            return f"check gave {sorted(got)}, the marked choices are {sorted(keys)}"
        return None

    def gift(self, definition, note):
        from ..bank.formats._common import weight_text
        return "{", self.gift_choice_lines(definition, lambda choice, weight, text: f"~%{weight_text(weight)}%")
