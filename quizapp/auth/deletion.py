"""Delete an account, or a guest browser's data, keeping only what item statistics need.

What goes: the account row (email, name, password hash), its cohort memberships, the courses it
marked done, its attempts in progress, and the scores (skill and area results) of its submitted
attempts. What stays, anonymised: the answers of submitted attempts (AttemptItem: the question
version, the response, its credit and time), on an attempt row that names no account and no browser
(user_id and guest_token NULL) and whose public id is replaced, so no link to it works any more;
the item statistics and calibration read those answers, the percentiles (which read the scores) no
longer count them. Problem reports stay in the instructors' queue without their reporter.
"""
from __future__ import annotations

import secrets

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from ..models import (
    AreaResult,
    Attempt,
    AttemptItem,
    Cohort,
    CohortMember,
    ProblemReport,
    ResourceDone,
    SkillResult,
    User,
)


def owns_cohorts(session: Session, user_id: int) -> bool:
    """Whether the account runs cohorts (they would lose their owner)."""
    return bool(session.scalar(select(exists().where(Cohort.owner_id == user_id))))


def _forget_attempts(session: Session, owned) -> int:
    """Delete the attempts `owned` selects that are in progress; anonymise the submitted ones."""
    ids = select(Attempt.id).where(owned)
    in_progress = select(Attempt.id).where(owned, Attempt.status != "submitted")
    session.execute(delete(AttemptItem).where(AttemptItem.attempt_id.in_(in_progress)))
    session.execute(delete(SkillResult).where(SkillResult.attempt_id.in_(ids)))
    session.execute(delete(AreaResult).where(AreaResult.attempt_id.in_(ids)))
    session.execute(delete(Attempt).where(owned, Attempt.status != "submitted"))
    kept = session.scalars(select(Attempt).where(owned)).all()
    for attempt in kept:
        attempt.user_id, attempt.guest_token = None, None
        attempt.public_id = "x" + secrets.token_hex(15)  # the old report links stop working
        attempt.focus_skill, attempt.stop_reason = None, None
    return len(kept)


def delete_account(session: Session, user: User) -> int:
    """Delete `user` and their personal data (the caller commits); returns how many answered attempts
    were kept anonymised."""
    kept = _forget_attempts(session, Attempt.owned_by(user.id, None))
    session.execute(delete(CohortMember).where(CohortMember.user_id == user.id))
    session.execute(delete(ResourceDone).where(ResourceDone.user_id == user.id))
    session.execute(update(ProblemReport).where(ProblemReport.user_id == user.id).values(user_id=None))
    session.delete(user)
    return kept


def clear_guest_data(session: Session, token: str) -> int:
    """Forget the attempts of a guest browser (its token), as for an account; returns how many were kept."""
    return _forget_attempts(session, Attempt.owned_by(None, token))
