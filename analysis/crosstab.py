"""Cross-tabulations with a test of independence that respects the weights.

Unweighted tables get Pearson's chi-square. Weighted tables get the second-order Rao-Scott
correction as R's `svychisq(statistic = "F")` computes it: Pearson's statistic on the
weighted table rescaled to n, divided by the trace of the design-effect matrix, referred to an
F distribution with Satterthwaite's degrees of freedom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.contingency_tables import Table


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


def crosstab(frame: pd.DataFrame, row: str, column: str, weights: str | None = None) -> CrossTab:
    keep = frame[row].notna() & frame[column].notna()
    if weights is not None:
        keep &= frame[weights].notna()
    data = frame.loc[keep]
    w = data[weights].astype("float64") if weights else pd.Series(1.0, index=data.index)
    counts = w.groupby([data[row], data[column]], observed=True).sum().unstack(fill_value=0.0)
    n = data.groupby([row, column], observed=True).size().unstack(fill_value=0)
    shares = counts / counts.sum(axis=0)
    test = None
    if counts.shape[0] > 1 and counts.shape[1] > 1:
        test = rao_scott(data[row], data[column], w) if weights else pearson(n)
    return CrossTab(counts, n, shares, test)


def pearson(table: pd.DataFrame) -> IndependenceTest:
    # Pearson's statistic on the table as observed, as R's chisq.test computes it: statsmodels
    # would otherwise add 0.5 to empty cells (in place, which a read-only array refuses).
    result = Table(np.array(table, dtype="float64"), shift_zeros=False).test_nominal_association()
    return IndependenceTest("pearson", float(result.statistic), float(result.df), None, float(result.pvalue))


def rao_scott(rows: pd.Series, columns: pd.Series, weights: pd.Series) -> IndependenceTest:
    row_codes = pd.Categorical(rows)
    col_codes = pd.Categorical(columns)
    n_rows, n_cols = len(row_codes.categories), len(col_codes.categories)
    n = len(rows)
    w = weights.to_numpy(dtype="float64")
    # Cell indicators, rows varying fastest (R's expand.grid order).
    cell = row_codes.codes + n_rows * col_codes.codes
    indicators = np.zeros((n, n_rows * n_cols))
    indicators[np.arange(n), cell] = 1.0
    share = w @ indicators / w.sum()
    z = w[:, None] * (indicators - share) / w.sum()
    covariance = n / (n - 1) * z.T @ z

    # Contrasts for the interaction: the part of the saturated model that main effects miss.
    grid_rows = np.tile(np.arange(n_rows), n_cols)
    grid_cols = np.repeat(np.arange(n_cols), n_rows)
    main = np.column_stack(
        [np.ones(n_rows * n_cols)]
        + [(grid_rows == r).astype(float) for r in range(1, n_rows)]
        + [(grid_cols == c).astype(float) for c in range(1, n_cols)]
    )
    interaction = np.column_stack(
        [((grid_rows == r) & (grid_cols == c)).astype(float) for c in range(1, n_cols) for r in range(1, n_rows)]
    )
    fitted, *_ = np.linalg.lstsq(main, interaction, rcond=None)
    contrasts = interaction - main @ fitted

    inverse_share = np.diag(np.divide(1.0, share, out=np.zeros_like(share), where=share > 0))
    denominator = contrasts.T @ (inverse_share / n) @ contrasts
    numerator = contrasts.T @ inverse_share @ covariance @ inverse_share @ contrasts
    delta = np.linalg.solve(denominator, numerator)
    trace = float(np.trace(delta))
    df = trace**2 / float(np.trace(delta @ delta))

    table = (share * n).reshape(n_cols, n_rows).T  # weighted table rescaled to n
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    chi_square = float(np.sum((table - expected) ** 2 / expected))
    statistic = chi_square / trace
    p_value = float(stats.f.sf(statistic, df, df * (n - 1)))
    return IndependenceTest("rao-scott", statistic, df, df * (n - 1), p_value)
