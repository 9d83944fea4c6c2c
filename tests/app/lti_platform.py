"""A simulated LTI 1.3 platform for the tests: its own RSA key and JWKS, id_tokens signed with PyJWT, and its
HTTP endpoints (keyset, token, scores, roster) served through `responses` — no network."""
from __future__ import annotations

import json
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pylti1p3.registration import Registration

ISSUER = "https://lms.example.org"
CLIENT_ID = "quizapp-client"
DEPLOYMENT = "deployment-1"
LOGIN_URL = f"{ISSUER}/auth"
TOKEN_URL = f"{ISSUER}/token"
KEYSET_URL = f"{ISSUER}/jwks"
LINEITEM = f"{ISSUER}/courses/7/lineitems/1"
MEMBERSHIPS = f"{ISSUER}/courses/7/memberships"
RETURN_URL = f"{ISSUER}/courses/7/deep_link_return"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
INSTRUCTOR = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def _key():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return pem, public


class Platform:
    """One LMS: `register` adds it to the app with the CLI, `login` runs OIDC login initiation as the
    platform's browser redirect would, `launch` posts the signed id_token back."""

    def __init__(self):
        self.private_pem, self.public_pem = _key()
        self.kid = "platform-key-1"
        self.scores: list[dict] = []
        self.token_requests: list[dict] = []
        self.members: list[dict] = []

    def jwks(self) -> dict:
        jwk = dict(Registration.get_jwk(self.public_pem))
        jwk["kid"] = self.kid
        return {"keys": [jwk]}

    def register(self, app, deployment: str = DEPLOYMENT):
        result = app.test_cli_runner().invoke(args=[
            "lti", "add-platform", "--name", "Test LMS", "--issuer", ISSUER, "--client-id", CLIENT_ID,
            "--auth-login-url", LOGIN_URL, "--auth-token-url", TOKEN_URL, "--key-set-url", KEYSET_URL,
            "--deployment", deployment])
        assert result.exit_code == 0, result.output
        return result

    def serve(self, mock: responses.RequestsMock, score_status: int = 200) -> None:
        """The platform's HTTP side: keyset, OAuth2 token, scores, roster."""
        mock.add_callback(responses.GET, KEYSET_URL, callback=lambda r: (200, {}, json.dumps(self.jwks())))

        def token(request):
            self.token_requests.append({k: v[0] for k, v in parse_qs(request.body).items()})
            return 200, {}, json.dumps({"access_token": "platform-access-token", "token_type": "bearer",
                                        "expires_in": 3600})

        def score(request):
            self.scores.append({"body": json.loads(request.body), "headers": dict(request.headers)})
            return score_status, {}, "{}"

        mock.add_callback(responses.POST, TOKEN_URL, callback=token)
        mock.add_callback(responses.POST, LINEITEM + "/scores", callback=score)
        mock.add_callback(responses.GET, MEMBERSHIPS, callback=lambda r: (
            200, {"Content-Type": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"},
            json.dumps({"id": MEMBERSHIPS, "context": {"id": "course-7"}, "members": self.members})))

    @staticmethod
    def login(client, **extra):
        """OIDC login initiation; returns (response, state, nonce, redirect_uri)."""
        params = {"iss": ISSUER, "login_hint": "hint-1", "target_link_uri": "http://localhost/lti/launch",
                  "lti_message_hint": "message-1", "client_id": CLIENT_ID, **extra}
        response = client.post("/lti/login", data=params)
        if response.status_code != 302:
            return response, None, None, None
        query = parse_qs(urlsplit(response.headers["Location"]).query)
        return response, query["state"][0], query["nonce"][0], query["redirect_uri"][0]

    def claims(self, nonce: str, sub: str = "learner-1", roles=None, **overrides) -> dict:
        now = int(time.time())
        body = {
            "iss": ISSUER, "aud": CLIENT_ID, "sub": sub, "iat": now, "exp": now + 300, "nonce": nonce,
            "name": "Ada Lovelace", "email": "ada@example.org",
            CLAIM + "deployment_id": DEPLOYMENT,
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "roles": LEARNER if roles is None else roles,
            CLAIM + "target_link_uri": "http://localhost/lti/launch",
            CLAIM + "resource_link": {"id": "link-1", "title": "Quiz"},
            CLAIM + "context": {"id": "course-7", "title": "ML Foundations"},
            CLAIM + "custom": {"assessment": "everything"},
        }
        body.update(overrides)
        return {k: v for k, v in body.items() if v is not None}

    def sign(self, claims: dict, private_pem: str | None = None, kid: str | None = None) -> str:
        return jwt.encode(claims, private_pem or self.private_pem, algorithm="RS256",
                          headers={"kid": kid or self.kid})

    def launch(self, client, state: str, id_token: str, **headers):
        return client.post("/lti/launch", data={"id_token": id_token, "state": state}, headers=headers)

    def full_launch(self, client, sub: str = "learner-1", roles=None, **overrides):
        _, state, nonce, _ = self.login(client)
        return self.launch(client, state, self.sign(self.claims(nonce, sub=sub, roles=roles, **overrides)))


def ags_claim(scopes=(SCORE_SCOPE,)) -> dict:
    return {"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {"lineitem": LINEITEM, "scope": list(scopes)}}


def nrps_claim() -> dict:
    return {"https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
        "context_memberships_url": MEMBERSHIPS, "service_versions": ["2.0"]}}


def deep_linking_claims() -> dict:
    return {CLAIM + "message_type": "LtiDeepLinkingRequest", CLAIM + "resource_link": None, CLAIM + "custom": None,
            "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
                "deep_link_return_url": RETURN_URL, "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"], "data": "opaque-" + uuid.uuid4().hex}}
