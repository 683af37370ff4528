import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.indicators import diversity as dv
from analysis.indicators import headline
from core.reference.regions import GROUP_CODE_BY_FILE_NAME

REFERENCE = Path(__file__).resolve().parents[2] / "core" / "reference" / "data" / "un_member_states.csv"


@pytest.fixture(scope="module")
def member_states():
    states = pd.read_csv(REFERENCE, keep_default_na=False)
    groups = states["un_regional_group"].map(GROUP_CODE_BY_FILE_NAME)
    return pd.DataFrame({"country": states["iso2"], "regional_group": groups})


def registry(groups: dict, genders=None, years=None):
    regions = [group for group, n in groups.items() for _ in range(n)]
    n = len(regions)
    return pd.DataFrame(
        {
            "stakeholder_id": range(1, n + 1),
            "regional_group": regions,
            "country": [{"AFR": "KE", "APAC": "IN", "EEG": "PL", "GRULAC": "BR", "WEOG": "FR"}.get(r) for r in regions],
            "gender": genders or ["female", "male"] * (n // 2) + ["female"] * (n % 2),
            "category": ["science"] * n,
            "registered_at": pd.to_datetime(years or ["2026-01-01"] * n, utc=True),
            "discipline__natural_sciences": [1] * n,
            "discipline__humanities": [1, 0] * (n // 2) + [0] * (n % 2),
        }
    )


def test_reference_shares_are_the_groups_shares_of_193_member_states(member_states):
    shares = dv.member_state_shares(member_states)
    assert len(member_states) == 193
    assert shares["AFR"] == pytest.approx(54 / 193) and shares["EEG"] == pytest.approx(23 / 193)


def test_representation_ratio_interval_and_flag(member_states):
    # 400 registered: WEOG heavy, EEG and AFR thin.
    frame = registry({"AFR": 40, "APAC": 100, "EEG": 20, "GRULAC": 60, "WEOG": 180})
    result = dv.diversity(frame, member_states=member_states)
    table = result.representation.query("population == 'registered' and dimension == 'regional_group'").set_index(
        "group"
    )
    afr = table.loc["AFR"]
    assert afr["share"] == pytest.approx(0.1)
    assert afr["ratio"] == pytest.approx(0.1 / (54 / 193))
    assert afr["ratio_low"] == pytest.approx(afr["low"] / (54 / 193))
    assert afr["ratio_high"] < 1 and afr["under_represented"]
    assert table.loc["WEOG", "over_represented"] and not table.loc["WEOG", "under_represented"]
    assert set(result.under_represented["group"]) >= {"AFR", "EEG"}


def test_a_small_sample_below_parity_is_not_flagged_when_its_interval_reaches_one(member_states):
    frame = registry({"AFR": 2, "WEOG": 3})
    table = dv.diversity(frame, member_states=member_states).representation.set_index(["dimension", "group"])
    afr = table.loc[("regional_group", "AFR")]
    assert afr["ratio"] < 1.5 and afr["ratio_high"] > 1 and not afr["under_represented"]
    assert afr["small"]
    # A group nobody is in appears with n = 0 and ratio 0.
    assert table.loc[("regional_group", "EEG"), "n"] == 0 and table.loc[("regional_group", "EEG"), "ratio"] == 0


def test_gender_parity_leaves_undisclosed_out_of_the_comparison():
    frame = registry({"AFR": 10}, genders=["female"] * 3 + ["male"] * 3 + ["undisclosed"] * 4)
    result = dv.diversity(frame)
    female = result.representation.set_index(["dimension", "group"]).loc[("gender", "female")]
    assert (female["n"], female["total"], female["share"], female["ratio"]) == (3, 6, 0.5, 1.0)
    shares = result.distribution.query("dimension == 'gender'").set_index("group")
    assert shares.loc["undisclosed", "share"] == pytest.approx(0.4)  # the full distribution keeps them
    # No member-state table: no regional reference, so no regional rows.
    assert "regional_group" not in set(result.representation["dimension"])


def test_shannon_evenness_and_simpson():
    even = dv.diversity_indices(pd.Series({"a": 10, "b": 10, "c": 10, "d": 10, "e": 10}), 5)
    assert even["evenness"] == pytest.approx(1.0) and even["simpson"] == pytest.approx(0.8)
    assert even["shannon"] == pytest.approx(math.log(5))
    one = dv.diversity_indices(pd.Series({"a": 7}), 5)
    assert one["shannon"] == 0 and one["evenness"] == 0 and one["simpson"] == 0
    uneven = dv.diversity_indices(pd.Series({"a": 9, "b": 1}), 2)
    assert uneven["simpson"] == pytest.approx(1 - 0.81 - 0.01)
    assert math.isnan(dv.diversity_indices(pd.Series(dtype=float), 5)["evenness"])


def test_participants_and_respondents_and_disciplines(member_states):
    frame = registry({"AFR": 4, "WEOG": 4})
    participation = pd.DataFrame(
        {
            "stakeholder_id": pd.array([1, 1, 2, 5, None], dtype="Int64"),
            "year": [2025, 2026, 2026, 2026, 2026],
            "regional_group": ["AFR"] * 3 + ["WEOG", "EEG"],
        }
    )
    survey = pd.DataFrame(
        {"regional_group": ["AFR", "APAC", "APAC", None], "gender": ["female", "male", "male", "male"], "year": 2026}
    )
    result = dv.diversity(frame, participation, survey, member_states=member_states)
    dist = result.distribution.set_index(["population", "dimension", "group"])
    assert dist.loc[("participants", "regional_group", "AFR"), "n"] == 2  # people, not records
    assert dist.loc[("participants", "regional_group", "WEOG"), "n"] == 1  # not the organisation (no stakeholder id)
    assert dist.loc[("respondents", "regional_group", "APAC"), "share"] == pytest.approx(2 / 3)
    assert dist.loc[("registered", "discipline", "humanities"), "share"] == pytest.approx(0.5)
    coverage = result.countries.set_index(["population", "regional_group"])
    assert coverage.loc[("registered", "AFR"), ["countries", "member_states"]].tolist() == [1, 54]
    assert coverage.loc[("registered", "all"), "coverage"] == pytest.approx(2 / 193)


def test_trends_by_year_use_the_register_as_it_stood(member_states):
    frame = registry({"AFR": 2, "WEOG": 6}, years=["2024-05-01"] * 2 + ["2025-05-01"] * 6)
    result = dv.diversity(frame, member_states=member_states)
    trend = result.trends.query("population == 'registered' and dimension == 'regional_group'").set_index(
        ["year", "group"]
    )
    assert trend.loc[(2024, "AFR"), "share"] == 1.0
    assert trend.loc[(2025, "AFR"), ["n", "total"]].tolist() == [2, 8]
    evenness = result.indices_by_year.query("population == 'registered' and dimension == 'regional_group'")
    assert evenness["year"].tolist() == [2024, 2025]
    card = headline(result)  # no participants: the register's evenness
    assert card.year == 2025 and card.status == "improving"


def test_empty_inputs_give_empty_tables():
    result = dv.diversity()
    assert result.representation.empty and result.distribution.empty and result.trends.empty
    assert headline(result).status == "no_data"
    assert np.isnan(dv.representation(pd.Series([], dtype=object), dv.GENDER_PARITY)["share"]).all()


def random_populations(seed: int):
    """A registry, its participation records and a survey, each possibly empty, with groups outside the
    reference and people without a group."""
    rng = np.random.default_rng(seed)
    groups = ["AFR", "APAC", "EEG", "GRULAC", "WEOG", "OTHER", None]
    size = int(rng.integers(0, 80)) if seed % 4 else 0
    frame = pd.DataFrame(
        {
            "stakeholder_id": range(1, size + 1),
            # Some registries say nobody's group: evenness has no figure, and no base without a reference.
            "regional_group": rng.choice(groups, size=size, p=[0.3, 0.2, 0.1, 0.1, 0.2, 0.05, 0.05])
            if seed % 5
            else None,
            "gender": rng.choice(["female", "male", None], size=size),
            "registered_at": pd.to_datetime(
                rng.choice(["2023-03-01", "2024-05-01", "2026-01-01"], size=size), utc=True
            ),
        }
    )
    taking_part = int(rng.integers(0, 60)) if seed % 3 else 0
    records = pd.DataFrame(
        {
            "stakeholder_id": pd.array(rng.integers(1, size + 5, size=taking_part), dtype="Int64"),
            "year": rng.choice([2024, 2025, 2026], size=taking_part),
            "regional_group": rng.choice(groups, size=taking_part),
            "gender": "female",
        }
    )
    answering = int(rng.integers(0, 50))
    survey = pd.DataFrame(
        {"year": rng.choice([2025, 2026], size=answering), "regional_group": rng.choice(groups[:3], size=answering)}
    )
    return frame, records, survey


def the_headline_from_every_table(result):
    """The headline's evenness and its base as read from the full tables (`indices_by_year`, `trends`)."""
    indices = result.indices_by_year[lambda t: t["dimension"] == "regional_group"]
    trends = result.trends[lambda t: t["dimension"] == "regional_group"]
    series, bases = pd.Series(dtype="float64"), None
    for population in ("respondents", "registered", "participants"):  # the last one found wins
        chosen = indices[indices["population"] == population]
        if len(chosen):
            series = pd.Series(
                chosen["evenness"].to_numpy(dtype="float64"), index=chosen["year"].astype(int).to_numpy()
            )
        chosen = trends[trends["population"] == population]
        if len(chosen):
            bases = chosen.groupby(chosen["year"].astype(int))["total"].max()
    return series, bases


@pytest.mark.parametrize("seed", range(16))
@pytest.mark.parametrize("with_states", [True, False])
def test_the_headline_counted_alone_equals_the_trends_and_indices(member_states, seed, with_states):
    frame, records, survey = random_populations(seed)
    states = member_states if with_states else None
    alone = dv.diversity(frame, records, survey, member_states=states)
    series, bases = the_headline_from_every_table(dv.diversity(frame, records, survey, member_states=states))
    pd.testing.assert_series_equal(alone.headline_series, series, check_index_type=len(series) > 0)
    if bases is None:
        assert alone.headline_bases is None
    else:
        pd.testing.assert_series_equal(alone.headline_bases, bases.astype("int64"))
    assert "_trend_tables" not in alone.__dict__
