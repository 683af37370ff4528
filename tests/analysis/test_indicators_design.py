"""The indicator groups over several waves: each wave in its own raked design (issue 14, item 1)."""

from functools import partial

import numpy as np
import pandas as pd
import pytest

from analysis.design import Design
from analysis.indicators import capacity as cp
from analysis.indicators import commitment as cm
from analysis.registry_weights import raked_design, raking_weights
from tests.analysis.test_survey_results import MARGINS, survey

VARIABLES = ("regional_group", "category", "gender")


def two_waves():
    """Two waves, each raked on its own to the registry's margins, with a `weight` column."""
    parts = []
    for wave_id, (year, seed) in enumerate(((2025, 3), (2026, 11)), start=1):
        frame = survey(n=300, seed=seed).drop(columns="weight")
        frame["response_id"] += 1000 * wave_id
        frame["wave_id"], frame["year"] = wave_id, year
        frame["weight"] = raking_weights(frame, MARGINS).weights.to_numpy()
        frame["clarity"] = frame["clarity"].astype(object)
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def one_wave(history, wave_id):
    rows = history[history["wave_id"] == wave_id]
    return rows, raking_weights(rows, MARGINS).design


def test_each_year_of_a_trend_carries_its_wave_s_calibrated_interval():
    history = two_waves()
    designs = partial(raked_design, variables=VARIABLES)
    result = cp.capacity(history, weights=designs)
    fixed = cp.capacity(history, weights="weight")
    for wave_id, year in ((1, 2025), (2, 2026)):
        rows, design = one_wave(history, wave_id)
        named = ((rows["barriers__time"] > 0) | (rows["barriers__funding"] > 0)).astype(float)
        named = named.where(rows["barriers__time"].notna())
        expected = design.over(named.rename("named").to_frame()).proportion("named")
        shown = result.any_barrier.loc[year]
        assert shown["estimate"] == pytest.approx(expected.estimate, abs=1e-12)
        assert (shown["low"], shown["high"]) == pytest.approx((expected.low, expected.high), abs=1e-12)
        # Point estimates are those of the raked weights; only the intervals change.
        assert fixed.any_barrier.loc[year, "estimate"] == pytest.approx(shown["estimate"], abs=1e-12)
        assert fixed.any_barrier.loc[year, "low"] != pytest.approx(shown["low"], abs=1e-6)


def test_several_waves_pooled_remove_each_wave_s_margins():
    history = two_waves()
    pooled = raked_design(history, variables=VARIABLES)
    for wave_id in (1, 2):
        rows, design = one_wave(history, wave_id)
        inside = (history["wave_id"] == wave_id).to_numpy()
        value = history["barriers__time"].where(inside)
        # A wave's domain of the pooled design: the wave's own estimate and standard error, up to
        # the n/(n-1) factor, which counts both waves' respondents, and the ten sweeps that remove
        # a raking's margins (close to, not exactly, the projection).
        n_all, n_wave = pooled.n, design.n
        factor = np.sqrt((n_all / (n_all - 1)) / (n_wave / (n_wave - 1)))
        assert pooled.over(value.rename("v").to_frame()).mean("v").se == pytest.approx(
            design.mean("barriers__time").se * factor, rel=1e-4
        )
    single = history[history["wave_id"] == 1]
    assert isinstance(raked_design(single, variables=VARIABLES), Design)


def test_commitment_groups_are_domains_of_the_wave_design():
    history = two_waves()
    history["clarity"] = history["clarity"].replace("dont_know", None)
    latest = history[history["wave_id"] == 2]
    result = cm.commitment(None, latest, scale=tuple(cm.AGREE5), weights=partial(raked_design, variables=VARIABLES))
    _, design = one_wave(history, 2)
    top = latest["clarity"].isin(cm.AGREE5[-2:]).astype(float).where(latest["clarity"].notna())
    africa = top[latest["regional_group"] == "AFR"]
    expected = design.over(africa.rename("top").to_frame()).proportion("top")
    assert result.clarity.loc["AFR", "top_two"] == pytest.approx(expected.estimate, abs=1e-12)
    assert result.clarity.loc["AFR", "low"] == pytest.approx(expected.low, abs=1e-12)
