"""Item statistics checked against values worked out independently here (textbook formulas, plain floats)."""
import math
import statistics

import pytest

from quizapp.scoring.itemstats import (
    ItemInfo,
    ItemResponse,
    ItemStats,
    item_statistics,
    pearson,
    rest_scores,
    summary_flags_text,
    upper_group_weights,
)


def textbook_r(xs, ys):
    """Raw-sum Pearson formula: (nΣxy − ΣxΣy) / sqrt((nΣx² − (Σx)²)(nΣy² − (Σy)²))."""
    n = len(xs)
    sx, sy = sum(xs), sum(ys)
    sxy = sum(x * y for x, y in zip(xs, ys, strict=True))
    sxx, syy = sum(x * x for x in xs), sum(y * y for y in ys)
    return (n * sxy - sx * sy) / math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy))


def free(version_id):
    return ItemInfo(version_id, 0, (), None)


def info(version_id, qtype, n_options, correct):
    """The ItemInfo each question type gives (the types' own: tests/unit/test_questiontypes.py)."""
    if qtype in ("numeric", "short"):
        return ItemInfo(version_id, n_options, correct, None)
    if qtype == "true_false":
        return ItemInfo(version_id, n_options, correct, 0.5)
    return ItemInfo(version_id, n_options, correct, 1 / n_options if n_options else 0.0, distractors=True,
                    one_key=qtype == "single")


def resp(attempt, version, credit, picks=None, seconds=None):
    return ItemResponse(attempt, version, credit, picks, seconds)


def by_id(stats):
    return {s.version_id: s for s in stats}


# Six attempts, four free-entry items, partial credit included (rows: attempts, columns: items 1-4).
MATRIX = {
    1: [1, 1, 0.5, 1],
    2: [1, 0, 1, 1],
    3: [0, 1, 0, 0],
    4: [1, 1, 1, 0.5],
    5: [0, 0, 0, 1],
    6: [0, 0.5, 1, 0],
}
ITEMS = [free(v) for v in (1, 2, 3, 4)]


def matrix_responses(matrix=MATRIX):
    return [resp(a, v + 1, c) for a, row in matrix.items() for v, c in enumerate(row)]


def test_facility_and_discrimination_match_hand_computation():
    stats = by_id(item_statistics(ITEMS, matrix_responses(), min_responses=3))
    for col in range(4):
        own = [row[col] for row in MATRIX.values()]
        rest = [sum(row) - row[col] for row in MATRIX.values()]
        s = stats[col + 1]
        assert s.responses == 6
        assert s.facility == pytest.approx(sum(own) / 6)
        assert s.discrimination == pytest.approx(textbook_r(own, rest))
        assert s.option_rates == {}
        assert not s.hidden


def test_some_hand_values_spelled_out():
    # Item 1: credits 1,1,0,1,0,0; rest scores 2.5,2,1,2.5,1,1.5.
    s = by_id(item_statistics(ITEMS, matrix_responses(), min_responses=3))[1]
    assert s.facility == pytest.approx(0.5)
    # mean rest 10.5/6 = 1.75; Σ(x−x̄)(y−ȳ) = 0.5·(0.75+0.25+0.75) − 0.5·(−0.75−0.75−0.25) = 1.75
    # Σ(x−x̄)² = 1.5, Σ(y−ȳ)² = 2·0.5625 + 0.0625 + 0.5625·2 + 0.0625 = 2.375
    assert s.discrimination == pytest.approx(1.75 / math.sqrt(1.5 * 2.375))


def test_rest_scores_helper():
    rest = rest_scores(matrix_responses() + [resp(7, 1, 1.0), resp(8, 2, None), resp(8, 3, 0.5)])
    assert rest[(1, 3)] == pytest.approx(3.0)
    assert rest[(6, 2)] == pytest.approx(1.0)
    assert len(rest) == 24          # attempt 7 and 8 each answered a single question: no rest score
    assert (7, 1) not in rest and (8, 3) not in rest and (8, 2) not in rest


def ability_dataset(n=24):
    """n attempts ranked by ability k; four free-entry anchor items answered right above thresholds."""
    out = []
    for k in range(n):
        for v, threshold in zip((1, 2, 3, 4), (4, 8, 12, 16), strict=True):
            out.append(resp(k, v, 1.0 if k >= threshold else 0.0))
    return out


