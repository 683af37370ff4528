"""Proportions and means, weighted or not, with design-based standard errors and intervals.

The design is single-stage with replacement and no strata (each respondent is a unit), which
is what `svydesign(ids = ~1, weights = ~w)` means in R's survey package. Variances are by
linearisation with the n/(n-1) factor, so the results agree with `svymean` and `svyciprop`.
Equal weights give the unweighted result, and scaling all weights by a constant changes
nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

SMALL_CELL = 10  # cells with fewer respondents are flagged, not hidden
LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    estimate: float
    se: float
    low: float
    high: float
    n: int  # respondents with an answer
    n_effective: float  # the sample size an unweighted survey would need for the same precision
    small: bool  # n < SMALL_CELL

    def as_dict(self) -> dict:
        return {
            "estimate": self.estimate,
            "se": self.se,
            "low": self.low,
            "high": self.high,
            "n": self.n,
            "n_effective": self.n_effective,
            "small": self.small,
        }


def _clean(values, weights) -> tuple[np.ndarray, np.ndarray, int]:
    """Answers and weights of the respondents in the estimate, and the design's size.

    Respondents with no answer stay in the design with weight 0, as R's `na.rm = TRUE` and
    domain estimation keep them: the n/(n-1) factor and the degrees of freedom are the
    design's, not the domain's.
    """
    y = pd.Series(values, dtype="float64").to_numpy()
    w = np.ones_like(y) if weights is None else pd.Series(weights, dtype="float64").to_numpy()
    if len(w) != len(y):
        raise ValueError("values and weights differ in length")
    if np.any(w[~np.isnan(w)] < 0):
        raise ValueError("weights must not be negative")
    in_design = ~np.isnan(w)
    keep = in_design & ~np.isnan(y) & (w > 0)
    return y[keep], w[keep], int(in_design.sum())


def _linearised_variance(y: np.ndarray, w: np.ndarray, mean: float, n_design: int) -> float:
    """Variance of the ratio mean Σwy/Σw; z_i = w_i (y_i - mean) / Σw, var = n/(n-1) Σ z_i²."""
    if n_design < 2 or len(y) < 2:
        return math.nan
    z = w * (y - mean) / w.sum()
    return float(n_design / (n_design - 1) * np.sum(z * z))


def _empty() -> Estimate:
    return Estimate(math.nan, math.nan, math.nan, math.nan, 0, 0.0, True)


def mean(values, weights=None, *, level: float = LEVEL) -> Estimate:
    """A (weighted) mean with a t interval on n - 1 degrees of freedom."""
    y, w, n_design = _clean(values, weights)
    n = len(y)
    if n == 0:
        return _empty()
    estimate = float(np.sum(w * y) / w.sum())
    variance = _linearised_variance(y, w, estimate, n_design)
    se = math.sqrt(variance) if not math.isnan(variance) else math.nan
    if n < 2:
        return Estimate(estimate, se, math.nan, math.nan, n, float(n), n < SMALL_CELL)
    t = stats.t.ppf(0.5 + level / 2, df=n_design - 1)
    return Estimate(estimate, se, estimate - t * se, estimate + t * se, n, kish_effective_n(w), n < SMALL_CELL)


def proportion(values, weights=None, *, level: float = LEVEL, method: str = "logit") -> Estimate:
    """The (weighted) share of 1s among 0/1 values.

    `logit`: the interval of `svyciprop(method = "logit")`, symmetric on the logit scale with a
    t quantile on n - 1 degrees of freedom. `beta`: Korn and Graubard's interval from the
    effective sample size p(1-p)/var (`svyciprop(method = "beta")`). When every answer is 0 or every answer
    is 1 neither is defined; the interval is then Clopper-Pearson's on the actual n, which is
    what an unweighted survey would report.
    """
    if method not in ("logit", "beta"):
        raise ValueError(f"unknown interval method {method!r}")
    y, w, n_design = _clean(values, weights)
    if len(y) and not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("a proportion needs 0/1 values")
    n = len(y)
    if n == 0:
        return _empty()
    p = float(np.sum(w * y) / w.sum())
    variance = _linearised_variance(y, w, p, n_design)
    se = math.sqrt(variance) if not math.isnan(variance) else math.nan
    small = n < SMALL_CELL
    alpha = 1 - level
    if p == 0.0:
        return Estimate(p, se, 0.0, float(stats.beta.ppf(1 - alpha / 2, 1, n)), n, float(n), small)
    if p == 1.0:
        return Estimate(p, se, float(stats.beta.ppf(alpha / 2, n, 1)), 1.0, n, float(n), small)
    if n < 2:
        return Estimate(p, se, math.nan, math.nan, n, float(n), small)
    t = stats.t.ppf(1 - alpha / 2, df=n_design - 1)
    if method == "logit":
        centre = math.log(p / (1 - p))
        half = t * se / (p * (1 - p))
        low, high = _expit(centre - half), _expit(centre + half)
        n_eff = p * (1 - p) / variance
    else:
        n_eff = p * (1 - p) / variance
        low = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1)
        high = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p))
    return Estimate(p, se, float(low), float(high), n, float(n_eff), small)


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def kish_effective_n(weights) -> float:
    w = np.asarray(weights, dtype="float64")
    return float(w.sum() ** 2 / np.sum(w * w)) if len(w) and np.any(w) else 0.0


def _by(frame: pd.DataFrame, value: str, by: str, weights: str | None, estimator, **options) -> pd.DataFrame:
    """Domain estimates: the whole sample stays in the design, weights are 0 outside the group."""
    base = frame[weights].astype("float64") if weights else pd.Series(1.0, index=frame.index)
    rows = {}
    for group in sorted(frame[by].dropna().unique()):
        rows[group] = estimator(frame[value], base.where(frame[by] == group, 0.0), **options).as_dict()
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = by
    return table


def proportion_by(frame: pd.DataFrame, value: str, by: str, *, weights: str | None = None, **options) -> pd.DataFrame:
    """One proportion per group of `by`: a row each with estimate, se, low, high, n, small."""
    return _by(frame, value, by, weights, proportion, **options)


def mean_by(frame: pd.DataFrame, value: str, by: str, *, weights: str | None = None, **options) -> pd.DataFrame:
    return _by(frame, value, by, weights, mean, **options)
