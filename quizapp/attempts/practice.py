"""“Practise my gaps”: a practice session on the gap and not-sure skills of a report, putting
first the questions the learner missed before that spaced repetition (FSRS) says are due.
"""
from __future__ import annotations

import random
import secrets
from collections import defaultdict
from datetime import datetime, timezone

from fsrs import Card, Rating, Scheduler
from sqlalchemy import select

from ..extensions import db
from ..models import Assessment, Attempt, AttemptItem, QuestionVersion
from ..scoring.gaps import GAP, UNCERTAIN
from .behaviours import PRACTICE
from .lifecycle import insert_with_slots, live_versions, read_definitions, slot_values

PRACTICE_ID = "practise-my-gaps"
PRACTICE_LENGTH = 10


def _practice_assessment(role_id: str) -> Assessment:
    """The hidden assessment practice sessions hang on (not listed on the home page)."""
    assessment = db.session.get(Assessment, PRACTICE_ID)
    if assessment is None:
        assessment = Assessment(id=PRACTICE_ID, name="Practise my gaps", role_id=role_id, mode=PRACTICE.mode,
                                question_count=PRACTICE_LENGTH, skills=[], position=10_000, active=False,
                                description="Questions on the skills your last report called gaps or not sure yet.")
        db.session.add(assessment)
        db.session.flush()
    return assessment


def review_schedule(history: list[tuple[str, bool, datetime]], now: datetime) -> dict[str, datetime]:
    """Next due time per question id from a learner's answers (FSRS: wrong = Again, right = Good)."""
    scheduler = Scheduler(enable_fuzzing=False)
    cards: dict[str, Card] = {}
    for question_id, correct, when in sorted(history, key=lambda h: h[2]):
        card = cards.get(question_id, Card())
        cards[question_id], _ = scheduler.review_card(card, Rating.Good if correct else Rating.Again,
                                                      when.replace(tzinfo=timezone.utc))
    return {qid: card.due for qid, card in cards.items()}


def start_gap_practice(source: Attempt, user_id: int | None, guest_token: str | None,
                       length: int = PRACTICE_LENGTH, only: str | None = None) -> Attempt | None:
    """A practice attempt over the source report's gap and not-sure skills (or the one skill `only` of
    them: the report's next step), or None if there is none or no question on them."""
    skills = [r.skill_id for r in source.results if r.status in (GAP, UNCERTAIN) and only in (None, r.skill_id)]
    if not skills:
        return None
    owner = Attempt.owned_by(user_id, guest_token)
    history_rows = db.session.execute(
        select(QuestionVersion.question_id, AttemptItem.credit, AttemptItem.answered_at)
        .join(AttemptItem, AttemptItem.version_id == QuestionVersion.id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(owner, AttemptItem.answered_at.is_not(None))).all()
    history = [(qid, credit >= 1.0, when) for qid, credit, when in history_rows]
    now = datetime.now(timezone.utc)
    due = review_schedule(history, now)
    missed = {qid for qid, correct, _ in history if not correct}
    seen = {qid for qid, _, _ in history}
    question_of = {v.id: v.question_id for v in live_versions(set(skills))}
    by_kind: dict[str, list[int]] = defaultdict(list)
    rng = random.Random(secrets.randbits(32))
    for version_id, qid in question_of.items():
        if qid in missed and due.get(qid, now) <= now:
            by_kind["due"].append(version_id)
        elif qid not in seen:
            by_kind["new"].append(version_id)
        elif qid in missed:
            by_kind["missed_later"].append(version_id)
        else:
            by_kind["known"].append(version_id)
    for ids in by_kind.values():
        rng.shuffle(ids)
    by_kind["due"].sort(key=lambda v: due.get(question_of[v], now))  # most overdue first
    chosen = (by_kind["due"] + by_kind["new"] + by_kind["missed_later"] + by_kind["known"])[:length]
    if not chosen:
        return None
    assessment = _practice_assessment(source.role_id)
    attempt = Attempt(public_id=secrets.token_urlsafe(12), user_id=user_id, guest_token=None if user_id else guest_token,
                      assessment_id=assessment.id, role_id=source.role_id, question_count=len(chosen), **PRACTICE.stored)
    definitions = read_definitions(chosen)
    due_reason = "You missed this before; spaced repetition says it is due."
    insert_with_slots(attempt, [slot_values(position, version_id, definitions[version_id], rng,
                                            due_reason if version_id in by_kind["due"] else None)
                                for position, version_id in enumerate(chosen, start=1)])
    return attempt
