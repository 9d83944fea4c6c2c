"""Item statistics stored per question version (ItemStatistic), and the queries the instructor pages
read them with.

Computing them reads every answer of every submitted attempt, which is far too slow for a page at
scale, so `quizapp stats refresh` (cron) recomputes them in one streaming pass, and the pages sort
and page the stored rows in SQL. On a small database (SMALL_DATABASE_ANSWERS) the pages recompute them
first, as cheaply as the old per-request computation, so a laptop install is always current. The
definitions stay in scoring.itemstats; this module only feeds it and stores what it returns.
"""
from __future__ import annotations

import json
import math
import time
from array import array
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Iterator

from sqlalchemy import Text, case, cast, delete, func, insert, select, text
from sqlalchemy.engine import Connection

from ..extensions import db
from ..models import (
    Attempt,
    AttemptItem,
    ItemStatistic,
    ItemStatisticsRun,
    ProblemReport,
    Question,
    QuestionVersion,
    User,
    utcnow,
)
from ..questiontypes import get_question_type, is_dont_know
from ..scoring.grading import DONT_KNOW
from ..scoring.itemstats import ItemResponse, RestScores, summary_flags_text, version_statistics

MIN_RESPONSES = 20              # responses before a version's figures are shown
SMALL_DATABASE_ANSWERS = 20_000  # at most this many submitted slots: pages recompute before showing
STATS_PER_PAGE = 50
STREAM_BATCH = 5_000            # rows fetched at a time from the server-side cursor
REPORTS_SHOWN = 50              # a question page lists this many reports, newest first
_LOCK_KEY = 2_200_122           # PostgreSQL advisory lock: one refresh at a time
# A submit commits within moments of the time it records; an attempt committed later than this after its
# submit time could be missed by the freshness count (never by the figures' next refresh).
LATE_COMMIT_WINDOW = timedelta(minutes=10)

# What the page sorts by: the column names of the old page (and its links), mapped to SQL.
SORT_COLUMNS = ("question", "responses", "facility", "discrimination", "median_seconds", "dont_know_rate", "reports")


def _submitted():
    return Attempt.status == "submitted"


# --- refresh -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RefreshSummary:
    attempts: int
    answers: int
    versions: int
    seconds: float


def _picks(definition: dict, response: dict | None) -> tuple[int, ...] | None:
    """The options a response picked; "I don't know" picks none (it has its own row: dont_know_rate)."""
    if is_dont_know(response):
        return None
    return get_question_type(definition["type"]).picks(definition, response)


def _streamed(result) -> Iterator:
    """A streamed result's rows, fetched a batch at a time (cheaper than row by row)."""
    for batch in result.partitions():
        yield from batch


