from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.indicators import capacity as cp
from analysis.indicators import headline

NAN = np.nan


def survey():
    # Six respondents; the last skipped the question. "none" is not a barrier.
    rows = {
        "barriers__time": [1, 1, 1, 1, 0, NAN],
        "barriers__funding": [1, 1, 0, 0, 0, NAN],
        "barriers__language": [1, 0, 0, 0, 0, NAN],
        "barriers__visa": [0, 0, 1, 0, 0, NAN],
        "barriers__internet": [0, 1, 0, 0, 0, NAN],
        "barriers__fatigue": [0, 0, 0, 1, 0, NAN],
        "barriers__other": [1, 1, 1, 1, 0, NAN],
        "barriers__none": [0, 0, 0, 0, 1, NAN],
    }
    frame = pd.DataFrame(rows, dtype="float64")
    frame["regional_group"] = ["AFR", "AFR", "GRULAC", "WEOG", "WEOG", "WEOG"]
    frame["category"] = ["science", "ilk", "ilk", "science", "ngo", "ngo"]
    frame["year"] = 2026
    return frame


def actions():
    return pd.DataFrame(
        {
            "barrier": ["time", "funding", "language", "language"],
            "action": ["Longer review periods", "Travel support", "Interpretation", "Translate calls"],
            "owner": ["secretariat"] * 4,
            "due_on": [date(2026, 1, 1), date(2027, 1, 1), date(2025, 1, 1), date(2026, 9, 1)],
            "status": ["planned", "dropped", "done", "in_progress"],
        }
    )


def test_share_naming_each_barrier_among_those_who_answered():
    result = cp.capacity(survey(), actions(), today=date(2026, 6, 1))
    shares = result.barriers.set_index("choice")
    assert shares.loc["time", "estimate"] == pytest.approx(4 / 5)
    assert shares.loc["time", "n"] == 5
    assert shares.loc["funding", "estimate"] == pytest.approx(2 / 5)
    assert "none" not in shares.index
    assert shares.loc["time", "rank"] == 1 and pd.isna(shares.loc["other", "rank"])


def test_by_region_and_category_domains():
    result = cp.capacity(survey(), today=date(2026, 6, 1))
    table = result.by_group.set_index(["breakdown", "group", "choice"])
    assert table.loc[("regional_group", "AFR", "funding"), "estimate"] == pytest.approx(1.0)
    assert table.loc[("regional_group", "WEOG", "time"), "estimate"] == pytest.approx(1 / 2)
    assert table.loc[("category", "ilk", "visa"), "estimate"] == pytest.approx(1 / 2)


def test_top_five_barriers_with_and_without_a_planned_step():
    result = cp.capacity(survey(), actions(), today=date(2026, 6, 1))
    top = result.top.set_index("choice")
    assert list(top.index)[:2] == ["time", "funding"]
    assert len(top) == 5
    assert top.loc["time", "has_action"] and top.loc["time", "overdue"] == 1
    assert not top.loc["funding", "has_action"]  # its only action was dropped
    assert top.loc["language", "actions"] == 2 and top.loc["language", "open"] == 1
    assert "funding" in result.top_without_action and "time" not in result.top_without_action
    assert result.top_covered_share == pytest.approx(2 / 5)


def test_no_actions_and_no_survey_leave_empty_tables():
    result = cp.capacity(survey(), None)
    assert result.top_covered_share == 0 and len(result.top_without_action) == 5
    empty = cp.capacity(None, actions())
    assert empty.barriers.empty and empty.top.empty and np.isnan(empty.top_covered_share)
    assert headline(empty).status == "no_data"


def test_headline_share_naming_any_barrier_lower_is_better():
    earlier = survey().assign(year=2025, barriers__time=[1, 1, 1, 1, 1, NAN])
    frame = pd.concat([earlier, survey()], ignore_index=True)
    result = cp.capacity(frame)
    assert result.any_barrier.loc[2025, "estimate"] == pytest.approx(1.0)
    assert result.any_barrier.loc[2026, "estimate"] == pytest.approx(4 / 5)
    card = headline(result)
    assert card.change == pytest.approx(-0.2) and card.status == "improving"


def test_weights_move_the_barrier_share():
    frame = survey().assign(weight=[1.0, 1.0, 1.0, 1.0, 6.0, 1.0])
    shares = cp.capacity(frame, weights="weight").barriers.set_index("choice")
    assert shares.loc["time", "estimate"] == pytest.approx(4 / 10)


def test_a_survey_without_the_question_builds_no_design():
    built = []

    def design(rows):  # a design per frame, as the dashboard's wave designs give it; counted
        built.append(len(rows))
        return rows["weight"].astype("float64")

    frame = survey().assign(weight=1.0)
    without = frame.drop(columns=[c for c in frame.columns if c.startswith("barriers__")])
    empty = cp.capacity(without, actions(), weights=design)
    assert built == [] and empty.barriers.empty and empty.by_group.empty and empty.any_barrier.empty
    assert headline(empty).status == "no_data"
    asked = cp.capacity(frame, actions(), weights=design)
    assert built and asked.barriers.set_index("choice").loc["time", "estimate"] == pytest.approx(0.8)
