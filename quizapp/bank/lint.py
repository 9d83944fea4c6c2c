"""Content lint: what a careful item reviewer would flag, beyond what the schema can reject.

Errors break the rules every item must follow (feedback on wrong options, a proven key for
numeric items, a key the review can show a learner, a review date, no "all/none of the above");
warnings point at patterns that let test-wise learners score without knowing the skill (key
position, longest option) and at prompts that nearly repeat each other.

Bank-level rules (`lint_answer_cues`) are errors: over the whole bank, a blind strategy ("always
answer false", "pick the longest option", "always pick choice 2") must not score clearly better
than chance. The app shuffles choices for every attempt, but the file order is what the Aiken/GIFT
exports and a printed form show, so the key position is checked in file order too.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

from ..questiontypes import get_question_type
from ..questiontypes.choice import ChoiceType
from .definitions import Bank, QuestionDef

ERROR, WARNING = "error", "warning"
ALL_NONE = re.compile(r"\b(all|none|both|neither) of the above\b|^\W*(all|none) of (these|them)\W*$", re.IGNORECASE)
BASE_MODULES = {"numpy", "pandas", "sklearn", "math", "statistics", "fractions", "decimal", "itertools",
                "functools", "collections", "sqlite3", "json", "re", "random", "copy", "dataclasses", "heapq",
                "bisect", "operator", "string", "typing", "sys", "io", "contextlib", "abc", "enum", "datetime",
                "time", "array", "struct", "textwrap", "warnings", "types", "weakref", "inspect", "timeit", "os",
                "scipy", "matplotlib", "seaborn", "unittest"}  # the verify environment (test extras) has these too
IMPORT_RE = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


@dataclass(frozen=True)
class LintFinding:
    path: str
    line: int
    level: str
    message: str
    item_id: str | None = None

    def __str__(self) -> str:
        who = f" q '{self.item_id}':" if self.item_id else ""
        return f"{self.path}:{self.line}:{who} {self.level}: {self.message}"


def _plain(text: str) -> str:
    return re.sub(r"[`*_$]", "", text).strip()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9_]+", text.lower()))


def lint_question(q: QuestionDef, today: dt.date, max_age_days: int) -> list[LintFinding]:
    """Findings for one question on its own."""
    d, out = q.definition, []

    def add(level, message):
        out.append(LintFinding(q.path, q.line, level, message, q.id))

    for i, choice in enumerate(d.get("choices", []), start=1):
        if ALL_NONE.search(choice["text"]):
            add(ERROR, f"choice {i} is an 'all/none of the above' option; write a real distractor")
        if not choice["correct"] and not choice.get("feedback"):
            add(ERROR, f"choice {i} is wrong but has no feedback naming the misconception")
    qtype = get_question_type(q.qtype)
    if qtype.key_needs_check and not d.get("check"):
        add(ERROR, f"{q.qtype} item without a `check` to prove its key")
    for problem in qtype.key_problems(d):
        add(ERROR, problem)
    if "reviewed" not in d:
        add(ERROR, "no `reviewed:` date")
    elif (today - dt.date.fromisoformat(d["reviewed"])).days > max_age_days:
        add(WARNING, f"reviewed {d['reviewed']}, more than {max_age_days} days ago")
    code = (d.get("check") or {}).get("python", "")
    extra = sorted({m for m in IMPORT_RE.findall(code)} - BASE_MODULES)
    if extra and not d.get("requires"):
        add(WARNING, f"check imports {', '.join(extra)}: say so with `requires:`")
    return out


def lint_file(path: str, questions: Sequence[QuestionDef]) -> list[LintFinding]:
    """Per-file patterns over the single-choice items: key position and key length."""
    singles = [q for q in questions if get_question_type(q.qtype).one_key]
    out = []
    if len(singles) >= 6:
        positions = Counter(next(i for i, c in enumerate(q.definition["choices"]) if c["correct"]) for q in singles)
        position, count = positions.most_common(1)[0]
        if count / len(singles) > 0.5:
            out.append(LintFinding(path, 1, WARNING, f"the key is choice {position + 1} in {count} of {len(singles)} "
                                                     "single-choice items; vary its position"))
        longest = sum(1 for q in singles if _key_is_longest(q))
        if longest / len(singles) > 0.4:
            out.append(LintFinding(path, 1, WARNING, f"the key is the longest option in {longest} of {len(singles)} "
                                                     "single-choice items; test-wise learners will notice"))
    return out


# Bank-level answer-cue rules (see `lint_answer_cues`), each with the smallest sample it applies to.
TF_MIN, TF_BAND = 10, (0.40, 0.60)       # share of `true` keys among true/false items
LONGEST_MIN, LONGEST_MARGIN = 10, 0.10   # "the longest option is right" vs its no-cue rate
POSITION_MIN, POSITION_RATIO = 30, 1.5   # single choice: no file position above 1.5× its fair share


def _key_is_longest(q: QuestionDef) -> bool:
    lengths = [(len(_plain(c["text"])), c["correct"]) for c in q.definition["choices"]]
    top = max(n for n, _ in lengths)
    winners = [correct for n, correct in lengths if n == top]
    return winners == [True]


def _longest_is_correct(q: QuestionDef) -> bool:
    """The single longest option (by plain-text length) is a correct one; a tie for longest counts as no cue."""
    lengths = [(len(_plain(c["text"])), bool(c.get("correct"))) for c in q.definition["choices"]]
    top = max(n for n, _ in lengths)
    winners = [correct for n, correct in lengths if n == top]
    return winners == [True]


def _bank_path(questions: Sequence[QuestionDef]) -> str:
    """The folder all question files share (where bank-wide findings point)."""
    common = os.path.commonprefix([os.path.dirname(q.path).split(os.sep) for q in questions])
    return os.sep.join(common) or "questions"


def lint_answer_cues(questions: Sequence[QuestionDef]) -> list[LintFinding]:
    """Bank-wide answer cues a test-wise learner can exploit without knowing the skill (errors).

    - true/false: the share of `true` keys lies in 40–60 % (with ≥ 10 items): "always false" then
      scores at most 60 %, 10 points above a coin flip; an author controls this exactly, so the
      band is about honesty, not sampling noise.
    - multiple and single choice, each with ≥ 10 items: "the longest option is right" holds no more
      than 10 points above the rate it would have if length said nothing (the mean, over items, of
      correct options / options; 1/k for single choice). 10 points is about 1.5 standard errors
      for the bank's ~50 multiple-answer items, so a rate above it is a habit, not chance. A rate
      more than 10 points *below* it ("never pick the longest") is a warning.
    - single choice in file order (≥ 30 items): no key position holds more than 1.5× its fair share
      (the sum of 1/k over items with at least that many options); with 4 options that is 37.5 %
      instead of 25 %.
    """
    out: list[LintFinding] = []
    path = _bank_path(questions) if questions else "questions"

    def add(message):
        out.append(LintFinding(path, 1, ERROR, message))

    tf = [q for q in questions if get_question_type(q.qtype).boolean_key]
    if len(tf) >= TF_MIN:
        true = sum(q.definition.get("answer") is True for q in tf)
        share = true / len(tf)
        low, high = TF_BAND
        if not low <= share <= high:
            blind, wanted = ("false", "true") if share < low else ("true", "false")
            add(f"true/false keys: {true} of {len(tf)} are true ({share:.0%}), outside {low:.0%}–{high:.0%}: "
                f"answering '{blind}' always scores {max(share, 1 - share):.0%}; rewrite some statements so that "
                f"they are {wanted} (negate or replace the claim)")
    choice_items: dict[str, list[QuestionDef]] = defaultdict(list)  # by choice type, in bank order
    for q in questions:
        if isinstance(get_question_type(q.qtype), ChoiceType):
            choice_items[q.qtype].append(q)
    for kind, items in choice_items.items():
        label = "single-choice" if get_question_type(kind).one_key else "multiple-answer"
        if len(items) < LONGEST_MIN:
            continue
        longest = sum(_longest_is_correct(q) for q in items)
        base = sum(sum(bool(c.get("correct")) for c in q.definition["choices"]) / len(q.definition["choices"])
                   for q in items) / len(items)
        rate = longest / len(items)
        if rate > base + LONGEST_MARGIN:
            add(f"{label} items: the longest option is a correct one in {longest} of {len(items)} ({rate:.0%}) "
                f"against {base:.0%} if length said nothing (margin {LONGEST_MARGIN:.0%}): shorten correct options "
                "or lengthen distractors with a real misconception")
        elif rate < base - LONGEST_MARGIN:  # the reverse habit is a cue too, but a weaker one: a warning
            out.append(LintFinding(path, 1, WARNING,
                                   f"{label} items: the longest option is a correct one in only {longest} of "
                                   f"{len(items)} ({rate:.0%}) against {base:.0%} if length said nothing, so "
                                   "'never pick the longest' pays: let some keys be the longest option"))
    singles = [q for q in questions if get_question_type(q.qtype).one_key]
    if len(singles) >= POSITION_MIN:
        positions = Counter(next(i for i, c in enumerate(q.definition["choices"]) if c.get("correct")) for q in singles)
        for position in sorted(positions):
            fair = sum(1 / len(q.definition["choices"]) for q in singles if len(q.definition["choices"]) > position)
            if positions[position] > POSITION_RATIO * fair:
                add(f"single-choice items: the key is choice {position + 1} in {positions[position]} of {len(singles)} "
                    f"(fair share {fair:.0f}, limit {POSITION_RATIO}×) in file order, which exports and print keep: "
                    "move some keys to other positions")
    return out


def near_duplicates(questions: Sequence[QuestionDef], threshold: float = 0.85) -> list[LintFinding]:
    """Pairs of prompts whose word sets overlap almost completely (Jaccard ≥ threshold)."""
    words = [(q, _words(q.definition.get("prompt", ""))) for q in questions]
    index: dict[str, list[int]] = defaultdict(list)
    for i, (_, ws) in enumerate(words):
        for w in ws:
            index[w].append(i)
    out, seen = [], set()
    for i, (q, ws) in enumerate(words):
        if len(ws) < 4:
            continue
        shared = Counter(j for w in ws for j in index[w] if j > i)
        for j, common in shared.items():
            other, ows = words[j]
            if common / len(ws | ows) >= threshold and (i, j) not in seen:
                seen.add((i, j))
                out.append(LintFinding(q.path, q.line, WARNING,
                                       f"prompt nearly repeats q '{other.id}' ({other.path}:{other.line})", q.id))
    return out


def lint_bank(bank: Bank, today: dt.date | None = None, max_age_days: int = 365) -> list[LintFinding]:
    """Every finding over a loaded (valid) bank, errors and warnings together, in file order."""
    today = today or dt.date.today()
    findings = [f for q in bank.questions for f in lint_question(q, today, max_age_days)]
    by_file: dict[str, list[QuestionDef]] = defaultdict(list)
    for q in bank.questions:
        by_file[q.path].append(q)
    for path, questions in by_file.items():
        findings.extend(lint_file(path, questions))
    findings.extend(near_duplicates(bank.questions))
    findings.extend(lint_answer_cues(bank.questions))
    return sorted(findings, key=lambda f: (f.path, f.line, f.level))
