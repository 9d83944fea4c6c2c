"""The first sitting of the real adaptive assessment really stops when every call is clear (or every area's is
and every skill has one), and says why
(issue #20): minimum per skill, skill count and limit fit together, so a learner far from every target
finishes early."""
from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from quizapp.config import PROJECT_ROOT
from quizapp.extensions import db
from quizapp.models import Attempt, Skill, SkillResult
from tests.helpers import Learner, make_app, right_answer, wrong_answer


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    """The shipped bank, imported as an operator does (`quizapp bank import`: parameterised keys computed)."""
    path = tmp_path_factory.mktemp("real")
    app = make_app(path, PROJECT_ROOT / "questions", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path / 'real.sqlite'}")
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["bank", "import"])
    assert result.exit_code == 0, result.output
    return app


def shown(app, public_id, position):
    """The slot's definition as shown (a parameterised question's variant resolved) and its choice order."""
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        slot = attempt.items[position - 1]
        return slot.definition, slot.choice_order


def reply(learner, position, answer, definition, order):
    """Post `answer`'s form value; a short question keyed by a pattern alone has no value the helpers can
    write, so the learner says "I don't know" there (a miss either way)."""
    if definition["type"] == "short" and not definition.get("answers"):
        return learner.answer(position, None, dont_know="y")
    return learner.answer(position, answer(definition, order))


@pytest.mark.parametrize("answer", [right_answer, wrong_answer], ids=["knows-everything", "knows-nothing"])
def test_a_learner_far_from_every_target_finishes_early(real_app, answer):
    learner = Learner(real_app.test_client())
    learner.start("ml-readiness", mode="assessment", role="ml-engineer-entry")
    position = 1
    while True:
        definition, order = shown(real_app, learner.public_id, position)
        response = reply(learner, position, answer, definition, order)
        assert response.status_code == 303
        if not response.headers["Location"].endswith(f"/q/{position + 1}"):
            break
        position += 1
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
        position = 1
        while True:
            definition, order = shown(real_app, learner.public_id, position)
            response = reply(learner, position, answer, definition, order)
            if not response.headers["Location"].endswith(f"/q/{position + 1}"):
                break
            position += 1
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
