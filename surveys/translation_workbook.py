"""Translation workbooks: what the secretariat gives translators, and how their work comes back.

Two layouts of the same cells. `form` is the version written as an XLSForm
(`writing.definition_to_xlsform`) with the six language columns; the cells to fill are empty and
shaded. `languages` has one sheet per missing language (named by its code) with one row per
cell to fill: where it is, the text in the form's language and an empty translation column.

`merge_translations` takes either back. Only translation cells (label, hint, constraint_message,
required_message, choice label, form title) may change, and only where the row has that text in
another language; a text in the form's default language cannot change (the question would). Any
other difference is refused with its sheet, row and column. The merged workbook is read again,
so the result is a definition like any upload's.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from core.config import LANGUAGES
from surveys.definition import Definition
from surveys.translation_status import missing_cells
from surveys.xlsform.columns import LANGUAGE_NAMES, TRANSLATED, column_header
from surveys.xlsform.problems import FormProblem, XLSFormError
from surveys.xlsform.sheets import cell_text
from surveys.xlsform.writing import definition_to_xlsform
from surveys.xlsform_languages import read_form

SHEETS = ("survey", "choices", "settings")
KINDS = {"survey": TRANSLATED, "choices": ("label",), "settings": ("form_title",)}
# header -> (kind, language), for the translation columns the writer writes
HEADERS = {
    sheet: {column_header(kind, code): (kind, code) for kind in kinds for code in LANGUAGES}
    for sheet, kinds in KINDS.items()
}
LANGUAGE_SHEET_HEADERS = ("sheet", "row", "column", "name", "source")
TO_FILL = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
Cell = tuple[str, int, str]  # sheet, row, header


@dataclass
class Grid:
    """A sheet as text: headers in order and (row, header) -> text."""

    headers: list[str]
    cells: dict[tuple[int, str], str]
    rows: int

    def text(self, row: int, header: str) -> str:
        return self.cells.get((row, header), "")


def _grid(worksheet) -> Grid:
    values = list(worksheet.iter_rows(values_only=True))
    headers = [cell_text(value) for value in (values[0] if values else ())]
    cells = {}
    for number, row in enumerate(values[1:], start=2):
        for header, value in zip(headers, row):
            if header and cell_text(value):
                cells[number, header] = cell_text(value)
    return Grid(headers, cells, len(values))


def _grids(data: bytes) -> dict[str, Grid]:
    book = load_workbook(BytesIO(data), data_only=True)
    try:
        return {name: _grid(book[name]) for name in book.sheetnames}
    finally:
        book.close()


def to_translate(definition: Definition) -> dict[str, list[tuple[Cell, str, str]]]:
    """language -> the empty cells of the `form` layout to fill, each with its row's name and source text."""
    grids = _grids(definition_to_xlsform(definition))
    found: dict[str, list[tuple[Cell, str, str]]] = {code: [] for code in missing_cells(definition)}
    for sheet in ("settings", "survey", "choices"):  # the title first
        grid = grids[sheet]
        for row in range(2, grid.rows + 1):
            for header, (kind, code) in HEADERS[sheet].items():
                source = _source(grid, sheet, row, kind, definition.default_language)
                if code in found and source and not grid.text(row, header):
                    name = grid.text(row, "form_id" if sheet == "settings" else "name")
                    found[code].append(((sheet, row, header), name, source))
    return found


def _source(grid: Grid, sheet: str, row: int, kind: str, default: str) -> str:
    """The text of `kind` on this row to translate from: the default language's, else the first found."""
    order = (default, *(code for code in LANGUAGES if code != default))
    texts = (grid.text(row, column_header(kind, code)) for code in order)
    return next((text for text in texts if text), "")


def form_workbook(definition: Definition) -> bytes:
    """The `form` layout: the version as an XLSForm, the cells to translate empty and shaded."""
    book = load_workbook(BytesIO(definition_to_xlsform(definition)))
    for cells in to_translate(definition).values():
        for (sheet, row, header), _name, _source in cells:
            worksheet = book[sheet]
            column = [cell_text(cell.value) for cell in worksheet[1]].index(header) + 1
            worksheet.cell(row=row, column=column).fill = TO_FILL
    return _save(book)


def language_workbook(definition: Definition) -> bytes:
    """The `languages` layout: one sheet per missing language, one row per cell to translate."""
    book = Workbook()
    book.remove(book.active)
    source_name = LANGUAGE_NAMES[definition.default_language]
    for code, cells in to_translate(definition).items():
        worksheet = book.create_sheet(code)
        worksheet.append([*LANGUAGE_SHEET_HEADERS[:4], f"source ({source_name})", f"{LANGUAGE_NAMES[code]} ({code})"])
        for (sheet, row, header), name, source in cells:
            worksheet.append([sheet, row, header, name, source, None])
        worksheet.column_dimensions["E"].width = worksheet.column_dimensions["F"].width = 60
    return _save(book)


