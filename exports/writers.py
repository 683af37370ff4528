"""The data file of a release in CSV, XLSX, Parquet or SPSS (SAV).

CSV and XLSX text goes through `core.tabular.neutralise`, so no spreadsheet runs a cell as a
formula, and every XLSX text cell is a text cell. They are written here rather than with
`core.tabular.to_csv`/`to_xlsx` because a release has a hundred thousand rows: Arrow writes the
CSV in C++ (pyarrow), and XlsxWriter's constant-memory mode streams the workbook row by row instead of
holding every cell.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyreadstat
import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.utility import xl_col_to_name

from analysis.disclosure import NOT_ANSWERED_CODE, SUPPRESSED_CODE
from core.tabular import neutralise
from exports.build import NOT_ANSWERED_TEXT, SUPPRESSED_TEXT, Variable
from exports.labels import ValueLabels

EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "parquet": "parquet", "sav": "sav"}
FIXED_TIME = datetime(2000, 1, 1)  # workbook properties: no build time in the file
SAV_LABEL_LENGTH = 250  # SPSS truncates longer variable labels
SAV_NAME = re.compile(r"^[A-Za-z@][A-Za-z0-9_.@#$]{0,63}$")
MISSING_TEXTS = frozenset({SUPPRESSED_TEXT, NOT_ANSWERED_TEXT})
XLSX_SHEET = "xl/worksheets/sheet1.xml"
XLSX_TEXT_MAX = 32_767  # UTF-16 units in a cell
XLSX_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")  # text Excel would read as an escaped character
XLSX_CHUNK = 2_000  # rows built at a time
CSV_CHUNK = 50_000  # rows neutralised and converted at a time
ROW_MARK = "\x00"  # stands for the row number in a cell's reference (a cell's text never holds it)
SAV_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}


def write_data(
    table: pd.DataFrame, variables: list[Variable], fmt: str
) -> tuple[bytes, dict[str, dict[str, int]], dict[str, str]]:
    """(file content, SAV codes {variable: {value: code}}, SAV names {variable: name in the file});
    the last two are empty except for SAV."""
    if fmt == "csv":
        return to_csv(table), {}, {}
    if fmt == "xlsx":
        return to_xlsx(table), {}, {}
    if fmt == "parquet":
        return to_parquet(table), {}, {}
    if fmt == "sav":
        return to_sav(table, variables)
    raise ValueError(f"unknown format {fmt!r}")


def _safe(value):
    """A text cell that no spreadsheet runs as a formula. The missing codes stay as they are: they
    begin with a minus but are plain numbers, never formulas."""
    return value if value in MISSING_TEXTS else neutralise(value)


def _safe_column(values: pd.Series) -> pd.Series:
    """`_safe` on a text column, once per distinct value (most columns hold a handful)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    safe = np.asarray([_safe(value) for value in uniques], dtype=object)
    return pd.Series(safe[codes], index=values.index, dtype=object)


def _safe_text(table: pd.DataFrame) -> pd.DataFrame:
    """Text columns neutralised against formula injection (numbers are left as numbers)."""
    return pd.DataFrame(
        {
            column: _safe_column(table[column]) if table[column].dtype == object else table[column]
            for column in table.columns
        },
        index=table.index,
    )


def _csv_schema(table: pd.DataFrame, names: list[str]) -> pa.Schema:
    """The Arrow types of the whole table, as converting it at once would infer them, without converting it:
    a text column's type from its distinct values, any other from its dtype. Every chunk is converted to
    these types, so a chunk that happens to hold no value of a column writes it as the whole table would."""
    fields = []
    for name, column in zip(names, table.columns):
        values = table[column]
        if values.dtype == object:
            sample = pd.Series(pd.unique(values), dtype=object).map(_safe)
        else:
            sample = values.iloc[:0]
        fields.append(pa.field(name, pa.array(sample, from_pandas=True).type))
    return pa.schema(fields)


def to_csv(table: pd.DataFrame) -> bytes:
    """A chunk of rows at a time (CSV_CHUNK): neutralising and Arrow's copy of the text never hold more
    than one chunk, so a release of a million rows needs little beyond its table and the file itself."""
    names = [neutralise(str(column)) for column in table.columns]
    schema = _csv_schema(table, names)
    buffer = io.BytesIO()
    # A byte-order mark so spreadsheet programs read UTF-8 (Arabic, Chinese, accents) correctly.
    buffer.write("\ufeff".encode("utf-8"))
    options = pacsv.WriteOptions(quoting_style="needed", eol="\r\n")
    with pacsv.CSVWriter(buffer, schema, write_options=options) as writer:
        for start in range(0, len(table), CSV_CHUNK):
            safe = _safe_text(table.iloc[start : start + CSV_CHUNK])
            safe.columns = names
            writer.write_table(pa.Table.from_pandas(safe, schema=schema, preserve_index=False))
    return buffer.getvalue()


