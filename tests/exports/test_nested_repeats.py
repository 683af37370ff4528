"""Nested repeats and loops in an anonymised release (issue 15): a repeat held by another has its own table,
keyed by the respondent, the wave, its parent's instance and its own, joining its parent's table (a foreign
key the package validates); a loop's `choice` is released as a labelled category; a question named like a
key column never overwrites the key."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import frictionless
import pandas as pd
import pyreadstat
import pytest
from lxml import etree

from exports.build import build
from exports.loading import load_source
from exports.params import ReleaseParams
from exports.repeat_loading import load_repeats
from exports.repeats import build_repeats
from exports.service import export_release
from surveys.models import Answer
from surveys.xlsform.reading import parse_xlsform
from tests.exports.test_repeats import DDI, DDI_SCHEMA
from tests.factories import make_instrument_version, make_response, make_wave
from tests.reading import SUPPRESSED, read_csv, unzip
from tests.surveys import xlsform_builder as xb

pytestmark = pytest.mark.usefixtures("backend")

PHONES = [
    xb.q("begin group", "home", "Home"),
    xb.q("integer", "size", "How many live here?"),
    xb.q("begin repeat", "member", "Member", repeat_count="${size}"),
    xb.q("text", "name", "Name", pii="yes"),
    xb.q("integer", "age", "Age"),
    xb.q("begin repeat", "phone", "Phone"),
    xb.q("select_one kinds", "kind", "Kind of phone", quasi="yes"),
    xb.q("text", "number", "Number", pii="yes"),
    {"type": "end repeat"},
    {"type": "end repeat"},
    xb.end(),
]
KINDS = xb.choices("kinds", "mobile", "landline", "satellite")


def _wave(session, survey, choices, code):
    definition = parse_xlsform(xb.workbook(survey, choices, xb.settings(code)), f"{code}.xlsx")
    version = make_instrument_version(session, definition=definition, code=code)
    return make_wave(session, version=version, name="Homes 2025", year=2025, opens_in_days=-60, closes_in_days=-1)


def _answer(session, response, question, instance, value, parents=""):
    column = "value_number" if isinstance(value, int) else "value_text"
    session.add(
        Answer(
            response_id=response.id, question=question, instance=instance, parent_instances=parents, **{column: value}
        )
    )


def phone_wave(session):
    """Seven households of Kenya, one with a satellite phone, and one alone in Tuvalu. In each, member 1 (40)
    has a mobile and a landline; member 2 gave only a name (pii) and has a mobile."""
    wave = _wave(session, PHONES, KINDS, "phones")
    households = []
    for number in range(8):
        response = make_response(session, wave, {"size": 2}, commit=False, **({"country": "TV"} if number == 7 else {}))
        _answer(session, response, "name", 1, "Amina Odhiambo")
        _answer(session, response, "age", 1, 40)
        _answer(session, response, "name", 2, "Baraka Odhiambo")
        _answer(session, response, "kind", 1, "satellite" if number == 0 else "mobile", "1")
        _answer(session, response, "number", 1, "+254 700 000 001", "1")
        _answer(session, response, "kind", 2, "landline", "1")
        _answer(session, response, "kind", 1, "mobile", "2")
        households.append(response)
    session.commit()
    return wave, households


def _export(app, session, wave, tmp_path, fmt="csv", **options):
    with app.app_context():
        files = unzip(export_release(session, ReleaseParams(wave_ids=(wave.id,), format=fmt, **options), actor_id=None))
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return files


def _valid(tmp_path):
    from tests.exports.sav_reader import register

    register()
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note", "fieldName"])


def test_a_nested_repeat_is_a_table_keyed_by_its_parents_instance_that_joins_its_parent(app, session, tmp_path):
    wave, _households = phone_wave(session)

    files = _export(app, session, wave, tmp_path)

    members, phones = read_csv(files["repeat_member.csv"]), read_csv(files["repeat_phone.csv"])
    assert list(phones[0])[:4] == ["respondent", "wave_id", "member_instance", "instance"]
    assert len(phones) == 24 and "number" not in phones[0] and "+254" not in files["repeat_phone.csv"].decode()
    # Member 2 answered nothing released, yet has a row: its phone refers to it.
    assert len(members) == 16 and {row["age"] for row in members if row["instance"] == "2"} == {"-9", SUPPRESSED}
    joined = pd.DataFrame(phones).merge(
        pd.DataFrame(members).rename(columns={"instance": "member_instance"}),
        on=["respondent", "wave_id", "member_instance"],
        validate="many_to_one",
    )
    assert len(joined) == 24
    assert set(joined[joined["kind"] == "landline"]["member_instance"]) == {"1"}
    _valid(tmp_path)

    descriptor = json.loads(files["datapackage.json"])
    phone = next(resource for resource in descriptor["resources"] if resource["path"] == "repeat_phone.csv")
    assert phone["schema"]["primaryKey"] == ["respondent", "wave_id", "member_instance", "instance"]
    assert phone["schema"]["foreignKeys"] == [
        {
            "fields": ["respondent", "wave_id", "member_instance"],
            "reference": {"resource": "repeat-member", "fields": ["respondent", "wave_id", "instance"]},
        }
    ]


def test_a_phone_whose_member_is_unknown_fails_validation(app, session, tmp_path):
    wave, _households = phone_wave(session)
    files = _export(app, session, wave, tmp_path)
    lines = files["repeat_phone.csv"].decode("utf-8-sig").split("\r\n")
    cells = lines[1].split(",")
    cells[2] = "9"  # no member 9 in that household
    (tmp_path / "repeat_phone.csv").write_bytes("\r\n".join([lines[0], ",".join(cells), *lines[2:]]).encode())

    report = frictionless.validate(str(tmp_path / "datapackage.json"))

    assert {error[0] for error in report.flatten(["type"])} == {"foreign-key"}


def test_a_nested_repeats_quasi_identifiers_are_k_anonymous_and_a_dropped_response_drops_its_rows(app, session):
    wave, households = phone_wave(session)
    files = _export_files(app, session, wave)
    phones = read_csv(files["repeat_phone.csv"])
    assert "satellite" not in {row["kind"] for row in phones}  # one household alone has one
    hidden = {row["respondent"] for row in read_csv(files["data.csv"]) if row["country"] == SUPPRESSED}
    assert len(hidden) == 1 and {row["kind"] for row in phones if row["respondent"] in hidden} == {SUPPRESSED}
    (report,) = [r for r in json.loads(files["disclosure_report.json"])["repeats"] if r["name"] == "phone"]
    assert report["quasi_identifiers"] == ["kind"] and report["k_reached"] >= 5

    params = ReleaseParams(wave_ids=(wave.id,), format="csv")
    with app.test_request_context():
        source = load_source(session, [wave.id], free_text=False)
        source.frame = source.frame[source.frame["response_id"] != households[1].id].reset_index(drop=True)
        source.stakeholder_ids = source.stakeholder_ids.iloc[: len(source.frame)]
        release = build(source, params, b"k" * 32)
        _member, phone = build_repeats(load_repeats(session, [wave.id]), release, source, params)
    assert phone.rows == 21 and phone.left_out_rows == 3 and phone.parents == ("member",)


def _export_files(app, session, wave):
    with app.app_context():
        return unzip(export_release(session, ReleaseParams(wave_ids=(wave.id,), format="csv"), actor_id=None))


def test_the_codebook_and_ddi_say_how_a_nested_table_joins_its_parent(app, session, tmp_path):
    wave, _households = phone_wave(session)

    files = _export(app, session, wave, tmp_path, lang="fr")

    book = json.loads(files["codebook.json"])
    phone = next(table for table in book["repeats"] if table["name"] == "phone")
    assert phone["key"] == ["respondent", "wave_id", "member_instance", "instance"]
    assert phone["joins_on"] == ["respondent", "wave_id", "member_instance"] and phone["parents"] == ["member"]
    html = files["codebook.html"].decode("utf-8")
    assert "repeat_member.csv" in html and "member_instance" in html
    schema = etree.XMLSchema(etree.parse(str(DDI_SCHEMA), etree.XMLParser(no_network=True)))
    document = etree.fromstring(files["ddi.xml"])
    assert schema.validate(document), [str(e) for e in schema.error_log][:5]
    phone_file = next(f for f in document.findall(".//d:fileDscr", DDI) if f.get("URI") == "repeat_phone.csv")
    assert "member_instance" in phone_file.findtext(".//d:fileCont", namespaces=DDI)
    keys = [v for v in document.findall(".//d:var", DDI) if v.get("name") == "member_instance"]
    assert [v.get("files") for v in keys] == [phone_file.get("ID")]
    assert "repeat_phone.csv" in files["README.txt"].decode("utf-8")


@pytest.mark.parametrize("fmt", ["parquet", "sav"])
def test_another_format_writes_the_nested_table_and_the_package_validates(app, session, tmp_path, fmt):
    wave, _households = phone_wave(session)

    files = _export(app, session, wave, tmp_path, fmt=fmt)

    if fmt == "parquet":
        table = pd.read_parquet(io.BytesIO(files["repeat_phone.parquet"]))
    else:
        table, _meta = pyreadstat.read_sav(str(tmp_path / "repeat_phone.sav"))
    assert list(table.columns[:4]) == ["respondent", "wave_id", "member_instance", "instance"] and len(table) == 24
    _valid(tmp_path)


LOOP = [
    xb.q("begin group", "toilets", "Toilets"),
    xb.q("select_multiple toilet", "available", "Which toilets are there?"),
    {"type": "begin loop over toilet", "name": "per_toilet"},
    xb.q("integer", "number", "How many %(label)s are on the premises?"),
    xb.q("text", "instance", "Instance note"),
    xb.q("integer", "choice", "Choice score"),
    {"type": "end loop"},
    xb.end(),
]


def loop_wave(session):
    wave = _wave(session, LOOP, xb.choices("toilet", "pit_latrine", "bucket", "none"), "toilets")
    for _ in range(6):
        response = make_response(session, wave, {"available": "pit_latrine bucket"}, commit=False)
        _answer(session, response, "number", 1, 2)
        _answer(session, response, "choice", 1, 7)
        _answer(session, response, "instance", 1, "near the gate")
        _answer(session, response, "number", 2, 1)
    session.commit()
    return wave


def test_a_loops_choice_is_released_after_instance_with_the_choice_labels(app, session, tmp_path):
    wave = loop_wave(session)

    files = _export(app, session, wave, tmp_path, free_text=True)

    rows = read_csv(files["repeat_per_toilet.csv"])
    assert list(rows[0])[:4] == ["respondent", "wave_id", "instance", "choice"]
    assert [(row["instance"], row["choice"]) for row in rows[:2]] == [("1", "pit_latrine"), ("2", "bucket")]
    book = json.loads(files["codebook.json"])
    (loop,) = book["repeats"]
    entries = {entry["name"]: entry for entry in loop["variables"]}
    assert [(v["value"], v["label"]) for v in entries["choice"]["values"]] == [
        ("pit_latrine", "Pit Latrine"),
        ("bucket", "Bucket"),
    ]
    descriptor = json.loads(files["datapackage.json"])
    fields = next(r for r in descriptor["resources"] if r["path"] == "repeat_per_toilet.csv")["schema"]["fields"]
    choice = next(field for field in fields if field["name"] == "choice")
    assert choice["categories"] == [
        {"value": "pit_latrine", "label": "Pit Latrine"},
        {"value": "bucket", "label": "Bucket"},
    ]
    _valid(tmp_path)


def test_questions_named_like_key_columns_are_renamed_and_never_overwrite_the_keys(app, session, tmp_path):
    wave = loop_wave(session)

    files = _export(app, session, wave, tmp_path, free_text=True)

    rows = read_csv(files["repeat_per_toilet.csv"])
    header = list(rows[0])
    assert header.count("instance") == header.count("choice") == 1
    assert {"instance_answer", "choice_answer"} <= set(header)
    first, second = rows[0], rows[1]
    assert (first["instance"], first["choice"], first["choice_answer"]) == ("1", "pit_latrine", "7")
    assert first["instance_answer"] == "near the gate" and second["instance_answer"] == "-9"
    entries = {e["name"]: e for e in json.loads(files["codebook.json"])["repeats"][0]["variables"]}
    assert entries["choice_answer"]["question"] == "choice"
    assert any("choice" in note and "key" in note for note in entries["choice_answer"]["treatment"])
    _valid(tmp_path)


def test_in_a_sav_release_a_loops_choice_carries_its_labels(app, session, tmp_path):
    wave = loop_wave(session)

    _export(app, session, wave, tmp_path, fmt="sav")

    table, meta = pyreadstat.read_sav(str(tmp_path / "repeat_per_toilet.sav"))
    assert list(table.columns[:4]) == ["respondent", "wave_id", "instance", "choice"]
    labels = meta.variable_value_labels["choice"]
    assert [labels[code] for code in table["choice"][:2]] == ["Pit Latrine", "Bucket"]
    _valid(tmp_path)


@pytest.mark.skipif(shutil.which("pspp") is None, reason="GNU PSPP (Debian package pspp) runs the SPSS syntax")
def test_pspp_opens_the_nested_table_with_its_key_and_labels(app, session, tmp_path):
    wave, _households = phone_wave(session)
    files = _export(app, session, wave, tmp_path)
    script = files["repeat_phone.sps"].decode("utf-8") + "FREQUENCIES VARIABLES=kind member_instance.\n"
    (tmp_path / "run.sps").write_text(script, encoding="utf-8")

    result = subprocess.run(
        ["pspp", "run.sps", "-o", "out.txt"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0 and "error" not in result.stdout + result.stderr, result.stdout + result.stderr
    output = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "Kind of phone" in output and "Landline" in output and "Instance of the repeat member" in output
