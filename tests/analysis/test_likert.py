import math

import numpy as np
import pandas as pd
import pytest

from analysis.likert import cronbach_alpha, summarise
from tests.analysis.reference import design, design_reference, design_sample

SCALE = ["1", "2", "3", "4", "5"]


def test_distribution_top_two_and_median_leave_dont_know_outside_the_scale():
    answers = pd.Series(["5", "4", "4", "2", "dk", "dk", None, "3", "1", "5", "4"])
    result = summarise(answers, SCALE, off_scale=("dk",))
    assert result.n == 8
    assert list(result.distribution.index) == SCALE
    assert result.distribution["n"].tolist() == [1, 1, 1, 3, 2]
    assert result.distribution["share"].sum() == pytest.approx(1.0)
    assert result.top_two.estimate == pytest.approx(5 / 8)
    assert result.top_two.n == 8
    assert result.median == "4"
    assert result.off_scale_share == pytest.approx(2 / 10)


def test_weights_move_the_shares_and_the_median():
    answers = pd.Series(["1", "1", "5"])
    assert summarise(answers, SCALE).median == "1"
    weighted = summarise(answers, SCALE, weights=[1.0, 1.0, 5.0])
    assert weighted.median == "5"
    assert weighted.distribution.loc["5", "share"] == pytest.approx(5 / 7)
    assert weighted.top_two.estimate == pytest.approx(5 / 7)


def test_an_answer_neither_on_nor_off_the_scale_is_refused():
    with pytest.raises(ValueError, match="neither on the scale"):
        summarise(pd.Series(["1", "maybe"]), SCALE)


def test_no_answers_on_the_scale_gives_no_median():
    result = summarise(pd.Series(["dk", None]), SCALE, off_scale=("dk",))
    assert result.n == 0 and result.median is None and math.isnan(result.top_two.estimate)


def test_cronbach_alpha_matches_the_hand_computed_value():
    items = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    # Item variances 2.5 + 2.3 + 1.5 = 6.3; variance of the totals 17.3; k = 3.
    assert cronbach_alpha(items) == pytest.approx(1.5 * (1 - 6.3 / 17.3))


def test_identical_items_are_perfectly_reliable_and_unrelated_items_are_not():
    rng = np.random.default_rng(3)
    same = rng.integers(1, 6, size=200)
    assert cronbach_alpha(pd.DataFrame({"a": same, "b": same, "c": same})) == pytest.approx(1.0)
    noise = pd.DataFrame(rng.integers(1, 6, size=(200, 3)), columns=list("abc"))
    assert abs(cronbach_alpha(noise)) < 0.2


def test_a_raked_design_gives_the_top_two_box_its_calibrated_interval():
    frame = design_sample()
    answers = frame["agree"].map({"disagree": "1", "neutral": "3", "agree": "5"})
    raked = design("raked")
    result = summarise(answers, SCALE, weights=raked)
    expected = raked.proportion("agree", level="agree")  # "5" is the only top-two level answered
    assert (result.top_two.estimate, result.top_two.se, result.top_two.low) == pytest.approx(
        (expected.estimate, expected.se, expected.low)
    )
    assert result.top_two.estimate == pytest.approx(design_reference()["raked.agree.logit.estimate"], abs=1e-6)
    assert result.distribution["share"].sum() == pytest.approx(1.0)
