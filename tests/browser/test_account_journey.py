"""Register, confirm through the outbox, sign in, switch to Arabic, sign out."""

import re

from playwright.sync_api import expect

from tests.browser.actions import sign_in, start_registration
from tests.factories import DEFAULT_PASSWORD, SECRETARIAT, make_secretariat, make_user

SCREENSHOTS = None  # set to a folder path to keep screenshots while developing


def test_register_verify_sign_in_switch_to_arabic_and_sign_out(live_server, new_page, session):
    base = live_server.url
    make_secretariat(session)

    person = new_page()
    start_registration(person, base, "Layla Haddad", "layla@example.org", "olive trees by the sea")
    person.get_by_label("Preferred language").select_option("en")
    person.get_by_label("Country where you work").select_option("LB")
    person.get_by_label("Category", exact=True).select_option("science")
    person.get_by_label("How do you relate to IPBES?").select_option("contributor")
    person.get_by_label("Sector").select_option("academia")
    person.get_by_label("I agree that IPBES processes my data").check()
    person.get_by_role("button", name="Create my account").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Check your email")

    # The secretariat reads the development outbox and finds the confirmation link.
    staff = new_page()
    sign_in(staff, base, SECRETARIAT)
    menu = staff.get_by_role("navigation", name="Main")
    menu.locator("summary", has_text="Administration").click()  # the staff menu groups open as disclosures
    menu.get_by_role("link", name="Outbox").click()
    staff.get_by_role("link", name="Confirm your email address").click()
    link = staff.locator("pre.mail-body a").first.get_attribute("href")
    assert re.match(rf"{re.escape(base)}/account/verify/\S+", link)

    person.goto(link)
    expect(person.get_by_role("status")).to_contain_text("Your email address is confirmed")
    sign_in(person, base, "layla@example.org", "olive trees by the sea")
    expect(person.get_by_role("link", name="Layla Haddad")).to_be_visible()

    person.get_by_role("button", name="العربية").click()
    expect(person.locator("html")).to_have_attribute("dir", "rtl")
    expect(person.locator("html")).to_have_attribute("lang", "ar")
    expect(person.get_by_role("link", name="Layla Haddad")).to_be_visible()
    if SCREENSHOTS:
        person.screenshot(path=f"{SCREENSHOTS}/home-ar.png", full_page=True)

    person.locator("form[action$='/account/logout'] button").click()
    expect(person.locator("html")).to_have_attribute("dir", "rtl")  # the language stays after signing out
    expect(person.get_by_role("link", name="Layla Haddad")).to_have_count(0)
    person.goto(f"{base}/account/")
    assert "/account/login" in person.url


def test_keyboard_user_can_skip_to_content_and_sign_in(live_server, new_page, session):
    make_user(session, email="someone@example.org")
    page = new_page()
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.goto(f"{live_server.url}/account/login")
    expect(page.get_by_label("Email address")).to_be_focused()  # autofocus on the first field
    page.keyboard.type("someone@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Test Person")).to_be_visible()
