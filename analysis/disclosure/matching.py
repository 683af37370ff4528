"""Wildcard-aware counting of quasi-identifier combinations.

sdcMicro's convention: two records match when they agree on every variable where neither is
suppressed, so a suppressed cell matches any value. A missing answer that was not suppressed is
a category of its own. Records are coded as integer matrices (one column per variable, -1 for
a suppressed cell) and grouped by their suppression pattern; each pair of patterns is counted
with one sorted lookup on the variables both keep, so the work grows with the number of
patterns, not with the square of the number of records.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

WILDCARD = -1
_KEY_LIMIT = 2**62  # mixed-radix keys above this would overflow int64


def encode(frame: pd.DataFrame, quasi: Sequence[str], suppressed: pd.DataFrame | None = None) -> np.ndarray:
    """Integer codes per quasi variable; missing gets its own code, suppressed cells WILDCARD."""
    codes = np.empty((len(frame), len(quasi)), dtype=np.int64)
    for j, variable in enumerate(quasi):
        column, uniques = pd.factorize(frame[variable], use_na_sentinel=True)
        codes[:, j] = np.where(column < 0, len(uniques), column)
        if suppressed is not None:
            codes[suppressed[variable].to_numpy(dtype=bool), j] = WILDCARD
    return codes


def distinct_rows(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique rows (in order of first appearance), each row's group, and group sizes."""
    n, q = codes.shape
    if q == 0:
        return codes[: min(n, 1)], np.zeros(n, dtype=np.int64), np.array([n] if n else [], dtype=np.int64)
    shifted = codes + 1  # WILDCARD becomes 0
    radix = shifted.max(axis=0) + 1 if n else np.ones(q, dtype=np.int64)
    if _fits(radix):
        keys = _mixed_radix(shifted, radix, range(q))
        _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    else:
        _, first, inverse, counts = np.unique(codes, axis=0, return_index=True, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    # Renumber groups by first appearance so results do not depend on key arithmetic.
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return codes[first[order]], rank[inverse], counts[order]


class Matcher:
    """Counts, for query rows, the weight of data rows that match them with wildcards."""

    def __init__(self, codes: np.ndarray, weights: np.ndarray):
        self.codes = codes
        self.weights = np.asarray(weights, dtype=np.int64)
        self.q = codes.shape[1]
        self.radix = (codes.max(axis=0) + 1).clip(min=1) if len(codes) else np.ones(self.q, dtype=np.int64)
        patterns = _patterns(codes)
        self.groups = {int(p): np.flatnonzero(patterns == p) for p in np.unique(patterns)}
        self.tables: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def count(self, query: np.ndarray) -> np.ndarray:
        """Exact f of each query row against the data."""
        result = np.zeros(len(query), dtype=np.int64)
        full = (1 << self.q) - 1
        query_patterns = _patterns(query)
        for query_pattern in np.unique(query_patterns):
            rows = np.flatnonzero(query_patterns == query_pattern)
            # Data patterns that leave the same variables to compare share one lookup.
            by_kept: dict[int, list[int]] = {}
            for data_pattern in self.groups:
                by_kept.setdefault(full & ~(int(query_pattern) | data_pattern), []).append(data_pattern)
            for kept, data_patterns in by_kept.items():
                result[rows] += self._lookup(query[rows], tuple(data_patterns), kept)
        return result

    def lower_bound(self, query: np.ndarray) -> np.ndarray:
        """f counting only data rows whose suppressed cells are all suppressed in the query too.

        One lookup per query pattern instead of one per pair of patterns; never above `count`.
        """
        result = np.zeros(len(query), dtype=np.int64)
        full = (1 << self.q) - 1
        query_patterns = _patterns(query)
        for query_pattern in np.unique(query_patterns):
            rows = np.flatnonzero(query_patterns == query_pattern)
            inside = tuple(p for p in self.groups if p & ~int(query_pattern) == 0)
            if inside:
                result[rows] = self._lookup(query[rows], inside, full & ~int(query_pattern))
        return result

    def _lookup(self, query: np.ndarray, data_patterns: tuple[int, ...], kept: int) -> np.ndarray:
        members = self._members(data_patterns)
        if kept == 0:
            return np.full(len(query), self.weights[members].sum(), dtype=np.int64)
        columns = [j for j in range(self.q) if kept >> j & 1]
        radix = self.radix
        if not _fits(radix[columns]) or np.any(query[:, columns] >= radix[columns]):
            return _matches_by_rows(query[:, columns], self.codes[members][:, columns], self.weights[members])
        table = self.tables.get((data_patterns, kept))
        if table is None:
            keys = _mixed_radix(self.codes[members], radix, columns)
            unique, inverse = np.unique(keys, return_inverse=True)
            sums = np.bincount(inverse.reshape(-1), weights=self.weights[members]).astype(np.int64)
            table = self.tables[(data_patterns, kept)] = (unique, sums)
        unique, sums = table
        keys = _mixed_radix(query, radix, columns)
        position = np.searchsorted(unique, keys).clip(max=len(unique) - 1)
        return np.where(unique[position] == keys, sums[position], 0)

    def _members(self, data_patterns: tuple[int, ...]) -> np.ndarray:
        if len(data_patterns) == 1:
            return self.groups[data_patterns[0]]
        return np.concatenate([self.groups[p] for p in data_patterns])


def match_counts(codes: np.ndarray) -> np.ndarray:
    """f_k for every record of a coded matrix."""
    rows, inverse, weights = distinct_rows(codes)
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    return Matcher(rows, weights).count(rows)[inverse]


def _patterns(codes: np.ndarray) -> np.ndarray:
    bits = np.left_shift(np.int64(1), np.arange(codes.shape[1], dtype=np.int64))
    return (codes == WILDCARD).astype(np.int64) @ bits if codes.shape[1] else np.zeros(len(codes), np.int64)


def _fits(radix: np.ndarray) -> bool:
    product = 1
    for value in radix.tolist():
        product *= max(int(value), 1)
    return product < _KEY_LIMIT


def _mixed_radix(codes: np.ndarray, radix: np.ndarray, columns) -> np.ndarray:
    keys = np.zeros(len(codes), dtype=np.int64)
    for j in columns:
        keys = keys * int(radix[j]) + codes[:, j]
    return keys


def _matches_by_rows(query: np.ndarray, data: np.ndarray, weights: np.ndarray) -> np.ndarray:
    # Too many categories for an int64 key: number the rows of both sides together instead.
    _, inverse = np.unique(np.vstack([data, query]), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    sums = np.bincount(inverse[: len(data)], weights=weights, minlength=inverse.max() + 1).astype(np.int64)
    return sums[inverse[len(data) :]]
