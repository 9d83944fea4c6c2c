"""The first sitting of the real adaptive assessment really stops when every call is clear (or every area's is
and every skill has one), and says why
(issue #20): minimum per skill, skill count and limit fit together, so a learner far from every target
finishes early."""
from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, Skill, SkillResult
from tests.helpers import Learner, answer_to_the_end, right_answer, wrong_answer


@pytest.mark.parametrize("answer", [right_answer, wrong_answer], ids=["knows-everything", "knows-nothing"])
def test_a_learner_far_from_every_target_finishes_early(real_app, answer):
    learner = Learner(real_app.test_client())
    learner.start("ml-readiness", mode="assessment", role="ml-engineer-entry")
    answer_to_the_end(real_app, learner, lambda _, definition, order, __: answer(definition, order))
    with real_app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        asked, limit, reason = len(attempt.items), attempt.question_count, attempt.stop_reason
    assert asked <= 20 < limit, (asked, reason)
    assert reason.startswith(("every skill's call was clear (",
                              "every area's call was clear and every skill had a call (4 areas clear;")), reason
    assert learner.submit().status_code in (302, 303)
    page = learner.client.get(f"/report/{learner.public_id}").text
    assert f"The test stopped after {asked} of up to {limit} questions\n      because {escape(reason)}." in page
    with real_app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        statuses = [r.status for r in db.session.scalars(select(SkillResult).where(SkillResult.attempt_id == attempt.id))]
    assert statuses.count("uncertain") <= len(statuses) // 4


def test_a_second_sitting_looks_at_every_area_again(real_app):
    """The profile from the first sitting already settles every skill; the second sitting still asks about each
    area (two questions per area before its skills may stop), so a learner who has studied can move."""
    client = real_app.test_client()
    first, second = Learner(client), Learner(client)
    for learner, answer in ((first, wrong_answer), (second, right_answer)):   # studied in between
        learner.start("ml-readiness", mode="assessment", role="ml-engineer-entry")
        answer_to_the_end(real_app, learner, lambda _, definition, order, __, pick=answer: pick(definition, order))
        assert learner.submit().status_code in (302, 303)
    with real_app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == second.public_id))
        areas = [slot.version.definition["skills"][0] for slot in attempt.items]
        by_area = {}
        for skill in areas:
            area = db.session.get(Skill, skill).area
            by_area[area] = by_area.get(area, 0) + 1
        results = list(db.session.scalars(select(SkillResult).where(SkillResult.attempt_id == attempt.id)))
    assert set(by_area) == {"math", "python", "algorithms", "frameworks"} and min(by_area.values()) >= 2
    assert any(r.sittings == 2 for r in results) and all(r.sittings >= 1 for r in results if r.n_items)
    assert "over 2 sittings" in client.get(f"/report/{second.public_id}").text
