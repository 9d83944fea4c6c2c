"""The hot path's contract (quizapp/hotpath/README.md): its plain reads give what the ORM gives, and
the ownership rule is written once."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from sqlalchemy import select

import quizapp
from quizapp.extensions import db
from quizapp.hotpath.attempt_page import PageAttempt, ShownSlot, get_own_answer_slot, get_own_page
from quizapp.models import Attempt, AttemptItem
from tests.helpers import in_the_learners_browser, items_of, right_answer


def _orm_value(item: AttemptItem, name: str):
    value = getattr(item, name)
    return value or 0.0 if name == "seconds" else value


def test_the_page_reads_give_every_field_as_the_orm_has_it(app, learner):
    learner.start()
    position, definition, _ = items_of(app, learner.public_id)[1]
    assert learner.answer(position, right_answer(definition), flagged=True).status_code == 303
    with in_the_learners_browser(app, learner):
        page = get_own_page(learner.public_id, position)
        answer = get_own_answer_slot(learner.public_id, position)
        item = db.session.scalars(select(AttemptItem).join(Attempt).where(
            Attempt.public_id == learner.public_id, AttemptItem.position == position)).one()
        assert item.response is not None and item.flagged  # the fields compared below are not all empty
        for field in fields(ShownSlot):
            assert getattr(page.slot, field.name) == _orm_value(item, field.name), field.name
            assert getattr(answer.slot, field.name) == _orm_value(item, field.name), field.name
        attempt = item.attempt
        for field in fields(PageAttempt):
            expected = attempt.assessment.name if field.name == "assessment_name" else getattr(attempt, field.name)
            assert getattr(page.attempt, field.name) == expected, field.name
            assert getattr(answer.attempt, field.name) == expected, field.name
        assert page.slots == answer.slots == len(attempt.items) == len(page.nav)


def test_the_ownership_rule_is_written_once():
    """Attempt.owned_by is the rule; a second spelling of it (user_id == …, guest_token == …) would
    drift from the first, as two did before."""
    spelled = re.compile(r"Attempt\.(user_id|guest_token)\s*==|Attempt\.user_id\.is_\(None\)")
    root = Path(quizapp.__file__).parent
    offenders = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py") if path.name != "models.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if spelled.search(line)]
    assert offenders == []
