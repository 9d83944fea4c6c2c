"""A cohort sees what its members agreed to share: the attempts they submit after joining."""
from datetime import timedelta

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.instructor.routes import csv_safe
from quizapp.models import Attempt, Cohort, CohortMember, User
from tests.helpers import Learner, csrf_token, items_of, logged_in, right_answer, wrong_answer

SHARED = "Your instructor sees the attempts you submit from now on"


def _cohort(app, teacher):
    page = teacher.get("/instructor/cohorts")
    assert teacher.post("/instructor/cohorts", data={"csrf_token": csrf_token(page.text),
                                                     "name": "Spring"}).status_code == 303
    with app.app_context():
        cohort = db.session.scalar(select(Cohort))
        return cohort.id, cohort.join_code


def _submitted_attempt(app, learner, answer, assessment="everything"):
    learner.start(assessment)
    for position, definition, _ in items_of(app, learner.public_id):
        learner.answer(position, answer(definition))
    learner.submit()
    return learner.public_id


def test_only_attempts_submitted_after_joining_are_shared(instructor_app, teacher):
    cohort_id, code = _cohort(instructor_app, teacher)
    client = logged_in(instructor_app, "learn@example.org")
    learner = Learner(client)
    before = _submitted_attempt(instructor_app, learner, wrong_answer)  # every skill a gap, before joining
    join_page = client.get("/cohorts/join")
    assert SHARED in join_page.text and "Attempts you submitted before joining" in join_page.text
    joined = client.post("/cohorts/join", data={"csrf_token": csrf_token(join_page.text), "code": code},
                         follow_redirects=True)
    assert SHARED in joined.text
    heat = teacher.get(f"/instructor/cohorts/{cohort_id}").text
    assert "1 learner" in heat and "No attempts submitted since the learners joined yet." in heat
    assert teacher.get(f"/instructor/cohorts/{cohort_id}/responses.json").json["responses"] == []
    assert len(teacher.get(f"/instructor/cohorts/{cohort_id}/responses.csv").text.strip().splitlines()) == 1

    in_progress = Learner(client)
    in_progress.start()  # not submitted: private too
    after = _submitted_attempt(instructor_app, Learner(client), right_answer)
    rows = teacher.get(f"/instructor/cohorts/{cohort_id}/responses.json").json["responses"]
    assert rows and {r["attempt"] for r in rows} == {after}
    csv_attempts = {line.split(",")[2] for line in
                    teacher.get(f"/instructor/cohorts/{cohort_id}/responses.csv").text.strip().splitlines()[1:]}
    # an id that starts with "-" is written with the apostrophe that keeps a spreadsheet from reading a formula
    assert csv_attempts == {csv_safe(after)} and csv_safe(before) not in csv_attempts
    assert csv_safe(in_progress.public_id) not in csv_attempts
    heat = teacher.get(f"/instructor/cohorts/{cohort_id}").text
    assert "No attempts submitted since" not in heat


def test_the_heatmap_counts_the_latest_shared_result_not_an_earlier_private_one(instructor_app, teacher):
    """Joining between two attempts: the heatmap's counts come from the attempt after joining only, even on
    a skill only the earlier (private) attempt assessed."""
    from quizapp.instructor.cohorts import cohort_heatmap

    cohort_id, code = _cohort(instructor_app, teacher)
    client = logged_in(instructor_app, "learn@example.org")
    before = _submitted_attempt(instructor_app, Learner(client), wrong_answer)
    after = _submitted_attempt(instructor_app, Learner(client), right_answer, "drill")  # fewer skills than "everything"
    with instructor_app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "learn@example.org"))
        after_attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == after))
        # joined between the two submits
        db.session.add(CohortMember(cohort_id=cohort_id, user_id=user_id,
                                    joined_at=after_attempt.submitted_at - timedelta(microseconds=1)))
        db.session.commit()
        table, members = cohort_heatmap(cohort_id)
        shared = {r.skill_id: r.status for r in after_attempt.results}
        assert members == 1 and {r["skill_id"]: r["assessed"] for r in table} == {s: 1 for s in shared}
        for row in table:
            assert row[shared[row["skill_id"]]] == 1
        before_attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == before))
        assert {r.skill_id for r in before_attempt.results} - set(shared)  # a skill only the private one has
