"""XLSForm widgets on a 360-px phone. A cascading select (`choice_filter`) in Arabic: with JavaScript the county's
choices follow the state without a reload; without it, the "Update the choices" button rebuilds the page. A rank
(ordering choices) by choosing each choice's place, without dragging."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from surveys.models import Response
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow, phone_context
from tests.factories import make_instrument_version, make_invitation, make_stakeholder, make_wave
from tests.surveys.test_xlsform_rank import rank_form
from tests.surveys.test_xlsform_web_features import cascading_form


@pytest.mark.parametrize("script", [True, False], ids=["javascript", "no-javascript"])
def test_the_county_choices_follow_the_state_chosen(live_server, browser, session, script):
    wave = make_wave(session, version=make_instrument_version(session, definition=cascading_form()))
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session), language="ar")
    context = phone_context(browser, "ar", java_script_enabled=script)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/survey/i/{invitation.token}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        county, other = page.locator("#q-county-field"), page.locator("#q-other-field")
        expect(county.get_by_label("King")).to_have_count(0)  # no state yet: no county
        refresh = page.locator(".refresh-choices button").first
        if script:
            expect(refresh).to_be_hidden()
            page.evaluate("window.stillHere = true")
        page.get_by_label("Washington", exact=True).check()
        if not script:
            refresh.click()
        expect(county.get_by_label("King")).to_be_visible()
        expect(county.get_by_label("Brewster")).to_have_count(0)
        county.get_by_label("King").check()
        if not script:
            page.locator(".refresh-choices button").nth(1).click()
        expect(other.get_by_label("Pierce")).to_be_visible()
        expect(other.get_by_label("King")).to_have_count(0)  # "another county than the first"
        if script:
            assert page.evaluate("window.stillHere") is True  # narrowed in place, never reloaded
        expect(page.get_by_label("Washington", exact=True)).to_be_checked()
        if script:  # both checks run scripts in the page
            assert_no_horizontal_overflow(page)
            assert_accessible(page)

        other.get_by_label("Pierce").check()
        page.locator(".survey-actions button[value='next']").click()
        expect(page.locator("form.stack button[type=submit]")).to_be_visible()  # the review page
        session.expire_all()
        draft = session.exec(select(Response)).one().draft
        assert {key: draft.get(key) for key in ("state", "county", "other")} == {
            "state": "washington",
            "county": "king",
            "other": "pierce",
        }
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_rank_is_ordered_on_a_phone_by_choosing_places(live_server, phone, session, language):
    wave = make_wave(session, version=make_instrument_version(session, definition=rank_form()))
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session), language=language)
    page = phone(language)
    page.goto(f"{live_server.url}/survey/i/{invitation.token}")
    for fruit, place in (("Plum", "1 plum"), ("Apple", "2 apple"), ("Pear", "3 pear")):
        page.get_by_label(fruit, exact=True).select_option(place)
    assert_no_horizontal_overflow(page)
    assert_accessible(page)
    page.locator(".survey-actions button[value='next']").tap()

    expect(page.get_by_text("1. Plum; 2. Apple; 3. Pear")).to_be_visible()
    assert_no_horizontal_overflow(page)
