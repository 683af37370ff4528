"""The public register, public organisation pages and the public list of national focal points."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from core.reference.countries import add_territory
from core.timeutil import utcnow
from stakeholders.models import ObserverAdmission, OrganisationName
from tests.factories import make_focal_point, make_organisation, make_stakeholder


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(response.get_data(as_text=True))


def _listed(response) -> list[str]:
    """Names in the first column of the result table, in order."""
    return [unescape(name) for name in re.findall(r'<th scope="row">([^<]*)</th>', response.get_data(as_text=True))]


def _next_link(response) -> str | None:
    found = re.search(r'<a rel="next" href="([^"]+)"', response.get_data(as_text=True))
    return unescape(found.group(1)) if found else None


# --- who appears --------------------------------------------------------------------------


def test_only_consenting_active_people_of_approved_organisations_appear(client, session):
    approved = make_organisation(session, name="Approved Institute")
    pending = make_organisation(session, name="Pending Institute", status="pending")
    rejected = make_organisation(session, name="Rejected Institute", status="rejected")
    make_stakeholder(session, name="Listed Member", organisation=approved)
    make_stakeholder(session, name="Listed Alone")
    make_stakeholder(session, name="Did Not Consent", public_listing=False, organisation=approved)
    make_stakeholder(session, name="Waiting Member", organisation=pending)
    make_stakeholder(session, name="Refused Member", organisation=rejected)
    make_stakeholder(session, name="Switched Off", is_active=False)

    response = client.get("/registry/")
    assert _listed(response) == ["Listed Alone", "Listed Member"]
    page = _text(response)
    assert "2 stakeholders" in page
    for hidden in (
        "Did Not Consent",
        "Waiting Member",
        "Refused Member",
        "Switched Off",
        "Pending Institute",
        "Rejected Institute",
    ):
        assert hidden not in page


def test_withdrawing_consent_removes_a_person(client, session):
    from stakeholders import services

    person = make_stakeholder(session, name="Changes Mind")
    assert _listed(client.get("/registry/")) == ["Changes Mind"]
    services.record_consents(session, person, {"public_listing": False})
    session.commit()
    assert _listed(client.get("/registry/")) == []


def test_no_contact_detail_ever_appears(client, session):
    organisation = make_organisation(session, name="Contact Test Institute", country="FR")
    people = [
        make_stakeholder(
            session,
            name=f"Person {n}",
            email=f"secret.address.{n}@example.org",
            phone=f"+33 6 12 34 56 {n:02d}",
            organisation=organisation if n % 2 else None,
            share_with_focal_point=True,
            communication=("email", "phone"),
        )
        for n in range(6)
    ]
    pages = [
        client.get("/registry/"),
        client.get("/registry/?q=person&sort=-name"),
        client.get(f"/registry/organisations/{organisation.id}"),
        client.get("/focal-points"),
    ]
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "@example.org" not in html and "secret.address" not in html
        assert "12 34 56" not in html and "+33" not in html
    assert len(_listed(pages[0])) == len(people)


# --- search, filters, sort, pages ---------------------------------------------------------


def test_search_by_name_and_by_organisation(client, session):
    ecology = make_organisation(session, name="Instituto de Ecología", country="MX")
    make_stakeholder(session, name="José Núñez", country="MX")
    make_stakeholder(session, name="Ana Ruiz", organisation=ecology, country="MX")
    make_stakeholder(session, name="Someone Else")
    assert _listed(client.get("/registry/?q=jose+nunez")) == ["José Núñez"]
    response = client.get("/registry/?q=ECOLOGIA")
    assert _listed(response) == ["Ana Ruiz"]
    assert 'value="ECOLOGIA"' in response.get_data(as_text=True)  # what was typed stays in the box


def test_each_filter_narrows_the_list(client, session):
    make_stakeholder(
        session,
        name="Kenyan Scientist",
        country="KE",
        category="science",
        stakeholder_type="contributor",
        knowledge_systems=("scientific",),
    )
    make_stakeholder(
        session,
        name="French Holder",
        country="FR",
        category="ilk",
        stakeholder_type="end_user",
        knowledge_systems=("ilk",),
    )
    make_stakeholder(
        session,
        name="Peruvian Practitioner",
        country="PE",
        category="practitioner",
        stakeholder_type="both",
        knowledge_systems=("practitioner", "citizen_science"),
    )
    assert _listed(client.get("/registry/?country=KE")) == ["Kenyan Scientist"]
    assert _listed(client.get("/registry/?region=WEOG")) == ["French Holder"]
    assert _listed(client.get("/registry/?region=GRULAC")) == ["Peruvian Practitioner"]
    assert _listed(client.get("/registry/?category=ilk")) == ["French Holder"]
    assert _listed(client.get("/registry/?stakeholder_type=both")) == ["Peruvian Practitioner"]
    assert _listed(client.get("/registry/?knowledge_system=citizen_science")) == ["Peruvian Practitioner"]
    assert _listed(client.get("/registry/?region=AFR&category=ilk")) == []
    page = client.get("/registry/?country=KE&category=science").get_data(as_text=True)
    assert '<option value="KE" selected>' in page and '<option value="science" selected>' in page


def test_gender_is_not_a_public_filter(client, session):
    make_stakeholder(session, name="Amina Female", gender="female")
    make_stakeholder(session, name="Omar Male", gender="male")
    assert _listed(client.get("/registry/?gender=female")) == ["Amina Female", "Omar Male"]
    assert 'name="gender"' not in client.get("/registry/").get_data(as_text=True)


def test_sorts(client, session):
    zeta = make_organisation(session, name="Zeta Network", country="BR")
    alpha = make_organisation(session, name="Alpha Foundation", country="BR")
    make_stakeholder(session, name="Bruno Costa", country="BR", category="science", organisation=zeta)
    make_stakeholder(session, name="Aiko Tanaka", country="JP", category="policymaker")
    make_stakeholder(session, name="Chloé Martin", country="FR", category="media", organisation=alpha)
    assert _listed(client.get("/registry/")) == ["Aiko Tanaka", "Bruno Costa", "Chloé Martin"]
    assert _listed(client.get("/registry/?sort=-name")) == ["Chloé Martin", "Bruno Costa", "Aiko Tanaka"]
    assert _listed(client.get("/registry/?sort=country")) == ["Bruno Costa", "Chloé Martin", "Aiko Tanaka"]
    assert _listed(client.get("/registry/?sort=category")) == ["Chloé Martin", "Aiko Tanaka", "Bruno Costa"]
    assert _listed(client.get("/registry/?sort=newest")) == ["Chloé Martin", "Aiko Tanaka", "Bruno Costa"]
    by_organisation = _listed(client.get("/registry/?sort=organisation"))
    assert by_organisation.index("Chloé Martin") < by_organisation.index("Bruno Costa")
    assert _listed(client.get("/registry/?sort=nonsense")) == ["Aiko Tanaka", "Bruno Costa", "Chloé Martin"]


def test_pages_keep_the_filters(client, session):
    for n in range(7):
        make_stakeholder(session, name=f"Scientist {n:02d}", country="KE", category="science")
    make_stakeholder(session, name="Kenyan Journalist", country="KE", category="media")
    make_stakeholder(session, name="Scientist In France", country="FR", category="science")

    first = client.get("/registry/?country=KE&category=science&sort=-name&per_page=3")
    assert _listed(first) == ["Scientist 06", "Scientist 05", "Scientist 04"]
    assert "7 stakeholders" in _text(first) and "Page 1 of 3" in _text(first)
    link = _next_link(first)
    for kept in ("country=KE", "category=science", "sort=-name", "per_page=3", "page=2"):
        assert kept in link
    second = client.get(link)
    assert _listed(second) == ["Scientist 03", "Scientist 02", "Scientist 01"]
    third = client.get(_next_link(second))
    assert _listed(third) == ["Scientist 00"] and _next_link(third) is None
    assert 'rel="prev"' in third.get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "more_than", "page_two"),
    [
        ("en", "More than 5 stakeholders", "Page 2"),
        ("fr", "Plus de 5 parties prenantes", "Page 2"),
        ("ar", "أكثر من 5 من أصحاب المصلحة", "الصفحة 2"),
        ("zh", "超过5个利益攸关方", "第2页"),
    ],
)
def test_past_the_cap_the_register_says_more_than_and_still_pages_to_the_end(
    client, session, monkeypatch, language, more_than, page_two
):
    monkeypatch.setattr("stakeholders.views.public.COUNT_CAP", 5)  # 10,000 in production
    for n in range(8):
        make_stakeholder(session, name=f"Scientist {n:02d}", category="science")
    make_stakeholder(session, name="Journalist", category="media")
    client.set_cookie("lang", language)

    first = client.get("/registry/?category=science&per_page=3")
    assert re.search(r'<p role="status">([^<]*)</p>', _text(first)).group(1) == more_than
    second = client.get(_next_link(first))
    assert _listed(second) == ["Scientist 03", "Scientist 04", "Scientist 05"]
    assert page_two in _text(second) and 'rel="prev"' in second.get_data(as_text=True)
    third = client.get(_next_link(second))
    assert _listed(third) == ["Scientist 06", "Scientist 07"] and _next_link(third) is None
    # Under the cap the count is exact, as before.
    client.set_cookie("lang", "en")
    assert "1 stakeholder</p>" in _text(client.get("/registry/?category=media"))


def test_organisation_names_link_to_their_page_in_the_readers_language(client, session):
    organisation = make_organisation(session, name="World Wildlife Fund", country="CH")
    session.add(OrganisationName(organisation_id=organisation.id, language="fr", name="Fonds mondial pour la nature"))
    session.commit()
    make_stakeholder(session, name="Marie Dubois", organisation=organisation, country="FR")
    link = f'href="/registry/organisations/{organisation.id}"'
    english = client.get("/registry/").get_data(as_text=True)
    assert link in english and "World Wildlife Fund" in english
    french = _text(client.get("/registry/", headers={"Accept-Language": "fr"}))
    assert "Fonds mondial pour la nature" in french and "World Wildlife Fund" not in french


# --- organisation pages -------------------------------------------------------------------


def test_organisation_page_shows_its_facts_and_only_public_members(client, session):
    organisation = make_organisation(
        session, name="Biodiversity Research Institute", acronym="BRI", country="KE", org_type="research"
    )
    organisation.website = "https://bri.example.org"
    session.add(
        OrganisationName(
            organisation_id=organisation.id, language="es", name="Instituto de Investigación sobre Biodiversidad"
        )
    )
    session.add(ObserverAdmission(organisation_id=organisation.id, plenary_session="IPBES-10", year=2023))
    session.commit()
    other = make_organisation(session, name="Other Body")
    make_stakeholder(session, name="Public Member", organisation=organisation, phone="+254 700 000 001")
    make_stakeholder(session, name="Private Member", organisation=organisation, public_listing=False)
    make_stakeholder(session, name="Gone Member", organisation=organisation, is_active=False)
    make_stakeholder(session, name="Member Elsewhere", organisation=other)

    response = client.get(f"/registry/organisations/{organisation.id}")
    page = _text(response)
    assert _listed(response) == ["Public Member"]
    assert "1 listed member" in page
    assert "Biodiversity Research Institute (BRI)" in page
    assert "Instituto de Investigación sobre Biodiversidad" in page
    assert "Research or academic institution" in page and "Kenya" in page
    assert '<a href="https://bri.example.org" rel="nofollow noopener">' in page
    assert "IPBES-10" in page and "2023" in page
    assert "+254" not in page and "@example.org" not in page


def test_organisation_page_members_are_paginated(client, session):
    organisation = make_organisation(session, name="Large Network", org_type="network")
    for n in range(27):
        make_stakeholder(session, name=f"Member {n:02d}", organisation=organisation)
    first = client.get(f"/registry/organisations/{organisation.id}")
    assert len(_listed(first)) == 25 and "27 listed members" in _text(first)
    second = client.get(_next_link(first))
    assert _listed(second) == ["Member 25", "Member 26"]


@pytest.mark.parametrize("status", ["pending", "rejected", "merged"])
def test_organisation_page_is_missing_unless_approved(client, session, status):
    survivor = make_organisation(session, name="Survivor")
    hidden = make_organisation(session, name="Hidden Body", status=status)
    if status == "merged":
        hidden.merged_into_id = survivor.id
        session.add(hidden)
        session.commit()
    make_stakeholder(session, name="Member Of Hidden", organisation=hidden)
    response = client.get(f"/registry/organisations/{hidden.id}")
    assert response.status_code == 404
    assert "Member Of Hidden" not in response.get_data(as_text=True)
    assert client.get("/registry/organisations/999999").status_code == 404


def test_an_unsafe_website_is_not_a_link(client, session):
    organisation = make_organisation(session, name="Odd Website Body")
    organisation.website = "javascript:alert(1)"
    session.add(organisation)
    session.commit()
    page = client.get(f"/registry/organisations/{organisation.id}").get_data(as_text=True)
    assert "javascript:" not in page


# --- focal points -------------------------------------------------------------------------


def test_focal_point_list_shows_only_assignments_in_force(client, session):
    today = utcnow().date()
    make_focal_point(
        session, email="current.ke@gov.example", name="Grace Wanjiru", country="KE", ministry="Ministry of Environment"
    )
    make_focal_point(
        session,
        email="alternate.ke@gov.example",
        name="Peter Kamau",
        country="KE",
        kind="alternate",
        ministry="Kenya Wildlife Service",
        end=today,
    )
    make_focal_point(
        session, email="ended.ke@gov.example", name="Former Focal", country="KE", end=today - timedelta(days=1)
    )
    make_focal_point(
        session, email="future.de@gov.example", name="Future Focal", country="DE", start=today + timedelta(days=1)
    )
    make_focal_point(
        session,
        email="current.de@gov.example",
        name="Hans Müller",
        country="DE",
        ministry="Bundesministerium für Umwelt",
    )
    make_focal_point(session, email="blocked.fr@gov.example", name="Blocked Account", country="FR", active=False)

    page = _text(client.get("/focal-points"))
    for shown in (
        "Grace Wanjiru",
        "Ministry of Environment",
        "Peter Kamau",
        "Kenya Wildlife Service",
        "Hans Müller",
        "Bundesministerium für Umwelt",
        "Primary focal point",
        "Alternate focal point",
    ):
        assert shown in page
    for hidden in ("Former Focal", "Future Focal", "Blocked Account", "France", "@gov.example"):
        assert hidden not in page
    # Countries sorted by name, primary before alternate.
    assert page.index("Germany") < page.index("Kenya")
    assert page.index("Grace Wanjiru") < page.index("Peter Kamau")


def test_focal_point_list_in_french_sorts_by_french_country_names(client, session):
    make_focal_point(session, email="ke@gov.example", name="Grace Wanjiru", country="KE")
    make_focal_point(session, email="de@gov.example", name="Hans Müller", country="DE")
    make_focal_point(session, email="ae@gov.example", name="Fatima Al Mansouri", country="AE")
    page = _text(client.get("/focal-points", headers={"Accept-Language": "fr"}))
    assert "Allemagne" in page and "Kenya" in page and "Émirats arabes unis" in page
    assert "Germany" not in page
    assert page.index("Allemagne") < page.index("Kenya")


# --- languages ----------------------------------------------------------------------------


def test_register_in_french_names_countries_in_french(client, session):
    make_stakeholder(session, name="Kenyan Person", country="KE")
    make_stakeholder(session, name="German Person", country="DE")
    page = _text(client.get("/registry/", headers={"Accept-Language": "fr"}))
    assert '<html lang="fr"' in page
    assert "Allemagne" in page and "Kenya" in page and "Germany" not in page


@pytest.mark.parametrize("path", ["/registry/", "/focal-points", "organisation"])
def test_pages_render_right_to_left_in_arabic(client, session, path):
    organisation = make_organisation(session, name="Kenya Institute", country="KE")
    make_stakeholder(session, name="Kenyan Person", country="KE", organisation=organisation)
    make_focal_point(session, email="ke@gov.example", name="Grace Wanjiru", country="KE")
    if path == "organisation":
        path = f"/registry/organisations/{organisation.id}"
    client.set_cookie("lang", "ar")
    page = _text(client.get(path))
    assert '<html lang="ar" dir="rtl">' in page
    assert "كينيا" in page and "Kenya</td>" not in page  # Kenya, in Arabic


def test_the_register_needs_no_account(client, session):
    make_stakeholder(session, name="Open Person")
    for path in ("/registry/", "/focal-points"):
        response = client.get(path)
        assert response.status_code == 200 and "/account/login" not in response.headers.get("Location", "")


def _selected_countries(response) -> list[str]:
    form = response.get_data(as_text=True)
    countries = form[form.index('<select id="country"') : form.index("</select>", form.index('<select id="country"'))]
    return re.findall(r'<option value="([^"]*)" selected>', countries)


def test_the_country_filter_marks_only_the_chosen_country_on_every_request(client, session):
    make_stakeholder(session, name="Kenyan Person", country="KE")
    # The options are cached once rendered: each request still marks its own choice, and only it.
    assert _selected_countries(client.get("/registry/?country=ke")) == ["KE"]
    assert _selected_countries(client.get("/registry/?country=FR")) == ["FR"]
    assert _selected_countries(client.get("/registry/")) == []
    assert _selected_countries(client.get("/registry/?country=ZZ")) == []
    page = _text(client.get("/registry/?country=DE", headers={"Accept-Language": "fr"}))
    assert '<option value="DE" selected>Allemagne</option>' in page


def test_a_country_recorded_through_the_app_is_offered_at_once(client, session):
    assert "Atlantis" not in _text(client.get("/registry/"))
    add_territory(session=session, iso2="XQ", iso3="XQA", name_en="Atlantis")
    assert '<option value="XQ">Atlantis</option>' in _text(client.get("/registry/"))
