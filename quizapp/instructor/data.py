"""Queries behind the instructor pages, turning rows into the plain data scoring/ works on."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from ..models import Attempt, AttemptItem, ProblemReport, QuestionVersion, User
from ..questiontypes import get_question_type, is_dont_know
from ..render.markdown import plain_excerpt
from ..scoring.grading import DONT_KNOW
from ..scoring.itemstats import ItemInfo, ItemResponse, item_statistics, summary_flags_text

MIN_RESPONSES = 20


def _picks(definition: dict, response: dict | None) -> tuple[int, ...] | None:
    """The options a response picked; "I don't know" picks none (it has its own row: dont_know_rate)."""
    if is_dont_know(response):
        return None
    return get_question_type(definition["type"]).picks(definition, response)


def _item_info(version: QuestionVersion) -> ItemInfo:
    return get_question_type(version.definition["type"]).item_info(version.id, version.definition)


def item_stat_rows(min_responses: int = MIN_RESPONSES) -> list[dict]:
    """One row per question version that submitted attempts have seen, with its statistics and flags.
    "I don't know" counts as a wrong answer (credit 0) and as its own row beside the options
    (scoring.itemstats)."""
    rows = db.session.execute(
        select(AttemptItem.attempt_id, AttemptItem.version_id, AttemptItem.credit, AttemptItem.response,
               AttemptItem.seconds, AttemptItem.state)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id).where(Attempt.status == "submitted")).all()
    versions = {v.id: v for v in db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.id.in_({r.version_id for r in rows})))}
    responses = [ItemResponse(r.attempt_id, r.version_id, r.credit,
                              _picks(versions[r.version_id].definition, r.response) if r.credit is not None else None,
                              r.seconds or None, r.state == DONT_KNOW) for r in rows]
    reports = dict(db.session.execute(select(ProblemReport.version_id, func.count())
                                      .where(ProblemReport.status == "open").group_by(ProblemReport.version_id)).all())
    out = []
    for stats in item_statistics([_item_info(v) for v in versions.values()], responses, min_responses):
        v = versions[stats.version_id]
        out.append({
            "version_id": v.id, "question": v.question_id, "version": v.version, "qtype": v.qtype,
            "type_label": get_question_type(v.qtype).label, "skills": v.skills, "responses": stats.responses,
            "facility": stats.facility, "discrimination": stats.discrimination,
            "median_seconds": stats.median_seconds, "option_rates": stats.option_rates,
            "dont_know_rate": stats.dont_know_rate,
            "flags": list(stats.flags), "flag_texts": [summary_flags_text(f) for f in stats.flags],
            "hidden": stats.hidden, "reports": reports.get(v.id, 0),
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

