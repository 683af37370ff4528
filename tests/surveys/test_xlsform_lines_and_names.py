"""geotrace and geoshape (issue 15): a line or an area typed as points, without a sensor or map tiles; and a
name pyxform allows in two groups."""

from __future__ import annotations

import pytest
from sqlmodel import select

from surveys import answering, submission
from surveys.answer_values import points
from surveys.definition import definition_hash
from surveys.frame import responses_frame
from surveys.models import Answer
from surveys.xlsform.problems import RENAMED, summary_line
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.writing import definition_to_xlsform
from tests.surveys import xlsform_builder as xb
from tests.surveys.test_xlsform_web_features import form, invitation_to, start


def lines_form():
    return form(
        [
            {"type": "geotrace", "name": "road", "label": "Which road?", "required": "yes"},
            {"type": "geoshape", "name": "field", "label": "Which field?"},
        ]
    )


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("geotrace", "48.85 2.35\n48.86 2.36", "48.85 2.35;48.86 2.36"),
        ("geotrace", "48.85, 2.35; 48.86,2.36", "48.85 2.35;48.86 2.36"),
        ("geotrace", "48.85 2.35 35 5;48.86 2.36 36 5", "48.85 2.35;48.86 2.36"),  # as ODK writes: alt, accuracy
        ("geoshape", "0 0\n0 1\n1 1", "0 0;0 1;1 1;0 0"),  # closed as ODK stores an area
        ("geoshape", "0 0\n0 1\n1 1\n0 0", "0 0;0 1;1 1;0 0"),  # already closed: not twice
        ("geotrace", "48.85 2.35", None),  # one point is no line
        ("geoshape", "0 0\n0 1\n0 0", None),  # two distinct points are no area
        ("geotrace", "91 0\n0 0", None),
        ("geotrace", "0 181\n0 0", None),
        ("geotrace", "north 0\n0 0", None),
        ("geotrace", "1 2 3\n0 0", None),
    ],
)
def test_points_are_read_one_a_line_and_stored_as_odk_writes_them(kind, typed, stored):
    assert points(kind, typed) == stored


def test_lines_and_areas_are_checked_kept_and_stored_as_text(session):
    definition = lines_form()
    assert [q.type for q in definition.questions()] == ["geotrace", "geoshape"]
    problems = answering.validate_all(definition, {"field": "0 0\n0 1"}, registry=True)
    assert {name: problem.kind for name, problem in problems.items()} == {"road": "required", "field": "geoshape"}
    invited = start(session, definition)
    raw = {"road": " 48.85 2.35\r\n48.86 2.36 \n", "field": "0 0\n0 1\n1 1"}

    submission.submit(session, invited, definition, key=invited.response.submission_key, raw=raw)

    session.expire_all()
    stored = {answer.question: answer.value_text for answer in session.exec(select(Answer))}
    assert stored == {"road": "48.85 2.35;48.86 2.36", "field": "0 0;0 1;1 1;0 0"}
    frame = responses_frame(session, [invited.wave.id])
    assert frame["road"].iloc[0] == "48.85 2.35;48.86 2.36"


def test_a_line_is_a_text_area_of_points_on_the_page_and_a_wrong_one_is_said(client, session):
    invitation = invitation_to(session, lines_form())
    address = client.get(f"/survey/i/{invitation.token}").headers["Location"]

    page = client.get(address).get_data(as_text=True)
    assert '<textarea id="q-road" name="q.road"' in page and 'aria-describedby="q-road-points"' in page
    assert "One point a line" in page

    answered = client.post(address, data={"q.road": "48.85 2.35", "action": "next"}).get_data(as_text=True)
    assert "Enter at least two points" in answered and "48.85 2.35</textarea>" in answered


def test_a_form_with_lines_writes_back_to_the_same_version():
    definition = lines_form()
    again = parse_xlsform(definition_to_xlsform(definition), "lines.xlsx")
    assert definition_hash(again) == definition_hash(definition)


def test_a_name_in_two_groups_is_stored_under_its_group_name_with_a_warning_and_writes_back_the_same():
    warnings = []
    definition = parse_xlsform(
        xb.workbook(
            [
                xb.q("begin group", "first", "First"),
                xb.q("integer", "count", "How many?"),
                xb.end(),
                xb.q("begin group", "second", "Second"),
                xb.q("integer", "count", "How many now?"),
                xb.q("note", "count_note", "Thanks"),
                xb.end(),
            ],
            [],
            {"form_id": "twice"},
        ),
        "twice.xlsx",
        warnings=warnings,
    )

    assert [q.name for q in definition.questions()] == ["count", "second_count", "count_note"]
    renamed = [w for w in warnings if w.kind == RENAMED]
    assert [(w.row, w.column, w.detail) for w in renamed] == [(6, "name", "count → second_count")]
    assert "names used in two groups" in summary_line(RENAMED, renamed)
    again = parse_xlsform(definition_to_xlsform(definition), "twice.xlsx")
    assert definition_hash(again) == definition_hash(definition)


def test_a_note_without_a_name_is_named_as_pyxform_names_it_and_writes_back_the_same():
    definition = parse_xlsform(
        xb.workbook(
            [{"type": "note", "label": "Section B"}, {"type": "integer", "name": "n", "label": "How many?"}],
            [],
            {"form_id": "notes"},
        ),
        "notes.xlsx",
    )
    assert [q.name for q in definition.questions()] == ["generated_note_name_2", "n"]
    again = parse_xlsform(definition_to_xlsform(definition), "notes.xlsx")
    assert definition_hash(again) == definition_hash(definition)


def test_a_please_specify_inside_nested_relevant_groups_is_still_one_after_writing_back():
    definition = parse_xlsform(
        xb.workbook(
            [
                xb.q("begin group", "page", "Page"),
                xb.q("integer", "adults", "Adults?"),
                xb.q("begin group", "outer", "Outer", relevant="${adults} > 0"),
                xb.q("begin group", "inner", "Inner", relevant="${adults} > 1"),
                xb.q("select_one yes_no", "pick", "Pick"),
                xb.q("text", "pick_other", "Which?", relevant="selected(${pick}, 'other')"),
                xb.end(),
                xb.end(),
                xb.end(),
            ],
            [*xb.choices("yes_no", "yes", "other")],
            {"form_id": "nested_other"},
        ),
        "nested_other.xlsx",
    )
    assert definition.question("pick_other").other_of == "pick"
    again = parse_xlsform(definition_to_xlsform(definition), "nested_other.xlsx")
    assert again.question("pick_other").other_of == "pick"
    assert definition_hash(again) == definition_hash(definition)


def test_a_form_in_another_default_language_without_a_title_writes_back_the_same():
    data = xb.workbook(
        [{"type": "integer", "name": "n", "label::English": "How many?", "label::swahili": "Ngapi?"}],
        [],
        {"form_id": "kiswahili", "default_language": "swahili"},
    )
    definition = parse_xlsform(data, "kiswahili.xlsx")
    assert definition.titles == {"en": "kiswahili"} and definition.default_language == "en"
    again = parse_xlsform(definition_to_xlsform(definition), "kiswahili.xlsx")
    assert definition_hash(again) == definition_hash(definition)
