"""The spellings pyxform accepts, and refusals a person can act on (issue 15).

Each workbook is built here, small and synthetic, to exercise one feature seen in real forms.
"""

from __future__ import annotations

import pytest

from surveys.definition import definition_hash
from surveys.xlsform.problems import XLSFormError, grouped
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.writing import definition_to_xlsform
from tests.surveys.xlsform_builder import choices, labels, q, settings, valid_form, workbook


def refusal(data: bytes, filename: str = "form.xlsx") -> XLSFormError:
    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(data, filename)
    return caught.value


def english(survey: list[dict], choice_rows: list[dict], header: str = "label") -> tuple[list[dict], list[dict]]:
    """The rows with their labels in one column `header` (English only, as most real forms are)."""

    def one(row: dict) -> dict:
        text = row.get("label::English (en)")
        kept = {k: v for k, v in row.items() if "::" not in k}
        return {**kept, header: text} if text else kept

    return [one(row) for row in survey], [one(row) for row in choice_rows]


def simple_form(type_: str = "select_one yes_no", header: str = "label") -> tuple[list[dict], list[dict]]:
    survey = [q(type_, "engaged", "Did you engage?"), q("text", "why", "Why?", relevant="${engaged} = 'yes'")]
    return english(survey, choices("yes_no", "yes", "no"), header)


@pytest.mark.parametrize(
    "spelling, wanted",
    [
        ("select_one yes_no", "select_one"),
        ("select one from yes_no", "select_one"),
        ("select one yes_no", "select_one"),
        ("select1 yes_no", "select_one"),
        ("select all that apply from yes_no", "select_multiple"),
        ("select all that apply yes_no", "select_multiple"),
        ("select_multiple yes_no", "select_multiple"),
    ],
)
def test_the_select_spellings_pyxform_accepts_are_read(spelling, wanted):
    survey, choice_rows = simple_form(spelling)

    definition = parse_xlsform(workbook(survey, choice_rows, {"form_id": "f"}))

    assert definition.question("engaged").type == wanted
    assert definition.question("engaged").list_name == "yes_no"


@pytest.mark.parametrize("spelling", ["select_one yes_no or_other", "select one from yes_no or specify other"])
def test_or_other_adds_the_other_choice_and_its_text_question(spelling):
    survey, choice_rows = simple_form(spelling)

    definition = parse_xlsform(workbook(survey, choice_rows, {"form_id": "f"}))

    select = definition.question("engaged")
    assert definition.choice_names(select.list_name) == ["yes", "no", "other"]
    assert definition.question("engaged_other").other_of == "engaged"
    assert definition.choice_names("yes_no") == ["yes", "no"]  # the list itself is unchanged for other questions


@pytest.mark.parametrize(
    "header, code",
    [
        ("label", "en"),
        ("label::English", "en"),
        ("label::english", "en"),
        ("label:English", "en"),
        ("label::English (en)", "en"),
        ("label::en", "en"),
        ("label::Français", "fr"),
        ("label::French", "fr"),
        ("label::anglais", "en"),
        ("label::العربية", "ar"),
        ("label::Arabic", "ar"),
        ("label::Spanish (es)", "es"),
        ("label::Chinese", "zh"),
        ("label::русский", "ru"),
        ("Label::English", "en"),
        ("caption::English", "en"),
    ],
)
def test_language_columns_are_named_by_code_or_by_name_in_any_of_the_six_languages(header, code):
    survey, choice_rows = simple_form(header=header)
    warnings = []

    definition = parse_xlsform(workbook(survey, choice_rows, {"form_id": "f"}), warnings=warnings)

    assert definition.question("engaged").labels == {code: "Did you engage?"}
    assert definition.choices["yes_no"][0].labels == {code: "Yes"}
    assert {p.detail for p in warnings if p.kind == "language"} == {"ar", "en", "es", "fr", "ru", "zh"} - {code}


def test_a_plain_label_is_in_the_default_language_the_settings_name():
    survey, choice_rows = simple_form()

    definition = parse_xlsform(workbook(survey, choice_rows, {"form_id": "f", "default_language": "French"}))

    assert definition.default_language == "fr"
    assert definition.question("engaged").labels == {"fr": "Did you engage?"}


