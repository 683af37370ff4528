"""A sheet of the workbook as rows of text, with the checks every sheet shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from core.config import LANGUAGES
from core.text import clean_label
from surveys.definition import Labels
from surveys.xlsform.columns import LANGUAGE_NAMES, NO, YES, Column, column_header, key, read_header
from surveys.xlsform.problems import IGNORED, LANGUAGE, FormProblem

EMPTY_ROWS_AT_THE_END = 60  # pyxform's max_adjacent_empty_rows (xls2json_backends.get_excel_rows)


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number, column key -> text); blank rows left out
    translated: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> code -> header as written
    written: dict[str, str] = field(default_factory=dict)  # column key -> header as written

    def header(self, kind: str, code: str) -> str:
        return self.translated.get(kind, {}).get(code) or column_header(kind, code)

    def texts(self, cells: dict[str, str], kind: str) -> Labels:
        return {code: cells[key(kind, code)] for code in self.translated.get(kind, {}) if cells.get(key(kind, code))}


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return clean_label(str(value))  # "male\u00a0" and "male" are one choice


def _columns(sheet: Sheet, kind: str, default_language: str, problems: list[FormProblem]) -> list[Column]:
    """What each header means; headers naming a language explicitly come before a plain `label`."""
    columns = []
    seen: dict[tuple[str, bool], str] = {}
    for header in sheet.headers:
        column = read_header(header, kind, default_language) if header else Column(header, "ignored")
        columns.append(column)
        if column.status == "read" and (column.key, _plain(column)) in seen:
            problems.append(
                FormProblem(
                    sheet.name,
                    1,
                    header,
                    _l(
                        "two columns say the same: %(first)s and %(second)s",
                        first=seen[column.key, _plain(column)],
                        second=header,
                    ),
                )
            )
            column = columns[-1] = Column(header, "ignored")
        if column.status == "read":
            seen[column.key, _plain(column)] = header
            if column.kind:
                explicit = column.header.casefold() != column.kind
                if explicit or column.language not in sheet.translated.get(column.kind, {}):
                    sheet.translated.setdefault(column.kind, {})[column.language] = header
            sheet.written.setdefault(column.key, header)
        elif column.status in ("language", "unknown") and header:
            problems.append(
                FormProblem(sheet.name, 1, header, _l("this column is left aside"), kind=IGNORED, detail=header)
            )
    return columns


def _plain(column: Column) -> bool:
    """A translated column without a language (`label`): read after those that name one."""
    return column.status == "read" and bool(column.kind) and column.header.casefold() == column.kind


def read_sheet(worksheet, kind: str, default_language: str, problems: list[FormProblem]) -> Sheet:
    """The rows of the `kind` sheet (survey, choices, settings), keyed by column; headers as pyxform reads them."""
    worksheet.reset_dimensions()  # some spreadsheet programs record a wrong sheet size
    rows = worksheet.iter_rows(values_only=True)
    headers = [cell_text(value) for value in next(rows, ())]
    sheet = Sheet(kind, headers, [])
    columns = _columns(sheet, kind, default_language, problems)
    places = sorted(range(len(headers)), key=lambda index: _plain(columns[index]))
    reported: set[str] = set()
    empty_run = 0
    for number, values in enumerate(rows, start=2):
        cells: dict[str, str] = {}
        filled = False
        for index in places:
            if index >= len(values) or values[index] is None:
                continue
            column, text = columns[index], cell_text(values[index])
            if not text:
                continue
            filled = filled or bool(column.header)
            if column.status == "read":
                cells.setdefault(column.key, text)
            elif column.status == "misspelled" and column.header not in reported:
                reported.add(column.header)
                problems.append(_misspelled(sheet.name, number, column))
            elif kind == "choices" and column.header:
                cells.setdefault(column.header, text)  # data a choice_filter may read
        if cells:
            sheet.rows.append((number, cells))
        # As pyxform: after a run of empty rows the data has ended. Styled rows below it can number
        # thousands, and reading them was most of the import time of the corpus's largest form.
        empty_run = 0 if filled else empty_run + 1
        if empty_run > EMPTY_ROWS_AT_THE_END:
            break
    return sheet


def _misspelled(sheet: str, number: int, column: Column) -> FormProblem:
    return FormProblem(
        sheet,
        number,
        column.header,
        _l("rename %(header)s to %(column)s", header=column.header, column=column.suggestion),
        detail=column.header,
    )


def flag(sheet: Sheet, number: int, cells: dict[str, str], column: str, problems: list[FormProblem]) -> bool:
    value = cells.get(column, "").casefold()
    if value in YES:
        return True
    if value not in NO:
        problems.append(
            FormProblem(
                sheet.name, number, column, _l("write yes or leave it empty, not '%(value)s'", value=cells[column])
            )
        )
    return False


def six(
    sheet: Sheet, number: int, cells: dict[str, str], kind: str, problems: list[FormProblem], required: bool = True
) -> Labels:
    """The texts of `kind` in the six languages; each one missing is a LANGUAGE warning, unless (when not
    required) none is given at all."""
    texts = sheet.texts(cells, kind)
    if texts or required:
        for code in LANGUAGES:
            if code not in texts:
                problems.append(
                    FormProblem(
                        sheet.name,
                        number,
                        sheet.header(kind, code),
                        _l(
                            "the %(kind)s is missing in %(language)s",
                            kind=kind.replace("_", " "),
                            language=LANGUAGE_NAMES[code],
                        ),
                        kind=LANGUAGE,
                        detail=code,
                    )
                )
    return {code: texts[code] for code in LANGUAGES if code in texts}
