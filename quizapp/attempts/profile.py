"""The learner's skill profile: every scored answer of every attempt they own (assessments, practice,
"3 more questions", gap practice; a guest's until an account claims them, then the account's) feeds one
posterior, older answers faded (scoring/profile.py). An attempt's report is the profile as of its submit;
an adaptive attempt starts from the profile, so it asks about what is still unsure. Also how an answered
slot becomes evidence (its item parameters, its observation)."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from flask import current_app
from sqlalchemy import Select, func, select

from ..extensions import db
from ..models import Attempt, AttemptItem, ItemCalibration, Skill
from ..questiontypes import get_question_type
from ..scoring.ability import ItemParams, Observation, item_params
from ..scoring.grading import DONT_KNOW
from ..scoring.profile import Answer


def calibrated_params(definition: dict, calibration: dict | None = None) -> ItemParams:
    """The 3PL parameters scoring uses for a question (day-one labels until calibrated)."""
    if calibration:
        return ItemParams(calibration["a"], calibration["b"], calibration["c"])
    return item_params(definition["difficulty"], get_question_type(definition["type"]).guessing_floor(definition))


def observation(params: ItemParams, item: AttemptItem) -> Observation:
    """An answered slot as scoring sees it: its credit, and whether a lucky guess was possible (not after
    "I don't know", which enters the likelihood without the guessing floor: scoring.ability.Observation)."""
    return Observation(params, item.credit, guessing=item.state != DONT_KNOW)


def calibrations_for(version_ids) -> dict[int, dict]:
    """Fitted parameters of the versions (ids, or a SELECT of them) that have enough responses to trust them."""
    minimum = current_app.config["CALIBRATION_MIN_RESPONSES"]
    ids = version_ids if isinstance(version_ids, Select) else list(version_ids)
    rows = db.session.scalars(select(ItemCalibration).where(ItemCalibration.version_id.in_(ids),
                                                            ItemCalibration.responses >= minimum))
    return {r.version_id: {"a": r.a, "b": r.b, "c": r.c} for r in rows}


def answers_of(items: list[AttemptItem], dated: Callable[[AttemptItem], datetime]) -> list[Answer]:
    """The scored slots among `items` as the profile's answers, each dated by `dated` and of its own attempt."""
    answered = [i for i in items if i.credit is not None]  # unanswered: no evidence either way
    calibrations = calibrations_for({i.version_id for i in answered}) if answered else {}
    return [Answer(tuple(i.definition["skills"]), observation(calibrated_params(i.definition, calibrations.get(i.version_id)), i),
                   dated(i), i.attempt_id)
            for i in answered]


def own_answers(items: list[AttemptItem], when: datetime) -> list[Answer]:
    """An attempt's own scored answers, dated `when`: within a sitting every answer counts in full."""
    return answers_of(items, lambda _: when)


def earlier_answers(attempt: Attempt, until: datetime) -> list[Answer]:
    """The scored answers of the attempt's owner in their other attempts, given up to `until`."""
    if attempt.user_id is None and attempt.guest_token is None:
        return []
    answered_at = func.coalesce(AttemptItem.answered_at, Attempt.submitted_at, Attempt.started_at)
    rows = db.session.execute(
        select(AttemptItem, answered_at)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.owned_by(attempt.user_id, attempt.guest_token), Attempt.id != attempt.id,
               AttemptItem.credit.is_not(None), answered_at <= until)
        .order_by(answered_at, AttemptItem.id)).all()
    when = {item.id: at for item, at in rows}
    return answers_of([item for item, _ in rows], lambda item: when[item.id])


def skill_areas() -> dict[str, str]:
    """Each skill's area (math, Python, …): the correlated prior's second level."""
    return dict(db.session.execute(select(Skill.id, Skill.area)).all())
