"""Repeats on a 360-px phone (issue 15), in Arabic: "Add another" and "Remove" are plain submit buttons, so they
work with JavaScript and without it (a nested repeat's within its parent's instance), keep what was typed, and the
instances reach the review page."""

import pytest
from playwright.sync_api import expect

from surveys.xlsform.reading import parse_xlsform
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow, phone_context
from tests.factories import make_instrument_version, make_invitation, make_stakeholder, make_wave
from tests.surveys import xlsform_builder as xb
from tests.surveys.test_loops import CHOICES as LOOP_CHOICES
from tests.surveys.test_loops import SURVEY as LOOP
from tests.surveys.test_nested_repeats import SURVEY as NESTED
from tests.surveys.test_respond_repeats import SURVEY


@pytest.mark.parametrize("script", [True, False], ids=["javascript", "no-javascript"])
def test_trips_are_added_typed_removed_and_reviewed(live_server, browser, session, script):
    definition = parse_xlsform(xb.workbook(SURVEY, [], {"form_id": "household"}), "household.xlsx")
    wave = make_wave(session, version=make_instrument_version(session, definition=definition, code="household"))
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session), language="ar")
    context = phone_context(browser, "ar", java_script_enabled=script)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/survey/i/{invitation.token}")
        page.locator("#q-size").fill("1")
        page.locator(".survey-actions button[value='next']").click()
        expect(page.locator("#q-member\\.1\\.name")).to_be_visible()  # the count gave one member
        page.locator("#q-member\\.1\\.name").fill("Ana")
        page.locator(".survey-actions button[value='next']").click()

        add = page.locator("button[value='add:trip']")
        add.click()
        page.locator("#q-trip\\.1\\.place").fill("Bonn")
        add.click()
        page.locator("#q-trip\\.2\\.place").fill("Paris")
        expect(page.locator("#q-trip\\.1\\.place")).to_have_value("Bonn")
        if script:  # both checks run scripts in the page
            assert_no_horizontal_overflow(page)
            assert_accessible(page)
        page.locator("button[value='remove:trip:1']").click()
        expect(page.locator("#q-trip\\.1\\.place")).to_have_value("Paris")
        expect(page.locator("#q-trip\\.2\\.place")).to_have_count(0)
        page.locator(".survey-actions button[value='next']").click()
        expect(page.get_by_text("Paris")).to_be_visible()  # the review page
        expect(page.get_by_text("Ana")).to_be_visible()
        if script:
            assert_no_horizontal_overflow(page)
    finally:
        context.close()


@pytest.mark.parametrize("script", [True, False], ids=["javascript", "no-javascript"])
def test_a_members_phones_are_added_typed_removed_and_reviewed_within_that_member(
    live_server, browser, session, script
):
    definition = parse_xlsform(xb.workbook(NESTED, [], {"form_id": "phones"}), "phones.xlsx")
    wave = make_wave(session, version=make_instrument_version(session, definition=definition, code="phones"))
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session), language="ar")
    context = phone_context(browser, "ar", java_script_enabled=script)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/survey/i/{invitation.token}")
        page.locator("#q-size").fill("2")
        page.locator(".survey-actions button[value='next']").click()
        page.locator("#q-member\\.1\\.name").fill("Ana")
        page.locator("#q-member\\.2\\.name").fill("Bo")

        add = page.locator("button[value='add:member.2.phone']")  # the second member's phones
        add.click()
        page.locator("#q-member\\.2\\.phone\\.1\\.number").fill("5550")
        add.click()
        page.locator("#q-member\\.2\\.phone\\.2\\.number").fill("7770")
        expect(page.locator("#q-member\\.2\\.phone\\.1\\.number")).to_have_value("5550")
        expect(page.locator("#q-member\\.1\\.name")).to_have_value("Ana")  # the parents' answers are kept
        expect(page.locator("#repeat-member\\.1\\.phone .repeat-instance")).to_have_count(0)
        answering = page.url
        if script:  # both checks run scripts in the page
            assert_no_horizontal_overflow(page)
            assert_accessible(page)
        page.locator("button[value='remove:member.2.phone:1']").click()
        expect(page.locator("#q-member\\.2\\.phone\\.1\\.number")).to_have_value("7770")
        expect(page.locator("#q-member\\.2\\.phone\\.2\\.number")).to_have_count(0)
        page.locator(".survey-actions button[value='next']").click()
        expect(page.get_by_text("7770")).to_be_visible()  # the review page
        expect(page.get_by_text("Bo", exact=True)).to_be_visible()
        if not script:  # the page as answered without scripts, checked in a context that may run them
            context.close()
            context = phone_context(browser, "ar")
            page = context.new_page()
            page.goto(answering)
            expect(page.locator("#q-member\\.2\\.phone\\.1\\.number")).to_have_value("7770")
        assert_no_horizontal_overflow(page)
        assert_accessible(page)
    finally:
        context.close()


def test_a_loop_is_answered_once_per_choice_without_javascript(live_server, browser, session):
    definition = parse_xlsform(xb.workbook(LOOP, LOOP_CHOICES, {"form_id": "toilets"}), "toilets.xlsx")
    wave = make_wave(session, version=make_instrument_version(session, definition=definition, code="toilets"))
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session), language="ar")
    context = phone_context(browser, "ar", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/survey/i/{invitation.token}")
        expect(page.locator(".repeat-instance legend")).to_have_text(
            ["[ar] Pit Latrine", "[ar] Bucket"]
        )  # a fieldset per choice
        expect(page.get_by_text("[ar] How many [ar] Bucket are on the premises?")).to_be_visible()
        page.locator("#q-per_toilet\\.1\\.number").fill("2")
        page.locator("#q-per_toilet\\.2\\.number").fill("1")
        answering = page.url
        page.locator(".survey-actions button[value='next']").click()
        expect(page.locator("h3")).to_have_text(["[ar] Pit Latrine", "[ar] Bucket"])  # the review page
        context.close()
        context = phone_context(browser, "ar")  # the page as answered, checked where scripts may run
        page = context.new_page()
        page.goto(answering)
        expect(page.locator("#q-per_toilet\\.2\\.number")).to_have_value("1")
        assert_no_horizontal_overflow(page)
        assert_accessible(page)
    finally:
        context.close()