def _compute(conn: Connection, min_responses: int) -> tuple[list[dict], datetime | None, int, int, int]:
    """Stream the submitted answers and return the rows to store, the latest submit time included, and
    the attempts (all, and those in the LATE_COMMIT_WINDOW before it) and slots read. Memory: one array of credits per attempt and one version's responses."""
    through, attempts = conn.execute(select(func.max(Attempt.submitted_at), func.count())
                                     .where(_submitted())).one()
    recent = 0 if through is None else conn.scalar(
        select(func.count()).select_from(Attempt)
        .where(_submitted(), Attempt.submitted_at > through - LATE_COMMIT_WINDOW, Attempt.submitted_at <= through))
    stream = {"stream_results": True, "yield_per": STREAM_BATCH}  # per statement: the writes below cannot stream
    credits: dict[int, array] = {}
    for attempt_id, credit in _streamed(conn.execute(
            select(AttemptItem.attempt_id, AttemptItem.credit).join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .where(_submitted(), AttemptItem.credit.is_not(None)), execution_options=stream)):
        credits.setdefault(attempt_id, array("d")).append(credit)
    rest_scores = RestScores(credits)
    versions = {vid: (qtype, definition) for vid, qtype, definition in conn.execute(
        select(QuestionVersion.id, QuestionVersion.qtype, QuestionVersion.definition))}
    now = utcnow()
    out, slots = [], 0
    # The response as text: only answered choice items need it parsed (for their picks).
    rows = _streamed(conn.execute(
        select(AttemptItem.version_id, AttemptItem.attempt_id, AttemptItem.credit, cast(AttemptItem.response, Text),
               AttemptItem.seconds, AttemptItem.state)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id).where(_submitted()).order_by(AttemptItem.version_id),
        execution_options=stream))
    for version_id, group in groupby(rows, key=itemgetter(0)):
        qtype, definition = versions[version_id]
        info = get_question_type(qtype).item_info(version_id, definition)
        if info.n_options:
            picks: dict[str | None, tuple[int, ...] | None] = {}  # a choice item's responses repeat: parse each once
            responses = []
            for _, attempt_id, credit, response, seconds, state in group:
                if credit is not None and response not in picks:
                    picks[response] = _picks(definition, json.loads(response) if response is not None else None)
                responses.append(ItemResponse(attempt_id, version_id, credit,
                                              picks[response] if credit is not None else None,
                                              seconds or None, state == DONT_KNOW))
        else:  # free entry: no picks (QuestionType.picks gives None), nothing to parse
            responses = [ItemResponse(attempt_id, version_id, credit, None, seconds or None, state == DONT_KNOW)
                         for _, attempt_id, credit, _, seconds, state in group]
        slots += len(responses)
        stats = version_statistics(info, responses, rest_scores, min_responses)
        out.append({"version_id": version_id, "responses": stats.responses, "facility": stats.facility,
                    "discrimination": stats.discrimination, "median_seconds": stats.median_seconds,
                    "dont_know_rate": stats.dont_know_rate,
                    "option_rates": [stats.option_rates[i] for i in sorted(stats.option_rates)],
                    "flags": list(stats.flags), "flagged": bool(stats.flags) and not stats.hidden,
                    "hidden": stats.hidden, "computed_at": now})
    return out, through, attempts, recent, slots


def _replace(conn: Connection, started: datetime, min_responses: int) -> RefreshSummary:
    t0 = time.perf_counter()
    # Deleting first opens the write transaction on SQLite too, so every read below sees one state.
    conn.execute(delete(ItemStatistic))
    conn.execute(delete(ItemStatisticsRun))
    rows, through, attempts, recent, slots = _compute(conn, min_responses)
    if rows:
        conn.execute(insert(ItemStatistic), rows)
    conn.execute(insert(ItemStatisticsRun).values(id=1, computed_at=started, through=through, attempts=attempts,
                                                  recent=recent, answers=slots))
    return RefreshSummary(attempts, slots, len(rows), time.perf_counter() - t0)


def refresh_item_statistics(min_responses: int = MIN_RESPONSES) -> RefreshSummary:
    """Recompute every version's statistics from the submitted attempts and replace the stored ones in one
    transaction. On PostgreSQL it reads one snapshot (REPEATABLE READ) under an advisory lock, so two
    refreshes (cron and a page) never interleave and attempts submitted meanwhile are left for the next."""
    started = utcnow()
    if db.engine.dialect.name != "postgresql":
        summary = _replace(db.session.connection(), started, min_responses)
        db.session.commit()
        return summary
    with db.engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
        lock.commit()
        try:
            with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
                summary = _replace(conn, started, min_responses)
                conn.commit()
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
            lock.commit()
    return summary


# --- freshness -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Freshness:
    """What the stored figures cover, for the line above them."""

    computed_at: datetime | None  # None: never computed on this (large) database
    attempts: int                 # submitted attempts counted in them
    pending: int                  # submitted attempts not counted yet
    inline: bool                  # recomputed for this request (a small database)


def _small_database() -> bool:
    """At most SMALL_DATABASE_ANSWERS submitted slots, counted no further than that."""
    capped = (select(AttemptItem.id).join(Attempt, Attempt.id == AttemptItem.attempt_id).where(_submitted())
              .limit(SMALL_DATABASE_ANSWERS + 1).subquery())
    return db.session.scalar(select(func.count()).select_from(capped)) <= SMALL_DATABASE_ANSWERS


