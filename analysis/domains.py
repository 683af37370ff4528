"""Domain estimates for every group of a breakdown and every column at once, on a survey design.

What `analysis.survey_results.wave_results` is made of: the formulas of `Design.proportion`
(logit interval) and `Design.mean` (t interval) applied with numpy to all groups of a breakdown
(`Groups`) and all columns of an (n, k) matrix together, one row per row of the design's frame.
The test suite checks them against `analysis.estimates` call by call.

Domain estimation as R's `svyby`: a group's estimate gives no estimating function to anyone
outside it, and everyone stays in the design (the n of n/(n-1), the calibration).
A calibrated design's variances go through `Design.variance`, one group at a time; a design with
fixed weights takes the short cut of summing squares within groups, which is the same number.
Intervals use the design's degrees of freedom (as `svyciprop` on the whole design with the
answer missing outside the group; R's `svyby` would give each group its own, fewer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.catalog import clean_value
from analysis.design import Design
from analysis.estimates import LEVEL, SMALL_CELL

ALL = "all"


@dataclass(frozen=True)
class Groups:
    by: str
    codes: np.ndarray  # group index per row, -1 outside every group (missing value)
    labels: np.ndarray  # group code per index

    @property
    def size(self) -> int:
        return len(self.labels)


def groupings(frame: pd.DataFrame, by: Sequence[str]) -> list[Groups]:
    """The whole sample ("all") and each breakdown column's groups, observed and sorted; codes
    that differ only by what normalisation removes ("male" and "male\u00a0") are one group."""
    groups = [Groups(ALL, np.zeros(len(frame), dtype=np.int64), np.array([ALL], dtype=object))]
    for column in by:
        values = frame[column].astype(object).to_numpy()
        codes, labels = pd.factorize(values)  # missing -> -1
        merged, cleaned = pd.factorize(np.array([clean_value(label) for label in labels], dtype=object), sort=True)
        codes = np.where(codes >= 0, merged[np.maximum(codes, 0)] if len(merged) else -1, -1)
        groups.append(Groups(column, codes.astype(np.int64), np.asarray(cleaned, dtype=object)))
    return groups


def sums(values: np.ndarray, groups: Groups, k: int) -> np.ndarray:
    """(groups, k) sums of an (n, k) matrix over the rows of each group."""
    inside = groups.codes >= 0
    index = (groups.codes[inside, None] * k + np.arange(k)).ravel()
    return np.bincount(index, weights=values[inside].ravel(), minlength=groups.size * k).reshape(groups.size, k)


def weights_of(design: Design) -> np.ndarray:
    """The design's weights per row of its frame, 0 outside the design or its domain."""
    return np.nan_to_num(design.weights.to_numpy(), nan=0.0)


CHUNK = 20_000_000  # scores a calibrated variance handles at once (rows x columns)


