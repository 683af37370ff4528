"""An anonymised release as an analyst receives it: the zip, the data file, codebook and report."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from exports.labels import ValueLabels
from exports.params import ReleaseParams
from exports.service import ExportError, export_release, exportable_waves, get_release, list_releases
from tests.exports.builders import closed_wave, crowd, export_definition
from tests.factories import (
    make_instrument_version,
    make_open_link,
    make_response,
    make_stakeholder,
    make_user,
    make_wave,
)
from tests.reading import read_csv, unzip

pytestmark = pytest.mark.usefixtures("backend")

FILES = {
    "README.txt",
    "codebook.csv",
    "codebook.html",
    "codebook.json",
    "disclosure_report.html",
    "disclosure_report.json",
    "datapackage.json",
    "ddi.xml",
}
SYNTAX = {"release.do", "release.sps"}  # a CSV release's


def export(session, wave_ids, fmt="csv", **options):
    return export_release(session, ReleaseParams(wave_ids=tuple(wave_ids), format=fmt, **options), actor_id=None)


def test_a_release_holds_the_data_codebook_report_and_readme(app, session):
    wave = closed_wave(session)
    crowd(session, wave, 6)
    make_response(session, wave, {"age_band": "30_49", "roles": ["reviewer"]})  # the rest left unanswered

    with app.app_context():
        release = export(session, [wave.id])

    files = unzip(release)
    assert set(files) == FILES | SYNTAX | {"data.csv"}
    rows = read_csv(files["data.csv"])
    assert release.rows == len(rows) == 7
    columns = set(rows[0])
    assert {"response_id", "submitted_at", "email"}.isdisjoint(columns)  # identifiers and pii never leave
    assert "comments" not in columns  # free text only when asked for
    assert {"respondent", "submitted_on", "country", "regional_group", "age_band", "roles__author"} <= columns
    assert all(len(row["respondent"]) == 16 for row in rows)
    assert len({row["respondent"] for row in rows}) == 7
    assert rows[0]["submitted_on"] == date.today().isoformat() or len(rows[0]["submitted_on"]) == 10
    last = rows[-1]
    assert (last["satisfied"], last["years"], last["since"], last["roles__reviewer"]) == ("-9", "-9", "-9", "1")
    book = json.loads(files["codebook.json"])
    assert [v["name"] for v in book["variables"]] == list(rows[0])
    assert book["missing_codes"].keys() == {"-8", "-9"}
    satisfied = next(v for v in book["variables"] if v["name"] == "satisfied")
    assert satisfied["label"] == "I am satisfied" and {"value": "2", "label": "Agree"} in satisfied["values"]
    roles = next(v for v in book["variables"] if v["name"] == "roles__author")
    assert roles["base"] == "answered" and roles["base_label"]  # what shares of a select_multiple are of
    assert "base" not in satisfied
    assert {entry["name"]: entry["reason"] for entry in book["left_out"]}.keys() >= {"email", "comments", "response_id"}
    report = json.loads(files["disclosure_report.json"])
    assert report["rows"] == 7 and report["k"]["asked"] == 5 and report["k"]["reached"] >= 5
    assert report["waves"] == [{"id": wave.id, "name": wave.name, "year": wave.year}]
    assert "key" not in report["parameters"]
    assert b"data.csv" in files["README.txt"]


def test_the_same_parameters_give_the_same_release_and_other_parameters_other_pseudonyms(app, session):
    wave = closed_wave(session)
    crowd(session, wave, 8)
    with app.app_context():
        first = export(session, [wave.id])
        again = export(session, [wave.id])
        other = export(session, [wave.id], k=4)

    assert again.id == first.id and again.content == first.content
    assert len(list_releases(session)) == 2
    assert get_release(session, first.id).content == first.content
    assert other.key != first.key
    ours = {row["respondent"] for row in read_csv(unzip(first)["data.csv"])}
    theirs = {row["respondent"] for row in read_csv(unzip(other)["data.csv"])}
    assert ours.isdisjoint(theirs)  # a fresh key per release: two releases cannot be joined


def test_every_export_is_audit_logged_with_who_what_and_whether_it_repeated(app, session):
    secretary = make_user(session, email="sec@example.org", role="secretariat")
    wave = closed_wave(session)
    crowd(session, wave, 5)
    params = ReleaseParams(wave_ids=(wave.id,), format="csv", k=3)
    with app.app_context():
        release = export_release(session, params, actor_id=secretary.id, ip="192.0.2.7")
        export_release(session, params, actor_id=secretary.id, ip="192.0.2.7")

    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "exports.anonymised_release").order_by(AuditEvent.id)
    ).all()
    assert [event.details["repeat"] for event in events] == [False, True]
    first = events[0]
    assert (first.actor_id, first.ip, first.target) == (secretary.id, "192.0.2.7", f"release:{release.id}")
    assert first.details["waves"] == [wave.id] and first.details["rows"] == 5
    assert first.details["parameters"] == {
        "wave_ids": [wave.id],
        "format": "csv",
        "lang": "en",
        "k": 3,
        "free_text": False,
        "link_waves": False,
    }
    assert release.created_by == secretary.id


def test_only_closed_waves_can_be_exported(app, session):
    version = make_instrument_version(session, definition=export_definition(), code="export-test")
    open_wave = make_wave(session, version=version, name="Open now")
    closed = closed_wave(session, version=version)
    closed_early = make_wave(session, version=version, name="Closed early", status="closed")
    crowd(session, open_wave, 5)

    assert [wave.id for wave in exportable_waves(session)] == [closed_early.id, closed.id]  # newest first
    with app.app_context():
        with pytest.raises(ExportError, match="not closed"):
            export(session, [open_wave.id])
        with pytest.raises(ExportError, match="no wave"):
            export(session, [closed.id + 1000])
        with pytest.raises(ExportError, match="at least 3"):
            export(session, [closed.id], k=2)
        with pytest.raises(ExportError, match="format"):
            export(session, [closed.id], fmt="pdf")
        with pytest.raises(ExportError, match="language"):
            export(session, [closed.id], lang="de")
        with pytest.raises(ExportError, match="fewer than k"):
            export(session, [closed.id])  # no responses at all
    assert list_releases(session) == []


def test_linked_waves_give_one_person_one_pseudonym_across_the_release(app, session):
    version = make_instrument_version(session, definition=export_definition(), code="export-test")
    early = closed_wave(session, version=version, name="Survey 2024", year=2024)
    late = closed_wave(session, version=version, name="Survey 2025", year=2025)
    people = [make_stakeholder(session, name=f"Person {i}", email=f"p{i}@example.org") for i in range(5)]
    link = make_open_link(session, wave=late)
    for person in people:
        make_response(session, early, {"satisfied": "1"}, stakeholder=person)
        make_response(session, late, {"satisfied": "2"}, stakeholder=person)
    make_response(session, late, {"satisfied": "2"}, link=link)

    with app.app_context():
        linked = read_csv(unzip(export(session, [early.id, late.id], link_waves=True, k=3))["data.csv"])
        unlinked = read_csv(unzip(export(session, [early.id, late.id], k=3))["data.csv"])

    by_wave = {}
    for row in linked:
        by_wave.setdefault(row["wave"], []).append(row["respondent"])
    assert set(by_wave["Survey 2024"]) < set(by_wave["Survey 2025"])  # the same five people, plus one
    assert len(set(by_wave["Survey 2025"])) == 6
    assert len({row["respondent"] for row in unlinked}) == 11


def test_two_requests_storing_the_same_release_at_once_get_one_release(app, session, monkeypatch):
    from exports import service

    wave = closed_wave(session)
    crowd(session, wave, 5)
    with app.app_context():
        first = export(session, [wave.id])
        # The second request looked before the first one stored its release: its insert collides.
        stored, calls = service._stored, []

        def racing(db_session, key):
            calls.append(key)
            return None if len(calls) == 1 else stored(db_session, key)

        monkeypatch.setattr(service, "_stored", racing)
        second = export(session, [wave.id])

    assert len(calls) == 2  # it built a release, failed to store it, and took the stored one
    assert second.id == first.id and second.content == first.content
    assert len(list_releases(session)) == 1
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "exports.anonymised_release").order_by(AuditEvent.id)
    ).all()
    assert [event.details["repeat"] for event in events] == [False, True]


def test_the_import_channel_has_a_label_in_the_readers_language(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        labels = ValueLabels("fr", geography=None)
        assert labels.value("channel", "import") == "Import d’un fichier de réponses antérieures"
        assert labels.order("channel", {"import", "open_link", "invitation"}) == ["invitation", "open_link", "import"]
