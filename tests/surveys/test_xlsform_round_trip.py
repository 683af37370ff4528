"""Round trip (issue 15, item 5): an accepted form exports to an XLSForm that pyxform converts and
that imports again to the same content hash (`definition_hash`, sha256 of the canonical definition).

On the bundled instruments, on synthetic forms (every feature, a form in English only, another
default language) and through the platform (export a stored version, upload it: nothing new).
"""

from __future__ import annotations

from dataclasses import fields

import pytest

from surveys import instruments
from surveys.definition import Choice, Definition, Grid, Metadata, Page, Question, definition_hash
from surveys.xlsform.pyxform_check import pyxform_problems
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.settings import Settings
from surveys.xlsform.writing import definition_to_xlsform
from surveys.xlsform_languages import read_form
from tests.factories import make_definition
from tests.surveys import xlsform_builder as xb
from tests.surveys.translation_helpers import english_form


def shipped(filename: str) -> bytes:
    return (instruments.SHIPPED_DIR / filename).read_bytes()


def every_column_form() -> bytes:
    """`valid_form` with required messages and hints too, and the French title as default language."""
    survey, choice_rows, setting = xb.valid_form()
    survey[0].update(xb.labels("Please answer", "required_message"), **xb.labels("Where you live", "hint"))
    setting["default_language"] = "Français (fr)"
    return xb.workbook(survey, choice_rows, setting)


FORMS = {
    "needs analysis (bundled)": lambda: read_form(shipped("needs_analysis.xlsx")),
    "annual survey (bundled)": lambda: read_form(shipped("annual_survey.xlsx")),
    "every feature": lambda: read_form(xb.workbook(*xb.valid_form())),
    "every translated column, French default": lambda: read_form(every_column_form()),
    "English only, awaiting translations": lambda: read_form(english_form()),
    "metadata and or_other, English only": lambda: read_form(metadata_form()),
    "a share's base, English only": lambda: read_form(base_form()),
    "calculate, English only": lambda: read_form(calculate_form()),
    "defaults, choice filters and the other types": lambda: read_form(features_form()),
}


def features_form() -> bytes:
    """default, read_only, a cascading select and time, datetime, acknowledge, range, geopoint."""
    survey = [
        {"type": "select_one states", "name": "state", "label": "State?", "default": "texas"},
        {
            "type": "select_one counties",
            "name": "county",
            "label": "County?",
            "choice_filter": "cf = ${state}",
            "required": "${state} = 'texas'",
        },
        {"type": "text", "name": "site", "label": "Site", "default": "Bonn", "read_only": "yes"},
        {"type": "time", "name": "at", "label": "At?"},
        {"type": "datetime", "name": "when", "label": "When?"},
        {"type": "acknowledge", "name": "ok", "label": "Read this"},
        {"type": "range", "name": "score", "label": "Score?", "parameters": "start=0 end=10 step=2"},
        {"type": "geopoint", "name": "where", "label": "Where?"},
    ]
    choice_rows = [
        {"list_name": "states", "name": "texas", "label": "Texas"},
        {"list_name": "counties", "name": "brewster", "label": "Brewster", "cf": "texas"},
    ]
    return xb.workbook(survey, choice_rows, {"form_id": "features"})


def calculate_form() -> bytes:
    """A calculate on a page of its own and one inside a group, each reading answers."""
    survey = [
        {"type": "integer", "name": "adults", "label": "Adults?"},
        {"type": "calculate", "name": "double", "calculation": "${adults} * 2"},
        {"type": "begin group", "name": "more", "label": "More"},
        {"type": "integer", "name": "children", "label": "Children?"},
        {"type": "calculate", "name": "total", "calculation": "${adults} + ${children}"},
        {"type": "end group"},
    ]
    return xb.workbook(survey, [], {"form_id": "calc"})


def base_form() -> bytes:
    """A select_multiple whose shares are of everyone shown it (the `base` column)."""
    survey = [{"type": "select_multiple barriers", "name": "barriers", "label": "Barriers?", "base": "shown"}]
    choice_rows = [{"list_name": "barriers", "name": n, "label": n.title()} for n in ("time", "money")]
    return xb.workbook(survey, choice_rows, {"form_id": "base"})


def metadata_form() -> bytes:
    """Metadata rows around the questions and an `or_other` select, with plain English labels."""
    survey = [
        {"type": "start", "name": "start"},
        {"type": "select_one yes_no or_other", "name": "engaged", "label": "Did you engage?"},
        {"type": "deviceid", "name": "device"},
        {"type": "text", "name": "why", "label": "Why?"},
        {"type": "end", "name": "end"},
    ]
    choice_rows = [{"list_name": "yes_no", "name": n, "label": n.title()} for n in ("yes", "no")]
    return xb.workbook(survey, choice_rows, {"form_id": "meta"})


def pyxform_says(data: bytes, definition: Definition) -> list:
    settings = Settings(
        form_id=definition.form_id,
        version=definition.version,
        default_language=definition.default_language,
        titles=definition.titles,
    )
    return pyxform_problems(data, settings)


@pytest.mark.parametrize("name", FORMS)
def test_an_accepted_form_exports_to_an_xlsform_pyxform_converts_and_that_imports_to_the_same_hash(name):
    definition = FORMS[name]()
    exported = definition_to_xlsform(definition)

    assert pyxform_says(exported, definition) == []
    again = read_form(exported)
    assert definition_hash(again) == definition_hash(definition)
    assert again == definition


def test_a_definition_made_by_other_means_is_stable_after_one_export():
    """The test factory numbers rows without room for the group rows; the first export gives them
    their place, and from there the round trip holds."""
    once = read_form(definition_to_xlsform(make_definition()))
    assert [q.name for q in once.questions()] == [q.name for q in make_definition().questions()]
    assert definition_hash(read_form(definition_to_xlsform(once))) == definition_hash(once)


def test_a_complete_form_exports_to_what_the_strict_reader_accepts():
    definition = parse_xlsform(every_column_form())
    assert definition_hash(parse_xlsform(definition_to_xlsform(definition))) == definition_hash(definition)


def test_a_stored_version_exported_and_uploaded_again_is_the_same_version(session):
    for version in instruments.install_shipped(session):
        code = next(code for code, (_name, file) in instruments.SHIPPED.items() if file == version.filename)
        exported = instruments.xlsform_of(version)  # written from the definition, not the file uploaded
        again, created = instruments.store_version(
            session, code=code, name=None, data=exported, filename="exported.xlsx"
        )
        assert (again.id, created) == (version.id, False)


def test_the_writer_knows_every_field_of_a_definition():
    """A field added to the definition must be written by surveys/xlsform/writing.py: extend the writer,
    then this list and FORMS, so the round trip covers it."""
    assert {f.name for f in fields(Question)} == {
        "name", "type", "labels", "hints", "list_name", "required", "relevant", "constraint",
        "constraint_messages", "required_messages", "appearance", "other_of", "pii", "quasi",
        "indicator", "profile", "base", "row", "calculation", "default", "read_only", "choice_filter",
        "parameters", "required_when",
    }  # fmt: skip
    assert {f.name for f in fields(Grid)} == {"name", "labels", "list_name", "questions", "relevant"}
    assert {f.name for f in fields(Page)} == {"name", "labels", "items", "relevant", "profile"}
    assert {f.name for f in fields(Choice)} == {"name", "labels", "columns"}
    assert {f.name for f in fields(Definition)} == {
        "form_id", "version", "titles", "pages", "choices", "default_language", "metadata",
    }  # fmt: skip
    assert {f.name for f in fields(Metadata)} == {"name", "type", "row"}
