"""Attempt behaviours: what an attempt does with an answer, apart from how a question type grades it.

Moodle's question engine separates the two the same way (question/behaviour/): an assessment is its
deferredfeedback (keys only on the report after submit), practice its immediatefeedback ("Check answer"
shows the key and explanation at once). Adaptive selection has no Moodle behaviour; here it wraps either
of the two, since a learner may practise on an adaptive assessment.

An attempt stores its behaviour as `Attempt.mode` (when keys are shown) and `Attempt.adaptive` (whether
questions are chosen as it goes); an assessment as its `mode` ("assessment", "practice" or "adaptive",
bank/schema.py). The rest of the app asks the behaviour, never those strings. The "practise my gaps"
session (practice.py) is plain practice on a hidden assessment.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..scoring.gaps import UNCERTAIN

if TYPE_CHECKING:
    from ..models import Assessment

ASSESSMENT_MODE = "assessment"
PRACTICE_MODE = "practice"
ADAPTIVE_MODE = "adaptive"  # an assessment's mode only; its attempts store `adaptive` and the mode chosen


class StoredBehaviour(Protocol):
    """What an attempt stores of its behaviour: the Attempt model and the question page's plain read of it."""

    mode: str
    adaptive: bool


@dataclass(frozen=True)
class Behaviour:
    """The questions the app asks about an attempt, answered as an assessment does; each behaviour below
    overrides the answers that differ (class attributes or properties: no database, no request)."""

    mode = ASSESSMENT_MODE           # stored in Attempt.mode; the start form's choice
    label = "Assessment"             # "… mode" above each question
    shows_key_on_check = False       # "Check answer" shows the key and explanation now, so the answer is final
    chooses_next_question = False    # each question is chosen from the answers before it, so the attempt can grow
    ranked_among_learners = True     # the report's percentiles compare it with other learners' attempts

    @property
    def stored(self) -> dict:
        """The Attempt columns that store this behaviour (behaviour_of reads them back)."""
        return {"mode": self.mode, "adaptive": self.chooses_next_question}

    @property
    def checked_answers_are_final(self) -> bool:
        """Whether a checked answer can no longer change: the learner saw its key, or the next
        question was chosen from it."""
        return self.shows_key_on_check or self.chooses_next_question

    def extends_on_next(self, position: int, slots: int) -> bool:
        """Whether "next" on this slot appends a question (and so makes the slot's answer final)."""
        return self.chooses_next_question and position == slots

    def offers_more_questions(self, status: str) -> bool:
        """Whether the report offers "3 more questions" on a skill with this status."""
        return self.chooses_next_question and status == UNCERTAIN


@dataclass(frozen=True)
class DeferredFeedback(Behaviour):
    """An assessment: answers stay open until submit, and every key is on the report."""


@dataclass(frozen=True)
class ImmediateFeedback(Behaviour):
    """Practice: "Check answer" shows the key and explanation at once, and the answer is final."""

    mode = PRACTICE_MODE
    label = "Practice"
    shows_key_on_check = True
    ranked_among_learners = False  # keys seen along the way: not like with like against assessments


ASSESSMENT = DeferredFeedback()
PRACTICE = ImmediateFeedback()


@dataclass(frozen=True)
class Adaptive(Behaviour):
    """Adaptive selection: the next question is chosen after each answer; "next" at the last slot asks
    one more, and the report's "3 more questions on X" appends a few. Keys are shown as `feedback` does."""

    feedback: Behaviour = ASSESSMENT
    chooses_next_question = True

    @property
    def mode(self) -> str:
        return self.feedback.mode

    @property
    def label(self) -> str:
        return self.feedback.label

    @property
    def shows_key_on_check(self) -> bool:
        return self.feedback.shows_key_on_check

    @property
    def ranked_among_learners(self) -> bool:
        return self.feedback.ranked_among_learners


ADAPTIVE = Adaptive(ASSESSMENT)


def behaviour_of(attempt: StoredBehaviour) -> Behaviour:
    """The behaviour of an attempt, from what it stores."""
    feedback = _feedback(attempt.mode)
    return Adaptive(feedback) if attempt.adaptive else feedback


def assessment_behaviour(assessment: Assessment) -> Behaviour:
    """An assessment's own behaviour, from its mode in the bank: what its start form offers first."""
    return ADAPTIVE if assessment.mode == ADAPTIVE_MODE else _feedback(assessment.mode)


def chosen_behaviour(assessment: Assessment, chosen_mode: str) -> Behaviour:
    """The behaviour of an attempt started on an assessment in the mode the learner chose: the assessment
    decides whether questions are chosen as it goes, the learner when the keys are shown."""
    feedback = _feedback(chosen_mode)
    return Adaptive(feedback) if assessment_behaviour(assessment).chooses_next_question else feedback


def unranked_modes() -> tuple[str, ...]:
    """The stored modes (Attempt.mode) whose attempts are left out of the report's percentiles."""
    return tuple(b.mode for b in (ASSESSMENT, PRACTICE) if not b.ranked_among_learners)


def _feedback(mode: str) -> Behaviour:
    """When keys are shown, from a stored mode: any mode but practice is an assessment's."""
    return PRACTICE if mode == PRACTICE_MODE else ASSESSMENT