def _variances(centred: np.ndarray, total: np.ndarray, design: Design, groups: Groups) -> np.ndarray:
    """(groups, k) variances of the ratio estimates whose weighted deviations are `centred`."""
    n, k = centred.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        if not design.calibrated:
            if design.n < 2:
                return np.full_like(total, np.nan)
            return design.n / (design.n - 1) * sums(centred * centred, groups, k) / (total * total)
        variance = np.full_like(total, np.nan)
        step = max(1, CHUNK // max(n * k, 1))
        for first in range(0, groups.size, step):
            block = np.arange(first, min(first + step, groups.size))
            scores = np.zeros((n, len(block), k))
            for j, group in enumerate(block):
                rows = groups.codes == group
                scores[rows, j] = centred[rows] / total[group]
            variance[block] = design.variance(scores.reshape(n, -1)).reshape(len(block), k)
    return variance


def _t(design: Design) -> float:
    """The t quantile of every group's interval: on the design's degrees of freedom."""
    return float(stats.t.ppf(0.5 + LEVEL / 2, design.df)) if design.df >= 1 else np.nan


def domain(y: np.ndarray, design: Design, groups: Groups) -> dict[str, np.ndarray]:
    """Ratio means of each column of `y` (n, k; NaN = not in the estimate) in each group."""
    k = y.shape[1]
    w_all = weights_of(design)
    keep = ~np.isnan(y) & (w_all > 0)[:, None]
    w = np.where(keep, w_all[:, None], 0.0)
    yz = np.where(keep, y, 0.0)
    total = sums(w, groups, k)
    n = sums(keep.astype(np.float64), groups, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = np.where(total > 0, sums(w * yz, groups, k) / total, np.nan)
        centred = np.zeros_like(yz)
        inside = groups.codes >= 0
        centred[inside] = w[inside] * (yz[inside] - np.nan_to_num(estimate)[groups.codes[inside]])
        variance = np.where(n >= 2, _variances(centred, total, design, groups), np.nan)
        kish = np.where(total > 0, total * total / sums(w * w, groups, k), 0.0)
    return {
        "estimate": estimate,
        "variance": variance,
        "n": n.astype(np.int64),
        "kish": kish,
        "count": sums((keep & (yz != 0)).astype(np.float64), groups, k),
        "t": _t(design),
    }


def proportions(y: np.ndarray, design: Design, groups: Groups) -> dict[str, np.ndarray]:
    """`Design.proportion` (logit interval; Clopper-Pearson on n when p is 0 or 1) per group and column."""
    result = domain(y, design, groups)
    p, variance, n = result["estimate"], result["variance"], result["n"]
    alpha = 1 - LEVEL
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        se = np.sqrt(variance)
        inner = (p > 0) & (p < 1) & (n >= 2)
        half = result["t"] * se / (p * (1 - p))
        centre = np.log(p / (1 - p))
        low = np.where(inner, 1 / (1 + np.exp(-(centre - half))), np.nan)
        high = np.where(inner, 1 / (1 + np.exp(-(centre + half))), np.nan)
        n_effective = np.where(inner, p * (1 - p) / variance, n.astype(np.float64))
    zero, one = (p == 0) & (n > 0), (p == 1) & (n > 0)
    if zero.any():
        low[zero] = 0.0
        high[zero] = stats.beta.ppf(1 - alpha / 2, 1, n[zero])
    if one.any():
        low[one] = stats.beta.ppf(alpha / 2, n[one], 1)
        high[one] = 1.0
    return {
        "estimate": p,
        "se": se,
        "low": low,
        "high": high,
        "n": n,
        "count": result["count"].astype(np.int64),
        "n_effective": n_effective,
        "small": n < SMALL_CELL,
    }


def means(y: np.ndarray, design: Design, groups: Groups) -> dict[str, np.ndarray]:
    """`Design.mean` with a t interval on the design's degrees of freedom, per group and column."""
    result = domain(y, design, groups)
    m, n, t = result["estimate"], result["n"], result["t"]
    se = np.sqrt(result["variance"])
    enough = n >= 2
    return {
        "estimate": m,
        "se": se,
        "low": np.where(enough, m - t * se, np.nan),
        "high": np.where(enough, m + t * se, np.nan),
        "n": n,
        "n_effective": np.where(enough, result["kish"], n.astype(np.float64)),
        "small": n < SMALL_CELL,
    }


class Rows:
    """Columns of a tidy table built from numpy blocks, concatenated once at the end."""

    def __init__(self, columns: list[str]):
        self.columns = columns
        self.parts: dict[str, list] = {column: [] for column in columns}

    def add(self, **block):
        arrays = [value for value in block.values() if isinstance(value, np.ndarray)]
        size = arrays[0].size if arrays else 1
        for column in self.columns:
            value = block.get(column)
            if value is None or np.isscalar(value) or isinstance(value, tuple):
                array = np.empty(size, dtype=object)
                array[:] = [value] * size
                self.parts[column].append(array)
            else:
                self.parts[column].append(np.asarray(value).ravel())

    def frame(self) -> pd.DataFrame:
        if not self.parts[self.columns[0]]:
            return pd.DataFrame(columns=self.columns)
        data = {}
        for column in self.columns:
            values = np.concatenate(self.parts[column])
            data[column] = values.astype(object) if values.dtype.kind in "OUS" else values
        return pd.DataFrame(data, columns=self.columns)


def grid(groups: Groups, items: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Group and item labels laid out like a (groups, items) result raveled row by row."""
    return np.repeat(groups.labels, len(items)), np.tile(np.asarray(items, dtype=object), groups.size)
