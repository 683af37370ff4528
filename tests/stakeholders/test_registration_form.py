"""The registration and profile forms as a person meets them: nothing preselected, nothing typed
thrown away, only organisations a person may join offered and accepted."""

from sqlmodel import func, select

from core.accounts.models import User
from stakeholders.models import Organisation, Stakeholder
from tests.factories import make_organisation, make_stakeholder
from tests.stakeholders.test_self_service import FORM


def _select(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[page.rindex("<select", 0, start) : page.index("</select>", start)]


# --- gender (issue 17.5) ---------------------------------------------------------------------


def test_gender_has_no_answer_preselected(client):
    select_tag = _select(client.get("/account/register").get_data(as_text=True), "gender")
    assert "selected" not in select_tag
    assert 'value=""' in select_tag.split("<option", 2)[1]  # the first option is the empty "Choose…"
    assert "required" in select_tag.split(">", 1)[0]


def test_a_skipped_gender_is_refused_with_the_fields_message(client, session):
    data = {**FORM}
    del data["gender"]
    page = client.post("/account/register", data=data).get_data(as_text=True)
    assert "Choose an answer, or &#34;Prefer not to say&#34;." in page or 'Choose an answer, or "Prefer' in page
    assert session.exec(select(func.count()).select_from(User)).one() == 0


def test_the_profile_page_preselects_no_gender_for_a_new_profile(client, session, auth):
    from tests.factories import make_user

    make_user(session, email="new@example.org")
    auth.login("new@example.org")
    assert "selected" not in _select(client.get("/account/profile").get_data(as_text=True), "gender")


# --- which organisation a person may attach (issue 18.6) -------------------------------------

PROFILE = {
    "name": "Grace Mensah",
    "country": "GH",
    "category": "policymaker",
    "stakeholder_type": "end_user",
    "gender": "female",
    "sector": "government",
}


def _signed_in(session, auth, email="grace@example.org"):
    stakeholder = make_stakeholder(session, name="Grace Mensah", email=email, country="GH")
    auth.login(email)
    return stakeholder


def _organisation_after(session, stakeholder):
    session.expire_all()
    return session.get(Stakeholder, stakeholder.id).organisation_id


def test_a_profile_cannot_join_someone_elses_pending_or_rejected_proposal(client, session, auth):
    pending = make_organisation(session, name="Someone's pending idea", status="pending")
    rejected = make_organisation(session, name="A rejected proposal", status="rejected")
    stakeholder = _signed_in(session, auth)
    for organisation in (pending, rejected):
        response = client.post("/account/profile", data={**PROFILE, "organisation": str(organisation.id)})
        assert response.status_code == 200
        assert "Unknown organisation." in response.get_data(as_text=True)
        assert _organisation_after(session, stakeholder) is None


def test_a_profile_can_join_an_approved_organisation_or_keep_its_own_proposal(client, session, auth):
    approved = make_organisation(session, name="Ghana Biodiversity Institute", country="GH")
    stakeholder = _signed_in(session, auth)
    assert client.post("/account/profile", data={**PROFILE, "organisation": str(approved.id)}).status_code == 302
    assert _organisation_after(session, stakeholder) == approved.id

    own = make_organisation(session, name="Grace's own proposal", status="pending")
    own.proposed_by_id = stakeholder.user_id
    session.add(own)
    session.commit()
    assert client.post("/account/profile", data={**PROFILE, "organisation": str(own.id)}).status_code == 302
    assert _organisation_after(session, stakeholder) == own.id


def test_a_non_numeric_organisation_is_a_form_error_not_a_server_error(client, session, auth):
    stakeholder = _signed_in(session, auth)
    for value in ("abc", "-1", "99999999999999999999999"):
        response = client.post("/account/profile", data={**PROFILE, "organisation": value})
        assert response.status_code == 200, value
        assert 'id="organisation-error"' in response.get_data(as_text=True), value
    assert _organisation_after(session, stakeholder) is None


def test_registration_refuses_a_pending_organisation_by_id(client, session):
    pending = make_organisation(session, name="Pending elsewhere", status="pending")
    page = client.post("/account/register", data={**FORM, "organisation": str(pending.id)}).get_data(as_text=True)
    assert "Unknown organisation." in page
    assert session.exec(select(func.count()).select_from(Stakeholder)).one() == 0
    assert session.exec(select(func.count()).select_from(Organisation)).one() == 1


# --- a proposed organisation typed while the menu says "None" (issue 17.6) -------------------


def test_a_typed_organisation_is_proposed_even_when_the_menu_says_none(client, session):
    proposal = {"new_organisation_name": "Colectivo Quechua", "new_organisation_type": "iplc"}
    response = client.post("/account/register", data={**FORM, "organisation": "", **proposal})
    assert response.status_code == 200 and "tupac@example.org" in response.get_data(as_text=True)
    stakeholder = session.exec(select(Stakeholder)).one()
    organisation = session.get(Organisation, stakeholder.organisation_id)
    assert (organisation.name, organisation.status) == ("Colectivo Quechua", "pending")


def test_a_typed_organisation_without_its_type_is_asked_for_and_kept(client, session):
    page = client.post(
        "/account/register", data={**FORM, "organisation": "", "new_organisation_name": "Colectivo Quechua"}
    ).get_data(as_text=True)
    assert "Choose the type of the organisation." in page and 'value="Colectivo Quechua"' in page
    assert session.exec(select(func.count()).select_from(User)).one() == 0


def test_a_typed_organisation_beside_a_chosen_one_is_asked_about_and_kept(client, session):
    listed = make_organisation(session, name="Museo de Historia Natural", country="PE")
    page = client.post(
        "/account/register",
        data={**FORM, "organisation": str(listed.id), "new_organisation_name": "Colectivo Quechua"},
    ).get_data(as_text=True)
    assert "typed another" in page and 'value="Colectivo Quechua"' in page
    assert session.exec(select(func.count()).select_from(User)).one() == 0


# --- the organisation menu, searchable without JavaScript (issue 17.7) -----------------------


def test_the_organisation_search_narrows_the_menu_and_keeps_what_was_typed(client, session):
    make_organisation(session, name="Museo de Historia Natural", country="PE")
    make_organisation(session, name="Kenya Wildlife Service", country="KE", acronym="KWS")
    response = client.post(
        "/account/register", data={**FORM, "organisation_search": "historia", "find_organisation": "1"}
    )
    page = response.get_data(as_text=True)
    menu = _select(page, "organisation")
    assert "Museo de Historia Natural" in menu and "Kenya Wildlife Service" not in menu
    assert 'value="Community leader"' in page and 'value="historia"' in page
    assert "This consent is needed" not in page  # a search is not a submission
    assert session.exec(select(func.count()).select_from(User)).one() == 0
    by_acronym = client.post("/account/register", data={"organisation_search": "kws", "find_organisation": "1"})
    assert "Kenya Wildlife Service" in _select(by_acronym.get_data(as_text=True), "organisation")


def test_the_organisation_menu_is_sorted_by_collation(client, session):
    for name in ("Zoological Society", "Écoles du Sahel", "Institut Pasteur"):
        make_organisation(session, name=name, country=None)
    menu = _select(client.get("/account/register").get_data(as_text=True), "organisation")
    assert menu.index("Écoles du Sahel") < menu.index("Institut Pasteur") < menu.index("Zoological Society")


def test_languages_are_named_in_themselves(client):
    client.set_cookie("lang", "fr")
    menu = _select(client.get("/account/register").get_data(as_text=True), "locale")
    for name in ("English", "Español", "Русский", "中文", "العربية"):
        assert name in menu


def test_required_fields_are_marked_before_submitting(client):
    page = client.get("/account/register").get_data(as_text=True)
    # The marker stands right after the label, before the field.
    label = page[page.index('<label for="country"') : page.index('id="country"')]
    assert "(required)" in label and 'aria-hidden="true"' in label
    assert "required" in page[page.index('id="country"') - 200 : page.index('id="country"') + 60]
    optional = page[page.index('<label for="job_title"') : page.index('id="job_title"')]
    assert "(required)" not in optional


def test_a_privacy_notice_is_linked_beside_the_required_consent(client):
    page = client.get("/account/register").get_data(as_text=True)
    consent = page.index('id="data_processing"')
    assert 'href="/privacy"' in page[consent : consent + 900]
    notice = client.get("/privacy")
    assert notice.status_code == 200 and "never published" in notice.get_data(as_text=True)
    client.set_cookie("lang", "fr")
    assert "Privacy notice" not in client.get("/privacy").get_data(as_text=True)
