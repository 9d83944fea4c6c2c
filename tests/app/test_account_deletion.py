"""Deleting an account (password and a tick confirm it), and a guest clearing their data: personal
data goes, submitted answers stay anonymised for the item statistics."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import (
    AreaResult,
    Attempt,
    AttemptItem,
    Cohort,
    CohortMember,
    ProblemReport,
    ResourceDone,
    SkillResult,
    User,
)
from tests.helpers import csrf_token

PASSWORD = "correct horse battery"


def delete_me(client, password=PASSWORD, understood=True):
    page = client.get("/auth/account")
    data = {"csrf_token": csrf_token(page.text), "delete_password": password}
    if understood:
        data["understood"] = "y"
    return client.post("/auth/account/delete", data=data)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def answer_all(learner):
    for position in range(1, 6):
        learner.answer(position, "1")


@pytest.fixture
def ada(app, client, auth, learner):
    """Ada with a submitted attempt, one in progress, a cohort membership, a done course and a problem report."""
    auth.register()
    learner.start()
    answer_all(learner)
    learner.submit()
    submitted = learner.public_id
    learner.start()
    learner.answer(1, "1")
    with app.app_context():
        ada = db.session.scalar(select(User))
        teacher = User(email="teach@example.org", display_name="Teach", role="instructor")
        teacher.set_password(PASSWORD)
        db.session.add(teacher)
        db.session.flush()
        cohort = Cohort(name="Class", join_code="ABCDEFGH", owner_id=teacher.id)
        db.session.add(cohort)
        db.session.flush()
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=ada.id))
        db.session.add(ResourceDone(user_id=ada.id, course_id="some-course"))
        version_id = db.session.scalar(select(AttemptItem.version_id).limit(1))
        db.session.add(ProblemReport(version_id=version_id, user_id=ada.id, reason="typo", note="see"))
        db.session.commit()
    return submitted


def test_delete_my_account(app, client, ada):
    with app.app_context():
        answers = db.session.scalar(select(func.count()).select_from(AttemptItem).join(Attempt).where(
            Attempt.status == "submitted"))
    response = delete_me(client)
    assert response.status_code == 302
    assert "Log in" in client.get("/").text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "ada@example.org")) is None
        assert count(CohortMember) == 0 and count(ResourceDone) == 0
        assert count(SkillResult) == 0 and count(AreaResult) == 0
        [kept] = db.session.scalars(select(Attempt)).all()  # the one in progress is gone
        assert kept.status == "submitted" and kept.user_id is None and kept.guest_token is None
        assert kept.public_id != ada
        assert count(AttemptItem) == answers  # the answers stay for the item statistics
        report = db.session.scalar(select(ProblemReport))
        assert report.user_id is None
    assert client.get(f"/report/{ada}").status_code == 404
    page = client.get("/auth/login")
    assert client.post("/auth/login", data={"csrf_token": csrf_token(page.text), "email": "ada@example.org",
                                            "password": PASSWORD}).status_code == 400


@pytest.mark.parametrize("password, understood, message", [
    ("wrong password here", True, "This is not your current password."),
    (PASSWORD, False, "Tick the box to confirm."),
    ("", True, "This field is required."),
])
def test_deletion_needs_the_password_and_the_tick(app, client, ada, password, understood, message):
    response = delete_me(client, password, understood)
    assert response.status_code == 400 and message in response.text and 'aria-invalid="true"' in response.text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "ada@example.org")) is not None


def test_someone_who_runs_cohorts_cannot_delete_their_account_here(app, ada):
    teacher = app.test_client()
    page = teacher.get("/auth/login")
    teacher.post("/auth/login", data={"csrf_token": csrf_token(page.text), "email": "teach@example.org",
                                      "password": PASSWORD})
    response = delete_me(teacher)
    assert response.status_code == 400 and "You run cohorts" in response.text


def test_deletion_is_throttled(app, client, ada):
    statuses = [delete_me(client, "wrong password here").status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


def test_the_account_page_says_what_is_kept(client, ada):
    page = client.get("/auth/account").text
    assert "Delete my account" in page and "stays, anonymised" in page


def test_a_guest_clears_their_data(app, client, learner):
    learner.start()
    answer_all(learner)
    learner.submit()
    submitted = learner.public_id
    learner.start()
    assert "Your guest data" in client.get("/").text
    page = client.get("/auth/guest-data")
    assert "This browser keeps the attempts" in page.text
    response = client.post("/auth/guest-data", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert client.get(f"/report/{submitted}").status_code == 404
    assert "Your guest data" not in client.get("/").text
    with app.app_context():
        [kept] = db.session.scalars(select(Attempt)).all()
        assert kept.guest_token is None and kept.user_id is None and count(SkillResult) == 0


def test_clearing_guest_data_needs_a_csrf_token_and_touches_no_other_browser(app, client, learner):
    learner.start()
    other = app.test_client()
    assert other.post("/auth/guest-data", data={}).status_code == 400
    page = other.get("/auth/guest-data")
    assert "holds no guest attempts" in page.text
    other.post("/auth/guest-data", data={"csrf_token": csrf_token(page.text)})
    with app.app_context():
        assert db.session.scalar(select(Attempt)).guest_token is not None
