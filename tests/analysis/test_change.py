import numpy as np
import pytest

from analysis.change import METHOD, benjamini_hochberg, wave_change
from analysis.survey_results import wave_results
from tests.analysis.reference import TOLERANCE, reference
from tests.analysis.test_survey_results import CATALOG, survey


def test_benjamini_hochberg_agrees_with_r_p_adjust():
    expected = reference()
    p = [expected[f"bh.p.{i}"] for i in range(10)]
    adjusted = benjamini_hochberg(p)
    np.testing.assert_allclose(adjusted, [expected[f"bh.adjusted.{i}"] for i in range(10)], atol=TOLERANCE)


def test_a_clear_shift_is_significant_after_correction_and_noise_is_not():
    earlier = survey(seed=1)
    later = survey(seed=2)
    later["engaged"] = later["engaged"].where(np.random.default_rng(5).random(len(later)) < 0.5, "yes")
    table = wave_change(wave_results(earlier, CATALOG), wave_results(later, CATALOG))
    assert set(table["method"]) == {METHOD}
    engaged_yes = table[(table["question"] == "engaged") & (table["item"] == "yes")].iloc[0]
    assert engaged_yes["difference"] > 0.1 and engaged_yes["significant"]
    assert engaged_yes["p_adjusted"] >= engaged_yes["p_value"]
    events = table[(table["question"] == "events") & (table["item"] == "mean")].iloc[0]
    assert not events["significant"]  # same process in both waves
    assert {"top_two", "mean"} <= set(table["item"])


def test_identical_waves_show_no_change():
    results = wave_results(survey(seed=3), CATALOG)
    table = wave_change(results, results)
    assert (table["difference"].abs() < 1e-12).all()
    assert not table["significant"].any()


def test_an_item_asked_in_one_wave_only_has_no_row():
    earlier = survey(seed=1).drop(columns=["events"])
    table = wave_change(wave_results(earlier, CATALOG), wave_results(survey(seed=2), CATALOG))
    assert "events" not in set(table["question"])


def test_the_change_of_weighted_estimates_uses_their_standard_errors():
    earlier, later = survey(seed=1), survey(seed=2)
    a = wave_results(earlier, CATALOG, weights="weight")
    b = wave_results(later, CATALOG, weights="weight")
    row = wave_change(a, b).query("question == 'engaged' and item == 'yes'").iloc[0]
    se_a = a.shares.query("question == 'engaged' and choice == 'yes' and by == 'all'")["se"].iloc[0]
    se_b = b.shares.query("question == 'engaged' and choice == 'yes' and by == 'all'")["se"].iloc[0]
    assert row["se"] == pytest.approx(np.hypot(se_a, se_b))
