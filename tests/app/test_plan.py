"""The report's next step, the study plan page and its calendar, resources marked done, the review page
(issue #21: the report a learner acts on)."""
from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, Course, ResourceDone
from tests.helpers import AuthActions, Learner, csrf_token, items_of, right_answer, visible_text, wrong_answer


def weak_report(app, client, learner) -> dict:
    """A submitted attempt of the fixture bank with every answer wrong; its JSON report."""
    learner.start()
    for position, definition, _ in items_of(app, learner.public_id):
        learner.answer(position, wrong_answer(definition))
    learner.submit()
    return client.get(f"/report/{learner.public_id}.json").json


def test_the_report_starts_with_the_one_next_step_and_the_json_has_it(app, client, learner):
    data = weak_report(app, client, learner)
    step = data["next_step"]
    row = next(s for s in data["skills"] if s["skill_id"] == step["skill_id"])
    assert row["status"] == "gap" and step["status_label"] == "Gap" and step["skill_name"] == row["name"]
    assert step["resource"]["reason"] == f"For your gap in {row['name']} ({round(row['p_gap'] * 100)}\u00a0% sure)"
    assert step["resource"]["cost_label"] in ("Free", "Paid")
    # the keys the report's JSON had before stay
    assert {"skills", "recommendations", "counts", "review", "project", "areas"} <= set(data)
    page = client.get(f"/report/{learner.public_id}").text
    text = visible_text(page)
    assert page.index('id="next-heading"') < page.index('aria-label="Summary"')
    assert f"Practise {step['skill_name']} now" in page and step["resource"]["title"] in text
    top = next(s for s in data["skills"] if s["status"] == "gap")   # the highest-priority gap
    if top["skill_id"] == step["skill_id"]:
        assert step["builds_toward"] is None and "builds on it" not in text
    else:                                                           # a gap it builds on comes first, and says so
        assert f"{top['name']}, your highest-priority gap, builds on it." in text


def test_practising_the_next_step_asks_about_that_skill_only(app, client, learner):
    data = weak_report(app, client, learner)
    skill = data["next_step"]["skill_id"]
    page = client.get(f"/report/{learner.public_id}").text
    response = client.post(f"/report/{learner.public_id}/practice",
                           data={"csrf_token": csrf_token(page), "skill": skill})
    assert response.status_code == 303
    practice_id = response.headers["Location"].split("/")[2]
    with app.app_context():
        practice = db.session.scalar(select(Attempt).where(Attempt.public_id == practice_id))
        assert practice.mode == "practice" and practice.items
        assert all(skill in item.version.skills for item in practice.items)


def test_practising_a_skill_that_is_no_gap_of_the_report_is_refused(app, client, learner):
    weak_report(app, client, learner)
    page = client.get(f"/report/{learner.public_id}").text
    response = client.post(f"/report/{learner.public_id}/practice",
                           data={"csrf_token": csrf_token(page), "skill": "t.nope"})
    assert response.status_code == 400 and "not a gap or not-sure skill" in response.text


def test_a_learner_without_a_gap_is_told_so_truthfully(app, client, learner):
    learner.start()
    for position, definition, _ in items_of(app, learner.public_id):
        learner.answer(position, right_answer(definition))
    learner.submit()
    data = client.get(f"/report/{learner.public_id}.json").json
    text = visible_text(client.get(f"/report/{learner.public_id}").text)
    if data["counts"]["gap"] == 0 and data["counts"]["uncertain"] == 0:
        assert data["next_step"] is None and "No gap and nothing not sure" in text
    else:
        assert data["counts"]["gap"] == 0, "every answer right makes no gap"
        assert data["next_step"]["status_label"] == "Not sure yet" and "no gap found" in text
    assert "your first gap" not in text


def test_the_plan_page_lays_out_dated_weeks_with_reassessments(app, client, learner):
    data = weak_report(app, client, learner)
    page = client.get(f"/report/{learner.public_id}/plan")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert re.search(r"Weeks? 1\b", text) and "Re-assess" in text and "a week, until" in text
    assert data["next_step"]["resource"]["title"] in text
    assert "Sign in to mark resources done" in text  # a guest is told their progress is not kept
    free = visible_text(client.get(f"/report/{learner.public_id}/plan?hours=2&cost=free").text)
    assert "Advanced in depth" in text and "Advanced in depth" not in free  # the paid course
    assert "Free resources only" in free and "at 2 h a week" in free.replace("2.0 h", "2 h")


@pytest.mark.parametrize("hours", ["0", "-3", "abc", "500", "nan", "inf", ""])
def test_bad_hours_per_week_get_a_clear_message_never_a_server_error(app, client, learner, hours):
    weak_report(app, client, learner)
    response = client.get(f"/report/{learner.public_id}/plan", query_string={"hours": hours})
    assert response.status_code == 400
    assert "Give the hours you can study per week as a number from 0.5 to 60, such as 5." in response.text
    ics = client.get(f"/report/{learner.public_id}/plan.ics", query_string={"hours": hours})
    assert ics.status_code == 400 and "0.5 to 60" in ics.json["error"]


def test_a_bad_cost_choice_is_a_message_too(app, client, learner):
    weak_report(app, client, learner)
    response = client.get(f"/report/{learner.public_id}/plan?cost=cheap")
    assert response.status_code == 400 and "Not a valid choice" in response.text


