"""Rank real courses for the skills a learner should work on, prerequisites first."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from .gaps import GAP, NO_GAP, UNCERTAIN, SkillGap

LEVEL_RANK = {"beginner": 0, "intermediate": 1, "advanced": 2}
# What a course costs, in the words every page uses (courses.yaml's `cost`), cheapest first.
COST_LABELS = {"free": "Free", "free-audit": "Free to audit, paid certificate", "paid": "Paid"}
COST_RANK = {cost: rank for rank, cost in enumerate(COST_LABELS)}


def cost_label(cost: str) -> str:
    """A course's cost as the learner reads it: a certificate-only fee is not hidden behind "free"."""
    return COST_LABELS.get(cost, cost.capitalize())


@dataclass(frozen=True)
class CourseInfo:
    id: str
    title: str
    provider: str
    url: str
    skills: tuple[str, ...]
    level: str
    hours: float
    cost: str
    format: str = "course"


@dataclass(frozen=True)
class Recommendation:
    course: CourseInfo
    skill_ids: tuple[str, ...]   # the gap / not-sure skills this course addresses
    reason: str


def course_level_for(theta: float) -> str:
    """The course level that meets a learner where they are."""
    if theta < -0.75:
        return "beginner"
    if theta < 0.75:
        return "intermediate"
    return "advanced"


def all_prerequisites(skill: str, prerequisites: Mapping[str, Sequence[str]]) -> set[str]:
    """Every skill that must come before `skill`, directly or through other prerequisites."""
    found: set[str] = set()
    stack = list(prerequisites.get(skill, ()))
    while stack:
        pre = stack.pop()
        if pre not in found and pre != skill:
            found.add(pre)
            stack.extend(prerequisites.get(pre, ()))
    return found


def prerequisite_order(skill_ids: Sequence[str], prerequisites: Mapping[str, Sequence[str]]) -> list[str]:
    """Order skills so every (transitive) prerequisite comes first; otherwise keep the given order."""
    before = {s: all_prerequisites(s, prerequisites) for s in skill_ids}
    ordered: list[str] = []
    remaining = list(skill_ids)
    while remaining:
        # The first skill (in priority order) none of whose prerequisites is still waiting.
        ready = next((s for s in remaining if not (before[s] & set(remaining))), remaining[0])
        ordered.append(ready)
        remaining.remove(ready)
    return ordered


def _course_rank(course: CourseInfo, level: str, targets: set[str]) -> tuple:
    return (
        abs(LEVEL_RANK.get(course.level, 1) - LEVEL_RANK[level]),  # right level first
        -len(targets & set(course.skills)),                          # covers more of what is needed
        COST_RANK.get(course.cost, len(COST_RANK)),                  # free, then free to audit, then paid
        course.hours,                                                # shorter first
        course.id,
    )


def courses_for_skill(skill_id: str, theta: float, courses: Sequence[CourseInfo]) -> list[CourseInfo]:
    """The courses for one skill in the order a study plan takes them: the learner's level, then free
    before paid, then the shortest, so that a 100-hour paid programme is not the first thing to do."""
    level = course_level_for(theta)
    return sorted((c for c in courses if skill_id in c.skills),
                  key=lambda c: (abs(LEVEL_RANK.get(c.level, 1) - LEVEL_RANK[level]),
                                 COST_RANK.get(c.cost, len(COST_RANK)), c.hours, c.id))


def recommend(gaps: Sequence[SkillGap], courses: Sequence[CourseInfo],
              prerequisites: Mapping[str, Sequence[str]], skill_names: Mapping[str, str],
              per_gap: int = 2, per_uncertain: int = 1) -> list[Recommendation]:
    """Pick courses for each gap (and fewer for each not-sure skill), ordered prerequisites first."""
    by_skill = {g.skill_id: g for g in gaps if g.status in (GAP, UNCERTAIN)}
    order = prerequisite_order(list(by_skill), prerequisites)
    targets = set(by_skill)
    chosen: dict[str, list[str]] = {}
    first_reason: dict[str, str] = {}
    for skill_id in order:
        gap = by_skill[skill_id]
        level = course_level_for(gap.estimate.theta)
        candidates = sorted((c for c in courses if skill_id in c.skills),
                            key=lambda c: _course_rank(c, level, targets))
        for course in candidates[:per_gap if gap.status == GAP else per_uncertain]:
            if course.id not in chosen:
                chosen[course.id] = []
                first_reason[course.id] = _reason(gap, course, skill_names, by_skill, prerequisites)
            chosen[course.id].append(skill_id)
    catalogue = {c.id: c for c in courses}
    return [Recommendation(catalogue[cid], tuple(skills), first_reason[cid]) for cid, skills in chosen.items()]


def _reason(gap: SkillGap, course: CourseInfo, skill_names: Mapping[str, str],
            by_skill: Mapping[str, SkillGap], prerequisites: Mapping[str, Sequence[str]]) -> str:
    name = skill_names.get(gap.skill_id, gap.skill_id)
    pct = round(gap.estimate.p_gap * 100)
    if gap.status == GAP:
        why = f"{name} is a gap ({pct} % likely below the target)"
    else:
        why = f"{name} is not sure yet ({pct} % likely below the target)"
    unlocks = [skill_names.get(s, s) for s in by_skill
               if s != gap.skill_id and gap.skill_id in all_prerequisites(s, prerequisites)]
    if unlocks:
        why += f" and is a prerequisite of {', '.join(sorted(unlocks))}"
    return f"{why}; {course.level} level, about {course.hours:g} h, {cost_label(course.cost).lower()}."


@dataclass(frozen=True)
class ProjectInfo:
    id: str
    title: str
    description: str
    skills: tuple[str, ...]
    level: str
    hours: float
    url: str = ""


@dataclass(frozen=True)
class ProjectSuggestion:
    project: ProjectInfo
    strengths: tuple[str, ...]   # no-gap skills the project builds on
    stretch: str                 # the gap (or not-sure) skill it exercises most usefully
    reason: str


def suggest_project(gaps: Sequence[SkillGap], projects: Sequence[ProjectInfo],
                    skill_names: Mapping[str, str]) -> ProjectSuggestion | None:
    """One portfolio project that builds on strengths and stretches one gap (ideally exactly one)."""
    strong = {g.skill_id for g in gaps if g.status == NO_GAP}
    weak = {g.skill_id: g for g in gaps if g.status in (GAP, UNCERTAIN)}
    best, best_rank = None, None
    for project in projects:
        stretch = sorted((s for s in project.skills if s in weak), key=lambda s: -weak[s].priority)
        if not stretch:
            continue
        uses = tuple(s for s in project.skills if s in strong)
        rank = (len(stretch) == 1, len(uses), weak[stretch[0]].status == GAP, weak[stretch[0]].priority,
                -project.hours, project.id)
        if best_rank is None or rank > best_rank:
            best, best_rank = (project, uses, stretch[0]), rank
    if best is None:
        return None
    project, uses, stretch = best
    name = skill_names.get(stretch, stretch)
    if uses:
        reason = (f"Builds on your strengths in {_join([skill_names.get(s, s) for s in uses])} "
                  f"and stretches {name}.")
    else:
        reason = f"Practises {name} in a project you can show."
    return ProjectSuggestion(project, uses, stretch, reason)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