def test_miskeyed_item_gets_negative_discrimination_and_distractor_beats_key():
    # Choice 2 is the real answer but the key says 0: strong attempts (k >= 12) pick 2 and get no credit,
    # weak ones split between 0 (credited) and 1; nobody picks 3.
    item = info(99, "single", 4, (0,))
    answers = []
    for k in range(24):
        pick = 2 if k >= 12 else (0 if k % 2 == 0 else 1)
        answers.append(resp(k, 99, 1.0 if pick == 0 else 0.0, (pick,)))
    stats = by_id(item_statistics(ITEMS + [item], ability_dataset() + answers))
    s = stats[99]

    own = [r.credit for r in answers]
    rest = [sum(1 for t in (4, 8, 12, 16) if k >= t) for k in range(24)]
    expected = textbook_r(own, rest)
    assert expected < 0
    assert s.discrimination == pytest.approx(expected)
    assert s.facility == pytest.approx(6 / 24)
    assert s.option_rates == pytest.approx({0: 6 / 24, 1: 6 / 24, 2: 12 / 24, 3: 0.0})
    # Kelley's upper group: 27 % of 24 = 6.48 places, all within the eight attempts with rest 4 (k >= 16),
    # every one of whom picked 2.
    assert "negative_discrimination" in s.flags
    assert "distractor_beats_key:2" in s.flags
    assert "distractor_beats_key:1" not in s.flags
    assert "unused_distractor:3" in s.flags
    assert "low_discrimination" not in s.flags
    # facility 0.25 < chance 0.25 + 0.05
    assert "too_hard" in s.flags
    # The well-keyed anchors discriminate positively and carry no discrimination flags.
    for v in (1, 2, 3, 4):
        assert stats[v].discrimination > 0.15
        assert not {"negative_discrimination", "low_discrimination"} & set(stats[v].flags)


def test_well_keyed_single_item_has_no_distractor_flags():
    item = info(50, "single", 3, (1,))
    answers = [resp(k, 50, 1.0 if k >= 8 else 0.0, (1,) if k >= 8 else (k % 2 * 2,)) for k in range(24)]
    s = by_id(item_statistics(ITEMS + [item], ability_dataset() + answers))[50]
    assert s.discrimination > 0.5
    assert s.flags == ()


def test_unused_distractor():
    single = info(10, "single", 4, (0,))
    multiple = info(11, "multiple", 4, (0, 1))
    true_false = info(12, "true_false", 2, (0,))
    responses = []
    for a in range(20):
        responses.append(resp(a, 10, 1.0 if a % 3 == 0 else 0.0, ((0, 1, 2)[a % 3],)))
        responses.append(resp(a, 11, 0.5, (0,) if a % 2 else (0, 1, 3)))
        responses.append(resp(a, 12, 1.0 if a % 4 else 0.0, (0,) if a % 4 else (1,)))
    stats = by_id(item_statistics([single, multiple, true_false], responses))
    assert stats[10].option_rates[3] == 0.0
    assert "unused_distractor:3" in stats[10].flags
    assert not any(f.startswith("unused_distractor:") and f != "unused_distractor:3" for f in stats[10].flags)
    # multiple: option 2 is wrong and never picked; option 3 is wrong but picked; 0 and 1 are keys.
    assert "unused_distractor:2" in stats[11].flags
    assert "unused_distractor:3" not in stats[11].flags
    assert stats[11].option_rates == pytest.approx({0: 1.0, 1: 0.5, 2: 0.0, 3: 0.5})
    assert not any(f.startswith("unused_distractor") for f in stats[12].flags)


def test_true_false_nobody_wrong_is_too_easy_not_unused_distractor():
    tf = info(12, "true_false", 2, (1,))
    s = item_statistics([tf], [resp(a, 12, 1.0, (1,)) for a in range(25)])[0]
    assert s.facility == 1.0
    assert s.option_rates == {0: 0.0, 1: 1.0}
    assert s.flags == ("too_easy",)


