"""Anyone reports an impact; it shows publicly only once the secretariat publishes it, without the submitter."""

from playwright.sync_api import expect

from tests.browser.actions import sign_in
from tests.factories import SECRETARIAT, make_secretariat

TITLE = "Kenya's biodiversity strategy draws on the pollination assessment"


def test_a_reported_impact_is_public_only_after_moderation(live_server, new_page, session):
    base = live_server.url
    make_secretariat(session)

    visitor = new_page()
    visitor.goto(f"{base}/impact/submit")
    visitor.get_by_label("Title").fill(TITLE)
    visitor.get_by_label("Type of impact").select_option("policy")
    visitor.get_by_label("Scale").select_option("national")
    visitor.get_by_label("Country").select_option("KE")
    visitor.get_by_label("What changed, and how IPBES contributed").fill("The strategy cites the assessment.")
    visitor.get_by_label("Link to evidence").fill("javascript:alert(1)")  # refused: not a web address
    visitor.get_by_label("Your email address").fill("reporter@example.org")
    visitor.get_by_role("button", name="Send the record").click()
    expect(visitor.get_by_text("A web address starts with http:// or https://.")).to_be_visible()
    expect(visitor.get_by_label("Title")).to_have_value(TITLE)  # nothing typed is lost
    visitor.get_by_label("Link to evidence").fill("https://example.org/strategy.pdf")
    visitor.get_by_role("button", name="Send the record").click()
    expect(
        visitor.get_by_text("Thank you. The secretariat will check your record before publishing it.")
    ).to_be_visible()
    visitor.goto(f"{base}/impact")
    expect(visitor.get_by_text(TITLE)).to_have_count(0)  # pending: not public yet

    staff = new_page()
    sign_in(staff, base, SECRETARIAT)
    staff.goto(f"{base}/staff/records/impacts")
    row = staff.get_by_role("row", name=TITLE)
    expect(row).to_contain_text("reporter@example.org")
    row.get_by_role("button", name="Publish").click()
    expect(staff.get_by_text("The impact record is published.")).to_be_visible()

    visitor.goto(f"{base}/impact")
    expect(visitor.get_by_text(TITLE)).to_be_visible()
    expect(visitor.locator("main")).not_to_contain_text("reporter@example.org")
