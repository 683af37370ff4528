"""The secretariat records a call for fellows and a nomination; the nominee sees it in their history."""

from playwright.sync_api import expect

from tests.browser.actions import sign_in
from tests.factories import SECRETARIAT, make_secretariat, make_stakeholder


def test_secretariat_records_a_nomination_that_the_stakeholder_then_sees(live_server, new_page, session):
    base = live_server.url
    make_secretariat(session)
    make_stakeholder(session, name="Amina Diallo", email="amina@example.org", country="SN")
    make_stakeholder(session, name="Olga Petrova", email="olga@example.org", country="PL")

    staff = new_page()
    sign_in(staff, base, SECRETARIAT)
    expect(staff.get_by_role("link", name="Secretariat Officer")).to_be_visible()
    staff.goto(f"{base}/staff/activities")
    staff.get_by_role("link", name="Record an activity").first.click()
    staff.get_by_label("Title").fill("Call for fellows 2026")
    staff.get_by_label("Type of activity").select_option("call_fellows")
    staff.get_by_label("Start date").fill("2026-02-01")
    staff.get_by_label("End date (optional)").fill("2026-01-01")  # a slip: before the start
    staff.get_by_label("Assessment or deliverable concerned").fill("Fellowship programme")
    staff.get_by_role("button", name="Save the activity").click()
    expect(staff.locator("#end_date-error")).to_have_text("The end date cannot be before the start date.")
    expect(staff.get_by_label("Title")).to_have_value("Call for fellows 2026")
    staff.get_by_label("End date (optional)").fill("2026-04-30")
    staff.get_by_role("button", name="Save the activity").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Call for fellows 2026")

    staff.get_by_label("Stakeholder's email address").fill("amina@example.org")
    staff.get_by_label("Role", exact=True).select_option("nominated")
    staff.get_by_role("button", name="Record the participation").click()
    expect(staff.get_by_role("status")).to_contain_text("The participation is recorded.")
    records = staff.get_by_role("table", name="Participation records of this activity")
    expect(records.get_by_role("row", name="Amina Diallo")).to_contain_text("Nominated")

    staff.goto(f"{base}/staff/activities")
    row = staff.get_by_role("row", name="Call for fellows 2026")
    expect(row).to_contain_text("Call for fellows")
    expect(row).to_contain_text("Feb 1, 2026")
    expect(row).to_contain_text("Nominated: 1")

    person = new_page()
    sign_in(person, base, "amina@example.org")
    person.goto(f"{base}/account/profile")
    person.get_by_role("navigation", name="Your account").get_by_role("link", name="Participation").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("My participation")
    history = person.get_by_role("table", name="IPBES activities you took part in, newest first")
    entry = history.get_by_role("row", name="Call for fellows 2026")
    expect(entry).to_contain_text("Nominated")
    expect(entry).to_contain_text("Feb 1, 2026")

    other = new_page()
    sign_in(other, base, "olga@example.org")
    other.goto(f"{base}/account/participation")
    expect(other.get_by_text("No participation is recorded for you yet.")).to_be_visible()
    expect(other.get_by_text("Call for fellows 2026")).to_have_count(0)
