"""Capacity to address challenges: barriers stakeholders report, set against the steps planned.

Inputs
- `survey`: `surveys.frame.responses_frame` with the barrier question expanded into 0/1 columns
  `barriers__<choice>` (NaN: did not answer), `year`, the breakdown columns (`regional_group`,
  `category`) and optionally a weight column.
- `actions`: the secretariat's planned steps (`engagement.frames.barrier_actions_frame`), one
  row per action — `barrier` (a choice code of the barrier question), `action`, `owner`,
  `due_date` (or `due_on`), `status` (planned, in_progress, done, dropped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analysis.estimates import proportion
from analysis.indicators._common import (
    Headline,
    Weights,
    as_date,
    choice_columns,
    multiple_shares,
    trend,
    weights_for,
    with_aliases,
)

NOT_A_BARRIER = ("none",)  # "nothing made it harder"
NOT_ACTIONABLE = ("other",)  # too vague to plan a step for; left out of the most-cited ranking
CLOSED = ("dropped", "cancelled")  # an action in these states does not count as a planned step
DONE = ("done", "completed")
TOP = 5


@dataclass(frozen=True)
class Capacity:
    barriers: pd.DataFrame  # choice, estimate, low, high, se, n, small, rank, actions, has_action
    by_group: pd.DataFrame  # breakdown (column name), group, choice, estimate, low, high, se, n, small
    top: pd.DataFrame  # the most-cited barriers: choice, estimate, actions, open_actions, overdue, has_action
    top_without_action: tuple[str, ...]
    top_covered_share: float  # share of the most-cited barriers with at least one planned step
    actions: pd.DataFrame  # barrier -> actions, open (not done or dropped), done, overdue
    any_barrier: pd.DataFrame  # year -> share naming at least one barrier (estimate, low, high, n, small)
    headline_series: pd.Series  # year -> share naming at least one barrier (lower is better)


def capacity(
    survey: pd.DataFrame | None,
    actions: pd.DataFrame | None = None,
    *,
    question: str = "barriers",
    by: tuple[str, ...] = ("regional_group", "category"),
    weights: Weights = None,
    top: int = TOP,
    today: date | None = None,
) -> Capacity:
    survey = survey if survey is not None else pd.DataFrame()
    # Without the question there is nothing to estimate: its design (a raking of the frame) is not built.
    design = weights_for(survey, weights) if choice_columns(survey, question) else None
    barriers = multiple_shares(survey, question, weights=design, exclude=NOT_A_BARRIER)
    parts = []
    for column in by:
        table = multiple_shares(survey, question, weights=design, by=column, exclude=NOT_A_BARRIER)
        if not table.empty:
            table.insert(0, "breakdown", column)
            parts.append(table)
    by_group = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["breakdown", "group", "choice", "estimate", "low", "high", "se", "n", "small"])
    )
    action_table = _actions(with_aliases(actions, {"due_date": ("due_on",)}), today)
    barriers = barriers.sort_values("estimate", ascending=False, kind="stable").reset_index(drop=True)
    ranked = barriers[~barriers["choice"].isin(NOT_ACTIONABLE) & (barriers["estimate"] > 0)]
    barriers["rank"] = pd.Series(pd.NA, index=barriers.index, dtype="Int64")
    barriers.loc[ranked.index, "rank"] = np.arange(1, len(ranked) + 1)
    planned = action_table["actions"] - action_table["dropped"] if not action_table.empty else pd.Series(dtype="int64")
    barriers["actions"] = barriers["choice"].map(planned).fillna(0).astype("int64")
    barriers["has_action"] = barriers["actions"] > 0
    chosen = barriers.loc[ranked.index[:top]]
    top_table = chosen[["choice", "estimate", "low", "high", "n", "actions", "has_action"]].copy()
    for column in ("open", "overdue"):
        top_table[column] = (
            top_table["choice"].map(action_table[column] if not action_table.empty else {}).fillna(0).astype("int64")
        )
    top_table = top_table.reset_index(drop=True)
    without = tuple(top_table.loc[~top_table["has_action"], "choice"])
    covered = float(top_table["has_action"].mean()) if len(top_table) else math.nan
    any_barrier = _any_barrier(survey, question, weights)
    series = any_barrier["estimate"] if not any_barrier.empty else pd.Series(dtype="float64")
    return Capacity(barriers, by_group, top_table, without, covered, action_table, any_barrier, series)


def _actions(actions: pd.DataFrame | None, today: date | None) -> pd.DataFrame:
    columns = ["actions", "open", "done", "dropped", "overdue"]
    if actions is None or actions.empty:
        return pd.DataFrame(columns=columns, dtype="int64").rename_axis("barrier")
    status = (
        actions["status"].astype("string").str.lower().fillna("")
        if "status" in actions
        else pd.Series("", index=actions.index)
    )
    done, dropped = status.isin(DONE), status.isin(CLOSED)
    still_open = ~done & ~dropped
    today = pd.Timestamp(today or date.today())
    due = as_date(actions["due_date"]) if "due_date" in actions else pd.Series(pd.NaT, index=actions.index)
    overdue = still_open & (due < today).fillna(False).to_numpy()
    frame = pd.DataFrame(
        {
            "barrier": actions["barrier"].astype("object"),
            "actions": 1,
            "open": still_open.astype(int),
            "done": done.astype(int),
            "dropped": dropped.astype(int),
            "overdue": overdue.astype(int),
        }
    )
    return frame.groupby("barrier")[columns].sum().astype("int64")


def _any_barrier(survey: pd.DataFrame, question: str, weights: Weights) -> pd.DataFrame:
    """By year: share of those answering who named any barrier other than "none" (each year in
    its own waves' design)."""
    columns = [column for choice, column in choice_columns(survey, question).items() if choice not in NOT_A_BARRIER]
    if not columns or "year" not in survey or survey.empty:
        return pd.DataFrame(columns=["estimate", "low", "high", "n", "small"]).rename_axis("year")
    matrix = survey[columns].to_numpy(dtype="float64")
    answered = ~np.isnan(matrix).all(axis=1)
    named = pd.Series(
        np.where(answered, (np.nan_to_num(matrix) > 0).any(axis=1).astype(float), np.nan), index=survey.index
    )
    rows = {}
    for year in sorted(survey["year"].dropna().unique()):
        mask = (survey["year"] == year).to_numpy()
        estimate = proportion(named[mask], weights_for(survey[mask], weights))
        rows[int(year)] = {
            "estimate": estimate.estimate,
            "low": estimate.low,
            "high": estimate.high,
            "n": estimate.n,
            "small": estimate.small,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "year"
    return table


def headline(result: Capacity, year: int | None = None) -> Headline:
    return trend(
        "capacity", "any_barrier_share", result.headline_series, unit="share", higher_is_better=False, year=year
    )
