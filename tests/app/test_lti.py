"""LTI 1.3 end to end against a simulated platform (tests/app/lti_platform.py): login initiation, launch,
every refusal, deep linking, scores back (AGS), the roster (NRPS), the CLI and the JWKS."""
from __future__ import annotations

import jwt
import pytest
import responses
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.lti.models import LtiCache, LtiContext, LtiGrade, LtiKey, LtiPlatform, LtiUser
from quizapp.models import Attempt, Cohort, CohortMember, User
from tests.app.lti_platform import (
    CLIENT_ID,
    INSTRUCTOR,
    ISSUER,
    LOGIN_URL,
    RETURN_URL,
    SCORE_SCOPE,
    TOKEN_URL,
    Platform,
    ags_claim,
    deep_linking_claims,
    nrps_claim,
)


@pytest.fixture
def platform(app):
    lms = Platform()
    lms.register(app)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        lms.serve(mock)
        yield lms


def test_a_learner_launch_lands_on_the_assessment(app, client, platform):
    response, state, nonce, redirect_uri = platform.login(client)
    assert response.status_code == 302 and response.headers["Location"].startswith(LOGIN_URL)
    assert redirect_uri == "http://localhost/lti/launch"
    response = platform.launch(client, state, platform.sign(platform.claims(nonce)))
    assert response.status_code == 303, response.text
    assert "/attempt/" in response.headers["Location"] and response.headers["Location"].endswith("/q/1")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'name="answer"' in page.text
    with app.app_context():
        link = db.session.get(LtiUser, (ISSUER, "learner-1"))
        user = db.session.get(User, link.user_id)
        assert user.display_name == "Ada Lovelace" and user.role == "learner"
        assert user.email.endswith("@lti.invalid") and not user.check_password("")
        assert db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.user_id == user.id)) == 1


def test_a_second_launch_resumes_and_never_matches_by_email(app, client, platform):
    first = platform.full_launch(client)
    again = platform.full_launch(client)
    assert again.status_code == 303 and again.headers["Location"].split("/")[2] == first.headers["Location"].split("/")[2]
    other = platform.full_launch(app.test_client(), sub="learner-2")  # the same e-mail address, another person
    assert other.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LtiUser)) == 2
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 2


def test_an_instructor_launch_makes_the_cohort_and_learners_join_it(app, client, platform):
    learner = platform.full_launch(app.test_client(), sub="early-learner")  # before any instructor
    assert learner.status_code == 303
    response = platform.full_launch(client, sub="teacher-1", roles=INSTRUCTOR)
    assert response.status_code == 303 and "/instructor/cohorts/" in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200
    platform.full_launch(app.test_client(), sub="late-learner")
    with app.app_context():
        context = db.session.scalar(select(LtiContext))
        cohort = db.session.get(Cohort, context.cohort_id)
        teacher = db.session.get(User, db.session.get(LtiUser, (ISSUER, "teacher-1")).user_id)
        assert cohort.name == "ML Foundations" and cohort.owner_id == teacher.id and teacher.role == "instructor"
        members = {db.session.get(LtiUser, (ISSUER, s)).user_id for s in ("early-learner", "late-learner")}
        assert {m.user_id for m in db.session.scalars(select(CohortMember))} == members


def test_an_iframe_launch_opens_in_a_window_of_its_own_with_a_one_time_link(app, client, platform):
    _, state, nonce, _ = platform.login(client)
    response = platform.launch(client, state, platform.sign(platform.claims(nonce)), **{"Sec-Fetch-Dest": "iframe"})
    assert response.status_code == 200
    assert "frame-ancestors https://lms.example.org" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    link = response.text.split('href="/lti/go/')[1].split('"')[0]
    window = app.test_client()  # the new window: first-party, no cookie from the frame
    opened = window.get(f"/lti/go/{link}")
    assert opened.status_code == 303 and window.get(opened.headers["Location"]).status_code == 200
    assert app.test_client().get(f"/lti/go/{link}").status_code == 400  # once only


# --- every refusal: a clear page, never a 500 -------------------------------------------------------

def _refused(response, status, words):
    assert response.status_code == status, response.text
    assert words in response.text
    return response


