"""A respondent answers on a 360×740 phone, left to right and right to left, by touch: every page fits the screen
and passes axe-core; a "please specify" box appears only once "Other" is ticked (and, without JavaScript, says
when it applies)."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from surveys.models import Answer, Response
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow, phone_context
from tests.factories import make_invitation, make_stakeholder, make_wave


def _checked(page):
    assert_no_horizontal_overflow(page)
    assert_accessible(page)


def _tag(language: str, text: str) -> str:
    """The factory's survey labels: English as is, "[ar] …" in Arabic."""
    return text if language == "en" else f"[{language}] {text}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_respondent_answers_the_whole_survey_on_a_phone(live_server, phone, session, language):
    wave = make_wave(session)
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session), language=language)
    page = phone(language)
    page.goto(f"{live_server.url}/survey/i/{invitation.token}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    specify = page.get_by_label(_tag(language, "Other role, please specify"))
    expect(specify).to_be_hidden()  # "Other" is not ticked
    _checked(page)

    other = page.get_by_label(_tag(language, "Other"), exact=True)
    other.tap()
    expect(specify).to_be_visible()
    specify.fill("seed bank curator")
    other.tap()
    expect(specify).to_be_hidden()
    other.tap()
    expect(specify).to_have_value("seed bank curator")  # hiding the box kept what was typed
    page.get_by_label(_tag(language, "Years of involvement")).fill("7")
    page.get_by_label(_tag(language, "Yes"), exact=True).tap()
    _checked(page)
    page.locator(".survey-actions button[value='next']").tap()

    expect(page.locator("progress")).to_have_attribute("value", "2")
    _checked(page)
    # One block per statement: each choice's name is shown beside its button, and tapping the name chooses it.
    statement = page.locator("#q-clear_how-field")
    statement.get_by_text(_tag(language, "Agree"), exact=True).tap()
    expect(page.locator("#q-clear_how-4")).to_be_checked()
    page.locator("#q-transparent-field").get_by_text(_tag(language, "Neutral"), exact=True).tap()
    page.locator(".survey-actions button[value='next']").tap()

    submit = page.locator("form.stack button[type=submit]")
    expect(submit).to_be_visible()
    _checked(page)
    box = submit.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 360, box  # on the screen, not off to one side
    expect(page.get_by_text("seed bank curator")).to_be_visible()
    submit.tap()
    expect(page.get_by_role("status")).to_be_visible()
    _checked(page)

    session.expire_all()
    assert session.exec(select(Response)).one().status == "submitted"
    answers = {a.question: a.value_text for a in session.exec(select(Answer))}
    assert answers["roles_other"] == "seed bank curator" and answers["clear_how"] == "4"


def test_without_javascript_a_please_specify_box_shows_and_says_when_it_applies(live_server, browser, session):
    wave = make_wave(session)
    invitation = make_invitation(session, wave=wave, stakeholder=make_stakeholder(session))
    context = phone_context(browser, "en", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/survey/i/{invitation.token}")
        specify = page.get_by_label("Other role, please specify")
        expect(specify).to_be_visible()
        expect(page.locator("label[for='q-roles_other']")).to_contain_text("(only if you chose “Other”)")
    finally:
        context.close()