def _save(book) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def merge_translations(definition: Definition, data: bytes, filename: str = "translations.xlsx") -> Definition:
    """The definition with the translations of a returned workbook (either layout); XLSFormError if
    anything but translations changed, or if nothing was translated."""
    if not filename.lower().endswith(".xlsx"):
        raise XLSFormError([FormProblem("", 0, "", _l("upload the form as an Excel workbook (.xlsx)"))])
    try:
        uploaded = _grids(data)
    except Exception as error:  # noqa: BLE001 -- openpyxl raises many kinds on a damaged file
        message = _l("this is not a readable .xlsx workbook (%(error)s)", error=type(error).__name__)
        raise XLSFormError([FormProblem("", 0, "", message)]) from error
    base_data = definition_to_xlsform(definition)
    base = _grids(base_data)
    problems: list[FormProblem] = []
    if "survey" in uploaded:
        changes = _form_changes(base, uploaded, definition.default_language, problems)
    else:
        changes = _language_sheet_changes(base, uploaded, definition.default_language, problems)
    if not problems and not changes:
        problems.append(FormProblem("", 0, "", _l("the workbook has no new translation")))
    if problems:
        raise XLSFormError(problems)
    book = load_workbook(BytesIO(base_data))
    for (sheet, row, header), text in changes.items():
        column = base[sheet].headers.index(header) + 1
        book[sheet].cell(row=row, column=column).value = text
    return read_form(_save(book), filename)


def _allowed(base: Grid, cell: Cell, text: str, default: str) -> object | None:
    """Why this new text cannot go in this cell, or None if it is a translation."""
    sheet, row, header = cell
    kind_code = HEADERS[sheet].get(header)
    before = base.text(row, header)
    if kind_code is None:
        return _l("only translations can change: this cell was '%(before)s'", before=before)
    kind, code = kind_code
    if not text:
        return _l("a translation cannot be removed: this cell was '%(before)s'", before=before)
    if before and code == default:
        return _l("the text in the form's own language cannot change: it was '%(before)s'", before=before)
    others = (column_header(kind, other) for other in LANGUAGES if other != code)
    if not before and not any(base.text(row, other) for other in others):
        return _l("there is no text in another language to translate here")
    return None


def _form_changes(
    base: dict[str, Grid], uploaded: dict[str, Grid], default: str, problems: list[FormProblem]
) -> dict[Cell, str]:
    changes: dict[Cell, str] = {}
    for sheet in SHEETS:
        if sheet not in uploaded:
            problems.append(FormProblem(sheet, 0, "", _l("the workbook has no sheet named %(sheet)s", sheet=sheet)))
            continue
        old, new = base[sheet], uploaded[sheet]
        order = {header: index for index, header in reversed(list(enumerate([*old.headers, *new.headers])))}
        for row, header in sorted(set(old.cells) | set(new.cells), key=lambda cell: (cell[0], order[cell[1]])):
            text = new.text(row, header)
            if text == old.text(row, header):
                continue
            why = _allowed(old, (sheet, row, header), text, default)
            if why is None:
                changes[sheet, row, header] = text
            else:
                problems.append(FormProblem(sheet, row, header, why))
    return changes


def _language_sheet_changes(
    base: dict[str, Grid], uploaded: dict[str, Grid], default: str, problems: list[FormProblem]
) -> dict[Cell, str]:
    changes: dict[Cell, str] = {}
    sheets = [name for name in uploaded if name in LANGUAGES]
    if not sheets:
        problems.append(
            FormProblem("", 0, "", _l("the workbook has neither a survey sheet nor a sheet named by a language code"))
        )
    for code in sheets:
        grid = uploaded[code]
        translation = grid.headers[5] if len(grid.headers) > 5 else ""
        if tuple(grid.headers[:4]) != LANGUAGE_SHEET_HEADERS[:4] or not translation:
            problems.append(FormProblem(code, 1, "", _l("the header row was changed")))
            continue
        for row in range(2, grid.rows + 1):
            text = grid.text(row, translation)
            if text:
                _language_row(base, grid, code, row, text, default, changes, problems)
    return changes


def _language_row(base, grid: Grid, code: str, row: int, text: str, default: str, changes, problems) -> None:
    sheet, number, header = grid.text(row, "sheet"), grid.text(row, "row"), grid.text(row, "column")
    target = base.get(sheet) if sheet in SHEETS else None
    if target is None or not number.isdigit() or HEADERS[sheet].get(header, ("", ""))[1] != code:
        problems.append(FormProblem(code, row, "", _l("this row does not name a cell of the form to translate")))
        return
    why = _allowed(target, (sheet, int(number), header), text, default)
    if why is not None:
        problems.append(FormProblem(code, row, grid.headers[5], why))
    else:
        changes[sheet, int(number), header] = text
