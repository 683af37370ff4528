"""A release as data catalogues read it: the Frictionless data package passes `frictionless validate`,
the DDI-Codebook 2.5 description passes the official XML schema (shipped in tests/data/ddi/), and the
Stata and SPSS syntax files carry the codebook's labels."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import frictionless
import pytest
from lxml import etree

from exports.params import ReleaseParams
from exports.service import export_release
from exports.syntax import stata_names
from tests.exports.builders import closed_wave, crowd
from tests.factories import make_response
from tests.reading import unzip

pytestmark = pytest.mark.usefixtures("backend")

DDI_SCHEMA = Path(__file__).parent.parent / "data" / "ddi" / "codebook.xsd"
DDI = {"d": "ddi:codebook:2_5"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def ddi_schema():
    # no_network: every import of the schema resolves to the shipped copies.
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(DDI_SCHEMA), parser))


def _release(app, session, fmt="csv", **options):
    wave = closed_wave(session)
    crowd(session, wave, 6)
    make_response(session, wave, {"age_band": "30_49", "roles": ["reviewer"], "years": 4})
    with app.app_context():
        release = export_release(session, ReleaseParams(wave_ids=(wave.id,), format=fmt, **options), actor_id=None)
    return wave, unzip(release)


def _validate_package(tmp_path: Path, files: dict[str, bytes]):
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return frictionless.validate(str(tmp_path / "datapackage.json"))


def test_a_csv_release_is_a_valid_data_package_with_types_codes_and_categories(app, session, tmp_path):
    wave, files = _release(app, session)

    report = _validate_package(tmp_path, files)

    assert report.valid, report.flatten(["type", "note", "fieldName"])
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["contributors"][0]["title"] == "IPBES secretariat"
    assert any(wave.name in source["title"] for source in descriptor["sources"])
    assert descriptor["created"].endswith("Z")
    data = next(resource for resource in descriptor["resources"] if resource["name"] == "data")
    schema = data["schema"]
    assert [m["value"] for m in schema["missingValues"]] == ["-8", "-9"]
    fields = {field["name"]: field for field in schema["fields"]}
    assert fields["years"]["type"] == "integer" and fields["share"]["type"] == "number"
    assert fields["since"]["type"] == "date" and fields["respondent"]["type"] == "string"
    assert fields["roles__author"]["constraints"] == {"enum": [0, 1]}
    assert {"value": "2", "label": "Agree"} in fields["satisfied"]["categories"]
    assert fields["satisfied"]["constraints"]["enum"] == ["1", "2"]
    assert "-8" in fields["country"]["description"] and "-9" in fields["country"]["description"]
    paths = {resource["path"] for resource in descriptor["resources"]}
    assert {"codebook.json", "ddi.xml", "release.do", "release.sps"} <= paths


def test_the_validator_rejects_a_value_the_schema_does_not_list(app, session, tmp_path):
    _wave, files = _release(app, session)
    rows = list(csv.reader(io.StringIO(files["data.csv"].decode("utf-8-sig"), newline="")))
    rows[1][rows[0].index("roles__author")] = "7"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    files["data.csv"] = buffer.getvalue().encode("utf-8")

    report = _validate_package(tmp_path, files)

    assert not report.valid
    assert {error[0] for error in report.flatten(["type"])} == {"constraint-error"}


def test_the_licence_is_the_platform_setting(app, session, tmp_path):
    app.config["OPEN_DATA_LICENSE"] = "CC0-1.0"
    _wave, files = _release(app, session, fmt="xlsx")

    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["licenses"][0]["name"] == "CC0-1.0"
    data = next(resource for resource in descriptor["resources"] if resource["name"] == "data")
    assert data["path"] == "data.xlsx" and data["schema"]["fields"]
    assert "release.do" not in files  # syntax files read a CSV release
    assert _validate_package(tmp_path, files).valid


def test_the_ddi_codebook_is_valid_ddi_2_5_with_files_variables_categories_and_missing_codes(app, session, ddi_schema):
    wave, files = _release(app, session, lang="fr")

    document = etree.fromstring(files["ddi.xml"])

    assert ddi_schema.validate(document), [str(e) for e in ddi_schema.error_log][:5]
    assert document.get("version") == "2.5"
    dates = document.findall(".//d:stdyDscr//d:sumDscr/d:collDate", DDI)
    assert {d.get("event") for d in dates} == {"start", "end"}
    assert "k" in document.findtext(".//d:method/d:dataProcessing", namespaces=DDI)
    assert document.findtext(".//d:fileDscr//d:caseQnty", namespaces=DDI) == "7"
    variables = document.findall(".//d:dataDscr/d:var", DDI)
    assert document.findtext(".//d:fileDscr//d:varQnty", namespaces=DDI) == str(len(variables))
    satisfied = next(v for v in variables if v.get("name") == "satisfied")
    labels = {label.get(XML_LANG): label.text for label in satisfied.findall("d:labl", DDI)}
    assert labels["fr"] and labels["en"] == "I am satisfied"  # the release's language first, then the others
    categories = {
        c.findtext("d:catValu", namespaces=DDI): (c.get("missing"), int(c.findtext("d:catStat", namespaces=DDI)))
        for c in satisfied.findall("d:catgry", DDI)
    }
    assert categories["-9"] == ("Y", 1) and categories["-8"][0] == "Y"
    assert sum(n for _missing, n in categories.values()) == 7
    agree = next(c for c in satisfied.findall("d:catgry", DDI) if c.findtext("d:catValu", namespaces=DDI) == "2")
    agree_labels = {label.get(XML_LANG): label.text for label in agree.findall("d:labl", DDI)}
    assert agree_labels["en"] == "Agree" and agree_labels["fr"] and agree_labels["fr"] != "Agree"
    years = next(v for v in variables if v.get("name") == "years")
    stats = {s.get("type"): s.text for s in years.findall("d:sumStat", DDI)}
    assert stats["vald"] == "7" and stats["invd"] == "0" and "mean" in stats


def test_a_sav_release_describes_its_numeric_codes(app, session, ddi_schema):
    _wave, files = _release(app, session, fmt="sav")

    document = etree.fromstring(files["ddi.xml"])

    assert ddi_schema.validate(document), [str(e) for e in ddi_schema.error_log][:5]
    country = next(v for v in document.findall(".//d:var", DDI) if v.get("name") == "country")
    values = [c.findtext("d:catValu", namespaces=DDI) for c in country.findall("d:catgry", DDI)]
    assert values[0] == "1" and values[-2:] == ["-8", "-9"]


def test_the_stata_and_spss_syntax_label_variables_and_values(app, session):
    _wave, files = _release(app, session)
    do = files["release.do"].decode("utf-8")
    sps = files["release.sps"].decode("utf-8")

    assert 'import delimited using "data.csv"' in do
    assert 'label variable satisfied `"I am satisfied"\'' in do
    assert "label define L" in do and "label values satisfied" in do
    assert "mvdecode years, mv(-8=.a \\ -9=.b)" in do
    assert "GET DATA /TYPE=TXT /FILE='data.csv'" in sps
    assert "satisfied 'I am satisfied'" in sps
    assert "MISSING VALUES years (-8, -9)." in sps
    assert "'2' 'Agree'" in sps


def test_stata_names_fit_stata():
    names = stata_names(["respondent", "a" * 40, "a" * 40 + "b", "2nd", "_n", "v3", "with-dash"])

    assert names["respondent"] == "respondent"
    assert all(len(name) <= 32 and name[0].isalpha() for name in names.values())
    assert len(set(names.values())) == 7
    assert names["v3"] != "v3" and names["with-dash"] == "with_dash"


@pytest.mark.skipif(shutil.which("pspp") is None, reason="GNU PSPP (Debian package pspp) runs the SPSS syntax")
def test_pspp_runs_the_spss_syntax_with_labels_and_missing_values(app, session, tmp_path):
    _wave, files = _release(app, session)
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    script = files["release.sps"].decode("utf-8") + "FREQUENCIES VARIABLES=satisfied years.\n"
    (tmp_path / "run.sps").write_text(script, encoding="utf-8")

    result = subprocess.run(
        ["pspp", "run.sps", "-o", "out.txt"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0 and "error" not in result.stdout + result.stderr, result.stdout + result.stderr
    output = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "Agree" in output and "Not answered" in output and "Years of involvement" in output


@pytest.mark.parametrize("fmt", ["xlsx", "parquet", "sav"])
def test_a_release_in_another_format_has_its_table_schema_and_validates(app, session, tmp_path, fmt):
    from tests.exports.sav_reader import register

    register()  # frictionless reads XLSX and Parquet itself; SAV through pyreadstat
    _wave, files = _release(app, session, fmt=fmt)

    report = _validate_package(tmp_path, files)

    assert report.valid, report.flatten(["type", "note", "fieldName"])
    descriptor = json.loads(files["datapackage.json"])
    data = next(resource for resource in descriptor["resources"] if resource["name"] == "data")
    assert data["type"] == "table" and data["path"].endswith(f".{fmt}")
    fields = {field["name"]: field for field in data["schema"]["fields"]}
    assert fields["years"]["type"] == "integer" and fields["share"]["type"] == "number"
    assert [m["value"] for m in data["schema"]["missingValues"]] == ["-8", "-9"]
    if fmt == "sav":  # a category is stored as its numeric code, labelled
        assert fields["satisfied"]["type"] == "integer"
        assert {"value": 2, "label": "Agree"} in fields["satisfied"]["categories"]
    else:
        assert {"value": "2", "label": "Agree"} in fields["satisfied"]["categories"]
