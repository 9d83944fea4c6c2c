"""What a learner (after answering) or an instructor (previewing) sees of one question's key."""
from __future__ import annotations

from dataclasses import dataclass

from ..models import AttemptItem
from ..render.markdown import render_inline, render_markdown
from ..scoring.grading import Grade
from . import DONT_KNOW_TEXT, get_question_type, is_dont_know, own_response
from .base import KeyText


@dataclass(frozen=True)
class ReviewEntry:
    position: int
    question_id: str
    version: int
    qtype: str
    prompt_html: str
    response_text: str
    key_text: str        # str(key): one line of plain text (the report JSON, the PDF)
    state: str
    credit: float | None
    feedback_html: list[str]
    explanation_html: str
    references: list[str]
    skills: list[str]
    choices: list[dict]
    dont_know: bool = False  # the learner answered "I don't know"
    key: KeyText = KeyText()  # the key as the type shows it: this learner's variant's, an example of a pattern's
    result_text: str = ""     # what part was right, in words (types with partial credit)


def question_review(definition: dict, *, question_id: str, version: int = 0, position: int = 0,
                    response: dict | None = None, order: list[int] | None = None, state: str = "unanswered",
                    credit: float | None = None) -> ReviewEntry:
    """The key, feedback and explanation of one question, with a response if there is one. "I don't know"
    picks no option and gets no feedback line: the explanation is what it asked for. A slot's definition is
    resolved for its variant (AttemptItem.definition), so the key is the one this learner was asked for."""
    qt = get_question_type(definition["type"])
    grade = Grade(credit, state) if credit is not None else None
    dont_know = is_dont_know(response)
    response = own_response(response)
    choices = qt.review_options(definition, response, order)
    key = qt.key_text(definition)
    return ReviewEntry(
        position=position, question_id=question_id, version=version, qtype=definition["type"],
        prompt_html=render_markdown(definition["prompt"]),
        response_text=DONT_KNOW_TEXT if dont_know else qt.describe(definition, response),
        key_text=str(key), key=key, result_text="" if dont_know else qt.result_text(definition, response, grade),
        state=state, credit=credit,
        feedback_html=[] if dont_know else [render_inline(f) for f in qt.feedback(definition, response, grade)],
        explanation_html=render_markdown(definition["explanation"]), references=list(definition.get("references", [])),
        skills=list(definition["skills"]), choices=choices, dont_know=dont_know,
    )


def review_entry(item: AttemptItem) -> ReviewEntry:
    """The review of one answered (or skipped) item of an attempt."""
    return question_review(item.definition, question_id=item.version.question_id, version=item.version.version,
                           position=item.position, response=item.response, order=item.choice_order,
                           state=item.state, credit=item.credit)
