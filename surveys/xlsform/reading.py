"""Reading an XLSForm workbook into a Definition: `parse_xlsform`."""

from __future__ import annotations

from io import BytesIO
from warnings import catch_warnings, simplefilter

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from surveys.definition import Definition, Page, Repeat
from surveys.xlsform.choices import parse_choices
from surveys.xlsform.problems import TYPE, FormProblem, XLSFormError
from surveys.xlsform.pyxform_check import pyxform_problems
from surveys.xlsform.settings import PLAIN, default_language, parse_settings
from surveys.xlsform.sheets import Sheet, read_sheet
from surveys.xlsform.survey import SurveyReader


def _workbook(data: bytes, filename: str):
    if not filename.lower().endswith(".xlsx"):
        raise XLSFormError([FormProblem("", 0, "", _l("upload the form as an Excel workbook (.xlsx)"))])
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 -- openpyxl raises many kinds on a damaged file
        raise XLSFormError(
            [
                FormProblem(
                    "", 0, "", _l("this is not a readable .xlsx workbook (%(error)s)", error=type(error).__name__)
                )
            ]
        ) from error


def _sheets(data: bytes, filename: str, problems: list[FormProblem]) -> tuple[Sheet, Sheet | None, Sheet | None]:
    """The survey, choices and settings sheets (named in any case, as pyxform reads them)."""
    with catch_warnings():
        # openpyxl warns of what it leaves out of other programs' files (styles, headers and footers).
        simplefilter("ignore", UserWarning)
        return _read_sheets(data, filename, problems)


def _read_sheets(data: bytes, filename: str, problems: list[FormProblem]) -> tuple[Sheet, Sheet | None, Sheet | None]:
    book = _workbook(data, filename)
    try:
        found = {name.strip().casefold(): book[name] for name in book.sheetnames}
        if "survey" not in found:
            raise XLSFormError([FormProblem("survey", 0, "", _l("the workbook has no sheet named survey"))])
        settings = read_sheet(found["settings"], "settings", PLAIN, problems) if "settings" in found else None
        language = default_language(settings, [])
        survey = read_sheet(found["survey"], "survey", language, problems)
        choices = read_sheet(found["choices"], "choices", language, problems) if "choices" in found else None
    finally:
        book.close()
    return survey, choices, settings


def _order(problem: FormProblem) -> tuple[int, int]:
    sheets = ("settings", "survey", "choices")
    return (sheets.index(problem.sheet) if problem.sheet in sheets else -1, problem.row)


def parse_xlsform(
    data: bytes, filename: str = "form.xlsx", *, warnings: list[FormProblem] | None = None, repeats: bool = True
) -> Definition:
    """The Definition of an XLSForm workbook (.xlsx); XLSFormError lists every problem found.

    Texts missing in some of the six languages and columns left aside do not refuse a form: they
    are added to `warnings` when a list is given (see problems.py). Repeats (`begin repeat`, nested
    ones, `begin loop over LIST`) are read into `definition.Repeat` and accepted; `repeats=False`
    refuses them in one summary line, for a caller that cannot take them.
    """
    found: list[FormProblem] = []
    survey, choices_sheet, settings_sheet = _sheets(data, filename, found)
    settings = parse_settings(settings_sheet, found, filename)
    choices = parse_choices(choices_sheet, found)
    reader = SurveyReader(survey, choices, found)
    pages = reader.read()
    if not repeats:
        found.extend(_repeats_refused(pages))
    problems = sorted((p for p in found if not p.warning), key=_order)
    noted = sorted((p for p in found if p.warning), key=_order)
    if not pages and not problems:
        problems.append(FormProblem("survey", 2, "", _l("the form has no questions")))
    if not problems:
        problems.extend(pyxform_problems(data, settings))
    if problems:
        raise XLSFormError(problems, noted)
    if warnings is not None:
        warnings.extend(noted)
    return Definition(
        form_id=settings.form_id,
        version=settings.version,
        titles=settings.titles,
        pages=tuple(pages),
        choices=choices.lists,
        default_language=settings.default_language or "en",
        metadata=tuple(reader.metadata),
    )


def _repeats_refused(pages: list[Page]) -> list[FormProblem]:
    """One problem per repeat (nested ones included), counted in the summary's line of unsupported types."""
    found, pending = [], [item for page in pages for item in page.items if isinstance(item, Repeat)]
    while pending:
        repeat = pending.pop(0)
        found.append(FormProblem("survey", repeat.row, "type", _l("repeats are not supported"), TYPE, "repeat"))
        pending.extend(item for item in repeat.items if isinstance(item, Repeat))
    return found
