"""Weights raked to the registry: who a respondent stands for, and the design they make.

`raking_weights(frame, registry_margins)` rakes one wave's respondents to the registry's counts
by regional group, category and gender (`analysis.weighting.rake`, trimmed) and returns the
weights with the survey design they define (`RakedWeights.design`: the weights declared raked
to the margins they met, so every variance removes those margins as R's survey does).
`raked_design(frame)` is that design rebuilt from a frame that kept the weights in a column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.design import Design
from analysis.weighting import RAKING_VARIABLES, RakingError, RakingResult, rake


@dataclass(frozen=True)
class RakedWeights:
    weights: pd.Series  # aligned with the frame; NaN for respondents left out of the raking
    raking: RakingResult | None  # convergence, margin error, trimmed count and diagnostics; None if nobody raked
    dropped: int  # respondents left out (a missing profile value, or one the registry has nobody in)
    dropped_by: dict  # variable -> respondents left out because of it
    unmatched: pd.DataFrame  # variable, value, count: registry categories without respondents, left out
    design: Design | None = None  # the frame's design: these weights, raked to the margins they met


def margins_dict(registry_margins, variables: Sequence[str] = RAKING_VARIABLES) -> dict[str, pd.Series]:
    """`{variable: Series(code -> count)}` from that dict itself or a tidy (variable, value, count) frame."""
    if isinstance(registry_margins, pd.DataFrame):
        return {
            variable: rows.set_index("value")["count"].astype("float64")
            for variable, rows in registry_margins.groupby("variable", sort=False)
            if variable in variables
        }
    return {
        variable: pd.Series(registry_margins[variable], dtype="float64")
        for variable in variables
        if variable in registry_margins
    }


def raking_weights(
    frame: pd.DataFrame,
    registry_margins,
    *,
    variables: Sequence[str] = RAKING_VARIABLES,
    trim: tuple[float, float] | None = (0.3, 3.0),
    **options,
) -> RakedWeights:
    """Weights that make respondents match the registry's counts by regional group, category and gender.

    `registry_margins`: `{variable: Series(code -> count)}` or the tidy frame of
    `surveys.analysis_inputs.registry_margin_frame`. Raked weights sum to the registry's size (see
    `analysis.weighting.rake`; `trim` bounds weights to [0.3, 3] x the mean by default).

    Gaps are handled by leaving out, never by guessing:
    - a respondent with a missing value on any raking variable, or a value the registry counts
      nobody in, gets weight NaN: outside the weighted design (weighted estimates then describe
      the respondents with a complete profile; `dropped` says how many are missing);
    - registry stakeholders with a missing value are not in that variable's target, and
      registry categories with no respondent left are dropped from the target (listed in
      `unmatched`); each margin is then rescaled to the first one's total, so the weights still
      sum to one registry total.
    """
    targets = margins_dict(registry_margins, variables)
    weights = pd.Series(np.nan, index=frame.index, name="weight")
    keep = pd.Series(True, index=frame.index)
    dropped_by: dict[str, int] = {}
    for variable, target in targets.items():
        target = target[target.index.notna() & (target > 0)]
        if variable not in frame:
            raise RakingError(f"no column {variable!r} to rake on")
        known = frame[variable].astype(object).isin(set(target.index)) & frame[variable].notna()
        dropped_by[variable] = int((keep & ~known).sum())
        keep &= known
        targets[variable] = target
    unmatched = []
    for variable, target in targets.items():
        present = set(frame.loc[keep, variable].astype(object).unique())
        absent = [value for value in target.index if value not in present]
        unmatched += [{"variable": variable, "value": value, "count": float(target[value])} for value in absent]
        targets[variable] = target.drop(absent)
    unmatched_frame = pd.DataFrame(unmatched, columns=["variable", "value", "count"])
    if not keep.any() or not targets:
        return RakedWeights(weights, None, int((~keep).sum()), dropped_by, unmatched_frame)
    sample = frame.loc[keep, list(targets)].astype(object)
    result = rake(sample, targets, trim=trim, **options)
    weights.loc[keep] = result.weights.to_numpy()
    design = Design(frame, weights.to_numpy()).as_raked(list(targets))
    return RakedWeights(weights, result, int((~keep).sum()), dropped_by, unmatched_frame, design)


def raked_design(
    frame: pd.DataFrame,
    weights="weight",
    variables: Sequence[str] = RAKING_VARIABLES,
    *,
    wave: str = "wave_id",
) -> Design:
    """The design of weights `raking_weights` made, from a frame that kept them (in the column
    `weights`, NaN for respondents left out): the weights declared raked to the `variables` in
    the frame, so that every variance removes those margins. `variables` must be those the
    raking used (`RakedWeights.design` knows them when a registry margin was missing).

    A frame of several waves, each raked on its own (`wave` tells them apart), is the design of
    them all with each wave's margins: every margin is crossed with the wave, so each wave's
    calibration is removed from the variance of an estimate over one wave or several. On one
    wave this is that wave's own raked design."""
    present = [variable for variable in variables if variable in frame]
    if wave not in frame or frame[wave].nunique() < 2:
        return Design(frame, weights).as_raked(present)
    weight_values = frame[weights] if isinstance(weights, str) else weights
    crossed = _crossed_with_wave(frame, present, wave)
    return Design(crossed, weight_values).as_raked(list(crossed)).over(frame)


def _crossed_with_wave(frame: pd.DataFrame, variables: Sequence[str], wave: str) -> pd.DataFrame:
    """`frame`'s rows (same index) with a column `<variable>@<wave>` per variable: the pair
    (wave, value) as a number, NaN where the value is missing. The numbers sort as the pairs do
    (wave first, then value), so the margins' levels come in the order the pairs would give."""
    waves = frame[wave].astype(object)
    if waves.isna().any():  # no wave to cross with: pairs of Python objects, as they are
        return pd.DataFrame(
            {
                f"{variable}@{wave}": pd.Series(
                    list(zip(waves, frame[variable].astype(object))), index=frame.index, dtype=object
                ).where(frame[variable].notna(), None)
                for variable in variables
            },
            index=frame.index,
        )
    wave_codes, _waves = pd.factorize(waves, sort=True)
    crossed = {}
    for variable in variables:
        codes, levels = pd.factorize(frame[variable].astype(object), sort=True)  # -1: missing
        pairs = wave_codes.astype("float64") * max(len(levels), 1) + codes
        crossed[f"{variable}@{wave}"] = np.where(codes >= 0, pairs, np.nan)
    return pd.DataFrame(crossed, index=frame.index)
