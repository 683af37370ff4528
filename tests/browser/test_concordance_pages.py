"""The concordance pages on a 360×740 phone, in English and in Arabic (issue 16): the list of versions, a
pair of versions with its proposals, and a question's choice mapping; no axe-core (WCAG 2.1 A/AA)
violation and nothing wider than the screen. The secretariat then maps a choice on the phone and sees the
entry on the pair's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys import concordance
from tests.browser.actions import sign_in
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow, phone_context
from tests.factories import SECRETARIAT, make_instrument_version, make_secretariat, make_wave
from tests.surveys.test_concordance_chains import _definition

LANGUAGES = ("en", "ar")


@pytest.fixture
def versions(live_server, session):
    make_secretariat(session)
    found = [make_instrument_version(session, definition=_definition(n), code="annual") for n in (1, 2, 3)]
    for year, version in zip((2019, 2022, 2025), found, strict=True):
        make_wave(session, version=version, name=f"Survey {year}", year=year, status="closed")
    with live_server.app.app_context():
        links = (("government", "public"), ("agency", "public"), ("private", "private"), ("ngo", "ngo"))
        concordance.save_match(
            session, data=concordance.MatchData(found[0].id, found[1].id, "sector", "sector", links=links)
        )
        concordance.save_match(
            session,
            data=concordance.MatchData(found[1].id, found[2].id, "", "heard", relation=concordance.NONE),
        )
    return found


def _check(page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_accessible(page)
    assert_no_horizontal_overflow(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_concordance_pages_fit_a_phone_and_are_accessible(live_server, browser, versions, language):
    base = live_server.url
    v1, v2, v3 = versions
    english = phone_context(browser, "en")
    sign_in(english.new_page(), base, SECRETARIAT)  # the sign-in form's labels are read in English
    context = phone_context(browser, language, storage_state=english.storage_state())
    english.close()
    page = context.new_page()
    page.goto(f"{base}/staff/surveys/concordance")
    _check(page, "Concordance" if language == "en" else "")
    page.goto(f"{base}/staff/surveys/concordance/{v2.id}/{v3.id}")
    _check(page, "Concordance" if language == "en" else "")
    page.goto(f"{base}/staff/surveys/concordance/{v1.id}/{v3.id}")  # through version 2, where "heard" stops
    expect(page.locator("main")).to_contain_text("تنقطع السلسلة" if language == "ar" else "The chain stops between")
    _check(page, "Concordance" if language == "en" else "")
    page.goto(f"{base}/staff/surveys/concordance/{v2.id}/{v3.id}/questions/sector")
    _check(page, "sector")
    context.close()


def test_a_choice_mapping_is_saved_on_a_phone(live_server, phone, versions):
    base = live_server.url
    _v1, v2, v3 = versions
    page = phone("en")
    sign_in(page, base, SECRETARIAT)
    page.goto(f"{base}/staff/surveys/concordance/{v2.id}/{v3.id}/questions/sector")
    page.get_by_label("civil_society").select_option("ngo")
    page.get_by_role("button", name="Save the concordance entry").click()
    expect(page.get_by_role("status")).to_contain_text("The concordance entry is saved.")
    row = page.get_by_role("row", name="sector")
    expect(row).to_contain_text("Compared through the concordance")
    expect(row).to_contain_text("civil_society → ngo")
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
