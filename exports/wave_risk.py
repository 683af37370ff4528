"""Disclosure control across rows that belong together: risk counted within each wave, and a
linked person's values kept in agreement across their waves (used by exports/build.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.disclosure import RiskSummary, risk_summary


def agree_per_person(released: pd.DataFrame, suppressed: pd.DataFrame, people: np.ndarray) -> pd.DataFrame:
    """Suppress a person's variable in all their rows when it is suppressed in one, or released
    with different values in different rows."""
    suppressed = suppressed.groupby(people).transform("max").astype(bool)
    for name in released.columns:
        codes = pd.Series(pd.factorize(released[name], use_na_sentinel=False)[0], index=released.index)
        codes = codes.where(~suppressed[name], -1)
        by_person = codes.groupby(people)
        differs = (by_person.transform("min") != by_person.transform("max")).to_numpy()
        suppressed[name] = suppressed[name].to_numpy() | differs
    return suppressed


def risk_by_wave(
    frame: pd.DataFrame, quasi: list[str], suppressed: pd.DataFrame | None, waves: np.ndarray
) -> RiskSummary:
    """The risk with frequencies counted within each wave, added up over the waves."""
    parts = []
    for wave in np.unique(waves):
        rows = np.flatnonzero(waves == wave)
        parts.append(risk_summary(frame.iloc[rows], quasi, None if suppressed is None else suppressed.iloc[rows]))
    if not parts:
        return risk_summary(frame, quasi, suppressed)
    return RiskSummary(
        records=sum(p.records for p in parts),
        below_2=sum(p.below_2 for p in parts),
        below_3=sum(p.below_3 for p in parts),
        below_5=sum(p.below_5 for p in parts),
        expected_reidentifications=sum(p.expected_reidentifications for p in parts),
        min_frequency=min(p.min_frequency for p in parts),
    )


def changed_cells(before: pd.Series, after: pd.Series) -> np.ndarray:
    b, a = before.to_numpy(dtype=object), after.to_numpy(dtype=object)
    b_missing, a_missing = pd.isna(before).to_numpy(), pd.isna(after).to_numpy()
    return (b_missing != a_missing) | (~b_missing & ~a_missing & (b != a))
