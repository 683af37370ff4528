"""The secretariat uploads a form in English only, has it translated through the workbook, and publishes."""

from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from surveys.models import InstrumentVersion
from surveys.xlsform_languages import read_form
from tests.browser.actions import sign_in
from tests.factories import SECRETARIAT, make_secretariat, make_wave
from tests.surveys.translation_helpers import english_form, fill_language_layout

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_english_only_form_is_translated_through_the_workbook_then_its_wave_publishes(
    live_server, new_page, session
):
    base = live_server.url
    make_secretariat(session)
    page = new_page()
    sign_in(page, base, SECRETARIAT)

    page.goto(f"{base}/staff/surveys/instruments/upload")
    page.get_by_label("Instrument code").fill("annual-survey")
    page.get_by_label("Instrument name").fill("Annual survey")
    page.get_by_label("XLSForm workbook (.xlsx)").set_input_files(
        {"name": "annual.xlsx", "mimeType": XLSX, "buffer": english_form()}
    )
    page.get_by_role("button", name="Check and store").click()
    expect(page.get_by_role("heading", name="Version 1 awaits translations")).to_be_visible()
    expect(page.get_by_role("row", name="Arabic")).to_contain_text("36")

    version = session.exec(select(InstrumentVersion)).one()
    wave = make_wave(session, version=version, status="draft")
    page.goto(f"{base}/staff/surveys/waves/{wave.id}")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Missing: Arabic (36 texts)")
    expect(page.locator("#wave-state")).to_have_text("Draft")

    page.goto(f"{base}/staff/surveys/instruments/{version.instrument_id}")
    page.get_by_role("link", name="Download its translation workbook and upload the translations").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="One sheet per language, for translators").click()
    returned = fill_language_layout(Path(download_info.value.path()).read_bytes(), ["ar", "es", "fr", "ru", "zh"])
    page.get_by_label("Translation workbook (.xlsx)").set_input_files(
        {"name": "translated.xlsx", "mimeType": XLSX, "buffer": returned}
    )
    page.get_by_role("button", name="Check and merge").click()
    expect(page.get_by_role("status")).to_contain_text("The translations are merged into version 2.")
    expect(page.get_by_role("status")).to_contain_text("1 draft wave now uses version 2.")
    expect(page.locator("#translation-status")).to_have_text("Version 2 is translated into all six languages.")

    page.goto(f"{base}/staff/surveys/waves/{wave.id}")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#wave-state")).to_have_text("Open")
    stored = session.exec(select(InstrumentVersion).where(InstrumentVersion.number == 2)).one()
    assert read_form(stored.xlsform).question("country").labels["ar"] == "[ar] Country"
