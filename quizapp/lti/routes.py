"""The LTI 1.3 endpoints: OIDC login initiation, the launch, the deep-linking choice, the tool's JWKS, and
the one-time link that opens an iframe launch in its own window.

Launches are cross-site POSTs (often inside the platform's iframe), so these routes are exempt from the
app's session-based CSRF check: what authenticates them is the platform's signed id_token, checked by
pylti1p3 together with the state cookie and the one-time nonce (SECURITY.md, "LTI launches")."""
from __future__ import annotations

import logging
import secrets
from urllib.parse import urlsplit

from flask import jsonify, make_response, redirect, render_template, request, session, url_for
from sqlalchemy import select

from ..attempts.behaviours import assessment_behaviour
from ..attempts.lifecycle import EmptyForm, start_attempt
from ..extensions import db
from ..models import Assessment, Attempt, Cohort, Role, User
from ..web.security import CONTENT_SECURITY_POLICY
from ..web.sessions import sign_in
from . import bp
from .accounts import AGS, CONTEXT, NRPS, account_for, context_for, is_instructor, join, resource_link_for
from .cache import DatabaseCache
from .keys import jwks as tool_jwks
from .models import LtiGrade, LtiResourceLink
from .tool import LaunchRefused, cached_launch, find_platform, message_launch, oidc_login, refusal

log = logging.getLogger(__name__)
GO_LIFETIME = 120  # seconds an "open in a new window" link stays valid
LAUNCH_PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
TOOL_PLATFORM = "https://purl.imsglobal.org/spec/lti/claim/tool_platform"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme in ("https", "http") and parts.netloc and all(c not in parts.netloc for c in " ;,'\""):
        return f"{parts.scheme}://{parts.netloc}"
    return None


def _policy(frame_ancestors: str, form_action: str = "'self'") -> str:
    return (CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {frame_ancestors}")
            .replace("form-action 'self'", f"form-action {form_action}"))


def _framed_by(response, origins, form_action: str = "'self'"):
    """Let the platform frame this one response (web/security.py leaves X-Frame-Options off a response
    that sets its own policy); every other page keeps frame-ancestors 'none'."""
    allowed = " ".join(sorted({o for o in origins if o})) or "'none'"
    response.headers["Content-Security-Policy"] = _policy(allowed, form_action)
    return response


def _refused(error: Exception):
    db.session.rollback()
    refused = refusal(error)
    if not isinstance(error, LaunchRefused):
        log.info("LTI request refused (%s): %s", refused.title, error)
    response = make_response(render_template("lti/refused.html", title=refused.title, reason=refused.reason),
                             refused.status)
    if request.method == "POST":  # a platform's launch or login POST, often in its frame: readable there (the
        return _framed_by(response, ["https:"])  # page has no form and no action); GET pages stay unframeable
    return response


def _platform_origins(claims: dict, platform) -> list[str | None]:
    return [_origin(claims.get("iss")), _origin(platform.auth_login_url),
            _origin((claims.get(LAUNCH_PRESENTATION) or {}).get("return_url")),
            _origin((claims.get(TOOL_PLATFORM) or {}).get("url")),
            _origin((claims.get(DEEP_LINKING) or {}).get("deep_link_return_url"))]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """OIDC third-party login initiation: redirect to the platform's authorization endpoint with a state
    (also set as a cookie) and a nonce (kept in the database for one use)."""
    try:
        return oidc_login().redirect(url_for("lti.launch", _external=True))
    except Exception as error:  # the library's refusals, and any malformed request: a page, never a 500
        return _refused(error)


@bp.route("/launch", methods=["POST"])
def launch():
    try:
        message = message_launch()
        claims = message.get_launch_data()  # validates state, nonce, registration, signature, deployment, message
        platform = find_platform(claims["iss"], message.get_client_id())
        if platform is None:
            raise LaunchRefused(403, "Unknown platform or audience", "This platform is not registered.")
        if message.is_deep_link_launch():
            return _deep_link_picker(message, claims, platform)
        if not message.is_resource_launch():
            raise LaunchRefused(400, "Launch not accepted", "This tool accepts resource-link and deep-linking launches only.")
        return _resource_launch(claims, platform)
    except Exception as error:
        return _refused(error)


def _resource_launch(claims: dict, platform):
    instructor = is_instructor(claims.get("https://purl.imsglobal.org/spec/lti/claim/roles"))
    user = account_for(platform.issuer, str(claims["sub"]), claims, instructor)
    context = context_for(platform, claims.get(CONTEXT))
    if context is not None:
        join(context, user, instructor)
        nrps = claims.get(NRPS) or {}
        if nrps.get("context_memberships_url"):
            context.memberships_url = str(nrps["context_memberships_url"])[:500]
    link = resource_link_for(platform, claims, context)
    db.session.commit()
    if instructor:
        owner = context is not None and context.cohort_id is not None and \
            db.session.get(Cohort, context.cohort_id).owner_id == user.id
        destination = (url_for("instructor.cohort", cohort_id=context.cohort_id) if owner
                       else url_for("instructor.dashboard"))
    else:
        if link is None or link.assessment_id is None:
            raise LaunchRefused(409, "No assessment chosen yet",
                                "This activity does not name a quizapp assessment yet: the instructor chooses one "
                                "when adding the activity (deep linking) or sets the custom parameter "
                                "assessment=<id>.")
        destination = _learner_destination(user, link, str(claims["sub"]))
    return _sign_in_and_go(user, destination, _platform_origins(claims, platform))