def _pending(run: ItemStatisticsRun) -> int:
    """Submitted attempts the figures do not include: those submitted after the latest one they include,
    plus any committed late with an earlier submit time (more in the window before it now than were read).
    Both counts read a range of ix_attempt_status_submitted_at, not every attempt."""
    if run.through is None:
        return _submitted_count()
    later, recent = db.session.execute(
        select(func.count(case((Attempt.submitted_at > run.through, 1))),
               func.count(case((Attempt.submitted_at <= run.through, 1))))
        .where(_submitted(), Attempt.submitted_at > run.through - LATE_COMMIT_WINDOW)).one()
    return later + max(0, recent - run.recent)


def _submitted_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attempt).where(_submitted()))


def current_statistics() -> Freshness:
    """Make sure the stored statistics can be shown, and say how current they are: a small database is
    recomputed when its submitted attempts changed (some submitted since, or fewer than were counted: one
    was reopened); a large one shows the last refresh and how many attempts came in since."""
    run = db.session.get(ItemStatisticsRun, 1)
    pending = _submitted_count() if run is None else _pending(run)
    small = (run is None or run.answers <= SMALL_DATABASE_ANSWERS) and _small_database()
    if small and (run is None or pending or _submitted_count() != run.attempts):
        refresh_item_statistics()
        run = db.session.get(ItemStatisticsRun, 1, populate_existing=True)
        return Freshness(run.computed_at, run.attempts, 0, True)
    if run is None:
        return Freshness(None, 0, pending, False)
    return Freshness(run.computed_at, run.attempts, pending, False)


# --- the statistics page and CSV -------------------------------------------------------------

@dataclass(frozen=True)
class StatsPage:
    rows: list[dict]
    total: int
    page: int
    pages: int
    per_page: int


def _open_reports():
    return (select(ProblemReport.version_id, func.count().label("n")).where(ProblemReport.status == "open")
            .group_by(ProblemReport.version_id).subquery())


def _listing(open_reports):
    n = func.coalesce(open_reports.c.n, 0).label("open_reports")
    return (select(ItemStatistic, QuestionVersion.question_id, QuestionVersion.version, QuestionVersion.qtype,
                   QuestionVersion.skills, n)
            .join(QuestionVersion, QuestionVersion.id == ItemStatistic.version_id)
            .outerjoin(open_reports, open_reports.c.version_id == ItemStatistic.version_id)), n


def _row(stat: ItemStatistic, question_id: str, version: int, qtype: str, skills: list, reports: int) -> dict:
    return {"version_id": stat.version_id, "question": question_id, "version": version, "qtype": qtype,
            "type_label": get_question_type(qtype).label, "skills": skills, "responses": stat.responses,
            "facility": stat.facility, "discrimination": stat.discrimination, "median_seconds": stat.median_seconds,
            "option_rates": dict(enumerate(stat.option_rates or ())), "dont_know_rate": stat.dont_know_rate,
            "flags": list(stat.flags or ()), "flag_texts": [summary_flags_text(f) for f in stat.flags or ()],
            "hidden": stat.hidden, "reports": reports, "computed_at": stat.computed_at}


