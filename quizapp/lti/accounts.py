"""A launch's (or a roster's) people, contexts and resource links as quizapp accounts, cohorts and assessments.

A platform's user becomes a quizapp account linked by (issuer, sub) only: the e-mail address a platform
sends is never used to find an account, so a platform cannot take over a local account by naming its address.
The account has no usable password; it signs in through its platform."""
from __future__ import annotations

import hashlib

from pylti1p3.roles import TeacherRole
from sqlalchemy import select

from ..attempts.cohorts import new_join_code
from ..extensions import db
from ..models import Assessment, Cohort, CohortMember, User
from .models import LtiContext, LtiMember, LtiPlatform, LtiResourceLink, LtiUser

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
ROLES = CLAIM + "roles"
CONTEXT = CLAIM + "context"
RESOURCE_LINK = CLAIM + "resource_link"
CUSTOM = CLAIM + "custom"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
NO_PASSWORD = "!lti"  # not a hash werkzeug produces: check_password_hash is False for every password


def is_instructor(roles: list[str]) -> bool:
    """Instructor (or administrator) of the context, in the LTI role vocabulary (the library decides)."""
    return TeacherRole({ROLES: list(roles or [])}).check()


def _display_name(claims: dict) -> str:
    name = claims.get("name") or " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    return (name or "Course member").strip()[:80]


def account_for(issuer: str, subject: str, claims: dict, instructor: bool) -> User:
    """The account linked to (issuer, subject), made on first sight; names follow the platform's."""
    link = db.session.get(LtiUser, (issuer, subject))
    if link is None:
        digest = hashlib.sha256(f"{issuer}\0{subject}".encode()).hexdigest()[:32]
        user = User(email=f"lti-{digest}@lti.invalid", display_name=_display_name(claims), role="learner",
                    password_hash=NO_PASSWORD)
        db.session.add(user)
        db.session.flush()
        db.session.add(LtiUser(issuer=issuer, subject=subject, user_id=user.id))
    else:
        user = db.session.get(User, link.user_id)
        if claims.get("name") or claims.get("given_name"):
            user.display_name = _display_name(claims)
    if instructor and user.role == "learner":
        user.role = "instructor"  # never lowered here, never raised to admin
    return user


def context_for(platform: LtiPlatform, claim: dict | None) -> LtiContext | None:
    if not claim or not claim.get("id"):
        return None
    context_id = str(claim["id"])[:255]
    context = db.session.scalar(select(LtiContext).where(LtiContext.platform_id == platform.id,
                                                         LtiContext.context_id == context_id))
    if context is None:
        context = LtiContext(platform_id=platform.id, context_id=context_id, title="")
        db.session.add(context)
    context.title = str(claim.get("title") or claim.get("label") or context.title or "LTI course")[:255]
    db.session.flush()
    return context


def join(context: LtiContext, user: User, instructor: bool, active: bool = True) -> None:
    """Record the user in the context and keep the cohort in step: the first instructor to arrive owns the
    cohort (made then, with everyone seen so far); learners are its members while the platform says active."""
    member = db.session.get(LtiMember, (context.id, user.id))
    if member is None:
        member = LtiMember(context_id=context.id, user_id=user.id)
        db.session.add(member)
    member.instructor, member.active = instructor, active
    db.session.flush()
    if context.cohort_id is None and instructor and active:
        cohort = Cohort(name=(context.title or "LTI course")[:120], join_code=new_join_code(), owner_id=user.id)
        db.session.add(cohort)
        db.session.flush()
        context.cohort_id = cohort.id
        for other in db.session.scalars(select(LtiMember).where(LtiMember.context_id == context.id,
                                                                LtiMember.active.is_(True),
                                                                LtiMember.instructor.is_(False))):
            _add_to_cohort(cohort.id, other.user_id)
    elif context.cohort_id is not None and not instructor:
        if active:
            _add_to_cohort(context.cohort_id, user.id)
        else:
            existing = db.session.get(CohortMember, (context.cohort_id, user.id))
            if existing is not None:
                db.session.delete(existing)


def _add_to_cohort(cohort_id: int, user_id: int) -> None:
    if db.session.get(CohortMember, (cohort_id, user_id)) is None:
        db.session.add(CohortMember(cohort_id=cohort_id, user_id=user_id))


def resource_link_for(platform: LtiPlatform, claims: dict, context: LtiContext | None) -> LtiResourceLink | None:
    """The placement launched, with the assessment it names (the `assessment` custom parameter, set by deep
    linking or by hand) and its AGS line item."""
    claim = claims.get(RESOURCE_LINK) or {}
    if not claim.get("id"):
        return None
    link_id = str(claim["id"])[:255]
    link = db.session.scalar(select(LtiResourceLink).where(LtiResourceLink.platform_id == platform.id,
                                                           LtiResourceLink.resource_link_id == link_id))
    if link is None:
        link = LtiResourceLink(platform_id=platform.id, resource_link_id=link_id, ags_scopes=[])
        db.session.add(link)
    if context is not None:
        link.context_id = context.id
    wanted = (claims.get(CUSTOM) or {}).get("assessment")
    if wanted:
        assessment = db.session.get(Assessment, str(wanted))
        if assessment is not None and assessment.active:
            link.assessment_id = assessment.id
    ags = claims.get(AGS) or {}
    if ags.get("lineitem"):
        link.lineitem_url = str(ags["lineitem"])[:500]
        link.ags_scopes = [str(s) for s in ags.get("scope") or []]
    db.session.flush()
    return link
