"""Uploaded tables in: CSV (UTF-8, comma or semicolon) and XLSX (first sheet) as rows of text.

Every row keeps its spreadsheet row number (the header is normally row 1), so a validation
report can send the reader to the very cell. Column names are compared without case and
surrounding spaces. Anything unreadable becomes a `TableError` with a message fit to show.

Limits hold while reading, not after: the file's size, an XLSX's unpacked size (declared and
actual), the number of rows and columns. An XLSX sheet is read as its XML writes it, whatever
its declared dimension; formula cells without a saved value and values under no column name
become notes on their row, by column letter.

An XLSX sheet is read by calamine (Rust) once a scan of its XML has bounded the grid calamine
builds (every cell's row and column, the number of rows, the formula cells without a value); a
sheet the scan cannot bound that way (cells without a reference, prefixed tags, a sparse grid) is
read by openpyxl's cell parser in XML order, slower but with the same result.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from xml.etree import ElementTree

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser  # its cell parser; pinned in the lock
from python_calamine import CalamineError, CalamineWorkbook

MB = 1024 * 1024
MAX_BYTES = 10 * MB  # the uploaded file
MAX_UNPACKED = 100 * MB  # an XLSX's members, unpacked
MAX_ROWS = 200_000  # data rows
MAX_RECORDS = 2 * MAX_ROWS  # rows read, blank ones included
MAX_COLUMNS = 200
MAX_ROW_NUMBER = 1_048_576  # the last row a spreadsheet has
MAX_GRID = 8_000_000  # cells of the rectangle calamine allocates (32 bytes each) for a sheet

FORMULA_WITHOUT_VALUE = _l(
    "This cell holds a formula without a saved value: open the file in a spreadsheet program, "
    "let it calculate, save it and upload it again."
)
HEADERLESS = _l("This cell has a value in a column that has no name.")

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
    notes: list[tuple[str, object]] = field(default_factory=list)  # (column letter, message) found while reading

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


# A record: the row number, its non-empty cells by 0-based column, the columns of formula cells
# that have no saved value.
Record = tuple[int, dict[int, str], list[int]]


def read_table(content: bytes) -> Table:
    """The table in an uploaded file, recognised by its content (not by its name)."""
    if len(content) > MAX_BYTES:
        raise TableError(_l("The file is larger than %(size)s MB.", size=MAX_BYTES // MB))
    if not content.strip():
        raise TableError(_l("The file is empty."))
    if content.startswith(XLSX_MAGIC):
        records = _xlsx_records(content)
    elif content.startswith(OLE_MAGIC):
        raise TableError(_l("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or as CSV UTF-8."))
    else:
        records = _csv_records(content)
    return _table(records)


def xlsx_records(content: bytes) -> Iterator[Record]:
    """Every row of an XLSX workbook's first sheet as a record (row number, non-empty cells by
    0-based column, formula columns without a value), header rows included and nothing checked
    about column names: for readers that take their own headers (two header rows, repeated names).
    The same limits hold as for `read_table`, but the file's size, which the caller bounds."""
    return _xlsx_records(content)


def _header(number: int, cells: dict[int, str]) -> Table:
    width = max(cells) + 1
    if width > MAX_COLUMNS:
        raise TableError(_l("The file has more than %(count)s columns.", count=MAX_COLUMNS))
    header = [cells.get(i, "") for i in range(width)]
    seen = set()
    for name in header:
        key = column_key(name)
        if key and key in seen:
            raise TableError(_l("The column %(name)s appears twice in the first row.", name=name))
        seen.add(key)
    return Table(header=header, header_row=number)


def _row(table: Table, keys: list[str], number: int, cells: dict[int, str], formulas: list[int]) -> Row:
    row = Row(number=number, values={keys[i]: v for i, v in cells.items() if i < len(keys) and keys[i]})
    for i in sorted(formulas):
        row.notes.append((get_column_letter(i + 1), FORMULA_WITHOUT_VALUE))
    for i in sorted(cells):
        if i >= len(keys) or not keys[i]:
            row.notes.append((get_column_letter(i + 1), HEADERLESS))
    return row


