import math

import numpy as np
import pandas as pd
import pytest

from analysis.estimates import SMALL_CELL, mean, proportion, proportion_by
from tests.analysis.reference import TOLERANCE, design, design_reference, design_sample, reference, sample

DESIGNS = {"weighted": "weight", "equal": None}


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("method", ["logit", "beta"])
def test_proportion_agrees_with_svyciprop(design, method):
    frame, expected = sample(), reference()
    weights = frame[DESIGNS[design]] if DESIGNS[design] else None
    result = proportion(frame["willing"], weights, method=method)
    for field in ("estimate", "se", "low", "high"):
        assert getattr(result, field) == pytest.approx(expected[f"{design}.willing.{method}.{field}"], abs=TOLERANCE)
    assert result.n == len(frame)


@pytest.mark.parametrize("design", DESIGNS)
def test_mean_with_missing_answers_agrees_with_svymean(design):
    frame, expected = sample(), reference()
    weights = frame[DESIGNS[design]] if DESIGNS[design] else None
    result = mean(frame["score"], weights)
    for field in ("estimate", "se", "low", "high"):
        assert getattr(result, field) == pytest.approx(expected[f"{design}.score.{field}"], abs=TOLERANCE)
    assert result.n == frame["score"].notna().sum()


@pytest.mark.parametrize("design", DESIGNS)
def test_domain_estimates_agree_with_svyby(design):
    frame, expected = sample(), reference()
    table = proportion_by(frame, "willing", "region", weights=DESIGNS[design])
    for region, row in table.iterrows():
        assert row["estimate"] == pytest.approx(expected[f"{design}.willing.by.{region}.estimate"], abs=TOLERANCE)
        assert row["se"] == pytest.approx(expected[f"{design}.willing.by.{region}.se"], abs=TOLERANCE)
    assert table["n"].sum() == len(frame)


def test_scaling_the_weights_changes_nothing():
    frame = sample()
    once = proportion(frame["willing"], frame["weight"])
    scaled = proportion(frame["willing"], frame["weight"] * 37.5)
    assert scaled.as_dict() == pytest.approx(once.as_dict())


def test_equal_weights_give_the_unweighted_result():
    frame = sample()
    assert proportion(frame["willing"], np.full(len(frame), 3.0)).as_dict() == pytest.approx(
        proportion(frame["willing"]).as_dict()
    )
    assert mean(frame["score"], np.full(len(frame), 0.5)).as_dict() == pytest.approx(mean(frame["score"]).as_dict())


@pytest.mark.parametrize("value", [0, 1])
def test_all_or_none_still_gets_a_sensible_interval(value):
    result = proportion([value] * 25)
    assert result.estimate == value
    assert result.se == 0
    assert 0 <= result.low <= result.high <= 1
    assert (result.high > 0.05) if value == 0 else (result.low < 0.95)  # not a zero-width interval
    assert result.low == value or result.high == value


def test_one_respondent_has_no_interval_and_is_flagged():
    result = proportion([1.0, np.nan], [2.0, 1.0])
    assert result.n == 1 and result.small
    assert math.isnan(result.se) or result.se == 0


def test_all_missing_and_empty_give_no_estimate():
    for values in ([np.nan, np.nan], []):
        result = mean(values)
        assert result.n == 0 and result.small and math.isnan(result.estimate)


def test_small_cells_are_flagged():
    assert proportion([0, 1] * (SMALL_CELL // 2)).small is False
    assert proportion([0, 1, 1]).small is True


def test_a_proportion_refuses_values_other_than_0_and_1():
    with pytest.raises(ValueError, match="0/1"):
        proportion(pd.Series([0, 2, 1]))


CALIBRATED = ["raked", "poststratified", "trimmed"]


@pytest.mark.parametrize("name", CALIBRATED)
def test_a_calibrated_design_as_weights_gives_r_s_intervals(name):
    frame, expected = design_sample(), design_reference()
    share = proportion(frame["trust"], design(name))
    for field in ("estimate", "se", "low", "high"):
        assert getattr(share, field) == pytest.approx(expected[f"{name}.trust.logit.{field}"], abs=TOLERANCE)
    assert share.n == frame["trust"].notna().sum()
    average = mean(frame["score"], design(name))
    assert average.se == pytest.approx(expected[f"{name}.score.mean.se"], abs=TOLERANCE)


@pytest.mark.parametrize("name", CALIBRATED)
def test_domains_of_a_calibrated_design_agree_with_svyby(name):
    expected = design_reference()
    table = proportion_by(design_sample(), "trust", "category", weights=design(name))
    for category, row in table.iterrows():
        assert row["estimate"] == pytest.approx(
            expected[f"{name}.by.trust.category.{category}.estimate"], abs=TOLERANCE
        )
        assert row["se"] == pytest.approx(expected[f"{name}.by.trust.category.{category}.se"], abs=TOLERANCE)


def test_a_calibrated_variance_differs_from_the_fixed_weights_one():
    frame = design_sample()
    raked = design("raked")
    fixed = proportion(frame["willing"], raked.weights)  # the same weights, taken as fixed
    calibrated = proportion(frame["willing"], raked)
    assert calibrated.estimate == pytest.approx(fixed.estimate)
    assert calibrated.se != pytest.approx(fixed.se, abs=1e-4)
