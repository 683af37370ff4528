"""Small helpers the indicator groups share: shares with intervals, years of dates, the headline trend."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.design import Design
from analysis.estimates import proportion_by

SEPARATOR = "__"  # `<question>__<choice>` and `<field>__<code>` columns

# How the indicator groups take weights: None (unweighted), the name of a column of fixed weights,
# or a function building the survey design of any set of rows (each wave's raked design:
# `analysis.registry_weights.raked_design`), so intervals are the calibrated ones.
Weights = str | Callable[[pd.DataFrame], Design] | None


def weights_for(rows: pd.DataFrame, weights: Weights) -> Design | pd.Series | None:
    """What the estimators take for `rows` (a frame of one wave or several): the design `weights`
    builds for them, the weight column (fixed weights), or None when there is no such column."""
    if callable(weights):
        return weights(rows)
    if weights and weights in rows:
        return rows[weights].astype("float64")
    return None


def part(weights: Design | pd.Series | None, mask) -> Design | pd.Series | None:
    """The weights of the rows where `mask` holds: a design stays whole (the rows are a domain of
    it, matched by index), fixed weights are cut to those rows."""
    if weights is None or isinstance(weights, Design):
        return weights
    return weights[mask]


def with_aliases(frame: pd.DataFrame | None, aliases: dict[str, tuple[str, ...]]) -> pd.DataFrame | None:
    """The frame with each canonical column present, taken from its first alias when missing.

    The record frames of `engagement.frames` name some columns differently from the names used
    here (`issued_on` for `date`, `impact_type` for `type`...); both are accepted.
    """
    if frame is None:
        return None
    renames = {}
    for name, alternatives in aliases.items():
        if name in frame:
            continue
        for alternative in alternatives:
            if alternative in frame:
                renames[alternative] = name
                break
    return frame.rename(columns=renames) if renames else frame


def choice_columns(frame: pd.DataFrame, question: str) -> dict[str, str]:
    """choice -> column of a select_multiple question expanded into `<question>__<choice>` columns."""
    prefix = f"{question}{SEPARATOR}"
    return {column[len(prefix) :]: column for column in frame.columns if str(column).startswith(prefix)}


def multiple_shares(
    frame: pd.DataFrame,
    question: str,
    *,
    weights: Weights | Design | pd.Series = None,
    by: str | None = None,
    exclude: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Share of those who answered `question` choosing each choice, with design-based intervals.

    A tidy table: [group,] choice, estimate, low, high, se, n, small. With `by`, each group's
    share is a domain estimate (the whole sample stays in the design). `weights`: as
    `weights_for` takes them, or what it gives.
    """
    columns = {choice: column for choice, column in choice_columns(frame, question).items() if choice not in exclude}
    if not columns or (by is not None and by not in frame):  # before copying the frame to group it
        return _empty_shares(by)
    if not isinstance(weights, (Design, pd.Series)):
        weights = weights_for(frame, weights)
    group_column = "_all" if by is None else by
    parts = []
    data = frame if by is not None else frame.assign(_all="all")
    for choice, column in columns.items():
        table = proportion_by(data, column, group_column, weights=weights).reset_index()
        if table.empty:
            continue
        table.insert(1, "choice", choice)
        parts.append(table)
    if not parts:
        return _empty_shares(by)
    result = pd.concat(parts, ignore_index=True).rename(columns={group_column: "group"})
    result = result[["group", "choice", "estimate", "low", "high", "se", "n", "small"]]
    if by is None:
        result = result.drop(columns="group")
    return result


def _empty_shares(by: str | None) -> pd.DataFrame:
    columns = ["choice", "estimate", "low", "high", "se", "n", "small"]
    return pd.DataFrame(columns=(["group"] if by is not None else []) + columns)


def codes_of(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each value's code (-1 when missing) and the values the codes stand for. Counting codes with
    `np.bincount` is many times faster than `value_counts`, `crosstab` or `nunique` on the labels."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype="int64"), np.asarray(values.cat.categories, dtype="object")
    codes, uniques = pd.factorize(values)
    return np.asarray(codes, dtype="int64"), np.asarray(uniques, dtype="object")


def year_of(values) -> pd.Series:
    """Calendar year of dates, datetimes or strings (missing stays missing), as nullable Int64."""
    series = pd.Series(values)
    if series.empty:
        return pd.Series([], dtype="Int64", index=series.index)
    dates = pd.to_datetime(series, errors="coerce", utc=True)
    return dates.dt.year.astype("Int64")


def as_date(values) -> pd.Series:
    """Dates as naive datetime64 at midnight (time zones dropped), so differences are whole days."""
    series = pd.Series(values)
    dates = pd.to_datetime(series, errors="coerce", utc=True)
    return dates.dt.tz_localize(None).dt.normalize()


# --- the headline trend --------------------------------------------------------------------

STABLE_SHARE = 0.02  # a share must move by more than 2 percentage points to count as a change
STABLE_RELATIVE = 0.05  # a count or index must move by more than 5 % of last year's value


@dataclass(frozen=True)
class Headline:
    """One overview card: the latest figure, last year's, the change and what it means.

    `measure` is a code (the dashboard translates it); `status` is "improving", "stable",
    "worsening", or "no_data" when there is no figure, "new" when there is nothing to compare with.
    """

    group: str
    measure: str
    unit: str  # "share", "count", "index" or "ratio"
    higher_is_better: bool
    year: int | None
    value: float
    previous_year: int | None
    previous: float
    change: float
    status: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def trend(
    group: str, measure: str, series: pd.Series, *, unit: str, higher_is_better: bool = True, year: int | None = None
) -> Headline:
    """The headline of a figure by year: the latest year (or `year`) against the year before it.

    A change within the stable band (STABLE_SHARE for shares, STABLE_RELATIVE otherwise) is
    "stable", whatever its sign: year-to-year noise should not turn a card red.
    """
    series = pd.Series(series, dtype="float64").dropna().sort_index()
    if year is not None:
        series = series[series.index <= year]
    if series.empty:
        return Headline(group, measure, unit, higher_is_better, year, math.nan, None, math.nan, math.nan, "no_data")
    latest_year = int(series.index[-1])
    value = float(series.iloc[-1])
    earlier = series[series.index < latest_year]
    if earlier.empty:
        return Headline(group, measure, unit, higher_is_better, latest_year, value, None, math.nan, math.nan, "new")
    previous_year, previous = int(earlier.index[-1]), float(earlier.iloc[-1])
    change = value - previous
    band = STABLE_SHARE if unit == "share" else STABLE_RELATIVE * abs(previous)
    if abs(change) <= band:
        status = "stable"
    else:
        status = "improving" if (change > 0) == higher_is_better else "worsening"
    return Headline(group, measure, unit, higher_is_better, latest_year, value, previous_year, previous, change, status)
