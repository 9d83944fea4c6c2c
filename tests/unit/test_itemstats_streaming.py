"""version_statistics (one version at a time, what `quizapp stats refresh` streams) against
item_statistics (everything at once) on random data: they must agree exactly, field by field."""
import random
from collections import defaultdict

import pytest

from quizapp.scoring.itemstats import (
    ItemInfo,
    ItemResponse,
    RestScores,
    item_statistics,
    rest_scores,
    version_statistics,
)

# credits with rounding traps (thirds, tenths): rest scores summed in another order would differ in the last bit
CREDITS = (0.0, 1.0, 0.5, 1 / 3, 2 / 3, 0.1, 0.2, 0.7)


def random_world(seed: int, attempts: int = 120):
    rng = random.Random(seed)
    items = [
        ItemInfo(1, 4, (2,), 0.25, distractors=True, one_key=True),     # single choice
        ItemInfo(2, 5, (0, 3), 0.2, distractors=True),                  # multiple choice
        ItemInfo(3, 2, (1,), 0.5),                                      # true / false
        ItemInfo(4, 0, (), None),                                       # free entry, partial credit
        ItemInfo(5, 3, (0,), 1 / 3, distractors=True, one_key=True),   # seen by few: hidden, no upper group
        ItemInfo(6, 0, (), None),                                       # shown, never answered
    ]
    responses = []
    for a in range(1, attempts + 1):
        coarse = rng.random() < 0.5  # half the attempts earn whole credits only: many tied rest scores
        for item in items:
            if item.version_id == 5 and rng.random() < 0.9:
                continue
            roll = rng.random()
            if roll < 0.1 or item.version_id == 6:
                responses.append(ItemResponse(a, item.version_id, None, None, None))  # shown, unanswered
            elif roll < 0.2:
                responses.append(ItemResponse(a, item.version_id, 0.0, None, rng.choice([None, 4.0]), dont_know=True))
            else:
                if item.n_options:
                    if item.version_id == 2:
                        picks = tuple(sorted(rng.sample(range(5), rng.randint(1, 3))))
                        credit = 1.0 if set(picks) == {0, 3} else rng.choice((0.0, 0.5))
                    else:
                        picks = (rng.randrange(item.n_options),)
                        credit = 1.0 if picks[0] in item.correct else 0.0
                else:
                    picks = None
                    credit = rng.choice((0.0, 1.0)) if coarse else rng.choice(CREDITS)
                responses.append(ItemResponse(a, item.version_id, credit, picks, rng.choice([None, 3.0, 7.5, 12.0])))
    return items, responses


@pytest.mark.parametrize("seed", range(12))
def test_one_version_at_a_time_equals_all_at_once(seed):
    items, responses = random_world(seed)
    expected = {s.version_id: s for s in item_statistics(items, responses, min_responses=20)}
    credits = defaultdict(list)
    by_version = defaultdict(list)
    for r in responses:
        by_version[r.version_id].append(r)
        if r.credit is not None:
            credits[r.attempt_id].append(r.credit)
    for item in items:
        got = version_statistics(item, by_version[item.version_id], RestScores(credits), min_responses=20)
        assert got == expected[item.version_id]
        assert got.option_rates == expected[item.version_id].option_rates  # not compared by ==: hash=False only
    assert any(s.flags for s in expected.values()) and any(s.hidden for s in expected.values())


def test_ties_at_the_kelley_boundary_share_the_upper_group_the_same_way():
    """Rest scores 1/3 + 2/3 and 2/3 + 1/3 + 0 tie only if both sides are summed exactly."""
    item = ItemInfo(1, 3, (0,), 1 / 3, distractors=True, one_key=True)
    responses, credits = [], defaultdict(list)
    for a in range(1, 41):
        others = [1 / 3, 2 / 3] if a % 2 else [2 / 3, 1 / 3, 0.0]
        pick = 0 if a % 3 else 1
        own = ItemResponse(a, 1, 1.0 if pick == 0 else 0.0, (pick,), None)
        responses.append(own)
        credits[a] = [own.credit, *others]
    everything = responses + [ItemResponse(a, 10 + k, c, None, None)
                              for a in range(1, 41) for k, c in enumerate(credits[a][1:])]
    infos = [item] + [ItemInfo(v, 0, (), None) for v in (10, 11, 12)]
    expected = item_statistics(infos, everything, min_responses=20)[0]
    assert version_statistics(item, responses, RestScores(credits), min_responses=20) == expected


def test_a_response_of_another_version_is_refused():
    item = ItemInfo(1, 0, (), None)
    with pytest.raises(ValueError, match="version 2"):
        version_statistics(item, [ItemResponse(1, 2, 1.0, None, None)], RestScores({1: [1.0]}))


@pytest.mark.parametrize("seed", range(20))
def test_rest_scores_from_totals_equal_the_sums_of_the_others(seed):
    """Exact totals (whole credits) and inexact ones (thirds, tenths) both give fsum(others) bit for bit."""
    rng = random.Random(seed)
    responses = [ItemResponse(a, v, rng.choice(CREDITS if a % 2 else (0.0, 1.0)), None, None)
                 for a in range(1, 30) for v in range(1, rng.randint(1, 25))]
    credits = defaultdict(list)
    for r in responses:
        credits[r.attempt_id].append(r.credit)
    scores = RestScores(credits)
    expected = rest_scores(responses)
    for r in responses:
        assert scores.rest(r.attempt_id, r.credit) == expected.get((r.attempt_id, r.version_id))
