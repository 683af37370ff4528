"""Raking respondents to the registry's margins, with trimming and diagnostics.

Raking (iterative proportional fitting) adjusts weights until the weighted count of
respondents in every category of every margin equals the registry's count. The fixed point is
the one R's `survey::rake` reaches. Margins are counts, so raked weights sum to the registry's
size: a respondent's weight is the number of registered stakeholders they stand for.

Trimming keeps every weight within [lower, upper] times the mean weight and re-rakes; the two
steps alternate until the margins hold and no weight is out of bounds, or `max_iter` is
reached. Trimming trades bias for variance: the report says whether the margins still hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# The profile variables respondents are raked on to the registry's counts (UN regional group,
# category, gender): the one definition the survey frames, the report and the dashboard share.
RAKING_VARIABLES = ("regional_group", "category", "gender")


class RakingError(ValueError):
    """The sample cannot be raked to these margins (a category has no respondents, ...)."""


@dataclass(frozen=True)
class Diagnostics:
    n: int
    design_effect: float  # Kish's 1 + CV² of the weights
    effective_n: float  # (Σw)² / Σw²
    efficiency: float  # effective_n / n
    weight_min: float
    weight_max: float


@dataclass(frozen=True)
class RakingResult:
    weights: pd.Series
    converged: bool
    iterations: int
    max_margin_error: float  # largest relative gap between a weighted margin and its target
    trimmed: int  # weights at a trimming bound at the end
    diagnostics: Diagnostics


def diagnostics(weights) -> Diagnostics:
    w = np.asarray(weights, dtype="float64")
    n = len(w)
    if n == 0:
        return Diagnostics(0, float("nan"), 0.0, float("nan"), float("nan"), float("nan"))
    effective = float(w.sum() ** 2 / np.sum(w * w))
    return Diagnostics(n, n / effective, effective, effective / n, float(w.min()), float(w.max()))


def check_margins(frame: pd.DataFrame, margins: dict[str, pd.Series]) -> dict[str, pd.Series]:
    checked: dict[str, pd.Series] = {}
    total = None
    for column, target in margins.items():
        if column not in frame:
            raise RakingError(f"no column {column!r} to rake on")
        values = frame[column]
        if values.isna().any():
            raise RakingError(f"{int(values.isna().sum())} respondents have no {column}; impute or drop them first")
        target = pd.Series(target, dtype="float64")
        unknown = sorted(set(values.unique()) - set(target.index), key=str)
        if unknown:
            raise RakingError(f"{column}: categories {unknown} have respondents but no target")
        empty = sorted((set(target.index[target > 0]) - set(values.unique())), key=str)
        if empty:
            raise RakingError(f"{column}: no respondents in {empty}; collapse those categories")
        # Margins from one registry share a total; rounding in other sources may not.
        total = target.sum() if total is None else total
        checked[column] = target * (total / target.sum())
    return checked


def rake(
    frame: pd.DataFrame,
    margins: dict[str, pd.Series],
    base_weights=None,
    *,
    max_iter: int = 100,
    tolerance: float = 1e-10,
    trim: tuple[float, float] | None = None,
) -> RakingResult:
    """Weights for `frame`'s rows matching every margin (category -> registry count).

    `trim=(0.3, 3.0)` keeps weights between 0.3 and 3 times the mean weight.
    """
    margins = check_margins(frame, margins)
    if base_weights is None:
        weights = np.ones(len(frame))
    else:
        weights = pd.Series(base_weights, dtype="float64").to_numpy(copy=True)
    codes = {column: pd.Categorical(frame[column], categories=target.index) for column, target in margins.items()}
    targets = {column: target.to_numpy() for column, target in margins.items()}
    converged, iteration, error = False, 0, float("inf")
    for iteration in range(1, max_iter + 1):  # noqa: B007 (reported after the loop)
        for column, target in targets.items():
            current = np.bincount(codes[column].codes, weights=weights, minlength=len(target))
            factor = np.divide(target, current, out=np.zeros_like(target), where=current > 0)
            weights = weights * factor[codes[column].codes]
        within = True
        if trim is not None:
            weights, within = _trim(weights, *trim)
        error = _margin_error(weights, codes, targets)
        if error < tolerance and within:
            converged = True
            break
    trimmed = 0
    if trim is not None:
        mean_weight = weights.mean()
        trimmed = int(np.sum(np.isclose(weights, trim[0] * mean_weight) | np.isclose(weights, trim[1] * mean_weight)))
    series = pd.Series(weights, index=frame.index, name="weight")
    return RakingResult(series, converged, iteration, error, trimmed, diagnostics(weights))


def _trim(weights: np.ndarray, lower: float, upper: float) -> tuple[np.ndarray, bool]:
    """Clip to [lower, upper] x the mean weight; clipping moves the mean, so repeat until stable.

    Returns the weights and whether none needed clipping.
    """
    untouched = True
    for _ in range(100):
        mean_weight = weights.mean()
        low, high = lower * mean_weight, upper * mean_weight
        outside = (weights < low * (1 - 1e-12)) | (weights > high * (1 + 1e-12))
        if not outside.any():
            break
        untouched = False
        weights = np.clip(weights, low, high)
    return weights, untouched


def _margin_error(weights: np.ndarray, codes: dict, targets: dict) -> float:
    worst = 0.0
    for column, target in targets.items():
        current = np.bincount(codes[column].codes, weights=weights, minlength=len(target))
        gap = np.abs(current - target) / np.where(target > 0, target, 1)
        worst = max(worst, float(gap.max()))
    return worst
