"""Queries behind the learner's own pages."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import ProblemReport, QuestionVersion


def report_replies(user_id: int) -> list[dict]:
    """The notes instructors left on resolving this learner's problem reports, newest first, for their history."""
    rows = db.session.execute(
        select(QuestionVersion.question_id, ProblemReport.resolved_at, ProblemReport.reply)
        .join(QuestionVersion, QuestionVersion.id == ProblemReport.version_id)
        .where(ProblemReport.user_id == user_id, ProblemReport.status == "resolved",
               ProblemReport.reply.is_not(None), ProblemReport.reply != "")
        .order_by(ProblemReport.resolved_at.desc(), ProblemReport.id.desc())).all()
    return [{"question_id": q, "resolved_at": when, "reply": reply} for q, when, reply in rows]
