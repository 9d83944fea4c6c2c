"""What a learner (after answering) or an instructor (previewing) sees of one question's key."""
from __future__ import annotations

from dataclasses import dataclass

from ..models import AttemptItem
from ..render.markdown import render_inline, render_markdown
from ..scoring.grading import Grade
from . import get_question_type


@dataclass(frozen=True)
class ReviewEntry:
    position: int
    question_id: str
    version: int
    qtype: str
    prompt_html: str
    response_text: str
    key_text: str
    state: str
    credit: float | None
    feedback_html: list[str]
    explanation_html: str
    references: list[str]
    skills: list[str]
    choices: list[dict]


def question_review(definition: dict, *, question_id: str, version: int = 0, position: int = 0,
                    response: dict | None = None, order: list[int] | None = None, state: str = "unanswered",
                    credit: float | None = None) -> ReviewEntry:
    """The key, feedback and explanation of one question, with a response if there is one."""
    qt = get_question_type(definition["type"])
    grade = Grade(credit, state) if credit is not None else None
    choices = qt.review_options(definition, response, order)
    return ReviewEntry(
        position=position, question_id=question_id, version=version, qtype=definition["type"],
        prompt_html=render_markdown(definition["prompt"]), response_text=qt.describe(definition, response),
        key_text=qt.key(definition) if not definition.get("params") else "computed per variant by `check`",
        state=state, credit=credit,
        feedback_html=[render_inline(f) for f in qt.feedback(definition, response, grade)],
        explanation_html=render_markdown(definition["explanation"]), references=list(definition.get("references", [])),
        skills=list(definition["skills"]), choices=choices,
    )


def review_entry(item: AttemptItem) -> ReviewEntry:
    """The review of one answered (or skipped) item of an attempt."""
    return question_review(item.definition, question_id=item.version.question_id, version=item.version.version,
                           position=item.position, response=item.response, order=item.choice_order,
                           state=item.state, credit=item.credit)