def test_hidden_below_min_responses():
    item = info(5, "single", 4, (0,))
    few = [resp(a, 5, 1.0, (0,)) for a in range(19)]
    s = item_statistics([item], few)[0]
    assert s.hidden and s.responses == 19
    assert s.flags == ()                     # too_easy and unused distractors would apply, but hidden
    assert s.facility == 1.0                 # the numbers are still there for whoever wants them
    assert s.discrimination is None
    enough = item_statistics([item], few + [resp(19, 5, 1.0, (0,))])[0]
    assert not enough.hidden and enough.responses == 20
    assert enough.flags == ("too_easy", "unused_distractor:1", "unused_distractor:2", "unused_distractor:3")
    assert item_statistics([item], few, min_responses=19)[0].hidden is False


def test_hidden_counts_answered_responses_only():
    item = free(5)
    responses = [resp(a, 5, 1.0) for a in range(19)] + [resp(a, 5, None) for a in range(19, 40)]
    s = item_statistics([item], responses)[0]
    assert s.hidden and s.responses == 19


def test_zero_variance_gives_none_not_nan():
    # Item 1: everyone right. Item 3: varies, but the rest score (item 2, everyone 0.1) is constant.
    responses = []
    for a in range(30):
        responses += [resp(a, 1, 1.0), resp(a, 2, 0.1), resp(a, 3, float(a % 2))]
    stats = by_id(item_statistics([free(1), free(2), free(3)], responses))
    assert stats[1].discrimination is None          # own credit has no variance
    assert stats[2].discrimination is None          # own credit constant at 0.1 (mean not exactly 0.1 in floats)
    # item 3's rest score is 1.0 + 0.1 for every attempt: no variance on that side
    assert stats[3].discrimination is None
    for s in stats.values():
        assert s.facility is not None and not math.isnan(s.facility)
        assert not {"negative_discrimination", "low_discrimination"} & set(s.flags)
    assert stats[1].flags == ("too_easy",)


def test_no_answers_at_all():
    item = info(7, "single", 3, (0,))
    s = item_statistics([item], [resp(1, 7, None, None, 12.0)])[0]
    assert s == ItemStats(7, 0, None, None, {}, None, (), True)


def test_unanswered_responses_are_ignored():
    single = info(20, "single", 3, (0,))
    base = ability_dataset() + [resp(k, 20, 1.0 if k % 3 == 0 else 0.0, (k % 3,), 10.0 + k) for k in range(24)]
    noise = [resp(k, 20, None, (2,), 1000.0) for k in range(24, 40)]            # shown, picked, never submitted
    noise += [resp(k, v, None, None, 5.0) for k in range(24, 40) for v in (1, 2, 3, 4)]
    items = ITEMS + [single]
    assert item_statistics(items, base + noise) == item_statistics(items, base)
    assert rest_scores(base + noise) == rest_scores(base)
    s = by_id(item_statistics(items, base + noise))[20]
    assert s.responses == 24
    assert s.option_rates == pytest.approx({0: 8 / 24, 1: 8 / 24, 2: 8 / 24})
    assert s.median_seconds == pytest.approx(statistics.median([10.0 + k for k in range(24)]))


def test_unanswered_item_does_not_count_towards_rest_score():
    responses = [resp(1, 1, 1.0), resp(1, 2, None), resp(1, 3, 0.5), resp(2, 1, 0.0), resp(2, 2, 1.0)]
    rest = rest_scores(responses)
    assert rest == {(1, 1): 0.5, (1, 3): 1.0, (2, 1): 1.0, (2, 2): 0.0}


def test_attempts_without_other_answers_do_not_enter_discrimination():
    responses = matrix_responses() + [resp(100 + i, 1, 1.0) for i in range(5)]   # lone answers, credit 1
    s = by_id(item_statistics(ITEMS, responses, min_responses=3))[1]
    assert s.responses == 11
    assert s.facility == pytest.approx((3 + 5) / 11)
    own = [row[0] for row in MATRIX.values()]
    rest = [sum(row) - row[0] for row in MATRIX.values()]
    assert s.discrimination == pytest.approx(textbook_r(own, rest))


def test_median_time():
    item = free(3)
    seconds = [12.0, 3.5, None, 40.0, 7.0, 9.0, None]
    responses = [resp(a, 3, 1.0, None, t) for a, t in enumerate(seconds)]
    responses.append(resp(99, 3, None, None, 500.0))                 # unanswered: ignored
    s = item_statistics([item], responses)[0]
    assert s.median_seconds == pytest.approx(9.0)                     # 3.5, 7, 9, 12, 40
    responses.append(resp(100, 3, 0.0, None, 10.0))                  # even count: mean of middle pair
    assert item_statistics([item], responses)[0].median_seconds == pytest.approx((9.0 + 10.0) / 2)
    assert item_statistics([item], [resp(1, 3, 1.0)])[0].median_seconds is None


