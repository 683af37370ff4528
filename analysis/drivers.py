"""Drivers of an outcome: weighted logistic regression reported as odds ratios.

The model is R's `svyglm(family = quasibinomial())` on the survey design
(`analysis.design.Design.glm`): the weights' logistic fit with design-based standard errors
(the linearised sandwich with the n/(n-1) factor, a raked design's calibration removed), and
intervals and p-values on t with the model's residual degrees of freedom.

`odds_ratios` fits a model on given columns; `drivers` models the top two boxes of a Likert item
of a wave on profile variables (what the report and the dashboard show as drivers of willingness).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.catalog import LIKERT_LISTS, OFF_SCALE, choice_names, likert_scale
from analysis.design import design_of
from analysis.estimates import SMALL_CELL
from analysis.weighting import RAKING_VARIABLES

LEVEL = 0.95


def odds_ratios(
    frame: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    *,
    weights=None,
    reference: dict[str, str] | None = None,
    level: float = LEVEL,
) -> pd.DataFrame:
    """A row per coefficient: log-odds, standard error, odds ratio with its interval, p-value.

    `weights`: None, a column of `frame`, or a `Design` of which `frame` holds a domain.
    Categorical predictors get treatment contrasts against `reference[column]` (default: the
    first category in sorted order, as R's factors do). Rows with a value missing are not in the
    model but stay in the design (R's `na.action`); rows with a missing weight are outside it.
    """
    design = design_of(frame, weights)
    table = design.glm(outcome, list(predictors), reference=reference, confidence=level)
    n = table.attrs["n"]
    table = table.set_index("term")
    table.index.name = None
    table.attrs["n"] = n
    return table


OTHER = "other"


def top_two_box(values: pd.Series, scale: Sequence[str]) -> pd.Series:
    """1 in the two most favourable levels of `scale` (least to most favourable), 0 elsewhere on
    it, NaN for no answer or an answer off the scale."""
    values = values.astype(object)
    on = values.isin(list(scale))
    return pd.Series(np.where(on, values.isin(list(scale)[-2:]).astype(np.float64), np.nan), index=values.index)


def _scale_of(
    catalog: pd.DataFrame | None, question: str, likert_lists: Mapping[str, int], off_scale: tuple[str, ...]
) -> tuple[str, ...] | None:
    if catalog is None or not len(catalog):
        return None
    rows = catalog[catalog["name"] == question]
    if rows.empty or rows.iloc[0]["type"] != "select_one":
        return None
    row = rows.iloc[0]
    list_name = row.get("list_name") if isinstance(row.get("list_name"), str) else None
    return likert_scale(choice_names(row.get("choices")), list_name, likert_lists, off_scale)


def _outcome(values: pd.Series, question: str, scale: Sequence[str] | None) -> pd.Series:
    if scale is not None:
        return top_two_box(values, scale)
    if pd.api.types.is_numeric_dtype(values) and set(pd.unique(values.dropna())) <= {0, 1}:
        return values.astype("float64")
    raise ValueError(f"{question}: not a Likert item of a known list; pass `scale`")


def drivers(
    frame: pd.DataFrame,
    outcome_question: str,
    catalog: pd.DataFrame | None = None,
    *,
    scale: Sequence[str] | None = None,
    predictors: Sequence[str] = RAKING_VARIABLES,
    weights=None,
    reference: Mapping[str, str] | None = None,
    min_group: int = SMALL_CELL,
    likert_lists: Mapping[str, int] | None = None,
    off_scale: tuple[str, ...] = OFF_SCALE,
) -> pd.DataFrame:
    """Odds ratios of answering in the top two boxes of `outcome_question` (e.g. "willing to
    engage") on profile variables, by `odds_ratios` (`svyglm`, quasibinomial).

    The scale comes from `scale` (least to most favourable) or the catalog's Likert list; an
    outcome column already holding 0/1 is used as it is. `weights`: None, a column, values
    aligned with the frame, or a `Design` of which `frame` holds a domain. Respondents with no
    answer, an answer off the scale or a missing predictor are not in the model but stay in the
    design; respondents with a missing weight are outside it. Predictor groups with fewer than
    `min_group` respondents in the model are merged into "other" (a handful of respondents
    cannot support an odds ratio, and a group where everyone agrees would stop the model from
    converging); predictors left with one group are dropped.

    Returns a row per term: `term` ("(Intercept)", then `<predictor><code>`), `coef`, `se`,
    `odds_ratio`, `low`, `high`, `p_value`; `attrs["n"]` is the respondents in the model and
    `attrs["reference"]` the reference group of each predictor.
    """
    design = design_of(frame, weights)
    frame = design.frame
    if scale is None:
        lists = {**LIKERT_LISTS, **(likert_lists or {})}
        scale = _scale_of(catalog, outcome_question, lists, tuple(off_scale))
    outcome = _outcome(frame[outcome_question], outcome_question, scale)
    usable = outcome.notna() & design.weights.gt(0)
    data = pd.DataFrame({"outcome": outcome.where(usable)}, index=frame.index)
    used = []
    for column in predictors:
        values = frame[column].astype(object).where(usable)
        counts = values.value_counts()
        rare = set(counts.index[counts < min_group])
        if rare:
            values = values.where(~values.isin(rare) | values.isna(), OTHER)
        if values.nunique() < 2:
            continue
        data[column] = values
        used.append(column)
    complete = data.notna().all(axis=1)
    chosen_reference = {}
    for column in used:
        levels = sorted(data.loc[complete, column].astype(str).unique())
        wanted = (reference or {}).get(column)
        chosen_reference[column] = wanted if wanted in levels else levels[0]
    table = odds_ratios(data, "outcome", used, weights=design, reference=chosen_reference)
    n = table.attrs["n"]
    table = table.rename_axis("term").reset_index()
    table.attrs.update(n=n, reference=chosen_reference)
    return table
