"""Checking exports against their proposed mapping: every clean row gives the answers it was written
from, and every refused row is named with its column and kind."""

from __future__ import annotations

from datetime import date

import pytest

from surveys.response_import.checking import Lookups, check
from surveys.response_import.mapping import propose_mapping
from surveys.response_import.plan import Mapping, Target, ValueTarget
from surveys.response_import.reading import read_export
from tests.surveys.response_import.export_fixtures import FIXTURES, annual_survey, expected, proposed

LOOKUPS = Lookups.from_reference()


def _plain(answers: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in answers.items()}


@pytest.mark.parametrize("name", FIXTURES)
def test_each_export_gives_the_answers_it_was_written_from(name):
    source, rows, mapping = proposed(name)
    preview = check(source, rows, mapping, annual_survey(), LOOKUPS)
    wanted, refused = expected(name)
    assert sorted(preview.refused_rows) == refused
    assert {row.row for row in preview.rows} == set(wanted)
    for row in preview.rows:
        assert _plain(row.answers) == wanted[row.row]["answers"], row.row
        if source.shape not in ("kobotoolbox",):  # Kobo exports carry no language
            assert row.language == wanted[row.row]["language"], row.row
        assert row.profile["country"] == row.answers["country"]
        assert row.profile["regional_group"] is not None


def test_a_country_not_recorded_is_refused_by_name_until_it_is_recorded():
    source, rows, mapping = proposed("limesurvey_codes.csv")
    preview = check(source, rows, mapping, annual_survey(), LOOKUPS)
    (problem,) = preview.problems
    assert (problem.row, problem.column, problem.kind) == (31, "country", "unknown country")
    assert "Taiwan" in problem.message and "TW" in problem.message
    # The instrument's country list has no Taiwan: recording it is not enough, the value must go to missing.
    mapping.values["country"]["Taiwan"] = ValueTarget("missing")
    preview = check(source, rows, mapping, annual_survey(), LOOKUPS)
    assert [p.kind for p in preview.problems] == ["required missing"]


def test_a_profile_column_takes_a_recorded_territory_without_a_regional_group():
    definition = annual_survey()
    content = "Country,Gender\nTaiwan,Femme\nKorea, South,Male\n".replace("Korea, South", '"Korea, South"').encode()
    source, rows = read_export(content, "x.csv")
    mapping = Mapping(
        columns={"Country": Target("profile", field="country"), "Gender": Target("profile", field="gender")},
        values={
            "Country": {"Taiwan": ValueTarget("choice", "TW"), "Korea, South": ValueTarget("choice", "KR")},
            "Gender": {"Femme": ValueTarget("choice", "female"), "Male": ValueTarget("choice", "male")},
        },
    )
    lookups = Lookups(countries={**LOOKUPS.countries, "TW": None})
    preview = check(source, rows, mapping, definition, lookups)
    assert not preview.problems
    assert [row.profile["country"] for row in preview.rows] == ["TW", "KR"]
    assert [row.profile["regional_group"] for row in preview.rows] == [None, "APAC"]
    assert [row.profile["gender"] for row in preview.rows] == ["female", "male"]


def _one_row(header: str, line: str, mapping: Mapping | None = None):
    source, rows = read_export(f"{header}\n{line}\n".encode(), "x.csv")
    mapping = mapping or propose_mapping(source, rows, annual_survey())
    return check(source, rows, mapping, annual_survey(), LOOKUPS)


def test_each_refused_cell_is_named_by_row_column_and_kind():
    preview = _one_row(
        "country,events_attended,last_engagement,clarity,roles,contact_ok,contact_email",
        "France,many,2024-13-40,Bof,author,yes,not-an-address",
    )
    found = {(p.row, p.column, p.kind) for p in preview.problems}
    assert (2, "events_attended", "not a number") in found
    assert (2, "last_engagement", "not a date") in found
    assert (2, "clarity", "unknown value") in found
    assert (2, "contact_email", "not an email") in found
    assert not preview.rows
    assert preview.counts_by_kind()["not a number"] == 1


def test_constraints_and_required_answers_are_checked_as_the_answering_flow_checks_them():
    preview = _one_row("country,roles,events_attended,channels", "France,author,500,")
    kinds = {(p.column, p.kind) for p in preview.problems}
    assert ("events_attended", "constraint") in kinds
    assert ("channels", "required missing") in kinds
    # A question no column maps to is no problem: the old survey did not ask it.
    assert not any(p.kind == "required missing" and "clarity" in p.message for p in preview.problems)


def test_typed_other_text_is_kept_with_the_other_choice_and_in_the_specify_question():
    preview = _one_row("country,roles[author],roles[other]", "France,Y,Local NGO work")
    (row,) = preview.rows
    assert row.answers["roles"] == ["author", "other"]
    assert row.answers["roles_other"] == "Local NGO work"
    assert row.other_texts == {"roles": "Local NGO work"}


def test_an_answer_not_relevant_in_the_instrument_is_kept_from_a_past_wave():
    # concern_addressed is asked only when raised_concern is yes: a past survey may have asked it anyway.
    preview = _one_row("country,raised_concern,concern_addressed", "France,No,Partly")
    (row,) = preview.rows
    assert row.answers["concern_addressed"] == "partly"


def test_numbers_and_dates_as_exports_write_them():
    preview = _one_row(
        "country,roles,events_attended,last_engagement", "France,author,3.0000000000,2023-05-04 00:00:00"
    )
    (row,) = preview.rows
    assert row.answers["events_attended"] == 3
    assert row.answers["last_engagement"] == date(2023, 5, 4)


def test_a_tools_mark_for_other_is_not_kept_as_the_typed_text():
    mapping = Mapping(
        columns={"roles": Target("question", question="roles"), "roles[other]": Target("other_text", question="roles")},
        values={"roles": {"-oth-": ValueTarget("other"), "author": ValueTarget("choice", "author")}},
    )
    preview = _one_row("roles,roles[other]", "-oth-;author,Youth network", mapping)
    (row,) = preview.rows
    assert row.answers["roles"] == ["author", "other"]
    assert row.other_texts == {"roles": "Youth network"}
    preview = _one_row("roles,roles[other]", "-oth-,", mapping)
    assert preview.rows[0].other_texts == {}


def test_other_where_the_question_has_no_other_choice_is_refused_as_an_unknown_value():
    mapping = Mapping(
        columns={"country": Target("question", question="country"), "clarity": Target("question", question="clarity")},
        values={"country": {"France": ValueTarget("choice", "FR")}, "clarity": {"Bof": ValueTarget("other")}},
    )
    preview = _one_row("country,clarity", "France,Bof", mapping)
    (problem,) = preview.problems
    assert (problem.column, problem.kind) == ("clarity", "unknown value")
    assert "matches no choice of clarity" in problem.message
