"""One skill profile per learner (issue #20): every scored answer of every attempt they own feeds it,
older answers count less, a guest's profile moves to the account, each report is the profile as of its
sitting and says what it rests on, and an adaptive sitting starts from it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from quizapp.attempts.lifecycle import adaptive_state, assessed_skills, role_targets
from quizapp.attempts.profile import skill_areas
from quizapp.attempts.settings import scoring_settings
from quizapp.extensions import db
from quizapp.models import AreaResult, Attempt, AttemptItem, SkillResult
from quizapp.scoring.gaps import analyse
from tests.helpers import AuthActions, Learner, items_of, observations_by_skill, right_answer, wrong_answer


def sit(app, learner, assessment="everything", mode="assessment", answer=right_answer, submit=True):
    """Start an attempt and answer every question (`answer` picks the form value); submit unless told not to."""
    learner.start(assessment, mode=mode)
    position = 1
    while True:
        _, definition, order = items_of(app, learner.public_id)[position - 1]
        response = learner.answer(position, answer(definition, order))
        assert response.status_code == 303, response.text
        if not response.headers["Location"].endswith(f"/q/{position + 1}"):
            break
        position += 1
    if submit:
        assert learner.submit().status_code in (302, 303)
    return learner.public_id


def results(app, public_id) -> dict[str, SkillResult]:
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        return {r.skill_id: r for r in db.session.scalars(select(SkillResult).where(SkillResult.attempt_id == attempt.id))}


def test_a_second_sitting_rests_on_both_and_says_so(app, client):
    learner = Learner(client)
    first_id = sit(app, learner)
    first = results(app, first_id)
    second_id = sit(app, learner)
    second = results(app, second_id)
    for skill, r in second.items():
        assert r.n_items == first[skill].n_items + r.this_sitting
        if first[skill].n_items and r.this_sitting:
            assert r.sittings == 2
    # all right twice: more sure of no gap than after once
    assert sum(r.p_gap for r in second.values()) < sum(r.p_gap for r in first.values())
    page = client.get(f"/report/{second_id}").text
    assert "over 2 sittings" in page and "in this one)" in page
    assert "also counts your answers from\n      1 earlier sitting," in page
    # the first report is the profile as of the first sitting: unchanged by the second
    assert "earlier sitting" not in client.get(f"/report/{first_id}").text
    assert {s: r.p_gap for s, r in results(app, first_id).items()} == {s: r.p_gap for s, r in first.items()}


def test_practice_answers_feed_the_profile_without_a_submit(app, client):
    learner = Learner(client)
    sit(app, learner, assessment="drill", mode="practice", submit=False)
    practised = len(items_of(app, learner.public_id))
    report = results(app, sit(app, learner))
    assert sum(r.n_items - r.this_sitting for r in report.values()) == practised


def test_other_learners_answers_never_count(app):
    one, other = Learner(app.test_client()), Learner(app.test_client())
    sit(app, one, answer=wrong_answer)
    report = results(app, sit(app, other))
    assert all(r.this_sitting == r.n_items and r.sittings <= 1 for r in report.values())


def test_a_guests_profile_moves_to_the_account_on_sign_up(app, client):
    learner = Learner(client)
    sit(app, learner)                                 # as a guest
    assert AuthActions(client).register().status_code in (302, 303)
    report = results(app, sit(app, learner))          # signed in now
    assert any(r.sittings == 2 for r in report.values())


def test_old_answers_fade(app):
    """The same earlier sitting, fresh or ten half-lives old: old, it hardly moves the next report."""
    def second_report(age_days):
        learner = Learner(app.test_client())
        first = sit(app, learner, answer=wrong_answer)
        with app.app_context():
            attempt_id = db.session.scalar(select(Attempt.id).where(Attempt.public_id == first))
            for item in db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)):
                db.session.execute(update(AttemptItem).where(AttemptItem.id == item.id)
                                   .values(answered_at=item.answered_at - timedelta(days=age_days)))
            db.session.commit()
        second = sit(app, learner)
        with app.app_context():  # the second sitting's answers scored on their own
            attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == second))
            settings = scoring_settings()
            alone = {g.skill_id: g.estimate.p_gap for g in analyse(
                observations_by_skill(attempt.items), role_targets(attempt.role, assessed_skills(attempt)),
                rho=settings.rho, areas=skill_areas(), rho_area=settings.rho_area)}
        return results(app, second), alone

    (fresh, fresh_alone), (old, old_alone) = second_report(0), second_report(10 * app.config["PROFILE_HALF_LIFE_DAYS"])
    for skill, r in old.items():
        assert abs(r.p_gap - old_alone[skill]) < 0.01        # ten half-lives: the old answers hardly count
        assert r.n_items > r.this_sitting or not r.n_items    # but the report still says they are there
    assert sum(r.p_gap - fresh_alone[s] for s, r in fresh.items()) > 0.2   # fresh wrong answers pull towards gaps


def test_area_calls_are_stored_and_shown(app, client):
    public_id = sit(app, Learner(client), answer=wrong_answer)
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        areas = {a.area: a for a in db.session.scalars(select(AreaResult).where(AreaResult.attempt_id == attempt.id))}
    assert set(areas) == {"python", "math"}
    assert all(a.p_gap > 0.5 for a in areas.values())
    page = client.get(f"/report/{public_id}").text
    assert 'id="areas-heading"' in page and "<strong>Python</strong>" in page and "<strong>Math</strong>" in page
    data = client.get(f"/report/{public_id}.json").get_json()
    assert {a["area"] for a in data["areas"]} == {"python", "math"}
    assert all("based_on" in s for s in data["skills"])


def test_an_adaptive_sitting_starts_from_the_profile(app, client):
    learner = Learner(client)
    sit(app, learner)
    learner.start("adapt", mode="assessment")
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        state = adaptive_state(attempt, scoring_settings())
        assert sum(state.earlier.values()) == 5 and state.asked == 1
        assert all(state.posterior.counts[s] == state.earlier.get(s, 0) for s in state.targets)
        assert all(state.asked_on(s) == 0 for s in state.targets)   # the first question is not answered yet
        first_skill = state.history[0].skill
    learner.answer(1, right_answer(items_of(app, learner.public_id)[0][1], items_of(app, learner.public_id)[0][2]))
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        state = adaptive_state(attempt, scoring_settings())
        assert state.asked_on(first_skill) == 1 and sum(state.asked_on(s) for s in state.targets) == 1