def stats_page(sort: str, descending: bool, page: int, flagged_only: bool = False,
               per_page: int | None = None) -> StatsPage:
    """One page of the stored statistics sorted in SQL (NULLs last, then by question and version). Past the
    last page: no rows and `page` set to the last one (page 1 of an empty list exists)."""
    if sort not in SORT_COLUMNS:
        raise ValueError(f"cannot sort by {sort!r}")
    per_page = per_page or STATS_PER_PAGE
    reports = _open_reports()
    query, n_reports = _listing(reports)
    where = [ItemStatistic.flagged.is_(True)] if flagged_only else []
    total = db.session.scalar(select(func.count()).select_from(ItemStatistic).where(*where))
    pages = max(1, math.ceil(total / per_page))
    if page > pages:
        return StatsPage([], total, pages, pages, per_page)
    special = {"question": QuestionVersion.question_id, "reports": n_reports}
    key = special[sort] if sort in special else getattr(ItemStatistic, sort)
    ordered = key.desc() if descending else key.asc()
    tiebreak = [QuestionVersion.question_id.desc() if descending and sort == "question" else QuestionVersion.question_id,
                QuestionVersion.version.desc() if descending and sort == "question" else QuestionVersion.version]
    rows = db.session.execute(query.where(*where).order_by(key.is_(None), ordered, *tiebreak)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return StatsPage([_row(*r) for r in rows], total, page, pages, per_page)


def all_stat_rows() -> Iterator[dict]:
    """Every stored row by question and version, fetched in batches: what the CSV streams."""
    query, _ = _listing(_open_reports())
    result = db.session.execute(query.order_by(QuestionVersion.question_id, QuestionVersion.version),
                                execution_options={"yield_per": 500})
    for r in result:
        yield _row(*r)


# --- one question --------------------------------------------------------------------------

@dataclass(frozen=True)
class ChartBar:
    label_html: str     # the option as learners see it (sanitised HTML from the question type)
    correct: bool
    rate: float


def _chart(version: QuestionVersion, stat: ItemStatistic | None) -> list[ChartBar]:
    """Each option with the share of answered responses that picked it, in question-file order."""
    if stat is None or not stat.option_rates:
        return []
    qtype = get_question_type(version.qtype)
    info = qtype.item_info(version.id, version.definition)
    labels = [str(label) for _, label in qtype.choices(version.definition, None)]
    if len(labels) != len(stat.option_rates):
        return []
    return [ChartBar(label, i in info.correct, rate) for i, (label, rate) in enumerate(zip(labels, stat.option_rates, strict=True))]


def question_detail(question_id: str) -> dict | None:
    """A question's versions (newest first) with their stored statistics and distractor charts, and its
    newest problem reports, open and resolved; None for an unknown question."""
    n_open = (select(func.count()).select_from(ProblemReport)
              .where(ProblemReport.version_id == QuestionVersion.id, ProblemReport.status == "open")
              .correlate(QuestionVersion).scalar_subquery())
    rows = db.session.execute(
        select(Question, QuestionVersion, ItemStatistic, n_open)
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .outerjoin(ItemStatistic, ItemStatistic.version_id == QuestionVersion.id)
        .where(Question.id == question_id).order_by(QuestionVersion.version.desc())).all()
    if not rows:  # every question has a version: no rows, no question
        return None
    question = rows[0][0]
    versions = []
    for _, version, stat, n in rows:
        row = _row(stat, question_id, version.version, version.qtype, version.skills, n) if stat else None
        chart = _chart(version, stat)
        versions.append({"version": version, "stats": row, "chart": chart, "open_reports": n,
                         "several": sum(bar.rate for bar in chart) > 1 + 1e-9,  # picks of several options
                         "current": version.id == question.current_version_id,
                         "type_label": get_question_type(version.qtype).label})
    report_rows = db.session.execute(
        select(ProblemReport, QuestionVersion.version, User.display_name, User.email, func.count().over())
        .join(QuestionVersion, QuestionVersion.id == ProblemReport.version_id)
        .outerjoin(User, User.id == ProblemReport.user_id)
        .where(QuestionVersion.question_id == question_id)
        .order_by(ProblemReport.created_at.desc(), ProblemReport.id.desc()).limit(REPORTS_SHOWN)).all()
    total_reports = report_rows[0][-1] if report_rows else 0
    return {"question": question, "versions": versions, "total_reports": total_reports,
            "reports": [{"report": r, "version": v,
                         "reporter": (name or email or f"user {r.user_id}") if r.user_id is not None else None}
                        for r, v, name, email, _ in report_rows]}
