"""Question types: one module per type, each owning all it knows (base.QuestionType says what).

The registry maps the YAML `type:` to its type object. Adding a type is a module here, a template
in templates/quiz/types/, one line below and its tests (docs/question-types.md).
"""
from __future__ import annotations

from ..scoring.exceptions import UnknownQuestionType
from ..scoring.grading import Grade
from .base import DONT_KNOW_RESPONSE, DONT_KNOW_TEXT, AnswerView, QuestionType, is_dont_know, own_response
from .multiple import MultipleChoice
from .numeric import Numeric
from .ordering import Ordering
from .short import ShortAnswer
from .single import SingleChoice
from .true_false import TrueFalse

QUESTION_TYPES: dict[str, QuestionType] = {
    cls.name: cls() for cls in (SingleChoice, MultipleChoice, TrueFalse, Numeric, ShortAnswer, Ordering)
}


def get_question_type(name: str) -> QuestionType:
    """Return the registered type for a `type:` string, or raise UnknownQuestionType."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise UnknownQuestionType(name, list(QUESTION_TYPES)) from None


def grade(definition: dict, response: dict) -> Grade:
    """Grade a response with its question's type (raises UnknownQuestionType, InvalidResponse);
    "I don't know" is credit 0 in its own state, whatever the type."""
    qtype = get_question_type(definition.get("type"))
    if is_dont_know(response):
        return Grade.dont_know()
    return qtype.grade(definition, response)


__all__ = ["DONT_KNOW_RESPONSE", "DONT_KNOW_TEXT", "QUESTION_TYPES", "AnswerView", "QuestionType", "get_question_type",
           "grade", "is_dont_know", "own_response"]
