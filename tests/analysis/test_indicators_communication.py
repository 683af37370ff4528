from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.indicators import communication as co
from analysis.indicators import headline
from analysis.response_rates import response_rates

TODAY = date(2026, 6, 1)


def concerns():
    return pd.DataFrame(
        {
            "raised_on": [date(2025, 1, 1), date(2025, 3, 1), date(2025, 6, 1), date(2026, 1, 1), date(2026, 2, 1)],
            "status": ["answered", "closed", "open", "answered", "open"],
            "answered_on": [date(2025, 1, 5), date(2025, 5, 30), None, date(2026, 1, 31), None],
            "channel": ["email", "plenary", "email", "email", None],
        }
    )


def invitations():
    return pd.DataFrame(
        {
            "invitation_id": range(10),
            "wave": ["Annual survey 2026"] * 10,
            "year": 2026,
            "regional_group": ["AFR"] * 4 + ["WEOG"] * 6,
            "country": ["KE"] * 4 + ["FR"] * 6,
            "category": ["science"] * 10,
            "responded": [1, 0, 0, 0, 1, 1, 1, 1, 0, None],
        }
    )


def test_concerns_raised_share_addressed_and_time_to_answer():
    result = co.communication(concerns=concerns(), today=TODAY)
    assert result.concerns.loc[2025, ["raised", "addressed"]].tolist() == [3, 2]
    assert result.concerns.loc[2025, "share"] == pytest.approx(2 / 3)
    assert result.concerns.loc[2025, "median_days"] == pytest.approx((4 + 90) / 2)
    assert result.median_days == pytest.approx(30)  # 4, 30, 90
    bands = result.time_to_answer["concerns"].to_dict()
    assert bands == {"0-7": 1, "8-30": 1, "31-90": 1, "over_90": 0, "open": 2}
    waiting = [(TODAY - date(2025, 6, 1)).days, (TODAY - date(2026, 2, 1)).days]
    assert result.open_median_age == pytest.approx(sum(waiting) / 2)
    assert result.concerns_by_channel.loc["unknown", "raised"] == 1
    card = headline(result)
    assert card.measure == "concerns_addressed_share" and card.value == pytest.approx(0.5)
    assert card.status == "worsening"


def test_calls_for_input_and_their_responses():
    calls = pd.DataFrame(
        {
            "title": ["Nexus scoping", "Values guide", "Business assessment"],
            "deliverable": ["nexus", "values", ""],
            "opened_on": [date(2025, 1, 1), date(2025, 3, 1), date(2026, 5, 1)],
            "closed_on": [date(2025, 2, 1), date(2025, 4, 1), None],
            "responses": pd.array([40, 10, None], dtype="Int64"),
        }
    )
    table = co.communication(calls=calls, today=TODAY).calls
    assert table.loc[2025, ["calls", "responses", "open"]].tolist() == [2, 50, 0]
    assert table.loc[2025, "median_responses"] == 25
    assert table.loc[2026, ["calls", "open"]].tolist() == [1, 1]


def test_response_rates_by_group_with_a_test_of_non_response():
    rates = response_rates(invitations())
    overall = rates.overall.loc["Annual survey 2026"]
    assert (overall["invited"], overall["responded"]) == (10, 5)
    assert overall["non_response"] == pytest.approx(0.5)
    by_region = rates.by_group.set_index(["breakdown", "group"])
    assert by_region.loc[("regional_group", "AFR"), "share"] == pytest.approx(1 / 4)
    assert by_region.loc[("regional_group", "WEOG"), "share"] == pytest.approx(4 / 6)
    assert by_region.loc[("regional_group", "AFR"), "small"]
    tests = rates.tests.set_index("breakdown")
    assert tests.loc["regional_group", "df"] == 1
    assert tests.loc["regional_group", "statistic"] == pytest.approx(1.6667, abs=1e-4)  # Pearson, no correction
    assert pd.isna(tests.loc["category", "statistic"])  # a single category: nothing to compare


def test_surveys_run_and_the_survey_item_on_concerns_addressed():
    survey = pd.DataFrame(
        {
            "wave": "Annual survey 2026",
            "year": 2026,
            "raised_concern": ["yes", "yes", "yes", "no", None],
            "concern_addressed": ["fully", "not_addressed", "partly", "fully", None],
        }
    )
    result = co.communication(invitations=invitations(), survey=survey, today=TODAY)
    counts = result.surveys.loc[2026, ["waves", "responses", "invited", "invitations_answered"]]
    assert counts.tolist() == [1, 5, 10, 5]
    assert result.surveys.loc[2026, "response_rate"] == pytest.approx(0.5)
    # "no" raised a concern: the answer about it is not counted.
    assert result.concern_addressed.loc[2026, "estimate"] == pytest.approx(2 / 3)
    assert result.concern_addressed.loc[2026, "n"] == 3
    card = headline(result)  # no concern records: the response rate
    assert card.measure == "survey_response_rate" and card.status == "new"


def test_nothing_at_all():
    result = co.communication(today=TODAY)
    assert result.calls.empty and result.concerns.empty and result.response_rates.overall.empty
    assert np.isnan(result.median_days)
    assert headline(result).status == "no_data"


def random_concerns(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 200))
    raised = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1600, size=n), unit="D")
    answered = raised + pd.to_timedelta(rng.integers(0, 200, size=n), unit="D")
    frame = pd.DataFrame(
        {
            "raised_on": pd.Series(raised).where(rng.random(n) > 0.05),  # a few without a date
            "status": rng.choice(["open", "answered", "Closed", "resolved", None], size=n),
            "answered_on": pd.Series(answered).where(rng.random(n) > 0.5),
            "channel": rng.choice(["email", "plenary", None], size=n),
        }
    )
    return frame if seed % 2 else frame.astype({"raised_on": "object", "status": "string"})


@pytest.mark.parametrize("seed", range(12))
def test_the_headline_counted_alone_equals_the_concern_table(seed):
    frame = random_concerns(seed)
    full = co.communication(concerns=frame, today=TODAY)
    expected = full.concerns[["raised", "addressed", "share"]]
    alone = co.communication(concerns=frame, today=TODAY)  # the concern tables never computed
    pd.testing.assert_frame_equal(alone.concern_shares, expected, check_index_type=len(expected) > 0)
    pd.testing.assert_series_equal(alone.headline_series, full.headline_series, check_index_type=len(expected) > 0)
    assert "_concern_tables" not in alone.__dict__
    assert headline(alone) == headline(full)


def test_surveys_wait_for_the_invitations_but_keep_no_survey_frame():
    survey = pd.DataFrame({"wave": ["2025", "Annual survey 2026", "Annual survey 2026"], "year": [2025, 2026, 2026]})
    result = co.communication(invitations=invitations(), survey=survey, today=TODAY)
    assert not any(value is survey for value in vars(result).values())
    assert result.surveys.loc[2025, ["waves", "responses", "invited"]].tolist() == [1, 1, 0]
    assert result.surveys.loc[2026, ["waves", "responses", "invited"]].tolist() == [1, 2, 10]
