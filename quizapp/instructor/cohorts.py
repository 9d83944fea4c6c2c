"""Queries behind a cohort's pages: the heatmap, the learner × skill grid and the response exports.

Everything a cohort shows comes from the attempts its members share with it (`shared`): what the
join page promises, the attempts each submits after joining. The counting is done in SQL (a
10,000-member cohort has hundreds of thousands of results) and the exports are read row by row.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql import Select

from ..bank.params import resolve
from ..extensions import db
from ..hotpath.definitions import version_definition
from ..models import Assessment, Attempt, AttemptItem, CohortMember, QuestionVersion, Skill, SkillResult, User
from ..questiontypes import get_question_type, is_dont_know
from ..scoring.gaps import GAP, NO_GAP, UNCERTAIN

LEARNERS_PER_PAGE = 50
EXPORT_BATCH = 1000  # rows fetched from the server-side cursor at a time


def shared(statement: Select, cohort_id: int) -> Select:
    """`statement` over the attempts the cohort's members share with it: submitted after joining (not
    those from before, not unfinished ones). Joined from cohort_member, so no list of member ids is sent."""
    return (statement.select_from(CohortMember)
            .join(Attempt, and_(CohortMember.user_id == Attempt.user_id, Attempt.status == "submitted",
                                Attempt.submitted_at > CohortMember.joined_at))
            .where(CohortMember.cohort_id == cohort_id))


def latest_results(cohort_id: int, user_ids=None, skill: str | None = None):
    """Each member's latest shared result per skill (the rows with `rank` 1), as a subquery: a
    learner's profile is cumulative, so the most recent call on a skill is the one that counts.
    `user_ids` (a list or a SELECT of ids) and `skill` narrow it before the ranking."""
    rank = func.row_number().over(partition_by=(Attempt.user_id, SkillResult.skill_id),
                                  order_by=(Attempt.submitted_at.desc(), Attempt.id.desc()))
    statement = shared(select(Attempt.user_id, SkillResult.skill_id, SkillResult.status, Attempt.submitted_at,
                              rank.label("rank")), cohort_id).join(SkillResult, SkillResult.attempt_id == Attempt.id)
    if user_ids is not None:
        statement = statement.where(CohortMember.user_id.in_(user_ids))
    if skill is not None:
        statement = statement.where(SkillResult.skill_id == skill)
    return statement.subquery("ranked")


def member_count(cohort_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == cohort_id))


def skill_order() -> dict[str, tuple[int, str]]:
    """Skill id → (position, name), for ordering and naming columns."""
    return {sid: (position, name) for sid, position, name in db.session.execute(
        select(Skill.id, Skill.position, Skill.name))}


def cohort_heatmap(cohort_id: int) -> tuple[list[dict], int]:
    """Per skill, how many members are gap / not sure / no gap on their latest result shared with the
    cohort, and how many members there are."""
    ranked = latest_results(cohort_id)
    counts: dict[str, dict[str, int]] = {}
    for skill_id, status, n in db.session.execute(
            select(ranked.c.skill_id, ranked.c.status, func.count()).where(ranked.c.rank == 1)
            .group_by(ranked.c.skill_id, ranked.c.status)):
        counts.setdefault(skill_id, {})[status] = n
    skills = skill_order()
    table = [{"skill_id": sid, "name": skills[sid][1] if sid in skills else sid, GAP: c.get(GAP, 0),
              UNCERTAIN: c.get(UNCERTAIN, 0), NO_GAP: c.get(NO_GAP, 0), "assessed": sum(c.values())}
             for sid, c in counts.items()]
    table.sort(key=lambda r: (skills[r["skill_id"]][0] if r["skill_id"] in skills else math.inf, r["skill_id"]))
    return table, member_count(cohort_id)


# --- the learner × skill grid ------------------------------------------------------------------

# How the grid can be sorted: the query parameter's value → its label.
GRID_SORTS = {"gaps": "most gaps", "name": "name", "latest": "latest submission"}
# The calls a skill filter can ask for: value → (label, statuses; () = no shared result on the skill).
GRID_CALLS = {
    "gap-or-unsure": ("a gap or not sure", (GAP, UNCERTAIN)),
    "gap": ("a gap", (GAP,)),
    "uncertain": ("not sure", (UNCERTAIN,)),
    "no_gap": ("no gap", (NO_GAP,)),
    "none": ("not assessed", ()),
}


@dataclass(frozen=True)
class GridRow:
    user_id: int
    name: str
    email: str
    gaps: int
    uncertain: int
    latest: datetime | None  # the latest shared submission behind the calls, None before any
    calls: dict[str, str]    # skill id → status, for the skills with a shared result


@dataclass(frozen=True)
class GridPage:
    skills: list[tuple[str, str]]  # (id, name) of the columns, in the bank's order
    rows: list[GridRow]
    total: int                     # learners matching the filter
    page: int
    pages: int
    per_page: int


def grid_skills() -> list[tuple[str, str]]:
    """The grid's columns: the bank's active skills in its order."""
    return [(sid, name) for sid, name in db.session.execute(
        select(Skill.id, Skill.name).where(Skill.active).order_by(Skill.position, Skill.id))]


def _members(cohort_id: int, skill: str | None, call: str) -> Select:
    """The ids of the cohort's members the filter keeps: those whose latest shared call on `skill` is
    one of `call`'s statuses, or who have no shared result on it ("none"); everyone without a skill."""
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
    if skill is None:
        return members
    statuses = GRID_CALLS[call][1]
    if not statuses:
        assessed = shared(select(Attempt.user_id), cohort_id).join(
            SkillResult, and_(SkillResult.attempt_id == Attempt.id, SkillResult.skill_id == skill))
        return members.where(CohortMember.user_id.not_in(assessed))
    ranked = latest_results(cohort_id, skill=skill)
    return members.where(CohortMember.user_id.in_(
        select(ranked.c.user_id).where(ranked.c.rank == 1, ranked.c.status.in_(statuses))))


