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
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyreadstat
import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from analysis.disclosure import NOT_ANSWERED_CODE, SUPPRESSED_CODE
from core.tabular import neutralise
from exports.build import NOT_ANSWERED_TEXT, SUPPRESSED_TEXT, Variable
from exports.labels import ValueLabels

EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "parquet": "parquet", "sav": "sav"}
FIXED_TIME = datetime(2000, 1, 1)  # workbook properties: no build time in the file
SAV_LABEL_LENGTH = 250  # SPSS truncates longer variable labels
SAV_NAME = re.compile(r"^[A-Za-z@][A-Za-z0-9_.@#$]{0,63}$")
MISSING_TEXTS = frozenset({SUPPRESSED_TEXT, NOT_ANSWERED_TEXT})
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


def to_csv(table: pd.DataFrame) -> bytes:
    safe = _safe_text(table)
    safe.columns = [neutralise(str(column)) for column in table.columns]
    buffer = io.BytesIO()
    # A byte-order mark so spreadsheet programs read UTF-8 (Arabic, Chinese, accents) correctly.
    buffer.write("\ufeff".encode("utf-8"))
    pacsv.write_csv(
        pa.Table.from_pandas(safe, preserve_index=False), buffer, pacsv.WriteOptions(quoting_style="needed", eol="\r\n")
    )
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


def _xlsx_writer(sheet, values: pd.Series):
    """The sheet's method for a column's cells: text as text (never a number, date or formula), numbers as numbers."""
    if _is_text(values):
        return sheet.write_string
    if pd.api.types.is_bool_dtype(values):
        return sheet.write_boolean
    if pd.api.types.is_numeric_dtype(values):
        return sheet.write_number
    return sheet.write  # anything else (a release has none) by XlsxWriter's own type dispatch


def to_xlsx(table: pd.DataFrame) -> bytes:
    """XlsxWriter in constant-memory mode: each row goes to a temporary file as soon as it is complete."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    workbook.set_properties({"created": FIXED_TIME})
    sheet = workbook.add_worksheet("data")
    for column, name in enumerate(table.columns):
        sheet.write_string(0, column, neutralise(str(name)))
    writers = [_xlsx_writer(sheet, table[name]) for name in table.columns]
    columns = [_xlsx_column(table[name]) for name in table.columns]
    for row, cells in enumerate(zip(*columns), start=1):
        for column, (write, value) in enumerate(zip(writers, cells)):
            if value is not None:
                write(row, column, value)
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
