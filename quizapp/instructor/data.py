"""Queries behind the problem-report queue (item statistics: statistics.py; cohorts: cohorts.py)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from ..models import ProblemReport, QuestionVersion, User
from ..render.markdown import plain_excerpt

# --- problem reports -----------------------------------------------------------------------

REPORTS_PER_PAGE = 50
REPLY_MAX = 500  # characters of the note a resolved report can carry to its learner


@dataclass(frozen=True)
class ReportRow:
    """One report as the queue shows it: the question by id and prompt excerpt, who reported it and when."""

    id: int
    version_id: int
    question_id: str
    version: int
    excerpt: str
    reason_label: str
    note: str
    reporter: str | None  # display name (or email); None for a guest
    created_at: datetime
    status: str
    resolved_at: datetime | None
    reply: str | None

    @property
    def can_reply(self) -> bool:
        """A guest's report has nobody to show a note to."""
        return self.reporter is not None


@dataclass(frozen=True)
class ReportPage:
    rows: list[ReportRow]
    total: int
    page: int
    pages: int
    per_page: int


def report_page(status: str, question: str | None, page: int, per_page: int = REPORTS_PER_PAGE) -> ReportPage:
    """One page of the queue, newest first, paged in SQL (ix_problem_report_status_created_at serves it).
    Past the last page: no rows and `page` set to the last one (page 1 of an empty queue exists)."""
    where = [ProblemReport.status == status]
    if question:
        where.append(QuestionVersion.question_id == question)
    total = db.session.scalar(select(func.count()).select_from(ProblemReport)
                              .join(QuestionVersion, QuestionVersion.id == ProblemReport.version_id).where(*where))
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        return ReportPage([], total, pages, pages, per_page)
    rows = db.session.execute(
        select(ProblemReport, QuestionVersion.question_id, QuestionVersion.version, QuestionVersion.definition,
               User.display_name, User.email)
        .join(QuestionVersion, QuestionVersion.id == ProblemReport.version_id)
        .outerjoin(User, User.id == ProblemReport.user_id)
        .where(*where).order_by(ProblemReport.created_at.desc(), ProblemReport.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    out = [ReportRow(id=r.id, version_id=r.version_id, question_id=qid, version=version,
                     excerpt=plain_excerpt(definition.get("prompt", "")), reason_label=r.reason_label,
                     note=r.note or "", reporter=(name or email or f"user {r.user_id}") if r.user_id is not None else None,
                     created_at=r.created_at, status=r.status, resolved_at=r.resolved_at, reply=r.reply)
           for r, qid, version, definition, name, email in rows]
    return ReportPage(out, total, page, pages, per_page)

