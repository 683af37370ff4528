import numpy as np
import pandas as pd
import pytest

from analysis.indicators import headline
from analysis.indicators import participation as pa


def registry():
    return pd.DataFrame(
        {
            "stakeholder_id": range(1, 11),
            "regional_group": ["AFR"] * 4 + ["WEOG"] * 4 + ["EEG", None],
            "gender": ["female", "male"] * 5,
        }
    )


def records():
    rows = []
    # A call for experts in 2025: six nominated, two selected (one of them without a nomination record).
    for sid in (1, 2, 3, 5, 6, 7):
        rows.append((1, "call_experts", 2025, "nominated", None, sid))
    rows += [(1, "call_experts", 2025, "selected", None, 1), (1, "call_experts", 2025, "selected", None, 8)]
    # An external review in 2026 with comments, and an organisation among the reviewers.
    rows += [
        (2, "external_review", 2026, "reviewer", 12, 1),
        (2, "external_review", 2026, "reviewer", 30, 5),
        (2, "external_review", 2026, "reviewer", 4, None),
    ]
    # A stakeholder day in 2026.
    rows += [(3, "stakeholder_day", 2026, "participant", None, sid) for sid in (1, 2, 5, 9)]
    rows += [(3, "stakeholder_day", 2026, "speaker", None, 6)]
    frame = pd.DataFrame(rows, columns=["activity_id", "activity_type", "year", "role", "comments", "stakeholder_id"])
    frame["stakeholder_id"] = frame["stakeholder_id"].astype("Int64")
    profile = registry().set_index("stakeholder_id")
    frame["regional_group"] = frame["stakeholder_id"].map(profile["regional_group"])
    frame["gender"] = frame["stakeholder_id"].map(profile["gender"])
    return frame


def test_summary_table_by_year_counts_each_measure():
    result = pa.participation(records(), registry())
    assert result.by_year.loc[2025, "nominations"] == 6
    assert result.by_year.loc[2025, "selected_experts"] == 2
    assert result.by_year.loc[2026, "review_comments"] == 46
    assert result.by_year.loc[2026, "reviewers"] == 3
    assert result.by_year.loc[2026, "participants"] == 5  # speakers take part too
    assert result.by_year.loc[2026, "people"] == 5  # stakeholders 1, 2, 5, 6, 9 (the organisation is not a person)
    summary = result.summary.set_index(["year", "activity_type", "role"])
    assert summary.loc[(2026, "external_review", "reviewer"), ["records", "people", "comments"]].tolist() == [3, 2, 46]


def test_by_region_and_gender_count_organisations_and_the_unknown_apart():
    result = pa.participation(records(), registry())
    region = result.by_region.set_index(["year", "regional_group", "role"])
    assert region.loc[(2025, "AFR", "nominated"), "records"] == 3
    assert region.loc[(2026, "unknown", "reviewer"), "records"] == 1  # the organisation
    gender = result.by_gender.set_index(["year", "gender", "role"])
    assert gender.loc[(2026, "female", "participant"), "people"] == 3  # 1, 5 and 9


def test_selection_rate_with_wilson_interval():
    result = pa.participation(records(), registry())
    call = result.selection.set_index("activity_id").loc[1]
    # Stakeholder 8 was selected without a nomination record: counted as nominated.
    assert (call["nominated"], call["selected"]) == (7, 2)
    assert call["share"] == pytest.approx(2 / 7)
    assert call["low"] == pytest.approx(0.0822, abs=1e-4) and call["high"] == pytest.approx(0.6411, abs=1e-4)
    groups = result.selection_by_group.set_index(["breakdown", "group"])
    assert groups.loc[("regional_group", "AFR"), ["nominated", "selected"]].tolist() == [3, 1]
    assert groups.loc[("regional_group", "WEOG"), "share"] == pytest.approx(1 / 4)


def test_participation_per_registered_stakeholder_by_region():
    table = pa.participation(records(), registry()).per_registered
    assert table.loc["AFR", "registered"] == 4
    assert table.loc["AFR", "participants"] == 3  # 1, 2, 3
    assert table.loc["AFR", "records"] == 3 + 1 + 1 + 2  # nominations, selected, reviewer, stakeholder day
    assert table.loc["AFR", "share"] == pytest.approx(3 / 4)
    assert table.loc["unknown", "registered"] == 1  # no regional group
    assert table.loc["EEG", "participants"] == 1


def test_empty_records_and_no_registry():
    result = pa.participation(None)
    assert result.by_year.empty and result.selection.empty and result.per_registered.empty
    assert headline(result).status == "no_data"
    only_review = records()[lambda f: f["activity_type"] == "external_review"]
    assert pa.participation(only_review).selection.empty  # no nominations, no selection rate


def test_headline_people_taking_part_by_year():
    card = headline(pa.participation(records(), registry()))
    assert (card.year, card.value, card.previous) == (2026, 5, 7)
    assert card.status == "worsening"


def random_records(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 300))
    years = rng.choice([2019.0, 2021.0, 2024.0, 2026.0, np.nan], size=n, p=[0.2, 0.2, 0.3, 0.25, 0.05])
    people = pd.array(rng.integers(1, 60, size=n), dtype="Int64")
    people[rng.random(n) < 0.15] = pd.NA  # organisations
    frame = pd.DataFrame(
        {
            "activity_id": rng.integers(1, 9, size=n),
            "activity_type": "workshop",
            "year": years,
            "role": rng.choice(["participant", "reviewer", "nominated", "selected"], size=n),
            "comments": rng.integers(0, 5, size=n),
            "stakeholder_id": people,
        }
    )
    return frame.astype({"year": "category"}) if seed % 3 == 0 else frame


@pytest.mark.parametrize("seed", range(12))
def test_the_headline_counted_alone_equals_the_summary_tables_people(seed):
    frame = random_records(seed)
    full = pa.participation(frame)
    expected = full.by_year["people"].astype("float64")
    alone = pa.participation(frame).headline_series  # by_year never computed
    pd.testing.assert_series_equal(alone, expected, check_index_type=len(expected) > 0)
    assert full.headline_series.equals(expected)
    without_people = frame.drop(columns="stakeholder_id")
    pd.testing.assert_series_equal(
        pa.participation(without_people).headline_series,
        pa.participation(without_people).by_year["people"].astype("float64"),
        check_index_type=len(expected) > 0,
    )
