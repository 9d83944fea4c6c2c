"""From the app's events to statements in the outbox. An answer or a submit is already committed when
these run: a failure here is logged and costs the learner nothing."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid

from flask import current_app, has_request_context, request
from sqlalchemy import select

from ..extensions import db
from ..models import Assessment, Attempt, AttemptItem, QuestionVersion, SkillResult, User, utcnow
from ..questiontypes import get_question_type
from . import statements
from .sender import enqueue, settings

log = logging.getLogger("quizapp.xapi")


def site() -> str:
    """The base of activity ids: QUIZAPP_XAPI_ACTIVITY_BASE, or this site's own address."""
    configured = settings().site
    if configured:
        return configured
    return request.url_root if has_request_context() else "http://localhost/"


def _learner(user_id: int | None, guest_token: str | None) -> statements.Learner:
    if user_id is not None:
        if settings().identify == "email":
            user = db.session.get(User, user_id)
            return statements.Learner(f"user-{user_id}", user.email, user.display_name)
        return statements.Learner(f"user-{user_id}")
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), (guest_token or "").encode(), hashlib.sha256)
    return statements.Learner(f"guest-{digest.hexdigest()[:24]}")


def on_answered(attempt, *, slot_id: int, **_) -> None:
    """answer_saved's receiver: an "answered" statement for a scored answer."""
    try:
        _answered(attempt.id, slot_id)
    except Exception:  # the answer is saved; the statement is a report of it
        db.session.rollback()
        log.exception("xAPI: no statement for the answer in slot %s", slot_id)


def _answered(attempt_id: int, slot_id: int) -> None:
    row = db.session.execute(
        select(Attempt.public_id, Attempt.user_id, Attempt.guest_token, Assessment.id, Assessment.name,
               QuestionVersion.question_id, QuestionVersion.version, QuestionVersion.qtype, QuestionVersion.skills,
               AttemptItem.credit, AttemptItem.state, AttemptItem.response, AttemptItem.seconds,
               AttemptItem.answered_at)
        .join(Assessment, Assessment.id == Attempt.assessment_id)
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(Attempt.id == attempt_id, AttemptItem.id == slot_id)).one_or_none()
    if row is None or row.credit is None:
        return
    enqueue(statements.answered(
        site(), _learner(row.user_id, row.guest_token), statement_id=str(uuid.uuid4()), public_id=row.public_id,
        assessment_id=row.id, assessment_name=row.name, question_id=row.question_id, version=row.version,
        interaction=get_question_type(row.qtype).xapi_interaction, skills=list(row.skills), credit=row.credit,
        state=row.state, response=json.dumps(row.response, ensure_ascii=False, sort_keys=True),
        seconds=row.seconds, at=row.answered_at or utcnow()))


def on_submitted(attempt: Attempt) -> None:
    """attempt_submitted's receiver: a "completed" statement with the score and the report's calls."""
    try:
        _completed(attempt)
    except Exception:  # the attempt is submitted; the statement is a report of it
        db.session.rollback()
        log.exception("xAPI: no statement for the submit of attempt %s", attempt.id)


def _completed(attempt: Attempt) -> None:
    credits = db.session.scalars(select(AttemptItem.credit).where(AttemptItem.attempt_id == attempt.id)).all()
    results = db.session.scalars(select(SkillResult).where(SkillResult.attempt_id == attempt.id)
                                 .order_by(SkillResult.skill_id)).all()
    submitted = attempt.submitted_at or utcnow()
    enqueue(statements.completed(
        site(), _learner(attempt.user_id, attempt.guest_token), statement_id=str(uuid.uuid4()),
        public_id=attempt.public_id, assessment_id=attempt.assessment_id, assessment_name=attempt.assessment.name,
        raw=float(sum(c or 0.0 for c in credits)), maximum=len(credits),
        seconds=(submitted - attempt.started_at).total_seconds(),
        skills=[{"skill": r.skill_id, "status": r.status, "p_gap": round(r.p_gap, 3), "target": r.target}
                for r in results], at=submitted))
