"""English-only XLSForms and filled-in translation workbooks, for the translation tests."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from surveys.translation_workbook import to_translate
from tests.surveys import xlsform_builder as xb


def english_only(row: dict | None) -> dict | None:
    """The row without its language columns other than English."""
    if row is None:
        return None
    return {key: value for key, value in row.items() if "::" not in key or key.endswith("(en)")}


def english_form() -> bytes:
    """`xlsform_builder.valid_form` with its texts in English only."""
    survey, choice_rows, setting = xb.valid_form()
    return xb.workbook(
        [english_only(row) for row in survey], [english_only(row) for row in choice_rows], english_only(setting)
    )


def translated(text: str, code: str) -> str:
    return f"[{code}] {text}"


def fill_form_layout(definition, data: bytes, languages=None) -> bytes:
    """The `form` translation workbook with its empty cells filled (for `languages`, default all)."""
    book = load_workbook(BytesIO(data))
    for code, cells in to_translate(definition).items():
        if languages is not None and code not in languages:
            continue
        for (sheet, row, header), _name, source in cells:
            worksheet = book[sheet]
            headers = [cell.value for cell in worksheet[1]]
            worksheet.cell(row=row, column=headers.index(header) + 1).value = translated(source, code)
    return save(book)


def fill_language_layout(data: bytes, languages) -> bytes:
    """The `languages` translation workbook with the sheets of `languages` filled."""
    book = load_workbook(BytesIO(data))
    for code in languages:
        worksheet = book[code]
        for row in range(2, worksheet.max_row + 1):
            worksheet.cell(row=row, column=6).value = translated(worksheet.cell(row=row, column=5).value, code)
    return save(book)


def save(book) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()
