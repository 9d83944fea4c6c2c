"""Attempt lifecycle between the views and the pure scoring code: start, answer, submit, reopen, close."""
from __future__ import annotations

import functools
import random
import secrets
import weakref
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, NamedTuple

from blinker import Namespace
from flask import current_app
from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..bank.revision import STORED_REVISION, bank_revision
from ..exceptions import AttemptError
from ..extensions import db
from ..hotpath.definitions import remember_definition
from ..hotpath.reads import read_rows, write_alone
from ..models import (
    ANSWER_COLUMNS,
    AnswerFinal,
    AreaResult,
    Assessment,
    Attempt,
    AttemptItem,
    ItemCalibration,
    Question,
    QuestionSkill,
    QuestionVersion,
    Role,
    Skill,
    SkillResult,
    utcnow,
)
from ..questiontypes import get_question_type
from ..questiontypes import grade as grade_response
from ..scoring import gaps as gap_model
from ..scoring.ability import ItemParams
from ..scoring.adaptive import AdaptiveItem, AdaptiveState, SkillTarget, select_next, stop_reason
from ..scoring.fixed_form import Candidate, Groups, draw_from_groups, group_candidates
from ..scoring.posterior import JointPosterior
from ..scoring.profile import basis, faded_observations
from .behaviours import Behaviour, behaviour_of
from .profile import calibrated_params, calibrations_for, earlier_answers, observation, own_answers, skill_areas
from .settings import ScoringSettings, scoring_settings

if TYPE_CHECKING:  # the question page's plain read of a slot; importing it here would be circular
    from ..hotpath.attempt_page import PageAttempt, ShownSlot


# mutmut (docs/mutation.md) mutates only the answering section below: its tests are the answer-saving ones.
# pragma: no mutate start
class AttemptClosed(AttemptError):
    """The attempt was submitted; its answers can no longer change."""


class EmptyForm(AttemptError):
    """No questions are available for the assessment's skills (the bank is not imported)."""


# --- starting --------------------------------------------------------------------------------

class LiveVersion(NamedTuple):
    id: int
    primary: str        # the first of its skills that the start asked for
    difficulty: int
    question_id: str


def live_versions(skills: set[str]) -> list[LiveVersion]:
    """The current version of every live question on these skills, by version id. The skill filter is in
    SQL, on question_skill's index: a start reads its own skills' versions, never the whole bank's, and
    decodes a version's skills list only when it has several of the asked skills (to find the first)."""
    if not skills:
        return []
    rows = db.session.execute(
        select(QuestionSkill.version_id, QuestionSkill.skill_id, QuestionVersion.difficulty, QuestionVersion.question_id)
        .join(QuestionVersion, QuestionVersion.id == QuestionSkill.version_id)
        .join(Question, Question.current_version_id == QuestionSkill.version_id)
        .where(Question.retired.is_(False), QuestionSkill.skill_id.in_(sorted(skills)))
        .order_by(QuestionSkill.version_id)
    ).all()
    found: dict[int, LiveVersion] = {}
    several = []
    for version_id, skill_id, difficulty, question_id in rows:
        if version_id in found:
            several.append(version_id)
        else:
            found[version_id] = LiveVersion(version_id, skill_id, difficulty, question_id)
    if several:
        listed = db.session.execute(select(QuestionVersion.id, QuestionVersion.skills)
                                    .where(QuestionVersion.id.in_(several))).all()
        for version_id, version_skills in listed:
            first = found[version_id]
            found[version_id] = first._replace(primary=next((s for s in version_skills if s in skills), first.primary))
    return list(found.values())


def slot_values(position: int, version_id: int, definition: dict, rng: random.Random,
                reason: str | None = None) -> dict:
    """An attempt slot's columns for a version, with its choice order and variant drawn now and stored."""
    order = get_question_type(definition["type"]).shuffled_order(definition, rng)
    variant = None
    if definition.get("variants"):
        variant = rng.randrange(len(definition["variants"]))
    return {"position": position, "version_id": version_id, "choice_order": order, "variant": variant,
            "reason": reason}


def new_attempt_item(position: int, version_id: int, definition: dict, rng: random.Random,
                     reason: str | None = None) -> AttemptItem:
    """An attempt slot for a version (slot_values), as an object to append to the attempt's items."""
    return AttemptItem(**slot_values(position, version_id, definition, rng, reason))


