"""Open data: the public register and the published indicators as Frictionless data packages, for anyone,
from the public pages, with only public fields and the one disclosure rule."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import frictionless
import pytest

from core.db import get_session
from exports import opendata
from tests.factories import make_stakeholder
from tests.reading import page_text

pytestmark = pytest.mark.usefixtures("backend")


def _files(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _valid(tmp_path, files):
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note", "fieldName"])


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_the_register_lists_only_who_agreed_with_only_public_fields(client, session, tmp_path):
    make_stakeholder(session, name="Listed Person", email="listed@example.org", country="KE")
    make_stakeholder(session, name="Hidden Person", email="hidden@example.org", public_listing=False)

    response = client.get("/open-data/register.zip")

    assert response.status_code == 200 and response.mimetype == "application/zip"
    files = _files(response.data)
    assert set(files) == {"datapackage.json", "register.csv"}
    _valid(tmp_path, files)
    rows = _rows(files["register.csv"])
    assert [row["name"] for row in rows] == ["Listed Person"]
    assert set(rows[0]) == {"name", "organisation", "country", "country_name", "category", "category_label"}
    assert rows[0]["country"] == "KE" and rows[0]["country_name"] == "Kenya"
    assert b"example.org" not in files["register.csv"]
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["contributors"][0]["title"] == "IPBES secretariat"


def test_the_register_follows_a_withdrawn_consent_at_once(app, client, session):
    person = make_stakeholder(session, name="Changes Mind")
    assert b"Changes Mind" in _files(client.get("/open-data/register.zip").data)["register.csv"]

    person.public_listing = False
    session.add(person)
    session.commit()

    assert b"Changes Mind" not in _files(client.get("/open-data/register.zip").data)["register.csv"]


def test_the_public_pages_link_to_the_open_data(client):
    assert "/open-data/register.zip" in page_text(client.get("/registry/"))
    home = page_text(client.get("/"))
    assert "/open-data/indicators.zip" in home and "/open-data/register.zip" in home


def test_before_a_wave_is_closed_the_indicators_package_says_so(client, tmp_path):
    response = client.get("/open-data/indicators.zip")

    assert response.status_code == 200
    files = _files(response.data)
    assert set(files) == {"datapackage.json", "headline.csv"}
    _valid(tmp_path, files)
    assert _rows(files["headline.csv"]) == []
    assert "No survey wave" in json.loads(files["datapackage.json"])["description"]


def test_the_indicators_are_a_valid_package_of_the_latest_closed_waves(app, seeded, tmp_path):
    with app.test_request_context():
        content = opendata.indicators_package(get_session(), "es")

    files = _files(content)
    _valid(tmp_path, files)
    headline = _rows(files["headline.csv"])
    assert {row["group"] for row in headline} <= {
        "commitment",
        "capacity",
        "participation",
        "diversity",
        "impact",
        "communication",
    }
    assert len(headline) >= 4
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["languages"] == ["es"]
    assert len(descriptor["resources"]) == len(files) - 1


def test_the_indicators_go_through_the_disclosure_rule(app, seeded):
    app.config["AGGREGATE_THRESHOLD"] = 10**9  # every count of people is small: each card is hidden
    with app.test_request_context():
        content = opendata.indicators_package(get_session(), "en")

    headline = _rows(_files(content)["headline.csv"])
    with_people = [row for row in headline if row["base"]]
    assert with_people and all(row["value"] == "–" for row in with_people)


def _numeric_tables(files: dict[str, bytes]) -> dict[str, tuple[dict, list[dict]]]:
    """Each numeric table: (its Table Schema, its rows)."""
    descriptor = json.loads(files["datapackage.json"])
    return {
        resource["path"]: (resource["schema"], _rows(files[resource["path"]]))
        for resource in descriptor["resources"]
        if resource["path"].endswith("-data.csv")
    }


def test_the_indicator_tables_are_published_as_numbers_with_their_base(app, seeded, tmp_path):
    with app.test_request_context():
        files = _files(opendata.indicators_package(get_session(), "fr"))

    _valid(tmp_path, files)  # the types hold: frictionless reads every number column as numbers
    tables = _numeric_tables(files)
    assert tables and all(path.removesuffix("-data.csv") + ".csv" in files for path in tables)
    shares = [
        float(row[field["name"]])
        for schema, rows in tables.values()
        for field in schema["fields"]
        if field.get("description") == "Une part de 0 à 1." or field.get("description") == "A share from 0 to 1."
        for row in rows
        if row[field["name"]] not in ("", "-8")
    ]
    assert shares and all(0 <= share <= 1 for share in shares)
    assert all(schema["fields"][-1]["name"] == "base_n" for schema, _rows in tables.values())
    headline = _rows(files["headline.csv"])
    assert any(row["number"] and float(row["number"]) != 0 for row in headline)


def test_no_small_count_reaches_the_numeric_tables(app, seeded, tmp_path):
    threshold = 30
    app.config["AGGREGATE_THRESHOLD"] = threshold
    with app.test_request_context():
        files = _files(opendata.indicators_package(get_session(), "en"))

    _valid(tmp_path, files)
    tables = _numeric_tables(files)
    counts = [
        int(row[field["name"]])
        for schema, rows in tables.values()
        for field in schema["fields"]
        if field["name"] == "base_n" or field.get("description") == "A count of people."
        for row in rows
        if row[field["name"]] not in ("", "-8")
    ]
    assert counts, "the tables count people"
    assert all(count == 0 or count >= threshold for count in counts)
    suppressed = [cell for _schema, rows in tables.values() for row in rows for cell in row.values() if cell == "-8"]
    assert suppressed, "a threshold of 30 hides something in a twentieth of the demo data"
    for row in _rows(files["headline.csv"]):
        assert row["n"] in ("", "-8") or int(row["n"]) >= threshold
        if row["n"] == "-8":
            assert row["number"] == "-8" and row["value"] == "–"
