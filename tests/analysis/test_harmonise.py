"""Recoding answers into a harmonised set and keeping only what compares (`analysis.harmonise`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.change import wave_change
from analysis.harmonise import (
    MAPPED,
    NO_EQUIVALENT,
    REFUSED,
    SAME,
    TOP_TWO,
    Category,
    Comparisons,
    Link,
    Plan,
    aligned,
    comparable,
    harmonised,
    one_to_one_scales,
    top_two_categories,
    top_two_trends,
)
from analysis.indicators.commitment import AGREE5, commitment
from analysis.survey_results import wave_results

SECTOR = Link(
    "sector",
    "sector_2019",
    MAPPED,
    "select_one",
    (Category("public", ("public",), ("government", "agency")), Category("private", ("private",), ("private",))),
)
MOTIVES = Link(
    "motivation",
    "motivation",
    MAPPED,
    "select_multiple",
    (Category("networking", ("networking",), ("networking", "peers")),),
)


def test_a_single_choice_is_recoded_and_unmatched_answers_stay_in_the_base():
    frame = pd.DataFrame(
        {"wave_id": [2] * 4, "sector": pd.Categorical(["government", "agency", "other", None]), "weight": 1.0}
    )
    recoded, catalog = harmonised(frame, Plan({"sector": SECTOR}), "later")
    assert recoded["sector"].astype(object).fillna("-").tolist() == ["public", "public", NO_EQUIVALENT, "-"]
    assert list(catalog["name"]) == ["sector"] and list(catalog.loc[0, "choices"]) == [
        "public",
        "private",
        NO_EQUIVALENT,
    ]
    results = wave_results(recoded, catalog)
    public = results.shares[results.shares["choice"] == "public"].iloc[0]
    assert (public["estimate"], public["n"]) == (pytest.approx(2 / 3), 3)


def test_several_choices_ticked_count_once_in_their_category():
    frame = pd.DataFrame(
        {
            "wave_id": [2] * 3,
            "motivation__networking": [1.0, 0.0, np.nan],
            "motivation__peers": [1.0, 1.0, np.nan],
            "motivation__duty": [0.0, 0.0, np.nan],
        }
    )
    recoded, _catalog = harmonised(frame, Plan({"motivation": MOTIVES}), "later")
    assert list(recoded["motivation__networking"].fillna(-1)) == [1.0, 1.0, -1]


def test_only_questions_that_compare_are_kept_and_named_as_in_the_later_wave():
    earlier = pd.DataFrame({"heard": pd.Categorical(["yes", "no"] * 10), "mood": pd.Categorical(["a", "b"] * 10)})
    later = pd.DataFrame({"aware": pd.Categorical(["yes"] * 20), "mood": pd.Categorical(["c", "d"] * 10)})
    catalog = pd.DataFrame(
        [
            {"name": name, "type": "select_one", "choices": {c: {} for c in choices.split()}}
            for name, choices in (("heard", "yes no"), ("aware", "yes no"), ("mood", "a b c d"))
        ]
    )
    plan = Plan(
        {"aware": Link("aware", "heard", SAME, "select_one"), "mood": Link("mood", "mood", REFUSED, "select_one")}
    )
    a = comparable(wave_results(earlier, catalog), plan, "earlier")
    b = comparable(wave_results(later, catalog), plan, "later")
    change = wave_change(a, b)
    assert set(change["question"]) == {"aware"}
    assert change.set_index("item").loc["yes", "difference"] == pytest.approx(0.5)


def test_trends_read_earlier_waves_in_the_latest_terms():
    frame = pd.DataFrame(
        {
            "wave_id": [1, 1, 2, 2],
            "sector_2019": pd.Categorical(["public", "private", None, None]),
            "sector": pd.Categorical([None, None, "government", "private"], categories=["government", "private"]),
            "mood": pd.Categorical(["a", "b", "c", "d"]),
        }
    )
    one_to_one = Link(
        "sector",
        "sector_2019",
        MAPPED,
        "select_one",
        (Category("public", ("public",), ("government",)), Category("private", ("private",), ("private",))),
    )
    plans = {(10, 20): Plan({"sector": one_to_one, "mood": Link("mood", "mood", REFUSED, "select_one")})}
    out = aligned(frame, Comparisons({1: 10, 2: 20}, plans), latest=2)
    assert list(out["sector"].astype(object)) == ["government", "private", "government", "private"]
    assert out["mood"].astype(object).fillna("-").tolist() == ["-", "-", "c", "d"]
    # Several later choices for one earlier: no rewriting can be right, so the earlier answers are left out.
    plans = {(10, 20): Plan({"sector": SECTOR})}
    out = aligned(frame, Comparisons({1: 10, 2: 20}, plans), latest=2)
    assert out["sector"].isna().tolist() == [True, True, False, False]
    assert aligned(frame, Comparisons(), latest=2) is frame


def test_a_top_two_link_counts_each_scale_on_its_own_two_best_levels_and_leaves_off_scale_answers_out():
    four = ("not_useful", "not_very_useful", "useful", "very_useful")  # least to most favourable
    five = ("strongly_disagree", "disagree", "neutral", "agree", "strongly_agree")
    link = Link("useful", "useful", MAPPED, "select_one", top_two_categories(four, five), top_two=True)
    assert not one_to_one_scales({(a, b) for a, b in zip(four, five[1:], strict=True)}, four, five)
    earlier = pd.DataFrame({"useful": pd.Categorical(["very_useful", "useful", "not_useful", "dont_know"])})
    later = pd.DataFrame({"useful": pd.Categorical(["neutral", "agree", "strongly_disagree", "dont_know"])})
    shares = {}
    for side, frame in (("earlier", earlier), ("later", later)):
        recoded, catalog = harmonised(frame, Plan({"useful": link}), side)
        results = comparable(
            wave_results(recoded, catalog), Plan({"useful": link}), side, wave_results(recoded, catalog)
        )
        mapped = results.shares[results.shares["question"] == "useful"]
        assert set(mapped["choice"]) == {TOP_TWO}  # the other levels are its complement, not an item
        shares[side] = (mapped.iloc[0]["estimate"], mapped.iloc[0]["n"])
    assert shares == {"earlier": (pytest.approx(2 / 3), 3), "later": (pytest.approx(1 / 3), 3)}


def test_a_trend_reads_an_earlier_scale_that_differs_on_its_own_top_two_box_share():
    four = ("not_clear", "not_very_clear", "clear", "very_clear")  # an earlier 4-point scale
    link = Link("clarity", "clarity", MAPPED, "select_one", top_two_categories(four, AGREE5), top_two=True)
    frame = pd.DataFrame(
        {
            "wave_id": [1] * 5 + [2] * 4,
            "year": [2020] * 5 + [2021] * 4,
            # 2020: 3 of the 4 answers on the scale are in its two best levels; "dont_know" is off it.
            "clarity": ["very_clear", "clear", "clear", "not_clear", "dont_know"]
            + ["strongly_agree", "neutral", "disagree", "agree"],
        }
    )
    comparisons = Comparisons({1: 10, 2: 20}, {(10, 20): Plan({"clarity": link})})
    out = aligned(frame, comparisons, latest=2)
    assert out["clarity"].fillna("-").tolist()[:5] == ["strongly_agree", "agree", "agree", "strongly_disagree", "-"]
    by_year = commitment(None, out).clarity_by_year
    assert by_year.loc[2020, "top_two"] == pytest.approx(3 / 4)
    assert by_year.loc[2020, "n"] == 4
    assert by_year.loc[2021, "top_two"] == pytest.approx(2 / 4)
    assert top_two_trends(frame, comparisons, latest=2) == {"clarity": (1,)}
    # Without the top-two mapping the earlier wave would be left out of the trend altogether.
    refused = Comparisons({1: 10, 2: 20}, {(10, 20): Plan({"clarity": Link("clarity", "clarity", REFUSED)})})
    assert commitment(None, aligned(frame, refused, latest=2)).clarity_by_year.loc[2020, "n"] == 0
    assert top_two_trends(frame, refused, latest=2) == {}
