"""Reading an export of past responses: CSV or XLSX, as LimeSurvey, SurveyMonkey, KoboToolbox or
REDCap write them, or a plain spreadsheet.

LimeSurvey's VV files (two header rows: texts, then codes) are read by their codes, their escapes undone.
`read_export` gives the file's description (`SourceFile`) and its rows. Each row is a dict of
column key -> cell text (stripped; empty cells left out) plus the reserved key `ROW` holding the
row number a spreadsheet shows for it (as text), so a problem can name the very cell.

Column keys are the headers as read, repaired and made unique: mis-encoded headers ("CÃ´te") are
repaired by a cp1252/latin-1 round trip; a header that repeats gets " (2)", " (3)"...; a
SurveyMonkey export's two header rows are joined as "question | choice" (its "Response" and
"Open-Ended Response" sub-headers name the question's own column). CSV encodings (UTF-8 with or
without BOM, UTF-16, cp1252) and delimiters (comma, semicolon, tab, pipe) are detected and stated.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain

from flask_babel import lazy_gettext as _l

from core.imports.tables import MAX_COLUMNS, MAX_ROWS, TableError, xlsx_records
from core.text import clean_label, strip_control
from surveys.response_import.plan import SourceFile

ROW = "#row"  # reserved key of every row: its row number in the file, as text
MB = 1024 * 1024
MAX_EXPORT_BYTES = 100 * MB  # an export of 100,000 rows of 130 columns is larger than an upload of the registry
DELIMITERS = (",", ";", "\t", "|")
SURVEYMONKEY_SUBHEADERS = ("response", "open-ended response")

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"

# Columns an export tool adds by itself, by shape (compared after `header_key`).
LIMESURVEY_COLUMNS = {
    "id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr", "refurl",
    "token", "response id", "date submitted", "last page", "start language", "date started", "date last action",
    "ip address", "referrer url",
}  # fmt: skip
SURVEYMONKEY_COLUMNS = {
    "respondent id", "collector id", "start date", "end date", "ip address", "email address", "first name",
    "last name", "custom data 1", "custom data",
}  # fmt: skip
KOBO_COLUMNS = {
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "_tags",
    "_index", "__version__", "meta/instanceid", "start", "end", "today", "deviceid", "meta/rootuuid",
}  # fmt: skip
# LimeSurvey's VV file ("vvexport_<id>.csv"): tab-separated, the questions' texts over their codes; a
# missing value written `{question_not_shown}`, braces, line breaks and tabs escaped.
VV = "limesurvey_vv"
VV_EMPTY = "{question_not_shown}"
VV_ESCAPES = (("{newline}", "\n"), ("{cr}", "\r"), ("{tab}", "\t"), ("{lbrace}", "{"))  # {lbrace} last
REDCAP_COLUMNS = {"record_id", "redcap_survey_identifier", "record id", "survey identifier", "redcap_data_access_group"}
_LIMESURVEY_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\[[A-Za-z0-9_]+\]$")
_REDCAP_CHECKBOX = re.compile(r"^[a-z][a-z0-9_]*___[A-Za-z0-9_]+$")
# Letters that show in UTF-8 text read as cp1252 or latin-1 ("CÃ´te", "â€™", "Ã©").
_MOJIBAKE = re.compile(
    "[ÃÂâÐÑØÙ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


def header_key(text: str) -> str:
    """How headers are compared: no case, single spaces."""
    return " ".join(str(text or "").split()).casefold()


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while a file's rows are built (100,000 rows of dicts are
    otherwise scanned again and again, a third of the time), and restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_export(content: bytes, file_name: str) -> tuple[SourceFile, list[dict[str, str]]]:
    """The export's description and rows (see the module's docstring); raises `TableError`."""
    with paused_gc():
        return _read_export(content, file_name)


def sniff(content: bytes) -> None:
    """Refuse at once, without reading it, a file too large, empty or in the old Excel format
    (cheap enough for the upload's own request; the rest is read by a job). Raises `TableError`."""
    if len(content) > MAX_EXPORT_BYTES:
        raise TableError(_l("The file is larger than %(size)s MB.", size=MAX_EXPORT_BYTES // MB))
    if not content[:65536].strip() and not content.strip():
        raise TableError(_l("The file is empty."))
    if content.startswith(OLE_MAGIC):
        raise TableError(_l("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or as CSV UTF-8."))


def _read_export(content: bytes, file_name: str) -> tuple[SourceFile, list[dict[str, str]]]:
    sniff(content)
    encoding = delimiter = None
    if content.startswith(XLSX_MAGIC):
        records = _xlsx(content)
    else:
        text, encoding = decode(content)
        delimiter = detect_delimiter(text)
        records = _csv(text, delimiter)
    first, records = _first_rows(records)
    shape = detect_shape(first)
    header_rows = 2 if shape in ("surveymonkey", VV) else 1
    named = first[1:2] if shape == VV else first[:header_rows]  # VV: the codes, not the texts above them
    headers = [repair_mojibake(h) for h in _joined_headers(named)]
    columns = unique_keys(headers)
    data = chain(first[header_rows:], records)
    rows = _rows(_vv_cells(data) if shape == VV else data, columns, headers)
    source = SourceFile(
        file_name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        columns=tuple(columns),
        headers=tuple(headers),
        encoding=encoding,
        delimiter=delimiter,
        shape=shape,
        rows=len(rows),
        identical_columns=identical_columns(columns, rows),
        repaired_headers=tuple((raw, fixed) for raw, fixed in zip(_joined_headers(named), headers) if raw != fixed),
    )
    return source, rows


# --- decoding ---------------------------------------------------------------------------------


def decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: "utf-8" (with or without BOM), "utf-16" (by its
    BOM, or by the zero bytes of ASCII text without one) or "cp1252" (else latin-1 for the five
    bytes cp1252 leaves undefined, named "cp1252" all the same: they are control characters)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(content, "utf-16"), "utf-16"
    head = content[:2000]
    if head and head.count(b"\x00") * 4 >= len(head):
        return _utf16(content, "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"), "utf-16"
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "cp1252"


def _utf16(content: bytes, codec: str) -> str:
    try:
        return content.decode(codec)
    except UnicodeDecodeError:
        raise TableError(_l("The file is not a readable CSV table (row %(row)s).", row=1)) from None


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most columns and the next lines into as many."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", 0
    for candidate in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=candidate)]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        score = counts[0] * 10 + sum(1 for count in counts if count == counts[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


def repair_mojibake(text: str) -> str:
    """`text` with UTF-8 read as cp1252 or latin-1 undone ("CÃ´te d'Ivoire" -> "Côte d'Ivoire"),
    at most twice (text mis-read twice); unchanged when a round trip does not give valid UTF-8."""
    for _ in range(2):
        if not _MOJIBAKE.search(text):
            break
        for codec in ("cp1252", "latin-1"):
            try:
                text = text.encode(codec).decode("utf-8")
                break
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        else:
            break
    return text


# --- records ----------------------------------------------------------------------------------

Record = tuple[int, dict[int, str]]


def _csv(text: str, delimiter: str) -> Iterator[Record]:
    if "\x00" in text:
        raise TableError(_l("The file is not a CSV or XLSX table."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > MAX_COLUMNS:
                raise TableError(_l("The file has more than %(count)s columns.", count=MAX_COLUMNS))
            yield (
                number,
                {
                    i: value
                    for i, cell in enumerate(cells)
                    # most cells: nothing to normalise but the ends
                    if cell and (value := cell.strip() if cell.isascii() and cell.isprintable() else _cell(cell))
                },
            )
    except csv.Error:
        raise TableError(_l("The file is not a readable CSV table (row %(row)s).", row=reader.line_num)) from None


def _cell(text: str) -> str:
    return clean_label(strip_control(text))


def _xlsx(content: bytes) -> Iterator[Record]:
    for number, cells, _formulas in xlsx_records(content):
        yield number, {i: value for i, text in cells.items() if (value := _cell(text))}


def _first_rows(records: Iterator[Record]) -> tuple[list[Record], Iterator[Record]]:
    """The first two non-empty records (the header, and a second header row or the first data row),
    and the records after them."""
    first: list[Record] = []
    for record in records:
        if record[1]:
            first.append(record)
            if len(first) == 2:
                break
    if not first:
        raise TableError(_l("The file is empty."))
    return first, records


def detect_shape(first: list[Record]) -> str:
    """Which tool wrote the export, by its header row(s)."""
    header = {header_key(v) for v in first[0][1].values()}
    second = {header_key(v) for v in first[1][1].values()} if len(first) > 1 else set()
    if {"id", "submitdate"} <= second and second & {"lastpage", "startlanguage"}:
        return VV
    if second & set(SURVEYMONKEY_SUBHEADERS):
        return "surveymonkey"
    if header & {"_uuid", "_submission_time", "_index", "_id"} or any(h.count("/") and " " not in h for h in header):
        return "kobotoolbox"
    if header & REDCAP_COLUMNS or any(_REDCAP_CHECKBOX.match(h) for h in header):
        return "redcap"
    if header & LIMESURVEY_COLUMNS or any(_LIMESURVEY_CODE.match(h) for h in header):
        return "limesurvey"
    return "plain"


def _vv_cells(records: Iterable[Record]) -> Iterator[Record]:
    """A LimeSurvey VV file's cells as written: `{question_not_shown}` (no value) left out, and the
    escapes LimeSurvey writes ({lbrace}, {newline}, {cr}, {tab}, a leading {quote}) undone."""
    for number, cells in records:
        decoded = {}
        for i, cell in cells.items():
            if cell == VV_EMPTY:
                continue
            if "{" in cell:
                cell = re.sub(r"^\{quote\}", '"', cell)
                for escape, text in VV_ESCAPES:
                    cell = cell.replace(escape, text)
                cell = cell.strip()
            if cell:
                decoded[i] = cell
        yield number, decoded


def _joined_headers(header_rows: list[Record]) -> list[str]:
    """The header text of each column; with two header rows (SurveyMonkey), "question | choice",
    a question's text carried over the empty cells to its right."""
    width = max(max(cells) for _n, cells in header_rows) + 1
    if len(header_rows) == 1:
        return [header_rows[0][1].get(i, "") for i in range(width)]
    top, sub = header_rows[0][1], header_rows[1][1]
    headers, question = [], ""
    for i in range(width):
        question = top.get(i) or question
        choice = sub.get(i, "")
        if not choice or header_key(choice) in SURVEYMONKEY_SUBHEADERS or top.get(i) == choice:
            headers.append(top.get(i) or question)
        else:
            headers.append(f"{question} | {choice}")
    return headers


def unique_keys(headers: Iterable[str]) -> list[str]:
    """A unique key per column: its header (or "column N" when empty), with " (2)"... for repeats."""
    keys: list[str] = []
    seen: set[str] = {ROW}
    for number, header in enumerate(headers, start=1):
        base = header or f"column {number}"
        key, count = base, 1
        while header_key(key) in seen:
            count += 1
            key = f"{base} ({count})"
        seen.add(header_key(key))
        keys.append(key)
    return keys


def _rows(records: Iterable[Record], columns: list[str], headers: list[str]) -> list[dict[str, str]]:
    """The data rows; a value right of the last header gets a column of its own ("column N", no
    header), added to `columns` and `headers`, so nothing in the file goes unseen."""
    rows: list[dict[str, str]] = []
    for number, cells in records:
        if not cells:
            continue
        if len(rows) >= MAX_ROWS:
            raise TableError(_l("The file has more than %(count)s rows.", count=MAX_ROWS))
        if max(cells) >= len(columns):
            _widen(columns, headers, max(cells) + 1)
        row = {columns[i]: value for i, value in cells.items()}
        row[ROW] = str(number)
        rows.append(row)
    return rows


def _widen(columns: list[str], headers: list[str], width: int) -> None:
    taken = {header_key(key) for key in columns}
    while len(columns) < width:
        key = unique_keys([""] * (len(columns) + 1))[-1]
        while header_key(key) in taken:
            key += "+"
        columns.append(key)
        headers.append("")
        taken.add(header_key(key))


def identical_columns(columns: list[str], rows: list[dict[str, str]]) -> tuple[tuple[str, str], ...]:
    """Pairs of columns (first, later) whose every cell is equal, columns of fewer than two values aside.
    Columns are compared in full only when their first 100 rows agree."""
    head = rows[:100]
    by_head: dict[tuple, list[str]] = {}
    for key in columns:
        by_head.setdefault(tuple(row.get(key, "") for row in head), []).append(key)
    pairs = []
    for keys in by_head.values():
        if len(keys) < 2:
            continue
        first_with: dict[tuple, str] = {}
        for key in keys:
            content = tuple(row.get(key, "") for row in rows)
            if len(set(content) - {""}) < 2:  # empty, or one value throughout (0/1 columns never ticked): no note
                continue
            if content in first_with:
                pairs.append((first_with[content], key))
            else:
                first_with[content] = key
    return tuple(sorted(pairs, key=lambda pair: columns.index(pair[1])))
