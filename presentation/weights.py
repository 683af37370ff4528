"""Each wave's respondents raked to the registry, as the report and the dashboard weigh them.

`raking_targets` computes the targets from the registry frame already in hand (the report and the
dashboard hold it anyway); `surveys.analysis_inputs.registry_margin_frame` reads the same counts
with one grouped query, for callers that have no registry frame.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from analysis.design import Design
from analysis.survey_results import raked_design, raking_weights
from analysis.weighting import RAKING_VARIABLES, RakingError


def current_registry(registry: pd.DataFrame) -> pd.DataFrame:
    """Active records that were not erased: who the weights and ratios are measured against."""
    if len(registry) and {"is_active", "erased"} <= set(registry.columns):
        return registry[registry["is_active"] & ~registry["erased"]].reset_index(drop=True)
    return registry


def raking_targets(registry: pd.DataFrame) -> dict[str, pd.Series]:
    """`{variable: Series(code -> count)}` of the registry frame, for each raking variable it has."""
    return {v: registry[v].astype(object).dropna().value_counts() for v in RAKING_VARIABLES if v in registry}


def weigh_waves(frame: pd.DataFrame, targets: dict) -> tuple[pd.DataFrame, dict]:
    """Each wave raked on its own to `targets`; unraked respondents weigh NaN.

    Returns the frame with a `weight` column and each wave's raking result (None when raking failed).
    """
    frame = frame.copy()
    frame["weight"] = np.nan
    weighting: dict[int, object] = {}
    for wave_id, rows in frame.groupby("wave_id", observed=True):
        try:
            raked = raking_weights(rows, targets)
        except (RakingError, ValueError):
            raked = None
        weighting[int(wave_id)] = raked
        if raked is not None:
            frame.loc[rows.index, "weight"] = raked.weights.to_numpy()
    return frame, weighting


def wave_designs(targets: dict) -> Callable[[pd.DataFrame], Design]:
    """What the indicator groups take as `weights` over frames `weigh_waves` weighted: a function
    giving any set of rows (of one wave or several) its waves' raked design, so that the
    intervals they show are the calibrated ones (`analysis.registry_weights.raked_design`)."""
    return WaveDesigns(tuple(targets))


class WaveDesigns:
    """`raked_design` of the frames it is given, each built once: the groups that estimate over
    the same frame (the history, say) share its design. Frames are known by identity and kept
    while remembered, the last `KEEP` of them."""

    KEEP = 8

    def __init__(self, variables: tuple[str, ...]):
        self.variables = variables
        self._made: dict[int, tuple[pd.DataFrame, Design]] = {}

    def __call__(self, frame: pd.DataFrame) -> Design:
        found = self._made.get(id(frame))
        if found is not None and found[0] is frame:
            return found[1]
        design = raked_design(frame, weights="weight", variables=self.variables)
        if len(self._made) >= self.KEEP:
            self._made.pop(next(iter(self._made)))
        self._made[id(frame)] = (frame, design)
        return design


def raked_domain(frame: pd.DataFrame, raked) -> tuple[pd.DataFrame, Design | None]:
    """`frame` (some or all of one wave's respondents, any index) placed in the raked design of the
    whole wave (`raked`: its `RakedWeights`, or None), matched by `response_id`: the frame comes
    back indexed as the design's rows, so that estimators treat it as a domain of the whole wave
    and report calibrated variances. Without a design (the wave could not be raked) the frame
    comes back as it is, with None."""
    design = getattr(raked, "design", None)
    if design is None:
        return frame, None
    whole = pd.Index(design.frame["response_id"].to_numpy())
    positions = whole.get_indexer(frame["response_id"].to_numpy())
    if (positions < 0).any():
        raise ValueError("the frame has respondents that are not in the wave's design")
    return frame.set_axis(design.frame.index[positions]), design
