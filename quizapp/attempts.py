"""Attempt lifecycle between the views and the pure scoring code: start, answer, submit, report."""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import (Assessment, Attempt, AttemptItem, Course, Project, Question, QuestionVersion, Role, Skill,
                     SkillResult, utcnow)
from .questiontypes import get_question_type
from .rendering import render_inline, render_markdown
from .scoring import gaps as gap_model
from .scoring.ability import Observation, item_params
from .scoring.fixed_form import Candidate, draw_fixed_form
from .scoring.grading import CORRECT
from .scoring.recommend import CourseInfo, ProjectInfo, recommend, suggest_project


class AttemptClosed(Exception):
    """The attempt was submitted; its answers can no longer change."""


class EmptyForm(Exception):
    """No questions are available for the assessment's skills (the bank is not imported)."""


# --- starting --------------------------------------------------------------------------------

def start_attempt(assessment: Assessment, role: Role, mode: str, user_id: int | None,
                  guest_token: str | None) -> Attempt:
    """Create an attempt with a fixed form drawn for the assessment, shuffled and stored."""
    seed = secrets.randbits(32)
    rng = random.Random(seed)
    wanted = set(assessment.skills)
    rows = db.session.execute(
        select(QuestionVersion.id, QuestionVersion.skills, QuestionVersion.difficulty)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.retired.is_(False))
        .order_by(QuestionVersion.id)
    ).all()
    candidates = []
    for version_id, skills, difficulty in rows:
        primary = next((s for s in skills if s in wanted), None)
        if primary:
            candidates.append(Candidate(version_id, primary, difficulty))
    chosen = draw_fixed_form(candidates, assessment.question_count, rng)
    if not chosen:
        raise EmptyForm(assessment.id)
    versions = {v.id: v for v in db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.id.in_([c.key for c in chosen])))}
    attempt = Attempt(public_id=secrets.token_urlsafe(12), user_id=user_id, guest_token=None if user_id else guest_token,
                      assessment_id=assessment.id, role_id=role.id, mode=mode, question_count=len(chosen))
    for position, cand in enumerate(chosen, start=1):
        definition = versions[cand.key].definition
        order = variant = None
        if definition["type"] in ("single", "multiple"):
            order = list(range(len(definition["choices"])))
            rng.shuffle(order)
        if definition.get("variants"):
            variant = rng.randrange(len(definition["variants"]))
        attempt.items.append(AttemptItem(position=position, version_id=cand.key, choice_order=order, variant=variant))
    db.session.add(attempt)
    db.session.commit()
    return attempt


# --- answering -------------------------------------------------------------------------------

def save_response(attempt: Attempt, item: AttemptItem, response: dict | None, flagged: bool, check: bool = False) -> None:
    """Store (and grade) a response; in practice mode a checked answer is final."""
    if attempt.submitted:
        raise AttemptClosed(attempt.public_id)
    definition = item.definition
    if not (attempt.mode == "practice" and item.checked):
        item.response = response
        if response is None:
            item.credit, item.state, item.answered_at = None, "unanswered", None
        else:
            grade = get_question_type(definition["type"]).grade(definition, response)
            item.credit, item.state, item.answered_at = grade.fraction, grade.state, utcnow()
        if check and response is not None:
            item.checked = True
    item.flagged = flagged
    attempt.last_position = item.position
    db.session.commit()


# --- submitting ------------------------------------------------------------------------------

def role_targets(role: Role, skill_ids: list[str]) -> dict[str, gap_model.Target]:
    """The role's targets for the assessed skills; a skill the role does not list gets level 3."""
    targets = {}
    for sid in skill_ids:
        spec = role.targets.get(sid, {"level": 3})
        targets[sid] = gap_model.Target(spec["level"], spec.get("weight", 1.0), spec.get("mastery_p", 0.5))
    return targets


def observations_by_skill(items: list[AttemptItem]) -> dict[str, list[Observation]]:
    """Answered items as 3PL observations, per skill the item measures."""
    out: dict[str, list[Observation]] = {}
    for item in items:
        if item.credit is None:
            continue  # unanswered: no evidence either way
        d = item.definition
        params = item_params(d["type"], d["difficulty"], len(d.get("choices", ())))
        for sid in d["skills"]:
            out.setdefault(sid, []).append(Observation(params, item.credit))
    return out


def assessed_skills(attempt: Attempt) -> list[str]:
    """The skills the drawn form actually measures, in taxonomy order."""
    measured = {sid for item in attempt.items for sid in item.version.definition["skills"]}
    order = {sid: i for i, sid in enumerate(attempt.assessment.skills)}
    return sorted(measured, key=lambda s: (order.get(s, len(order)), s))


def submit_attempt(attempt: Attempt, gap_threshold: float = 0.7, no_gap_threshold: float = 0.3) -> bool:
    """Score and close the attempt exactly once; False when it was already submitted."""
    claimed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.status == "in_progress")
        .values(status="submitted", submitted_at=utcnow())
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    targets = role_targets(attempt.role, assessed_skills(attempt))
    results = gap_model.analyse(observations_by_skill(attempt.items), targets, gap_threshold, no_gap_threshold)
    for r in results:
        e = r.estimate
        db.session.add(SkillResult(attempt_id=attempt.id, skill_id=r.skill_id, theta=e.theta, sd=e.sd, p_gap=e.p_gap,
                                   shortfall=e.shortfall, target=e.target, status=r.status, n_items=e.n_items))
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent submit already stored the results
        db.session.rollback()
        return False
    db.session.refresh(attempt)
    return True


