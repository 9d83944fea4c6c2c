"""CSRF: every state-changing request needs a token, whoever sends it.

The rules come from app.url_map, so a new POST route is covered the day it is added; a route
whose URL needs an argument this file does not know fails with a message saying what to add.
"""
from __future__ import annotations

import pytest

from quizapp.extensions import csrf
from tests.helpers import login, new_client, token_of

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# The only exempt views: an LTI platform's cross-site POSTs, which carry no session token. What authenticates
# them is the platform's signed message (state cookie, one-time nonce, signature: SECURITY.md "LTI launches");
# tests/app/test_lti.py refuses each forgery, and test_lti_endpoints_refuse_requests_without_a_platform_message
# below checks them with everything else's bodies.
LTI_EXEMPT = {"quizapp.lti.routes.login": "lti.login", "quizapp.lti.routes.launch": "lti.launch",
              "quizapp.lti.routes.deep_link": "lti.deep_link"}


def sample_arguments(world) -> dict:
    """A value for every URL argument a rule may have: real objects where they exist, so
    that without the CSRF check the request could really succeed."""
    return {
        "public_id": world.ids["adaptive"],
        "position": 1,
        "skill_id": world.ids["skill"],
        "assessment_id": "everything",
        "token": world.ids["upload"],
        "cohort_id": world.ids["cohort"],
        "relpath": "topics/basics.yaml",
        "fmt": "gift",
        "filename": "style.css",
        "user_id": 1,
        "session_id": 1,
    }


def state_changing_requests(world) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every rule that accepts a state-changing method."""
    samples = sample_arguments(world)
    out, unknown = [], []
    for rule in world.app.url_map.iter_rules():
        methods = sorted(rule.methods & STATE_CHANGING)
        if not methods or rule.endpoint in LTI_EXEMPT.values():
            continue
        missing = sorted(set(rule.arguments) - set(samples))
        if missing:
            unknown.append(f"{rule.endpoint} ({rule.rule}) needs {', '.join(missing)}")
            continue
        url = rule.build({k: samples[k] for k in rule.arguments})[1]
        out.extend((rule.endpoint, method, url) for method in methods)
    assert not unknown, ("New state-changing routes have URL arguments the CSRF test has no sample for; add them "
                         "to sample_arguments() in tests/security/test_csrf.py: " + "; ".join(unknown))
    return out


def test_the_rule_walk_finds_the_known_post_routes(world):
    endpoints = {endpoint for endpoint, _, _ in state_changing_requests(world)}
    assert endpoints >= {"auth.login", "auth.register", "auth.logout", "quiz.start", "quiz.question",
                         "quiz.report_problem", "quiz.submit", "quiz.more_questions", "main.join_cohort",
                         "instructor.upload", "instructor.publish", "instructor.discard",
                         "instructor.resolve_report", "instructor.cohorts"}


def test_csrf_protection_is_global_and_nothing_is_exempt(world):
    app = world.app
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True
    assert set(app.config.get("WTF_CSRF_METHODS", STATE_CHANGING)) >= STATE_CHANGING
    assert csrf._exempt_views == set(LTI_EXEMPT), f"CSRF-exempt views: {sorted(csrf._exempt_views)}"
    assert not csrf._exempt_blueprints, f"CSRF-exempt blueprints: {sorted(csrf._exempt_blueprints)}"


@pytest.mark.parametrize("who", ["anonymous", "instructor"])
def test_lti_endpoints_refuse_requests_without_a_platform_message(world, who):
    client = new_client(world.app) if who == "anonymous" else login(world.app, "teach@example.org")
    for endpoint in LTI_EXEMPT.values():
        url = world.app.url_map.bind("localhost").build(endpoint)
        for data in ({}, {"csrf_token": token_of(client)}, {"state": "x", "id_token": "a.b.c"},
                     {"launch_id": "lti1p3-launch-made-up", "assessment": "everything"}):
            response = client.post(url, data=data)
            assert response.status_code == 400, (endpoint, data, response.status_code)


def _form_for(endpoint: str) -> dict:
    """A body that would be valid apart from the token, so only the CSRF check can refuse it."""
    return {
        "auth.login": {"email": "teach@example.org", "password": "violet staple 7 orbit lantern"},
        "auth.register": {"email": "new@example.org", "display_name": "New", "password": "violet staple 7 orbit",
                          "confirm": "violet staple 7 orbit"},
        "quiz.start": {"role": "tester", "mode": "assessment"},
        "quiz.question": {"answer": "0", "action": "next"},
        "quiz.report_problem": {"p1-reason": "typo", "p1-note": "csrf"},
        "main.join_cohort": {"code": "ABCDEFGH"},
        "instructor.cohorts": {"name": "Forged cohort"},
        "instructor.resolve_report": {"report_id": "1"},
    }.get(endpoint, {})


@pytest.mark.parametrize("who", ["anonymous", "instructor"])
def test_every_state_changing_request_without_a_token_is_refused(world, who):
    app = world.app
    if who == "anonymous":
        client = new_client(app)
        client.get("/")  # a session exists, as it would for a real visitor
    else:
        client = login(app, "teach@example.org")  # a fresh session: a leak here cannot log others out
    failures = []
    for endpoint, method, url in state_changing_requests(world):
        response = client.open(url, method=method, data=_form_for(endpoint))
        if response.status_code != 400 or "CSRF token is missing" not in response.text:
            failures.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    assert not failures, f"state-changing requests accepted without a CSRF token as {who}:\n" + "\n".join(failures)


def test_a_token_from_another_session_is_refused(world):
    """Tokens are bound to the session that received them: an attacker's own token does not work."""
    app = world.app
    attacker = new_client(app)
    foreign = token_of(attacker, "/auth/login")
    victim = login(app, "teach@example.org")
    failures = []
    for endpoint, method, url in state_changing_requests(world):
        response = victim.open(url, method=method, data={"csrf_token": foreign, **_form_for(endpoint)})
        if response.status_code != 400:
            failures.append(f"{method} {url} -> {response.status_code}")
    assert not failures, "requests accepted with another session's CSRF token:\n" + "\n".join(failures)


def test_a_json_body_does_not_bypass_the_token(world):
    client = login(world.app, "a@example.org")
    response = client.post("/cohorts/join", json={"code": "ABCDEFGH"})
    assert response.status_code == 400