@pytest.mark.parametrize("qtype, n_choices, correct, facility, too_hard", [
    ("single", 4, (0,), 0.29, True),
    ("single", 4, (0,), 0.31, False),
    ("true_false", 2, (0,), 0.54, True),
    ("true_false", 2, (0,), 0.56, False),
    ("multiple", 5, (0, 1), 0.24, True),
    ("short", 0, (), 0.09, True),
    ("numeric", 0, (), 0.10, False),
])
def test_too_hard_uses_chance_level(qtype, n_choices, correct, facility, too_hard):
    item = info(1, qtype, n_choices, correct)
    picks = (0,) if n_choices else None
    responses = [resp(a, 1, facility, picks) for a in range(20)]
    s = item_statistics([item], responses)[0]
    assert s.facility == pytest.approx(facility)
    assert ("too_hard" in s.flags) is too_hard
    assert "too_easy" not in s.flags


@pytest.mark.parametrize("scale", [1.0, 0.1])
@pytest.mark.parametrize("right", [(2, 5, 9, 13, 17, 18, 22), (1, 5, 9, 14, 18, 22)])
def test_low_discrimination_flag(right, scale):
    # Item 5 follows the anchors' ranking only weakly (r ≈ 0.10) or not at all: the second set's mean
    # rest score equals everyone's, so r is exactly 0, which is low, not negative, despite rounding.
    credits = [scale if k in right else 0.0 for k in range(24)]
    responses = ability_dataset() + [resp(k, 5, c) for k, c in enumerate(credits)]
    rest = [sum(1 for t in (4, 8, 12, 16) if k >= t) for k in range(24)]
    expected = textbook_r(credits, rest)
    assert -1e-9 < expected < 0.15
    s = by_id(item_statistics(ITEMS + [free(5)], responses))[5]
    assert s.discrimination == pytest.approx(expected, abs=1e-12)
    assert s.discrimination >= 0
    assert "low_discrimination" in s.flags and "negative_discrimination" not in s.flags


def test_upper_group_weights_are_27_percent_and_share_ties():
    scores = [5, 4, 4, 4, 3, 2, 1, 1, 0, 0]                          # 2.7 places: 5, then 1.7 across three 4s
    w = upper_group_weights(scores)
    assert sum(w) == pytest.approx(2.7)
    assert w[0] == 1.0 and w[1:4] == pytest.approx([1.7 / 3] * 3) and w[4:] == [0.0] * 6
    assert upper_group_weights(list(reversed(scores))) == list(reversed(w))


def test_every_flag_has_a_sentence():
    codes = ["too_easy", "too_hard", "negative_discrimination", "low_discrimination",
             "unused_distractor:2", "distractor_beats_key:0"]
    texts = [summary_flags_text(c) for c in codes]
    assert all(t and t.endswith(".") for t in texts)
    assert len(set(texts)) == len(texts)
    assert "choice 3" in summary_flags_text("unused_distractor:2")       # 1-based for people
    assert "choice 1" in summary_flags_text("distractor_beats_key:0")
    for bad in ("nope", "unused_distractor", "too_easy:1", "unused_distractor:x"):
        with pytest.raises(ValueError):
            summary_flags_text(bad)


def test_result_order_and_hashability():
    stats = item_statistics([free(4), free(2)], matrix_responses(), min_responses=3)
    assert [s.version_id for s in stats] == [4, 2]
    assert len({hash(s) for s in stats}) == 2


@pytest.mark.parametrize("items, responses", [
    ([free(1)], [resp(1, 1, 1.0), resp(1, 1, 0.0)]),                  # two responses, one attempt
    ([free(1)], [resp(1, 1, 1.5)]),                                    # credit out of range
    ([free(1)], [resp(1, 1, float("nan"))]),
    ([free(1)], [resp(1, 1, 1.0, None, -3.0)]),                        # negative time
    ([info(1, "single", 3, (0,))], [resp(1, 1, 0.0, (3,))]),       # choice that does not exist
    ([info(1, "single", 3, (5,))], []),                            # key that does not exist
    ([ItemInfo(1, 0, (), 1.0)], []),                                   # chance of a sure thing
    ([free(1), free(1)], []),
])
def test_inconsistent_data_is_rejected(items, responses):
    with pytest.raises(ValueError):
        item_statistics(items, responses)


