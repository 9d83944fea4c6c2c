"""Authorization matrix: every GET route x {anonymous, learner A, learner B, instructor, admin}.

The routes come from app.url_map: a NEW route fails test_every_get_route_is_in_the_matrix until
it is added to EXPECTED (tests/helpers.py, shared with test_headers.py) with the status each
principal must get. Objects are real: learner A's attempts (in progress, submitted, adaptive), the
instructor's cohort (A is a member) and the instructor's staged upload.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, ProblemReport
from tests.helpers import (
    ADMIN,
    ANON,
    EXPECTED,
    INSTRUCTOR,
    LEARNER_A,
    LEARNER_B,
    LOGGED_IN,
    PRINCIPALS,
    UPLOAD_FILE,
    csrf_token,
    token_of,
)


def get_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]


def test_every_get_route_is_in_the_matrix(world):
    endpoints = {rule.endpoint for rule in get_rules(world.app)}
    missing = sorted(endpoints - set(EXPECTED))
    assert not missing, ("GET routes without an authorization expectation: add them to EXPECTED in "
                         f"tests/helpers.py: {missing}")
    stale = sorted(set(EXPECTED) - endpoints)
    assert not stale, f"EXPECTED lists routes that no longer exist: {stale}"


def _cases(world):
    for endpoint, cases in EXPECTED.items():
        for case, arguments, expected in cases:
            values = {k: world.ids[v[1:]] if isinstance(v, str) and v.startswith("@") else v
                      for k, v in arguments.items()}
            rule = next(r for r in get_rules(world.app) if r.endpoint == endpoint)
            assert set(values) == set(rule.arguments), f"{endpoint}: arguments {sorted(rule.arguments)}"
            yield endpoint, case, rule.build(values)[1], expected


def test_authorization_matrix(world):
    failures = []
    for endpoint, case, url, expected in _cases(world):
        for principal in PRINCIPALS:
            response = world.clients[principal].get(url)
            response.close()  # static files are streamed
            allowed = expected[principal] if isinstance(expected[principal], tuple) else (expected[principal],)
            if response.status_code not in allowed:
                failures.append(f"{endpoint} [{case}] {url} as {principal}: "
                                f"expected {expected[principal]}, got {response.status_code}")
            elif response.status_code == 302 and expected is LOGGED_IN:
                assert response.headers["Location"].startswith("/auth/login"), response.headers["Location"]
    assert not failures, "\n".join(failures)


def test_the_owners_pages_show_the_owners_data(world):
    """The 200s above are real pages, not empty shells (the matrix alone would not notice)."""
    a = world.clients[LEARNER_A]
    data = a.get(f"/report/{world.ids['submitted']}.json").get_json()
    assert data["attempt"] == world.ids["submitted"] and data["review"]
    assert "Your gap report" in a.get(f"/report/{world.ids['submitted']}").text


@pytest.mark.parametrize("who", [ANON, LEARNER_B, INSTRUCTOR, ADMIN, "guest"])
def test_nobody_else_can_change_learner_as_attempts(world, who):
    """POSTs with a valid token of the sender's own session, into A's attempts: all 404, nothing changes."""
    client = world.clients[who]
    token = token_of(client, "/auth/login" if who in (ANON, "guest") else "/")
    ids = world.ids

    def snapshot():
        with world.app.app_context():
            attempts = {a.public_id: (a.status, a.question_count, a.focus_skill)
                        for a in db.session.scalars(select(Attempt).where(Attempt.public_id.in_(
                            [ids["in_progress"], ids["submitted"], ids["adaptive"]])))}
            items = db.session.execute(select(AttemptItem.id, AttemptItem.response, AttemptItem.flagged,
                                              AttemptItem.state)).all()
            reports = db.session.scalar(select(func.count()).select_from(ProblemReport))
            count = db.session.scalar(select(func.count()).select_from(Attempt))
            return attempts, sorted(map(tuple, items)), reports, count

    before = snapshot()
    requests = [
        (f"/attempt/{ids['in_progress']}/q/1", {"answer": "0", "action": "next", "flagged": "y"}),
        (f"/attempt/{ids['in_progress']}/q/1", {"answer": "0", "action": "check"}),
        (f"/attempt/{ids['in_progress']}/submit", {}),
        (f"/attempt/{ids['adaptive']}/more/{ids['skill']}", {}),
        (f"/attempt/{ids['in_progress']}/q/1/problem", {"p1-reason": "typo", "p1-note": "not mine"}),
        (f"/attempt/{ids['submitted']}/q/1/problem", {"p1-reason": "typo", "p1-note": "not mine"}),
        (f"/report/{ids['submitted']}/practice", {}),
        (f"/report/{ids['adaptive']}/practice", {}),
        (f"/report/{ids['submitted']}/plan/done", {"course": "basics-course", "done": "1"}),
    ]
    failures = []
    for url, data in requests:
        response = client.post(url, data={"csrf_token": token, **data})
        if response.status_code != 404:
            failures.append(f"POST {url} as {who}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert snapshot() == before, f"{who} changed learner A's attempts or the report queue"


def test_a_guests_attempt_is_private_to_its_browser(world):
    guest_attempt = world.ids["guest_attempt"]
    assert world.clients["guest"].get(f"/attempt/{guest_attempt}/q/1").status_code == 200
    for who in PRINCIPALS:
        for url in (f"/attempt/{guest_attempt}/q/1", f"/attempt/{guest_attempt}/overview",
                    f"/attempt/{guest_attempt}", f"/report/{guest_attempt}.json"):
            assert world.clients[who].get(url).status_code == 404, (who, url)


def test_another_instructor_sees_neither_the_cohort_nor_the_upload(world):
    other = world.clients["other_instructor"]
    cohort, upload = world.ids["cohort"], world.ids["upload"]
    for url in (f"/instructor/cohorts/{cohort}", f"/instructor/cohorts/{cohort}/responses.csv",
                f"/instructor/cohorts/{cohort}/responses.json", f"/instructor/upload/{upload}"):
        assert other.get(url).status_code == 404, url
    assert "Cohort T" not in other.get("/instructor/cohorts").text


def test_another_instructor_can_neither_publish_nor_discard_an_upload(world):
    teacher, other = world.clients[INSTRUCTOR], world.clients["other_instructor"]
    page = teacher.get("/instructor/upload")  # a fresh upload of its own: this test may destroy it
    response = teacher.post("/instructor/upload", data={
        "csrf_token": csrf_token(page.text), "files": [(io.BytesIO(UPLOAD_FILE), "sec-upload-2.yaml")]},
        content_type="multipart/form-data")
    assert response.status_code == 303
    upload = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    token = token_of(other)
    assert other.post(f"/instructor/upload/{upload}/publish", data={"csrf_token": token}).status_code == 404
    # discard answers with a redirect whoever asks; the upload must still be there for its owner
    other.post(f"/instructor/upload/{upload}/discard", data={"csrf_token": token})
    assert teacher.get(f"/instructor/upload/{upload}").status_code == 200, \
        "another instructor discarded this instructor's staged upload (POST /instructor/upload/<token>/discard)"


def test_the_cohort_export_holds_only_submitted_work(world):
    """Joining tells the learner that the instructor sees the attempts they submit from now on.
    So A's in-progress attempt must not be in the instructor's export."""
    teacher = world.clients[INSTRUCTOR]
    exported = teacher.get(f"/instructor/cohorts/{world.ids['cohort']}/responses.json").get_json()
    attempts = {r["attempt"] for r in exported["responses"]}
    assert world.ids["submitted"] in attempts
    assert world.ids["in_progress"] not in attempts, "the cohort export shows an attempt still in progress"
    rows = list(csv.DictReader(io.StringIO(teacher.get(
        f"/instructor/cohorts/{world.ids['cohort']}/responses.csv").text)))
    assert world.ids["in_progress"] not in {r["attempt"] for r in rows}


def test_error_pages_do_not_echo_the_object(world):
    """A 404 for someone else's attempt says nothing about it (no assessment, no owner)."""
    response = world.clients[LEARNER_B].get(f"/report/{world.ids['submitted']}.json")
    assert response.status_code == 404
    assert "Learner A" not in response.text and "a@example.org" not in response.text
    try:
        body = json.loads(response.text)
    except ValueError:
        body = None
    assert not (isinstance(body, dict) and body.get("skills"))
    page = world.clients[LEARNER_B].get(f"/attempt/{world.ids['in_progress']}/q/1")
    assert "Everything" not in page.text
