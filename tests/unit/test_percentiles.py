"""The report's mid-rank percentile (reports/percentiles.py), from the counts its SQL statement returns."""
import pytest

from quizapp.reports.percentiles import percentile_rank


@pytest.mark.parametrize(("below", "tied", "others", "expected"), [
    (5, 0, 10, 50),
    (0, 10, 10, 50),        # everyone tied: the middle
    (9, 1, 10, 95),         # a tie counts half
    (1, 0, 8, 13),          # 12.5 rounds half up (Python's round() would say 12)
    (1, 1, 8, 19),          # 18.75
    (2, 1, 3, 83),
    (0, 0, 10, 0),          # below everyone
    (10, 0, 10, 100),       # above everyone
    (0, 1, 199, 1),         # 0.25 % is not "below everyone": it reads 1
    (198, 1, 199, 99),      # 99.75 % is not "above everyone": it reads 99
    (1, 0, 1, 100),
    (0, 0, 1, 0),
    (0, 1, 1, 50),
])
def test_share_strictly_below_plus_half_the_ties(below, tied, others, expected):
    assert percentile_rank(below, tied, others) == expected


@pytest.mark.parametrize(("below", "tied", "others"), [(0, 0, 0), (3, 0, 2), (1, 2, 2), (-1, 0, 2), (0, -1, 2)])
def test_impossible_counts_are_refused(below, tied, others):
    with pytest.raises(ValueError, match="impossible counts"):
        percentile_rank(below, tied, others)


def test_brute_force_agrees_on_every_small_population():
    for others in range(1, 30):
        for below in range(others + 1):
            for tied in range(others - below + 1):
                exact = 100 * (below + tied / 2) / others
                got = percentile_rank(below, tied, others)
                assert abs(got - exact) <= 0.5 or got in (1, 99), (below, tied, others)
                assert (got == 0) == (below == tied == 0) and (got == 100) == (below == others)
