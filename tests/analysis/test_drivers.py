import numpy as np
import pandas as pd
import pytest

from analysis.drivers import odds_ratios
from tests.analysis.reference import TOLERANCE, design, design_reference, design_sample, reference, sample


def test_weighted_logistic_regression_agrees_with_svyglm():
    expected = reference()
    table = odds_ratios(sample(), "willing", ["region", "gender"], weights="weight")
    assert list(table.index) == [
        "(Intercept)",
        "regionAPAC",
        "regionEEG",
        "regionGRULAC",
        "regionWEOG",
        "gendermale",
        "genderundisclosed",
    ]
    for name, row in table.iterrows():
        assert row["coef"] == pytest.approx(expected[f"glm.coef.{name}"], abs=TOLERANCE)
        assert row["se"] == pytest.approx(expected[f"glm.se.{name}"], abs=TOLERANCE)
    assert table.loc["regionWEOG", "odds_ratio"] == pytest.approx(np.exp(expected["glm.coef.regionWEOG"]))
    assert table.loc["regionWEOG", "low"] < table.loc["regionWEOG", "odds_ratio"] < table.loc["regionWEOG", "high"]


def test_scaling_weights_leaves_the_odds_ratios_unchanged():
    frame = sample()
    once = odds_ratios(frame, "willing", ["region"], weights="weight")
    scaled = odds_ratios(frame.assign(weight=frame["weight"] * 12), "willing", ["region"], weights="weight")
    pd.testing.assert_frame_equal(once, scaled, rtol=1e-6)


def test_an_outcome_with_one_value_cannot_be_modelled():
    with pytest.raises(ValueError, match="single value"):
        odds_ratios(sample().assign(willing=1), "willing", ["region"])


@pytest.mark.parametrize("name", ["fixed", "raked", "poststratified", "trimmed"])
def test_a_design_as_weights_gets_svyglm_on_that_design(name):
    # score has missing values: those respondents stay in the design, out of the model.
    expected = design_reference()
    weights = "weight" if name == "fixed" else design(name)
    table = odds_ratios(design_sample(), "willing", ["region", "category", "gender", "score"], weights=weights)
    for term, row in table.iterrows():
        for field, key in (("coef", "coef"), ("se", "se"), ("low", "low"), ("high", "high"), ("p_value", "p")):
            assert row[field] == pytest.approx(expected[f"{name}.glm.{term}.{key}"], abs=TOLERANCE), (term, field)
    assert table.attrs["n"] == design_sample()["score"].notna().sum()