def test_the_calendar_file_parses_back_with_a_block_per_week_and_each_reassessment(app, client, learner):
    weak_report(app, client, learner)
    plan_page = visible_text(client.get(f"/report/{learner.public_id}/plan?hours=3").text)
    response = client.get(f"/report/{learner.public_id}/plan.ics?hours=3")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    events = Calendar.from_ical(response.data).walk("VEVENT")
    weeks = max(int(n) for n in re.findall(r"Weeks? (?:\d+–)?(\d+)", plan_page))  # runs: "Weeks 4–11"
    blocks = [e for e in events if str(e["SUMMARY"]).startswith("Study week")]
    assert len(blocks) == weeks
    assert len([e for e in events if str(e["SUMMARY"]).startswith("Re-assess")]) == plan_page.count("Re-assess")
    assert all("/attempt/new/everything" in str(e["URL"]) for e in events if str(e["SUMMARY"]).startswith("Re-"))


def test_a_signed_in_learner_marks_a_resource_done_and_it_is_kept(app_on_each_database):
    """On SQLite and PostgreSQL: the one table this part adds (resource_done)."""
    app = app_on_each_database
    client = app.test_client()
    learner = Learner(client)
    AuthActions(client).register()
    data = weak_report(app, client, learner)
    course = data["next_step"]["resource"]["id"]
    url = f"/report/{learner.public_id}/plan"
    page = client.get(url).text
    assert "still to do" not in page
    response = client.post(f"{url}/done?hours=5", data={"csrf_token": csrf_token(page), "course": course, "done": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{url}?hours=5")
    with app.app_context():
        assert db.session.scalar(select(ResourceDone.course_id)) == course
    after = client.get(url).text
    assert "Mark not done" in after and "still to do" in after
    client.post(f"{url}/done", data={"csrf_token": csrf_token(after), "course": course, "done": "0"})
    with app.app_context():
        assert db.session.scalar(select(ResourceDone)) is None


def test_a_guest_cannot_keep_progress_and_is_told_to_sign_in(app, client, learner):
    data = weak_report(app, client, learner)
    url = f"/report/{learner.public_id}/plan"
    page = client.get(url).text
    assert "Mark done" not in page
    token = csrf_token(client.get(f"/report/{learner.public_id}").text)  # the plan has no form for a guest
    response = client.post(f"{url}/done", data={"csrf_token": token,
                                                 "course": data["next_step"]["resource"]["id"], "done": "1"},
                           follow_redirects=True)
    assert "Sign in to keep track of what you have done" in response.text
    with app.app_context():
        assert db.session.scalar(select(ResourceDone)) is None


def test_marking_a_course_outside_the_plan_is_refused(app, client, learner, auth):
    auth.register()
    weak_report(app, client, learner)
    url = f"/report/{learner.public_id}/plan"
    page = client.get(url).text
    response = client.post(f"{url}/done", data={"csrf_token": csrf_token(page), "course": "nope", "done": "1"})
    assert response.status_code == 400


def test_the_review_has_its_own_page_and_a_problem_report_returns_to_it(app, client, learner):
    weak_report(app, client, learner)
    report = client.get(f"/report/{learner.public_id}").text
    assert f'href="/report/{learner.public_id}/review"' in report and "Not correct" not in report
    review = client.get(f"/report/{learner.public_id}/review").text
    assert "Not correct" in review and "Report a problem with this question" in review
    response = client.post(f"/attempt/{learner.public_id}/q/1/problem",
                           data={"csrf_token": csrf_token(review), "p1-reason": "typo", "p1-note": ""})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/report/{learner.public_id}/review#q1")


def test_a_plan_with_nothing_to_schedule_has_no_calendar_file(app, client, learner):
    learner.start()
    for position, definition, _ in items_of(app, learner.public_id):
        learner.answer(position, right_answer(definition))
    learner.submit()
    with app.app_context():  # a learner who meets every target: no gap, nothing not sure
        for result in db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id)).results:
            result.status = "no_gap"
        db.session.commit()
    assert "nothing to plan" in visible_text(client.get(f"/report/{learner.public_id}/plan").text)
    response = client.get(f"/report/{learner.public_id}/plan.ics")
    assert response.status_code == 404 and "Nothing to put in a calendar" in response.json["error"]
    text = visible_text(client.get(f"/report/{learner.public_id}").text)
    assert "No gap and nothing not sure" in text and "Practise" not in text


def test_a_next_step_without_a_resource_says_so_rather_than_invent_one(app, client, learner):
    weak_report(app, client, learner)
    with app.app_context():
        for course in db.session.scalars(select(Course)):
            course.active = False
        db.session.commit()
    data = client.get(f"/report/{learner.public_id}.json").json
    assert data["next_step"]["resource"] is None
    text = visible_text(client.get(f"/report/{learner.public_id}").text)
    assert f"No resource in the catalogue covers {data['next_step']['skill_name']} yet" in text
    assert "No course in the catalogue covers your gap and not-sure skills yet" in text


def test_stray_query_keys_are_ignored_not_a_server_error(app, client, learner):
    weak_report(app, client, learner)
    url = f"/report/{learner.public_id}/plan"
    assert client.get(f"{url}?hours=4&public_id=x&_external=1&_anchor=y").status_code == 200
    assert client.get(f"{url}.ics?hours=4&public_id=x&_external=1").status_code == 200
    token = csrf_token(client.get(f"/report/{learner.public_id}").text)
    response = client.post(f"{url}/done?hours=4&public_id=x", data={"csrf_token": token, "course": "x", "done": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{url}?hours=4")
