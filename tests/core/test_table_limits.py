"""Limits on uploaded tables (issue 18): hostile XLSX files built here with openpyxl and zipfile edits.

The reading tests need no database; the upload tests run the stakeholder import on both backends.
"""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from datetime import datetime
from datetime import time as dtime

import pytest
from openpyxl import Workbook

from core.imports import tables
from core.imports.tables import TableError, read_table
from tests.stakeholders.test_importing import IMPORT_URL, problems, stakeholder_rows
from tests.uploads import upload

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edit_member(content: bytes, name: str, change) -> bytes:
    """The workbook with one member's text changed by `change`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(data.decode()).encode() if info.filename == name else data)
    return buffer.getvalue()


def test_a_declared_dimension_smaller_than_the_data_loses_no_row():
    content = workbook_bytes([["email", "name"], ["a@x.org", "A"], ["b@x.org", "B"], ["c@x.org", "C"]])
    content = edit_member(content, SHEET, lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:B1"', xml))
    assert '<dimension ref="A1:B1"' in zipfile.ZipFile(io.BytesIO(content)).read(SHEET).decode()
    table = read_table(content)
    assert [row.get("email") for row in table.rows] == ["a@x.org", "b@x.org", "c@x.org"]


def test_a_row_numbered_two_billion_is_refused_at_once():
    content = workbook_bytes([["email"], ["a@x.org"]])
    far = '<row r="2000000000"><c r="A2000000000" t="inlineStr"><is><t>x</t></is></c></row>'
    content = edit_member(content, SHEET, lambda xml: xml.replace("</sheetData>", far + "</sheetData>"))
    assert len(content) < 10_000
    started = time.monotonic()
    with pytest.raises(TableError):
        read_table(content)
    assert time.monotonic() - started < 5  # generous: it was minutes, until killed


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_UNPACKED", 1024 * 1024)
    content = workbook_bytes([["email"]] + [["a" * 30_000]] * 100)  # 3 MB of text, a few KB packed
    assert len(content) < 100_000
    with pytest.raises(TableError, match="unpacks to more than"):
        read_table(content)


def test_an_xlsx_that_lies_about_its_unpacked_size_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_UNPACKED", 1024 * 1024)
    content = bytearray(workbook_bytes([["email"]] + [["a" * 30_000]] * 100))
    # Declare 100 bytes for the sheet in the central directory (and its local header).
    for match in re.finditer(rb"PK\x01\x02", bytes(content)):
        start = match.start()
        name_length = struct.unpack_from("<H", content, start + 28)[0]
        if bytes(content[start + 46 : start + 46 + name_length]).decode() == SHEET:
            struct.pack_into("<I", content, start + 24, 100)
            local = struct.unpack_from("<I", content, start + 42)[0]
            struct.pack_into("<I", content, local + 22, 100)
    with pytest.raises(TableError):
        read_table(bytes(content))


def test_a_formula_without_a_saved_value_and_a_headerless_value_are_noted_by_column():
    content = workbook_bytes([["email", None, "name"], ["a@x.org", "stray", "A", "=1+1", "far"]])
    row = read_table(content).rows[0]
    assert row.get("email") == "a@x.org" and row.get("name") == "A"
    notes = [(column, str(message)) for column, message in row.notes]
    assert notes == [
        ("D", str(tables.FORMULA_WITHOUT_VALUE)),
        ("B", str(tables.HEADERLESS)),
        ("E", str(tables.HEADERLESS)),
    ]


def test_rows_beyond_the_limit_stop_the_reading(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    monkeypatch.setattr(tables, "MAX_RECORDS", 6)
    read_table(workbook_bytes([["email"], ["a"], ["b"], ["c"]]))
    with pytest.raises(TableError, match="more than 3 rows"):
        read_table(workbook_bytes([["email"], ["a"], ["b"], ["c"], ["d"]]))
    blank_rows = "".join(f'<row r="{n}"/>' for n in range(3, 20))
    content = edit_member(
        workbook_bytes([["email"], ["a"]]), SHEET, lambda xml: xml.replace("</sheetData>", blank_rows + "</sheetData>")
    )
    with pytest.raises(TableError):
        read_table(content)


def test_an_upload_reports_the_rows_past_the_dimension_and_the_formula_cells(client, secretariat, session):
    rows = stakeholder_rows()
    rows[1][1] = "=A2"  # a formula the file never calculated
    content = workbook_bytes(rows)
    content = edit_member(content, SHEET, lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:B2"', xml))
    response = upload(client, IMPORT_URL, "stakeholders", content, name="list.xlsx")
    assert response.status_code == 200
    found = problems(response)
    assert ("2", "B", str(tables.FORMULA_WITHOUT_VALUE)) in found
    assert f"{len(rows) - 1} rows" in response.get_data(as_text=True) or str(len(rows) - 1) in response.get_data(
        as_text=True
    )


def _spread_out(sheet):
    sheet["C3"], sheet["D3"], sheet["E3"] = "email", "when", "n"
    sheet["C5"], sheet["D5"], sheet["E5"] = "a@x.org", datetime(2024, 1, 2), 3.0
    sheet["C6"], sheet["D6"], sheet["E6"], sheet["F6"] = "b@x.org", datetime(2024, 1, 2, 3, 4), "=1/0", True
    sheet["C7"], sheet["D7"], sheet["E7"] = 0.1, dtime(3, 4), 12345678901
    sheet["D9"], sheet["G12"] = "=A1", "=B2"  # formula-only rows, the last beyond every value


def _records(records) -> list:
    return [record for record in records if record[1] or record[2]]


def test_calamine_reads_what_the_xml_order_parser_reads():
    workbook = Workbook()
    _spread_out(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    assert tables._scan(zipfile.ZipFile(io.BytesIO(content)).read(SHEET)) is not None  # calamine reads it
    assert _records(tables._xlsx_records(content)) == _records(tables._parsed_records(content))
    assert _records(tables._xlsx_records(content))[0] == (3, {2: "email", 3: "when", 4: "n"}, [])


def test_a_sparse_grid_is_read_in_xml_order_not_allocated():
    # Calamine would allocate 200 columns x 1,000,000 rows (6.4 GB) for these three cells, and abort.
    far = '<row r="1000000"><c r="GR1000000" t="inlineStr"><is><t>x</t></is></c></row>'
    content = edit_member(
        workbook_bytes([["email"], ["a@x.org"]]), SHEET, lambda xml: xml.replace("</sheetData>", far + "</sheetData>")
    )
    assert tables._scan(zipfile.ZipFile(io.BytesIO(content)).read(SHEET)) is None
    table = read_table(content)
    assert [row.number for row in table.rows] == [2, 1000000]
    assert table.rows[1].notes == [("GR", tables.HEADERLESS)]


def test_cells_under_a_prefix_or_without_a_reference_are_read_in_xml_order():
    content = workbook_bytes([["email", "name"], ["a@x.org", "A"]])
    for change in (
        lambda xml: xml.replace('<c r="B2"', "<c"),
        lambda xml: (
            xml.replace(
                "<worksheet ", '<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            )
            .replace('<c r="B2"', '<x:c r="B2"')
            .replace("</c></row></sheetData>", "</x:c></row></sheetData>")
        ),
    ):
        edited = edit_member(content, SHEET, change)
        assert tables._scan(zipfile.ZipFile(io.BytesIO(edited)).read(SHEET)) is None
        assert [row.values for row in read_table(edited).rows] == [{"email": "a@x.org", "name": "A"}]
