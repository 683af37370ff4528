"""The survey design against R's survey package: fixed weights, a raking on three margins, a
post-stratification and a trimmed raking (fixtures/reference.R on fixtures/design.csv)."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.design import Design, design_of
from analysis.weighting import RakingError
from tests.analysis.reference import (
    MARGINS,
    TOLERANCE,
    TRIM,
    design,
    design_reference,
    design_sample,
    design_weights,
)

DESIGNS = ("fixed", "raked", "poststratified", "trimmed")
SHARES = {"willing": {}, "trust": {}, "agree": {"level": "agree"}}  # trust and agree have missing values
DOMAINS = {
    "score.region": ("score", "region"),
    "trust.category": ("trust", "category"),
    "willing.region_category": ("willing", ["region", "category"]),  # EEG has no business: an empty domain
}
TABLES = [("region", "agree"), ("region", "category"), ("gender", "trust")]
PREDICTORS = ["region", "category", "gender", "score"]


def close(value, name):
    return value == pytest.approx(design_reference()[name], abs=TOLERANCE)


@pytest.mark.parametrize("name", ["raked", "poststratified", "trimmed"])
def test_calibrated_weights_are_r_s(name):
    result = design(name)
    np.testing.assert_allclose(result.weights.to_numpy(), design_weights()[name].to_numpy(), rtol=1e-9)
    assert result.converged in (None, True)


@pytest.mark.parametrize("name", DESIGNS)
@pytest.mark.parametrize("variable", ["score", "willing"])
def test_means_and_totals_agree_with_svymean_and_svytotal(name, variable):
    result = design(name)
    for statistic in ("mean", "total"):
        value = getattr(result, statistic)(variable)
        assert close(value.estimate, f"{name}.{variable}.{statistic}.estimate")
        assert close(value.se, f"{name}.{variable}.{statistic}.se")


@pytest.mark.parametrize("name", DESIGNS)
@pytest.mark.parametrize("variable", SHARES)
@pytest.mark.parametrize("method", ["logit", "beta"])
def test_proportions_agree_with_svyciprop(name, variable, method):
    result = design(name).proportion(variable, method, **SHARES[variable])
    for field in ("estimate", "se", "low", "high"):
        assert close(getattr(result, field), f"{name}.{variable}.{method}.{field}"), field
    assert result.n == design_sample()[variable].notna().sum()


@pytest.mark.parametrize("name", DESIGNS)
@pytest.mark.parametrize("domain", DOMAINS)
def test_domains_agree_with_svyby(name, domain):
    variable, group = DOMAINS[domain]
    table = design(name).by(variable, group)
    prefix = f"{name}.by.{domain}."
    expected = {
        key[len(prefix) : -len(".se")] for key in design_reference() if key.startswith(prefix) and key.endswith(".se")
    }
    labels = [g if isinstance(g, str) else ".".join(g) for g in table["group"]]
    assert set(labels) == expected
    for label, row in zip(labels, table.itertuples(), strict=True):
        assert close(row.estimate, f"{prefix}{label}.estimate")
        assert close(row.se, f"{prefix}{label}.se")
    assert list(table.columns[:3]) == ["group", "estimate", "se"]


def test_an_empty_domain_has_no_row():
    table = design("raked").by("willing", ["region", "category"])
    assert ("EEG", "business") not in set(table["group"])
    assert ("EEG", "science") in set(table["group"])


@pytest.mark.parametrize("name", DESIGNS)
@pytest.mark.parametrize("row, column", TABLES)
def test_chi_square_agrees_with_svychisq_f(name, row, column):
    result = design(name).chisq(row, column)
    for field in ("statistic", "df1", "df2", "p"):
        assert close(getattr(result, field), f"{name}.chisq.{row}_{column}.{field}"), field


@pytest.mark.parametrize("name", DESIGNS)
def test_logistic_regression_agrees_with_svyglm_quasibinomial(name):
    table = design(name).glm("willing", PREDICTORS)
    assert list(table.columns[:6]) == ["term", "coef", "se", "odds_ratio", "low", "high"]
    assert table["term"].tolist()[:3] == ["(Intercept)", "regionAPAC", "regionEEG"]  # AFR is the reference
    for row in table.itertuples():
        assert close(row.coef, f"{name}.glm.{row.term}.coef")
        assert close(row.se, f"{name}.glm.{row.term}.se")
        assert close(row.low, f"{name}.glm.{row.term}.low")
        assert close(row.high, f"{name}.glm.{row.term}.high")
        assert close(row.p_value, f"{name}.glm.{row.term}.p")
        assert row.odds_ratio == pytest.approx(math.exp(row.coef))
    assert table.attrs["n"] == design_sample()["score"].notna().sum()


def test_weights_raked_elsewhere_get_the_raked_design_s_variances():
    frame = design_sample()
    declared = Design(frame, design_weights()["raked"]).as_raked(list(MARGINS))
    assert close(declared.mean("score").se, "raked.score.mean.se")
    assert close(declared.proportion("trust").high, "raked.trust.logit.high")
    assert close(declared.chisq("region", "agree").statistic, "raked.chisq.region_agree.statistic")
    table = declared.glm("willing", PREDICTORS)
    assert close(table.loc[table["term"] == "gendermale", "se"].item(), "raked.glm.gendermale.se")


def test_calibration_shrinks_the_variance_of_a_calibrated_variable():
    # A raking margin is known exactly: its share has no sampling variance left.
    raked = design("raked").subset(design_sample()["region"].notna())
    frame = design_sample().assign(afr=(design_sample()["region"] == "AFR").astype(int))
    share = Design(frame, "weight").rake(MARGINS).proportion("afr")
    assert share.estimate == pytest.approx(380 / 2000)
    assert share.se < 1e-9
    assert raked.mean("score").se != design("fixed").mean("score").se


def test_a_domain_of_the_frame_is_the_subset_of_the_design():
    frame = design_sample()
    raked = design("raked")
    africa = frame[frame["region"] == "AFR"][["score", "willing"]]
    over = design_of(africa, raked)
    subset = raked.subset(frame["region"] == "AFR")
    assert over.mean("score") == subset.mean("score")
    assert over.proportion("willing") == subset.proportion("willing")
    assert over.n == raked.n == len(frame)
    assert over.df == len(africa) - 1
    by = raked.by("score", "region").set_index("group")
    assert over.mean("score").se == pytest.approx(by.loc["AFR", "se"], abs=1e-12)


def test_a_missing_weight_puts_the_row_outside_the_design():
    frame = design_sample().copy()
    frame.loc[:9, "weight"] = np.nan
    inside = Design(frame, "weight")
    alone = Design(frame.iloc[10:], "weight")
    assert inside.n == alone.n == len(frame) - 10
    assert inside.mean("score") == alone.mean("score")
    assert inside.weights.iloc[:10].isna().all()


def test_scaling_the_weights_changes_nothing():
    frame = design_sample()
    once = Design(frame, "weight")
    scaled = Design(frame, frame["weight"] * 40.0)
    assert scaled.proportion("trust").high == pytest.approx(once.proportion("trust").high)
    assert scaled.chisq("region", "agree").statistic == pytest.approx(once.chisq("region", "agree").statistic)
    pd.testing.assert_series_equal(scaled.glm("willing", ["region"])["se"], once.glm("willing", ["region"])["se"])


def test_trimming_bounds_every_weight_and_keeps_the_total():
    raked = design("raked")
    trimmed = raked.trim(*TRIM)
    assert trimmed.weights.min() >= TRIM[0] - 1e-9 and trimmed.weights.max() <= TRIM[1] + 1e-9
    assert trimmed.weights.sum() == pytest.approx(raked.weights.sum())
    assert trimmed.calibrated


def test_all_or_none_gets_clopper_pearson_on_the_actual_n():
    frame = pd.DataFrame({"y": [1] * 20})
    result = Design(frame).proportion("y")
    assert (result.estimate, result.se, result.high) == (1.0, 0.0, 1.0)
    assert 0.8 < result.low < 0.9


def test_what_cannot_be_estimated_is_refused():
    frame = design_sample()
    with pytest.raises(ValueError, match="0/1"):
        Design(frame).proportion("score")
    with pytest.raises(ValueError, match="single value"):
        Design(frame.assign(willing=1)).glm("willing", ["region"])
    with pytest.raises(ValueError, match="negative"):
        Design(frame, -frame["weight"])
    with pytest.raises(RakingError, match="no respondents"):
        Design(frame).rake({"region": pd.concat([MARGINS["region"], pd.Series({"other": 5.0})])})
    missing = frame.assign(gender=frame["gender"].where(frame.index > 0))
    with pytest.raises(RakingError, match="have no gender"):
        Design(missing).rake(MARGINS)
    with pytest.raises(ValueError, match="whole design"):
        design("fixed").subset(frame["region"] == "AFR").rake(MARGINS)