def read_definitions(version_ids: list[int]) -> dict[int, dict]:
    """The definitions of the versions a new attempt asks (its choice orders and variants are drawn from
    them): those columns of those rows only, in one SELECT."""
    return dict(db.session.execute(select(QuestionVersion.id, QuestionVersion.definition)
                                   .where(QuestionVersion.id.in_(version_ids))).all())


def insert_with_slots(attempt: Attempt, slots: list[dict]) -> None:
    """Store a new attempt and its slots (slot_values) and commit: the slots in one bulk INSERT, without
    an ORM object each (a form has dozens). The attempt's `items` load from the database when read.

    The commit leaves the loaded objects as they are: the caller reads the attempt's public id right
    after (the redirect), which would otherwise read back the row just written, in a new transaction."""
    session = db.session()
    session.add(attempt)
    session.flush()  # the attempt's id, for its slots
    # the table, not the mapped class: a Core INSERT of many rows, without the ORM's bulk layer
    session.execute(insert(AttemptItem.__table__), [{**slot, "attempt_id": attempt.id} for slot in slots])
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


# per database engine: a start's skills → (bank revision, their live versions grouped for the fixed form)
_FORM_GROUPS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def form_groups(skills: frozenset[str]) -> Groups:
    """The fixed-form candidates of these skills, read once per bank revision (bank/revision.py): the live
    versions change only on import, so a start reads one stored token, not its skills' thousands of rows."""
    revision = bank_revision(db.session)
    kept = _FORM_GROUPS.setdefault(db.engine, {})
    found = kept.get(skills)
    if found is not None and revision is not None and found[0] == revision:
        return found[1]
    groups = group_candidates(Candidate(v.id, v.primary, v.difficulty) for v in live_versions(set(skills)))
    if revision is not None:  # no token yet (no import since it was added): read again next time
        kept[skills] = (revision, groups)
    return groups


def start_attempt(assessment: Assessment, role: Role, behaviour: Behaviour, user_id: int | None,
                  guest_token: str | None) -> Attempt:
    """Create an attempt: a fixed form drawn and stored now, or (adaptive) its first question."""
    rng = random.Random(secrets.randbits(32))
    attempt = Attempt(public_id=secrets.token_urlsafe(12), user_id=user_id, guest_token=None if user_id else guest_token,
                      assessment_id=assessment.id, role_id=role.id, question_count=assessment.question_count,
                      **behaviour.stored)
    attempt.assessment, attempt.role = assessment, role
    if assessment.time_limit:
        attempt.deadline = utcnow() + timedelta(minutes=assessment.time_limit)
    if behaviour.chooses_next_question:
        db.session.add(attempt)
        if not extend_adaptive(attempt):
            db.session.rollback()
            raise EmptyForm(assessment.id)
        return attempt
    chosen = draw_from_groups(form_groups(frozenset(assessment.skills)), assessment.question_count, rng)
    if not chosen:
        raise EmptyForm(assessment.id)
    definitions = read_definitions([c.key for c in chosen])
    remember_definition(chosen[0].key, definitions[chosen[0].key])  # the question page the start redirects to
    attempt.question_count = len(chosen)
    insert_with_slots(attempt, [slot_values(position, c.key, definitions[c.key], rng)
                                for position, c in enumerate(chosen, start=1)])
    return attempt


# --- adaptive --------------------------------------------------------------------------------

RECENT_ATTEMPTS = 3  # items seen in this many earlier attempts are avoided while others remain


def adaptive_state(attempt: Attempt, settings: ScoringSettings) -> AdaptiveState:
    """Rebuild the selection state from the saved answers (so it survives restarts), starting from the
    learner's profile: their earlier sittings' answers, faded by age."""
    skills = list(attempt.assessment.skills)
    pool, names, areas, live = item_pool(tuple(skills))
    targets = {sid: SkillTarget(t.theta, t.weight, names.get(sid, sid)) for sid, t in role_targets(attempt.role, skills).items()}
    posterior = JointPosterior(skills, settings.rho, areas, settings.rho_area)
    earlier: dict[str, int] = {}
    now = utcnow()
    for sid, observations in faded_observations(earlier_answers(attempt, now), now, settings.half_life_days).items():
        for o in observations:
            posterior.update(sid, o)
        earlier[sid] = len(observations)
    history = []  # in the order asked: the content rules (the share of choice items, runs) read it
    for item in attempt.items:
        asked = live.get(item.version_id) or _retired_item(item.version_id, item.definition, skills)
        history.append(asked)
        if item.credit is not None:
            for sid in item.definition["skills"]:
                posterior.update(sid, observation(asked.params, item))
    return AdaptiveState(posterior, targets, pool, used={i.version_id for i in attempt.items},
                         recent=_recently_seen(attempt), asked=len(attempt.items), history=history, earlier=earlier)


