import numpy as np
import pandas as pd
import pytest

from analysis.estimates import mean
from analysis.weighting import RakingError, diagnostics, rake
from tests.analysis.reference import reference, sample

REGIONS = pd.Series({"AFR": 300, "APAC": 350, "EEG": 150, "GRULAC": 280, "WEOG": 420})
GENDERS = pd.Series({"female": 650, "male": 780, "undisclosed": 70})


def test_raked_weights_agree_with_r_survey_rake():
    frame, expected = sample(), reference()
    result = rake(frame, {"region": REGIONS, "gender": GENDERS})
    assert result.converged
    r_weights = np.array([expected[f"raked.weight.{i}"] for i in range(len(frame))])
    np.testing.assert_allclose(result.weights.to_numpy(), r_weights, rtol=1e-6)
    assert mean(frame["willing"], result.weights).estimate == pytest.approx(
        expected["raked.willing.estimate"], abs=1e-6
    )


def test_raked_weights_reproduce_every_margin():
    frame = sample()
    weights = rake(frame, {"region": REGIONS, "gender": GENDERS}).weights
    pd.testing.assert_series_equal(
        weights.groupby(frame["region"]).sum(), REGIONS.astype(float), check_names=False, rtol=1e-8
    )
    pd.testing.assert_series_equal(
        weights.groupby(frame["gender"]).sum(), GENDERS.astype(float), check_names=False, rtol=1e-8
    )


def test_trimming_keeps_weights_within_bounds_and_reports_the_margins():
    frame = sample()
    # A margin far from the sample pushes some weights high.
    skewed = pd.Series({"female": 200, "male": 200, "undisclosed": 1100})
    untrimmed = rake(frame, {"gender": skewed})
    trimmed = rake(frame, {"gender": skewed}, trim=(0.3, 3.0))
    ratio = trimmed.weights / trimmed.weights.mean()
    assert ratio.max() <= 3.0 + 1e-9 and ratio.min() >= 0.3 - 1e-9
    assert untrimmed.weights.max() / untrimmed.weights.mean() > 3.0
    assert trimmed.trimmed > 0
    assert not trimmed.converged and trimmed.max_margin_error > 0.01  # the report says the margins moved
    assert trimmed.diagnostics.design_effect < untrimmed.diagnostics.design_effect


def test_diagnostics_follow_kish():
    result = diagnostics([1, 1, 2, 4])
    assert result.effective_n == pytest.approx(64 / 22)
    assert result.design_effect == pytest.approx(4 * 22 / 64)
    assert result.efficiency == pytest.approx(result.effective_n / 4)
    assert diagnostics([2.0] * 5).design_effect == pytest.approx(1.0)


def test_a_category_without_respondents_cannot_be_raked():
    frame = sample()
    with pytest.raises(RakingError, match="no respondents in \\['other'\\]"):
        rake(frame, {"gender": pd.Series({**GENDERS, "other": 10})})


def test_a_respondent_category_without_a_target_cannot_be_raked():
    with pytest.raises(RakingError, match="no target"):
        rake(sample(), {"gender": GENDERS.drop("undisclosed")})


def test_missing_values_in_a_raking_variable_are_refused():
    frame = sample().copy()
    frame.loc[0, "region"] = None
    with pytest.raises(RakingError, match="1 respondents have no region"):
        rake(frame, {"region": REGIONS})
