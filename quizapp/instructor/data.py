"""Queries behind the instructor pages, turning rows into the plain data scoring/ works on."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Attempt, AttemptItem, CohortMember, ProblemReport, QuestionVersion, Skill, SkillResult, User
from ..questiontypes import get_question_type, is_dont_know
from ..render.markdown import plain_excerpt
from ..scoring.gaps import GAP, NO_GAP, UNCERTAIN


def shared_with_cohort(cohort_id: int):
    """A WHERE clause for the attempts a cohort's members share with it: what the join page promises,
    the attempts each submits after joining (not those from before, not unfinished ones)."""
    joined = (select(CohortMember.joined_at)
              .where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == Attempt.user_id)
              .correlate(Attempt).scalar_subquery())
    return (Attempt.status == "submitted") & (Attempt.submitted_at > joined)


def cohort_heatmap(cohort_id: int) -> tuple[list[dict], int]:
    """Per skill, how many members are gap / not sure / no gap on their latest result shared with the cohort."""
    member_ids = [m for (m,) in db.session.execute(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id))]
    latest: dict[tuple[int, str], tuple] = {}
    rows = db.session.execute(
        select(Attempt.user_id, SkillResult.skill_id, SkillResult.status, Attempt.submitted_at)
        .join(SkillResult, SkillResult.attempt_id == Attempt.id)
        .where(shared_with_cohort(cohort_id))).all()
    for user_id, skill_id, status, when in rows:
        key = (user_id, skill_id)
        if key not in latest or when > latest[key][1]:
            latest[key] = (status, when)
    counts: dict[str, Counter] = defaultdict(Counter)
    for (_, skill_id), (status, _) in latest.items():
        counts[skill_id][status] += 1
    names = dict(db.session.execute(select(Skill.id, Skill.name)).all())
    order = {sid: i for i, (sid,) in enumerate(db.session.execute(select(Skill.id).order_by(Skill.position)))}
    table = [{"skill_id": sid, "name": names.get(sid, sid), GAP: c[GAP], UNCERTAIN: c[UNCERTAIN], NO_GAP: c[NO_GAP],
              "assessed": sum(c.values())} for sid, c in counts.items()]
    table.sort(key=lambda r: order.get(r["skill_id"], len(order)))
    return table, len(member_ids)


def cohort_responses(cohort_id: int) -> list[dict]:
    """Every response of the attempts members share with the cohort: its raw data for CSV and JSON."""
    member_ids = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
    attempts = db.session.scalars(
        select(Attempt).options(joinedload(Attempt.assessment))
        .where(shared_with_cohort(cohort_id))
        .order_by(Attempt.user_id, Attempt.started_at)).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(member_ids)))}
    items = db.session.scalars(
        select(AttemptItem).options(joinedload(AttemptItem.version))
        .where(AttemptItem.attempt_id.in_([a.id for a in attempts])).order_by(AttemptItem.attempt_id,
                                                                               AttemptItem.position)).all()
    by_attempt = {a.id: a for a in attempts}
    out = []
    for item in items:
        attempt = by_attempt[item.attempt_id]
        user = users[attempt.user_id]
        d = item.definition
        out.append({
            "learner": user.display_name, "email": user.email, "attempt": attempt.public_id,
            "assessment": attempt.assessment.name, "status": attempt.status,
            "submitted_at": attempt.submitted_at.isoformat() + "Z" if attempt.submitted_at else None,
            "position": item.position, "question_id": item.version.question_id, "version": item.version.version,
            "type": d["type"], "skills": d["skills"],
            # "I don't know" is a column of its own, not text a typed answer could equal
            "response": (get_question_type(d["type"]).describe(d, item.response)
                         if item.response is not None and not is_dont_know(item.response) else None),
            "dont_know": is_dont_know(item.response),
            "state": item.state, "credit": item.credit, "seconds": round(item.seconds or 0.0, 1),
        })
    return out


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

