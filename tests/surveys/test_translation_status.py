"""A form in fewer than six languages is read, and what it lacks is counted per language and sheet."""

from __future__ import annotations

import pytest

from surveys import translation_status
from surveys.xlsform.problems import XLSFormError
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform_languages import read_form
from tests.factories import make_definition
from tests.surveys import xlsform_builder as xb
from tests.surveys.translation_helpers import english_form, english_only

OTHERS = ("ar", "es", "fr", "ru", "zh")


def test_an_english_only_form_is_read_with_its_english_texts():
    definition = read_form(english_form())
    assert definition.question("country").labels == {"en": "Country"}
    assert definition.titles == {"en": "Test form"}
    assert definition.choices["agree"][0].labels == {"en": "1"}


def test_missing_texts_are_counted_per_language_and_sheet():
    definition = read_form(english_form())
    # survey: 3 group labels, 12 question labels, a hint and a constraint message; 18 choices; the title
    expected = {"survey": 17, "choices": 18, "settings": 1}
    assert translation_status.missing_cells(definition) == dict.fromkeys(OTHERS, expected)
    assert translation_status.missing_totals(definition) == dict.fromkeys(OTHERS, 36)
    assert not translation_status.is_complete(definition)


def test_a_form_in_six_languages_lacks_nothing():
    assert translation_status.is_complete(parse_xlsform(xb.workbook(*xb.valid_form())))
    assert translation_status.missing_cells(make_definition()) == {}


def test_a_text_in_one_language_counts_and_an_absent_hint_does_not():
    survey, choice_rows, setting = xb.valid_form()
    survey[0][xb.col("hint", "en")] = "Where you live"  # a hint in English only: five to translate
    definition = read_form(xb.workbook(survey, choice_rows, setting))
    assert translation_status.missing_totals(definition) == dict.fromkeys(OTHERS, 1)
    assert definition.question("country").hints == {"en": "Where you live"}


def test_a_language_missing_in_some_rows_only_is_counted_there():
    survey, choice_rows, setting = xb.valid_form()
    del survey[1][xb.col("label", "fr")]
    del choice_rows[0][xb.col("label", "ar")]
    definition = read_form(xb.workbook(survey, choice_rows, setting))
    assert translation_status.missing_cells(definition) == {
        "ar": {"survey": 0, "choices": 1, "settings": 0},
        "fr": {"survey": 1, "choices": 0, "settings": 0},
    }


def test_other_problems_still_refuse_the_form_without_the_language_lines():
    survey, choice_rows, setting = xb.valid_form()
    survey = [english_only(row) for row in survey]
    survey[0]["type"] = "select_one nowhere"
    with pytest.raises(XLSFormError) as caught:
        read_form(xb.workbook(survey, [english_only(row) for row in choice_rows], english_only(setting)))
    assert [(p.sheet, p.row, p.column) for p in caught.value.problems] == [("survey", 2, "type")]
