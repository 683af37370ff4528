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
