"""Likert items: the full distribution, the top-two-box share, the median, and scale reliability.

Answers outside the scale ("don't know", "not applicable") are reported beside it, never
placed on it: they count in the share of such answers but not in the distribution, the
top-two-box share or the median.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.design import Design, design_of
from analysis.estimates import Estimate, proportion_in


@dataclass(frozen=True)
class LikertSummary:
    distribution: pd.DataFrame  # index: the scale, low to high; columns share, n
    top_two: Estimate  # share in the two highest levels, among answers on the scale
    median: str | None  # the level where the cumulative share reaches one half
    off_scale_share: float  # "don't know" and the like, among everyone who answered
    n: int  # answers on the scale


def summarise(values: pd.Series, scale: list[str], *, off_scale: tuple[str, ...] = (), weights=None) -> LikertSummary:
    """`weights`: None, values aligned with `values`, or a `Design` of which `values` holds a
    domain (matched by index): the top-two-box interval is then the design's."""
    values = pd.Series(values, dtype="object").astype("string")
    if weights is not None and not isinstance(weights, Design):
        weights = pd.Series(weights, index=values.index, dtype="float64")
    top = pd.Series(np.where(values.isin(scale), values.isin(scale[-2:]).astype(float), np.nan), index=values.index)
    design = design_of(pd.DataFrame({"answer": values, "top": top}), weights)
    w = design.weights.reindex(values.index)  # NaN outside the design
    unknown = set(values.dropna().unique()) - set(scale) - set(off_scale)
    if unknown:
        raise ValueError(f"answers {sorted(unknown)} are neither on the scale nor declared off it")
    answered = values.notna()
    on_scale = values.isin(scale) & answered
    total_weight = w[answered].sum()
    off_share = float(w[answered & ~on_scale].sum() / total_weight) if total_weight else float("nan")
    weighted = w[on_scale].groupby(values[on_scale]).sum().reindex(scale, fill_value=0.0)
    counts = values[on_scale].value_counts().reindex(scale, fill_value=0)
    shares = weighted / weighted.sum() if weighted.sum() else weighted * np.nan
    distribution = pd.DataFrame({"share": shares, "n": counts.astype(int)})
    distribution.index.name = "level"
    top_two = proportion_in(design, "top")
    median = None
    if weighted.sum():
        median = str(shares.index[int(np.searchsorted(shares.cumsum().to_numpy(), 0.5 - 1e-12))])
    return LikertSummary(distribution, top_two, median, off_share, int(on_scale.sum()))


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Reliability of a multi-item scale (numeric item scores; incomplete rows are left out)."""
    complete = items.dropna().astype("float64")
    k = complete.shape[1]
    if k < 2 or len(complete) < 2:
        return float("nan")
    item_variances = complete.var(axis=0, ddof=1).sum()
    total_variance = complete.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - item_variances / total_variance))
