"""Grade one response to one question definition: a credit in [0, 1] and a state.

Definitions are the normalised dicts the bank loader produces; responses are small dicts:
single {"choice": i}, multiple {"choices": [i, ...]}, true_false {"value": bool},
numeric {"value": float}, short {"text": str}. Choice indices refer to the definition's
order, never to the shuffled order a learner saw.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from .exceptions import InvalidResponse, UnknownQuestionType

CORRECT, PARTIAL, WRONG = "correct", "partial", "wrong"


@dataclass(frozen=True)
class Grade:
    fraction: float
    state: str

    @classmethod
    def from_fraction(cls, fraction: float) -> "Grade":
        fraction = min(1.0, max(0.0, fraction))
        if fraction >= 1.0 - 1e-9:
            return cls(1.0, CORRECT)
        if fraction <= 1e-9:
            return cls(0.0, WRONG)
        return cls(fraction, PARTIAL)


def _choice_index(definition: dict, index) -> int:
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(definition["choices"]):
        raise InvalidResponse(f"choice {index!r} does not exist")
    return index


def grade_single(definition: dict, response: dict) -> Grade:
    """Full credit for the correct choice, none for any other."""
    index = _choice_index(definition, response.get("choice"))
    return Grade.from_fraction(1.0 if definition["choices"][index].get("correct") else 0.0)


def grade_multiple(definition: dict, response: dict) -> Grade:
    """Partial credit: each right pick earns 1/#right, each wrong pick costs 1/#wrong."""
    picks = {_choice_index(definition, i) for i in response.get("choices", [])}
    right = {i for i, c in enumerate(definition["choices"]) if c.get("correct")}
    wrong = set(range(len(definition["choices"]))) - right
    fraction = len(picks & right) / len(right)
    if wrong:
        fraction -= len(picks & wrong) / len(wrong)
    return Grade.from_fraction(fraction)


def grade_true_false(definition: dict, response: dict) -> Grade:
    value = response.get("value")
    if not isinstance(value, bool):
        raise InvalidResponse("the answer must be true or false")
    return Grade.from_fraction(1.0 if value == definition["answer"] else 0.0)


def numeric_within(value: float, answer: float, tolerance: dict | None) -> bool:
    """True when value is within the absolute or relative (percent) tolerance of answer."""
    tolerance = tolerance or {"kind": "abs", "value": 0.0}
    allowed = tolerance["value"] if tolerance["kind"] == "abs" else abs(answer) * tolerance["value"] / 100
    # A small epsilon so that 0.1 + 0.2 style representation error never marks a right answer wrong.
    return abs(value - answer) <= allowed + 1e-9 * max(1.0, abs(answer))


def grade_numeric(definition: dict, response: dict) -> Grade:
    value = response.get("value")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise InvalidResponse("the answer must be a finite number")
    return Grade.from_fraction(1.0 if numeric_within(value, definition["answer"], definition.get("tolerance")) else 0.0)


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """Trim, collapse inner whitespace, NFC-normalise and (unless case-sensitive) case-fold."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if case_sensitive else text.casefold()


def grade_short(definition: dict, response: dict) -> Grade:
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


GRADERS = {
    "single": grade_single,
    "multiple": grade_multiple,
    "true_false": grade_true_false,
    "numeric": grade_numeric,
    "short": grade_short,
}


def grade(definition: dict, response: dict) -> Grade:
    """Grade a response with the grader registered for the definition's type."""
    try:
        grader = GRADERS[definition["type"]]
    except KeyError:
        raise UnknownQuestionType(definition.get("type"), list(GRADERS)) from None
    return grader(definition, response)
