"""Classical item statistics per question version: facility, discrimination, option use, time, flags.

The numbers follow Moodle's quiz statistics report where the two overlap (facility index,
corrected item-total correlation) and add what that report leaves to the reader: a chance-aware
"too hard" cut, distractor checks in Kelley's upper group, and plain-English flags.

Definitions (all over *answered* responses, i.e. ``credit is not None``; a question that was
shown but left blank counts nowhere, not even in its attempt's total):

facility
    Mean credit (0..1).
rest score
    For one answered response, the sum of the credits its attempt earned on the *other* questions
    it answered. An attempt that answered nothing else has no rest score: a rest score of 0 would
    claim "weakest candidate" when it only means "no evidence", so such responses count for
    facility, option rates and time, but not for discrimination or the upper group.
    Totals use every answered response passed in, including versions not listed in ``items``.
discrimination
    Pearson r between the item's credit and the rest score, over responses that have a rest
    score. ``None`` when fewer than ``max(min_responses, 3)`` such responses exist or when either
    side has no variance (never NaN).
option_rates
    Choice items only: for each option index, the share of answered responses whose picks
    contain it (for ``multiple`` the shares can add up to more than 1). Empty for free entry
    and when nothing was answered. An "I don't know" picks no option, so for single choice the
    option rates and ``dont_know_rate`` add up to 1.
dont_know_rate
    The share of answered responses that were a declared "I don't know" (every type; ``None`` when
    nothing was answered). Such a response is answered with credit 0: it counts as wrong in the
    facility, the rest scores and the discrimination, and as its own row beside the options, never
    as a pick of one.
upper group
    Kelley's strongest 27 % of the responses that have a rest score, ranked by rest score. Ties at
    the boundary share the remaining places equally (fractional weights), so the group is always
    exactly 27 % and does not depend on input order.

Flags (stable codes; only computed when the item is not ``hidden``), in this order:

``too_easy``
    facility > 0.9.
``too_hard``
    facility below chance + 0.05 (chance: the expected credit of a blind guess, which the question
    type gives: 1 / options for single choice, so 0.55 for true/false), or below 0.1 for free entry.
``negative_discrimination``
    discrimination < 0: stronger candidates do worse on it; usually a wrong key or a trick.
``low_discrimination``
    0 <= discrimination < 0.15.
``unused_distractor:<i>``
    items whose wrong options are written distractors (``ItemInfo.distractors``: single and
    multiple choice): wrong option ``i`` (index in the question file) was never picked. True/false is
    left out: nobody picking the wrong truth value is already ``too_easy``.
``distractor_beats_key:<i>``
    items with one right option (``ItemInfo.one_key``): in the upper group, wrong option ``i`` was
    picked more often than the key.

``summary_flags_text(code)`` gives the sentence the UI shows for each code.
"""
from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

TOO_EASY_ABOVE = 0.9
CHANCE_MARGIN = 0.05
FREE_ENTRY_TOO_HARD_BELOW = 0.1
LOW_DISCRIMINATION_BELOW = 0.15
KELLEY_FRACTION = 0.27
MIN_CORRELATION_PAIRS = 3

TOO_EASY = "too_easy"
TOO_HARD = "too_hard"
NEGATIVE_DISCRIMINATION = "negative_discrimination"
LOW_DISCRIMINATION = "low_discrimination"
UNUSED_DISTRACTOR = "unused_distractor"
DISTRACTOR_BEATS_KEY = "distractor_beats_key"


@dataclass(frozen=True)
class ItemResponse:
    """One question version as shown in one attempt."""

    attempt_id: int
    version_id: int
    credit: float | None            # 0..1; None = shown but unanswered
    picks: tuple[int, ...] | None   # original choice indices picked; None for free entry
    seconds: float | None           # time spent on the item, if known
    dont_know: bool = False         # a declared "I don't know" (credit 0, no picks)


@dataclass(frozen=True)
class ItemInfo:
    """What statistics need to know of one question version (its question type fills it in)."""

    version_id: int
    n_options: int                  # options a learner picks among: 0 for free entry, 2 for true/false
    correct: tuple[int, ...]        # indices of the right options (true/false: (0,) True, (1,) False)
    chance: float | None            # the expected credit of a blind guess; None for free entry
    distractors: bool = False       # the wrong options are written distractors: flag one nobody picks
    one_key: bool = False           # exactly one right option: flag a distractor strong learners prefer


