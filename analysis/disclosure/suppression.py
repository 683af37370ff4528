"""Greedy local suppression until every record's combination is seen at least k times.

Each round counts the records (wildcard-aware) and, for every violating record and variable,
whether suppressing that one cell would bring the record to k. Variables are ranked by how
many violating records they would fix (lower tiers first: the variables to keep come last) and
each fixable record loses the cell of the best-ranked variable that fixes it. Among records
that differ only on that variable, suppressing one makes it match its siblings, so within such
a group only as many are suppressed as the others need. Records no single cell can fix lose the
cell that raises their count most, and the next round tries again. Ties are broken by the order
of the variables, so the outcome is deterministic.

Whether a cell fixes a record is judged with `Matcher.lower_bound` (it ignores matches that
depend on wildcards elsewhere), which is cheap; the exact count of the next round decides.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis.disclosure.matching import WILDCARD, Matcher, distinct_rows


def suppress(codes: np.ndarray, k: int, tiers: Sequence[int]) -> np.ndarray:
    """Boolean mask of cells to suppress. tiers[v]: lower tiers are suppressed first."""
    codes = codes.copy()
    q = codes.shape[1]
    tiers = np.asarray(tiers, dtype=np.int64)
    while True:
        rows, inverse, weights = distinct_rows(codes)
        matcher = Matcher(rows, weights)
        # The lower bound settles most rows; only those below k need the exact count.
        counts = matcher.lower_bound(rows)
        unsure = np.flatnonzero(counts < k)
        counts[unsure] = matcher.count(rows[unsure])
        violating = np.flatnonzero(counts < k)
        if not len(violating):
            return codes == WILDCARD
        with_wildcard = _counts_with_wildcard(matcher, rows, violating)
        fixes = with_wildcard >= k
        fixed = (fixes * weights[violating, None]).sum(axis=0)
        ranking = sorted((v for v in range(q) if fixed[v] > 0), key=lambda v: (tiers[v], -fixed[v], v))
        if not ranking:
            _suppress_best_cell(codes, inverse, violating, with_wildcard, tiers)
            continue
        assigned = np.full(len(violating), -1)
        for variable in ranking:
            assigned[(assigned < 0) & fixes[:, variable]] = variable
        for variable in ranking:
            chosen = _fewest_in_groups(rows, counts, weights, violating, assigned == variable, variable, k)
            codes[np.isin(inverse, chosen), variable] = WILDCARD


def _counts_with_wildcard(matcher: Matcher, rows: np.ndarray, violating: np.ndarray) -> np.ndarray:
    """(A lower bound of) f of each violating row with variable v suppressed; -1 where v already is."""
    result = np.full((len(violating), rows.shape[1]), -1, dtype=np.int64)
    for v in range(rows.shape[1]):
        open_ = rows[violating, v] != WILDCARD
        query = rows[violating[open_]].copy()
        query[:, v] = WILDCARD
        result[open_, v] = matcher.lower_bound(query)
    return result


def _fewest_in_groups(rows, counts, weights, violating, fixable, variable, k) -> np.ndarray:
    targets = violating[fixable]
    siblings = rows[targets].copy()
    siblings[:, variable] = WILDCARD
    _, group, sizes = distinct_rows(siblings)
    chosen = [targets[sizes[group] == 1]]
    for g in np.flatnonzero(sizes > 1):
        members = targets[group == g]
        # Fewest records first, then by position: deterministic and cheap in cells.
        members = members[np.lexsort((members, weights[members], counts[members]))]
        taken: list[int] = []
        weight_taken = 0
        for member in members:
            if counts[member] + weight_taken < k:
                taken.append(member)
                weight_taken += weights[member]
        chosen.append(np.array(taken, dtype=np.int64))
    return np.concatenate(chosen)


def _suppress_best_cell(codes, inverse, violating, with_wildcard, tiers) -> None:
    q = codes.shape[1]
    span = int(with_wildcard.max()) + 2
    # One sortable number per cell: tier first, then the larger count, then variable order.
    score = (tiers[None, :] * span + (span - 1 - with_wildcard)) * q + np.arange(q)[None, :]
    score = np.where(with_wildcard >= 0, score, np.iinfo(np.int64).max)
    choice = np.full(int(inverse.max()) + 1, -1, dtype=np.int64)
    choice[violating] = score.argmin(axis=1)
    records = np.flatnonzero(choice[inverse] >= 0)
    codes[records, choice[inverse[records]]] = WILDCARD
