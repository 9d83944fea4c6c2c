"""Counts over a loaded bank: what `quizapp bank stats` prints."""
from __future__ import annotations

from collections import Counter

from ..questiontypes import get_question_type
from .definitions import Bank


def bank_stats(bank: Bank) -> dict:
    """Question counts per area, skill, type and difficulty (plus per skill × difficulty)."""
    area_of = {s["id"]: s["area"] for s in bank.skills}
    per_skill, per_area, per_type, per_difficulty = Counter(), Counter(), Counter(), Counter()
    skill_difficulty: dict[str, Counter] = {s["id"]: Counter() for s in bank.skills}
    for q in bank.questions:
        per_type[q.qtype] += 1
        per_difficulty[q.difficulty] += 1
        for area in {area_of.get(s, "?") for s in q.skills}:
            per_area[area] += 1
        for s in q.skills:
            per_skill[s] += 1
            skill_difficulty.setdefault(s, Counter())[q.difficulty] += 1
    free = sum(count for name, count in per_type.items() if get_question_type(name).free_entry)
    total = len(bank.questions)
    return {
        "questions": total,
        "skills": len(bank.skills),
        "courses": len(bank.courses),
        "roles": len(bank.roles),
        "projects": len(bank.projects),
        "assessments": len(bank.assessments),
        "free_entry_share": round(free / total, 3) if total else 0.0,
        "parameterised": sum(1 for q in bank.questions if q.definition.get("params")),
        "with_check": sum(1 for q in bank.questions if q.definition.get("check")),
        "per_area": dict(sorted(per_area.items())),
        "per_skill": {s["id"]: per_skill.get(s["id"], 0) for s in bank.skills},
        "per_type": dict(sorted(per_type.items())),
        "per_difficulty": {str(d): per_difficulty.get(d, 0) for d in range(1, 6)},
        "per_skill_difficulty": {s: {str(d): c.get(d, 0) for d in range(1, 6)} for s, c in skill_difficulty.items()},
    }
