"""From an import row to the values of an input model, and from the model's problems back to the row's
columns. The rules themselves live in the models (the domain packages' `schemas.py`): a value a form
refuses is refused in a file too.

Works on any row reader with `row.get(column)`, `kind.columns` (each with `name`, `required`,
`vocabulary`, `multiple`), `present` (the columns the file has) and `problem(column, message)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from core.problem_messages import message
from core.problems import Problem

SEPARATOR = ";"  # between the values of a multi-valued cell


def cell_value(column, text: str):
    """A cell as a model takes it: codes from codes or English labels (an unknown value is left as
    written, for the model to report it); anything else as written."""
    if column.vocabulary is None or not text:
        return text
    if column.multiple:
        parts = [part.strip() for part in text.split(SEPARATOR) if part.strip()]
        return [column.vocabulary.parse(part) or part for part in parts]
    return column.vocabulary.parse(text) or text


def row_values(cells, fields: Mapping[str, str] | None = None, *, skip: Iterable[str] = ()) -> dict:
    """The row's values by model field (`fields` maps a column to its field where they differ).

    Only the cells the row fills, so that on an update an empty cell keeps the recorded value, and
    the empty cells of required columns, so that the model says a value is required. Columns in
    `skip` are left to the caller.
    """
    fields, skip = fields or {}, set(skip)
    values = {}
    for column in cells.kind.columns:
        if column.name in skip:
            continue
        text = cells.row.get(column.name)
        if text or (column.required and column.name in cells.present):
            values[fields.get(column.name, column.name)] = cell_value(column, text)
    return values


def report(cells, problems: Iterable[Problem], columns: Mapping[str, str] | None = None) -> None:
    """The problems, in the reader's language, under their columns (`columns` maps a model field to
    its column where they differ). A value missing from a column the file lacks is not reported
    again: the header already says the column is missing."""
    columns = columns or {}
    for problem in problems:
        column = columns.get(problem.field, problem.field)
        if problem.code == "required" and column not in cells.present:
            continue
        cells.problem(column, message(problem))


def report_one(cells, column: str, code: str, **params) -> None:
    report(cells, [Problem(column, code, params)])


def look_up(cells, values: dict, name: str, find: Callable[[str], object | None], code: str) -> None:
    """Replace the text of `values[name]` by what it names (`find(text)`); when it names nothing,
    report `code` under the column and leave the text (the row is refused anyway)."""
    text = values.get(name)
    if text:
        found = find(text)
        if found is None:
            report_one(cells, name, code, value=text)
        else:
            values[name] = found