def _latest_submissions(cohort_id: int, user_ids=None):
    """Per member, the latest attempt they share (a subquery of user_id, latest)."""
    statement = shared(select(Attempt.user_id, func.max(Attempt.submitted_at).label("latest")), cohort_id)
    if user_ids is not None:
        statement = statement.where(CohortMember.user_id.in_(user_ids))
    return statement.group_by(Attempt.user_id).subquery("latest_submissions")


def grid_page(cohort_id: int, page: int, sort: str = "gaps", skill: str | None = None,
              call: str = "gap-or-unsure", per_page: int = LEARNERS_PER_PAGE) -> GridPage:
    """One page of the cohort's members with their latest shared call per skill, filtered, sorted and
    paged in SQL. Only sorting by gaps ranks every member's results; by name or latest submission, the
    page's 50 are chosen first. Past the last page: no rows and `page` set to the last one."""
    members = _members(cohort_id, skill, call)
    total = db.session.scalar(select(func.count()).select_from(members.subquery()))
    pages = max(1, math.ceil(total / per_page))
    skills = grid_skills()
    if page > pages:
        return GridPage(skills, [], total, pages, pages, per_page)
    name = func.lower(User.display_name)
    statement = select(User.id).where(User.id.in_(members))
    if sort == "gaps":
        # One ranking of every member's results gives the counts and, with a skill, the call that filters
        # (the same rule as _members, which only counts): ranking only the filtered members would nest
        # the skill's ranking inside this one, and the planner misjudges that badly.
        ranked = latest_results(cohort_id)
        columns = [ranked.c.user_id, func.sum(case((ranked.c.status == GAP, 1), else_=0)).label("gaps"),
                   func.sum(case((ranked.c.status == UNCERTAIN, 1), else_=0)).label("uncertain")]
        if skill is not None:
            columns.append(func.max(case((ranked.c.skill_id == skill, ranked.c.status))).label("call"))
        per_user = select(*columns).where(ranked.c.rank == 1).group_by(ranked.c.user_id).subquery("per_user")
        statement = (select(User.id).select_from(CohortMember).join(User, User.id == CohortMember.user_id)
                     .outerjoin(per_user, per_user.c.user_id == CohortMember.user_id)
                     .where(CohortMember.cohort_id == cohort_id)
                     .order_by(func.coalesce(per_user.c.gaps, 0).desc(), func.coalesce(per_user.c.uncertain, 0).desc(),
                               name, User.id))
        if skill is not None:
            statuses = GRID_CALLS[call][1]
            statement = statement.where(per_user.c.call.in_(statuses) if statuses else per_user.c.call.is_(None))
    elif sort == "latest":
        latest = _latest_submissions(cohort_id)
        statement = statement.outerjoin(latest, latest.c.user_id == User.id).order_by(
            latest.c.latest.desc().nulls_last(), name, User.id)
    else:
        statement = statement.order_by(name, User.id)
    ids = list(db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)))
    users = {u.id: u for u in db.session.execute(select(User.id, User.display_name, User.email).where(User.id.in_(ids)))}
    latest = _latest_submissions(cohort_id, ids)
    when = dict(db.session.execute(select(latest.c.user_id, latest.c.latest)).all())
    calls: dict[int, dict[str, str]] = {i: {} for i in ids}
    ranked = latest_results(cohort_id, ids)
    for user_id, skill_id, status in db.session.execute(
            select(ranked.c.user_id, ranked.c.skill_id, ranked.c.status).where(ranked.c.rank == 1)):
        calls[user_id][skill_id] = status
    rows = [GridRow(i, users[i].display_name, users[i].email, sum(s == GAP for s in calls[i].values()),
                    sum(s == UNCERTAIN for s in calls[i].values()), when.get(i), calls[i]) for i in ids]
    return GridPage(skills, rows, total, page, pages, per_page)


