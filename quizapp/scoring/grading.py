"""What grading shares across question types: a grade (credit in [0, 1] and a state), the
tolerance rule of numbers and the normalisation of typed text.

Each question type grades its own responses (quizapp.questiontypes); option indices in a response
refer to the definition's order, never to the shuffled order a learner saw.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CORRECT, PARTIAL, WRONG = "correct", "partial", "wrong"
# A declared "I don't know": credit 0 like a wrong answer, but its own state, because scoring models it
# without a lucky guess (ability.Observation.guessing) and the review and statistics count it apart.
DONT_KNOW = "dont_know"


@dataclass(frozen=True)
class Grade:
    fraction: float
    state: str

    @classmethod
    def dont_know(cls) -> "Grade":
        """The grade of "I don't know", the same for every question type."""
        return cls(0.0, DONT_KNOW)

    @classmethod
    def from_fraction(cls, fraction: float) -> "Grade":
        fraction = min(1.0, max(0.0, fraction))
        if fraction >= 1.0 - 1e-9:
            return cls(1.0, CORRECT)
        if fraction <= 1e-9:
            return cls(0.0, WRONG)
        return cls(fraction, PARTIAL)


def numeric_within(value: float, answer: float, tolerance: dict | None) -> bool:
    """True when value is within the absolute or relative (percent) tolerance of answer."""
    tolerance = tolerance or {"kind": "abs", "value": 0.0}
    allowed = tolerance["value"] if tolerance["kind"] == "abs" else abs(answer) * tolerance["value"] / 100
    # A small epsilon so that 0.1 + 0.2 style representation error never marks a right answer wrong.
    return abs(value - answer) <= allowed + 1e-9 * max(1.0, abs(answer))


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """Trim, collapse inner whitespace, NFC-normalise and (unless case-sensitive) case-fold."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if case_sensitive else text.casefold()
