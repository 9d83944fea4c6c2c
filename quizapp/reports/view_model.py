"""The report page's view model: a submitted attempt's results, recommendations and confidence as the
plain data the report's HTML, JSON and PDF show."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..attempts.behaviours import behaviour_of
from ..extensions import db
from ..models import AreaResult, Attempt, Course, Project, Skill, SkillResult
from ..scoring import gaps as gap_model
from ..scoring.ability import SkillEstimate
from ..scoring.grading import CORRECT, DONT_KNOW
from ..scoring.recommend import CourseInfo, ProjectInfo, cost_label, courses_for_skill, recommend, suggest_project
from .percentiles import area_order, learner_percentiles
from .plan import next_step


def build_report(attempt: Attempt) -> dict:
    """The gap report as plain data: per-skill results, courses and a project to take, answer counts."""
    skills = {s.id: s for s in db.session.scalars(select(Skill))}
    results = sorted(attempt.results, key=lambda r: (gap_model.STATUS_ORDER[r.status], -r.shortfall * _weight(attempt, r),
                                                    r.skill_id))
    rows, gaps = [], []
    for r in results:
        spec = attempt.role.targets.get(r.skill_id, {"level": 3})
        target = gap_model.Target(spec["level"], spec.get("weight", 1.0), spec.get("mastery_p", 0.5))
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
            "n_items": r.n_items, "this_sitting": r.this_sitting, "sittings": r.sittings,
            "based_on": based_on(r, skill.area if skill else ""),
            "theta": round(r.theta, 3), "sd": round(r.sd, 3), "priority": round(g.priority, 3),
            "prerequisites": list(skill.prerequisites) if skill else [],
        })
    courses = [CourseInfo(c.id, c.title, c.provider, c.url, tuple(c.skills), c.level, c.hours, c.cost, c.format)
               for c in db.session.scalars(select(Course).where(Course.active.is_(True)).order_by(Course.position))]
    prereqs = {sid: s.prerequisites for sid, s in skills.items()}
    names = {sid: s.name for sid, s in skills.items()}
    recs = recommend(gaps, courses, prereqs, names)
    projects = [ProjectInfo(p.id, p.title, p.description, tuple(p.skills), p.level, p.hours, p.url)
                for p in db.session.scalars(select(Project).where(Project.active.is_(True)).order_by(Project.position))]
    project = suggest_project(gaps, projects, names)
    # per gap or not-sure skill, its courses in the order a study plan takes them (reports/plan.py)
    resources = {g.skill_id: [course_row(c) for c in courses_for_skill(g.skill_id, g.estimate.theta, courses)[:RESOURCES_PER_SKILL]]
                 for g in gaps if g.status in (gap_model.GAP, gap_model.UNCERTAIN)}
    answered = sum(1 for i in attempt.items if i.credit is not None)  # "I don't know" included: it is evidence
    report = {
        "areas": [area_row(a) for a in sorted(attempt.area_results, key=lambda a: area_order(a.area))],
        "profile": profile_summary(attempt),
        "stop_reason": attempt.stop_reason if behaviour_of(attempt).chooses_next_question else None,
        "confidence": confidence_summary(attempt.items),
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
        "dont_know": sum(1 for i in attempt.items if i.state == DONT_KNOW),
        "counts": {s: sum(1 for r in rows if r["status"] == s) for s in (gap_model.GAP, gap_model.UNCERTAIN, gap_model.NO_GAP)},
        "skills": rows,
        # against other learners of this assessment; None for practice (reports/percentiles.py)
        "percentiles": learner_percentiles(attempt, current_app.config["PERCENTILE_MIN_LEARNERS"]),
        "recommendations": [{
            "id": rec.course.id, "title": rec.course.title, "provider": rec.course.provider, "url": rec.course.url,
            "level": rec.course.level, "hours": rec.course.hours, "cost": rec.course.cost, "format": rec.course.format,
            "cost_label": cost_label(rec.course.cost),
            "skills": [names.get(s, s) for s in rec.skill_ids], "reason": rec.reason,
        } for rec in recs],
        "resources": resources,
        "project": None if project is None else {
            "id": project.project.id, "title": project.project.title, "description": project.project.description,
            "level": project.project.level, "hours": project.project.hours, "url": project.project.url,
            "skills": [names.get(s, s) for s in project.project.skills], "reason": project.reason,
        },
    }
    report["next_step"] = next_step(report)
    return report


RESOURCES_PER_SKILL = 8


def course_row(course: CourseInfo) -> dict:
    """One course as plain data, its cost in words too."""
    return {"id": course.id, "title": course.title, "provider": course.provider, "url": course.url,
            "level": course.level, "hours": course.hours, "cost": course.cost, "cost_label": cost_label(course.cost),
            "format": course.format, "skill_ids": list(course.skills)}


def area_row(result: AreaResult) -> dict:
    """One area's call as the report shows it."""
    g = gap_model.AreaGap(result.area, SkillEstimate(result.theta, result.sd, result.p_gap, 0.0, result.target,
                                                     result.n_items), (), result.status)
    return {"area": result.area, "name": result.area.capitalize(), "status": result.status,
            "status_label": g.status_label, "p_gap": round(result.p_gap, 3), "score": g.score, "band": list(g.band),
            "target_score": g.target_score, "n_items": result.n_items}


def based_on(result: SkillResult, area: str) -> str:
    """What a skill's call rests on, in words: "9 questions over 3 sittings (2 in this one)"."""
    n = result.n_items
    if n == 0:
        where = f"your answers in {area.capitalize()}" if area else "your answers on related skills"
        return f"no question of its own yet: from {where}"
    words = f"{n} question{'s' if n != 1 else ''}"
    if result.sittings > 1:
        words += f" over {result.sittings} sittings ({result.this_sitting} in this one)"
    return words


def profile_summary(attempt: Attempt) -> dict:
    """What the whole report rests on: this sitting's answers and those of earlier sittings (faded by age)."""
    earlier = max((r.n_items - r.this_sitting for r in attempt.results), default=0)
    sittings = max((r.sittings for r in attempt.results), default=1)
    return {"earlier": earlier > 0, "sittings": sittings,
            "half_life_days": round(current_app.config["PROFILE_HALF_LIFE_DAYS"])}


CONFIDENCE_LABELS = {"sure": "Sure", "unsure": "Unsure", "guess": "Guessing"}


def confidence_summary(items) -> list[dict]:
    """How often answers were right at each self-rated confidence: how well you know what you know.
    "I don't know" is no answer to be sure of, so it is left out here whatever was rated with it."""
    rows = []
    for level, label in CONFIDENCE_LABELS.items():
        rated = [i for i in items if i.confidence == level and i.credit is not None and i.state != DONT_KNOW]
        if rated:
            right = sum(i.credit for i in rated)
            rows.append({"level": level, "label": label, "answers": len(rated), "right": round(right, 1),
                         "share": round(right / len(rated), 3)})
    return rows


def _weight(attempt: Attempt, result: SkillResult) -> float:
    return attempt.role.targets.get(result.skill_id, {}).get("weight", 1.0)
