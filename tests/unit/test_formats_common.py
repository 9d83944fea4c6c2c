"""What the converters share (formats/_common.py): the `quizapp:` facts each key may carry, and how it reports the rest."""
import math

import pytest

from quizapp.bank.formats._common import apply_metadata

SINGLE = {"type": "single"}
NUMERIC = {"type": "numeric", "answer": 1.0}
SHORT = {"type": "short", "answers": ["a"]}
SHORT_WITH_PATTERN = {"type": "short", "pattern": "b+"}
NOT_A_TOLERANCE = "quizapp tolerance {} is neither a number nor a percentage like '1%'; ignored"

# (question before, quizapp facts, facts the question gains, notes)
METADATA = [
    # the comment itself
    (SINGLE, None, {}, []),
    (SINGLE, {}, {}, []),
    (SINGLE, [], {}, ["the quizapp comment must hold a JSON object; ignored"]),
    (SINGLE, "text", {}, ["the quizapp comment must hold a JSON object; ignored"]),
    # difficulty: a whole number 1-5, not a bool, float or text
    (SINGLE, {"difficulty": 2}, {"difficulty": 2}, []),
    (SINGLE, {"difficulty": 5}, {"difficulty": 5}, []),
    (SINGLE, {"difficulty": 0}, {}, ["quizapp difficulty 0 is not 1-5; using 3"]),
    (SINGLE, {"difficulty": True}, {}, ["quizapp difficulty True is not 1-5; using 3"]),
    (SINGLE, {"difficulty": 2.0}, {}, ["quizapp difficulty 2.0 is not 1-5; using 3"]),
    (SINGLE, {"difficulty": "2"}, {}, ["quizapp difficulty '2' is not 1-5; using 3"]),
    # skills and references: a non-empty list of non-blank texts
    (SINGLE, {"skills": ["a.b", "c"]}, {"skills": ["a.b", "c"]}, []),
    (SINGLE, {"skills": []}, {}, ["quizapp skills must be a non-empty list of texts; ignored"]),
    (SINGLE, {"skills": "a"}, {}, ["quizapp skills must be a non-empty list of texts; ignored"]),
    (SINGLE, {"skills": ["a", " "]}, {}, ["quizapp skills must be a non-empty list of texts; ignored"]),
    (SINGLE, {"skills": ["a", 1]}, {}, ["quizapp skills must be a non-empty list of texts; ignored"]),
    (SINGLE, {"references": ["https://x"]}, {"references": ["https://x"]}, []),
    (SINGLE, {"references": [""]}, {}, ["quizapp references must be a non-empty list of texts; ignored"]),
    (SINGLE, {"references": None}, {}, ["quizapp references must be a non-empty list of texts; ignored"]),
    # reviewed: a date
    (SINGLE, {"reviewed": "2026-01-02"}, {"reviewed": "2026-01-02"}, []),
    (SINGLE, {"reviewed": "2026-1-2"}, {}, ["quizapp reviewed '2026-1-2' is not a date YYYY-MM-DD; ignored"]),
    (SINGLE, {"reviewed": 20260102}, {}, ["quizapp reviewed 20260102 is not a date YYYY-MM-DD; ignored"]),
    # requires: non-blank text
    (SINGLE, {"requires": "pandas>=2"}, {"requires": "pandas>=2"}, []),
    (SINGLE, {"requires": "  "}, {}, ['quizapp requires must be text like "pandas>=2.0"; ignored']),
    (SINGLE, {"requires": ["x"]}, {}, ['quizapp requires must be text like "pandas>=2.0"; ignored']),
    # check: exactly {"python": code}
    (SINGLE, {"check": {"python": "print(1)"}}, {"check": {"python": "print(1)"}}, []),
    (SINGLE, {"check": {"python": ""}}, {}, ['quizapp check must be {"python": code}; ignored']),
    (SINGLE, {"check": {"python": "x", "js": "y"}}, {}, ['quizapp check must be {"python": code}; ignored']),
    (SINGLE, {"check": "print(1)"}, {}, ['quizapp check must be {"python": code}; ignored']),
    (SINGLE, {"check": {"python": 1}}, {}, ['quizapp check must be {"python": code}; ignored']),
    # keys of one type only, on another type (checked before the value)
    (SINGLE, {"unit": "ms"}, {}, ["quizapp unit applies only to numeric questions; ignored"]),
    (SINGLE, {"tolerance": 1}, {}, ["quizapp tolerance applies only to numeric questions; ignored"]),
    (SINGLE, {"pattern": "a"}, {}, ["quizapp pattern applies only to short questions; ignored"]),
    (SINGLE, {"case_sensitive": True}, {}, ["quizapp case_sensitive applies only to short questions; ignored"]),
    (SHORT, {"unit": 3}, {}, ["quizapp unit applies only to numeric questions; ignored"]),
    (SHORT, {"tolerance": "1%"}, {}, ["quizapp tolerance applies only to numeric questions; ignored"]),
    (NUMERIC, {"pattern": "("}, {}, ["quizapp pattern applies only to short questions; ignored"]),
    (NUMERIC, {"case_sensitive": False}, {}, ["quizapp case_sensitive applies only to short questions; ignored"]),
    # unit: non-blank text
    (NUMERIC, {"unit": "ms"}, {"unit": "ms"}, []),
    (NUMERIC, {"unit": ""}, {}, ["quizapp unit must be text; ignored"]),
    (NUMERIC, {"unit": 3}, {}, ["quizapp unit must be text; ignored"]),
    # tolerance: a finite non-negative number, or a percentage written as digits and %
    (NUMERIC, {"tolerance": "1%"}, {"tolerance": "1%"}, []),
    (NUMERIC, {"tolerance": "2.5%"}, {"tolerance": "2.5%"}, []),
    (NUMERIC, {"tolerance": 0}, {"tolerance": 0}, []),
    (NUMERIC, {"tolerance": 0.5}, {"tolerance": 0.5}, []),
    (NUMERIC, {"tolerance": -1}, {}, [NOT_A_TOLERANCE.format("-1")]),
    (NUMERIC, {"tolerance": math.inf}, {}, [NOT_A_TOLERANCE.format("inf")]),
    (NUMERIC, {"tolerance": math.nan}, {}, [NOT_A_TOLERANCE.format("nan")]),
    (NUMERIC, {"tolerance": True}, {}, [NOT_A_TOLERANCE.format("True")]),
    (NUMERIC, {"tolerance": None}, {}, [NOT_A_TOLERANCE.format("None")]),
    (NUMERIC, {"tolerance": "1"}, {}, [NOT_A_TOLERANCE.format("'1'")]),
    (NUMERIC, {"tolerance": "1 %"}, {}, [NOT_A_TOLERANCE.format("'1 %'")]),
    (NUMERIC, {"tolerance": ".5%"}, {}, [NOT_A_TOLERANCE.format("'.5%'")]),
    # pattern: a regular expression, joined with the one the question already has
    (SHORT, {"pattern": "a+"}, {"pattern": "a+"}, []),
    (SHORT_WITH_PATTERN, {"pattern": "a+"}, {"pattern": "(?:a+)|(?:b+)"}, []),
    (SHORT_WITH_PATTERN, {"pattern": "b+"}, {"pattern": "b+"}, []),
    (SHORT_WITH_PATTERN, {"pattern": ""}, {"pattern": "(?:)|(?:b+)"}, []),
    (SHORT, {"pattern": "("}, {}, ["quizapp pattern '(' is not a regular expression; ignored"]),
    (SHORT, {"pattern": 5}, {}, ["quizapp pattern 5 is not a regular expression; ignored"]),
    (SHORT, {"pattern": None}, {}, ["quizapp pattern None is not a regular expression; ignored"]),
    # case_sensitive: a bool
    (SHORT, {"case_sensitive": True}, {"case_sensitive": True}, []),
    (SHORT, {"case_sensitive": False}, {"case_sensitive": False}, []),
    (SHORT, {"case_sensitive": "yes"}, {}, ["quizapp case_sensitive must be true or false; ignored"]),
    (SHORT, {"case_sensitive": 1}, {}, ["quizapp case_sensitive must be true or false; ignored"]),
    # anything else
    (SINGLE, {"color": "red"}, {}, ["unknown quizapp key 'color' ignored"]),
    (SINGLE, {"Difficulty": 2}, {}, ["unknown quizapp key 'Difficulty' ignored"]),
    # several keys: each on its own, notes in the comment's order
    (NUMERIC, {"difficulty": 9, "skills": "x", "unit": "s", "tolerance": "5%", "pattern": "p", "zz": 1,
               "reviewed": "2020-02-02"},
     {"unit": "s", "tolerance": "5%", "reviewed": "2020-02-02"},
     ["quizapp difficulty 9 is not 1-5; using 3", "quizapp skills must be a non-empty list of texts; ignored",
      "quizapp pattern applies only to short questions; ignored", "unknown quizapp key 'zz' ignored"]),
]


@pytest.mark.parametrize("before, meta, gained, notes", METADATA, ids=[repr(meta) for _, meta, _, _ in METADATA])
def test_apply_metadata_carries_each_key_or_says_why_not(before, meta, gained, notes):
    question, seen = dict(before), []
    apply_metadata(question, meta, seen.append)
    assert (question, seen) == ({**before, **gained}, notes)


def test_apply_metadata_copies_lists():
    skills = ["a.b"]
    question = {"type": "single"}
    apply_metadata(question, {"skills": skills}, [].append)
    skills.append("changed")
    assert question["skills"] == ["a.b"]