@pytest.mark.parametrize(
    "header, column",
    [
        ("bind::relevant", "relevant"),
        ("bind:relevant", "relevant"),
        ("relevance", "relevant"),
        ("bind::constraint", "constraint"),
        ("bind::required", "required"),
        ("control::appearance", "appearance"),
    ],
)
def test_bind_and_control_prefixes_and_aliases_are_read(header, column):
    value = {"relevant": "${engaged} = 'yes'", "constraint": "string-length(.) < 10", "required": "yes"}
    survey, choice_rows = simple_form()
    survey[1][header] = value.get(column, "multiline")
    survey[1].pop("relevant")

    why = parse_xlsform(workbook(survey, choice_rows, {"form_id": "f"})).question("why")

    assert {
        "relevant": why.relevant,
        "constraint": why.constraint,
        "required": "yes" if why.required else "",
        "appearance": why.appearance,
    }[column] == value.get(column, "multiline")


def test_list_name_and_other_header_spellings_are_read():
    survey, choice_rows = simple_form()
    choice_rows = [{("list name" if k == "list_name" else k): v for k, v in row.items()} for row in choice_rows]
    survey = [{("Type" if k == "type" else k): v for k, v in row.items()} for row in survey]

    definition = parse_xlsform(workbook(survey, choice_rows, {"id_string": "f", "title": "A form"}))

    assert definition.choice_names("yes_no") == ["yes", "no"]
    assert definition.form_id == "f"
    assert definition.titles == {"en": "A form"}


@pytest.mark.parametrize(
    "filename, setting, form_id",
    [
        ("household survey 2024.xlsx", {"version": "3"}, "household_survey_2024"),
        ("2024 census.xlsx", {"version": "3"}, "_2024_census"),
        ("x.xlsx", {"form_id": "given"}, "given"),
        ("x.xlsx", None, "x"),
    ],
)
def test_a_form_without_form_id_takes_it_from_the_file_name_as_pyxform_does(filename, setting, form_id):
    survey, choice_rows = simple_form()
    data = workbook(survey, choice_rows, setting) if setting is not None else _without_settings(survey, choice_rows)

    definition = parse_xlsform(data, filename)

    assert definition.form_id == form_id
    assert definition.titles == {"en": form_id}


def _without_settings(survey, choice_rows) -> bytes:
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(workbook(survey, choice_rows)))
    del book["settings"]
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_sheet_names_are_read_in_any_case():
    survey, choice_rows = simple_form()
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(workbook(survey, choice_rows, {"form_id": "f"})))
    for name in ("survey", "choices"):
        sheet = book[name]
        sheet.title = "renamed"  # openpyxl refuses a title that differs from the current one in case only
        sheet.title = name.upper()
    out = BytesIO()
    book.save(out)

    assert load_workbook(BytesIO(out.getvalue())).sheetnames == ["SURVEY", "CHOICES", "settings"]
    assert parse_xlsform(out.getvalue()).question("engaged").list_name == "yes_no"


def test_pyxform_type_aliases_are_read():
    survey = [{"type": "string", "name": "a", "label": "A"}, {"type": "int", "name": "b", "label": "B"}]

    definition = parse_xlsform(workbook(survey, [], {"form_id": "f"}))

    assert [q.type for q in definition.questions()] == ["text", "integer"]


def test_a_misspelled_column_is_refused_with_the_name_to_use():
    survey, choice_rows = simple_form()
    survey[1]["requried"] = "yes"

    error = refusal(workbook(survey, choice_rows, {"form_id": "f"}))

    assert [p.text for p in error.problems] == ["rename requried to required"]


# --- refusals a person can act on ------------------------------------------------------------------


def test_a_refusal_starts_with_one_summary_line_per_kind_then_groups_the_details():
    survey, choice_rows = simple_form()
    survey += [{"type": "image", "name": f"photo{n}", "label": "Photo"} for n in range(3)]
    survey += [{"type": "audio", "name": "voice", "label": "Voice"}]
    survey += [{"type": "text", "name": f"t{n}", "label": "T", "relevant": f"${{nobody{n}}} = 1"} for n in range(40)]

    error = refusal(workbook(survey, choice_rows, {"form_id": "f"}))

    lines = error.summary_lines()
    assert len(lines) <= 10
    assert lines[0] == "types that need a device or external files, refused (rows): image (4, 5, 6); audio (7)"
    assert "and 39 more like it" in lines[1]
    assert any(line.startswith("texts missing in 5 of the six languages") for line in lines)
    assert [len(problems) for _, problems in error.groups()][:2] == [4, 40]
    assert str(error).splitlines() == lines