@dataclass(frozen=True)
class ItemStats:
    version_id: int
    responses: int                  # answered responses
    facility: float | None          # mean credit (0..1)
    discrimination: float | None    # corrected item-total (rest score) correlation
    option_rates: dict[int, float] = field(hash=False)  # a dict field must not break hash()
    median_seconds: float | None
    flags: tuple[str, ...]
    hidden: bool                    # responses < min_responses: "not enough data yet (n of 20)"
    dont_know_rate: float | None = None  # share of answered responses that were "I don't know"


def _check_item(item: ItemInfo) -> None:
    if item.n_options == 0:
        if item.correct:
            raise ValueError(f"version {item.version_id}: free-entry items have no choices")
    elif item.n_options < 2:
        raise ValueError(f"version {item.version_id}: {item.n_options} choices for an item with options")
    elif not item.correct or any(not 0 <= i < item.n_options for i in item.correct):
        raise ValueError(f"version {item.version_id}: correct choices {item.correct!r} out of range")
    if item.chance is not None and not 0.0 <= item.chance < 1.0:
        raise ValueError(f"version {item.version_id}: chance {item.chance!r} not in [0, 1)")


def _check_response(r: ItemResponse) -> None:
    if r.credit is not None and not (isinstance(r.credit, (int, float)) and 0.0 <= r.credit <= 1.0):
        raise ValueError(f"attempt {r.attempt_id}, version {r.version_id}: credit {r.credit!r} not in [0, 1]")
    if r.seconds is not None and not (math.isfinite(r.seconds) and r.seconds >= 0):
        raise ValueError(f"attempt {r.attempt_id}, version {r.version_id}: seconds {r.seconds!r} is not a duration")
    if r.dont_know and (r.credit != 0.0 or r.picks):
        raise ValueError(f"attempt {r.attempt_id}, version {r.version_id}: \"I don't know\" with credit {r.credit!r}, "
                         f"picks {r.picks!r}")


def _answered(responses: Iterable[ItemResponse]) -> list[ItemResponse]:
    """Validated answered responses; one response per (attempt, version) at most."""
    seen: set[tuple[int, int]] = set()
    answered = []
    for r in responses:
        _check_response(r)
        key = (r.attempt_id, r.version_id)
        if key in seen:
            raise ValueError(f"attempt {r.attempt_id} has more than one response to version {r.version_id}")
        seen.add(key)
        if r.credit is not None:
            answered.append(r)
    return answered


def _rest_scores(answered: Sequence[ItemResponse]) -> dict[tuple[int, int], float]:
    by_attempt: dict[int, list[ItemResponse]] = defaultdict(list)
    for r in answered:
        by_attempt[r.attempt_id].append(r)
    rest = {}
    for attempt_id, rs in by_attempt.items():
        if len(rs) < 2:
            continue
        for r in rs:
            # fsum over the others (not total - own): equal multisets give bit-identical rest scores,
            # so "no variance" is detected exactly instead of drowning in rounding noise.
            rest[(attempt_id, r.version_id)] = math.fsum(o.credit for o in rs if o is not r)
    return rest


