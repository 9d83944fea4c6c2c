"""Adaptive selection: ask about the skill whose gap decision is least certain, with the item
that tells us most about it, and stop each skill once the decision is clear.

Rules (MEASUREMENT.md sections 0 and 6):
- a skill stops at P(gap) outside [0.1, 0.9] after at least `min_items` answers on it (earlier sittings'
  answers of the learner's profile count), once its posterior SD is below 0.35 (the ability is pinned
  down, right at the cut: more items would not settle it), or at its cap of questions in this sitting;
- a skill with fewer answers of its own than `min_items` also stops at P(gap) outside [0.1, 0.9] once its
  area (math, Python, …) has `min_area_items` answers: the call is borrowed from the area's answers
  through the correlated prior (posterior.py), and the report says so. This is what lets a test of many
  skills stop before the cap when every call is clear (AdaptiveSettings.for_assessment);
- whatever the profile says, a skill stops only once this sitting has asked `min_area_items` questions in
  its area (`looked_at`): every sitting looks at every area again, so a learner who has studied can move;
- after at least `min_items` answers it also stops once its decision cannot change (deterministic
  curtailment, `decision_locked`): even if every answer to the items left before the cap pointed the
  other way, on the items the selector could pick, P(gap) would stay on the same side of 0.5;
- eligible skills are not stopped, have unused items, and would be at most 2 items ahead of
  the least-tested eligible skill in this sitting after this item; among them, the largest role
  weight × min(P(gap), 1 - P(gap)) (skill_choice "uncertainty"), or (skill_choice "decisive", what the
  app deploys) the largest role weight × (how much one more answer is expected to make its call decisive,
  `decision_gain`, + half its uncertainty): a call at 62 % that one answer can settle comes before one
  at 50 % that needs several, so more calls are decisive when the test ends;
- within the skill, posterior-weighted Fisher information of the 3PL (guessing included),
  chosen at random among the top 3 (exposure control); items seen recently are avoided while
  unseen ones remain;
- content balance (issue #20), applied to the eligible skills and their items: free-entry items
  (typed answers) carry the most information and would otherwise fill the test. A free-entry item
  may come next only if choice items stay at least 40 % of the items asked counting it (choice so
  far >= 0.4 × (asked + 1)), so the share holds at every prefix, i.e. wherever the test stops; no
  more than 3 free-entry items in a row; no more than 2 items on one skill in a row while another
  eligible skill remains. A rule the items left cannot meet gives way (skill variety before the
  format), and the Selection's reason says so;
- the attempt stops when every skill has stopped, or (`stop_on_areas`, `sitting_decided`) once every area has
  been looked at, every area's call is clear (its P(gap) outside [0.1, 0.9], the role-weighted mean of its
  skills as the report computes it) and every skill has a call on the report (P(gap) outside the report's
  bars, [0.3, 0.7]; with no answer of its own, outside [0.1, 0.9]): a learner far from the targets is not kept
  for skills whose call more questions would only sharpen; or at the length limit. `stop_reason` says why.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np

from .ability import ItemParams, p_correct
from .posterior import THETA_GRID, JointPosterior

_STEP = float(THETA_GRID[1] - THETA_GRID[0])
_COARSE_STEP = 4
_COARSE = THETA_GRID[::_COARSE_STEP]


@dataclass(frozen=True)
class AdaptiveItem:
    key: int | str
    skill: str
    params: ItemParams
    free_entry: bool = False   # a typed answer, not a pick among options: the caller sets it from the question type


@dataclass(frozen=True)
class AdaptiveSettings:
    max_items: int = 30
    skill_cap: int = 10                # questions on one skill in this sitting
    min_items: int = 2                 # answers on a skill (all sittings) before its own call can stop it
    min_area_items: int = 2            # answers in a skill's area before a borrowed call can stop it
    stop_low: float = 0.1
    stop_high: float = 0.9
    stop_sd: float = 0.35
    lead: int = 2
    randomesque: int = 3
    curtail: bool = True
    min_choice_share: float = 0.4      # of the items asked, at every point of the test; 0: no rule
    max_free_run: int | None = 3       # free-entry items in a row; None: no rule
    max_skill_run: int | None = 2      # items on one skill in a row; None: no rule
    skill_choice: str = "uncertainty"  # which open skill comes next: "uncertainty" or "decisive" (decision_gain)
    decide_low: float = 0.3            # the report's calls, which "decisive" aims at: no gap at or below,
    decide_high: float = 0.7           # gap at or above
    stop_on_areas: bool = True         # stop once every area's call is clear and every skill has a call

    def __post_init__(self):
        if self.skill_choice not in SKILL_CHOICES:
            raise ValueError(f"skill_choice must be one of {', '.join(SKILL_CHOICES)}, not {self.skill_choice!r}")

    @classmethod
    def for_assessment(cls, max_items: int, n_skills: int, **kwargs) -> AdaptiveSettings:
        """Settings where the minimum per skill fits the length limit: two answers per skill when the
        limit has room for them, else one, so that a test of many skills can still stop early (a skill
        may also stop on a borrowed call: see the module's rules)."""
        return cls(max_items=max_items, min_items=2 if 2 * n_skills <= max_items else 1, **kwargs)

    def without_content_rules(self) -> AdaptiveSettings:
        """The same settings with content balance off: the selection is the one before issue #20."""
        return replace(self, min_choice_share=0.0, max_free_run=None, max_skill_run=None)


SKILL_CHOICES = ("uncertainty", "decisive")
# With skill_choice "decisive", a skill's score is its decision_gain plus this share of its uncertainty
# min(P, 1 - P), so that skills no single answer can settle still come (bench/sittings.py chose it).
DECISIVE_UNCERTAINTY = 0.5

# Why a skill takes no more questions (AdaptiveState.skill_status).
STOPPED_CLEAR = "clear"          # a clear (or pinned-down) call on its own answers
STOPPED_BORROWED = "borrowed"    # a clear call from its area's answers
STOPPED_LOCKED = "locked"        # the questions left could not change the call
STOPPED_CAP = "cap"              # its most questions in one sitting
STOPPED_NO_ITEMS = "no items"    # no unseen question left

# What Selection.relaxed names when a content rule gave way for lack of items.
RELAXED_FORMAT = "format"
RELAXED_SKILL_RUN = "skill run"


@dataclass(frozen=True)
class Selection:
    item: AdaptiveItem
    p_gap: float
    reason: str
    relaxed: tuple[str, ...] = ()   # the content rules that gave way for this item (RELAXED_*)


@dataclass
class SkillTarget:
    theta: float
    weight: float = 1.0
    name: str = ""


def fisher_information(params: ItemParams, theta=THETA_GRID):
    """3PL item information a²·(Q/P)·((P - c)/(1 - c))² on a grid."""
    p = np.clip(p_correct(theta, params), 1e-9, 1 - 1e-9)
    return params.a ** 2 * ((1 - p) / p) * ((p - params.c) / (1 - params.c)) ** 2


def _information(items: Sequence[AdaptiveItem], theta=THETA_GRID) -> np.ndarray:
    """fisher_information of many items at once: one row per item. Each parameters object is computed
    once: the app's pool gives uncalibrated items of one label the same object (attempts.item_pool), so a
    big bank has a few dozen of them. By identity, as hashing thousands of dataclasses costs more."""
    params = [i.params for i in items]
    distinct = list({id(q): q for q in params}.values())
    a = np.array([p.a for p in distinct])[:, None]
    b = np.array([p.b for p in distinct])[:, None]
    c = np.array([p.c for p in distinct])[:, None]
    p = np.clip(c + (1.0 - c) / (1.0 + np.exp(-a * (np.asarray(theta)[None, :] - b))), 1e-9, 1 - 1e-9)
    info = a ** 2 * ((1 - p) / p) * ((p - c) / (1 - c)) ** 2
    if len(distinct) == len(params):
        return info
    row = {id(q): k for k, q in enumerate(distinct)}
    return info[[row[id(q)] for q in params]]


def skill_stopped(p_gap: float, n: int, settings: AdaptiveSettings, sd: float = float("inf"), area_n: int = 0,
                  asked: int | None = None) -> bool:
    """Whether a skill with `n` answers (all sittings; `asked` in this one, n when None) and `area_n` in its
    area is done: a clear or pinned-down call on enough answers, a clear call borrowed from its area, or its cap."""
    clear = p_gap < settings.stop_low or p_gap > settings.stop_high
    return (n >= settings.min_items and (clear or sd < settings.stop_sd)) \
        or (clear and area_n >= settings.min_area_items) \
        or (n if asked is None else asked) >= settings.skill_cap


def decision_locked(weights: np.ndarray, target: float, items: Sequence[AdaptiveItem], remaining: int,
                    top: int = 3) -> bool:
    """Deterministic curtailment: True when no answers to the skill's `remaining` allowed items can
    move P(gap) across 0.5, so asking them cannot change the decision.

    The worst case is every answer pointing the other way (all right when P(gap) > .5, all wrong
    otherwise: turning one answer to the other side moves P(gap) that way, the 3PL having a monotone
    likelihood ratio), on items the selector could pick along that path: at each step, among the
    `top` unused items with the largest posterior-weighted information under the worst-case
    posterior so far (the randomesque choice), the one whose answer moves P(gap) furthest. The
    information is ranked on every 4th grid point to keep it cheap; the likelihoods use the full
    grid. New answers on the skill multiply its marginal by their likelihood, so the path is
    computed on the marginal alone; answers on other skills still move it a little through the
    shared factor, and that is left out.
    """
    share = np.clip((target - (THETA_GRID - _STEP / 2)) / _STEP, 0.0, 1.0)
    w = weights / weights.sum()
    p_gap = float(w @ share)
    if p_gap == 0.5:
        return False
    gap = p_gap > 0.5
    if remaining <= 0 or not items:
        return True
    params = np.array([(i.params.a, i.params.b, i.params.c) for i in items])
    a, b, c = params[:, 0:1], params[:, 1:2], params[:, 2:3]
    p = np.clip(c + (1.0 - c) / (1.0 + np.exp(-a * (_COARSE[None, :] - b))), 1e-9, 1 - 1e-9)
    info = a ** 2 * ((1 - p) / p) * ((p - c) / (1 - c)) ** 2
    free = np.ones(len(items), dtype=bool)
    for step in range(min(remaining, len(items))):
        score = np.where(free, info @ w[::_COARSE_STEP], -np.inf)
        k = min(max(top, 1), len(items) - step)
        best = np.argpartition(-score, k - 1)[:k] if k < len(items) else np.arange(len(items))
        right = np.clip(c[best] + (1.0 - c[best]) / (1.0 + np.exp(-a[best] * (THETA_GRID[None, :] - b[best]))),
                        1e-9, 1 - 1e-9)
        moved = w[None, :] * (right if gap else 1.0 - right)      # the answer pointing the other way
        moved /= moved.sum(axis=1, keepdims=True)
        after = moved @ share
        j = int(np.argmin(after) if gap else np.argmax(after))
        free[best[j]] = False
        w = moved[j]
        if (float(after[j]) > 0.5) != gap:
            return False
    return True


@dataclass
class AdaptiveState:
    """Everything selection needs, rebuilt from the saved answers of an attempt."""

    posterior: JointPosterior
    targets: Mapping[str, SkillTarget]
    pool: Mapping[str, Sequence[AdaptiveItem]]
    used: set = field(default_factory=set)
    recent: set = field(default_factory=set)
    asked: int = 0
    history: list[AdaptiveItem] = field(default_factory=list)  # the items asked, in order: the content rules read it
    earlier: Mapping[str, int] = field(default_factory=dict)   # answers per skill from earlier sittings (the profile)

    def record(self, item: AdaptiveItem) -> None:
        """Note that `item` was asked (its answer goes to the posterior separately)."""
        self.used.add(item.key)
        self.asked += 1
        self.history.append(item)

    def p_gap(self, skill: str) -> float:
        return self.posterior.estimate(skill, self.targets[skill].theta).p_gap

    def asked_on(self, skill: str) -> int:
        """Questions on the skill in this sitting."""
        return self.posterior.counts.get(skill, 0) - self.earlier.get(skill, 0)

    def area_count(self, skill: str) -> int:
        """Answers (all sittings) on the skills of this skill's area."""
        area = self.posterior.area_of(skill)
        return sum(n for s, n in self.posterior.counts.items() if self.posterior.area_of(s) == area)

    def area_asked(self, skill: str) -> int:
        """Questions in this sitting on the skills of this skill's area."""
        area = self.posterior.area_of(skill)
        return sum(self.asked_on(s) for s in self.posterior.counts if self.posterior.area_of(s) == area)

    def looked_at(self, skill: str, settings: AdaptiveSettings) -> bool:
        """Whether this sitting has asked enough in the skill's area for the skill to stop: every sitting looks
        at every area again (min_area_items questions; one for a skill with no area of other skills), so a
        profile settled in earlier sittings can still move."""
        area = self.posterior.area_of(skill)
        shared = sum(1 for s in self.targets if self.posterior.area_of(s) == area) > 1
        return self.area_asked(skill) >= (settings.min_area_items if shared else 1)

    def area_p_gaps(self) -> dict[str, float]:
        """P(gap) of each area's call, as the report makes it: the role-weighted mean ability of the area's
        skills against the same mean of their targets (JointPosterior.area_estimate)."""
        members: dict[str, list[str]] = {}
        for s in self.targets:
            members.setdefault(self.posterior.area_of(s), []).append(s)
        out = {}
        for area, skills in members.items():
            weights = [self.targets[s].weight for s in skills]
            target = sum(w * self.targets[s].theta for w, s in zip(weights, skills)) / (sum(weights) or 1.0)
            out[area] = self.posterior.area_estimate(skills, target, weights).p_gap
        return out

    def has_call(self, skill: str, settings: AdaptiveSettings) -> bool:
        """Whether the report would call the skill gap or no gap now (gaps.call's bars)."""
        p = self.p_gap(skill)
        if self.posterior.counts.get(skill, 0):
            return p <= settings.decide_low or p >= settings.decide_high
        return p < settings.stop_low or p > settings.stop_high

    def skill_status(self, skill: str, settings: AdaptiveSettings) -> str | None:
        """Why the skill takes no more questions (one of the STOPPED_* reasons), or None while it is open."""
        e = self.posterior.estimate(skill, self.targets[skill].theta)
        n, asked = self.posterior.counts.get(skill, 0), self.asked_on(skill)
        if asked >= settings.skill_cap:
            return STOPPED_CAP
        looked = self.looked_at(skill, settings)
        if looked and skill_stopped(e.p_gap, n, settings, e.sd, self.area_count(skill), asked):
            return STOPPED_CLEAR if n >= settings.min_items else STOPPED_BORROWED
        unused = [i for i in self.pool.get(skill, ()) if i.key not in self.used]
        if not unused:
            return STOPPED_NO_ITEMS
        if looked and settings.curtail and n >= settings.min_items and decision_locked(
                self.posterior.marginals()[skill], self.targets[skill].theta, unused, settings.skill_cap - asked,
                settings.randomesque):
            return STOPPED_LOCKED
        return None

    def open_skills(self, settings: AdaptiveSettings) -> list[str]:
        """Skills whose decision is not settled and that still have unused items."""
        return [s for s in self.targets if self.skill_status(s, settings) is None]


def decision_gain(state: AdaptiveState, skill: str, settings: AdaptiveSettings) -> float:
    """How much one more answer on the skill is expected to change whether its call is decisive (outside
    [decide_low, decide_high]; with no answer of its own, outside the stop band, as the report's borrowed bar):
    a one-step look-ahead with its most informative unused item, on the skill's marginal."""
    unused = [i for i in state.pool.get(skill, ()) if i.key not in state.used]
    if not unused:
        return 0.0
    w = state.posterior.marginals()[skill]
    target = state.targets[skill].theta
    share = np.clip((target - (THETA_GRID - _STEP / 2)) / _STEP, 0.0, 1.0)
    info = _information(unused) @ w
    item = unused[int(np.argmax(info))]
    right = np.clip(p_correct(THETA_GRID, item.params), 1e-9, 1 - 1e-9)
    p_right = float(w @ right)

    def decisive(p: float, own: int) -> float:
        low, high = (settings.decide_low, settings.decide_high) if own else (settings.stop_low, settings.stop_high)
        return float(p <= low or p >= high)

    own = state.posterior.counts.get(skill, 0)
    now = decisive(float(w @ share), own)
    after_right = w * right
    after_wrong = w * (1.0 - right)
    expected = (p_right * decisive(float(after_right @ share / after_right.sum()), own + 1)
                + (1.0 - p_right) * decisive(float(after_wrong @ share / after_wrong.sum()), own + 1))
    return expected - now


def free_entry_blocked(history: Sequence[AdaptiveItem], settings: AdaptiveSettings) -> str | None:
    """Why a free-entry item may not come next ("share" or "run"), or None when it may.

    "share": choice items would fall below min_choice_share of the items asked once this one is
    asked. Since every prefix of the test then keeps the share (a choice item keeps it too:
    k >= s·n implies k + 1 >= s·(n + 1) for s <= 1), the share holds wherever the test stops.
    "run": the last max_free_run items were all free entry.
    """
    n = len(history)
    choice = sum(1 for i in history if not i.free_entry)
    if choice < settings.min_choice_share * (n + 1):
        return "share"
    run = settings.max_free_run
    if run is not None and n >= run and all(i.free_entry for i in history[n - run:]):
        return "run"
    return None


def repeated_skill(history: Sequence[AdaptiveItem], settings: AdaptiveSettings) -> str | None:
    """The skill of the last max_skill_run items when they all share one, which may not come next."""
    run = settings.max_skill_run
    n = len(history)
    if not run or n < run:
        return None
    last = {i.skill for i in history[n - run:]}
    return last.pop() if len(last) == 1 else None


@dataclass
class _Balance:
    """What the content rules leave for the next item, and why."""

    skills: list[str]
    free_ok: bool
    blocked: str | None = None                  # free_entry_blocked's verdict, when it was applied
    moved: str | None = None                    # the skill a rule kept from coming next, had it been the pick
    moved_why: str = ""
    relaxed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _has_choice_left(state: AdaptiveState, skill: str) -> bool:
    return any(not i.free_entry and i.key not in state.used for i in state.pool.get(skill, ()))


def _balance(state: AdaptiveState, eligible: list[str], n_open: int, settings: AdaptiveSettings, forced: bool,
             best) -> _Balance:
    """Apply the content rules to the skills that may come next: first the format (a choice item when a
    free-entry one would break the share or the run), then skill variety. A rule the items left cannot
    meet gives way, the format rule last."""
    blocked = free_entry_blocked(state.history, settings)
    out = _Balance(list(eligible), blocked is None)
    if blocked:
        with_choice = [s for s in eligible if _has_choice_left(state, s)]
        if with_choice:
            out.skills, out.blocked = with_choice, blocked
            if best(eligible) not in with_choice:
                out.moved, out.moved_why = best(eligible), "has no question with options left"
        else:
            out.free_ok = True
            out.relaxed.append(RELAXED_FORMAT)
            where = "this skill" if forced else "the skills that may come next"
            out.notes.append(f"No question with options is left on {where}, so this one is typed.")
    repeated = None if forced else repeated_skill(state.history, settings)
    if repeated in out.skills:
        others = [s for s in out.skills if s != repeated]
        if others:
            if out.moved is None and best(out.skills) == repeated:
                out.moved, out.moved_why = repeated, f"had the last {settings.max_skill_run} questions"
            out.skills = others
        else:
            out.relaxed.append(RELAXED_SKILL_RUN)
            why = ("it is the only skill still open" if n_open == 1 else
                   "the other skills still open have no question with options left" if len(eligible) > 1 else
                   "the other skills still open are further ahead")
            out.notes.append(f"It comes again: {why}.")
    return out


def _eligible(state: AdaptiveState, settings: AdaptiveSettings, only_skill: str | None) -> tuple[list[str], int]:
    """The skills the next item may be on before the content rules (open, and not too far ahead), and
    how many skills are open."""
    if only_skill is not None:
        eligible = [only_skill] if any(i.key not in state.used for i in state.pool.get(only_skill, ())) else []
        return eligible, len(eligible)
    if state.asked >= settings.max_items:
        return [], 0
    eligible = state.open_skills(settings)
    n_open = len(eligible)
    if eligible:
        floor = min(state.asked_on(s) for s in eligible)
        # after this item, no skill may be more than `lead` items of this sitting ahead of the least-tested one
        eligible = [s for s in eligible if state.asked_on(s) + 1 <= floor + settings.lead]
    return eligible, n_open


def sitting_decided(state: AdaptiveState, settings: AdaptiveSettings) -> bool:
    """Whether the sitting may stop with skills still open: every area looked at in this sitting and its call
    clear, and every skill with a call on the report (see the module's rules)."""
    if not settings.stop_on_areas or not state.targets:
        return False
    if not all(state.looked_at(s, settings) and state.has_call(s, settings) for s in state.targets):
        return False
    return all(p < settings.stop_low or p > settings.stop_high for p in state.area_p_gaps().values())


def select_next(state: AdaptiveState, settings: AdaptiveSettings, rng: random.Random,
                only_skill: str | None = None) -> Selection | None:
    """The next item, or None when the attempt should stop."""
    if only_skill is None and state.asked < settings.max_items and sitting_decided(state, settings):
        return None
    eligible, n_open = _eligible(state, settings, only_skill)
    if not eligible:
        return None
    uncertainty = {s: min(p := state.p_gap(s), 1 - p) for s in eligible}
    gain = {s: decision_gain(state, s, settings) for s in eligible} if settings.skill_choice == "decisive" else {}

    def best(skills: list[str]) -> str:
        return max(skills, key=lambda s: (state.targets[s].weight * (gain.get(s, 0.0) + DECISIVE_UNCERTAINTY * uncertainty[s]),
                                          -state.asked_on(s)))

    balance = _balance(state, eligible, n_open, settings, only_skill is not None, best)
    skill = best(balance.skills)
    unused = [i for i in state.pool[skill] if i.key not in state.used]
    # choice items only when the rules need one; a typed answer the rules refused makes this a restricted pick
    restricted = not balance.free_ok and any(i.free_entry for i in unused)
    if not balance.free_ok:
        unused = [i for i in unused if not i.free_entry]
    fresh = [i for i in unused if i.key not in state.recent]
    candidates = fresh or unused
    weights = state.posterior.marginals()[skill]
    # One array operation for all candidates; rounded so that items with equal parameters tie exactly.
    info = dict(zip((i.key for i in candidates), np.round(_information(candidates) @ weights, 12).tolist()))
    # Shuffle first so equally informative items (same label, day-one parameters) take turns in the
    # top 3; a fixed tie-break would always offer the same few and leave much of the bank unused.
    candidates = list(candidates)
    rng.shuffle(candidates)
    ranked = sorted(candidates, key=lambda i: -info[i.key])
    item = rng.choice(ranked[:settings.randomesque])
    p = state.p_gap(skill)
    reason = _reason(state, skill, p, state.asked_on(skill), only_skill is not None, restricted, balance.moved is not None,
                     settings.skill_choice == "decisive")
    return Selection(item, p, " ".join([reason, *_balance_notes(state, balance, settings, restricted)]),
                     tuple(balance.relaxed))


def _balance_notes(state: AdaptiveState, balance: _Balance, settings: AdaptiveSettings, restricted: bool) -> list[str]:
    """The sentences that say how the content rules shaped this choice."""
    notes = []
    if balance.moved is not None:
        notes.append(f"{state.targets[balance.moved].name or balance.moved} {balance.moved_why}, "
                     "so another skill comes now.")
    if restricted and balance.blocked == "share":
        notes.append(f"At every point of the test at least {round(settings.min_choice_share * 100)} % of your "
                     "questions have options to choose from.")
    elif restricted:
        notes.append(f"No more than {settings.max_free_run} typed answers come in a row.")
    return notes + balance.notes


def _reason(state: AdaptiveState, skill: str, p: float, n: int, forced: bool, choice_only: bool = False,
            moved: bool = False, decisive: bool = False) -> str:
    name = state.targets[skill].name or skill
    if forced:
        return f"You asked for more questions on {name}."
    if n == 0:
        return f"A first question on {name}, near the level the role needs" + (
            ", with options to choose from." if choice_only else ".")
    if decisive:
        among = ("an answer here is the most likely of the skills that may come now to settle its call" if moved
                 else "an answer here is the most likely to settle one of your calls")
    else:
        among = "the least settled of the skills that may come now" if moved else "the least settled of your skills"
    which = "of its questions with options to choose from, this one" if choice_only else "this question"
    return f"{name}: we are {round(p * 100)} % sure of a gap, {among}; {which} tells us most about where you stand."


def stop_reason(state: AdaptiveState, settings: AdaptiveSettings) -> str:
    """Why an attempt that select_next ended has stopped, in the learner's words: its length limit, or
    how each skill came to take no more questions."""
    if state.asked >= settings.max_items:
        return f"it reached its limit of {settings.max_items} questions"
    statuses = [state.skill_status(s, settings) for s in state.targets]
    parts = []
    decided = None in statuses and sitting_decided(state, settings)
    if decided:
        n = len(state.area_p_gaps())
        parts.append(f"{n} {'area' if n == 1 else 'areas'} clear")
    for status, words in ((STOPPED_CLEAR, "clear from {its} own answers"),
                          (STOPPED_BORROWED, "clear from the answers in {its} area"),
                          (STOPPED_LOCKED, "settled: the questions left could not change {its} call"),
                          (STOPPED_CAP, f"at {{its}} most questions in one sitting ({settings.skill_cap})"),
                          (STOPPED_NO_ITEMS, "out of unseen questions")):
        n = statuses.count(status)
        if n:
            parts.append(f"{n} {'skill' if n == 1 else 'skills'} " + words.format(its="its" if n == 1 else "their"))
    if decided:
        n = statuses.count(None)
        parts.append(f"{n} {'skill' if n == 1 else 'skills'} called but not yet {round(settings.stop_high * 100)} % sure")
        lead = "every area's call was clear and every skill had a call"
    elif set(statuses) <= {STOPPED_CLEAR, STOPPED_BORROWED, STOPPED_LOCKED}:
        lead = "every skill's call was clear"
    else:
        lead = "no skill could take another question"
    return f"{lead} ({'; '.join(parts)})" if parts else lead
