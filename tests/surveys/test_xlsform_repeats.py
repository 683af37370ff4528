"""Repeats (issue 15): read from XLSForm into `definition.Repeat` (nested ones, `repeat_count`), accepted on
import, and written back to the same version; a caller that cannot take them refuses them in one line."""

from __future__ import annotations

from surveys.definition import Definition, Repeat, definition_hash
from surveys.translation_status import missing_cells, texts
from surveys.xlsform.problems import XLSFormError
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.writing import definition_to_xlsform
from tests.surveys import xlsform_builder as xb

SURVEY = [
    xb.q("integer", "size", "How many live here?"),  # 2
    xb.q("begin group", "people", "People"),  # 3
    xb.q("text", "name", "Your name?"),  # 4
    xb.q("begin repeat", "member", "Member", repeat_count="${size}", relevant="${size} > 0"),  # 5
    xb.q("text", "name", "Name?"),  # 6
    xb.q("begin group", "more", "More", relevant="${size} > 1"),  # 7
    xb.q("integer", "age", "Age?"),  # 8
    xb.end(),  # 9
    xb.q("begin repeat", "phone", "Phone"),  # 10
    xb.q("text", "number", "Number?"),  # 11
    {"type": "end repeat"},  # 12
    {"type": "end repeat"},  # 13
    xb.end(),  # 14
    {"type": "begin_repeat", "name": "visit", "label": "Visit"},  # 15: at the top level
    xb.q("date", "day", "When?"),  # 16
    {"type": "end_repeat"},  # 17
]


def workbook() -> bytes:
    return xb.workbook(SURVEY, [], {"form_id": "household"})


def test_a_form_with_repeats_is_accepted_and_a_caller_that_cannot_take_them_refuses_them_in_one_line():
    assert [r.name for r in parse_xlsform(workbook(), "household.xlsx").repeats()] == ["member", "phone", "visit"]
    try:
        parse_xlsform(workbook(), "household.xlsx", repeats=False)
    except XLSFormError as error:
        problems = [problem for problem in error.problems if not problem.warning]
        assert [(p.row, p.detail) for p in problems] == [(5, "repeat"), (10, "repeat"), (15, "repeat")]
        assert error.summary_lines()[0] == "unsupported question types (rows): repeat (5, 10, 15)"
    else:
        raise AssertionError("a form with repeats was accepted")


def test_repeats_are_read_with_their_count_relevance_nested_repeats_and_groups_flattened():
    definition = parse_xlsform(workbook(), "household.xlsx")

    assert [q.name for q in definition.questions()] == ["size", "name"]  # a repeat's questions are per instance
    people, visits = definition.pages[1].items[-1], definition.pages[2].items[0]
    assert isinstance(people, Repeat) and isinstance(visits, Repeat)
    assert (people.name, people.count, people.relevant, people.row) == ("member", "${size}", "${size} > 0", 5)
    assert [q.name for q in people.questions()] == ["member_name", "age", "number"]  # `name` again: renamed
    assert people.items[1].relevant == "${size} > 1"  # the group inside the repeat joins it, relevant as it is
    assert [r.name for r in definition.repeats()] == ["member", "phone", "visit"]
    assert definition.pages[-1].name.startswith("_page") and not definition.pages[-1].labels


def test_repeats_write_back_to_the_same_version_and_survive_storage():
    definition = parse_xlsform(workbook(), "household.xlsx")

    again = parse_xlsform(definition_to_xlsform(definition), "household.xlsx")

    assert definition_hash(again) == definition_hash(definition)
    assert Definition.from_dict(definition.to_dict()) == definition


def test_the_texts_of_repeats_and_their_questions_count_in_the_translation_status():
    survey = [{k: v for k, v in row.items() if "(fr)" not in k} for row in SURVEY]  # French left out
    definition = parse_xlsform(xb.workbook(survey, [], {"form_id": "household"}), "household.xlsx")

    named = {text.name for text in texts(definition) if text.sheet == "survey"}
    assert {"member", "phone", "visit", "member_name", "number", "day"} <= named
    # every label of the survey sheet lacks French, but the group inside the repeat's (flattened, not shown)
    assert missing_cells(definition)["fr"]["survey"] == len([row for row in survey if row.get("name")]) - 1
