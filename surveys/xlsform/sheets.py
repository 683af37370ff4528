"""A sheet of the workbook as rows of text, with the checks every sheet shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from core.config import LANGUAGES
from core.text import clean_label
from surveys.definition import Labels
from surveys.xlsform.columns import LANGUAGE_NAMES, NO, TRANSLATED_HEADER, YES, column_header
from surveys.xlsform.problems import FormProblem


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number, header -> text); blank rows left out
    translated: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> code -> header

    def header(self, kind: str, code: str) -> str:
        return self.translated.get(kind, {}).get(code) or column_header(kind, code)

    def texts(self, cells: dict[str, str], kind: str) -> Labels:
        return {
            code: cells.get(header, "")
            for code, header in self.translated.get(kind, {}).items()
            if cells.get(header, "")
        }


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


def read_sheet(worksheet, known: tuple[str, ...], kinds: tuple[str, ...], problems: list[FormProblem]) -> Sheet:
    """The sheet's rows; a non-empty cell in a column we do not support is a problem (once per column)."""
    worksheet.reset_dimensions()  # some spreadsheet programs record a wrong sheet size
    rows = worksheet.iter_rows(values_only=True)
    headers = [cell_text(value) for value in next(rows, ())]
    sheet = Sheet(worksheet.title, headers, [])
    unsupported: dict[str, str] = {}  # header -> why
    for header in headers:
        if not header or header in known:
            continue
        match = TRANSLATED_HEADER.match(header)
        if match and match["kind"] in kinds:
            if match["code"] in LANGUAGES:
                sheet.translated.setdefault(match["kind"], {})[match["code"]] = header
            else:
                unsupported[header] = str(
                    _l(
                        "the language code %(code)s is not one of %(codes)s",
                        code=match["code"],
                        codes=", ".join(LANGUAGES),
                    )
                )
        elif header in kinds:
            unsupported[header] = str(
                _l("name the language in the header, e.g. %(example)s", example=column_header(header, "en"))
            )
        else:
            unsupported[header] = str(_l("this column is not supported"))
    reported: set[str] = set()
    for number, values in enumerate(rows, start=2):
        cells = {header: cell_text(value) for header, value in zip(headers, values) if header}
        if not any(cells.values()):
            continue
        for header, why in unsupported.items():
            if cells.get(header) and header not in reported:
                reported.add(header)
                problems.append(FormProblem(sheet.name, number, header, why))
        sheet.rows.append((number, cells))
    return sheet


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
    """The texts of `kind` in the six languages: all of them, or (if not required) none at all."""
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
                    )
                )
    return {code: texts[code] for code in LANGUAGES if code in texts}
