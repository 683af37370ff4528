"""`begin loop over LIST` (issue 15): one instance per choice of the list (but `none`, as pyxform skips it),
each titled by its choice and its texts' `%(label)s` and `%(name)s` replaced; answered without "Add
another", stored with the choice's position as instance, a `choice` column in the tidy frame, and written
back to the same version."""

from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook
from sqlmodel import select

from surveys.definition import Definition, Repeat, definition_hash
from surveys.frame_repeats import repeat_frames
from surveys.models import Answer, Response
from surveys.xlsform.problems import XLSFormError
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.writing import definition_to_xlsform
from tests.surveys import xlsform_builder as xb
from tests.surveys.respondents import first_page

SURVEY = [
    xb.q("begin group", "toilets", "Toilets"),
    xb.q("select_multiple toilet", "available", "Which toilets are there?"),
    {"type": "begin loop over toilet", "name": "per_toilet"},
    xb.q("integer", "number", "How many %(label)s are on the premises?", constraint=". < 100"),
    {"type": "end loop"},
    xb.end(),
]
CHOICES = xb.choices("toilet", "pit_latrine", "bucket", "none")


def _definition(survey=SURVEY) -> Definition:
    return parse_xlsform(xb.workbook(survey, CHOICES, {"form_id": "toilets"}), "toilets.xlsx")


def test_a_loop_is_read_as_one_instance_per_choice_and_written_back_to_the_same_version():
    definition = _definition()
    loop = definition.pages[0].items[-1]
    assert isinstance(loop, Repeat) and (loop.name, loop.over, loop.count) == ("per_toilet", "toilet", "2")

    written = definition_to_xlsform(definition)
    types = [row[0] for row in load_workbook(BytesIO(written))["survey"].iter_rows(values_only=True)]
    assert "begin loop over toilet" in types and "end loop" in types
    again = parse_xlsform(written, "toilets.xlsx")
    assert definition_hash(again) == definition_hash(definition)
    assert Definition.from_dict(definition.to_dict()) == definition


def test_a_loop_over_a_list_that_does_not_exist_is_refused_on_its_row():
    survey = [dict(row) for row in SURVEY]
    survey[2]["type"] = "begin loop over toilets"
    try:
        _definition(survey)
    except XLSFormError as error:
        assert [(p.row, p.column) for p in error.problems if not p.warning] == [(4, "type")]
        assert "toilets" in str(error.problems[0].message)
    else:
        raise AssertionError("a loop over a missing list was accepted")


def _submission_form(page: str) -> dict:
    form = page.split('<form method="post" class="stack">', 1)[1].split("</form>", 1)[0]
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data.setdefault(name, []).append(value)
    return data


def test_a_loop_is_answered_per_choice_checked_stored_by_position_and_named_in_the_frame(client, session):
    url = first_page(
        client, session, _definition(), code="toilets", language="en", country="KE", category="science", gender="female"
    )

    page = client.get(url).get_data(as_text=True)
    legends = re.findall(r'<legend id="repeat-per_toilet-\d-title">([^<]*)</legend>', page)
    assert legends == ["Pit Latrine", "Bucket"]  # one fieldset per choice but `none`, titled by it
    assert "How many Pit Latrine are on the premises?" in page and "How many Bucket are" in page
    assert 'name="q.per_toilet.3.number"' not in page and "add:per_toilet" not in page and "remove:" not in page

    refused = client.post(url, data={"q.per_toilet.1.number": "2", "q.per_toilet.2.number": "300"})
    assert refused.status_code == 422 and 'id="q-per_toilet.2.number-error"' in refused.get_data(as_text=True)
    client.post(url, data={"q.per_toilet.1.number": "2", "q.per_toilet.2.number": "1", "action": "review"})
    review = client.get(url.replace("/page/1", "/review")).get_data(as_text=True)
    assert "Bucket</h3>" in review and "How many Bucket are on the premises?" in review
    assert client.post(url.replace("/page/1", "/review"), data=_submission_form(review)).status_code == 303

    session.expire_all()
    assert {(a.question, a.instance, a.value_number) for a in session.exec(select(Answer))} == {
        ("number", 1, 2.0),
        ("number", 2, 1.0),
    }
    table = repeat_frames(session, [session.exec(select(Response)).one().wave_id])["per_toilet"]
    assert list(table.columns) == ["response_id", "instance", "choice", "number"]
    assert table["choice"].tolist() == ["pit_latrine", "bucket"] and table["number"].tolist() == [2, 1]
    assert list(table["choice"].cat.categories) == ["pit_latrine", "bucket"]
