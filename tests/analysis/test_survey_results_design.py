"""Wave results on a calibrated design: R's values through `wave_results`, domains of a design
(the explorer's filters), and the design `raking_weights` hands back."""

import numpy as np
import pandas as pd
import pytest

from analysis.registry_weights import raked_design
from analysis.survey_results import drivers, raking_weights, wave_results
from tests.analysis.reference import TOLERANCE, design, design_reference, design_sample
from tests.analysis.test_survey_results import CATALOG, MARGINS, catalog, row, survey

DESIGN_CATALOG = catalog(
    {
        "name": "agree",
        "type": "select_one",
        "list_name": "agree3",
        "choices": {"disagree": {}, "neutral": {}, "agree": {}},
    },
    {"name": "score", "type": "decimal"},
)
DESIGNS = ["fixed", "raked", "poststratified", "trimmed"]


def results_of(name: str, frame: pd.DataFrame | None = None):
    frame = design_sample() if frame is None else frame
    weights = "weight" if name == "fixed" else design(name)
    return wave_results(frame, DESIGN_CATALOG, weights=weights, by=("region",), crosstab_by="region")


def close(value, name):
    return value == pytest.approx(design_reference()[name], abs=TOLERANCE)


@pytest.mark.parametrize("name", DESIGNS)
def test_wave_results_on_a_design_agree_with_r(name):
    results = results_of(name)
    share = row(results.shares, question="agree", choice="agree", by="all")
    for field in ("estimate", "se", "low", "high"):
        assert close(share[field], f"{name}.agree.logit.{field}"), field
    overall = row(results.means, question="score", by="all")
    assert close(overall["estimate"], f"{name}.score.mean.estimate") and close(overall["se"], f"{name}.score.mean.se")
    for region in ("AFR", "EEG", "WEOG"):
        cell = row(results.means, question="score", by="region", group=region)
        assert close(cell["estimate"], f"{name}.by.score.region.{region}.estimate")
        assert close(cell["se"], f"{name}.by.score.region.{region}.se")
    test = row(results.crosstabs, question="agree")
    for field, key in (("statistic", "statistic"), ("df", "df1"), ("df_denominator", "df2"), ("p_value", "p")):
        assert close(test[field], f"{name}.chisq.region_agree.{key}"), field


@pytest.mark.parametrize("name", ["raked", "poststratified"])
def test_a_subset_of_the_design_s_frame_is_estimated_as_a_domain(name):
    # The explorer narrows a wave to its filters but keeps the whole wave's raking.
    frame = design_sample()
    africa = frame[frame["region"] == "AFR"]
    results = results_of(name, africa)
    overall = row(results.means, question="score", by="all")
    assert close(overall["estimate"], f"{name}.by.score.region.AFR.estimate")
    assert close(overall["se"], f"{name}.by.score.region.AFR.se")
    assert results.n == len(africa)
    assert results.questions.set_index("question").loc["score", "n"] == africa["score"].notna().sum()
    assert set(results.means.loc[results.means["by"] == "region", "group"]) == {"AFR"}


def test_raking_weights_hand_back_their_calibrated_design():
    frame = survey()
    raked = raking_weights(frame, MARGINS, trim=None)
    with_column = frame.assign(weight=raked.weights)
    calibrated = wave_results(frame, CATALOG, weights=raked.design)
    rebuilt = wave_results(with_column, CATALOG, weights=raked_design(with_column))
    fixed = wave_results(with_column, CATALOG, weights="weight")
    numbers = ["estimate", "se", "low", "high", "n"]
    np.testing.assert_allclose(
        calibrated.shares[numbers].to_numpy(float), rebuilt.shares[numbers].to_numpy(float), rtol=1e-9
    )
    np.testing.assert_allclose(calibrated.shares["estimate"], fixed.shares["estimate"], rtol=1e-12)
    assert not np.allclose(calibrated.shares["se"], fixed.shares["se"], rtol=1e-4)
    # A raking margin has no sampling variance left: the shares of each gender are known exactly.
    frame = frame.assign(female=(frame["gender"] == "female").astype(int))
    share = raked.design.over(frame).proportion("female")
    assert share.estimate == pytest.approx(0.48) and share.se < 1e-9


def test_drivers_on_the_raked_design_keep_the_coefficients_and_change_the_errors():
    frame = survey(n=800)
    raked = raking_weights(frame, MARGINS, trim=None)
    calibrated = drivers(frame, "clarity", CATALOG, weights=raked.design)
    fixed = drivers(frame.assign(weight=raked.weights), "clarity", CATALOG, weights="weight")
    np.testing.assert_allclose(calibrated["coef"], fixed["coef"], rtol=1e-9)
    assert not np.allclose(calibrated["se"], fixed["se"], rtol=1e-4)
    assert calibrated.attrs["n"] == fixed.attrs["n"]
