"""Question types: one module per type, each owning all it knows (base.QuestionType says what).

The registry maps the YAML `type:` to its type object. Adding a type is a module here, a template
in templates/quiz/types/, one line below and its tests (docs/question-types.md).
"""
from __future__ import annotations

from ..scoring.exceptions import UnknownQuestionType
from .base import AnswerView, QuestionType
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


def grade(definition: dict, response: dict):
    """Grade a response with its question's type (raises UnknownQuestionType, InvalidResponse)."""
    return get_question_type(definition.get("type")).grade(definition, response)


__all__ = ["QUESTION_TYPES", "AnswerView", "QuestionType", "get_question_type", "grade"]
