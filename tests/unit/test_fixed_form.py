import random
from collections import Counter

from quizapp.scoring.fixed_form import Candidate, allocate, draw_fixed_form, draw_from_groups, group_candidates


def bank(skills=("a", "b", "c"), per_difficulty=2):
    return [Candidate(f"{s}{d}{k}", s, d) for s in skills for d in range(1, 6) for k in range(per_difficulty)]


def test_spreads_evenly_over_skills():
    form = draw_fixed_form(bank(), 9, random.Random(1))
    assert Counter(c.skill for c in form) == {"a": 3, "b": 3, "c": 3}
    assert len({c.key for c in form}) == 9


def test_within_a_skill_starts_at_medium_and_spreads_difficulty():
    form = draw_fixed_form(bank(skills=("a",)), 5, random.Random(2))
    assert sorted(c.difficulty for c in form) == [1, 2, 3, 4, 5]
    form = draw_fixed_form(bank(skills=("a",)), 3, random.Random(2))
    assert sorted(c.difficulty for c in form) == [2, 3, 4]


def test_small_skills_give_their_share_to_others():
    items = bank(skills=("a", "b")) + [Candidate("tiny", "tiny", 3)]
    form = draw_fixed_form(items, 9, random.Random(3))
    counts = Counter(c.skill for c in form)
    assert counts["tiny"] == 1 and counts["a"] + counts["b"] == 8 and abs(counts["a"] - counts["b"]) <= 1


def test_never_more_than_the_bank():
    assert len(draw_fixed_form(bank(per_difficulty=1), 100, random.Random(4))) == 15


def test_seed_reproduces_the_form_and_order():
    assert draw_fixed_form(bank(), 7, random.Random(9)) == draw_fixed_form(bank(), 7, random.Random(9))


def test_grouped_once_drawn_many_times_gives_the_same_forms():
    """A start draws from groups kept per worker (attempts.lifecycle.form_groups): the same form for the same
    seed as drawing from the list, and the kept groups are left as they were."""
    items = bank(per_difficulty=3) + [Candidate("tiny", "tiny", 3)]
    groups = group_candidates(items)
    before = {skill: dict(levels) for skill, levels in groups.items()}
    for seed in range(20):
        assert draw_from_groups(groups, 8, random.Random(seed)) == draw_fixed_form(items, 8, random.Random(seed))
    assert groups == before


def test_allocate():
    assert sum(allocate({"a": 10, "b": 1, "c": 0}, 5, random.Random(0)).values()) == 5


# --- edges found by mutation testing (docs/mutation.md) -----------------------------------------

def test_allocate_leaves_out_skills_without_items():
    share = allocate({"a": 10, "b": 1, "c": 0}, 5, random.Random(0))
    assert share == {"a": 4, "b": 1}


def test_a_skill_with_many_items_at_one_level_still_gets_only_its_share():
    items = ([Candidate(f"a{d}", "a", d) for d in range(1, 6)] + [Candidate("a3b", "a", 3)]
             + [Candidate(f"b{k}", "b", 3) for k in range(6)])
    for seed in range(5):
        form = draw_fixed_form(items, 6, random.Random(seed))
        assert Counter(c.skill for c in form) == {"a": 3, "b": 3}
        assert sorted(c.difficulty for c in form if c.skill == "a") == [2, 3, 4]