def _table(records: Iterator[Record]) -> Table:
    table: Table | None = None
    keys: list[str] = []
    for count, (number, cells, formulas) in enumerate(records, start=1):
        if count > MAX_RECORDS:  # blank rows count too: they cost reading time all the same
            raise TableError(_l("The file has more than %(count)s rows.", count=MAX_ROWS))
        if not cells and not formulas:
            continue
        if table is None:
            if cells:
                table = _header(number, cells)
                keys = table.keys
            continue
        if len(table.rows) >= MAX_ROWS:
            raise TableError(_l("The file has more than %(count)s rows.", count=MAX_ROWS))
        table.rows.append(_row(table, keys, number, cells, formulas))
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
            yield number, {i: text for i, cell in enumerate(cells[: MAX_COLUMNS + 1]) if (text := cell.strip())}, []
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


def _check_archive(content: bytes) -> zipfile.ZipFile:
    """Refuse a workbook that unpacks to more than MAX_UNPACKED bytes, by the sizes its zip
    declares and by the bytes actually unpacked (read in chunks, never all at once)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
        too_large = TableError(
            _l("The workbook unpacks to more than %(size)s MB: split it into smaller files.", size=MAX_UNPACKED // MB)
        )
        if sum(member.file_size for member in members) > MAX_UNPACKED:
            raise too_large
        unpacked = 0
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(1024 * 1024):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED:
                        raise too_large
    except TableError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise TableError(_l("The file is not a readable XLSX workbook.")) from None
    return archive


class _CellParser(WorkSheetParser):
    """openpyxl's own cell parser (types, shared strings, dates), which also marks formula cells
    that have no saved value instead of reading them as empty."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["data_type"] = "formula"
        return cell


def _sheet_records(workbook, sheet) -> Iterator[Record]:
    # openpyxl's read-only rows trust the sheet's declared <dimension> (rows and columns beyond
    # it are dropped) and pad every missing row (a row numbered 2,000,000,000 means two billion
    # empty rows): read the rows as the sheet's XML writes them, with openpyxl's cell parser.
    with sheet._get_source() as source:
        parser = _CellParser(
            source,
            workbook.shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, row in parser.parse():
            if not 1 <= number <= MAX_ROW_NUMBER:
                raise TableError(_l("The file is not a readable XLSX workbook (row %(row)s).", row=number))
            cells, formulas = {}, []
            for cell in row:
                column = cell["column"] - 1
                if column > MAX_COLUMNS:
                    raise TableError(_l("The file has more than %(count)s columns.", count=MAX_COLUMNS))
                if cell["data_type"] == "formula":
                    formulas.append(column)
                elif text := _cell_text(cell["value"]):
                    cells[column] = text
            yield number, cells, formulas


def _parsed_records(content: bytes) -> Iterator[Record]:
    """The first worksheet's rows in XML order, through openpyxl's cell parser (the slow, sure way)."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged zip or workbook, whatever openpyxl raises
        raise TableError(_l("The file is not a readable XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            raise TableError(_l("The workbook has no sheet."))
        try:
            yield from _sheet_records(workbook, workbook.worksheets[0])
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError, SyntaxError):
            raise TableError(_l("The file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()


def _xlsx_records(content: bytes) -> Iterator[Record]:
    archive = _check_archive(content)
    sheet = _first_worksheet(archive)
    grid = _scan(archive.read(sheet[1])) if sheet is not None else None
    if grid is None:
        yield from _parsed_records(content)
    else:
        yield from _grid_records(content, sheet[0], grid)


# --- XLSX through calamine, once a scan has bounded the grid -------------------------------

_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REFERENCE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,10})"')
_CELL_TAGS = tuple(b"<c" + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
_ROW_TAGS = tuple(b"<row" + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
_FORMULA_TAGS = (b"<f>", b"<f ", b"<f/>")
# A tag under a prefix (<x:c ...>) is one calamine reads and the scan does not count.
_PREFIXED = tuple(b":" + name + end for name in (b"c", b"row", b"f") for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


@dataclass
class _Grid:
    """What a scan of a sheet's XML found: the first row that has a cell and the formula cells
    without a saved value, by row (0-based columns)."""

    first_row: int
    formulas: dict[int, list[int]]


def _first_worksheet(archive: zipfile.ZipFile) -> tuple[str, str] | None:
    """(name, member) of the workbook's first worksheet, as openpyxl counts them; None when unsure."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return None
    targets = {
        link.get("Id"): link.get("Target", "")
        for link in links.iter(_RELATIONSHIPS)
        if link.get("Type", "").endswith("/worksheet")
    }
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_RELATIONSHIP_ID))
        if target is not None and sheet.get("name"):
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return (sheet.get("name"), member) if member in archive.namelist() else None
    return None