def test_a_wrong_state_is_refused(client, platform):
    _, _, nonce, _ = platform.login(client)
    _refused(platform.launch(client, "state-forged", platform.sign(platform.claims(nonce))), 400,
             "Launch session not found")


def test_a_launch_from_another_browser_is_refused(app, client, platform):
    _, state, nonce, _ = platform.login(client)  # the state cookie is in this browser only
    _refused(platform.launch(app.test_client(), state, platform.sign(platform.claims(nonce))), 400,
             "Launch session not found")


def test_a_replayed_launch_is_refused(client, platform):
    _, state, nonce, _ = platform.login(client)
    token = platform.sign(platform.claims(nonce))
    assert platform.launch(client, state, token).status_code == 303
    _refused(platform.launch(client, state, token), 403, "Launch already used")


def test_an_unknown_nonce_is_refused(client, platform):
    _, state, _, _ = platform.login(client)
    _refused(platform.launch(client, state, platform.sign(platform.claims("made-up-nonce"))), 403,
             "Launch already used")


def test_a_wrong_audience_is_refused(client, platform):
    _, state, nonce, _ = platform.login(client)
    _refused(platform.launch(client, state, platform.sign(platform.claims(nonce, aud="another-tool"))), 403,
             "Unknown platform or audience")


def test_an_unknown_issuer_is_refused_at_login(client, platform):
    response, *_ = platform.login(client, iss="https://evil.example.org", client_id="x")
    _refused(response, 403, "Unknown platform or audience")


