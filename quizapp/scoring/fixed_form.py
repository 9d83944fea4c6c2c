"""Draw a fixed form: questions spread evenly over skills and, within a skill, over difficulty."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterable, Sequence

# Medium items first, then alternately easier and harder: a short form stays near the middle
# of the scale, where entry-level targets sit and where items tell us most.
DIFFICULTY_ROTATION = (3, 2, 4, 1, 5)


@dataclass(frozen=True)
class Candidate:
    key: int | str          # whatever the caller uses to find the question again
    skill: str              # the skill this item counts towards in the form
    difficulty: int


def allocate(counts: dict[str, int], total: int, rng: random.Random) -> dict[str, int]:
    """Split `total` over skills as evenly as their available items allow."""
    skills = [s for s in counts if counts[s] > 0]
    rng.shuffle(skills)  # who gets the remainder varies between attempts
    share = {s: 0 for s in skills}
    remaining = min(total, sum(counts[s] for s in skills))
    while remaining:
        open_skills = [s for s in skills if share[s] < counts[s]]
        for s in open_skills[:remaining]:
            share[s] += 1
        remaining -= min(len(open_skills), remaining)
    return share


# candidates by skill, then by difficulty, each group in the order given
Groups = dict[str, dict[int, tuple[Candidate, ...]]]


def group_candidates(candidates: Iterable[Candidate]) -> Groups:
    """The candidates as draw_from_groups takes them: built once, they serve any number of draws (a
    start draws from its skills' groups without regrouping the bank)."""
    by_skill: dict[str, dict[int, list[Candidate]]] = {}
    for c in candidates:
        by_skill.setdefault(c.skill, {}).setdefault(c.difficulty, []).append(c)
    return {skill: {level: tuple(group) for level, group in levels.items()} for skill, levels in by_skill.items()}


def draw_fixed_form(candidates: Sequence[Candidate], total: int, rng: random.Random) -> list[Candidate]:
    """Pick `total` candidates stratified by skill, then by difficulty; return them shuffled."""
    return draw_from_groups(group_candidates(candidates), total, rng)


def draw_from_groups(groups: Groups, total: int, rng: random.Random) -> list[Candidate]:
    """draw_fixed_form on grouped candidates (which it leaves unchanged). Each pick is uniform among its
    group's remaining items (a random pop, as from a shuffled group, without shuffling groups of
    thousands to take a few)."""
    share = allocate({s: sum(len(v) for v in g.values()) for s, g in groups.items()}, total, rng)
    chosen: list[Candidate] = []
    for skill in sorted(share):
        left, picked = {level: list(group) for level, group in groups[skill].items()}, []
        while len(picked) < share[skill]:
            for level in DIFFICULTY_ROTATION:
                if left.get(level) and len(picked) < share[skill]:
                    picked.append(left[level].pop(rng.randrange(len(left[level]))))
        chosen.extend(picked)
    rng.shuffle(chosen)
    return chosen
