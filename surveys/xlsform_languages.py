"""Reading a workbook that lacks some of the six languages: `read_form`.

Interim, until the XLSForm reader itself stops refusing missing languages (issue 15, item 3: the
reader's side marks those problems as not refusing). Until then `read_form` reads the workbook;
if the only problems are missing translations, it puts a placeholder in each of those cells,
reads it again and takes the placeholders out of the definition, which so holds only the texts
the workbook has. Once the reader accepts such forms, the first read succeeds and the rest is
never used; `read_form` can then become `parse_xlsform`.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from io import BytesIO

from openpyxl import load_workbook

from surveys.definition import Definition
from surveys.xlsform.problems import FormProblem, XLSFormError
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.sheets import cell_text

MISSING = "the %(kind)s is missing in %(language)s"  # the reader's message for a missing translation
PLACEHOLDER = "__translation_missing__"


def is_missing_translation(problem: FormProblem) -> bool:
    if getattr(problem, "kind", None) == "language":
        return True
    arguments = getattr(problem.message, "_args", ())  # a lazy string keeps its message id
    return bool(arguments) and arguments[0] == MISSING


def read_form(data: bytes, filename: str = "form.xlsx") -> Definition:
    """The definition of a workbook, whose texts may lack languages; XLSFormError for any other problem."""
    try:
        return parse_xlsform(data, filename)
    except XLSFormError as error:
        missing = [problem for problem in error.problems if is_missing_translation(problem)]
        if not missing:
            raise
        others = [problem for problem in error.problems if not is_missing_translation(problem)]
        if others:  # missing translations are not a reason to refuse: only the other problems are
            raise XLSFormError(others) from None
    return _without_placeholders(parse_xlsform(_filled(data, missing), filename))


def _filled(data: bytes, problems: list[FormProblem]) -> bytes:
    book = load_workbook(BytesIO(data))
    for problem in problems:
        worksheet = book[problem.sheet]
        headers = [cell_text(cell.value) for cell in worksheet[1]]
        if problem.column in headers:
            column = headers.index(problem.column) + 1
        else:
            column = len(headers) + 1
            worksheet.cell(row=1, column=column).value = problem.column
        worksheet.cell(row=problem.row, column=column).value = PLACEHOLDER
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _without_placeholders(value):
    if is_dataclass(value):
        return replace(
            value, **{field.name: _without_placeholders(getattr(value, field.name)) for field in fields(value)}
        )
    if isinstance(value, tuple):
        return tuple(_without_placeholders(item) for item in value)
    if isinstance(value, dict):
        return {key: _without_placeholders(item) for key, item in value.items() if item != PLACEHOLDER}
    return value
