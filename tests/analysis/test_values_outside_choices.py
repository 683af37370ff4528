"""Nothing silent at the boundary of analysis/: values that are none of a question's choices are
left out and said in the notes, never added as choices; codes are compared normalised."""

import numpy as np
import pandas as pd
import pytest

from analysis.catalog import shown_column, with_shown_bases
from analysis.survey_results import wave_results
from tests.analysis.test_survey_results import catalog, row

GENDER = catalog(
    {"name": "sex", "type": "select_one", "list_name": "gender", "choices": {"male": {}, "female": {}}},
    {
        "name": "roles",
        "type": "select_multiple",
        "list_name": "role",
        "choices": {"author": {}, "reviewer": {}},
        "columns": ("roles__author", "roles__reviewer"),
    },
)


def frame(answers, region=None):
    n = len(answers)
    data = pd.DataFrame({"response_id": np.arange(1, n + 1), "sex": pd.Series(answers, dtype=object)})
    data["roles__author"] = 1.0
    data["roles__reviewer"] = 0.0
    if region is not None:
        data["regional_group"] = pd.Series(region, dtype=object)
    return data


def test_a_code_with_a_trailing_non_breaking_space_counts_as_that_choice():
    results = wave_results(frame(["male\u00a0", "male", "female", "male\u200b"]), GENDER, by=())
    shares = results.shares[results.shares["question"] == "sex"]
    assert sorted(shares["choice"]) == ["female", "male"]  # no second "male"
    assert row(shares, choice="male")["estimate"] == 0.75
    assert row(shares, choice="male")["n"] == 4
    assert not results.notes


def test_free_text_in_a_single_choice_column_is_left_out_and_said_in_the_notes():
    answers = ["male", "female", "I would rather describe myself", "n/a", "n/a", None]
    results = wave_results(frame(answers), GENDER, by=())
    shares = results.shares[results.shares["question"] == "sex"]
    assert sorted(shares["choice"]) == ["female", "male"]
    assert row(shares, choice="male")["n"] == 2  # the base: answers that are choices
    assert row(shares, choice="male")["estimate"] == 0.5
    assert results.notes == (
        "sex: 3 answer(s) (2 distinct value(s)) are not choices of the question and are left out of its figures",
    )
    assert "rather" not in " ".join(results.notes)  # counts only: free text can name a person


def test_a_select_multiple_column_that_is_no_choice_is_said_in_the_notes():
    data = frame(["male", "female"]).assign(roles__typo=1.0)
    results = wave_results(data, GENDER, by=())
    assert set(results.shares.loc[results.shares["question"] == "roles", "choice"]) == {"author", "reviewer"}
    assert any(note.startswith("roles: 1 column(s)") for note in results.notes)


def test_breakdown_codes_that_differ_only_by_spaces_are_one_group():
    results = wave_results(frame(["male", "female", "male"], region=["AFR", "AFR\u00a0", " WEOG"]), GENDER)
    groups = set(results.shares.loc[results.shares["by"] == "regional_group", "group"])
    assert groups == {"AFR", "WEOG"}
    assert row(results.shares, question="sex", choice="male", by="regional_group", group="AFR")["n"] == 2


# --- the base of a select_multiple question's shares (issue 14, item 3) ------------------------


def roles_catalog(**options):
    return catalog(
        {
            "name": "roles",
            "type": "select_multiple",
            "list_name": "role",
            "choices": {"author": {}, "reviewer": {}},
            "columns": ("roles__author", "roles__reviewer"),
            **options,
        }
    )


def roles_frame():
    # Four respondents of wave 1 were shown the question; two ticked nothing. Wave 2 did not ask it.
    return pd.DataFrame(
        {
            "response_id": [1, 2, 3, 4, 5],
            "wave_id": [1, 1, 1, 1, 2],
            "roles__author": [1.0, 1.0, np.nan, np.nan, np.nan],
            "roles__reviewer": [0.0, 1.0, np.nan, np.nan, np.nan],
        }
    )


def test_base_answered_is_the_default_share_of_those_who_ticked_a_choice():
    results = wave_results(roles_frame(), roles_catalog(waves=(1,)), by=())
    author = row(results.shares, question="roles", choice="author")
    assert (author["estimate"], author["n"]) == (1.0, 2)
    assert results.questions.set_index("question").loc["roles", "base"] == "answered"


def test_base_shown_counts_every_respondent_shown_the_question():
    results = wave_results(roles_frame(), roles_catalog(base="shown", waves=(1,)), by=())
    author = row(results.shares, question="roles", choice="author")
    assert (author["estimate"], author["n"]) == (0.5, 4)  # wave 2 was not shown it
    assert results.questions.set_index("question").loc["roles", "base"] == "shown"
    assert not results.notes


def test_base_shown_behind_a_condition_falls_back_to_answered_and_says_so():
    results = wave_results(roles_frame(), roles_catalog(base="shown", waves=(1,), conditional=True), by=())
    assert row(results.shares, question="roles", choice="author")["n"] == 2
    assert results.questions.set_index("question").loc["roles", "base"] == "answered"
    assert any("relevant condition" in note for note in results.notes)


def test_base_shown_behind_a_condition_uses_who_was_shown_it_when_recorded():
    frame = roles_frame().assign(**{shown_column("roles"): [1.0, 1.0, 1.0, 0.0, np.nan]})
    options = {"base": "shown", "waves": (1,), "conditional": True, "shown_recorded": True}
    results = wave_results(frame, roles_catalog(**options), by=())
    author = row(results.shares, question="roles", choice="author")
    assert (author["estimate"], author["n"]) == (pytest.approx(2 / 3), 3)  # the fourth was never shown it
    assert results.questions.set_index("question").loc["roles", "base"] == "shown"
    assert not results.notes
    # Without the frame's column the shares fall back to those who answered, and say so.
    unrecorded = wave_results(roles_frame(), roles_catalog(**options), by=())
    assert row(unrecorded.shares, question="roles", choice="author")["n"] == 2
    assert any("who was shown it" in note for note in unrecorded.notes)


def test_indicator_frames_are_coded_for_the_shown_base():
    frame, bases = with_shown_bases(roles_frame(), roles_catalog(base="shown", waves=(1,)))
    assert frame["roles__author"].tolist()[:4] == [1.0, 1.0, 0.0, 0.0]  # shown, ticked nothing: 0
    assert np.isnan(frame["roles__author"].iloc[4])  # wave 2 did not ask it
    assert bases == {"roles": "shown"}
    same, bases = with_shown_bases(roles_frame(), roles_catalog(waves=(1,)))
    assert bases == {"roles": "answered"} and np.isnan(same["roles__author"].iloc[2])
    # Behind a condition: those recorded as shown it; with a response unrecorded, the answered base.
    recorded = roles_frame().assign(**{shown_column("roles"): [1.0, 1.0, 1.0, 0.0, np.nan]})
    options = {"base": "shown", "waves": (1,), "conditional": True}
    coded, bases = with_shown_bases(recorded, roles_catalog(**options))
    assert coded["roles__author"].tolist()[:3] == [1.0, 1.0, 0.0] and np.isnan(coded["roles__author"].iloc[3])
    unknown = recorded.assign(**{shown_column("roles"): [1.0, 1.0, np.nan, 0.0, np.nan]})
    assert with_shown_bases(unknown, roles_catalog(**options))[1] == {"roles": "answered"}
