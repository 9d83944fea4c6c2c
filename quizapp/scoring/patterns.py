"""Response patterns: persons who gave the same responses, found once so a fit works per pattern.

Why: with a few answers per skill and attempt, 100,000 attempts hold a few tens of thousands of
distinct patterns on a skill, and a posterior depends on the responses only. Computing it once per
pattern, weighted by how many persons share it, gives every sum over persons exactly, in a third
of the work or less (`quizapp calibrate`, bench/README.md).
"""
from __future__ import annotations

import numpy as np


def row_ids(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Number the distinct rows of a 2-D array in sorted order: (each row's number, the first row
    with each number). Column by column, each number pair (so far, next value) is renumbered densely,
    so the numbers never overflow; ``np.unique(axis=0)`` sorts the rows as opaque bytes, far slower."""
    ids = np.zeros(rows.shape[0], dtype=np.int64)
    for column in rows.T:
        values, value_ids = np.unique(column, return_inverse=True)
        _, ids = np.unique(ids * values.size + value_ids.ravel(), return_inverse=True)
        ids = ids.ravel()
    _, first = np.unique(ids, return_index=True)
    return ids, first


def group_patterns(owner: np.ndarray, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group owners by their sequence of ``kind`` numbers.

    ``owner``: each entry's owner 0..n-1, ascending, every owner present; ``kind``: a number per
    entry, in a fixed order within each owner (sort by it). Returns (each owner's pattern, the first
    owner of each pattern, each pattern's number of owners). Patterns are numbered by their length,
    then their sequence.
    """
    per_owner = np.bincount(owner)
    start = np.concatenate([[0], np.cumsum(per_owner)[:-1]])
    pattern_of = np.empty(per_owner.size, dtype=np.intp)
    representatives, counts = [], []
    numbered = 0
    for size in np.unique(per_owner):
        who = np.flatnonzero(per_owner == size)
        ids, first = row_ids(kind[start[who][:, None] + np.arange(size)])
        pattern_of[who] = ids + numbered
        representatives.append(who[first])
        counts.append(np.bincount(ids, minlength=first.size))
        numbered += first.size
    return pattern_of, np.concatenate(representatives), np.concatenate(counts)
