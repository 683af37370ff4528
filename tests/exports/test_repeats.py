"""Repeat groups in an anonymised release (issue 15): one table per repeat in the release's format, keyed
by the main table's respondent and wave plus the instance; pii and (by default) free text left out; a
member's age or sex made k-anonymous with the respondent's own quasi-identifiers; the codebook, the data
package, the DDI codebook and the syntax files describe it."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import subprocess
from pathlib import Path

import frictionless
import pandas as pd
import pyreadstat
import pytest
from lxml import etree
from openpyxl import load_workbook

from analysis.disclosure import frequencies
from exports.build import build
from exports.loading import load_source
from exports.params import ReleaseParams
from exports.repeat_loading import load_repeats
from exports.repeats import build_repeats
from exports.service import export_release
from surveys.models import Answer
from surveys.xlsform.reading import parse_xlsform
from tests.factories import make_instrument_version, make_response, make_stakeholder, make_wave
from tests.reading import SUPPRESSED, read_csv, unzip
from tests.surveys import xlsform_builder as xb

pytestmark = pytest.mark.usefixtures("backend")

DDI_SCHEMA = Path(__file__).parent.parent / "data" / "ddi" / "codebook.xsd"
DDI = {"d": "ddi:codebook:2_5"}
SURVEY = [
    xb.q("begin group", "home", "Home"),
    xb.q("select_one agree", "satisfied", "I am satisfied"),
    xb.q("integer", "size", "How many live here?"),
    xb.q("begin repeat", "member", "Household member", repeat_count="${size}"),
    xb.q("text", "member_name", "Name", pii="yes"),
    xb.q("integer", "age", "Age"),
    xb.q("select_one sexes", "sex", "Sex", quasi="yes"),
    xb.q("select_one jobs", "job", "Occupation"),
    xb.q("select_multiple tools", "tools", "Tools used"),
    xb.q("text", "remark", "Remark"),
    {"type": "end repeat"},
    xb.end(),
]
CHOICES = [
    *xb.choices("agree", "no", "yes"),
    *xb.choices("sexes", "female", "male"),
    *xb.choices("jobs", "farmer", "pupil"),
    *xb.choices("tools", "phone", "radio"),
]
# Two members per household: the first alike everywhere; the second a pupil of 12, but 97 in one household.
MEMBERS = (
    {"member_name": "Amina Odhiambo", "age": 40, "sex": "female", "job": "farmer", "tools": "phone radio"},
    {"member_name": "Baraka Odhiambo", "age": 12, "sex": "male", "job": "pupil", "tools": "radio"},
)


def _household(session, wave, *, oldest: int = 12, remark: str = "Lives near the river", size: int = 2, **profile):
    response = make_response(session, wave, {"satisfied": "yes", "size": size}, commit=False, **profile)
    for instance, member in enumerate(MEMBERS[:size], start=1):
        values = dict(member, remark=remark, age=oldest if instance == 2 else member["age"])
        for name, value in values.items():
            column = "value_number" if name == "age" else "value_text"
            session.add(Answer(response_id=response.id, question=name, instance=instance, **{column: value}))
    return response


def household_wave(session, *, alike: int = 7, size: int = 2):
    """`alike` households of Kenya, one of them with a member of 97, and one household alone in Tuvalu;
    `size` members each."""
    definition = parse_xlsform(xb.workbook(SURVEY, CHOICES, xb.settings("household")), "household.xlsx", repeats=True)
    version = make_instrument_version(session, definition=definition, code="household")
    wave = make_wave(session, version=version, name="Households 2025", year=2025, opens_in_days=-60, closes_in_days=-1)
    kenyans = [_household(session, wave, oldest=97 if i == 0 else 12, size=size) for i in range(alike)]
    alone = _household(session, wave, country="TV", size=size)
    session.commit()
    return wave, kenyans, alone


def _export(app, session, wave, fmt="csv", **options):
    with app.app_context():
        release = export_release(session, ReleaseParams(wave_ids=(wave.id,), format=fmt, **options), actor_id=None)
    return unzip(release)


def test_a_csv_release_has_a_repeat_table_that_joins_the_responses_without_personal_data(app, session):
    wave, _kenyans, _alone = household_wave(session)

    files = _export(app, session, wave)

    responses = read_csv(files["data.csv"])
    members = read_csv(files["repeat_member.csv"])
    assert len(responses) == 8 and len(members) == 16
    assert list(members[0])[:3] == ["respondent", "wave_id", "instance"]
    keys = {(row["respondent"], row["wave_id"]) for row in responses}
    assert {(row["respondent"], row["wave_id"]) for row in members} == keys
    assert sorted(row["instance"] for row in members) == ["1"] * 8 + ["2"] * 8
    text = files["repeat_member.csv"].decode("utf-8-sig")
    assert "member_name" not in members[0] and "Odhiambo" not in text  # pii never exported
    assert "remark" not in members[0] and "river" not in text  # free text left out unless asked for
    assert {"age", "sex", "job", "tools__phone", "tools__radio"} <= set(members[0])
    assert {row["job"] for row in members} == {"farmer", "pupil"}
    assert {row["tools__radio"] for row in members} == {"1"}
    assert "response_id" not in members[0] and "response_id" not in responses[0]


def test_a_members_rare_age_and_a_hidden_respondents_members_are_not_released(app, session):
    wave, _kenyans, _alone = household_wave(session)

    files = _export(app, session, wave)

    members = read_csv(files["repeat_member.csv"])
    ages = {row["age"] for row in members}
    assert "97" not in ages and {"40", "12"} <= ages  # an age only one household has is not shown
    # The household alone in Tuvalu is hidden in the main table; its members' age and sex go with it.
    hidden = {row["respondent"] for row in read_csv(files["data.csv"]) if row["country"] == SUPPRESSED}
    assert len(hidden) == 1
    theirs = [row for row in members if row["respondent"] in hidden]
    assert len(theirs) == 2 and all(row["age"] == row["sex"] == SUPPRESSED for row in theirs)
    assert all(row["job"] in ("farmer", "pupil") for row in theirs)  # not a quasi-identifier: kept
    report = json.loads(files["disclosure_report.json"])
    (member,) = report["repeats"]
    assert member["data_file"] == "repeat_member.csv" and member["rows"] == 16 and member["rows_left_out"] == 0
    assert member["quasi_identifiers"] == ["age", "sex"] and member["k_reached"] >= 5
    assert "member_name" in member["left_out"]
    assert "repeat_member.csv" in files["disclosure_report.html"].decode("utf-8")


def test_every_released_member_combination_is_shared_by_k_respondents_of_the_same_main_combination(app, session):
    rng = random.Random(15)
    definition = parse_xlsform(xb.workbook(SURVEY, CHOICES, xb.settings("household")), "household.xlsx", repeats=True)
    version = make_instrument_version(session, definition=definition, code="household")
    wave = make_wave(session, version=version, opens_in_days=-60, closes_in_days=-1)
    for _ in range(40):
        response = make_response(
            session, wave, {"size": 3}, commit=False, gender=rng.choice(["female", "male"]), category="science"
        )
        for instance in (1, 2, 3):
            age, sex = rng.choice([12, 40, 40, 65, rng.randint(0, 99)]), rng.choice(["female", "male"])
            session.add(Answer(response_id=response.id, question="age", instance=instance, value_number=age))
            session.add(Answer(response_id=response.id, question="sex", instance=instance, value_text=sex))
    session.commit()

    files = _export(app, session, wave)

    report = json.loads(files["disclosure_report.json"])
    main = pd.DataFrame(read_csv(files["data.csv"]))[["respondent", *report["quasi_identifiers"]]]
    members = pd.DataFrame(read_csv(files["repeat_member.csv"])).merge(main, on="respondent")
    shown = members[(members[["age", "sex"]] != SUPPRESSED).any(axis=1)]
    records = shown.drop_duplicates(["respondent", "age", "sex"]).reset_index(drop=True)
    quasi = [*report["quasi_identifiers"], "age", "sex"]
    hidden = pd.DataFrame(False, index=records.index, columns=quasi)
    hidden[["age", "sex"]] = records[["age", "sex"]] == SUPPRESSED  # the main file's values are what they are
    counts = frequencies(records, quasi, hidden)
    assert len(records) > 20 and counts.min() >= 5
    assert report["repeats"][0]["k_reached"] == counts.min()
    ages = members["age"]
    assert (ages == SUPPRESSED).any() and ages.isin(["12", "40", "65"]).any()


def test_instances_of_responses_the_release_leaves_out_are_left_out_too(app, session):
    wave, kenyans, _alone = household_wave(session)
    params = ReleaseParams(wave_ids=(wave.id,), format="csv")
    with app.test_request_context():
        source = load_source(session, [wave.id], free_text=False)
        source.frame = source.frame[source.frame["response_id"] != kenyans[1].id].reset_index(drop=True)
        source.stakeholder_ids = source.stakeholder_ids.iloc[: len(source.frame)]
        release = build(source, params, b"k" * 32)
        (member,) = build_repeats(load_repeats(session, [wave.id]), release, source, params)

    assert member.rows == 14 and member.left_out_rows == 2
    assert set(member.table["respondent"]) == set(release.table["respondent"])


def test_a_repeat_nobody_answered_is_an_empty_table_with_its_columns(app, session, tmp_path):
    wave, _kenyans, _alone = household_wave(session, size=0)

    files = _export(app, session, wave)

    (header,) = csv.reader(io.StringIO(files["repeat_member.csv"].decode("utf-8-sig")))
    assert header == ["respondent", "wave_id", "instance", "age", "sex", "job", "tools__phone", "tools__radio"]
    assert json.loads(files["disclosure_report.json"])["repeats"][0]["rows"] == 0
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid


def test_with_linked_waves_a_member_row_is_keyed_by_respondent_and_wave(app, session, tmp_path):
    definition = parse_xlsform(xb.workbook(SURVEY, CHOICES, xb.settings("household")), "household.xlsx", repeats=True)
    version = make_instrument_version(session, definition=definition, code="household")
    waves = [
        make_wave(session, version=version, name=f"Households {y}", year=y, opens_in_days=-60, closes_in_days=-1)
        for y in (2024, 2025)
    ]
    people = [make_stakeholder(session, name=f"Person {i}", email=f"p{i}@example.org") for i in range(5)]
    for wave in waves:
        for person in people:
            _household(session, wave, stakeholder=person)
    session.commit()

    with app.app_context():
        params = ReleaseParams(wave_ids=tuple(w.id for w in waves), format="csv", link_waves=True)
        files = unzip(export_release(session, params, actor_id=None))

    members = read_csv(files["repeat_member.csv"])
    assert len({row["respondent"] for row in members}) == 5 and len(members) == 20
    assert len({(row["respondent"], row["wave_id"], row["instance"]) for row in members}) == 20
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note", "fieldName"])


def test_free_text_in_a_repeat_is_released_scrubbed_when_asked_for(app, session):
    wave, _kenyans, _alone = household_wave(session)

    files = _export(app, session, wave, free_text=True)

    members = read_csv(files["repeat_member.csv"])
    assert {row["remark"] for row in members} == {"Lives near the river"}
    assert "member_name" not in members[0]


@pytest.mark.parametrize("fmt", ["xlsx", "parquet", "sav"])
def test_every_format_writes_the_repeat_table_in_that_format(app, session, fmt, tmp_path):
    from tests.exports.sav_reader import register

    register()  # frictionless reads XLSX and Parquet itself; SAV through pyreadstat
    wave, _kenyans, _alone = household_wave(session)

    files = _export(app, session, wave, fmt=fmt)

    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note", "fieldName"])

    content = files[f"repeat_member.{fmt}"]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        table = pd.DataFrame(list(sheet.iter_rows(min_row=2, values_only=True)), columns=[c.value for c in sheet[1]])
    elif fmt == "parquet":
        table = pd.read_parquet(io.BytesIO(content))
    else:
        table, meta = pyreadstat.read_sav(str(tmp_path / "repeat_member.sav"))
        labels = dict(zip(meta.column_names, meta.column_labels))
        assert labels["age"] == "Age" and labels["job"] == "Occupation"
    assert len(table) == 16 and list(table.columns[:3]) == ["respondent", "wave_id", "instance"]
    assert "member_name" not in table.columns
    assert "data." + fmt in files


def test_the_codebook_package_ddi_and_syntax_describe_the_repeat_table(app, session, tmp_path):
    wave, _kenyans, _alone = household_wave(session)

    files = _export(app, session, wave, lang="fr")

    book = json.loads(files["codebook.json"])
    (member,) = book["repeats"]
    assert member["data_file"] == "repeat_member.csv" and member["joins_on"] == ["respondent", "wave_id"]
    entries = {entry["name"]: entry for entry in member["variables"]}
    assert entries["age"]["quasi_identifier"] and entries["sex"]["quasi_identifier"]
    assert {v["value"] for v in entries["job"]["values"]} == {"farmer", "pupil"}
    assert {left["name"] for left in member["left_out"]} == {"member_name", "remark"}
    assert "repeat_member.csv" in files["codebook.html"].decode("utf-8")
    assert any(line.endswith("repeat_member.csv") for line in files["codebook.csv"].decode("utf-8-sig").splitlines())

    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note", "fieldName"])
    descriptor = json.loads(files["datapackage.json"])
    table = next(resource for resource in descriptor["resources"] if resource["path"] == "repeat_member.csv")
    assert table["schema"]["primaryKey"] == ["respondent", "wave_id", "instance"]
    assert table["schema"]["foreignKeys"][0]["reference"] == {"resource": "data", "fields": ["respondent", "wave_id"]}

    schema = etree.XMLSchema(etree.parse(str(DDI_SCHEMA), etree.XMLParser(no_network=True)))
    document = etree.fromstring(files["ddi.xml"])
    assert schema.validate(document), [str(e) for e in schema.error_log][:5]
    member_file = next(f for f in document.findall(".//d:fileDscr", DDI) if f.get("URI") == "repeat_member.csv")
    assert member_file.findtext(".//d:caseQnty", namespaces=DDI) == "16"
    ages = [v for v in document.findall(".//d:var", DDI) if v.get("name") == "age"]
    assert [v.get("files") for v in ages] == [member_file.get("ID")]
    assert "(member)" in document.findtext(".//d:method/d:dataProcessing", namespaces=DDI)

    assert 'import delimited using "repeat_member.csv"' in files["repeat_member.do"].decode("utf-8")
    assert "GET DATA /TYPE=TXT /FILE='repeat_member.csv'" in files["repeat_member.sps"].decode("utf-8")
    assert "repeat_member.csv" in files["README.txt"].decode("utf-8")


def test_a_tampered_repeat_table_whose_respondent_is_unknown_fails_validation(app, session, tmp_path):
    wave, _kenyans, _alone = household_wave(session)
    files = _export(app, session, wave)
    lines = files["repeat_member.csv"].decode("utf-8-sig").split("\r\n")
    lines[1] = "unknown" + lines[1][lines[1].index(",") :]
    files["repeat_member.csv"] = "\r\n".join(lines).encode("utf-8")

    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))

    assert not report.valid
    assert {error[0] for error in report.flatten(["type"])} == {"foreign-key"}


@pytest.mark.skipif(shutil.which("pspp") is None, reason="GNU PSPP (Debian package pspp) runs the SPSS syntax")
def test_pspp_opens_the_repeat_table_with_its_labels(app, session, tmp_path):
    wave, _kenyans, _alone = household_wave(session)
    files = _export(app, session, wave)
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    script = files["repeat_member.sps"].decode("utf-8") + "FREQUENCIES VARIABLES=job age.\n"
    (tmp_path / "run.sps").write_text(script, encoding="utf-8")

    result = subprocess.run(
        ["pspp", "run.sps", "-o", "out.txt"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0 and "error" not in result.stdout + result.stderr, result.stdout + result.stderr
    output = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "Occupation" in output and "Farmer" in output and "Suppressed" in output
