"""Names and Role Provisioning: a context's roster from the platform fills its cohort.

Each member becomes (or stays) the account linked to (issuer, user_id); learners the platform lists as
Active are the cohort's members, Inactive or Deleted ones leave it. Run by `quizapp lti sync-roster`."""
from __future__ import annotations

from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import select

from ..extensions import db
from ..models import utcnow
from .accounts import account_for, is_instructor, join
from .models import LtiContext, LtiPlatform
from .tool import http_session, registration_for


def sync_roster(context: LtiContext) -> int:
    """Bring the context's members and cohort in line with the platform's roster; the number of members read."""
    if not context.memberships_url:
        raise ValueError(f"context {context.id} has no Names and Role service URL yet: launch it once first")
    platform = db.session.get(LtiPlatform, context.platform_id)
    connector = ServiceConnector(registration_for(platform), requests_session=http_session())
    service = NamesRolesProvisioningService(connector, {"context_memberships_url": context.memberships_url})
    members = service.get_members()
    for member in members:
        subject = member.get("user_id")
        if not subject:
            continue
        roles = member.get("roles") or []
        instructor = is_instructor(roles)
        user = account_for(platform.issuer, str(subject), member, instructor)
        join(context, user, instructor, active=member.get("status", "Active") == "Active")
    context.synced_at = utcnow()
    db.session.commit()
    return len(members)


def contexts_with_roster() -> list[LtiContext]:
    return list(db.session.scalars(select(LtiContext).where(LtiContext.memberships_url.is_not(None))
                                   .order_by(LtiContext.id)))
