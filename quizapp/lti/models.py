"""LTI 1.3 tables: platform registrations, the tool's key pairs, and the links from a platform's users,
contexts and resource links to quizapp's accounts, cohorts and assessments."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import utcnow


class LtiPlatform(db.Model):
    """A platform (LMS) registered with `quizapp lti add-platform`: one (issuer, client_id) pair."""
    __tablename__ = "lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_lti_platform_issuer_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    key_set_url: Mapped[str] = mapped_column(String(500))
    auth_audience: Mapped[str | None] = mapped_column(String(500))  # the token endpoint's aud, if not its URL
    deployment_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LtiKey(db.Model):
    """One of the tool's RSA key pairs. The newest active key signs; every active key is in the JWKS, so a
    platform that cached the previous key still verifies until the key is retired."""
    __tablename__ = "lti_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(100), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)


class LtiUser(db.Model):
    """A platform's user (issuer, sub) is this quizapp account: never matched by e-mail address."""
    __tablename__ = "lti_user"

    issuer: Mapped[str] = mapped_column(String(255), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LtiContext(db.Model):
    """A platform's context (course) and the cohort it became (made when its first instructor arrives)."""
    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("platform_id", "context_id", name="uq_lti_context_platform_context"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id"))
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"))
    memberships_url: Mapped[str | None] = mapped_column(String(500))  # NRPS, from the latest launch
    synced_at: Mapped[datetime | None] = mapped_column(DateTime)


class LtiMember(db.Model):
    """A user seen in a context (by a launch or the roster), with the roles the platform gave."""
    __tablename__ = "lti_member"

    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    instructor: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LtiResourceLink(db.Model):
    """A placement of the tool in a course, and the assessment it launches into."""
    __tablename__ = "lti_resource_link"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id", name="uq_lti_resource_link_platform_link"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id"))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[int | None] = mapped_column(ForeignKey("lti_context.id"))
    assessment_id: Mapped[str | None] = mapped_column(ForeignKey("assessment.id"))
    lineitem_url: Mapped[str | None] = mapped_column(String(500))  # AGS, from the latest launch
    ags_scopes: Mapped[list] = mapped_column(JSON, default=list)


class LtiGrade(db.Model):
    """An attempt started from a launch, and the score owed to the platform for it (an outbox row:
    `pending` until the platform accepted it; `quizapp lti send-scores` retries the failed ones)."""
    __tablename__ = "lti_grade"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), primary_key=True)
    resource_link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_link.id"), index=True)
    subject: Mapped[str] = mapped_column(String(255))  # the platform's user id, the score's userId
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | pending | sent | failed
    score_given: Mapped[float | None] = mapped_column(Float)
    score_maximum: Mapped[float | None] = mapped_column(Float)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    resource_link: Mapped[LtiResourceLink] = relationship()


class LtiCache(db.Model):
    """pylti1p3's cache (state, nonce, launch data, platform keys) in the database, so every gunicorn worker
    and machine sees the same values. Expired rows are ignored and purged as new ones are written."""
    __tablename__ = "lti_cache"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
    expires_at: Mapped[float] = mapped_column(Float, index=True)
