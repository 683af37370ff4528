"""A focal point signs in, sees their own country's roster, and cannot reach another country's."""

from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD, FOCAL_KE, make_focal_point, make_organisation, make_stakeholder


def test_a_focal_point_sees_their_roster_and_is_refused_another_countrys(live_server, new_page, session):
    base = live_server.url
    make_focal_point(session, name="Achieng Odhiambo")
    make_stakeholder(
        session,
        name="Amina Wanjiru",
        email="amina@example.org",
        country="KE",
        share_with_focal_point=True,
        organisation=make_organisation(session, name="Nairobi Wetlands Trust", country="KE"),
    )
    make_stakeholder(session, name="Hidden Kamau", email="hidden.kamau@example.org", country="KE")
    fr_org = make_organisation(session, name="Institut Parisien", country="FR")
    make_stakeholder(
        session,
        name="Pierre Lefebvre",
        email="pierre@example.fr",
        country="FR",
        share_with_focal_point=True,
        organisation=fr_org,
    )

    page = new_page()
    page.goto(f"{base}/focal-point/roster")  # signed out: sent to the sign-in page, then back
    page.get_by_label("Email address").fill(FOCAL_KE)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Stakeholders in Kenya")
    table = page.get_by_role("table", name="Stakeholders who share their contact details with you")
    expect(table.get_by_role("rowheader", name="Amina Wanjiru")).to_be_visible()
    expect(table.get_by_role("link", name="amina@example.org")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("1 stakeholder has not consented to share their details")
    expect(page.locator("main")).not_to_contain_text("Hidden Kamau")

    # Filtering through the form keeps to Kenya.
    page.get_by_label("Name or organisation").fill("wetlands")
    page.get_by_role("button", name="Apply").click()
    expect(table.get_by_role("rowheader", name="Amina Wanjiru")).to_be_visible()

    # Editing the address to ask for France changes nothing: still Kenya, never a French name.
    for url in (
        "/focal-point/roster?country=FR",
        f"/focal-point/roster?organisation_id={fr_org.id}&region=WEOG",
        "/focal-point/roster?q=Pierre&country=FR",
        "/focal-point/region?country=FR",
    ):
        page.goto(base + url)
        expect(page.locator("main")).not_to_contain_text("Lefebvre")
        expect(page.locator("main")).not_to_contain_text("pierre@example.fr")
    page.goto(f"{base}/focal-point/roster?country=FR")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stakeholders in Kenya")

    # A URL naming the country does not exist, and the secretariat's registry is refused.
    page.goto(f"{base}/focal-point/roster/FR")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    response = page.goto(f"{base}/staff/registry/stakeholders?country=FR")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    expect(page.locator("main")).not_to_contain_text("Pierre")

    # The regional overview: counts only.
    page.goto(f"{base}/focal-point/region")
    expect(page.get_by_role("heading", level=1)).to_have_text("African States")
    expect(page.locator("main")).not_to_contain_text("Amina")
