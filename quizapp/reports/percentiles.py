"""Percentiles on the report: where a learner's scores stand among the other learners of the same assessment.

What is ranked: each learner once (an account by its id, a guest by the browser's guest token, an attempt
with neither on its own), with their latest submitted attempt of this assessment; practice attempts are left
out, since their learners saw the keys as they went. An area's score is the mean ability estimate (theta) of
the attempt's skills in that area; the overall score, the mean over all its assessed skills. A role sets the
targets, not the estimates, so attempts made against different roles compare like with like.

The percentile is a mid-rank: the share of the other learners strictly below plus half of those tied, in
whole percent. It is shown only once `PERCENTILE_MIN_LEARNERS` learners, the reader included, have a score
there (overall and per area alike); before that the report says how many have, never a figure.

The counting is one SQL statement (`standing_counts`), the same on SQLite and PostgreSQL: the report never
loads other learners' attempts. It reads the assessment's submitted attempts through
`ix_attempt_assessment_id_status` and their results through `skill_result`'s attempt index.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, bindparam, case, cast, func, literal, select, union_all
from sqlalchemy.orm import aliased

from ..attempts.behaviours import behaviour_of, unranked_modes
from ..bank.schema import AREAS
from ..extensions import db
from ..models import Attempt, Skill, SkillResult

OVERALL = ""  # the area of the overall score, in the statement's rows
# Scores closer than this (in logits) are tied: the same thetas can be averaged in another order.
TIE = 1e-9


def percentile_rank(below: int, tied: int, others: int) -> int:
    """The mid-rank percentile: the share of `others` strictly below plus half of those `tied`, rounded half
    up to a whole percent. 0 and 100 are kept for "below everyone" and "above everyone": a share that
    merely rounds there reads 1 or 99.

    :raises ValueError: with no others to compare with, or counts that do not add up.
    """
    if others < 1 or below < 0 or tied < 0 or below + tied > others:
        raise ValueError(f"impossible counts: {below} below and {tied} tied of {others}")
    if below == others:
        return 100
    if below == 0 and tied == 0:
        return 0
    # (below + tied / 2) / others in percent, rounded half up, in integers: no float lands beside a .5
    rounded = ((2 * below + tied) * 100 + others) // (2 * others)
    return min(max(rounded, 1), 99)


@dataclass(frozen=True)
class Standing:
    """How many other learners have a score in one area (or overall), and how many of them are below or tied."""

    others: int
    below: int
    tied: int


def _learner(attempt):
    """Who made an attempt, as one string: the account, else the guest browser, else the attempt itself."""
    return case(
        (attempt.user_id.is_not(None), literal("user:") + cast(attempt.user_id, String)),
        (attempt.guest_token.is_not(None), literal("guest:") + attempt.guest_token),
        else_=literal("attempt:") + cast(attempt.id, String))


def _scores(attempt_filter):
    """(attempt_id, area, score) per area and overall (area OVERALL) of the attempts `attempt_filter` selects."""
    theta = func.avg(SkillResult.theta).label("score")
    per_area = (select(SkillResult.attempt_id, Skill.area.label("area"), theta)
                .join(Skill, Skill.id == SkillResult.skill_id)
                .where(attempt_filter).group_by(SkillResult.attempt_id, Skill.area))
    overall = (select(SkillResult.attempt_id, cast(literal(OVERALL), String).label("area"), theta)
               .where(attempt_filter).group_by(SkillResult.attempt_id))
    return union_all(per_area, overall)


def _standing_statement():
    """Per area of the viewed attempt (and overall): the other learners with a score there, below it, tied."""
    viewed = aliased(Attempt)
    reader = select(_learner(viewed)).where(viewed.id == bindparam("attempt_id")).scalar_subquery()
    learner = _learner(Attempt)
    latest = (select(Attempt.id.label("attempt_id"), learner.label("learner"),
                     func.row_number().over(partition_by=learner,
                                            order_by=(Attempt.submitted_at.desc(), Attempt.id.desc())).label("recency"))
              .where(Attempt.assessment_id == bindparam("assessment_id"), Attempt.status == "submitted",
                     Attempt.mode.not_in(unranked_modes()))
              .cte("latest"))
    others = select(latest.c.attempt_id).where(latest.c.recency == 1, latest.c.learner != reader)
    mine = _scores(SkillResult.attempt_id == bindparam("attempt_id")).cte("mine")
    theirs = _scores(SkillResult.attempt_id.in_(others)).cte("theirs")
    difference = theirs.c.score - mine.c.score
    return (select(mine.c.area, func.count(theirs.c.attempt_id).label("others"),
                   func.coalesce(func.sum(case((difference < -TIE, 1), else_=0)), 0).label("below"),
                   func.coalesce(func.sum(case((func.abs(difference) <= TIE, 1), else_=0)), 0).label("tied"))
            .select_from(mine.outerjoin(theirs, theirs.c.area == mine.c.area))
            .group_by(mine.c.area))


_STANDING = _standing_statement()


def standing_counts(attempt: Attempt) -> dict[str, Standing]:
    """The attempt's standing per area it has a score in, and overall (key OVERALL): one statement."""
    rows = db.session.execute(_STANDING, {"attempt_id": attempt.id, "assessment_id": attempt.assessment_id})
    return {row.area: Standing(int(row.others), int(row.below), int(row.tied)) for row in rows}


def area_order(area: str) -> tuple[int, str]:
    """Areas in the bank's order (math, Python, algorithms, frameworks, …)."""
    return (AREAS.index(area) if area in AREAS else len(AREAS), area)


def learner_percentiles(attempt: Attempt, min_learners: int) -> dict | None:
    """What the report shows of the attempt's percentiles, as plain data; None for an attempt that is not
    ranked (practice) or has no score. `learners` counts the reader; a percentile is None where fewer than
    `min_learners` learners have a score."""
    if not behaviour_of(attempt).ranked_among_learners:
        return None
    standings = standing_counts(attempt)
    if OVERALL not in standings:
        return None

    def enough(standing: Standing) -> bool:  # the reader and at least one other, and min_learners in all
        return standing.others >= max(min_learners - 1, 1)

    def entry(standing: Standing) -> dict:
        return {"others": standing.others, "percentile": percentile_rank(standing.below, standing.tied, standing.others)
                if enough(standing) else None}

    learners = standings[OVERALL].others + 1
    shown = enough(standings[OVERALL])
    return {
        "min_learners": min_learners,
        "learners": learners,
        "shown": shown,
        "overall": entry(standings[OVERALL]) if shown else None,
        "areas": [{"area": area, "name": area.capitalize(), **entry(standings[area])}
                  for area in sorted(set(standings) - {OVERALL}, key=area_order)] if shown else [],
    }
