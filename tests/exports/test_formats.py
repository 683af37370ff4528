"""The data file in each format: codes, labels, and cells no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from exports import writers
from exports.params import ReleaseParams
from exports.service import export_release
from tests.exports.builders import closed_wave, crowd, export_definition
from tests.factories import make_instrument_version, make_open_link, make_response
from tests.reading import read_csv, unzip

pytestmark = pytest.mark.usefixtures("backend")

INJECTIONS = ['=HYPERLINK("evil","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTabbed", "\rReturn"]


def hostile_wave(session):
    """Answers and a network name that a spreadsheet would run as formulas."""
    version = make_instrument_version(session, definition=export_definition(choice_label="=1+1"), code="export-test")
    wave = closed_wave(session, version=version)
    link = make_open_link(session, wave=wave, network="=cmd network")
    for i in range(12):
        make_response(
            session,
            wave,
            {"satisfied": "2", "comments": INJECTIONS[i % len(INJECTIONS)], "years": -3 + i, "since": date(2020, 1, 1)},
            link=link,
            commit=False,
        )
    session.commit()
    return wave


def release(app, session, wave, fmt, **options):
    with app.app_context():
        return export_release(session, ReleaseParams(wave_ids=(wave.id,), format=fmt, k=3, **options), actor_id=None)


def test_csv_cells_that_look_like_formulas_are_neutralised(app, session):
    wave = hostile_wave(session)
    files = unzip(release(app, session, wave, "csv", free_text=True))

    rows = read_csv(files["data.csv"])
    comments = {row["comments"] for row in rows}
    assert comments == {"'" + text for text in INJECTIONS}
    assert {row["network"] for row in rows} == {"'=cmd network"}
    assert {row["years"] for row in rows} >= {"-3", "-1", "0"}  # numbers stay numbers, minus sign and all
    codebook = list(csv.reader(io.StringIO(files["codebook.csv"].decode("utf-8-sig"), newline="")))
    network = next(line for line in codebook if line[1] == "network")
    assert "'=cmd network" in network
    for line in codebook:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in line), line


def test_xlsx_stores_text_as_text_and_neutralises_formulas(app, session):
    wave = hostile_wave(session)
    files = unzip(release(app, session, wave, "xlsx", free_text=True))

    sheet = load_workbook(io.BytesIO(files["data.xlsx"])).active
    header = [cell.value for cell in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 12
    for row in rows:
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
                assert not cell.value.startswith(("=", "+", "@", "\t", "\r")), cell.value
    comments = {row[header.index("comments")].value for row in rows}
    assert comments == {"'" + text.replace("\r", "\n") for text in INJECTIONS}  # XML reads CR back as LF
    assert {row[header.index("network")].value for row in rows} == {"'=cmd network"}
    years = [row[header.index("years")].value for row in rows]
    assert years[:4] == [-3, -2, -1, 0] and all(isinstance(v, int) for v in years)
    assert rows[0][header.index("satisfied")].value == "2"  # a choice name stays text


def test_xlsx_rows_built_column_wise_are_what_xlsxwriter_writes_cell_by_cell():
    """The release's rows are built column by column (fast); XlsxWriter's own cell writers give the same sheet."""
    texts = ["x", "'=1+1", None, "a_x000D_b", " padded ", "l1\r\nl2", '&<>"', "é中文", "\x07bell", "x" * 40_000, "-9"]
    frame = pd.DataFrame(
        {
            "text": pd.Series(texts, dtype=object),
            "number": [1.5, 2.0, None, 3.0, 0.1, 1e20, 1 / 3, -7.0, 0.0, 12345678901.0, -9.0],
            "integer": pd.Series([1, None, 3, 4, 5, 6, 7, 8, 9, 10, -9], dtype="Int64"),
            "flag": [True, False] * 5 + [True],
            "label": pd.Series(["agree", "disagree", None] * 3 + ["agree", "-8"], dtype="string"),
        }
    )
    fast, slow = (
        zipfile.ZipFile(io.BytesIO(write(frame))) for write in (writers.to_xlsx, writers._to_xlsx_cell_by_cell)
    )
    assert fast.namelist() == slow.namelist()
    for name in fast.namelist():
        assert fast.read(name) == slow.read(name), name
    read = [list(row) for row in load_workbook(io.BytesIO(writers.to_xlsx(frame))).active.iter_rows(values_only=True)]
    assert read[0] == ["text", "number", "integer", "flag", "label"]
    assert read[5] == [" padded ", 0.1, 5, True, "disagree"] and read[10][0] == "x" * 32_767


def test_xlsx_text_that_looks_like_rich_text_xml_stays_text():
    content = writers.to_xlsx(pd.DataFrame({"comments": ["<r><t>bold</t></r>", "plain"]}))
    assert [row[0] for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)] == [
        "comments",
        "<r><t>bold</t></r>",
        "plain",
    ]


def test_parquet_keeps_numbers_numeric_and_codes_distinct(app, session):
    wave = closed_wave(session)
    crowd(session, wave, 5)
    make_response(session, wave, {"age_band": "30_49"})
    files = unzip(release(app, session, wave, "parquet"))

    frame = pd.read_parquet(io.BytesIO(files["data.parquet"]))
    assert len(frame) == 6
    assert str(frame["years"].dtype) == "int64" and frame["years"].tolist() == [5] * 5 + [-9]
    assert frame["share"].tolist() == [12.5] * 5 + [-9.0]
    assert frame["roles__author"].tolist() == [1] * 5 + [-9]
    assert frame["satisfied"].tolist() == ["2"] * 5 + ["-9"]
    assert frame["since"].tolist() == ["2020-05-17"] * 5 + ["-9"]


def test_sav_carries_variable_labels_value_labels_and_user_missing_codes(app, session):
    wave = closed_wave(session)
    crowd(session, wave, 5)
    make_response(session, wave, {"age_band": "30_49"})
    files = unzip(release(app, session, wave, "sav", lang="fr"))

    with_missing, meta = _read_sav(files["data.sav"], user_missing=True)
    assert meta.column_names_to_labels["satisfied"] == "[fr] I am satisfied"
    label = meta.column_names_to_labels["roles__author"]  # French typography puts a space before ":"
    assert label.startswith("[fr] Your roles") and label.endswith("[fr] Author")
    satisfied = meta.variable_value_labels["satisfied"]
    assert satisfied[-8.0] and satisfied[-9.0]
    book = json.loads(files["codebook.json"])
    entry = next(v for v in book["variables"] if v["name"] == "satisfied")
    code = next(value["code"] for value in entry["values"] if value["value"] == "2")
    assert satisfied[float(code)] == "[fr] Agree"
    assert with_missing["satisfied"].tolist() == [float(code)] * 5 + [-9.0]
    assert meta.variable_value_labels["roles__author"][1.0]  # "Selected"
    assert {tuple(r.values()) for r in meta.missing_ranges["years"]} == {(-8.0, -8.0), (-9.0, -9.0)}
    assert meta.column_names_to_labels["country"] and meta.variable_value_labels["country"]
    country_labels = set(meta.variable_value_labels["country"].values())
    assert "Kenya" in country_labels
    without, _meta = _read_sav(files["data.sav"], user_missing=False)
    assert without["years"].isna().tolist() == [False] * 5 + [True]  # SPSS treats -9 as missing


def _read_sav(content: bytes, user_missing: bool):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.sav"
        path.write_bytes(content)
        return pyreadstat.read_sav(str(path), user_missing=user_missing)


def test_the_codebook_page_escapes_every_label_and_reads_right_to_left_in_arabic(app, session):
    version = make_instrument_version(
        session, definition=export_definition(choice_label="<script>alert(1)</script>"), code="export-test"
    )
    wave = closed_wave(session, version=version)
    link = make_open_link(session, wave=wave, network="<b>Net</b>")
    for _ in range(5):
        make_response(session, wave, {"satisfied": "2"}, link=link)
    files = unzip(release(app, session, wave, "csv", lang="ar"))

    page = files["codebook.html"].decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>Net</b>" not in page and "&lt;b&gt;Net&lt;/b&gt;" in page
    report = files["disclosure_report.html"].decode()
    assert 'dir="rtl"' in report and "<script" not in report


def test_spss_names_are_valid_and_distinct():
    from exports.writers import sav_names

    names = sav_names(["by", "to_do", "1st_choice", "x" * 70, "x" * 70 + "y", "Comments", "comments", "q-a"])

    assert names["by"] == "v_by" and names["to_do"] == "to_do"
    assert names["1st_choice"] == "v_1st_choice" and names["q-a"] == "q_a"
    assert len(names["x" * 70]) == 64 and len(names["x" * 70 + "y"]) == 64
    assert len({name.upper() for name in names.values()}) == len(names)
