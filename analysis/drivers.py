"""Drivers of an outcome: weighted logistic regression reported as odds ratios.

The model is statsmodels' binomial GLM with the survey weights as `var_weights`; its errors
are the design-based sandwich (HC0 times n/(n-1)), which is what R's `svyglm` with a
quasibinomial family reports for a design without strata or clusters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

LEVEL = 0.95


def odds_ratios(
    frame: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    *,
    weights: str | None = None,
    reference: dict[str, str] | None = None,
    level: float = LEVEL,
) -> pd.DataFrame:
    """A row per coefficient: log-odds, standard error, odds ratio with its interval, p-value.

    Categorical predictors get treatment contrasts against `reference[column]` (default: the
    first category in sorted order, as R's factors do). Rows with any value missing are left out.
    """
    columns = [outcome, *predictors] + ([weights] if weights else [])
    data = frame[columns].dropna()
    if data[outcome].nunique() < 2:
        raise ValueError(f"{outcome} has a single value among complete rows: no model to fit")
    design = _design_matrix(data, predictors, reference or {})
    w = data[weights].to_numpy(dtype="float64") if weights else np.ones(len(data))
    model = sm.GLM(data[outcome].to_numpy(dtype="float64"), design, family=sm.families.Binomial(), var_weights=w)
    fit = model.fit(cov_type="HC0")
    n = len(data)
    se = np.sqrt(np.diag(fit.cov_params()) * n / (n - 1))
    z = stats.norm.ppf(0.5 + level / 2)
    params = fit.params
    table = pd.DataFrame(
        {
            "coef": params,
            "se": se,
            "odds_ratio": np.exp(params),
            "low": np.exp(params - z * se),
            "high": np.exp(params + z * se),
            "p_value": 2 * stats.norm.sf(np.abs(params / se)),
        },
        index=design.columns,
    )
    table.attrs["n"] = n
    return table


def _design_matrix(data: pd.DataFrame, predictors: list[str], reference: dict[str, str]) -> pd.DataFrame:
    parts = [pd.Series(1.0, index=data.index, name="(Intercept)")]
    for column in predictors:
        values = data[column]
        if pd.api.types.is_numeric_dtype(values) and column not in reference:
            parts.append(values.astype("float64").rename(column))
            continue
        levels = sorted(values.astype(str).unique())
        base = reference.get(column, levels[0])
        for level in levels:
            if level != base:
                parts.append((values.astype(str) == level).astype("float64").rename(f"{column}{level}"))
    return pd.concat(parts, axis=1)
