"""The pages that bring a survey's history in, on a 360×740 phone in English and in Arabic: the past-wave
form, the upload, the read job's progress, the column mapping, the check's report and the import's result.
No axe-core (WCAG 2.1 A/AA) violation and nothing wider than the screen on any of them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.response_import import jobs as import_jobs
from tests import factories
from tests.browser.actions import sign_in
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow, phone_context
from tests.surveys.response_import.export_fixtures import EXPORTS
from tests.surveys.response_import.test_page_response_import import CSV

# A date column whose order of day and month the values do not tell, for the report to state it.
DATED = CSV.replace("Comments\n", "Comments,Date submitted\n").replace("fine\n", "fine,07/12/2019 10:00\n")


class _Held:
    """A queue that keeps its jobs waiting, so the read job's progress page can be seen."""

    def submit(self, job_id: int, attempt: int) -> None:
        pass


def _check(page) -> None:
    assert_no_horizontal_overflow(page)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_history_pages_fit_a_phone_and_have_no_accessibility_violation(live_server, browser, session, language):
    secretariat = factories.make_secretariat(session)
    wave = factories.make_wave(
        session, name="Annual survey 2019", year=2019, status="closed", opens_in_days=-400, closes_in_days=-370
    )
    waiting = import_jobs.enqueue_read(
        session, wave=wave, token="t" * 43, owner_id=secretariat.id, locale=language, queue=_Held()
    )
    signing = phone_context(browser, "en")
    sign_in(signing.new_page(), live_server.url, factories.SECRETARIAT)
    context = phone_context(browser, language, storage_state=signing.storage_state())
    signing.close()
    try:
        page = context.new_page()
        base = f"{live_server.url}/staff/surveys/waves"
        page.goto(f"{base}/past/new")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        _check(page)

        page.goto(f"{base}/{wave.id}/import/files/{waiting.id}")  # the read job waits: its progress
        expect(page.locator("progress")).to_be_attached()
        _check(page)

        page.goto(f"{base}/{wave.id}/import")
        _check(page)
        page.locator("input[type=file]").set_input_files(
            {"name": "limesurvey-2019.csv", "mimeType": "text/csv", "buffer": DATED.encode("utf-8")}
        )
        page.locator("form[enctype] [type=submit]").click()
        expect(page.locator("#file-facts")).to_be_visible()  # the mapping (jobs run at once in tests)
        _check(page)

        page.locator("button[name=check]").click()
        expect(page.locator("#rows-refused")).to_be_visible()
        expect(page.locator("#date-format-list")).to_be_visible()
        _check(page)

        page.locator("input[name=leave_out]").check()
        page.locator("form[action$='/confirm'] [type=submit]").click()
        expect(page.locator("#import-result")).to_be_visible()
        _check(page)

        # A wide export: SurveyMonkey's long "question | choice" headers, 120 rows, its values to map.
        page.goto(f"{base}/{wave.id}/import")
        page.locator("input[type=file]").set_input_files(str(EXPORTS / "surveymonkey.csv"))
        page.locator("form[enctype] [type=submit]").click()
        expect(page.locator("#file-facts")).to_contain_text("surveymonkey")
        _check(page)
    finally:
        context.close()
