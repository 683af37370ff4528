"""Respondents in a real browser: French, then Arabic, save, resume, submit; an open link; a closed wave."""

from playwright.sync_api import expect
from sqlmodel import select

from surveys.models import Answer, Response
from tests.factories import make_invitation, make_open_link, make_stakeholder, make_wave


def _actions(page, value: str):
    return page.locator(f".survey-actions button[value='{value}']")


def test_answer_in_french_switch_to_arabic_save_resume_and_submit(live_server, new_page, session):
    base = live_server.url
    wave = make_wave(session)
    person = make_stakeholder(session, name="Amina Diallo", email="amina@example.org", country="SN")
    invitation = make_invitation(session, wave=wave, stakeholder=person, language="fr")

    page = new_page("fr-FR")
    page.goto(f"{base}/survey/i/{invitation.token}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_text("Page 1 sur 1")).to_be_visible()  # the second page waits for "yes"
    page.get_by_label("[fr] Author").check()
    page.get_by_label("[fr] Other", exact=True).check()
    page.get_by_label("[fr] Other role, please specify").fill("conservatrice")
    page.get_by_label("[fr] Years of involvement").fill("75")
    page.get_by_label("[fr] Yes").check()
    _actions(page, "next").click()
    expect(page.locator("#q-years-error")).to_have_text("[fr] Between 0 and 60")
    expect(page.get_by_label("[fr] Other role, please specify")).to_have_value("conservatrice")
    page.get_by_label("[fr] Years of involvement").fill("12")

    page.get_by_role("button", name="العربية").click()  # the answers on the page are saved first
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_label("[ar] Author")).to_be_checked()
    expect(page.get_by_label("[ar] Years of involvement")).to_have_value("12")
    expect(page.get_by_label("[ar] Other role, please specify")).to_have_value("conservatrice")
    _actions(page, "save").click()
    expect(page.locator("h1")).to_be_visible()

    later = new_page("en-GB")  # another day, another browser: only the invitation link
    later.goto(f"{base}/survey/i/{invitation.token}")
    expect(later.locator("html")).to_have_attribute("dir", "rtl")  # the survey language is kept
    expect(later.get_by_label("[ar] Years of involvement")).to_have_value("12")
    _actions(later, "next").click()
    expect(later.locator("progress")).to_have_attribute("value", "2")
    grid = later.get_by_role("table")
    expect(grid.get_by_role("rowheader").first).to_contain_text("[ar] It is clear how to engage")
    later.locator("#q-clear_how-4").check()
    later.locator("#q-transparent-5").check()
    _actions(later, "next").click()
    expect(later.get_by_text("conservatrice")).to_be_visible()
    later.locator("form.stack button[type=submit]").click()
    expect(later.get_by_role("status")).to_be_visible()

    session.expire_all()
    response = session.exec(select(Response)).one()
    assert (response.status, response.language, response.country) == ("submitted", "ar", "SN")
    answers = {a.question: a for a in session.exec(select(Answer))}
    assert answers["roles"].value_text == "author other" and answers["years"].value_number == 12


def test_answer_through_an_open_link(live_server, new_page, session):
    base = live_server.url
    wave = make_wave(session)
    link = make_open_link(session, wave=wave, network="Youth Biodiversity Network")
    page = new_page("en-GB")
    page.goto(f"{base}/survey/o/{link.token}")
    expect(page.get_by_text("Youth Biodiversity Network")).to_be_visible()
    page.get_by_role("button", name="Start the survey").click()
    expect(page.get_by_text("Your private link to come back to your answers:")).to_be_visible()
    page.get_by_label("User").check()
    page.get_by_label("No").check()
    page.get_by_label("Years of involvement").fill("3")
    page.get_by_label("Years of involvement").press("Enter")  # Enter goes on, it does not switch language
    page.get_by_role("button", name="Submit your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are submitted")

    session.expire_all()
    response = session.exec(select(Response)).one()
    assert (response.status, response.open_link_id, response.stakeholder_id) == ("submitted", link.id, None)


def test_a_closed_wave_refuses(live_server, new_page, session):
    wave = make_wave(session, opens_in_days=-40, closes_in_days=-2)
    person = make_stakeholder(session)
    invitation = make_invitation(session, wave=wave, stakeholder=person)
    page = new_page("en-GB")
    page.goto(f"{live_server.url}/survey/i/{invitation.token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This survey is closed")
    expect(page.get_by_role("button")).to_have_count(0)