def test_unsupported_types_are_summed_up_in_one_line_naming_types_and_rows():
    survey, choice_rows = simple_form()
    survey += [{"type": "xml-external", "name": f"c{n}"} for n in range(8)]
    survey += [{"type": "csv-external", "name": "r"}, {"type": "select_one_from_file places.csv", "name": "p"}]

    lines = refusal(workbook(survey, choice_rows, {"form_id": "f"})).summary_lines()

    assert lines[:2] == [
        "unsupported question types (rows): xml-external (4, 5, 6, 7, 8, 9, +2); csv-external (12)",
        "types that need a device or external files, refused (rows): select_one_from_file (13)",
    ]


def test_the_summary_never_exceeds_ten_lines():
    survey, choice_rows = simple_form()
    survey += [{"type": "text", "name": "bad name", "label": "x"}, {"type": "integer", "label": "n"}]
    survey += [{"type": kind, "name": kind, "label": "x"} for kind in ("image", "csv-external")]
    survey += [
        {"type": "text", "name": f"e{n}", "label": "x", "relevant": text}
        for n, text in enumerate(["${nobody} = 1", "1 =", ". = 1", "bogus(1)"])
    ]
    survey += [{"type": "text", "name": "s", "label": "x", "indicator": "no", "profile": "no", "pii": "maybe"}]
    survey += [{"type": "select_one nolist", "name": "nl", "label": "x"}, {"type": "end group"}]

    error = refusal(workbook(survey, choice_rows, {"form_id": "f"}))

    assert len(error.groups()) > 10
    assert len(error.summary_lines()) == 10
    assert error.summary_lines()[-1].startswith("and ")


def test_references_to_a_refused_row_are_not_reported_again():
    survey, choice_rows = simple_form()
    survey += [
        {"type": "xml-external", "name": "total"},
        {"type": "image", "name": "photo", "label": "Photo"},
        {"type": "text", "name": "after", "label": "x", "relevant": "${total} > 1 and ${photo} != ''"},
    ]

    error = refusal(workbook(survey, choice_rows, {"form_id": "f"}))

    assert [p.detail for p in error.problems] == ["xml-external", "image"]


def test_a_form_in_one_language_is_accepted_with_its_missing_translations_as_warnings():
    survey, choice_rows = simple_form()
    warnings = []

    definition = parse_xlsform(workbook(survey, choice_rows, {"form_id": "f"}), warnings=warnings)

    assert definition.question("why").labels == {"en": "Why?"}
    assert {p.kind for p in warnings} == {"language"}
    # 2 question labels, 2 choice labels and the title (the form id): 5 cells, in each of five languages
    assert len(warnings) == 5 * 4


def test_a_form_in_one_language_with_or_other_is_written_and_read_back_to_the_same_content():
    survey, choice_rows = simple_form("select one from yes_no or_other")
    definition = parse_xlsform(workbook(survey, choice_rows, {"form_id": "f"}))

    again = parse_xlsform(definition_to_xlsform(definition))

    assert definition_hash(again) == definition_hash(definition)


def test_the_valid_form_has_no_warnings():
    warnings = []
    parse_xlsform(workbook(*valid_form()), warnings=warnings)
    assert warnings == []


def test_the_builder_labels_helper_still_gives_six_columns():
    assert len(labels("x")) == 6
    assert settings()["form_id"] == "test_form"


# --- metadata ----------------------------------------------------------------------------------------


def test_metadata_rows_are_kept_never_asked_and_written_back_at_their_rows():
    survey, choice_rows = simple_form()
    survey[:0] = [{"type": "start", "name": "start"}, {"type": "end", "name": "end"}, {"type": "imei", "name": "dev"}]
    survey.append({"type": "today", "name": "today"})
    warnings = []

    definition = parse_xlsform(workbook(survey, choice_rows, {"form_id": "f"}), warnings=warnings)

    assert [(m.name, m.type, m.row) for m in definition.metadata] == [
        ("start", "start", 2),
        ("end", "end", 3),
        ("dev", "deviceid", 4),
        ("today", "today", 7),
    ]
    assert [q.name for q in definition.questions()] == ["engaged", "why"]
    assert [line for line, _problems in grouped(warnings) if line.startswith("metadata")] == [
        "metadata kept with the form, never recorded on the web, where it would identify a device or a person "
        "(rows): deviceid (4)"  # start, end and today are recorded
    ]
    again = parse_xlsform(definition_to_xlsform(definition))
    assert definition_hash(again) == definition_hash(definition)


def test_a_definition_without_metadata_keeps_the_dictionary_and_hash_it_had():
    survey, choice_rows = simple_form()
    definition = parse_xlsform(workbook(survey, choice_rows, {"form_id": "f"}))

    assert "metadata" not in definition.to_dict()
    assert type(definition).from_dict(definition.to_dict()) == definition
