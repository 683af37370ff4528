"""Response rates and non-response by group for invited waves.

Input `invitations`: one row per invitation sent — `invitation_id`, `wave` (or `wave_id`),
`year` (optional), `regional_group`, `country`, `category`, `responded` (True/1 when a response
was submitted). `surveys.monitoring.response_rates` gives the same counts from the database
for the admin pages; this works on a frame so the dashboard and the report can test them.

Rates have Wilson intervals. Whether non-response differs between groups is tested with
Pearson's chi-square on the responded x group table (invitations are a census of the invited,
so no weights). Invitations with no group recorded are counted under "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from analysis.crosstab import IndependenceTest, pearson
from analysis.estimates import SMALL_CELL

LEVEL = 0.95
BREAKDOWNS = ("regional_group", "country", "category")
UNKNOWN = "unknown"


def labelled(values: pd.Series) -> pd.Series:
    """The values with the missing ones counted as UNKNOWN. A categorical column stays categorical:
    grouping by its codes is many times faster than by the same labels as Python strings."""
    values = pd.Series(values)
    if isinstance(values.dtype, pd.CategoricalDtype):
        if not values.isna().any():
            return values
        if UNKNOWN not in values.cat.categories:
            values = values.cat.add_categories([UNKNOWN])
        return values.fillna(UNKNOWN)
    return values.astype("object").where(values.notna(), UNKNOWN)


# Rates of counts (response rates, selection rates, shares of concerns addressed) share these two.
def wilson(successes, trials, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for counts (vectorised); NaN where there are no trials."""
    successes = np.asarray(successes, dtype="float64")
    trials = np.asarray(trials, dtype="float64")
    low = np.full(successes.shape, np.nan)
    high = np.full(successes.shape, np.nan)
    some = trials > 0
    if some.any():
        low[some], high[some] = proportion_confint(successes[some], trials[some], alpha=1 - level, method="wilson")
    return low, high


def count_share(successes, trials, level: float = LEVEL) -> pd.DataFrame:
    """share, low, high (Wilson), n and the small-cell flag for aligned count Series."""
    successes = pd.Series(successes, dtype="float64")
    trials = pd.Series(trials, dtype="float64").reindex(successes.index).fillna(0.0)
    low, high = wilson(successes, trials, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(trials > 0, successes / trials.where(trials > 0, np.nan), np.nan)
    return pd.DataFrame(
        {"share": share, "low": low, "high": high, "n": trials.astype("int64"), "small": trials < SMALL_CELL},
        index=successes.index,
    )


def responded_flags(values) -> pd.Series:
    """1 for an invitation answered, 0 otherwise (False, 0 and missing alike), from bools or numbers."""
    return (pd.Series(values).astype("float64").fillna(0.0) > 0).astype("int64")


@dataclass(frozen=True)
class ResponseRates:
    overall: pd.DataFrame  # wave -> invited, responded, share, low, high, n, small, non_response
    by_group: pd.DataFrame  # wave, breakdown, group, invited, responded, share, low, high, n, small, non_response
    tests: pd.DataFrame  # wave, breakdown, statistic, df, p_value (None when a breakdown has one group)


def _table(responded: pd.Series, keys: list[pd.Series]) -> pd.DataFrame:
    grouped = responded.groupby(keys, observed=True)
    table = pd.DataFrame({"invited": grouped.size(), "responded": grouped.sum().astype("int64")})
    table = pd.concat([table, count_share(table["responded"], table["invited"])], axis=1)
    table["non_response"] = 1 - table["share"]
    return table


def response_rates(
    invitations: pd.DataFrame | None, *, wave: str = "wave", breakdowns: tuple[str, ...] = BREAKDOWNS
) -> ResponseRates:
    overall_columns = ["invited", "responded", "share", "low", "high", "n", "small", "non_response"]
    if invitations is None or invitations.empty:
        return ResponseRates(
            pd.DataFrame(columns=overall_columns).rename_axis(wave),
            pd.DataFrame(columns=[wave, "breakdown", "group", *overall_columns]),
            pd.DataFrame(columns=[wave, "breakdown", "statistic", "df", "p_value"]),
        )
    responded = responded_flags(invitations["responded"])
    waves = invitations[wave].astype("object")
    overall = _table(responded, [waves])
    overall.index.name = wave
    parts, tests = [], []
    for column in breakdowns:
        if column not in invitations:
            continue
        groups = labelled(invitations[column])
        table = _table(responded, [waves.rename(wave), groups.rename("group")]).reset_index()
        table.insert(1, "breakdown", column)
        parts.append(table)
        for name, rows in table.groupby(wave):
            tests.append({wave: name, "breakdown": column, **_test(rows)})
    by_group = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=[wave, "breakdown", "group", *overall_columns])
    )
    return ResponseRates(
        overall[overall_columns],
        by_group,
        pd.DataFrame(tests, columns=[wave, "breakdown", "statistic", "df", "p_value"]),
    )


def _test(rows: pd.DataFrame) -> dict:
    table = pd.DataFrame({"responded": rows["responded"], "not": rows["invited"] - rows["responded"]})
    table = table[table.sum(axis=1) > 0]
    if len(table) < 2 or (table.sum(axis=0) == 0).any():
        return {"statistic": None, "df": None, "p_value": None}
    result: IndependenceTest = pearson(table)
    return {"statistic": result.statistic, "df": result.df, "p_value": result.p_value}
