"""SQLAlchemy models: accounts, the imported bank (versioned), attempts and their results."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    false,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .bank.params import resolve
from .exceptions import AttemptError
from .extensions import db

# Roles that manage banks, statistics and cohorts.
INSTRUCTOR_ROLES = ("instructor", "admin")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default="learner")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Part of the login cookie; changing it (on logout) makes every copy of an old cookie worthless.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16),
                                               server_default="initial")
    # When the person showed they read this address (the emailed link); None until then. Self-registered
    # accounts start unconfirmed and cannot log in with their password until confirmed (auth/routes.py);
    # accounts made by the CLI or an admin, and those from before confirmation existed, count as confirmed.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set by an admin (auth/admin.py): a disabled account cannot log in; its sessions were revoked.
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The keys of the browsers signed in now (LoginSession.key), space-separated. Read with the account
    # on every request (hotpath/identity.py), so checking a cookie's own session costs no extra query.
    session_keys: Mapped[str] = mapped_column(String(400), default="", server_default="")
    # The role the start page proposes to this learner (the account page); None: each assessment's own.
    default_role_id: Mapped[str | None] = mapped_column(ForeignKey("role.id", ondelete="SET NULL"))
    default_role: Mapped[Role | None] = relationship()
    login_sessions: Mapped[list[LoginSession]] = relationship(back_populates="user", cascade="all, delete-orphan")
    # The key of the session being signed in now (auth/sessions.py sets it before login_user).
    login_key = ""

    ROLES = ("learner", "instructor", "admin")

    def __init__(self, **kwargs):
        # Confirmed unless the caller says otherwise (registration passes email_verified_at=None): a
        # column default would also replace an explicit None.
        kwargs.setdefault("email_verified_at", utcnow())
        super().__init__(**kwargs)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}:{self.login_key}"

    def revoke_sessions(self) -> None:
        """Log out everywhere: cookies carrying the old token or any of today's keys no longer load this user."""
        self.session_token = secrets.token_hex(16)
        self.session_keys = ""
        self.login_sessions.clear()

    @property
    def is_instructor(self) -> bool:
        """Instructors and admins manage banks, statistics and cohorts."""
        return self.role in INSTRUCTOR_ROLES

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_verified(self) -> bool:
        """Whether the address was confirmed (or the account predates confirmation)."""
        return self.email_verified_at is not None


class LoginSession(db.Model):
    """One browser signed in to an account, for the account page's list: revoking it removes its key
    from User.session_keys, which is what the login check reads."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    remembered: Mapped[bool] = mapped_column(Boolean, default=False)
    user: Mapped[User] = relationship(back_populates="login_sessions")


class AuditEntry(db.Model):
    """Who changed what about an account in the admin pages (a role, disabled or enabled): kept when
    either account is deleted, with the emails as they were."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_email: Mapped[str] = mapped_column(String(254))
    target_email: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(20))  # role | disable | enable
    detail: Mapped[str] = mapped_column(String(200), default="")


# --- the bank: taxonomy and catalogue -------------------------------------------------------