# --- edges found by mutation testing (docs/mutation.md) -----------------------------------------

@pytest.mark.parametrize("items, responses, message", [
    ([free(1)], [resp(1, 1, 1.0), resp(1, 1, 0.0)], "attempt 1 has more than one response to version 1"),
    ([free(1)], [resp(1, 1, 1.5)], "attempt 1, version 1: credit 1.5 not in [0, 1]"),
    ([free(1)], [resp(2, 1, 1.0, None, -3.0)], "attempt 2, version 1: seconds -3.0 is not a duration"),
    ([free(1)], [resp(2, 1, 1.0, None, float("inf"))], "attempt 2, version 1: seconds inf is not a duration"),
    ([info(1, "single", 3, (0,))], [resp(4, 1, 0.0, (3,))], "attempt 4, version 1: no choice 3"),
    ([info(1, "single", 3, (3,))], [], "version 1: correct choices (3,) out of range"),
    ([info(1, "single", 3, ())], [], "version 1: correct choices () out of range"),
    ([info(1, "single", 1, (0,))], [], "version 1: 1 choices for an item with options"),
    ([info(1, "numeric", 0, (0,))], [], "version 1: free-entry items have no choices"),
    ([ItemInfo(1, 0, (), 1.0)], [], "version 1: chance 1.0 not in [0, 1)"),
    ([ItemInfo(1, 3, (0,), -0.1)], [], "version 1: chance -0.1 not in [0, 1)"),
    ([free(1), free(1)], [], "version 1 listed twice"),
])
def test_inconsistent_data_is_rejected_with_a_message(items, responses, message):
    with pytest.raises(ValueError) as caught:
        item_statistics(items, responses)
    assert str(caught.value) == message


@pytest.mark.parametrize("seconds", [0.0, 0.5])
def test_zero_and_fractional_seconds_are_durations(seconds):
    [s] = item_statistics([free(1)], [resp(1, 1, 1.0, None, seconds)])
    assert s.median_seconds == seconds


def test_rest_scores_skip_only_the_attempts_with_a_single_answer():
    responses = [resp(1, 1, 1.0), resp(2, 1, 0.5), resp(2, 2, 1.0), resp(3, 3, 0.0)]
    assert rest_scores(responses) == {(2, 1): 1.0, (2, 2): 0.5}


def test_pearson_edges():
    assert pearson([1, 2], [1, 3]) == pytest.approx(1.0)                     # two pairs are enough
    assert pearson([1, 2, 3], [4, 4, 4]) is None and pearson([4, 4, 4], [1, 2, 3]) is None
    assert pearson([0, 1, 0, 1], [0, 0.1, 0, 0.1]) == pytest.approx(1.0)     # a small spread is still a spread
    xs, ys = [3.0, 5.0, 4.0, 9.0, 7.0], [10.0, 12.0, 15.0, 11.0, 19.0]      # means far from zero
    assert pearson(xs, ys) == pytest.approx(textbook_r(xs, ys), abs=1e-12)
    with pytest.raises(ValueError, match="^pearson needs two sequences of the same length$"):
        pearson([1, 2], [1, 2, 3])


def test_pearson_is_exactly_zero_or_within_minus_one_to_one_despite_rounding():
    assert pearson([0.1, 0.2, 0.1, 0.2], [0.3, 0.3, 0.9, 0.9]) == 0.0         # 2.9e-17 before snapping
    xs = [0.7, 1 / 3, 0.1, 0.7, 0.3, 0.2]
    ys = [-0.3 * x for x in xs]                                              # -1.0000000000000002 before clamping
    assert pearson(xs, ys) == -1.0
    assert pearson(xs, [-y for y in ys]) == 1.0


def test_upper_group_weights_stop_exactly_at_27_percent():
    w = upper_group_weights([9, 8, 7, 6, 5, 4, 3, 2, 1, 0])                   # 2.7 places
    assert w == [1.0, 1.0, pytest.approx(0.7)] + [0.0] * 7
    w = upper_group_weights(list(range(100)))                                 # exactly 27 places
    assert w == [0.0] * 73 + [1.0] * 27


