"""Uploaded tables in: CSV (UTF-8, comma or semicolon) and XLSX (first sheet) as rows of text.

Every row keeps its spreadsheet row number (the header is normally row 1), so a validation
report can send the reader to the very cell. Column names are compared without case and
surrounding spaces. Anything unreadable becomes a `TableError` with a message fit to show.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


class TableError(ValueError):
    """A file that cannot be read as a table; `message` is a (lazy) translated sentence."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def column_key(name) -> str:
    """How column names are compared: no case, no surrounding spaces."""
    return " ".join(str(name or "").split()).casefold()


@dataclass
class Row:
    number: int  # the row number a spreadsheet shows
    values: dict[str, str]  # column key -> cell text (stripped)
    overflow: bool = False  # non-empty cells beyond the header's columns

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class Table:
    header: list[str]  # column names as written in the file
    header_row: int
    rows: list[Row] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [column_key(name) for name in self.header]


def read_table(content: bytes) -> Table:
    """The table in an uploaded file, recognised by its content (not by its name)."""
    if len(content) > MAX_BYTES:
        raise TableError(_l("The file is larger than %(size)s MB.", size=MAX_BYTES // (1024 * 1024)))
    if not content.strip():
        raise TableError(_l("The file is empty."))
    if content.startswith(XLSX_MAGIC):
        records = _xlsx_records(content)
    elif content.startswith(OLE_MAGIC):
        raise TableError(_l("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or as CSV UTF-8."))
    else:
        records = _csv_records(content)
    return _table(records)


def _table(records: Iterator[tuple[int, list[str]]]) -> Table:
    table: Table | None = None
    width = 0
    for number, cells in records:
        if not any(cells):
            continue
        if table is None:
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise TableError(_l("The file has more than %(count)s columns.", count=MAX_COLUMNS))
            keys = [column_key(c) for c in cells]
            seen = set()
            for name, key in zip(cells, keys):
                if key and key in seen:
                    raise TableError(_l("The column %(name)s appears twice in the first row.", name=name))
                seen.add(key)
            table, width = Table(header=cells, header_row=number), len(cells)
            continue
        if len(table.rows) >= MAX_ROWS:
            raise TableError(_l("The file has more than %(count)s rows.", count=MAX_ROWS))
        keys = table.keys
        values = {keys[i]: cells[i] for i in range(min(width, len(cells))) if keys[i]}
        table.rows.append(Row(number=number, values=values, overflow=any(cells[width:])))
    if table is None:
        raise TableError(_l("The file is empty."))
    if not table.rows:
        raise TableError(_l("The file has column names but no rows below them."))
    return table


# --- CSV ----------------------------------------------------------------------------------


def _csv_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(
            _l('The file is not UTF-8 text. In your spreadsheet program, save it as "CSV UTF-8" or as .xlsx.')
        ) from None
    if "\x00" in text:
        raise TableError(_l("The file is not a CSV or XLSX table."))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [c.strip() for c in cells]
    except csv.Error:
        raise TableError(_l("The file is not a readable CSV table (row %(row)s).", row=reader.line_num)) from None


def _delimiter(text: str) -> str:
    """Comma or semicolon: whichever splits the first line into more columns (comma on a tie)."""
    first = next(iter(text.splitlines()), "")
    counts = {}
    for candidate in (",", ";"):
        try:
            counts[candidate] = len(next(csv.reader([first], delimiter=candidate), []))
        except csv.Error:
            counts[candidate] = 0
    return ";" if counts[";"] > counts[","] else ","


# --- XLSX ---------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def _xlsx_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged zip or workbook, whatever openpyxl raises
        raise TableError(_l("The file is not a readable XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            raise TableError(_l("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        try:
            # Read-only sheets yield every row from row 1, empty ones included: the count is the row number.
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v) for v in values[: MAX_COLUMNS + 1]]
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError):
            raise TableError(_l("The file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()