def rest_scores(responses: Iterable[ItemResponse]) -> dict[tuple[int, int], float]:
    """(attempt_id, version_id) -> credit earned on the attempt's other answered questions.

    Only answered responses get an entry, and only when their attempt answered at least one other
    question (otherwise there is no evidence to rank the attempt by).
    """
    return _rest_scores(_answered(responses))


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson r, or None when there are fewer than two pairs or either side is constant."""
    if len(xs) != len(ys):
        raise ValueError("pearson needs two sequences of the same length")
    if len(xs) < 2 or min(xs) == max(xs) or min(ys) == max(ys):
        return None
    mx, my = math.fsum(xs) / len(xs), math.fsum(ys) / len(ys)
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    if sxx <= 0.0 or syy <= 0.0:
        return None
    r = sxy / math.sqrt(sxx * syy)
    # An exactly uncorrelated item must read 0 (low discrimination), not -1e-17 (negative).
    return 0.0 if abs(r) < 1e-12 else max(-1.0, min(1.0, r))


def upper_group_weights(scores: Sequence[float], fraction: float = KELLEY_FRACTION) -> list[float]:
    """Weights in [0, 1] marking the top `fraction` of scores; boundary ties share what is left."""
    capacity = fraction * len(scores)
    weights = [0.0] * len(scores)
    by_score: dict[float, list[int]] = defaultdict(list)
    for i, s in enumerate(scores):
        by_score[s].append(i)
    for score in sorted(by_score, reverse=True):
        if capacity <= 0:
            break
        members = by_score[score]
        if len(members) <= capacity:
            for i in members:
                weights[i] = 1.0
            capacity -= len(members)
        else:
            for i in members:
                weights[i] = capacity / len(members)
            break
    return weights


def _flags(item: ItemInfo, facility: float | None, discrimination: float | None,
           option_rates: dict[int, float], upper: list[tuple[float, ItemResponse]]) -> tuple[str, ...]:
    flags: list[str] = []
    if facility is not None:
        if facility > TOO_EASY_ABOVE:
            flags.append(TOO_EASY)
        floor = FREE_ENTRY_TOO_HARD_BELOW if item.chance is None else item.chance + CHANCE_MARGIN
        if facility < floor:
            flags.append(TOO_HARD)
    if discrimination is not None:
        if discrimination < 0:
            flags.append(NEGATIVE_DISCRIMINATION)
        elif discrimination < LOW_DISCRIMINATION_BELOW:
            flags.append(LOW_DISCRIMINATION)
    wrong = [i for i in range(item.n_options) if i not in item.correct]
    if item.distractors and option_rates:
        flags.extend(f"{UNUSED_DISTRACTOR}:{i}" for i in wrong if option_rates[i] == 0.0)
    if item.one_key and upper:
        key = math.fsum(w for w, r in upper if set(r.picks or ()) & set(item.correct))
        for i in wrong:
            picked = math.fsum(w for w, r in upper if i in (r.picks or ()))
            if picked > key + 1e-9:
                flags.append(f"{DISTRACTOR_BEATS_KEY}:{i}")
    return tuple(flags)


def _item_stats(item: ItemInfo, answered: Sequence[ItemResponse], rest: dict[tuple[int, int], float],
                min_responses: int) -> ItemStats:
    n = len(answered)
    hidden = n < min_responses
    facility = math.fsum(r.credit for r in answered) / n if n else None
    dont_know_rate = sum(r.dont_know for r in answered) / n if n else None

    option_rates: dict[int, float] = {}
    if item.n_options and n:
        counts = [0] * item.n_options
        for r in answered:
            for i in set(r.picks or ()):
                if not isinstance(i, int) or not 0 <= i < item.n_options:
                    raise ValueError(f"attempt {r.attempt_id}, version {item.version_id}: no choice {i!r}")
                counts[i] += 1
        option_rates = {i: c / n for i, c in enumerate(counts)}

    times = [r.seconds for r in answered if r.seconds is not None]
    median_seconds = float(statistics.median(times)) if times else None

    paired = [(rest[(r.attempt_id, item.version_id)], r) for r in answered
              if (r.attempt_id, item.version_id) in rest]
    enough = len(paired) >= max(min_responses, MIN_CORRELATION_PAIRS)
    discrimination = pearson([r.credit for _, r in paired], [s for s, _ in paired]) if enough else None

    flags: tuple[str, ...] = ()
    if not hidden:
        upper = []
        if enough:
            weights = upper_group_weights([s for s, _ in paired])
            upper = [(w, r) for w, (_, r) in zip(weights, paired) if w > 0]
        flags = _flags(item, facility, discrimination, option_rates, upper)

    return ItemStats(version_id=item.version_id, responses=n, facility=facility, discrimination=discrimination,
                     option_rates=option_rates, median_seconds=median_seconds, flags=flags, hidden=hidden,
                     dont_know_rate=dont_know_rate)


def item_statistics(items: Sequence[ItemInfo], responses: Sequence[ItemResponse],
                    min_responses: int = 20) -> list[ItemStats]:
    """One ItemStats per item, in the order of `items` (see the module docstring for definitions).

    Raises ValueError on inconsistent data: duplicate version ids, two responses to one version in
    one attempt, credit outside [0, 1], negative or non-finite seconds, picks that do not exist, or an
    "I don't know" with credit or picks.
    """
    seen: set[int] = set()
    for item in items:
        _check_item(item)
        if item.version_id in seen:
            raise ValueError(f"version {item.version_id} listed twice")
        seen.add(item.version_id)
    answered = _answered(responses)
    rest = _rest_scores(answered)
    by_version: dict[int, list[ItemResponse]] = defaultdict(list)
    for r in answered:
        by_version[r.version_id].append(r)
    return [_item_stats(item, by_version.get(item.version_id, []), rest, min_responses) for item in items]


class RestScores:
    """Every attempt's answered credits, giving the rest score of one of its responses as _rest_scores
    does, bit for bit, without summing the other credits again for each response.

    fsum is exact, then rounded once, so fsum(others) = round(exact sum - own). When an attempt's
    fsum(all) is its exact sum (whole credits: nearly always), ``total - own`` is that same rounding
    of the same exact value; otherwise fsum(all, -own) is.
    """

    def __init__(self, credits: Mapping[int, Sequence[float]]):
        self._credits = credits
        self._totals: dict[int, float | None] = {}  # the exact sum, or None when fsum had to round

    def rest(self, attempt_id: int, own: float) -> float | None:
        """The credit the attempt earned on its other answered questions; None if it answered no other."""
        credits = self._credits.get(attempt_id, ())
        if len(credits) < 2:
            return None
        if attempt_id not in self._totals:
            total = math.fsum(credits)
            self._totals[attempt_id] = total if math.fsum([*credits, -total]) == 0.0 else None
        total = self._totals[attempt_id]
        return total - own if total is not None else math.fsum([*credits, -own])


def version_statistics(item: ItemInfo, responses: Sequence[ItemResponse], rest_scores: RestScores,
                       min_responses: int = 20) -> ItemStats:
    """One item's statistics from its own responses and every attempt's credits: exactly what
    item_statistics() gives for it, so a refresh can stream one version at a time instead of holding
    every response. The credits behind `rest_scores` are those of all answered responses of the
    attempts (this item's included)."""
    _check_item(item)
    answered = _answered(responses)
    rest = {}
    for r in answered:
        if r.version_id != item.version_id:
            raise ValueError(f"attempt {r.attempt_id}: a response to version {r.version_id} among version "
                             f"{item.version_id}'s")
        score = rest_scores.rest(r.attempt_id, r.credit)
        if score is not None:
            rest[(r.attempt_id, r.version_id)] = score
    return _item_stats(item, answered, rest, min_responses)

_FLAG_TEXT = {
    TOO_EASY: "Almost everyone gets this right, so it tells strong and weak candidates apart very little.",
    TOO_HARD: "Hardly anyone gets this right (no better than guessing for a choice question); "
              "check the key and the wording, or move it to a higher difficulty.",
    NEGATIVE_DISCRIMINATION: "Candidates who do well on the rest of the quiz do worse on this question "
                             "than those who do badly; the key may be wrong or the wording misleading.",
    LOW_DISCRIMINATION: "How candidates do on this question has little to do with how they do on the "
                        "rest of the quiz; it may be ambiguous, off-topic or answerable by luck.",
    UNUSED_DISTRACTOR: "Nobody picked choice {n}, a wrong answer; make it more plausible or remove it.",
    DISTRACTOR_BEATS_KEY: "Among the strongest candidates, wrong choice {n} is picked more often than "
                          "the correct answer; check whether the key is right or the choice is arguably correct.",
}


def summary_flags_text(code: str) -> str:
    """A plain-English sentence for a flag code; choice numbers are 1-based, in question-file order."""
    name, _, index = code.partition(":")
    template = _FLAG_TEXT.get(name)
    needs_index = name in (UNUSED_DISTRACTOR, DISTRACTOR_BEATS_KEY)
    if template is None or needs_index != bool(index) or (index and not index.isdigit()):
        raise ValueError(f"unknown item-statistics flag {code!r}")
    return template.format(n=int(index) + 1) if needs_index else template
