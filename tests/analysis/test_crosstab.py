import pandas as pd
import pytest

from analysis.crosstab import crosstab
from tests.analysis.reference import TOLERANCE, design, design_reference, design_sample, reference, sample


def test_unweighted_table_gets_pearson_chi_square_as_r_computes_it():
    expected = reference()
    table = crosstab(sample(), "region", "agree")
    assert table.test.method == "pearson"
    assert table.test.statistic == pytest.approx(expected["pearson.statistic"], abs=TOLERANCE)
    assert table.test.df == expected["pearson.df"]
    assert table.test.p_value == pytest.approx(expected["pearson.p"], abs=TOLERANCE)
    assert table.n.to_numpy().sum() == len(sample())


@pytest.mark.parametrize("design, weights", [("weighted", "weight"), ("equal", "one")])
def test_weighted_table_gets_rao_scott_as_svychisq_computes_it(design, weights):
    expected = reference()
    frame = sample().assign(one=1.0)
    table = crosstab(frame, "region", "agree", weights=weights)
    assert table.test.method == "rao-scott"
    assert table.test.statistic == pytest.approx(expected[f"{design}.chisq.F"], abs=TOLERANCE)
    assert table.test.df == pytest.approx(expected[f"{design}.chisq.ndf"], abs=TOLERANCE)
    assert table.test.df_denominator == pytest.approx(expected[f"{design}.chisq.ddf"], abs=TOLERANCE)
    assert table.test.p_value == pytest.approx(expected[f"{design}.chisq.p"], abs=TOLERANCE)


def test_column_shares_sum_to_one_and_cells_keep_their_n():
    frame = sample()
    table = crosstab(frame, "region", "agree", weights="weight")
    assert table.column_shares.sum().to_numpy() == pytest.approx(1.0)
    assert table.counts.to_numpy().sum() == pytest.approx(frame["weight"].sum())
    assert int(table.n.loc["AFR", "agree"]) == len(frame[(frame.region == "AFR") & (frame.agree == "agree")])


def test_a_single_category_has_no_test():
    frame = pd.DataFrame({"a": ["x"] * 5, "b": ["p", "q", "p", "q", "p"]})
    assert crosstab(frame, "a", "b").test is None


def test_a_table_with_an_empty_cell_is_still_tested():
    frame = pd.DataFrame({"region": ["AFR"] * 6 + ["WEOG"] * 6, "answer": ["yes"] * 6 + ["yes", "no"] * 3})
    table = crosstab(frame, "region", "answer")
    assert table.n.loc["AFR", "no"] == 0
    assert table.test.method == "pearson" and 0 < table.test.p_value < 1
    # R: chisq.test(matrix(c(6, 3, 0, 3), 2), correct = FALSE) gives X-squared = 4
    assert table.test.statistic == pytest.approx(4.0)


@pytest.mark.parametrize("name", ["fixed", "raked", "poststratified", "trimmed"])
def test_a_design_as_weights_gets_svychisq_on_that_design(name):
    # design.csv has missing answers: those respondents stay in the design, as in R.
    expected = design_reference()
    weights = "weight" if name == "fixed" else design(name)
    table = crosstab(design_sample(), "region", "agree", weights=weights)
    assert table.test.method == "rao-scott"
    assert table.test.statistic == pytest.approx(expected[f"{name}.chisq.region_agree.statistic"], abs=TOLERANCE)
    assert table.test.df == pytest.approx(expected[f"{name}.chisq.region_agree.df1"], abs=TOLERANCE)
    assert table.test.df_denominator == pytest.approx(expected[f"{name}.chisq.region_agree.df2"], abs=TOLERANCE)
    assert table.test.p_value == pytest.approx(expected[f"{name}.chisq.region_agree.p"], abs=TOLERANCE)
    assert table.n.to_numpy().sum() == design_sample()["agree"].notna().sum()