def _xlsx_cell(value):
    """Control characters cannot be stored in a workbook at all; line ends become LF, as XML reads them
    (XlsxWriter would keep a CR as `_x000D_`). A neutralised leading CR stays behind its apostrophe."""
    if not isinstance(value, str):
        return None
    return _safe(ILLEGAL_CHARACTERS_RE.sub("", value)).replace("\r\n", "\n").replace("\r", "\n")


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)


def _xlsx_column(values: pd.Series) -> list:
    """A column's cells, None where there is no value: text cleaned and neutralised once per distinct
    value, numbers as they are."""
    if not _is_text(values):
        return values.astype(object).where(values.notna(), None).tolist()
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    cells = np.asarray([_xlsx_cell(value) for value in uniques], dtype=object)
    return cells[codes].tolist()


def _xlsx_kind(values: pd.Series) -> str | None:
    """How a column's cells are written: text (never a number, date or formula), booleans, numbers;
    None for anything else (a release has none)."""
    if _is_text(values):
        return "text"
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    return "number" if pd.api.types.is_numeric_dtype(values) else None


def _xlsx_string(text: str) -> str:
    """A text cell's XML after its reference, as XlsxWriter's constant-memory mode writes it: at most
    32,767 UTF-16 units, literal `_xHHHH_` escaped, whitespace kept at the ends, & < > escaped (always:
    XlsxWriter would pass a value written like `<r>...</r>` through as rich-text XML)."""
    if len(text) > XLSX_TEXT_MAX // 2 and len(text.encode("utf-16-le")) // 2 > XLSX_TEXT_MAX:
        text = text.encode("utf-16-le")[: 2 * XLSX_TEXT_MAX].decode("utf-16-le", errors="ignore")
    text = XLSX_ESCAPED.sub(r"_x005F\1", text).replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _xlsx_number(value) -> str:
    if not np.isfinite(value):
        raise ValueError("an XLSX cell cannot hold NaN or infinity")
    return f'"><v>{value:.16G}</v></c>'


def _xlsx_cells(values: pd.Series, kind: str, letter: str) -> np.ndarray:
    """Every cell of a column as XML, its row number left as ROW_MARK ("" where there is no value):
    each distinct value's XML is made once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # -1, no value, picks the "" at the end
    if kind == "text":
        endings = [_xlsx_string(text) if (text := _xlsx_cell(value)) is not None else None for value in uniques]
    elif kind == "boolean":
        endings = [f'" t="b"><v>{int(value)}</v></c>' for value in uniques]
    else:
        endings = [_xlsx_number(value) for value in uniques]
    cells = [f'<c r="{letter}{ROW_MARK}{ending}' if ending is not None else "" for ending in endings]
    return np.asarray([*cells, ""], dtype=object)[codes]


def _xlsx_rows(table: pd.DataFrame, kinds: list[str]) -> Iterator[bytes]:
    """The data rows' XML, a chunk of rows at a time: each row's cells joined, then its number put in."""
    columns = [
        _xlsx_cells(table[name], kind, xl_col_to_name(i)) for i, (name, kind) in enumerate(zip(table.columns, kinds))
    ]
    for start in range(0, len(table), XLSX_CHUNK):
        stop = min(start + XLSX_CHUNK, len(table))
        rows = zip(range(start + 2, stop + 2), zip(*(column[start:stop].tolist() for column in columns)))
        yield "".join(
            f'<row r="{number}">{"".join(cells).replace(ROW_MARK, str(number))}</row>' for number, cells in rows
        ).encode()


def to_xlsx(table: pd.DataFrame) -> bytes:
    """XlsxWriter writes the workbook with the header row; the data rows, built column-wise as its
    constant-memory mode writes them (inline strings, numbers as %.16G), go into its sheet."""
    kinds = [_xlsx_kind(table[name]) for name in table.columns]
    if None in kinds:
        return _to_xlsx_cell_by_cell(table)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    workbook.set_properties({"created": FIXED_TIME})
    sheet = workbook.add_worksheet("data")
    for column, name in enumerate(table.columns):
        sheet.write_string(0, column, neutralise(str(name)))
    workbook.close()
    if len(table) == 0 or len(table.columns) == 0:
        return buffer.getvalue()
    last = f"{xl_col_to_name(len(table.columns) - 1)}{len(table) + 1}"
    return _with_rows(buffer.getvalue(), _xlsx_rows(table, kinds), last)


def _with_rows(workbook: bytes, rows: Iterator[bytes], last: str) -> bytes:
    """The workbook with the rows after its sheet's first row and the sheet's dimension up to `last`;
    every other member as it was (names, order, times)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename != XLSX_SHEET:
                target.writestr(info, content)
                continue
            head, tail = content.split(b"</sheetData>", 1)
            head = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>'.encode(), head, count=1)
            sheet = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            sheet.compress_type, sheet._compresslevel = zipfile.ZIP_DEFLATED, 1  # compress_level from Python 3.13
            with target.open(sheet, "w") as stream:
                stream.write(head)
                for chunk in rows:
                    stream.write(chunk)
                stream.write(b"</sheetData>" + tail)
    return buffer.getvalue()


