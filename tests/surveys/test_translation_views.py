"""The secretariat's translation pages: status on the instrument page, workbooks down, translations up."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlmodel import select

from surveys import instruments
from surveys.models import Instrument, InstrumentVersion, Wave
from surveys.translation_workbook import form_workbook
from tests.factories import make_user, make_wave
from tests.surveys.translation_helpers import english_form, fill_form_layout


def upload_english(client) -> None:
    client.post(
        "/staff/surveys/instruments/upload",
        data={"code": "annual-survey", "name": "Annual survey", "file": (io.BytesIO(english_form()), "annual.xlsx")},
        content_type="multipart/form-data",
    )


def send(client, version_id: int, data: bytes, filename: str = "back.xlsx", **options):
    return client.post(
        f"/staff/surveys/versions/{version_id}/translations",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        **options,
    )


def test_an_english_only_upload_is_stored_and_its_status_shown_on_the_instrument_page(client, session, secretariat):
    upload_english(client)
    instrument = session.exec(select(Instrument)).one()
    version = session.exec(select(InstrumentVersion)).one()
    page = client.get(f"/staff/surveys/instruments/{instrument.id}").get_data(as_text=True)
    assert "5 languages to translate" in page
    assert "Version 1 awaits translations" in page
    assert '<th scope="row">Arabic</th><td>17</td><td>18</td>\n      <td>1</td><td>36</td>' in page
    assert f"/staff/surveys/versions/{version.id}/translations" in page
    new_wave = client.get("/staff/surveys/waves/new").get_data(as_text=True)
    assert "Annual survey, version 1 (awaiting translations)" in new_wave


def test_both_workbook_layouts_download(client, session, secretariat):
    upload_english(client)
    version = session.exec(select(InstrumentVersion)).one()
    form = client.get(f"/staff/surveys/versions/{version.id}/translations/form.xlsx")
    assert form.headers["Content-Disposition"] == 'attachment; filename="annual-survey-v1-translation-form.xlsx"'
    assert {"survey", "choices", "settings"} <= set(load_workbook(io.BytesIO(form.data)).sheetnames)
    languages = client.get(f"/staff/surveys/versions/{version.id}/translations/languages.xlsx")
    assert load_workbook(io.BytesIO(languages.data)).sheetnames == ["ar", "es", "fr", "ru", "zh"]
    assert client.get(f"/staff/surveys/versions/{version.id}/translations/other.xlsx").status_code == 404


def test_returned_translations_make_the_next_version_and_the_draft_wave_follows(client, session, secretariat):
    upload_english(client)
    version = session.exec(select(InstrumentVersion)).one()
    wave = make_wave(session, version=version, status="draft")
    refused = client.post(f"/staff/surveys/waves/{wave.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert "not translated into every language yet" in refused and "Arabic (36 texts)" in refused
    definition = instruments.definition_of(version)
    response = send(client, version.id, fill_form_layout(definition, form_workbook(definition)), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The translations are merged into version 2." in page and "1 draft wave now uses version 2." in page
    assert "Version 2 is translated into all six languages." in page
    session.expire_all()
    assert session.get(Wave, wave.id).version_id != version.id
    client.post(f"/staff/surveys/waves/{wave.id}/publish")
    session.expire_all()
    assert session.get(Wave, wave.id).status == "published"


def test_a_workbook_with_other_changes_is_refused_with_sheet_row_and_column(client, session, secretariat):
    upload_english(client)
    version = session.exec(select(InstrumentVersion)).one()
    book = load_workbook(io.BytesIO(form_workbook(instruments.definition_of(version))))
    book["survey"]["B3"] = "sex"
    out = io.BytesIO()
    book.save(out)
    response = send(client, version.id, out.getvalue())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The translations were not merged: 1 problem." in page
    assert "<td>survey</td><td>3</td><td>name</td>" in page
    assert len(session.exec(select(InstrumentVersion)).all()) == 1


def test_only_the_secretariat_reaches_the_translation_pages(client, session, auth):
    version = make_wave(session).version_id
    make_user(session, email="someone@example.org", role="stakeholder")
    auth.login("someone@example.org")
    for path in (
        f"/staff/surveys/versions/{version}/translations",
        f"/staff/surveys/versions/{version}/translations/form.xlsx",
    ):
        assert client.get(path).status_code == 403