# --- the response exports ----------------------------------------------------------------------

EXPORT_COLUMNS = ["learner", "email", "attempt", "assessment", "status", "submitted_at", "position", "question_id",
                  "version", "type", "skills", "response", "dont_know", "state", "credit", "seconds"]


def cohort_responses(cohort_id: int) -> Iterator[dict]:
    """Every response of the attempts members share with the cohort, its raw data for CSV and JSON, one
    at a time: read from a server-side cursor in batches, each version's definition read once (the
    worker's cache), so memory stays flat however many answers there are. A generator: the query runs
    when the first row is asked for."""
    statement = shared(select(
        User.display_name, User.email, Attempt.public_id, Assessment.name.label("assessment"), Attempt.status,
        Attempt.submitted_at, AttemptItem.position, AttemptItem.version_id, AttemptItem.variant,
        QuestionVersion.question_id, QuestionVersion.version, AttemptItem.response, AttemptItem.state,
        AttemptItem.credit, AttemptItem.seconds), cohort_id)
    statement = (statement.join(User, User.id == Attempt.user_id)
                 .join(Assessment, Assessment.id == Attempt.assessment_id)
                 .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
                 .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
                 .order_by(AttemptItem.attempt_id, AttemptItem.position))
    definitions: dict[tuple[int, int | None], dict] = {}
    result = db.session.execute(statement.execution_options(yield_per=EXPORT_BATCH))
    try:
        for r in result:
            key = (r.version_id, r.variant)
            d = definitions.get(key)
            if d is None:
                d = definitions[key] = resolve(version_definition(r.version_id), r.variant)
            dont_know = is_dont_know(r.response)
            yield {
                "learner": r.display_name, "email": r.email, "attempt": r.public_id, "assessment": r.assessment,
                "status": r.status, "submitted_at": r.submitted_at.isoformat() + "Z" if r.submitted_at else None,
                "position": r.position, "question_id": r.question_id, "version": r.version,
                "type": d["type"], "skills": d["skills"],
                # "I don't know" is a column of its own, not text a typed answer could equal
                "response": (get_question_type(d["type"]).describe(d, r.response)
                             if r.response is not None and not dont_know else None),
                "dont_know": dont_know,
                "state": r.state, "credit": r.credit, "seconds": round(r.seconds or 0.0, 1),
            }
    finally:
        result.close()