def test_facility_of_exactly_0_9_is_not_too_easy():
    [s] = item_statistics([free(1)], [resp(a, 1, 0.9) for a in range(20)])
    assert s.facility == 0.9 and "too_easy" not in s.flags


def upper_group_dataset(picks_of_strong):
    """Ten attempts ranked by an anchor item (credit a/9); item 9 is single-choice (key 0) and the three
    strongest attempts pick `picks_of_strong` (2.7 places: attempts 9, 8 and 0.7 of 7); the others pick the key."""
    responses, items = [], [free(1), info(9, "single", 3, (0,))]
    for a in range(10):
        responses.append(resp(a, 1, a / 9))
        picks = picks_of_strong[9 - a] if a >= 7 else (0,)
        responses.append(resp(a, 9, 1.0 if picks == (0,) else 0.0, picks))
    return by_id(item_statistics(items, responses, min_responses=5))[9]


def test_distractor_beats_key_needs_more_picks_than_the_key_in_the_upper_group():
    assert "distractor_beats_key:1" in upper_group_dataset([(1,), (1,), (0,)]).flags    # 2 vs 0.7
    assert "distractor_beats_key:1" in upper_group_dataset([(1,), (0,), (1,)]).flags    # 1.7 vs 1
    assert not any(f.startswith("distractor_beats_key") for f in upper_group_dataset([(0,), (1,), (2,)]).flags)
    assert not any(f.startswith("distractor_beats_key") for f in upper_group_dataset([(0,), (0,), (1,)]).flags)


def test_distractor_beats_key_is_for_single_choice_items_only():
    responses, items = [], [free(v) for v in (1, 2, 3, 4)] + [info(9, "multiple", 4, (0, 1))]
    for a in range(10):
        responses += [resp(a, v, 1.0 if a >= 2 * v else 0.0) for v in (1, 2, 3, 4)]
        responses.append(resp(a, 9, 0.0 if a >= 7 else 1.0, (2, 3) if a >= 7 else (0, 1)))
    s = by_id(item_statistics(items, responses, min_responses=5))[9]
    assert s.discrimination < 0 and not any(f.startswith("distractor_beats_key") for f in s.flags)


def test_discrimination_needs_min_responses_pairs():
    responses = matrix_responses()
    assert by_id(item_statistics(ITEMS, responses, min_responses=6))[1].discrimination is not None   # 6 pairs
    assert by_id(item_statistics(ITEMS, responses, min_responses=7))[1].discrimination is None


def test_unknown_flag_message_names_the_code():
    with pytest.raises(ValueError, match="^unknown item-statistics flag 'nope'$"):
        summary_flags_text("nope")


def test_pearson_of_no_pairs_is_none():
    """Fewer than two pairs has no correlation, including none at all (an item nobody answered)."""
    assert pearson([], []) is None and pearson([0.5], [3.0]) is None


def test_a_chance_of_zero_is_accepted():
    """Pins 0 <= chance (not 0 < chance): a type whose blind guess earns nothing gives chance 0.0."""
    [s] = item_statistics([ItemInfo(1, 0, (), 0.0)], [])
    assert (s.version_id, s.responses, s.flags) == (1, 0, ())


def test_pearson_keeps_a_correlation_of_exactly_1e_12():
    """Pins |r| < 1e-12 (strict): here sxy = 2e-12 and sxx = syy = 2 (1e-24 is lost), so r is 1e-12 exactly."""
    assert pearson([0.0, 0.0, -1.0, 1.0], [1.0, -1.0, -1e-12, 1e-12]) == 1e-12
    assert pearson([0.0, 0.0, -1.0, 1.0], [-1.0, 1.0, 1e-12, -1e-12]) == -1e-12


def test_pearson_of_a_constant_side_is_none_even_when_its_mean_rounds():
    """Pins the constant-side guard (or, not and): the mean of three 0.1s rounds below 0.1, so sxx is
    not exactly 0 and only the first guard says there is no correlation."""
    assert pearson([0.1, 0.1, 0.1], [0.0, 1.0, 2.0]) is None
    assert pearson([0.0, 1.0, 2.0], [0.1, 0.1, 0.1]) is None
