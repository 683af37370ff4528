"""What the dashboard hands out: tables as CSV and XLSX a spreadsheet cannot be tricked by, the
view as the plenary HTML report, and text people typed shown as text, never as markup."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json

from openpyxl import load_workbook
from sqlmodel import select

from surveys.models import InstrumentVersion, Wave
from tests.dashboards.conftest import LATEST_WAVE, SECRETARIAT, as_text, components, sign_in, tables

CAPACITY = "/dashboard/group/capacity"
FORMULA = '=HYPERLINK("http://attacker.example","Lack of time")'


def _questions(definition: dict):
    for page in definition["pages"]:
        for item in page["items"]:
            yield from item.get("questions") or [item]


def relabel_first_choice(session, question: str, text: str) -> None:
    """Give the first choice of `question` this English label, in every version of every instrument."""
    for version in session.exec(select(InstrumentVersion)).all():
        definition = copy.deepcopy(version.definition)
        lists = [q["list_name"] for q in _questions(definition) if q["name"] == question]
        if not lists:
            continue
        definition["choices"][lists[0]][0]["labels"]["en"] = text
        version.definition = definition
        # Parsed definitions are kept by content hash: a changed definition is a new content.
        version.content_hash = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        session.add(version)
    session.commit()


def rename_wave(session, name: str) -> None:
    wave = session.exec(select(Wave).where(Wave.name == LATEST_WAVE)).one()
    wave.name = name
    session.add(wave)
    session.commit()


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_tables_download_as_csv_and_xlsx_that_no_spreadsheet_runs(seeded, session, client, dash):
    relabel_first_choice(session, "barriers", FORMULA)
    sign_in(client, SECRETARIAT)
    dash.open()
    shown = tables(dash.page(CAPACITY))
    index = next(i for i, table in enumerate(shown) if any(row[0] == FORMULA for row in table))

    csv_name, csv_body = dash.download_table(CAPACITY, "", index, "csv")
    xlsx_name, xlsx_body = dash.download_table(CAPACITY, "", index, "xlsx")

    assert csv_name.endswith(".csv") and xlsx_name.endswith(".xlsx")
    rows = _csv_rows(csv_body)
    expected = [
        [("'" + cell) if cell.startswith(("=", "+", "-", "@")) else cell for cell in row] for row in shown[index]
    ]
    assert rows[: len(expected)] == expected
    # The table's note travels with it: what the shares are of.
    assert rows[len(expected) :] == [[], ["Shares of respondents who ticked at least one choice."]]
    assert ["'" + FORMULA] in [row[:1] for row in rows]
    sheet = load_workbook(io.BytesIO(xlsx_body)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "'" + FORMULA]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert not any(
        isinstance(cell.value, str) and cell.value.startswith("=") for row in sheet.iter_rows() for cell in row
    )


def test_a_download_follows_the_filters_in_the_url(seeded, client, dash):
    sign_in(client, SECRETARIAT)
    dash.open()
    search = "?regional_group=AFR"
    shown = tables(dash.page("/dashboard/group/participation", search))
    index = next(i for i, table in enumerate(shown) if table[0][0] == "UN regional group")

    _name, body = dash.download_table("/dashboard/group/participation", search, index, "csv")

    assert _csv_rows(body) == shown[index]
    assert {row[0] for row in shown[index][1:]} == {"African States"}


def test_the_report_download_is_the_whole_plenary_report(seeded, client, dash):
    sign_in(client, SECRETARIAT)
    dash.open()

    name, body = dash.download_report("?regional_group=AFR")

    page = body.decode("utf-8")
    assert name.endswith(".html") and "annual-survey-2026" in name
    assert page.startswith("<!doctype html>") or page.lower().startswith("<!doctype html>")
    for group in ("commitment", "capacity", "participation", "diversity", "impact", "communication"):
        assert f'id="{group}"' in page
    assert page.count('class="plotly-graph-div"') >= 6
    assert LATEST_WAVE in page


def test_text_people_typed_is_never_markup(seeded, session, client, dash):
    rename_wave(session, "<b>x</b>")
    relabel_first_choice(session, "barriers", "<img src=x onerror=alert(1)>")
    sign_in(client, SECRETARIAT)
    dash.open()

    controls = dash.controls()
    page = dash.page(CAPACITY)
    _name, report = dash.download_report()

    # In components the wave name is a string (React renders it as text), never an element.
    wave_options = [
        option["label"]
        for dropdown in components(controls, "Dropdown")
        if dropdown["props"]["id"] == {"type": "control", "name": "wave"}
        for option in dropdown["props"]["options"]
    ]
    assert "<b>x</b> (2026)" in wave_options
    assert not list(components(controls, "B")) and not list(components(page, "Img"))
    # Plotly draws a few HTML tags in labels: the charts carry the label escaped.
    figures = json.dumps([graph["props"]["figure"] for graph in components(page, "Graph")])
    assert "<img" not in figures and "&lt;img src=x onerror=alert(1)&gt;" in figures
    assert "<img src=x onerror=alert(1)>" in [row[0] for table in tables(page) for row in table]
    # The report escapes both.
    text = report.decode("utf-8")
    assert "<b>x</b>" not in text and "<img src=x" not in text and "&lt;b&gt;x&lt;/b&gt;" in text
    assert "<b>x</b>" in as_text(controls)