def _scan(xml: bytes) -> _Grid | None:
    """Bound the grid calamine would build from this sheet, refusing what the XML-order reader
    refuses too; None when the sheet is to be read in XML order instead."""
    references = _CELL_REFERENCE.findall(xml)
    if sum(xml.count(tag) for tag in _CELL_TAGS) != len(references) or any(tag in xml for tag in _PREFIXED):
        return None  # a cell without its reference first, or tags under a prefix
    if sum(xml.count(tag) for tag in _ROW_TAGS) > MAX_RECORDS:
        raise TableError(_l("The file has more than %(count)s rows.", count=MAX_ROWS))
    if not references:
        return _Grid(1, {})
    numbers = {int(number) for number in {number for _letters, number in references}}
    if max(numbers) > MAX_ROW_NUMBER or min(numbers) < 1:
        number = max(numbers) if max(numbers) > MAX_ROW_NUMBER else min(numbers)
        raise TableError(_l("The file is not a readable XLSX workbook (row %(row)s).", row=number))
    columns = {column_index_from_string(letters.decode()) for letters in {letters for letters, _n in references}}
    if max(columns) > MAX_COLUMNS + 1:
        raise TableError(_l("The file has more than %(count)s columns.", count=MAX_COLUMNS))
    height, width = max(numbers) - min(numbers) + 1, max(columns) - min(columns) + 1
    if max(numbers) > MAX_RECORDS or height * width > MAX_GRID:
        return None  # sparse: far fewer rows in the XML than calamine's grid would hold
    return _Grid(min(numbers), _formulas_without_value(xml))


def _formulas_without_value(xml: bytes) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for tag in _FORMULA_TAGS:
        position = xml.find(tag)
        while position >= 0:
            start, end = xml.rfind(b"<c ", 0, position), xml.find(b"</c>", position)
            cell = xml[start : end if end >= 0 else len(xml)]
            reference = _CELL_REFERENCE.match(cell)
            if reference is not None and (b"<v>" not in cell or b"<v></v>" in cell):
                letters, number = reference.groups()
                found.setdefault(int(number), []).append(column_index_from_string(letters.decode()) - 1)
            position = xml.find(tag, position + 1)
    return found


def _grid_records(content: bytes, name: str, grid: _Grid) -> Iterator[Record]:
    formulas = sorted(grid.formulas.items())  # formula-only rows come in order among calamine's
    try:
        with CalamineWorkbook.from_object(io.BytesIO(content)) as workbook:
            sheet = workbook.get_sheet_by_name(name)
            first_column = sheet.start[1] if sheet.start else 0
            # calamine's rows start at the sheet's first row (empty ones above the data included), its
            # columns at the first column that has a value.
            for number, values in enumerate(sheet.iter_rows(), start=1):
                while formulas and formulas[0][0] < number:
                    yield formulas[0][0], {}, formulas.pop(0)[1]
                if number >= grid.first_row:
                    cells = {first_column + i: text for i, value in enumerate(values) if (text := _cell_text(value))}
                    yield number, cells, formulas.pop(0)[1] if formulas and formulas[0][0] == number else []
    except (CalamineError, ValueError, OSError):
        raise TableError(_l("The file is not a readable XLSX workbook.")) from None
    for number, columns in formulas:  # beyond the last row calamine read
        yield number, {}, columns
