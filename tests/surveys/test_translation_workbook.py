"""The translation workbook in its two layouts, and merging it back: only translations may change."""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from io import BytesIO

import pytest
from openpyxl import load_workbook

from surveys import translation_status
from surveys.translation_workbook import form_workbook, language_workbook, merge_translations
from surveys.xlsform.problems import XLSFormError
from surveys.xlsform_languages import read_form
from tests.surveys import xlsform_builder as xb
from tests.surveys.translation_helpers import english_form, fill_form_layout, fill_language_layout, save

OTHERS = ("ar", "es", "fr", "ru", "zh")


@pytest.fixture
def english():
    return read_form(english_form())


def problems_of(definition, data: bytes) -> list[tuple[str, int, str]]:
    with pytest.raises(XLSFormError) as caught:
        merge_translations(definition, data)
    return [(p.sheet, p.row, p.column) for p in caught.value.problems]


def english_texts(value):
    """The definition with every text reduced to its English: what must not change in a merge."""
    if is_dataclass(value):
        return replace(value, **{field.name: english_texts(getattr(value, field.name)) for field in fields(value)})
    if isinstance(value, tuple):
        return tuple(english_texts(item) for item in value)
    if isinstance(value, dict):
        if value and set(value) <= {"ar", "en", "es", "fr", "ru", "zh"}:
            return {"en": value.get("en")}
        return {key: english_texts(item) for key, item in value.items()}
    return value


def test_the_form_layout_has_six_language_columns_and_shades_the_cells_to_fill(english):
    book = load_workbook(BytesIO(form_workbook(english)))
    survey = book["survey"]
    headers = [cell.value for cell in survey[1]]
    assert {xb.col("label", code) for code in ("ar", "en", "es", "fr", "ru", "zh")} <= set(headers)
    shaded = [
        (sheet.title, cell.coordinate)
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.fill.fgColor.rgb == "00FFF2CC"
    ]
    assert len(shaded) == 36 * 5
    assert survey.cell(row=2, column=headers.index(xb.col("label", "fr")) + 1).value is None


def test_the_form_layout_filled_in_completes_the_form_and_changes_nothing_else(english):
    merged = merge_translations(english, fill_form_layout(english, form_workbook(english)))
    assert translation_status.is_complete(merged)
    assert merged.question("country").labels["fr"] == "[fr] Country"
    assert merged.choices["agree"][4].labels["zh"] == "[zh] 5"
    assert merged.titles["ar"] == "[ar] Test form"
    assert english_texts(merged) == english_texts(english)


def test_part_of_the_languages_can_come_back_at_a_time(english):
    merged = merge_translations(english, fill_form_layout(english, form_workbook(english), languages={"fr"}))
    assert set(translation_status.missing_totals(merged)) == {"ar", "es", "ru", "zh"}


def test_the_language_layout_has_one_sheet_per_missing_language_with_the_english_source(english):
    book = load_workbook(BytesIO(language_workbook(english)))
    assert book.sheetnames == list(OTHERS)
    rows = list(book["fr"].iter_rows(values_only=True))
    assert rows[0] == ("sheet", "row", "column", "name", "source (English)", "Français (fr)")
    assert rows[1] == ("settings", 2, xb.col("form_title", "fr"), "test_form", "Test form", None)
    assert len(rows) == 37


def test_the_language_layout_filled_in_merges_its_languages(english):
    data = fill_language_layout(language_workbook(english), ["fr", "ru"])
    merged = merge_translations(english, data)
    assert set(translation_status.missing_totals(merged)) == {"ar", "es", "zh"}
    assert merged.question("years").constraint_messages == {
        "en": "Between 0 and 60",
        "fr": "[fr] Between 0 and 60",
        "ru": "[ru] Between 0 and 60",
    }


def test_anything_but_a_translation_changed_is_refused_with_its_row_and_column(english):
    book = load_workbook(BytesIO(form_workbook(english)))
    survey = book["survey"]
    headers = [cell.value for cell in survey[1]]
    survey.cell(row=3, column=headers.index("name") + 1).value = "sex"
    survey.cell(row=4, column=headers.index("relevant") + 1).value = "1 = 1"
    survey.cell(row=2, column=headers.index(xb.col("label", "en")) + 1).value = "Nation"  # the source language
    survey.cell(row=2, column=headers.index(xb.col("hint", "fr")) + 1).value = "Pays"  # no hint to translate
    assert problems_of(english, save(book)) == [
        ("survey", 2, xb.col("label", "en")),
        ("survey", 2, xb.col("hint", "fr")),
        ("survey", 3, "name"),
        ("survey", 4, "relevant"),
    ]


def test_a_translation_cannot_be_removed_but_can_be_corrected():
    survey, choice_rows, setting = xb.valid_form()
    complete = read_form(xb.workbook(survey, choice_rows, setting))
    del survey[0][xb.col("label", "fr")]
    partial = read_form(xb.workbook(survey, choice_rows, setting))
    book = load_workbook(BytesIO(form_workbook(partial)))
    sheet = book["survey"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=headers.index(xb.col("label", "es")) + 1).value = "Género"  # a correction
    sheet.cell(row=2, column=headers.index(xb.col("label", "fr")) + 1).value = "Pays"
    merged = merge_translations(partial, save(book))
    assert translation_status.is_complete(merged) and complete.question("country").labels["fr"] != "Pays"
    assert merged.question("gender").labels["es"] == "Género"
    sheet.cell(row=3, column=headers.index(xb.col("label", "es")) + 1).value = None
    assert problems_of(partial, save(book)) == [("survey", 3, xb.col("label", "es"))]


def test_a_workbook_without_translations_or_of_another_shape_is_refused(english):
    assert problems_of(english, form_workbook(english)) == [("", 0, "")]
    assert problems_of(english, xb.workbook([])[:0] or b"not a workbook") == [("", 0, "")]
    with pytest.raises(XLSFormError):
        merge_translations(english, form_workbook(english), "translations.csv")
    book = load_workbook(BytesIO(language_workbook(english)))
    book["fr"]["C2"] = "name"  # no longer a translation cell of French
    book["fr"]["F2"] = "x"
    assert problems_of(english, save(book)) == [("fr", 2, "")]
