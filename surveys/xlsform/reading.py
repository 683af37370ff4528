"""Reading an XLSForm workbook into a Definition: `parse_xlsform`."""

from __future__ import annotations

from io import BytesIO

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from surveys.definition import Definition
from surveys.xlsform.choices import parse_choices
from surveys.xlsform.columns import CHOICE_COLUMNS, SETTINGS_COLUMNS, SURVEY_COLUMNS, TRANSLATED
from surveys.xlsform.problems import FormProblem, XLSFormError
from surveys.xlsform.pyxform_check import pyxform_problems
from surveys.xlsform.settings import parse_settings
from surveys.xlsform.sheets import read_sheet
from surveys.xlsform.survey import SurveyReader


def parse_xlsform(data: bytes, filename: str = "form.xlsx") -> Definition:
    """The Definition of an XLSForm workbook (.xlsx); XLSFormError lists every problem found."""
    problems: list[FormProblem] = []
    if not filename.lower().endswith(".xlsx"):
        raise XLSFormError([FormProblem("", 0, "", _l("upload the form as an Excel workbook (.xlsx)"))])
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 -- openpyxl raises many kinds on a damaged file
        raise XLSFormError(
            [
                FormProblem(
                    "", 0, "", _l("this is not a readable .xlsx workbook (%(error)s)", error=type(error).__name__)
                )
            ]
        ) from error
    try:
        sheets = {name: book[name] for name in ("survey", "choices", "settings") if name in book.sheetnames}
        if "survey" not in sheets:
            raise XLSFormError([FormProblem("survey", 0, "", _l("the workbook has no sheet named survey"))])
        survey = read_sheet(sheets["survey"], SURVEY_COLUMNS, TRANSLATED, problems)
        choices_sheet = (
            read_sheet(sheets["choices"], CHOICE_COLUMNS, ("label",), problems) if "choices" in sheets else None
        )
        settings_sheet = (
            read_sheet(sheets["settings"], SETTINGS_COLUMNS, ("form_title",), problems)
            if "settings" in sheets
            else None
        )
    finally:
        book.close()
    choices = parse_choices(choices_sheet, problems)
    settings = parse_settings(settings_sheet, problems)
    pages = SurveyReader(survey, choices, problems).read()
    if not pages and not problems:
        problems.append(FormProblem("survey", 2, "", _l("the form has no questions")))
    if not problems:
        problems.extend(pyxform_problems(data, settings))
    if problems:
        raise XLSFormError(
            sorted(
                problems,
                key=lambda p: (
                    ("settings", "survey", "choices").index(p.sheet)
                    if p.sheet in ("settings", "survey", "choices")
                    else -1,
                    p.row,
                ),
            )
        )
    return Definition(
        form_id=settings.form_id,
        version=settings.version,
        titles=settings.titles,
        pages=tuple(pages),
        choices=choices.lists,
        default_language=settings.default_language,
    )