class Skill(db.Model):
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    area: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    prerequisites: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Role(db.Model):
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # {skill_id: {"level": int, "weight": float, "mastery_p": float}}
    targets: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Course(db.Model):
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(500))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    level: Mapped[str] = mapped_column(String(20))
    hours: Mapped[float] = mapped_column(Float)
    cost: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Project(db.Model):
    """A portfolio project the report can suggest (it exercises several skills)."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list] = mapped_column(JSON, default=list)
    level: Mapped[str] = mapped_column(String(20))
    hours: Mapped[float] = mapped_column(Float)
    url: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Assessment(db.Model):
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    role_id: Mapped[str] = mapped_column(ForeignKey("role.id"))
    mode: Mapped[str] = mapped_column(String(20))
    question_count: Mapped[int] = mapped_column(Integer)
    skills: Mapped[list] = mapped_column(JSON, default=list)  # resolved skill ids
    time_limit: Mapped[int | None] = mapped_column(Integer)  # minutes; enforced on the server
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


# --- the bank: versioned questions ----------------------------------------------------------

class Question(db.Model):
    """A stable question id; its content lives in versions, the newest being current."""

    # The live current versions, from the index alone: what a start joins its skills' versions with.
    __table_args__ = (Index("ix_question_current_version_id_retired", "current_version_id", "retired"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    source_path: Mapped[str] = mapped_column(String(300), default="")

    current_version: Mapped["QuestionVersion | None"] = relationship(foreign_keys=[current_version_id], post_update=True)


class QuestionVersion(db.Model):
    """One immutable revision of a question; attempts point here, never at the question."""

    __table_args__ = (UniqueConstraint("question_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("question.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    qtype: Mapped[str] = mapped_column(String(20))
    difficulty: Mapped[int] = mapped_column(Integer)
    skills: Mapped[list] = mapped_column(JSON)
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class QuestionSkill(db.Model):
    """Which skills a version measures (for drawing forms by skill)."""

    # A start's skills → their versions from the index alone (attempts.lifecycle.live_versions).
    __table_args__ = (Index("ix_question_skill_skill_id_version_id", "skill_id", "version_id"),)

    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), primary_key=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skill.id"), primary_key=True)


# --- attempts -------------------------------------------------------------------------------

class AttemptStatus:
    """Whether an attempt still takes answers: shared by the Attempt model and the question page's
    plain read of it (hotpath/attempt_page.py). Needs `status` and `deadline`."""

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    @property
    def expired(self) -> bool:
        return self.deadline is not None and not self.submitted and utcnow() >= self.deadline


class Attempt(AttemptStatus, db.Model):
    # The submitted attempts of one assessment: what the report's percentiles rank (reports/percentiles.py).
    # The item statistics count the attempts submitted since their last refresh (instructor/statistics.py).
    __table_args__ = (Index("ix_attempt_assessment_id_status", "assessment_id", "status"),
                      Index("ix_attempt_status_submitted_at", "status", "submitted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    guest_token: Mapped[str | None] = mapped_column(String(64), index=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id"))
    role_id: Mapped[str] = mapped_column(ForeignKey("role.id"))
    mode: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_position: Mapped[int] = mapped_column(Integer, default=1)
    question_count: Mapped[int] = mapped_column(Integer)  # the form's length, or the adaptive length limit
    adaptive: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    focus_skill: Mapped[str | None] = mapped_column(String(64))  # "3 more questions on X"
    focus_remaining: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    deadline: Mapped[datetime | None] = mapped_column(DateTime)  # timed assessments: submitted automatically after
    stop_reason: Mapped[str | None] = mapped_column(Text)  # adaptive: why it stopped, in the learner's words

    assessment: Mapped[Assessment] = relationship()
    role: Mapped[Role] = relationship()
    items: Mapped[list["AttemptItem"]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan")
    results: Mapped[list["SkillResult"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan")
    area_results: Mapped[list["AreaResult"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan")

    @classmethod
    def owned_by(cls, user_id, guest_token):
        """The one ownership rule: a signed-in learner's attempts, or the attempts a guest browser started
        that no account has claimed yet. Either argument may be a value or a bindparam; with neither
        (a visitor with no guest cookie) it matches nothing."""
        if user_id is not None:
            return cls.user_id == user_id
        if guest_token is None:
            return false()
        return and_(cls.user_id.is_(None), cls.guest_token == guest_token)


class AttemptItem(db.Model):
    """One question slot of an attempt, with the version shown, its choice order and the answer."""

    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"))
    choice_order: Mapped[list | None] = mapped_column(JSON)
    variant: Mapped[int | None] = mapped_column(Integer)  # which parameter combination (if any)
    response: Mapped[dict | None] = mapped_column(JSON)
    credit: Mapped[float | None] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(20), default="unanswered")
    checked: Mapped[bool] = mapped_column(Boolean, default=False)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")  # time spent on this question, summed over visits
    reason: Mapped[str | None] = mapped_column(Text)  # adaptive: why this question was chosen
    last_token: Mapped[str | None] = mapped_column(String(64))  # the answer form last applied (repeats are no-ops)
    confidence: Mapped[str | None] = mapped_column(String(10))  # sure | unsure | guess, if the learner said
    # When the learner was first shown this slot's key and explanation (practice feedback, or the report of
    # the submitted attempt): from then on the answer is final (ANSWER_COLUMNS never change again).
    key_shown_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Time on task is counted up to here: a later answer post adds only time after it, so replaying an
    # old form never counts the same minutes twice (attempts.time_on_task).
    timed_until: Mapped[datetime | None] = mapped_column(DateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[QuestionVersion] = relationship()

    @property
    def definition(self) -> dict:
        """The question as this learner sees it: the version, with its variant's values filled in."""
        if "version" in self.__dict__ or self.version_id is None:  # already loaded, or not flushed yet
            return resolve(self.version.definition, self.variant)
        from .hotpath.definitions import slot_definition  # the per-worker cache, which reads through models

        return slot_definition(self.version_id, self.variant)


