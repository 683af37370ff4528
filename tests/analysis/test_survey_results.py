"""Every question of a wave summarised: shares, means, Likert items, tests, weights and drivers."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.estimates import mean, proportion
from analysis.likert import cronbach_alpha, summarise
from analysis.survey_results import drivers, raking_weights, top_two_box, wave_results

AGREE = ["strongly_agree", "agree", "neutral", "disagree", "strongly_disagree", "dont_know"]  # as the survey lists it
SCALE = ["strongly_disagree", "disagree", "neutral", "agree", "strongly_agree"]  # least to most favourable
REGIONS = ["AFR", "APAC", "EEG", "GRULAC", "WEOG"]


def catalog(*rows):
    defaults = {"list_name": None, "choices": {}, "pii": False, "profile": None}
    return pd.DataFrame([{**defaults, **row} for row in rows])


CATALOG = catalog(
    {"name": "engaged", "type": "select_one", "list_name": "yes_no", "choices": {"yes": {}, "no": {}}},
    {"name": "clarity", "type": "select_one", "list_name": "agree5", "choices": {c: {} for c in AGREE}},
    {"name": "openness", "type": "select_one", "list_name": "agree5", "choices": {c: {} for c in AGREE}},
    {"name": "events", "type": "integer"},
    {
        "name": "barriers",
        "type": "select_multiple",
        "list_name": "barrier",
        "choices": {"time": {}, "funding": {}, "none": {}},
        "columns": ("barriers__time", "barriers__funding", "barriers__none"),
    },
    {"name": "country", "type": "select_one", "list_name": "country", "choices": {"KE": {}}, "profile": "country"},
    {"name": "contact_email", "type": "text", "pii": True},
    {"name": "comment", "type": "text"},
)


def survey(n=400, seed=7):
    rng = np.random.default_rng(seed)
    region = rng.choice(REGIONS, n, p=[0.2, 0.2, 0.1, 0.2, 0.3])
    lean = np.where(region == "AFR", 1.0, 0.0)
    clarity = np.clip(np.round(rng.normal(2 - lean, 1.2)), 0, 4).astype(int)
    answered = rng.random((n, 3)) < 0.35
    barriers_answered = rng.random(n) < 0.8
    frame = pd.DataFrame(
        {
            "response_id": np.arange(1, n + 1),
            "regional_group": pd.Categorical(region),
            "gender": pd.Categorical(rng.choice(["female", "male"], n)),
            "category": pd.Categorical(rng.choice(["science", "ngo", "policymaker"], n)),
            "language": pd.Categorical(rng.choice(["en", "fr", "es"], n)),
            "engaged": pd.Categorical(rng.choice(["yes", "no", None], n, p=[0.6, 0.3, 0.1]), categories=["yes", "no"]),
            "clarity": pd.Categorical(
                np.where(rng.random(n) < 0.08, "dont_know", np.array(AGREE)[clarity]), categories=AGREE
            ),
            "openness": pd.Categorical(
                np.array(AGREE)[np.clip(clarity + rng.integers(-1, 2, n), 0, 4)], categories=AGREE
            ),
            "events": pd.array(np.where(rng.random(n) < 0.9, rng.integers(0, 12, n), -1), dtype="Int64"),
            "contact_email": pd.array(["someone@example.org"] * n, dtype="string"),
            "comment": pd.array([None] * n, dtype="string"),
        }
    )
    frame.loc[frame["events"] == -1, "events"] = pd.NA
    for i, choice in enumerate(("time", "funding", "none")):
        frame[f"barriers__{choice}"] = np.where(barriers_answered, answered[:, i].astype(float), np.nan)
    frame["weight"] = rng.uniform(0.4, 3.0, n)
    return frame


def row(table, **where):
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        mask &= table[column] == value
    found = table[mask]
    assert len(found) == 1, where
    return found.iloc[0]


def in_domain(values, frame, column, group):
    """The values of one group, missing elsewhere: a domain estimate on the whole design (the
    design's degrees of freedom, as `svyciprop` on the design with the answer missing outside)."""
    return pd.Series(np.asarray(values, dtype="float64"), index=frame.index).where(
        frame[column].astype(object) == group
    )


@pytest.mark.parametrize("weights", [None, "weight"])
def test_select_one_shares_are_the_design_based_domain_estimates(weights):
    frame = survey()
    results = wave_results(frame, CATALOG, weights=weights)
    yes = pd.Series(np.where(frame["engaged"].isna(), np.nan, (frame["engaged"] == "yes").astype(float)))

    overall = row(results.shares, question="engaged", choice="yes", by="all", group="all")
    expected = proportion(yes, frame[weights] if weights else None)
    assert overall["n"] == int(frame["engaged"].notna().sum()) == expected.n
    for key in ("estimate", "se", "low", "high", "n_effective"):
        assert overall[key] == pytest.approx(getattr(expected, key), abs=1e-10)

    for by, group in (("regional_group", "EEG"), ("gender", "male"), ("language", "fr")):
        cell = row(results.shares, question="engaged", choice="yes", by=by, group=group)
        expected = proportion(in_domain(yes, frame, by, group), frame[weights] if weights else None)
        for key in ("estimate", "se", "low", "high", "n", "n_effective", "small"):
            assert cell[key] == pytest.approx(getattr(expected, key), abs=1e-10), (by, group, key)
        answered = frame["engaged"].notna() & (frame[by] == group)
        assert cell["count"] == int((answered & (frame["engaged"] == "yes")).sum())


def test_each_group_of_each_breakdown_is_reported_with_its_n():
    results = wave_results(survey(), CATALOG)
    engaged = results.shares[(results.shares["question"] == "engaged") & (results.shares["choice"] == "yes")]
    assert set(engaged["by"]) == {"all", "regional_group", "category", "gender", "language"}
    assert sorted(engaged.loc[engaged["by"] == "regional_group", "group"]) == REGIONS
    shares = results.shares[(results.shares["question"] == "engaged") & (results.shares["by"] == "all")]
    assert shares["estimate"].sum() == pytest.approx(1.0)  # a select_one's shares add up


def test_cells_under_ten_respondents_are_flagged_not_hidden():
    frame = survey(n=200)
    frame["regional_group"] = pd.Categorical(np.where(np.arange(200) < 6, "EEG", "WEOG"))
    results = wave_results(frame, CATALOG, by=("regional_group",))
    small = row(results.shares, question="engaged", choice="yes", by="regional_group", group="EEG")
    large = row(results.shares, question="engaged", choice="yes", by="regional_group", group="WEOG")
    assert small["n"] < 10 and bool(small["small"]) and not math.isnan(small["estimate"])
    assert large["n"] >= 10 and not bool(large["small"])


def test_weights_change_the_estimates_but_not_the_counts():
    frame = survey()
    frame["weight"] = np.where(frame["engaged"] == "yes", 3.0, 1.0)  # weights that favour one answer
    plain = row(wave_results(frame, CATALOG).shares, question="engaged", choice="yes", by="all")
    weighted = row(wave_results(frame, CATALOG, weights="weight").shares, question="engaged", choice="yes", by="all")
    assert weighted["estimate"] > plain["estimate"] + 0.1
    assert weighted["n"] == plain["n"] and weighted["count"] == plain["count"]
    assert wave_results(frame, CATALOG, weights="weight").weighted and not wave_results(frame, CATALOG).weighted


def test_equal_weights_give_the_unweighted_result_and_scaling_changes_nothing():
    frame = survey()
    plain = wave_results(frame, CATALOG).shares
    equal = wave_results(frame.assign(w=2.5), CATALOG, weights="w").shares
    scaled = wave_results(frame.assign(w=frame["weight"] * 1000), CATALOG, weights="w").shares
    weighted = wave_results(frame, CATALOG, weights="weight").shares
    numbers = ["estimate", "se", "low", "high", "n"]
    np.testing.assert_allclose(equal[numbers].to_numpy(float), plain[numbers].to_numpy(float), rtol=1e-9)
    np.testing.assert_allclose(scaled[numbers].to_numpy(float), weighted[numbers].to_numpy(float), rtol=1e-9)


def test_select_multiple_shares_count_only_those_who_answered():
    frame = survey()
    results = wave_results(frame, CATALOG)
    time_ = row(results.shares, question="barriers", choice="time", by="all")
    assert time_["kind"] == "multiple"
    assert time_["n"] == int(frame["barriers__time"].notna().sum()) < len(frame)
    assert time_["estimate"] == pytest.approx(frame["barriers__time"].mean())
    assert set(results.shares.loc[results.shares["question"] == "barriers", "choice"]) == {"time", "funding", "none"}


@pytest.mark.parametrize("weights", [None, "weight"])
def test_integer_questions_get_a_mean_with_its_interval(weights):
    frame = survey()
    results = wave_results(frame, CATALOG, weights=weights)
    values = frame["events"].astype("float64")
    overall = row(results.means, question="events", by="all")
    expected = mean(values, frame[weights] if weights else None)
    group = row(results.means, question="events", by="category", group="ngo")
    expected_group = mean(in_domain(values, frame, "category", "ngo"), frame[weights] if weights else None)
    for got, want in ((overall, expected), (group, expected_group)):
        for key in ("estimate", "se", "low", "high", "n", "n_effective"):
            assert got[key] == pytest.approx(getattr(want, key), abs=1e-10)


@pytest.mark.parametrize("weights", [None, "weight"])
def test_likert_lists_are_detected_and_summarised_like_likert_summarise(weights):
    frame = survey()
    results = wave_results(frame, CATALOG, weights=weights)
    kinds = results.questions.set_index("question")["kind"].to_dict()
    assert kinds == {
        "engaged": "choice",
        "clarity": "likert",
        "openness": "likert",
        "events": "number",
        "barriers": "multiple",
    }
    clarity = results.questions.set_index("question").loc["clarity"]
    assert clarity["scale"] == tuple(SCALE) and clarity["off_scale"] == ("dont_know",)

    expected = summarise(frame["clarity"], SCALE, off_scale=("dont_know",), weights=frame[weights] if weights else None)
    got = row(results.likert, question="clarity", by="all")
    assert got["top_two"] == pytest.approx(expected.top_two.estimate, abs=1e-10)
    assert got["top_two_low"] == pytest.approx(expected.top_two.low, abs=1e-10)
    assert got["top_two_high"] == pytest.approx(expected.top_two.high, abs=1e-10)
    assert got["median"] == expected.median and got["n"] == expected.n
    assert got["off_scale_share"] == pytest.approx(expected.off_scale_share, abs=1e-12)
    levels = results.likert_levels[
        (results.likert_levels["question"] == "clarity") & (results.likert_levels["by"] == "all")
    ]
    assert levels["level"].tolist() == SCALE and levels["position"].tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(levels["share"].to_numpy(float), expected.distribution["share"].to_numpy(), atol=1e-12)
    assert levels["count"].tolist() == expected.distribution["n"].tolist()

    afr = row(results.likert, question="clarity", by="regional_group", group="AFR")
    top = top_two_box(frame["clarity"], SCALE)
    assert afr["top_two"] == pytest.approx(
        proportion(in_domain(top, frame, "regional_group", "AFR"), frame[weights] if weights else None).estimate,
        abs=1e-12,
    )
    assert afr["top_two"] > row(results.likert, question="clarity", by="regional_group", group="WEOG")["top_two"]


def test_a_list_becomes_likert_only_when_known_or_named():
    frame = survey()
    assert "engaged" not in set(wave_results(frame, CATALOG).likert["question"])
    named = wave_results(frame, CATALOG, likert_lists={"yes_no": -1})
    assert row(named.likert, question="engaged", by="all")["top_two"] == pytest.approx(1.0)  # two levels: both


def test_each_select_one_is_crossed_with_the_regional_group():
    frame = survey()
    plain = wave_results(frame, CATALOG).crosstabs.set_index("question")
    weighted = wave_results(frame, CATALOG, weights="weight").crosstabs.set_index("question")
    assert set(plain.index) == {"engaged", "clarity", "openness"}
    assert set(plain["method"]) == {"pearson"} and set(weighted["method"]) == {"rao-scott"}
    assert plain.loc["clarity", "p_value"] < 0.001  # AFR answers more favourably by construction
    assert plain.loc["engaged", "df"] == 4 and plain.loc["engaged", "n"] == int(frame["engaged"].notna().sum())
    assert weighted.loc["clarity", "df_denominator"] > 0


def test_a_crosstab_with_an_empty_cell_still_gets_its_test():
    frame = survey()
    frame.loc[frame["regional_group"] == "EEG", "engaged"] = "yes"
    results = wave_results(frame, CATALOG)
    assert "engaged" in set(results.crosstabs["question"])


def test_the_pearson_statistic_of_a_table_with_an_empty_cell_is_the_plain_one():
    from scipy.stats import chi2_contingency

    frame = survey()
    frame.loc[frame["regional_group"] == "EEG", "engaged"] = "yes"
    test = row(wave_results(frame, CATALOG).crosstabs, question="engaged")
    table = pd.crosstab(frame["engaged"].astype(object), frame["regional_group"].astype(object))
    assert test["statistic"] == pytest.approx(chi2_contingency(table.to_numpy(), correction=False)[0], rel=1e-9)


def test_grids_on_one_likert_list_get_cronbach_alpha():
    frame = survey()
    results = wave_results(frame, CATALOG)
    scale = row(results.scales, scale="clarity")
    assert scale["items"] == ("clarity", "openness")
    positions = pd.DataFrame(
        {q: frame[q].astype(object).map({level: i for i, level in enumerate(SCALE)}) for q in ("clarity", "openness")}
    )
    assert scale["alpha"] == pytest.approx(cronbach_alpha(positions), abs=1e-12)
    assert scale["alpha"] > 0.7 and scale["n"] == int(positions.notna().all(axis=1).sum())
    explicit = wave_results(frame, CATALOG, scales={"views": ["openness", "clarity"]}).scales
    assert explicit["scale"].tolist() == ["views"]


def test_pii_text_and_profile_questions_are_left_out():
    results = wave_results(survey(), CATALOG)
    assert not {"contact_email", "comment", "country"} & set(results.questions["question"])
    assert not {"contact_email", "comment", "country"} & set(results.shares["question"])


def test_an_empty_wave_gives_empty_tables_with_their_columns():
    results = wave_results(survey().iloc[:0], CATALOG)
    assert results.n == 0
    assert results.questions["n"].tolist() == [0, 0, 0, 0, 0]
    assert results.shares[results.shares["by"] != "all"].empty
    assert results.shares["n"].eq(0).all() and results.shares["estimate"].isna().all()
    assert results.crosstabs.empty and "p_value" in results.crosstabs.columns
    assert results.scales["n"].tolist() == [0] and results.scales["alpha"].isna().all()
    nothing = wave_results(pd.DataFrame(), None)
    assert nothing.questions.empty and list(nothing.means.columns)[:3] == ["question", "by", "group"]


def test_a_question_nobody_answered_keeps_its_rows_with_n_zero():
    frame = survey()
    frame["engaged"] = pd.Categorical([None] * len(frame), categories=["yes", "no"])
    frame["events"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    results = wave_results(frame, CATALOG)
    engaged = results.shares[(results.shares["question"] == "engaged") & (results.shares["by"] == "all")]
    assert engaged["choice"].tolist() == ["yes", "no"] and engaged["n"].tolist() == [0, 0]
    assert engaged["estimate"].isna().all() and engaged["small"].all()
    assert math.isnan(row(results.means, question="events", by="all")["estimate"])
    assert "engaged" not in set(results.crosstabs["question"])


def test_a_question_the_frame_lacks_is_noted_not_fatal():
    frame = survey().drop(columns=["openness"])
    results = wave_results(frame, CATALOG)
    assert "openness" not in set(results.questions["question"])
    assert any(note.startswith("openness") for note in results.notes)


# --- raking -----------------------------------------------------------------------------------

MARGINS = {
    "regional_group": pd.Series({"AFR": 300, "APAC": 200, "EEG": 100, "GRULAC": 150, "WEOG": 250}),
    "gender": pd.Series({"female": 480, "male": 520}),
    "category": pd.Series({"science": 500, "ngo": 300, "policymaker": 200}),
}


def test_raked_weights_reproduce_the_registry_margins():
    frame = survey()
    raked = raking_weights(frame, MARGINS, trim=None)
    assert raked.raking.converged and raked.dropped == 0
    assert raked.weights.sum() == pytest.approx(1000)
    for variable, target in MARGINS.items():
        totals = raked.weights.groupby(frame[variable].astype(object)).sum()
        np.testing.assert_allclose(totals.reindex(target.index).to_numpy(), target.to_numpy(), rtol=1e-8)
    assert raked.raking.diagnostics.design_effect > 1


def test_raking_leaves_out_respondents_with_gaps_and_registry_groups_without_respondents():
    frame = survey()
    frame["gender"] = frame["gender"].cat.add_categories(["another"])
    frame.loc[:4, "gender"] = None  # no gender
    frame.loc[5:7, "gender"] = "another"  # a gender the registry counts nobody in
    margins = {**MARGINS, "regional_group": pd.concat([MARGINS["regional_group"], pd.Series({"Other": 40})])}
    tidy = pd.DataFrame([{"variable": v, "value": k, "count": c} for v, s in margins.items() for k, c in s.items()])

    raked = raking_weights(frame, tidy)
    assert raked.dropped == 8 and raked.dropped_by["gender"] == 8
    assert raked.weights.iloc[:8].isna().all() and raked.weights.iloc[8:].notna().all()
    assert raked.unmatched.to_dict("records") == [{"variable": "regional_group", "value": "Other", "count": 40.0}]
    trimmed = raked.weights.dropna()
    assert trimmed.max() <= 3.0 * trimmed.mean() * (1 + 1e-9) and trimmed.min() >= 0.3 * trimmed.mean() * (1 - 1e-9)

    weighted = wave_results(frame.assign(weight=raked.weights), CATALOG, weights="weight")
    assert row(weighted.shares, question="engaged", choice="yes", by="all")["n"] == int(
        frame["engaged"].iloc[8:].notna().sum()
    )  # the left-out are outside the weighted design


# --- drivers ----------------------------------------------------------------------------------


def test_drivers_give_odds_ratios_of_the_top_two_box_on_profile_variables():
    frame = survey(n=800)
    table = drivers(frame, "clarity", CATALOG, weights="weight")
    assert table["term"].iloc[0] == "(Intercept)"
    assert set(table["term"]) >= {"regional_groupWEOG", "gendermale", "categoryscience"}
    assert table.attrs["reference"]["regional_group"] == "AFR"
    weog = row(table, term="regional_groupWEOG")
    assert weog["odds_ratio"] < 1 and weog["high"] < 1  # AFR agrees more by construction
    assert table.attrs["n"] == int(top_two_box(frame["clarity"], SCALE).notna().sum())


def test_drivers_merge_rare_groups_and_need_a_scale():
    frame = survey(n=800)
    frame["gender"] = frame["gender"].cat.add_categories(["another"])
    frame.loc[:3, "gender"] = "another"
    table = drivers(frame, "clarity", CATALOG, reference={"regional_group": "WEOG"})
    assert "genderother" in set(table["term"]) and "genderanother" not in set(table["term"])
    assert table.attrs["reference"]["regional_group"] == "WEOG"
    with pytest.raises(ValueError):
        drivers(frame, "engaged", CATALOG)  # not a Likert item
