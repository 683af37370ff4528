"""The secretariat brings a past wave in from a file with a bad row: the row and column are named, the
value mapping fixed, the file imported, and the past wave shows on the dashboard beside the native one."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import func, select

from surveys.models import Response
from tests import factories
from tests.browser.actions import sign_in
from tests.surveys.response_import.test_page_response_import import CSV


def _native_wave(session):
    wave = factories.make_wave(session, name="Annual survey 2026", year=2026)
    for number in range(12):
        engaged = "yes" if number % 3 else "no"
        answers = {"roles": ["author"], "years": number, "engaged": engaged}
        if engaged == "yes":
            answers["clear_how"] = str(1 + number % 5)
        factories.make_response(session, wave, answers, commit=False)
    session.commit()
    return wave


def test_a_past_wave_is_imported_after_its_bad_row_is_fixed_and_shows_beside_the_native_one(
    live_server, new_page, session
):
    factories.make_secretariat(session)
    native = _native_wave(session)
    past = factories.make_wave(
        session,
        version=factories.make_instrument_version(session, definition=factories.make_definition(version="2019")),
        name="Annual survey 2019",
        year=2019,
        status="closed",
        opens_in_days=-2600,
        closes_in_days=-2570,
    )
    page = new_page()
    sign_in(page, live_server.url, factories.SECRETARIAT)

    page.goto(f"{live_server.url}/staff/surveys/waves/{past.id}")
    page.get_by_role("link", name="Bring in past responses").click()
    page.get_by_label("File (CSV or XLSX)").set_input_files(
        {"name": "limesurvey-2019.csv", "mimeType": "text/csv", "buffer": CSV.encode("utf-8")}
    )
    page.get_by_role("button", name="Read the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Map the columns of limesurvey-2019.csv")
    expect(page.locator("#file-facts")).to_contain_text("CSV, encoding utf-8")
    expect(page.get_by_label("Years of involvement")).to_have_value("question:years")
    page.get_by_role("button", name="Check every row").click()

    # The check runs as a job; its page becomes the report: the bad cell named by row and column.
    expect(page).to_have_url(re.compile(r"/import/jobs/\d+$"))
    expect(page.locator("#rows-refused")).to_have_text("1")
    problem = page.get_by_role("table", name="Each problem, by row and column (the header is row 1)").locator(
        "tbody tr"
    )
    expect(problem).to_have_count(1)
    expect(problem.locator("td").nth(0)).to_have_text("3")
    expect(problem.locator("td").nth(1)).to_have_text("It is clear how to engage")
    expect(problem.locator("td").nth(3)).to_contain_text("Sort of")

    # Fix the mapping: "Sort of" is the scale's middle.
    page.get_by_role("link", name="Change the mapping").click()
    page.get_by_label("Sort of").select_option(label="Neutral")
    page.get_by_role("button", name="Check every row").click()
    expect(page.locator("#rows-refused")).to_have_text("0")
    expect(page.locator("#rows-accepted")).to_have_text("3")
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-result")).to_have_text("3 responses imported into Annual survey 2019.")
    expect(page.get_by_role("button", name="Undo this import")).to_be_visible()

    session.expire_all()
    imported = select(func.count()).select_from(Response).where(Response.wave_id == past.id)
    assert session.exec(imported).one() == 3

    # The dashboard's explorer compares the past wave with the native one.
    page.goto(f"{live_server.url}/dashboard/explorer?waves={native.id}&waves={past.id}&question=engaged")
    waves = page.locator(".control", has=page.locator("label", has_text="Waves to compare"))
    expect(waves).to_contain_text("Annual survey 2019 (2019)")
    expect(waves).to_contain_text("Annual survey 2026 (2026)")
    # Its row in the table of answers, beside the native wave's: the 3 imported respondents said "Yes".
    expect(page.locator("tr", has_text="Annual survey 2019").last).to_contain_text("100%")
    expect(page.locator("tr", has_text="Annual survey 2019").last).to_contain_text("n = 3")
    expect(page.locator("tr", has_text="Annual survey 2026").last).to_contain_text("n = 12")