def _learner_destination(user: User, link: LtiResourceLink, subject: str) -> str:
    """The learner's attempt from this placement: the one in progress, else the report of the one submitted,
    else a new attempt (the first submitted attempt of a placement is the graded one)."""
    attempt = db.session.scalar(select(Attempt).join(LtiGrade, LtiGrade.attempt_id == Attempt.id)
                                .where(LtiGrade.resource_link_id == link.id, Attempt.owned_by(user.id, None))
                                .order_by(Attempt.id.desc()).limit(1))
    if attempt is not None and attempt.status == "in_progress":
        return url_for("quiz.resume", public_id=attempt.public_id)
    if attempt is not None:
        return url_for("reports.report", public_id=attempt.public_id)
    assessment = db.session.get(Assessment, link.assessment_id)
    try:
        attempt = start_attempt(assessment, db.session.get(Role, assessment.role_id),
                                assessment_behaviour(assessment), user.id, None)
    except EmptyForm:
        raise LaunchRefused(409, "No questions yet", "This assessment has no questions yet.") from None
    db.session.add(LtiGrade(attempt_id=attempt.id, resource_link_id=link.id, subject=subject, status="open"))
    db.session.commit()
    return url_for("quiz.question", public_id=attempt.public_id, position=1)


def _sign_in_and_go(user: User, destination: str, origins):
    """A top-level launch signs in here and goes on. Inside the platform's frame this site's cookies are
    third-party (SameSite=Lax: not sent there), so the page offers a one-time link to a window of its own."""
    if request.headers.get("Sec-Fetch-Dest", "document") == "document":
        _sign_in(user)
        return redirect(destination, 303)
    token = secrets.token_urlsafe(32)
    DatabaseCache().set(f"lti-go-{token}", {"user": user.id, "session": user.session_token, "next": destination},
                        GO_LIFETIME)
    response = make_response(render_template("lti/open.html", url=url_for("lti.go", token=token)))
    return _framed_by(response, origins)


def _sign_in(user: User) -> None:
    session.clear()  # a fresh session: nothing from before the launch carries over
    sign_in(user)


@bp.route("/go/<token>")
def go(token):
    """The one-time link from an iframe launch: signs in (first-party, in a window of its own) and goes on."""
    data = DatabaseCache().pop(f"lti-go-{token[:100]}")
    user = db.session.get(User, data["user"]) if data else None
    if user is None or user.session_token != data["session"] or not data["next"].startswith("/"):
        return _refused(LaunchRefused(400, "Link expired", "This link was used already or has expired: open the "
                                                           "activity again from the course."))
    _sign_in(user)
    return redirect(data["next"], 303)


def _deep_link_picker(message, claims: dict, platform):
    if not is_instructor(claims.get("https://purl.imsglobal.org/spec/lti/claim/roles")):
        raise LaunchRefused(403, "Instructors only", "Only the course's instructors can choose an assessment.")
    assessments = db.session.scalars(select(Assessment).where(Assessment.active.is_(True))
                                     .order_by(Assessment.position, Assessment.id)).all()
    response = make_response(render_template(
        "lti/deep_link.html", assessments=assessments, launch_id=message.get_launch_id()))
    return _framed_by(response, _platform_origins(claims, platform))


@bp.route("/deep-link", methods=["POST"])
def deep_link():
    """The instructor's choice: answered with the signed deep-linking response, posted back to the platform.
    The launch id (unguessable, from the validated launch) is what authorises this form: the session cookie
    is third-party inside the platform's frame."""
    try:
        message = cached_launch(request.form.get("launch_id", "")[:200])
        claims = message.get_launch_data()
        if not message.is_deep_link_launch() or not is_instructor(claims.get("https://purl.imsglobal.org/spec/lti/claim/roles")):
            raise LaunchRefused(403, "Instructors only", "Only the course's instructors can choose an assessment.")
        assessment = db.session.get(Assessment, request.form.get("assessment", "")[:64])
        if assessment is None or not assessment.active:
            raise LaunchRefused(400, "Choose an assessment", "Choose one of the listed assessments.")
        from pylti1p3.deep_link_resource import DeepLinkResource
        from pylti1p3.lineitem import LineItem

        resource = (DeepLinkResource().set_url(url_for("lti.launch", _external=True)).set_title(assessment.name)
                    .set_custom_params({"assessment": assessment.id}))
        if claims.get(AGS):
            resource.set_lineitem(LineItem().set_score_maximum(100).set_label(assessment.name)
                                  .set_resource_id(assessment.id))
        token = message.get_deep_link().get_response_jwt([resource])
        settings = claims[DEEP_LINKING]
        platform = find_platform(claims["iss"], message.get_client_id())
        return_url = settings["deep_link_return_url"]
        response = make_response(render_template(
            "lti/deep_link_return.html", return_url=return_url, jwt=token, assessment=assessment))
        return _framed_by(response, _platform_origins(claims, platform), form_action=_origin(return_url) or "'none'")
    except Exception as error:
        return _refused(error)


@bp.route("/jwks")
def jwks():
    """The tool's public keys (every active one: the newest signs, the previous one stays during a rotation)."""
    response = jsonify(tool_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
