"""Columns and spellings of other tools in real forms: read as pyxform reads them, or left aside with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys.definition import INDICATOR_GROUPS
from surveys.xlsform.problems import IGNORED, METADATA, XLSFormError
from surveys.xlsform.reading import parse_xlsform
from tests.surveys.xlsform_builder import choices, q, settings, valid_form, workbook

CORPUS = Path(__file__).parent / "data" / "xlsforms"
MSNA = "impact-initiatives-hppu-humind-reach_msna_2024_kobo_tool_v11.xlsx"


def _words_in_the_indicator_column() -> tuple[list[dict], list[dict], dict]:
    """The valid form, with the indicator column saying in words what each question measures (REACH's way)."""
    survey, choice_rows, setting = valid_form()
    for row in survey:
        if row.get("indicator"):
            row["indicator"] = f"% of respondents by {row['name']}"
    return survey, choice_rows, setting


def test_an_indicator_column_holding_none_of_our_groups_is_another_tools_and_left_aside():
    survey, choice_rows, setting = _words_in_the_indicator_column()
    warnings = []

    definition = parse_xlsform(workbook(survey, choice_rows, setting), warnings=warnings)

    assert all(question.indicator is None for question in definition.questions())
    set_aside = [p for p in warnings if p.column == "indicator"]
    assert [(p.kind, p.sheet, p.row) for p in set_aside] == [(IGNORED, "survey", 1)]
    assert "another tool's column" in set_aside[0].text
    assert "commitment" in set_aside[0].text  # says which values would have made it ours


def test_an_indicator_column_with_some_of_our_groups_still_refuses_an_unknown_value_as_a_typo():
    survey, choice_rows, setting = valid_form()
    typo = next(row for row in survey if row.get("indicator"))
    typo["indicator"] = "comitment"

    with pytest.raises(XLSFormError) as refused:
        parse_xlsform(workbook(survey, choice_rows, setting))

    assert [(p.column, p.text) for p in refused.value.problems] == [
        ("indicator", "'comitment' is not an indicator group; use one of " + ", ".join(INDICATOR_GROUPS))
    ]
    assert not [p for p in refused.value.warnings if p.column == "indicator"]


def test_reach_msna_tool_is_accepted_with_its_indicator_column_left_aside():
    warnings = []

    parse_xlsform((CORPUS / MSNA).read_bytes(), MSNA, warnings=warnings)

    assert [p.kind for p in warnings if p.column == "indicator"] == [IGNORED]


def test_a_required_cell_naming_nothing_is_read_as_no_as_odk_reads_it():
    survey, choice_rows, setting = valid_form()
    question = next(row for row in survey if row.get("type") == "text")
    question["required"] = "T"  # REACH's MSNA tool: to pyxform an XPath path to no element, false in ODK
    warnings = []

    definition = parse_xlsform(workbook(survey, choice_rows, setting), warnings=warnings)

    read = next(found for found in definition.questions() if found.name == question["name"])
    assert not read.required and read.required_when is None
    assert [(p.kind, p.column, p.detail) for p in warnings if p.column == "required"] == [
        (IGNORED, "required", "required (T)")
    ]
    assert "ODK reads as false" in next(p.text for p in warnings if p.column == "required")


def test_a_required_expression_is_still_read_as_one():
    survey, choice_rows, setting = valid_form()
    question = next(row for row in survey if row.get("type") == "text")
    question["required"] = "${nobody}"

    with pytest.raises(XLSFormError) as refused:
        parse_xlsform(workbook(survey, choice_rows, setting))

    assert [p.column for p in refused.value.problems] == ["required"]


def test_the_uri_spellings_of_metadata_are_metadata():
    form = workbook(
        [q("uri:deviceid", "device", ""), q("uri:username", "who", ""), q("text", "name", "Name")],
        [],
        settings(),
    )
    warnings = []

    definition = parse_xlsform(form, warnings=warnings)

    assert [(m.name, m.type) for m in definition.metadata] == [("device", "deviceid"), ("who", "username")]
    assert [p.detail for p in warnings if p.kind == METADATA] == ["deviceid", "username"]


def test_a_choice_row_without_a_list_name_is_left_aside_as_pyxform_does():
    survey, choice_rows, setting = valid_form()
    stray = {**choices("yes_no", "maybe")[0], "list_name": ""}
    choice_rows.append(stray)
    warnings = []

    definition = parse_xlsform(workbook(survey, choice_rows, setting), warnings=warnings)

    assert "maybe" not in {choice.name for listed in definition.choices.values() for choice in listed}
    row = len(choice_rows) + 1
    assert [(p.kind, p.sheet, p.row, p.column) for p in warnings if p.row == row and p.sheet == "choices"] == [
        (IGNORED, "choices", row, "list_name")
    ]


@pytest.mark.parametrize(("empty_rows", "read"), [(60, ["first", "after"]), (61, ["first"])])
def test_rows_after_a_run_of_more_than_sixty_empty_rows_are_past_the_end_as_pyxform_reads_them(empty_rows, read):
    form = workbook([q("text", "first", "First"), *[{}] * empty_rows, q("text", "after", "After")], [], settings())

    definition = parse_xlsform(form)

    assert [question.name for question in definition.questions()] == read