def _retired_item(version_id: int, definition: dict, skills: list[str]) -> AdaptiveItem:
    """An asked version no longer live (retired or replaced since): its label's parameters, its format."""
    primary = next((s for s in definition["skills"] if s in skills), definition["skills"][0])
    return AdaptiveItem(version_id, primary, calibrated_params(definition),
                        get_question_type(definition["type"]).free_entry)


# per database engine: skills → (bank stamp, pool); the bank changes only on import or calibration
_POOLS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
# per database engine: version id → (day-one parameters, free entry); a version never changes, so a pool
# rebuilt after an import or a calibration reads only the definitions of versions it has not seen
_DAY_ONE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
# one object per distinct day-one parameters: selection computes each object's information once
_LABELS: dict[ItemParams, ItemParams] = {}


def item_pool(skills: tuple[str, ...]) -> tuple[dict[str, list[AdaptiveItem]], dict[str, str], dict[str, str],
                                                 dict[int, AdaptiveItem]]:
    """The live items of these skills with their 3PL parameters (and every skill's name and area, and the
    items by version id), rebuilt only when the bank changes."""
    stamp = tuple(db.session.execute(select(
        select(func.max(QuestionVersion.id)).scalar_subquery(),
        select(func.count()).select_from(Question).where(Question.retired.is_(True)).scalar_subquery(),
        select(func.max(ItemCalibration.fitted_at)).scalar_subquery(),
        select(func.count()).select_from(ItemCalibration).scalar_subquery(),
        # an import that retires one question and restores another changes neither count nor newest id
        STORED_REVISION.scalar_subquery())).one()) + (
        current_app.config["CALIBRATION_MIN_RESPONSES"],)
    pools = _POOLS.setdefault(db.engine, {})
    cached = pools.get(skills)
    if cached and cached[0] == stamp:
        return cached[1]
    live = live_versions(set(skills))
    # the skills' versions as a subquery, not thousands of bound ids
    on_skills = select(QuestionSkill.version_id).where(QuestionSkill.skill_id.in_(sorted(skills)))
    calibrations = calibrations_for(on_skills)
    day_one = _DAY_ONE.setdefault(db.engine, {})
    unseen = [v.id for v in live if v.id not in day_one]
    if unseen:
        ids = (on_skills.join(Question, Question.current_version_id == QuestionSkill.version_id)
               .where(Question.retired.is_(False))) if len(unseen) == len(live) else unseen
        for version_id, definition in db.session.execute(select(QuestionVersion.id, QuestionVersion.definition)
                                                         .where(QuestionVersion.id.in_(ids))):
            labelled = calibrated_params(definition)
            day_one[version_id] = (_LABELS.setdefault(labelled, labelled), get_question_type(definition["type"]).free_entry)
    pool: dict[str, list[AdaptiveItem]] = {sid: [] for sid in skills}
    for v in live:
        labelled, free_entry = day_one[v.id]
        fitted = calibrations.get(v.id)
        params = ItemParams(fitted["a"], fitted["b"], fitted["c"]) if fitted else labelled
        pool[v.primary].append(AdaptiveItem(v.id, v.primary, params, free_entry))
    rows = db.session.execute(select(Skill.id, Skill.name, Skill.area)).all()
    names, areas = {sid: name for sid, name, _ in rows}, {sid: area for sid, _, area in rows}
    by_key = {item.key: item for items in pool.values() for item in items}
    pools[skills] = (stamp, (pool, names, areas, by_key))
    return pool, names, areas, by_key


def _recently_seen(attempt: Attempt) -> set[int]:
    if attempt.user_id is None and attempt.guest_token is None:
        return set()
    owner = Attempt.owned_by(attempt.user_id, attempt.guest_token)
    earlier = select(Attempt.id).where(owner, Attempt.id != attempt.id).order_by(Attempt.started_at.desc()) \
        .limit(RECENT_ATTEMPTS)
    return set(db.session.scalars(select(AttemptItem.version_id).where(AttemptItem.attempt_id.in_(earlier))))


