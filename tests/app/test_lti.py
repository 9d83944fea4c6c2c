"""LTI 1.3 end to end against a simulated platform (tests/app/lti_platform.py): login initiation, launch,
every refusal, deep linking, scores back (AGS), the roster (NRPS), the CLI and the JWKS."""
from __future__ import annotations

import jwt
import pytest
import responses
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.lti.models import LtiContext, LtiKey, LtiPlatform, LtiUser
from quizapp.models import Attempt, Cohort, CohortMember, User
from tests.app.lti_platform import CLIENT_ID, INSTRUCTOR, ISSUER, LOGIN_URL, Platform


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