# What a learner answered on a slot: fixed once the slot's key was shown (key_shown_at).
ANSWER_COLUMNS = ("response", "credit", "state", "checked", "confidence")


class AnswerFinal(AttemptError):
    """The slot's key and explanation were shown to the learner, so its answer can no longer change."""


@event.listens_for(AttemptItem, "before_update")
def _refuse_changing_a_final_answer(mapper, connection, item: AttemptItem) -> None:
    """Any ORM write (a future path, a script) that would change an answer whose key was shown fails loudly.
    attempts.save_answer, which writes without the ORM, carries the same rule in its UPDATE's WHERE."""
    state = inspect(item)
    shown = state.attrs.key_shown_at.history
    if not (shown.deleted or shown.unchanged) or (shown.deleted or shown.unchanged)[0] is None:
        return  # the key had not been shown before this flush
    changed = [name for name in ANSWER_COLUMNS if state.attrs[name].history.has_changes()]
    if changed or shown.has_changes():
        raise AnswerFinal(f"slot {item.id}: {', '.join(changed) or 'key_shown_at'} cannot change once the key was shown")


class SkillResult(db.Model):
    """The learner's profile for one skill as of one submitted attempt (one row per skill, ever): every
    scored answer up to then, older ones faded (attempts/profile.py)."""

    # The index: a cohort's pages rank members' latest call per skill from it alone (instructor/cohorts.py).
    __table_args__ = (UniqueConstraint("attempt_id", "skill_id"),
                      Index("ix_skill_result_attempt_id_skill_id_status", "attempt_id", "skill_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skill.id"))
    theta: Mapped[float] = mapped_column(Float)
    sd: Mapped[float] = mapped_column(Float)
    p_gap: Mapped[float] = mapped_column(Float)
    shortfall: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    n_items: Mapped[int] = mapped_column(Integer)            # questions on the skill behind the call, all sittings
    this_sitting: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # of them, in this attempt
    sittings: Mapped[int] = mapped_column(Integer, default=1, server_default="1")      # attempts they came from

    attempt: Mapped[Attempt] = relationship(back_populates="results")


class AreaResult(db.Model):
    """The call for one area (math, Python, …) as of one submitted attempt: the role-weighted mean of its
    skills against the same mean of their targets (scoring.gaps.AreaGap)."""

    __table_args__ = (UniqueConstraint("attempt_id", "area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"), index=True)
    area: Mapped[str] = mapped_column(String(32))
    theta: Mapped[float] = mapped_column(Float)
    sd: Mapped[float] = mapped_column(Float)
    p_gap: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    n_items: Mapped[int] = mapped_column(Integer)

    attempt: Mapped[Attempt] = relationship(back_populates="area_results")


