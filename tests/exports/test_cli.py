"""`flask export-anonymised`: the release as files in a folder, audit-logged like the web export."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from tests.exports.builders import closed_wave, crowd
from tests.factories import make_instrument_version, make_wave

pytestmark = pytest.mark.usefixtures("backend")


def test_the_command_writes_the_zip_and_its_files(runner, session, tmp_path):
    wave = closed_wave(session)
    crowd(session, wave, 6)
    out = tmp_path / "release"

    result = runner.invoke(
        args=[
            "export-anonymised",
            "--wave",
            str(wave.id),
            "--format",
            "parquet",
            "--lang",
            "es",
            "--k",
            "3",
            "--free-text",
            "--out",
            str(out),
        ]
    )

    assert result.exit_code == 0, result.output
    archives = list(out.glob("*.zip"))
    assert len(archives) == 1
    written = {path.name for path in out.iterdir()}
    assert written == {
        archives[0].name,
        "data.parquet",
        "codebook.csv",
        "codebook.json",
        "codebook.html",
        "disclosure_report.json",
        "disclosure_report.html",
        "README.txt",
        "datapackage.json",
        "ddi.xml",
    }
    with zipfile.ZipFile(archives[0]) as archive:
        assert archive.read("codebook.json") == (out / "codebook.json").read_bytes()
    assert json.loads((out / "disclosure_report.json").read_text())["parameters"]["lang"] == "es"
    assert "data.parquet" in result.output and "6 rows" in result.output
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "exports.anonymised_release")).one()
    assert event.actor_id is None and event.details["via"] == "cli" and event.details["rows"] == 6

    again = runner.invoke(
        args=[
            "export-anonymised",
            "--wave",
            str(wave.id),
            "--format",
            "parquet",
            "--lang",
            "es",
            "--k",
            "3",
            "--free-text",
            "--out",
            str(tmp_path / "again"),
        ]
    )
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again" / archives[0].name).read_bytes() == archives[0].read_bytes()


def test_the_command_refuses_an_open_wave_and_a_small_k(runner, session, tmp_path):
    out = tmp_path / "out"
    version = make_instrument_version(session, code="export-test")
    open_wave = make_wave(session, version=version, name="Open now")
    closed = closed_wave(session, version=version)

    refused = runner.invoke(
        args=["export-anonymised", "--wave", str(open_wave.id), "--format", "csv", "--out", str(out)]
    )
    assert refused.exit_code != 0 and "not closed" in refused.output
    small = runner.invoke(
        args=["export-anonymised", "--wave", str(closed.id), "--format", "csv", "--k", "2", "--out", str(out)]
    )
    assert small.exit_code != 0 and "at least 3" in small.output
    assert not out.exists()


def test_the_csv_from_the_command_reads_back(runner, session, tmp_path):
    wave = closed_wave(session)
    crowd(session, wave, 5)

    result = runner.invoke(
        args=["export-anonymised", "--wave", str(wave.id), "--format", "csv", "--out", str(tmp_path)]
    )

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "data.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 5 and rows[0]["years"] == "5"
