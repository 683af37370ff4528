"""Register with a new organisation and consent to listing; appear once the secretariat approves it."""

from playwright.sync_api import expect

from tests.browser.actions import sign_in, start_registration
from tests.conftest import outbox_links
from tests.factories import SECRETARIAT, make_secretariat


def test_new_organisation_appears_in_the_public_register_after_approval(live_server, new_page, session):
    base = live_server.url
    make_secretariat(session)

    person = new_page()
    start_registration(person, base, "Sipho Ndlovu", "sipho@example.org", "baobab trees at dawn")
    person.get_by_label("Organisation", exact=True).select_option("new")
    person.get_by_label("Name of the organisation to propose").fill("Ubuntu Biodiversity Collective")
    person.get_by_label("Type of organisation").select_option("iplc")
    person.get_by_label("Country of headquarters").select_option("ZA")
    person.get_by_label("Country where you work").select_option("ZA")
    person.get_by_label("Category", exact=True).select_option("ilk")
    person.get_by_label("How do you relate to IPBES?").select_option("contributor")
    person.get_by_label("Sector").select_option("agriculture")
    person.get_by_label("Indigenous and local knowledge", exact=True).check()
    person.get_by_label("I agree that IPBES processes my data").check()
    person.get_by_label("List me in the public stakeholder register").check()
    person.get_by_role("button", name="Create my account").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Check your email")

    link = next(url for url in outbox_links(session, "sipho@example.org") if "/account/verify/" in url)
    person.goto(link)
    sign_in(person, base, "sipho@example.org", "baobab trees at dawn")

    visitor = new_page()
    visitor.goto(f"{base}/registry/?q=ndlovu")
    expect(visitor.get_by_text("Sipho Ndlovu")).to_have_count(0)  # organisation not approved yet

    staff = new_page()
    sign_in(staff, base, SECRETARIAT)
    staff.goto(f"{base}/staff/registry/organisations?status=pending")
    row = staff.get_by_role("row").filter(has_text="Ubuntu Biodiversity Collective")
    row.get_by_role("button", name="Approve").click()
    expect(staff.get_by_role("status")).to_contain_text("is approved")

    visitor.goto(f"{base}/registry/?q=ndlovu")
    expect(visitor.get_by_text("Sipho Ndlovu")).to_be_visible()
    expect(visitor.get_by_text("sipho@example.org")).to_have_count(0)
    visitor.get_by_role("link", name="Ubuntu Biodiversity Collective").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Ubuntu Biodiversity Collective")
    expect(visitor.get_by_text("Sipho Ndlovu")).to_be_visible()
