"""Proportions and means, weighted or not, with design-based standard errors and intervals.

Every estimate goes through `analysis.design.Design`: single-stage with replacement and no
strata (each respondent is a unit), which is what `svydesign(ids = ~1, weights = ~w)` means in
R's survey package, with variances by linearisation and the n/(n-1) factor, so the results agree
with `svymean` and `svyciprop`. Pass a `Design` as `weights` (a raked one, say) and its
calibration is removed from every variance. Equal weights give the unweighted result, and
scaling all weights by a constant changes nothing. Respondents with no answer stay in the design
(R's `na.rm = TRUE`); respondents with a missing weight are outside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.design import Design, design_of

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


def _design(values, weights) -> Design:
    """The design of one variable (column "value"): `weights` None, values matched to `values`
    by position, or a `Design` of which `values` (a Series) holds a domain, matched by index."""
    if isinstance(weights, Design):
        if not isinstance(values, pd.Series):
            raise ValueError("values estimated on a Design must be a Series indexed like its frame")
        return weights.over(values.rename("value").to_frame())
    y = pd.Series(values, dtype="float64")
    frame = pd.DataFrame({"value": y.to_numpy()})
    w = None if weights is None else pd.Series(weights, dtype="float64").to_numpy()
    if w is not None and len(w) != len(frame):
        raise ValueError("values and weights differ in length")
    return Design(frame, w)


def _empty() -> Estimate:
    return Estimate(math.nan, math.nan, math.nan, math.nan, 0, 0.0, True)


def _answered_weights(design: Design, column: str) -> np.ndarray:
    """The weights of the rows in the estimate: in the design and the domain, with a value."""
    w = design.weights.to_numpy()
    return w[~np.isnan(w) & (w > 0) & design.frame[column].notna().to_numpy()]


def mean_in(design: Design, column: str, *, level: float = LEVEL, df: int | None = None) -> Estimate:
    """`design.mean(column)` with a t interval on `df` degrees of freedom (default the design's)."""
    w = _answered_weights(design, column)
    n = len(w)
    if n == 0:
        return _empty()
    result = design.mean(column)
    estimate, se = result.estimate, result.se
    df = design.df if df is None else df
    if n < 2 or df < 1:
        return Estimate(estimate, se, math.nan, math.nan, n, float(n), n < SMALL_CELL)
    t = stats.t.ppf(0.5 + level / 2, df=df)
    return Estimate(estimate, se, estimate - t * se, estimate + t * se, n, kish_effective_n(w), n < SMALL_CELL)


def proportion_in(
    design: Design, column: str, *, level: float = LEVEL, method: str = "logit", df: int | None = None
) -> Estimate:
    """`design.proportion(column, method, df=df)` (`svyciprop`) as an `Estimate`."""
    if method not in ("logit", "beta"):
        raise ValueError(f"unknown interval method {method!r}")
    result = design.proportion(column, method, confidence=level, df=df)
    if result.n == 0:
        return _empty()
    return Estimate(
        result.estimate, result.se, result.low, result.high, result.n, result.n_effective, result.n < SMALL_CELL
    )


def mean(values, weights=None, *, level: float = LEVEL) -> Estimate:
    """A (weighted) mean with a t interval on the design's degrees of freedom (n - 1).

    `weights`: None, values aligned with `values`, or a `Design` (see `_design`)."""
    return mean_in(_design(values, weights), "value", level=level)


def proportion(values, weights=None, *, level: float = LEVEL, method: str = "logit") -> Estimate:
    """The (weighted) share of 1s among 0/1 values.

    `logit`: the interval of `svyciprop(method = "logit")`, symmetric on the logit scale with a
    t quantile on the design's degrees of freedom. `beta`: Korn and Graubard's interval from the
    effective sample size p(1-p)/var (`svyciprop(method = "beta")`). When every answer is 0 or
    every answer is 1 neither is defined; the interval is then Clopper-Pearson's on the actual
    n, which is what an unweighted survey would report. See `analysis.design.Design.proportion`.
    """
    return proportion_in(_design(values, weights), "value", level=level, method=method)


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def kish_effective_n(weights) -> float:
    w = np.asarray(weights, dtype="float64")
    return float(w.sum() ** 2 / np.sum(w * w)) if len(w) and np.any(w) else 0.0


def _by(frame: pd.DataFrame, value: str, by: str, weights, estimator, **options) -> pd.DataFrame:
    """Domain estimates: the whole sample stays in the design, with nothing to estimate outside
    the group (`svyby`'s estimates and standard errors). Intervals use the whole design's
    degrees of freedom, as `svyciprop` on the design with the answer missing outside the group
    does (`svyby` would give each group its own, fewer)."""
    design = design_of(frame, weights)
    rows = {}
    groups = design.frame[by]
    for group in sorted(groups.dropna().unique()):
        rows[group] = estimator(design.subset(groups == group), value, df=design.df, **options).as_dict()
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = by
    return table


def proportion_by(frame: pd.DataFrame, value: str, by: str, *, weights=None, **options) -> pd.DataFrame:
    """One proportion per group of `by`: a row each with estimate, se, low, high, n, small.

    `weights`: None, a column of `frame`, or a `Design` of which `frame` holds a domain."""
    return _by(frame, value, by, weights, proportion_in, **options)


def mean_by(frame: pd.DataFrame, value: str, by: str, *, weights=None, **options) -> pd.DataFrame:
    return _by(frame, value, by, weights, mean_in, **options)