# --- the report ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewEntry:
    position: int
    question_id: str
    version: int
    qtype: str
    prompt_html: str
    response_text: str
    key_text: str
    state: str
    credit: float | None
    feedback_html: list[str]
    explanation_html: str
    references: list[str]
    skills: list[str]
    choices: list[dict]


def review_entry(item: AttemptItem, reveal: bool = True) -> ReviewEntry:
    """Everything the review shows for one item (call only once the key may be shown)."""
    version = item.version
    d = item.definition
    qt = get_question_type(d["type"])
    from .scoring.grading import Grade

    grade = Grade(item.credit, item.state) if item.credit is not None else None
    choices = []
    if d["type"] in ("single", "multiple"):
        picked = set((item.response or {}).get("choices", [(item.response or {}).get("choice")]))
        for i in item.choice_order or range(len(d["choices"])):
            c = d["choices"][i]
            choices.append({"html": render_inline(c["text"]), "correct": c["correct"], "picked": i in picked,
                            "feedback_html": render_inline(c.get("feedback", ""))})
    return ReviewEntry(
        position=item.position, question_id=version.question_id, version=version.version, qtype=d["type"],
        prompt_html=render_markdown(d["prompt"]), response_text=qt.describe(d, item.response),
        key_text=qt.key(d), state=item.state, credit=item.credit,
        feedback_html=[render_inline(f) for f in qt.feedback(d, item.response, grade)],
        explanation_html=render_markdown(d["explanation"]), references=list(d.get("references", [])),
        skills=list(d["skills"]), choices=choices,
    )


def build_report(attempt: Attempt) -> dict:
    """The gap report as plain data: per-skill results, recommendations and the review."""
    skills = {s.id: s for s in db.session.scalars(select(Skill))}
    results = sorted(attempt.results, key=lambda r: (gap_model.STATUS_ORDER[r.status], -r.shortfall * _weight(attempt, r),
                                                    r.skill_id))
    rows, gaps = [], []
    for r in results:
        spec = attempt.role.targets.get(r.skill_id, {"level": 3})
        target = gap_model.Target(spec["level"], spec.get("weight", 1.0), spec.get("mastery_p", 0.5))
        from .scoring.ability import SkillEstimate

        g = gap_model.SkillGap(r.skill_id, SkillEstimate(r.theta, r.sd, r.p_gap, r.shortfall, r.target, r.n_items),
                               target, r.status)
        gaps.append(g)
        low, high = g.band
        skill = skills.get(r.skill_id)
        rows.append({
            "skill_id": r.skill_id, "name": skill.name if skill else r.skill_id, "area": skill.area if skill else "",
            "status": r.status, "status_label": g.status_label, "p_gap": round(r.p_gap, 3),
            "score": g.score, "band": [low, high], "target_score": g.target_score, "target_level": target.level,
            "level": g.level_word, "target_word": gap_model.level_word(target.theta),
            "n_items": r.n_items, "theta": round(r.theta, 3), "sd": round(r.sd, 3), "priority": round(g.priority, 3),
        })
    courses = [CourseInfo(c.id, c.title, c.provider, c.url, tuple(c.skills), c.level, c.hours, c.cost, c.format)
               for c in db.session.scalars(select(Course).where(Course.active.is_(True)).order_by(Course.position))]
    prereqs = {sid: s.prerequisites for sid, s in skills.items()}
    names = {sid: s.name for sid, s in skills.items()}
    recs = recommend(gaps, courses, prereqs, names)
    projects = [ProjectInfo(p.id, p.title, p.description, tuple(p.skills), p.level, p.hours, p.url)
                for p in db.session.scalars(select(Project).where(Project.active.is_(True)).order_by(Project.position))]
    project = suggest_project(gaps, projects, names)
    answered = sum(1 for i in attempt.items if i.credit is not None)
    return {
        "attempt": attempt.public_id,
        "assessment": {"id": attempt.assessment_id, "name": attempt.assessment.name},
        "role": {"id": attempt.role_id, "name": attempt.role.name},
        "mode": attempt.mode,
        "status": attempt.status,
        "started_at": attempt.started_at.isoformat() + "Z",
        "submitted_at": attempt.submitted_at.isoformat() + "Z" if attempt.submitted_at else None,
        "questions": len(attempt.items),
        "answered": answered,
        "correct": sum(1 for i in attempt.items if i.state == CORRECT),
        "counts": {s: sum(1 for r in rows if r["status"] == s) for s in (gap_model.GAP, gap_model.UNCERTAIN, gap_model.NO_GAP)},
        "skills": rows,
        "recommendations": [{
            "id": rec.course.id, "title": rec.course.title, "provider": rec.course.provider, "url": rec.course.url,
            "level": rec.course.level, "hours": rec.course.hours, "cost": rec.course.cost, "format": rec.course.format,
            "skills": [names.get(s, s) for s in rec.skill_ids], "reason": rec.reason,
        } for rec in recs],
        "project": None if project is None else {
            "id": project.project.id, "title": project.project.title, "description": project.project.description,
            "level": project.project.level, "hours": project.project.hours, "url": project.project.url,
            "skills": [names.get(s, s) for s in project.project.skills], "reason": project.reason,
        },
    }


def _weight(attempt: Attempt, result: SkillResult) -> float:
    return attempt.role.targets.get(result.skill_id, {}).get("weight", 1.0)


def load_attempt_items(attempt: Attempt) -> list[AttemptItem]:
    """All items with their versions in one query (for overview, review and scoring)."""
    return list(db.session.scalars(
        select(AttemptItem).options(joinedload(AttemptItem.version))
        .where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)))
