"""Import a validated bank into the database: atomic, idempotent and versioned.

- Atomic: the caller commits once at the end; any exception rolls everything back, and a bank
  with issues is refused before a single row is touched.
- Idempotent: an attribute is only assigned when its value differs, and a question gets a new
  version only when its content hash changes, so re-importing unchanged files writes nothing.
- Versioned: attempts point at QuestionVersion rows, which are never edited or deleted; a
  question that disappears from the files is retired, not removed.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from ..exceptions import BankError
from ..models import Assessment, Course, Project, Question, QuestionSkill, QuestionVersion, Role, Skill
from .definitions import Bank, QuestionDef
from .revision import bank_revision, new_bank_revision


class BankNotValid(BankError):
    """Raised when asked to import a bank that has issues."""

    def __init__(self, issues):
        self.issues = issues
        super().__init__(f"{len(issues)} problem(s) in the bank; nothing was imported")


@dataclass
class SyncReport:
    counts: Counter = field(default_factory=Counter)

    def line(self) -> str:
        c = self.counts
        return (f"questions: {c['q_added']} added, {c['q_new_version']} new versions, {c['q_unchanged']} unchanged, "
                f"{c['q_retired']} retired, {c['q_restored']} restored; "
                f"skills {c['skill']}, roles {c['role']}, courses {c['course']}, projects {c['project']}, "
                f"assessments {c['assessment']} "
                f"({c['catalogue_changed']} catalogue rows changed)")


def _assign(obj, **values) -> bool:
    """Set only the attributes whose value differs; True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _upsert(session: Session, model, rows: list[dict], report: SyncReport, kind: str) -> None:
    existing = {obj.id: obj for obj in session.scalars(select(model))}
    for position, values in enumerate(rows):
        obj = existing.pop(values["id"], None)
        fields = {k: v for k, v in values.items() if k != "id"} | {"position": position, "active": True}
        if obj is None:
            session.add(model(id=values["id"], **fields))
            report.counts["catalogue_changed"] += 1
        elif _assign(obj, **fields):
            report.counts["catalogue_changed"] += 1
        report.counts[kind] += 1
    for obj in existing.values():  # gone from the files: hidden, kept for old attempts
        if _assign(obj, active=False):
            report.counts["catalogue_changed"] += 1


def sync_bank(session: Session, bank: Bank, compute_variants: Callable[[QuestionDef], list[dict]] | None = None
              ) -> SyncReport:
    """Bring the database in line with the bank (the caller commits or rolls back).

    `compute_variants` runs a parameterised question's check for every combination; it is
    called only for new or changed versions, so an unchanged bank runs no code.
    """
    if not bank.ok:
        raise BankNotValid(bank.issues)
    report = SyncReport()
    _upsert(session, Skill, [{"id": s["id"], "name": s["name"], "area": s["area"], "description": s["description"],
                              "prerequisites": s["prerequisites"]} for s in bank.skills], report, "skill")
    _upsert(session, Role, [{"id": r["id"], "name": r["name"], "description": r["description"],
                             "targets": r["targets"]} for r in bank.roles], report, "role")
    _upsert(session, Course, [{k: c[k] for k in ("id", "title", "provider", "url", "skills", "level", "hours", "cost",
                                                 "format", "description")} for c in bank.courses], report, "course")
    _upsert(session, Project, [{k: p[k] for k in ("id", "title", "description", "skills", "level", "hours", "url")}
                               for p in bank.projects], report, "project")
    session.flush()  # assessments reference roles
    _upsert(session, Assessment, [{"id": a["id"], "name": a["name"], "description": a["description"],
                                   "role_id": a["role"], "mode": a["mode"], "question_count": a["questions"],
                                   "skills": a["skills"], "time_limit": a.get("time_limit")}
                                  for a in bank.assessments], report, "assessment")
    _sync_questions(session, bank, report, compute_variants)
    live_changed = any(report.counts[k] for k in ("q_added", "q_new_version", "q_retired", "q_restored"))
    if live_changed or bank_revision(session) is None:  # what workers keep of the live versions is out of date
        new_bank_revision(session)
    session.flush()
    return report


def _sync_questions(session: Session, bank: Bank, report: SyncReport,
                    compute_variants: Callable[[QuestionDef], list[dict]] | None) -> None:
    """Add, version, restore and retire questions; new rows go in as batched bulk INSERTs.

    A flush per question (and an ORM object per row) made a 10,000-question import take
    seconds of bookkeeping; bulk statements write the same rows (bench/import_speed.py).
    """
    questions = {q.id: q for q in session.scalars(select(Question))}
    current_hash = dict(session.execute(
        select(Question.id, QuestionVersion.content_hash).join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
    ).all())
    latest = dict(session.execute(select(QuestionVersion.question_id, func.max(QuestionVersion.version))
                                  .group_by(QuestionVersion.question_id)).all())
    added: list[dict] = []
    versions: list[dict] = []
    owners: list[Question | None] = []  # per new version: its loaded Question, or None for an added one
    for qd in bank.questions:
        question = questions.pop(qd.id, None)
        if question is None:
            added.append({"id": qd.id, "retired": False, "source_path": qd.path})
            report.counts["q_added"] += 1
        else:
            if question.retired:
                report.counts["q_restored"] += 1
            _assign(question, retired=False, source_path=qd.path)
            if current_hash.get(qd.id) == qd.content_hash:
                report.counts["q_unchanged"] += 1
                continue
            report.counts["q_new_version"] += 1
        definition = qd.definition
        if definition.get("params"):
            if compute_variants is None:
                raise ValueError(f"q '{qd.id}' is parameterised: its keys need compute_variants")
            definition = {**definition, "variants": compute_variants(qd)}
        versions.append({"question_id": qd.id, "version": latest.get(qd.id, 0) + 1, "content_hash": qd.content_hash,
                         "qtype": qd.qtype, "difficulty": qd.difficulty, "skills": list(qd.skills),
                         "definition": definition})
        owners.append(question)
    if added:  # before the versions: their foreign key needs the question rows
        session.execute(insert(Question), added)
    if versions:
        ids = session.scalars(insert(QuestionVersion).returning(QuestionVersion.id, sort_by_parameter_order=True),
                              versions).all()
        session.execute(insert(QuestionSkill), [{"version_id": version_id, "skill_id": skill}
                                                for version_id, row in zip(ids, versions, strict=True)
                                                for skill in row["skills"]])
        pointers = []
        for version_id, row, question in zip(ids, versions, owners, strict=True):
            if question is None:
                pointers.append({"id": row["question_id"], "current_version_id": version_id})
            else:
                question.current_version_id = version_id
        if pointers:
            session.execute(update(Question), pointers)  # bulk UPDATE by primary key
    for question in questions.values():  # no longer in the files: retire, never delete
        if _assign(question, retired=True):
            report.counts["q_retired"] += 1