def extend_adaptive(attempt: Attempt) -> bool:
    """Append the next adaptive question (True), or report that the attempt should stop (False)."""
    settings = scoring_settings()
    state = adaptive_state(attempt, settings)
    focus = attempt.focus_skill if attempt.focus_remaining else None
    rng = random.Random(f"{attempt.public_id}:{len(attempt.items)}")
    selection_settings = settings.adaptive(attempt.question_count, len(state.targets))
    selection = select_next(state, selection_settings, rng, only_skill=focus)
    if selection is None:
        if focus is None:
            attempt.stop_reason = stop_reason(state, selection_settings)
        attempt.focus_skill, attempt.focus_remaining = None, 0
        db.session.commit()
        return False
    version = db.session.get(QuestionVersion, selection.item.key)
    attempt.stop_reason = None
    attempt.items.append(new_attempt_item(len(attempt.items) + 1, version.id, version.definition, rng, selection.reason))
    if focus:
        attempt.focus_remaining -= 1
        attempt.question_count += 1
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent request already added this position: keep theirs
        db.session.rollback()
    return True


# pragma: no mutate end
# --- answering -------------------------------------------------------------------------------

MAX_SECONDS_PER_VISIT = 15 * 60  # a tab left open overnight is not time on task


def _shown_signer() -> TimestampSigner:
    signer = current_app.extensions.get("quizapp.shown_signer")
    if signer is None:
        signer = current_app.extensions["quizapp.shown_signer"] = TimestampSigner(
            current_app.secret_key, salt="quizapp.question-shown")
    return signer


def shown_stamp(slot_id: int) -> str:
    """The question page's record of when the server showed this slot: the slot and the server's clock,
    signed with the app's secret, so the answer post can carry it back but not change it."""
    return _shown_signer().sign(str(slot_id)).decode()


def shown_time(stamp: str | None, slot_id: int) -> datetime | None:
    """When the server showed this slot, from a stamp it signed (shown_stamp); None for a missing,
    altered or other slot's stamp (no time is counted then)."""
    if not stamp:
        return None
    try:
        value, when = _shown_signer().unsign(stamp.encode(), return_timestamp=True)
    except (BadSignature, UnicodeError):
        return None
    if value.decode() != str(slot_id):
        return None
    return when.astimezone(timezone.utc).replace(tzinfo=None)


def time_on_task(shown_at: datetime | None, timed_until: datetime | None, now: datetime) -> float | None:
    """Seconds to add for one visit: from when the server showed the slot (or the end of the time already
    counted, if later) to now, at most MAX_SECONDS_PER_VISIT; None when the visit has no server stamp."""
    if shown_at is None:
        return None
    start = max(shown_at, timed_until) if timed_until else shown_at
    return min(max((now - start).total_seconds(), 0.0), MAX_SECONDS_PER_VISIT)


# Parameter names differ from column names: SQLAlchemy reserves those for an UPDATE's own SET values.
# The attempt must still be open, and it remembers the slot as the place to resume: in a
# data-modifying CTE, so that saving an answer is one statement (PostgreSQL). The UPDATE of the
# attempt also takes its row lock, so an answer waits for a submit in progress and then sees it.
_OPEN_ATTEMPT = (update(Attempt.__table__).where(Attempt.id == bindparam("the_attempt"), Attempt.status != "submitted")
                 .values(last_position=bindparam("new_position")).returning(Attempt.id).cte("open_attempt"))
# SQLite has no UPDATE in a CTE: there, the open check is a subquery and the position a second UPDATE
# in the same transaction.
_ATTEMPT_OPEN = (select(Attempt.id).where(Attempt.id == bindparam("the_attempt"), Attempt.status != "submitted")
                 .exists())
_MOVE_LAST_POSITION = (update(Attempt.__table__).where(Attempt.id == bindparam("the_attempt"))
                       .values(last_position=bindparam("new_position")))
# Whether an answer post's one-time token is stored on its slot, i.e. the answer it carried is in
# (reads.write_alone asks this when the connection was lost mid-UPDATE).
_TOKEN_STORED = select(AttemptItem.id).where(AttemptItem.id == bindparam("the_slot"),
                                             AttemptItem.last_token == bindparam("the_token"))
# Why an UPDATE changed nothing (read only then): the attempt closed, or the slot's key was shown meanwhile.
_WHY_REFUSED = (select(Attempt.status, AttemptItem.key_shown_at).join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
                .where(AttemptItem.id == bindparam("the_slot")))


