"""One slot of an attempt, read in one statement: the attempt, its assessment's name, the state of
every slot (the navigation list) and the full slot being shown or answered.

The question page and the answer POST are the app's most frequent requests (bench/throughput.py),
so they read plain rows, not ORM objects, on an autocommit connection (reads.read_rows); the POST
then writes with one UPDATE (attempts.save_answer). Only the shown slot's answer columns are
selected (CASE on the position); the other slots contribute their position, state and flag. The
POST shows no list, so it reads the shown slot's row alone, with the number of slots
(get_own_answer_slot).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, case, func, select

from ..models import Assessment, Attempt, AttemptItem, AttemptStatus, User
from .definitions import slot_definition
from .identity import ACCOUNT_COLUMNS, claimed_user_id, guest_token, offer_account
from .reads import read_rows


@dataclass(frozen=True)
class PageAttempt(AttemptStatus):
    id: int
    public_id: str
    mode: str
    status: str
    adaptive: bool
    deadline: datetime | None
    question_count: int
    assessment_name: str
    last_position: int


@dataclass(frozen=True)
class NavEntry:
    """One slot in the question list beside the question."""

    position: int
    answered: bool
    flagged: bool


@dataclass(frozen=True)
class ShownSlot:
    position: int
    state: str
    flagged: bool
    id: int
    version_id: int
    variant: int | None
    choice_order: list[int] | None
    response: dict | None
    checked: bool
    confidence: str | None
    reason: str | None
    last_token: str | None  # the answer form last applied (a repeat of it is a no-op)
    seconds: float          # time on this question so far
    key_shown_at: datetime | None = None  # set: the learner saw the key, so the answer is final
    timed_until: datetime | None = None   # time on task is counted up to here

    @property
    def final(self) -> bool:
        """The key was shown (practice feedback or the report): the answer can no longer change."""
        return self.key_shown_at is not None

    @property
    def definition(self) -> dict:
        return slot_definition(self.version_id, self.variant)


# The columns come from the dataclasses' fields, named as on the models: a field added there is read.
# Every row carries the attempt and the slot's place in the list; the shown slot's row its answer too.
_RENAMED = {"id": Attempt.id.label("attempt_id"), "assessment_name": Assessment.name.label("assessment_name")}
_ATTEMPT_COLUMNS = tuple(_RENAMED[f.name] if f.name in _RENAMED else getattr(Attempt, f.name) for f in fields(PageAttempt))
_LIST_FIELDS = ("position", "state", "flagged")  # what the question list shows of every slot
_LIST_COLUMNS = tuple(getattr(AttemptItem, name) for name in _LIST_FIELDS)
_SHOWN_COLUMNS = tuple(getattr(AttemptItem, f.name) for f in fields(ShownSlot) if f.name not in _LIST_FIELDS)
_SLOT_FIELDS = tuple(f.name for f in fields(ShownSlot))
_SECONDS = _SLOT_FIELDS.index("seconds")
_SHOWN = AttemptItem.position == bindparam("position")


def _shown_only(column):
    """The column's value on the shown slot's row, NULL on the others."""
    return case((_SHOWN, column)).label(column.key)


def _of_attempt(statement):
    return (statement.join_from(Attempt, Assessment, Attempt.assessment_id == Assessment.id)
            .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
            .where(Attempt.public_id == bindparam("public_id")))


def _owned(statement):
    """The statement for a signed-in owner and for a guest (Attempt.owned_by, the rule access.py uses
    too), with the owner as a parameter, so each is built once. A signed-in learner's rows also carry
    their account, for the login check (identity.offer_account)."""
    return (statement.add_columns(*ACCOUNT_COLUMNS).join(User, User.id == Attempt.user_id)
            .where(Attempt.owned_by(bindparam("user_id"), None)),
            statement.where(Attempt.owned_by(None, bindparam("guest_token"))))


# Every slot, ordered: the page with its question list.
_PAGE_FOR_USER, _PAGE_FOR_GUEST = _owned(_of_attempt(
    select(*_ATTEMPT_COLUMNS, *_LIST_COLUMNS, *(_shown_only(c) for c in _SHOWN_COLUMNS))).order_by(AttemptItem.position))
# The shown slot's row alone, and how many slots there are: an answer post.
_SLOTS = (select(func.count()).where(AttemptItem.attempt_id == Attempt.id).correlate(Attempt)
          .scalar_subquery().label("slots"))
_ANSWER_FOR_USER, _ANSWER_FOR_GUEST = _owned(_of_attempt(
    select(*_ATTEMPT_COLUMNS, *_LIST_COLUMNS, *_SHOWN_COLUMNS, _SLOTS)).where(_SHOWN))


@dataclass(frozen=True)
class QuestionPage:
    attempt: PageAttempt
    slot: ShownSlot
    nav: list[NavEntry]  # empty when read for an answer post (get_own_answer_slot)
    slots: int           # how many slots the attempt has

    @property
    def answered(self) -> int:
        return sum(n.answered for n in self.nav)


def get_own_page(public_id: str, position: int) -> QuestionPage:
    """The page for slot `position` of an attempt the visitor owns, or 404 (as access.get_own_*)."""
    rows = _own_rows(_PAGE_FOR_USER, _PAGE_FOR_GUEST, public_id, position)
    shown = next((r for r in rows if r.position == position), None)
    if shown is None:
        abort(404)
    nav = [NavEntry(r.position, r.state != "unanswered", r.flagged) for r in rows]
    return QuestionPage(_attempt(rows[0]), _slot(shown), nav, len(nav))


def get_own_answer_slot(public_id: str, position: int) -> QuestionPage:
    """What an answer post needs: slot `position` of an attempt the visitor owns (or 404), without the
    question list. A post that must show the page again (a 400) reads it with get_own_page."""
    rows = _own_rows(_ANSWER_FOR_USER, _ANSWER_FOR_GUEST, public_id, position)
    if not rows:
        abort(404)
    return QuestionPage(_attempt(rows[0]), _slot(rows[0]), [], rows[0].slots)


def _own_rows(for_user, for_guest, public_id: str, position: int) -> list:
    claimed, rows = claimed_user_id(), []
    if claimed is not None:  # read before Flask-Login loads the user, so one statement serves both
        rows = read_rows(for_user, {"public_id": public_id, "position": position, "user_id": claimed})
        if rows:
            offer_account(claimed, rows[0])
    if current_user.is_authenticated:
        if current_user.id != claimed:  # signed in some other way (the remember-me cookie)
            rows = read_rows(for_user, {"public_id": public_id, "position": position, "user_id": current_user.id})
    else:
        token = guest_token()
        params = {"public_id": public_id, "position": position, "guest_token": token}
        rows = read_rows(for_guest, params) if token else []
    return rows


def _attempt(row) -> PageAttempt:
    return PageAttempt(*(getattr(row, column.key) for column in _ATTEMPT_COLUMNS))  # in field order


def _slot(row) -> ShownSlot:
    values = [getattr(row, name) for name in _SLOT_FIELDS]
    values[_SECONDS] = values[_SECONDS] or 0.0
    return ShownSlot(*values)