def test_an_unknown_deployment_is_refused(client, platform):
    _, state, nonce, _ = platform.login(client)
    claims = platform.claims(nonce, **{"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "other"})
    _refused(platform.launch(client, state, platform.sign(claims)), 403, "Unknown deployment")


def test_a_bad_signature_is_refused(client, platform):
    _, state, nonce, _ = platform.login(client)
    forger = Platform()  # another key, presented under the platform's key id
    _refused(platform.launch(client, state, forger.sign(platform.claims(nonce), kid=platform.kid)), 403,
             "Launch signature not valid")


def test_an_unknown_key_id_is_refused(client, platform):
    _, state, nonce, _ = platform.login(client)
    _refused(platform.launch(client, state, platform.sign(platform.claims(nonce), kid="nobody")), 403,
             "Launch signature not valid")


def test_an_expired_token_is_refused(client, platform):
    _, state, nonce, _ = platform.login(client)
    claims = platform.claims(nonce, iat=1_000_000_000, exp=1_000_000_300)
    _refused(platform.launch(client, state, platform.sign(claims)), 403, "Launch expired")


@pytest.mark.parametrize("data", [{}, {"state": "x"}, {"state": "x", "id_token": "not-a-jwt"},
                                  {"state": "x", "id_token": "a.b.c"}])
def test_malformed_launches_are_refused(client, platform, data):
    response = client.post("/lti/launch", data=data)
    assert response.status_code == 400 and "Content-Security-Policy" in response.headers


def test_a_login_without_its_parameters_is_refused(client, platform):
    assert client.get("/lti/login").status_code == 400
    assert client.post("/lti/login", data={"iss": ISSUER}).status_code == 400


def test_an_unknown_message_type_is_refused(client, platform):
    _, state, nonce, _ = platform.login(client)
    claims = platform.claims(nonce, **{"https://purl.imsglobal.org/spec/lti/claim/message_type": "Nonsense"})
    _refused(platform.launch(client, state, platform.sign(claims)), 400, "Launch not accepted")


def test_a_link_without_an_assessment_says_so(client, platform):
    response = platform.full_launch(client, **{"https://purl.imsglobal.org/spec/lti/claim/custom": None})
    _refused(response, 409, "No assessment chosen yet")


def test_refusal_pages_of_launches_can_be_read_in_the_platforms_frame_and_get_pages_cannot(client, platform):
    response = client.post("/lti/launch", data={})
    assert "frame-ancestors https:" in response.headers["Content-Security-Policy"]
    response = client.get("/lti/login")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


# --- the CLI and the JWKS -----------------------------------------------------------------------------

def test_add_platform_registers_once_and_adds_deployments(app, platform):
    result = platform.register(app, deployment="deployment-2")
    assert "Updated platform" in result.output
    with app.app_context():
        stored = db.session.scalar(select(LtiPlatform))
        assert db.session.scalar(select(func.count()).select_from(LtiPlatform)) == 1
        assert stored.client_id == CLIENT_ID and stored.deployment_ids == ["deployment-1", "deployment-2"]
    listing = app.test_cli_runner().invoke(args=["lti", "list"])
    assert listing.exit_code == 0 and CLIENT_ID in listing.output and "deployment-2" in listing.output
    assert "(signing" in listing.output
    bad = app.test_cli_runner().invoke(args=["lti", "add-platform", "--name", "x", "--issuer", "i", "--client-id", "c",
                                             "--auth-login-url", "ftp://x", "--auth-token-url", "https://t",
                                             "--key-set-url", "https://k", "--deployment", "d"])
    assert bad.exit_code != 0 and "http(s) URL" in bad.output


def test_rotation_keeps_the_previous_key_published_and_signs_with_the_new_one(app, client, platform):
    first = client.get("/lti/jwks").get_json()["keys"]
    assert len(first) == 1 and first[0]["alg"] == "RS256" and "d" not in first[0]  # public half only
    runner = app.test_cli_runner()
    assert runner.invoke(args=["lti", "rotate-key"]).exit_code == 0
    second = client.get("/lti/jwks").get_json()["keys"]
    assert [k["kid"] for k in second][1] == first[0]["kid"] and len(second) == 2
    result = runner.invoke(args=["lti", "rotate-key"])
    assert "Retired key " + first[0]["kid"] in result.output
    third = client.get("/lti/jwks").get_json()["keys"]
    assert len(third) == 2 and first[0]["kid"] not in {k["kid"] for k in third}
    with app.app_context():
        newest = db.session.scalar(select(LtiKey).where(LtiKey.active.is_(True)).order_by(LtiKey.id.desc()).limit(1))
        assert third[0]["kid"] == newest.kid
        token = jwt.encode({"x": 1}, newest.private_pem, algorithm="RS256")
        jwk = jwt.PyJWK(third[0])
        assert jwt.decode(token, jwk.key, algorithms=["RS256"]) == {"x": 1}


# --- deep linking -------------------------------------------------------------------------------------

def test_an_instructor_picks_the_assessment_and_the_platform_gets_a_signed_link(app, client, platform):
    response = platform.full_launch(client, sub="teacher-1", roles=INSTRUCTOR, **deep_linking_claims(), **ags_claim())
    assert response.status_code == 200, response.text
    assert "frame-ancestors https://lms.example.org" in response.headers["Content-Security-Policy"]
    assert 'value="everything"' in response.text
    launch_id = response.text.split('name="launch_id" value="')[1].split('"')[0]
    chosen = client.post("/lti/deep-link", data={"launch_id": launch_id, "assessment": "everything"})
    assert chosen.status_code == 200, chosen.text
    assert f'action="{RETURN_URL}"' in chosen.text
    assert "form-action https://lms.example.org" in chosen.headers["Content-Security-Policy"]
    token = chosen.text.split('name="JWT" value="')[1].split('"')[0]
    keys = {k["kid"]: jwt.PyJWK(k).key for k in client.get("/lti/jwks").get_json()["keys"]}
    body = jwt.decode(token, keys[jwt.get_unverified_header(token)["kid"]], algorithms=["RS256"], audience=ISSUER)
    assert body["iss"] == CLIENT_ID
    (item,) = body["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["custom"] == {"assessment": "everything"}
    assert item["url"] == "http://localhost/lti/launch" and item["lineItem"]["scoreMaximum"] == 100
    # the platform then launches the new link with the custom parameter: the learner lands on the assessment
    landed = platform.full_launch(app.test_client(), **{"https://purl.imsglobal.org/spec/lti/claim/resource_link":
                                                        {"id": "link-new"}})
    assert landed.status_code == 303 and landed.headers["Location"].endswith("/q/1")


def test_learners_cannot_deep_link_and_launch_ids_are_not_guessable(client, platform):
    response = platform.full_launch(client, **deep_linking_claims())
    _refused(response, 403, "Instructors only")
    teacher = platform.full_launch(client, sub="teacher-1", roles=INSTRUCTOR, **deep_linking_claims())
    assert teacher.status_code == 200
    for data in ({"launch_id": "lti1p3-launch-00000000-0000-0000-0000-000000000000", "assessment": "everything"},
                 {"launch_id": teacher.text.split('name="launch_id" value="')[1].split('"')[0], "assessment": "nope"}):
        assert client.post("/lti/deep-link", data=data).status_code == 400


def test_a_resource_launch_id_cannot_be_used_to_deep_link(app, client, platform):
    response = platform.full_launch(client, sub="teacher-1", roles=INSTRUCTOR)
    assert response.status_code == 303
    with app.app_context():
        launch_keys = [row.key for row in db.session.scalars(select(LtiCache)) if "launch-" in row.key]
    assert launch_keys
    launch_id = launch_keys[0][launch_keys[0].index("lti1p3-launch-"):]
    _refused(client.post("/lti/deep-link", data={"launch_id": launch_id, "assessment": "everything"}), 403,
             "Instructors only")


# --- scores back (AGS) --------------------------------------------------------------------------------

def _answer_and_submit(app, client, location):
    from tests.helpers import Learner, answer_to_the_end, right_answer

    learner = Learner(client)
    learner.public_id = location.split("/")[2]
    answer_to_the_end(app, learner, lambda position, definition, order, question: right_answer(definition, order))
    response = learner.submit()
    assert response.status_code == 303, response.status_code
    response.close()  # the server has sent the response: what it deferred until then (the score) runs
    return response


def test_submitting_a_launched_attempt_sends_the_share_of_correct_credit(app, client, platform):
    response = platform.full_launch(client, **ags_claim())
    public_id = response.headers["Location"].split("/")[2]
    _answer_and_submit(app, client, response.headers["Location"])
    (score,) = platform.scores
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        assert attempt.status == "submitted"
        grade = db.session.get(LtiGrade, attempt.id)
        assert grade.status == "sent" and grade.tries == 1
        count = len(attempt.items)
    body = score["body"]
    assert body["userId"] == "learner-1" and body["scoreMaximum"] == count and body["scoreGiven"] == count
    assert body["activityProgress"] == "Completed" and body["gradingProgress"] == "FullyGraded"
    assert score["headers"]["Authorization"] == "Bearer platform-access-token"
    assert score["headers"]["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
    # the token request is a client assertion signed with the tool's key, for the score scope
    (token_request,) = platform.token_requests
    assert token_request["scope"] == SCORE_SCOPE
    keys = {k["kid"]: jwt.PyJWK(k).key for k in client.get("/lti/jwks").get_json()["keys"]}
    assertion = token_request["client_assertion"]
    claims = jwt.decode(assertion, keys[jwt.get_unverified_header(assertion)["kid"]], algorithms=["RS256"],
                        audience=TOKEN_URL)
    assert claims["iss"] == claims["sub"] == CLIENT_ID


def test_a_failed_send_is_kept_and_retried_by_the_cli(app, client):
    lms = Platform()
    lms.register(app)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        lms.serve(mock, score_status=503)
        response = lms.full_launch(client, **ags_claim())
        _answer_and_submit(app, client, response.headers["Location"])
        assert len(lms.scores) == 1
        with app.app_context():
            grade = db.session.scalar(select(LtiGrade))
            assert grade.status == "failed" and "503" in (grade.error or "")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        lms.serve(mock)
        result = app.test_cli_runner().invoke(args=["lti", "send-scores"])
        assert result.exit_code == 0 and "1 score(s) sent" in result.output
    with app.app_context():
        assert db.session.scalar(select(LtiGrade)).status == "sent"


def test_no_score_without_a_line_item_and_none_for_ordinary_attempts(app, client, platform, learner):
    response = platform.full_launch(client)  # no AGS claim
    _answer_and_submit(app, client, response.headers["Location"])
    learner.start()
    learner.submit()
    assert platform.scores == []
    with app.app_context():
        assert [g.status for g in db.session.scalars(select(LtiGrade))] == ["no_line_item"]


# --- the roster (NRPS) --------------------------------------------------------------------------------

def test_the_roster_fills_the_cohort(app, client, platform):
    platform.members = [
        {"user_id": "teacher-1", "roles": INSTRUCTOR, "name": "Teacher", "status": "Active"},
        {"user_id": "s-1", "roles": ["Learner"], "name": "Grace Hopper", "status": "Active"},
        {"user_id": "s-2", "roles": ["Learner"], "name": "Alan Turing", "status": "Active"},
        {"user_id": "s-3", "roles": ["Learner"], "name": "Gone", "status": "Inactive"},
    ]
    assert platform.full_launch(client, sub="teacher-1", roles=INSTRUCTOR, **nrps_claim()).status_code == 303
    result = app.test_cli_runner().invoke(args=["lti", "sync-roster"])
    assert result.exit_code == 0, result.output
    assert "4 member(s) read" in result.output

    def member_names():
        with app.app_context():
            cohort_id = db.session.scalar(select(LtiContext)).cohort_id
            return sorted(db.session.get(User, m.user_id).display_name
                          for m in db.session.scalars(select(CohortMember).where(CohortMember.cohort_id == cohort_id)))

    assert member_names() == ["Alan Turing", "Grace Hopper"]
    platform.members[2]["status"] = "Deleted"
    assert app.test_cli_runner().invoke(args=["lti", "sync-roster"]).exit_code == 0
    assert member_names() == ["Grace Hopper"]
    # a roster member who launches later is the same account
    platform.full_launch(app.test_client(), sub="s-1")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LtiUser)) == 4


def test_a_second_instructor_lands_on_the_dashboard(app, client, platform):
    assert "/instructor/cohorts/" in platform.full_launch(client, sub="teacher-1", roles=INSTRUCTOR).headers["Location"]
    other = app.test_client()
    response = platform.full_launch(other, sub="teacher-2", roles=INSTRUCTOR)
    assert response.status_code == 303 and response.headers["Location"] == "/instructor/"
    assert other.get(response.headers["Location"]).status_code == 200


def test_a_score_that_cannot_be_recorded_never_breaks_the_submit(app, client, platform, monkeypatch):
    import quizapp.lti.grades as grades

    def broken(attempt):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(grades, "_owe_score", broken)
    response = platform.full_launch(client, **ags_claim())
    submitted = _answer_and_submit(app, client, response.headers["Location"])
    assert submitted.status_code == 303 and "/report/" in submitted.headers["Location"]


# --- the cache is shared by every worker ------------------------------------------------------------------

def test_login_on_one_worker_and_launch_on_another(tmp_path):
    """Two apps on one database stand for two gunicorn workers: the state and nonce written by the one that
    answered the login initiation are found by the one that answers the launch."""
    from tests.helpers import TEST_DATABASE_URL, make_app, with_fixture_bank

    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'shared.sqlite'}"
    first = with_fixture_bank(make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    second = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
    lms = Platform()
    lms.register(first)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        lms.serve(mock)
        response, state, nonce, _ = lms.login(first.test_client())
        other_worker = second.test_client()  # the same browser: its cookies, another worker
        for header in response.headers.getlist("Set-Cookie"):
            name, value = header.split(";")[0].split("=", 1)
            other_worker.set_cookie(name, value)
        launched = other_worker.post("/lti/launch", data={"id_token": lms.sign(lms.claims(nonce)), "state": state})
        assert launched.status_code == 303, launched.text
    with first.app_context():
        db.drop_all()


def test_the_cache_forgets_expired_values_and_gives_a_popped_value_once(app):
    from quizapp.lti.cache import DatabaseCache, purge_expired

    with app.app_context():
        cache = DatabaseCache()
        cache.set("k", {"v": 1}, 60)
        cache.set("old", True, 60)
        db.session.get(LtiCache, "old").expires_at = 0
        db.session.commit()
        assert cache.get("old") is None and cache.get("k") == {"v": 1}
        assert cache.pop("k") == {"v": 1} and cache.pop("k") is None
        assert purge_expired() == 1
