"""pylti1p3 bound to quizapp: a ToolConfig read from the database, launch data in the database cache,
nonces that can be used once, and the library's errors turned into the reason a launch was refused.

Every JWT, JWKS and OIDC step is the library's; this module only supplies configuration and storage."""
from __future__ import annotations

from dataclasses import dataclass

import requests
from flask import current_app
from pylti1p3.contrib.flask import FlaskCacheDataStorage, FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.contrib.flask import FlaskSessionService as _FlaskSessionService
from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import select

from ..exceptions import QuizappError
from ..extensions import db
from .cache import DatabaseCache
from .keys import signing_key
from .models import LtiPlatform

LAUNCH_DATA_LIFETIME = 2 * 3600  # a deep-linking picker may stay open this long


HTTP_TIMEOUT = 10  # seconds for each request to a platform (its keys, token, scores, roster)


class TimeoutSession(requests.Session):
    """requests has no default timeout: a platform that never answers must not hold a worker forever."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(*args, **kwargs)


def http_session() -> requests.Session:
    """The session every call to a platform uses (an app may supply its own, as the tests do)."""
    return current_app.extensions.get("lti_requests_session") or TimeoutSession()


class LaunchRefused(QuizappError):
    """A launch or login that is refused, with the status and the sentence the page shows."""

    def __init__(self, status: int, title: str, reason: str):
        super().__init__(reason)
        self.status, self.title, self.reason = status, title, reason


@dataclass(frozen=True)
class _Rule:
    fragments: tuple[str, ...]
    status: int
    title: str
    reason: str


# The library's messages (pylti1p3 2.0, message_launch.py and oidc_login.py) -> what the page says.
_RULES = (
    _Rule(("Missing state param", "State not found", "Missing %s cookie"), 400, "Launch session not found",
          "The launch's state does not match this browser's login step (it expired, was used already, or this "
          "browser blocks the tool's cookies). Open the activity again from the course."),
    _Rule(('"nonce" is empty', "Invalid Nonce"), 403, "Launch already used",
          "The launch's nonce is missing, unknown or was used before: a launch can be used once only."),
    _Rule(("Registration not found", "Client id not registered", "Could not find registration"),
          403, "Unknown platform or audience",
          "The launch is not addressed to a client id registered with this quizapp (issuer or audience is wrong)."),
    _Rule(("Unable to find deployment", "deployment_id is not set"), 403, "Unknown deployment",
          "The platform's deployment id is not registered with this quizapp (`quizapp lti add-platform --deployment`)."),
    _Rule(("Signature has expired",), 403, "Launch expired",
          "The launch token has expired: open the activity again from the course."),
    _Rule(("Can't decode id_token", "Unable to find public key", "JWT KID not found", "JWT ALG not found",
           "Can't convert JWT key", "Error during fetch URL", "Invalid response from", "Invalid URL"), 403,
          "Launch signature not valid",
          "The launch token's signature could not be verified with the platform's published keys."),
    _Rule(("Missing id_token", "JWT must contain 3 parts", "can't be decoded", "Could not find issuer",
           "Could not find login hint"), 400,
          "Not a valid launch", "The request is not a well-formed LTI 1.3 launch."),
)


def refusal(error: Exception) -> LaunchRefused:
    """What to tell the browser about a library error: never the exception's text, a fixed sentence."""
    if isinstance(error, LaunchRefused):
        return error
    text = str(error)
    for rule in _RULES:
        if any(fragment in text for fragment in rule.fragments):
            return LaunchRefused(rule.status, rule.title, rule.reason)
    return LaunchRefused(400, "Launch not accepted",
                         "The launch message is not one this tool accepts (its claims are missing or invalid).")


def registration_for(platform: LtiPlatform) -> Registration:
    key = signing_key()
    registration = (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
                    .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
                    .set_key_set_url(platform.key_set_url))
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    if key is not None:
        registration.set_tool_private_key(key.private_pem).set_tool_public_key(key.public_pem)
    return registration


def find_platform(issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The platform registered for (issuer, client_id); with no client_id, the issuer's only one."""
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        return db.session.scalar(query.where(LtiPlatform.client_id == client_id))
    platforms = db.session.scalars(query.limit(2)).all()
    return platforms[0] if len(platforms) == 1 else None


class DatabaseToolConf(ToolConfAbstract):
    """Registrations from lti_platform: an issuer may have several client ids."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        platform = find_platform(iss, None)
        return registration_for(platform) if platform else None

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id)
        return registration_for(platform) if platform else None

    def find_deployment(self, iss, deployment_id):
        return self._deployment(find_platform(iss, None), deployment_id)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        return self._deployment(find_platform(iss, client_id), deployment_id)

    @staticmethod
    def _deployment(platform, deployment_id):
        if platform is None or deployment_id not in (platform.deployment_ids or []):
            return None
        return Deployment().set_deployment_id(deployment_id)


class DatabaseLaunchDataStorage(FlaskCacheDataStorage):
    def __init__(self):
        super().__init__(DatabaseCache())

    def pop_value(self, key: str):
        return self._get_cache().pop(self._prepare_key(key))


class OneTimeNonceSessionService(_FlaskSessionService):
    """A nonce is accepted once: checking it deletes it, so a replayed id_token is refused."""

    def check_nonce(self, nonce: str) -> bool:
        storage = self.data_storage
        assert isinstance(storage, DatabaseLaunchDataStorage)
        return storage.pop_value(self._get_key("nonce", nonce)) is not None


def _request() -> FlaskRequest:
    return FlaskRequest()


def oidc_login() -> FlaskOIDCLogin:
    request = _request()
    login = FlaskOIDCLogin(request, DatabaseToolConf(), session_service=OneTimeNonceSessionService(request),
                           launch_data_storage=DatabaseLaunchDataStorage())
    return login


def message_launch() -> FlaskMessageLaunch:
    request = _request()
    launch = FlaskMessageLaunch(request, DatabaseToolConf(), session_service=OneTimeNonceSessionService(request),
                                launch_data_storage=DatabaseLaunchDataStorage(),
                                requests_session=http_session())
    launch.set_launch_data_lifetime(LAUNCH_DATA_LIFETIME)
    return launch


def cached_launch(launch_id: str) -> FlaskMessageLaunch:
    request = _request()
    return FlaskMessageLaunch.from_cache(launch_id, request, DatabaseToolConf(),
                                         session_service=OneTimeNonceSessionService(request),
                                         launch_data_storage=DatabaseLaunchDataStorage())