class ItemCalibration(db.Model):
    """3PL parameters fitted from stored responses for one question version (`quizapp calibrate`)."""

    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), primary_key=True)
    a: Mapped[float] = mapped_column(Float)
    b: Mapped[float] = mapped_column(Float)
    c: Mapped[float] = mapped_column(Float)
    responses: Mapped[int] = mapped_column(Integer)
    misfit: Mapped[bool] = mapped_column(Boolean, default=False)
    fitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ItemStatistic(db.Model):
    """Item statistics of one question version (scoring.itemstats), stored so the instructor pages sort
    and page them in SQL instead of reading every answer (`quizapp stats refresh`)."""

    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), primary_key=True)
    responses: Mapped[int] = mapped_column(Integer)                   # answered responses
    facility: Mapped[float | None] = mapped_column(Float)
    discrimination: Mapped[float | None] = mapped_column(Float)
    median_seconds: Mapped[float | None] = mapped_column(Float)
    dont_know_rate: Mapped[float | None] = mapped_column(Float)
    option_rates: Mapped[list] = mapped_column(JSON, default=list)    # share per option, by question-file index
    flags: Mapped[list] = mapped_column(JSON, default=list)           # scoring.itemstats flag codes
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)     # shown with at least one flag
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)      # fewer responses than the page shows
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ItemStatisticsRun(db.Model):
    """What the stored item statistics cover (one row): the pages compare it with the attempts
    submitted since, to say how many are not counted yet."""

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    through: Mapped[datetime | None] = mapped_column(DateTime)  # the latest submit time the figures include
    attempts: Mapped[int] = mapped_column(Integer)  # submitted attempts read (all submitted at or before `through`)
    # of them, those submitted in the LATE_COMMIT_WINDOW before `through`: a page counts that window again to
    # find an attempt committed after the refresh read with an earlier submit time (an index range, not every attempt)
    recent: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer)   # their question slots, answered or not


class ModelSetting(db.Model):
    """Values kept by name: what the scoring model learns from data (e.g. the skills' correlation), and
    the bank's revision (bank/revision.py)."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


# --- instructor tools ------------------------------------------------------------------------

# How sure a learner says they are of an answer (AttemptItem.confidence), with the words the page shows.
CONFIDENCE_LEVELS = {"sure": "Sure", "unsure": "Unsure", "guess": "Guessing"}

PROBLEM_REASONS = {
    "wrong_key": "The marked answer is wrong",
    "ambiguous": "The question is ambiguous or has more than one right answer",
    "typo": "A typo, broken formatting or a broken link",
    "outdated": "Outdated for current library versions",
    "other": "Something else",
}


class ProblemReport(db.Model):
    """A learner's report that a question (version) is wrong or unclear: the instructors' queue."""

    # The queue lists one status newest first, a page at a time (instructor/data.report_page).
    __table_args__ = (Index("ix_problem_report_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    # What the instructor tells the reporter on resolving; shown on that learner's history page only.
    reply: Mapped[str | None] = mapped_column(Text)

    version: Mapped[QuestionVersion] = relationship()

    @property
    def reason_label(self) -> str:
        return PROBLEM_REASONS.get(self.reason, self.reason)


class Cohort(db.Model):
    """A group of learners an instructor follows; learners join with the code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    members: Mapped[list["CohortMember"]] = relationship(cascade="all, delete-orphan")


class ResourceDone(db.Model):
    """A course a learner marked done in a study plan (reports/plan.py): on the account, so every later
    report's plan counts it done. No foreign key to the course: a course the bank drops stays done."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CohortMember(db.Model):
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


# --- the login and registration throttle (auth/throttle.py) ---------------------------------------

class ThrottleCount(db.Model):
    """One fixed window of the form throttle, when it counts in the database (production without
    Redis): posts of one form from one address, until `expires_at` (seconds since the epoch)."""

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