@functools.cache
def _slot_update(columns: frozenset[str], one_statement: bool):
    """UPDATE of these slot columns while the attempt is open (and, when it changes the answer, while the
    slot's key has not been shown: in the same statement, so a concurrent "Check answer" or submit cannot
    slip between the read and the write); built once per column set (there are a few)."""
    while_open = AttemptItem.attempt_id.in_(select(_OPEN_ATTEMPT.c.id)) if one_statement else _ATTEMPT_OPEN
    conditions = [AttemptItem.id == bindparam("the_slot"), while_open]
    if columns.intersection(ANSWER_COLUMNS):
        conditions.append(AttemptItem.key_shown_at.is_(None))
    return update(AttemptItem.__table__).where(*conditions).values({name: bindparam(f"new_{name}") for name in columns})


# Sent once an answer (not a flag alone, not a cleared answer) is committed; the xAPI statements listen.
answer_saved = Namespace().signal("answer-saved")


def save_answer(attempt: PageAttempt, slot: ShownSlot, response: dict | None, flagged: bool, *, token: str | None,
                check: bool = False, shown_at: datetime | None = None, confidence: str | None = None) -> None:
    """Store (and grade) a response with one UPDATE of the slot, read as plain values (hotpath/attempt_page.py).

    An answer whose key was shown is final (AnswerFinal if this would change it; `response` None then
    means "no answer posted" and keeps it). `check` makes this answer final too: in practice it shows the
    key, so the slot is locked; in an adaptive attempt the next question is chosen from it. The UPDATE
    applies only while the attempt is open, so an answer racing a submit is either in the scored attempt
    or refused with AttemptClosed, never lost silently. `shown_at` is when the server showed the slot
    (shown_time); the time on task is measured from it. It commits before it returns.
    """
    if attempt.submitted:
        raise AttemptClosed(attempt.public_id)
    now = utcnow()
    values = {"flagged": flagged, "last_token": token}
    seconds = time_on_task(shown_at, slot.timed_until, now)
    if seconds is not None:
        # never moved back: a worker whose clock is behind must not make counted seconds count again
        values.update(seconds=slot.seconds + seconds, timed_until=max(now, slot.timed_until or now))
    if slot.final:
        if (response is not None and response != slot.response) or (confidence and confidence != slot.confidence):
            raise AnswerFinal(slot.id)
    else:
        values["response"] = response
        if response is None:
            values.update(credit=None, state="unanswered", answered_at=None)
        else:
            grade = grade_response(slot.definition, response)  # "I don't know" too
            values.update(credit=grade.fraction, state=grade.state, answered_at=now)
        if check:
            values["checked"] = True
            if behaviour_of(attempt).shows_key_on_check:  # the page now shows the key and explanation
                values["key_shown_at"] = now
        values["confidence"] = confidence or None
    params = {**{f"new_{name}": value for name, value in values.items()},
              "the_slot": slot.id, "the_attempt": attempt.id, "new_position": slot.position}
    if db.engine.dialect.name != "sqlite":
        # If the connection drops mid-UPDATE, the token on the slot says whether it committed: a
        # restarted server costs the learner nothing, and the answer is not written twice.
        stored = (lambda: bool(read_rows(_TOKEN_STORED, {"the_slot": slot.id, "the_token": token}))) if token else None
        if not write_alone(_slot_update(frozenset(values), True), params, stored):
            _refused(attempt, slot)
    else:
        connection = db.session.connection()
        if not connection.execute(_slot_update(frozenset(values), False), params).rowcount:
            db.session.rollback()
            _refused(attempt, slot)
        if attempt.last_position != slot.position:
            connection.execute(_MOVE_LAST_POSITION, params)
        db.session.commit()
    if values.get("response") is not None and answer_saved.receivers:
        answer_saved.send(attempt, slot_id=slot.id)  # committed: receivers (xapi/hooks.py) read the stored answer


def _refused(attempt: PageAttempt, slot: ShownSlot):
    """Raise why the slot's UPDATE changed nothing: the attempt was submitted, or the key was shown meanwhile."""
    rows = read_rows(_WHY_REFUSED, {"the_slot": slot.id})
    if rows and rows[0].status != "submitted" and rows[0].key_shown_at is not None:
        raise AnswerFinal(slot.id)
    raise AttemptClosed(attempt.public_id)


