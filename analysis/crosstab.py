"""Cross-tabulations with a test of independence that respects the weights.

Unweighted tables get Pearson's chi-square on the respondents with both answers. Weighted tables
get the second-order Rao-Scott correction as R's `svychisq(statistic = "F")` computes it
(`analysis.design.Design.chisq`): Pearson's statistic on the weighted table rescaled to the
design's n, divided by the trace of the design-effect matrix, referred to an F distribution with
Satterthwaite's degrees of freedom. Respondents missing either answer stay in the design, as in
R; a raked `Design` passed as `weights` has its calibration removed from the variances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.contingency_tables import Table

from analysis.design import Design, design_of


@dataclass(frozen=True)
class IndependenceTest:
    method: str  # "pearson" or "rao-scott"
    statistic: float  # chi-square, or F
    df: float  # numerator degrees of freedom
    df_denominator: float | None
    p_value: float


@dataclass(frozen=True)
class CrossTab:
    counts: pd.DataFrame  # weighted counts (respondents if unweighted)
    n: pd.DataFrame  # respondents behind each cell
    column_shares: pd.DataFrame  # each column sums to 1
    test: IndependenceTest | None  # None when a margin has a single category


def crosstab(frame: pd.DataFrame, row: str, column: str, weights=None) -> CrossTab:
    """`weights`: None (Pearson's test), a column of `frame`, or a `Design` of which `frame`
    holds a domain (Rao-Scott on that design, its calibration removed)."""
    if weights is None:
        data = frame.loc[frame[row].notna() & frame[column].notna()]
        w = pd.Series(1.0, index=data.index)
    else:
        design = design_of(frame, weights)
        w_all = design.weights
        data = design.frame.loc[design.frame[row].notna() & design.frame[column].notna() & w_all.gt(0)]
        w = w_all[data.index]
    counts = w.groupby([data[row], data[column]], observed=True).sum().unstack(fill_value=0.0)
    n = data.groupby([row, column], observed=True).size().unstack(fill_value=0)
    shares = counts / counts.sum(axis=0)
    test = None
    if counts.shape[0] > 1 and counts.shape[1] > 1:
        test = _rao_scott(design, row, column) if weights is not None else pearson(n)
    return CrossTab(counts, n, shares, test)


def pearson(table: pd.DataFrame) -> IndependenceTest:
    # Pearson's statistic on the table as observed, as R's chisq.test computes it: statsmodels
    # would otherwise add 0.5 to empty cells (in place, which a read-only array refuses).
    result = Table(np.array(table, dtype="float64"), shift_zeros=False).test_nominal_association()
    return IndependenceTest("pearson", float(result.statistic), float(result.df), None, float(result.pvalue))


def _rao_scott(design: Design, row: str, column: str) -> IndependenceTest:
    test = design.chisq(row, column)
    return IndependenceTest("rao-scott", test.statistic, test.df1, test.df2, test.p)


def rao_scott(rows: pd.Series, columns: pd.Series, weights) -> IndependenceTest:
    """`svychisq(~rows + columns, statistic = "F")` on fixed weights (see `Design.chisq`)."""
    frame = pd.DataFrame({"row": rows.to_numpy(), "column": columns.to_numpy()})
    return _rao_scott(Design(frame, np.asarray(weights, dtype="float64")), "row", "column")