def _to_xlsx_cell_by_cell(table: pd.DataFrame) -> bytes:
    """XlsxWriter's own cell writers, one cell at a time (slow): for columns of other types."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    workbook.set_properties({"created": FIXED_TIME})
    sheet = workbook.add_worksheet("data")
    for column, name in enumerate(table.columns):
        sheet.write_string(0, column, neutralise(str(name)))
    columns = [_xlsx_column(table[name]) for name in table.columns]
    for row, cells in enumerate(zip(*columns), start=1):
        for column, value in enumerate(cells):
            if value is not None:
                (sheet.write_string if isinstance(value, str) else sheet.write)(row, column, value)
    workbook.close()
    return buffer.getvalue()


def to_parquet(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False, engine="pyarrow", compression="zstd")
    return buffer.getvalue()


def sav_names(names) -> dict[str, str]:
    """Variable names SPSS accepts (at most 64 characters, a letter first, no reserved word), unique."""
    result, taken = {}, set()
    for name in names:
        candidate = re.sub(r"[^A-Za-z0-9_.@#$]", "_", name)
        if not SAV_NAME.match(candidate) or candidate.upper() in SAV_RESERVED:
            candidate = "v_" + candidate
        candidate = candidate[:64]
        base, n = candidate, 1
        while candidate.upper() in taken:
            suffix = f"_{n}"
            candidate, n = base[: 64 - len(suffix)] + suffix, n + 1
        taken.add(candidate.upper())
        result[name] = candidate
    return result


def sav_codes(variable: Variable, values: pd.Series) -> dict[str, int]:
    """Numeric codes of a category's values: 1, 2, ... in the codebook's order, then any other value."""
    listed = [value for value, _label in variable.values]
    present = [value for value in pd.unique(values) if value not in (SUPPRESSED_TEXT, NOT_ANSWERED_TEXT)]
    ordered = listed + sorted(set(present) - set(listed))
    return {value: code for code, value in enumerate(ordered, start=1)}


def to_sav(table: pd.DataFrame, variables: list[Variable]):
    names = sav_names(table.columns)
    missing_labels = ValueLabels.missing()
    missing = {SUPPRESSED_CODE: missing_labels["suppressed"], NOT_ANSWERED_CODE: missing_labels["not_answered"]}
    data, labels, value_labels, missing_ranges, measures, codes = {}, {}, {}, {}, {}, {}
    by_name = {variable.name: variable for variable in variables}
    for column in table.columns:
        variable, name = by_name[column], names[column]
        values = table[column]
        labels[name] = variable.label[:SAV_LABEL_LENGTH]
        if variable.kind == "category":
            codes[column] = sav_codes(variable, values)
            lookup = {**codes[column], SUPPRESSED_TEXT: SUPPRESSED_CODE, NOT_ANSWERED_TEXT: NOT_ANSWERED_CODE}
            data[name] = values.map(lookup).astype(np.float64)
            label_of = dict(variable.values)
            value_labels[name] = {
                float(code): label_of.get(value, value)[:120] for value, code in codes[column].items()
            }
            measures[name] = "nominal"
        elif variable.numeric:
            data[name] = values.astype(np.float64)
            value_labels[name] = {float(int(value)): label for value, label in variable.values}
            measures[name] = "nominal" if variable.kind == "choice" else "scale"
        else:
            data[name] = values.astype(object)
            missing_ranges[name] = [SUPPRESSED_TEXT, NOT_ANSWERED_TEXT]
            measures[name] = "nominal"
            continue
        value_labels[name].update({float(code): label for code, label in missing.items()})
        missing_ranges[name] = [float(SUPPRESSED_CODE), float(NOT_ANSWERED_CODE)]
    frame = pd.DataFrame(data, index=table.index)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
            missing_ranges=missing_ranges,
            variable_measure=measures,
        )
        content = path.read_bytes()
    return content, codes, {column: names[column] for column in table.columns if names[column] != column}