# pragma: no mutate block
def show_keys(attempt_id: int, now: datetime | None = None) -> None:
    """Record that every slot of the attempt has had its key shown (its report): those answers are final.
    In the caller's transaction."""
    db.session.execute(update(AttemptItem).where(AttemptItem.attempt_id == attempt_id,
                                                 AttemptItem.key_shown_at.is_(None))
                       .values(key_shown_at=now or utcnow()))


# --- submitting ------------------------------------------------------------------------------

def role_targets(role: Role, skill_ids: list[str]) -> dict[str, gap_model.Target]:
    """The role's targets for the assessed skills; a skill the role does not list gets level 3."""
    targets = {}
    for sid in skill_ids:
        spec = role.targets.get(sid, {"level": 3})
        targets[sid] = gap_model.Target(spec["level"], spec.get("weight", 1.0), spec.get("mastery_p", 0.5))
    return targets


def assessed_skills(attempt: Attempt) -> list[str]:
    """The skills the report covers: all of an adaptive assessment's, or those the form measures."""
    measured = {sid for item in attempt.items for sid in item.version.definition["skills"]}
    if behaviour_of(attempt).chooses_next_question:
        measured |= set(attempt.assessment.skills)
    order = {sid: i for i, sid in enumerate(attempt.assessment.skills)}
    return sorted(measured, key=lambda s: (order.get(s, len(order)), s))


# Sent with the attempt once submit_attempt has committed its results (the LTI tool sends the score back).
attempt_submitted = Namespace().signal("attempt-submitted")


def submit_attempt(attempt: Attempt) -> bool:
    """Score and close the attempt exactly once; False when it was already submitted."""
    settings = scoring_settings()  # read before the claim below, which locks the attempt's row until the commit
    now = utcnow()
    claimed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.status == "in_progress")
        .values(status="submitted", submitted_at=now)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    show_keys(attempt.id, now)  # the report shows every slot's key: from now on no answer of it changes
    targets = role_targets(attempt.role, assessed_skills(attempt))
    answers = earlier_answers(attempt, now) + own_answers(attempt.items, now)
    results, areas = gap_model.analyse_all(faded_observations(answers, now, settings.half_life_days), targets,
                                           settings.gap_threshold, settings.no_gap_threshold, settings.rho,
                                           skill_areas(), settings.rho_area)
    rests_on = basis(answers, attempt.id)
    for r in results:
        e, b = r.estimate, rests_on.get(r.skill_id)
        db.session.add(SkillResult(attempt_id=attempt.id, skill_id=r.skill_id, theta=e.theta, sd=e.sd, p_gap=e.p_gap,
                                   shortfall=e.shortfall, target=e.target, status=r.status, n_items=e.n_items,
                                   this_sitting=b.this_sitting if b else 0, sittings=len(b.sittings) if b else 0))
    for a in areas:
        e = a.estimate
        db.session.add(AreaResult(attempt_id=attempt.id, area=a.area, theta=e.theta, sd=e.sd, p_gap=e.p_gap,
                                  target=e.target, status=a.status, n_items=e.n_items))
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent submit already stored the results
        db.session.rollback()
        return False
    db.session.refresh(attempt)
    attempt_submitted.send(attempt)  # after the commit: receivers (lti/grades.py) read the stored attempt
    return True


MORE_QUESTIONS = 3


def close_expired(attempts) -> int:
    """Submit every attempt whose time is up, with the answers saved so far (as Moodle does)."""
    closed = 0
    for attempt in attempts:
        if attempt.expired:
            load_attempt_items(attempt)
            closed += submit_attempt(attempt)
    return closed


def reopen_attempt(attempt: Attempt) -> None:
    """Let a submitted adaptive attempt continue: its results are recomputed at the next submit. Only new
    slots take answers: every slot there is had its key on the report, so it stays final."""
    if attempt.submitted:
        show_keys(attempt.id, attempt.submitted_at)  # already so since submit_attempt; older attempts too
        for result in [*attempt.results, *attempt.area_results]:
            db.session.delete(result)
        attempt.status, attempt.submitted_at = "in_progress", None
        db.session.flush()


def load_attempt_items(attempt: Attempt) -> list[AttemptItem]:
    """All items with their versions in one query (for overview, review and scoring)."""
    return list(db.session.scalars(
        select(AttemptItem).options(joinedload(AttemptItem.version))
        .where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)))
