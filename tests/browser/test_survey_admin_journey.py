"""The secretariat creates a wave, adds an open link, sends invitations and finds them in the outbox."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from core.timeutil import utcnow
from tests.browser.actions import sign_in
from tests.factories import SECRETARIAT, make_instrument_version, make_secretariat, make_stakeholder


def test_secretariat_runs_a_wave_from_creation_to_invitations(live_server, new_page, session):
    base = live_server.url
    make_secretariat(session)
    make_instrument_version(session, code="annual-survey")
    make_stakeholder(session, name="Amina Diallo", email="amina@example.org", country="SN", category="science")
    make_stakeholder(session, name="Paul Martin", email="paul@example.org", country="FR", category="business")
    now = utcnow()  # the secretariat's account is in UTC, so local times are UTC times

    staff = new_page()
    sign_in(staff, base, SECRETARIAT)
    menu = staff.get_by_role("navigation", name="Main")
    menu.locator("summary", has_text="Surveys").click()  # the staff menu groups open as disclosures
    menu.get_by_role("link", name="Surveys", exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Survey waves")
    staff.get_by_role("link", name="New wave").click()
    staff.get_by_label("Instrument and version").select_option(label="Annual Survey, version 1")
    staff.get_by_label("Name", exact=True).fill("Annual survey 2026")
    staff.get_by_label("Year").fill("2026")
    staff.get_by_label("Opens at").fill((now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_label("Closes at").fill((now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_label("Categories").select_option(["science"])
    staff.get_by_role("button", name="Save the wave").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Annual survey 2026")
    expect(staff.locator("#wave-state")).to_have_text("Draft")
    expect(staff.get_by_text("1 active stakeholder")).to_be_visible()

    staff.get_by_role("button", name="Publish").click()
    expect(staff.locator("#wave-state")).to_have_text("Open")

    staff.get_by_label("Network or partner").fill("Future Earth")
    staff.get_by_role("button", name="Add an open link").click()
    expect(staff.get_by_role("status")).to_contain_text("A link for Future Earth is ready to share.")
    link = staff.get_by_label("Link for Future Earth")
    expect(link).to_have_value(re.compile(rf"^{base}/survey/o/[\w-]{{30,}}$"))

    wave_page = staff.url
    staff.get_by_role("button", name="Send invitations").click()
    # The invitations are a background job: its page shows how the mailing went.
    expect(staff.locator("[data-job-messages]")).to_contain_text("Invitations sent: 1.")
    staff.goto(wave_page)
    expect(staff.locator("#invited-count")).to_have_text("1")

    menu = staff.get_by_role("navigation", name="Main")
    menu.locator("summary", has_text="Administration").click()
    menu.get_by_role("link", name="Outbox").click()
    row = staff.get_by_role("row", name="amina@example.org")
    expect(row).to_contain_text("Your invitation: Test survey")
    expect(staff.get_by_text("paul@example.org")).to_have_count(0)  # not in the audience
    row.get_by_role("link").click()
    expect(staff.get_by_text(f"{base}/survey/i/")).to_be_visible()
