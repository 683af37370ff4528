"""Tables out to CSV and XLSX, safe to open in a spreadsheet.

A cell that begins with = + - @, a tab or a carriage return would be read as a formula by
spreadsheet programs (CSV injection); such text is prefixed with an apostrophe. In XLSX every
text cell is also stored explicitly as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    # A byte-order mark so spreadsheet programs read UTF-8 (Arabic, Chinese, accents) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "data") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(fmt: str, header: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "data") -> tuple[bytes, str]:
    """(content, mimetype) for fmt 'csv' or 'xlsx'."""
    if fmt == "xlsx":
        return to_xlsx(header, rows, sheet_title), XLSX_MIMETYPE
    if fmt == "csv":
        return to_csv(header, rows), CSV_MIMETYPE
    raise ValueError(f"unknown format {fmt!r}")
