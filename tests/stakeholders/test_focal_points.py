"""National focal points: assignment by the secretariat, the roster of their own country (and
only theirs), the regional overview, and downloads."""

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.accounts.models import User
from core.audit import AuditEvent
from core.mail import OutboxMessage
from core.reference.countries import add_territory
from stakeholders import focal_points
from stakeholders.models import FocalPointAssignment
from stakeholders.schemas import AssignmentCreate
from tests.factories import FOCAL_KE, make_focal_point, make_organisation, make_stakeholder, make_user


@pytest.fixture
def kenya(session):
    """Two Kenyan stakeholders (one shares their details), one French who shares, a Kenyan focal point."""
    ke_org = make_organisation(session, name="Nairobi Wetlands Trust", country="KE", org_type="ngo")
    hidden_org = make_organisation(session, name="Quiet Cooperative of Kisumu", country="KE")
    fr_org = make_organisation(session, name="Institut Parisien de Biodiversité", country="FR")
    make_stakeholder(
        session,
        name="Amina Wanjiru",
        email="amina@example.org",
        country="KE",
        organisation=ke_org,
        share_with_focal_point=True,
        phone="0722 000 111",
        communication=("email", "phone"),
        category="science",
        gender="female",
        knowledge_systems=("scientific", "ilk"),
    )
    make_stakeholder(
        session,
        name="Hidden Kamau",
        email="hidden.kamau@example.org",
        country="KE",
        organisation=hidden_org,
        share_with_focal_point=False,
        category="ilk",
        gender="male",
        knowledge_systems=("ilk",),
    )
    make_stakeholder(
        session,
        name="Pierre Lefebvre",
        email="pierre@example.fr",
        country="FR",
        organisation=fr_org,
        share_with_focal_point=True,
        phone="01 23 45 67 89",
    )
    make_focal_point(session)
    return {"fr_org": fr_org, "ke_org": ke_org}


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- the roster ---------------------------------------------------------------------------


def test_roster_shows_consenting_details_and_only_counts_the_others(client, auth, kenya):
    auth.login(FOCAL_KE)
    page = page_of(client.get("/focal-point/roster"))
    assert "Stakeholders in Kenya" in page
    assert "2 stakeholders are registered in Kenya." in page
    assert "Amina Wanjiru" in page and "amina@example.org" in page and "0722 000 111" in page
    assert "Nairobi Wetlands Trust" in page and "Email, Phone" in page
    assert "1 stakeholder has not consented to share their details" in page
    for secret in ("Hidden Kamau", "hidden.kamau@example.org", "Quiet Cooperative of Kisumu"):
        assert secret not in page
    for foreign in ("Pierre Lefebvre", "pierre@example.fr", "Institut Parisien"):
        assert foreign not in page


def test_roster_counts_cover_the_whole_country_with_translated_labels(client, auth, session, kenya):
    auth.login(FOCAL_KE)
    page = page_of(client.get("/focal-point/roster"))
    for label, n in (
        ("Scientific community", 1),
        ("Indigenous and local knowledge holders", 1),
        ("Female", 1),
        ("Male", 1),
        ("Scientific knowledge", 1),
        ("Indigenous and local knowledge", 2),
    ):
        assert f'<th scope="row">{label}</th><td>{n}</td>' in page, label
    session.get(User, session.exec(select(User.id).where(User.email == FOCAL_KE)).one()).locale = "fr"
    session.commit()
    page = page_of(client.get("/focal-point/roster"))
    assert '<html lang="fr"' in page and "Kenya" in page


def test_roster_counts_follow_registrations_and_changes_at_once(client, auth, session, kenya):
    """The country's count and breakdowns are cached between pages; any registry write renews them."""
    auth.login(FOCAL_KE)
    assert "2 stakeholders are registered in Kenya." in page_of(client.get("/focal-point/roster"))
    newcomer = make_stakeholder(session, name="New Kenyan", country="KE", category="ilk", gender="female")
    page = page_of(client.get("/focal-point/roster?page=1"))
    assert "3 stakeholders are registered in Kenya." in page
    assert '<th scope="row">Female</th><td>2</td>' in page
    newcomer.is_active = False
    session.commit()
    page = page_of(client.get("/focal-point/roster"))
    assert "2 stakeholders are registered in Kenya." in page and '<th scope="row">Female</th><td>1</td>' in page


def test_roster_filtered_counts_are_cached_and_follow_writes_at_once(client, auth, session, kenya):
    """The counts of a filtered roster are cached between its pages; any registry write renews them."""
    auth.login(FOCAL_KE)
    page = page_of(client.get("/focal-point/roster?category=ilk"))
    assert "0 stakeholders match and share their details." in page
    assert "1 stakeholder has not consented" in page  # Hidden Kamau
    sharing = make_stakeholder(session, name="Shared Holder", country="KE", category="ilk", share_with_focal_point=True)
    make_stakeholder(session, name="Quiet Holder", country="KE", category="ilk")
    page = page_of(client.get("/focal-point/roster?category=ilk&page=1"))
    assert "1 stakeholder matches and shares their details." in page and "Shared Holder" in page
    assert "2 stakeholders have not consented" in page
    sharing.share_with_focal_point = False
    session.commit()
    page = page_of(client.get("/focal-point/roster?category=ilk"))
    assert "0 stakeholders match and share their details." in page and "Shared Holder" not in page
    assert "3 stakeholders have not consented" in page


def test_roster_filters_and_sorts(client, auth, session, kenya):
    make_stakeholder(
        session,
        name="Zawadi Otieno",
        email="zawadi@example.org",
        country="KE",
        share_with_focal_point=True,
        category="policymaker",
        gender="female",
    )
    auth.login(FOCAL_KE)
    page = page_of(client.get("/focal-point/roster?category=policymaker"))
    assert "Zawadi Otieno" in page and "Amina Wanjiru" not in page
    # The form offers the filters of the roster's own country only: no country or region to choose.
    assert '<option value="policymaker" selected>' in page and 'id="gender"' in page
    assert 'id="country"' not in page and 'id="region"' not in page and '<option value="country"' not in page
    page = page_of(client.get("/focal-point/roster?sort=-name"))
    assert page.index("Zawadi Otieno") < page.index("Amina Wanjiru")
    page = page_of(client.get("/focal-point/roster?q=wetlands"))
    assert "Amina Wanjiru" in page and "Zawadi Otieno" not in page
    page = page_of(client.get("/focal-point/roster?per_page=1&page=2"))
    assert "Zawadi Otieno" in page and "Amina Wanjiru" not in page and "Page 2 of 2" in page


def test_a_name_search_cannot_reveal_who_did_not_consent(client, auth, kenya):
    auth.login(FOCAL_KE)
    probing = page_of(client.get("/focal-point/roster?q=Hidden+Kamau"))
    control = page_of(client.get("/focal-point/roster?q=Nobody+At+All"))
    for page in (probing, control):
        echoed = page.replace("Hidden Kamau", "").replace("Hidden+Kamau", "")  # the query itself, in the form and links
        assert "Kamau" not in echoed and "Quiet Cooperative" not in page
        assert "hidden.kamau" not in page
        assert "1 stakeholder has not consented" in page
        assert "0 stakeholders match and share their details." in page


def test_downloads_hold_only_consenting_people_with_the_counts(client, auth, session, kenya):
    auth.login(FOCAL_KE)
    response = client.get("/focal-point/roster.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="roster-KE.csv"' in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Name", "Organisation", "Job title", "Email address"]
    assert rows[1][:4] == ["Amina Wanjiru", "Nairobi Wetlands Trust", "", "amina@example.org"]
    assert ["Registered stakeholders in the country", "2"] in rows
    assert ["Not consented to share their details (counted, not named)", "1"] in rows
    assert ["By category", "Indigenous and local knowledge holders", "1"] in rows
    for secret in ("Hidden Kamau", "hidden.kamau@example.org", "Quiet Cooperative", "Pierre", "pierre@example.fr"):
        assert secret not in text

    response = client.get("/focal-point/roster.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "amina@example.org" in cells
    assert not any(secret in cell for cell in cells for secret in ("Hidden Kamau", "hidden.kamau", "Pierre"))

    session.expire_all()
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "focal_point.roster_download")).all()
    assert [(e.target, e.details["format"], e.details["rows"]) for e in events] == [("KE", "csv", 1), ("KE", "xlsx", 1)]


def test_download_neutralises_spreadsheet_formulas(client, auth, session, kenya):
    make_stakeholder(
        session,
        name='=HYPERLINK("http://evil.example")',
        email="formula@example.org",
        country="KE",
        share_with_focal_point=True,
        phone="@SUM(1)",
    )
    auth.login(FOCAL_KE)
    rows = list(csv.reader(io.StringIO(client.get("/focal-point/roster.csv").get_data().decode("utf-8-sig"))))
    formula = next(row for row in rows if "formula@example.org" in row)
    assert formula[0] == '\'=HYPERLINK("http://evil.example")' and formula[4] == "'@SUM(1)"
    sheet = load_workbook(io.BytesIO(client.get("/focal-point/roster.xlsx").get_data())).active
    values = [c for row in sheet.iter_rows() for c in row if c.value == '\'=HYPERLINK("http://evil.example")']
    assert values and values[0].data_type == "s"


def test_the_kenyan_focal_point_cannot_see_french_stakeholders_in_any_way(client, auth, session, kenya):
    auth.login(FOCAL_KE)
    fr_org = kenya["fr_org"].id
    attempts = [
        "/focal-point/roster?country=FR",
        "/focal-point/roster?country=fr&region=WEOG",
        f"/focal-point/roster?organisation_id={fr_org}",
        "/focal-point/roster?q=Pierre",
        "/focal-point/roster?q=Lefebvre&country=FR",
        "/focal-point/roster?status=inactive&country=FR",
        "/focal-point/roster.csv?country=FR",
        f"/focal-point/roster.csv?organisation_id={fr_org}",
        "/focal-point/roster.xlsx?country=FR&region=WEOG",
        "/focal-point/region?country=FR",
        "/focal-point/region?region=WEOG",
    ]
    for url in attempts:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data()
        # What the URL itself says is echoed in the search box and links; nothing else may appear.
        for foreign in (b"Pierre", b"Lefebvre", b"pierre@example.fr", b"Institut Parisien", b"01 23 45 67 89"):
            if foreign.decode().lower() not in url.lower():
                assert foreign not in body, (url, foreign)
    # A country or organisation argument is dropped, not applied: the roster stays Kenya's.
    page = page_of(client.get(f"/focal-point/roster?country=FR&organisation_id={fr_org}"))
    assert "Amina Wanjiru" in page and "Stakeholders in Kenya" in page
    # No URL takes a country.
    for url in (
        "/focal-point/roster/FR",
        "/focal-point/FR/roster",
        "/focal-point/region/WEOG",
        "/focal-point/roster.csv/FR",
    ):
        assert client.get(url).status_code == 404, url
    # Nor can the focal point use the secretariat's registry.
    for url in (
        "/staff/registry/stakeholders?country=FR",
        "/staff/registry/stakeholders/export.csv?country=FR",
        f"/staff/registry/organisations/{fr_org}",
        "/staff/focal-points?country=FR",
    ):
        assert client.get(url).status_code == 403, url


def test_a_focal_point_rebound_to_another_country_sees_only_the_new_one(client, auth, session, kenya):
    user = session.exec(select(User).where(User.email == FOCAL_KE)).one()
    assignment = session.exec(select(FocalPointAssignment)).one()
    focal_points.end_assignment(session=session, assignment=assignment, end_date=date.today(), actor_id=None)
    focal_points.assign(
        session=session,
        actor_id=None,
        data=AssignmentCreate(email=FOCAL_KE, country="FR", start_date=date.today()),
    )
    session.refresh(user)
    assert (user.role, user.focal_country) == ("focal_point", "FR")
    auth.login(FOCAL_KE)
    page = page_of(client.get("/focal-point/roster?country=KE"))
    assert "Pierre Lefebvre" in page and "Amina Wanjiru" not in page


@pytest.mark.parametrize("role", ["stakeholder", "secretariat", "admin"])
def test_other_roles_are_refused_the_focal_point_pages(client, auth, session, kenya, role):
    make_user(session, email="other@example.org", role=role)
    auth.login("other@example.org")
    for url in ("/focal-point/roster", "/focal-point/roster.csv", "/focal-point/roster.xlsx", "/focal-point/region"):
        response = client.get(url)
        assert response.status_code == 403, (role, url)
        assert "Amina" not in response.get_data(as_text=True)
    assert client.post("/focal-point/digest", data={"digest_opt_in": "y"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, kenya):
    for url in ("/focal-point/roster", "/focal-point/roster.csv", "/focal-point/region", "/staff/focal-points"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"], url


def test_a_focal_point_whose_assignments_have_ended_is_refused(client, auth, session):
    make_stakeholder(session, name="Amina Wanjiru", email="amina@example.org", share_with_focal_point=True)
    make_focal_point(session, start=date.today() - timedelta(days=400), end=date.today() - timedelta(days=1))
    auth.login(FOCAL_KE)
    assert client.get("/focal-point/roster").status_code == 403
    assert client.get("/focal-point/region").status_code == 403


def test_a_focal_point_made_from_the_command_line_without_assignment_sees_the_roster(client, auth, session):
    make_stakeholder(session, name="Amina Wanjiru", email="amina@example.org", share_with_focal_point=True)
    make_focal_point(session, assignment=False)
    auth.login(FOCAL_KE)
    assert "Amina Wanjiru" in page_of(client.get("/focal-point/roster"))
    assert "needs an assignment recorded by the secretariat" in page_of(client.get("/focal-point/roster"))


# --- the regional overview ----------------------------------------------------------------


def test_region_overview_counts_per_country_without_names(client, auth, session, kenya):
    make_stakeholder(session, name="Kwame Mensah", email="kwame@example.org", country="GH", share_with_focal_point=True)
    make_stakeholder(session, name="Gone Person", email="gone@example.org", country="GH", is_active=False)
    auth.login(FOCAL_KE)
    page = page_of(client.get("/focal-point/region"))
    assert "African States" in page
    assert "<strong>Kenya</strong>" in page
    assert '<th scope="row">Ghana</th>\n      <td>1</td>' in page
    assert "<td>2</td>" in page  # Kenya
    assert "France" not in page  # another regional group
    for name in ("Kwame", "Amina", "Hidden", "Gone Person", "Nairobi Wetlands", "@example"):
        assert name not in page
    assert "3 stakeholders are registered in the countries of this regional group." in page


def test_a_territory_without_regional_group_sees_only_itself(client, auth, session):
    add_territory(session=session, iso2="XK", iso3="XKX", name_en="Kosovo")
    make_stakeholder(session, name="Arta Berisha", email="arta@example.org", country="XK")
    make_stakeholder(session, name="Ivan Petrov", email="ivan@example.org", country="RS")
    make_focal_point(session, country="XK", email="focal.xk@example.org")
    auth.login("focal.xk@example.org")
    page = page_of(client.get("/focal-point/region"))
    assert "belongs to no UN regional group" in page
    assert "<td>1</td>" in page and "Serbia" not in page and "Arta" not in page


# --- digest choice ------------------------------------------------------------------------


def _digest_checkbox(page: str) -> str:
    start = page.rindex("<input", 0, page.index('id="digest_opt_in"'))
    return page[start : page.index(">", start) + 1]


def test_the_focal_point_opts_in_and_out_of_the_digest(client, auth, session, kenya):
    auth.login(FOCAL_KE)
    assert _digest_checkbox(page_of(client.get("/focal-point/roster"))).count("checked") == 0
    client.post("/focal-point/digest", data={"digest_opt_in": "y"})
    session.expire_all()
    assert session.exec(select(FocalPointAssignment)).one().digest_opt_in is True
    assert "checked" in _digest_checkbox(page_of(client.get("/focal-point/roster")))
    client.post("/focal-point/digest", data={})
    session.expire_all()
    assert session.exec(select(FocalPointAssignment)).one().digest_opt_in is False
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.action.like("focal_point.digest%"))).all()
    assert actions == ["focal_point.digest_opt_in", "focal_point.digest_opt_out"]


# --- assignment by the secretariat --------------------------------------------------------


def assignment_form(**changes):
    data = {
        "email": "grace@example.org",
        "country": "GH",
        "kind": "primary",
        "ministry": "Ministry of Environment, Science and Technology",
        "start_date": date.today().isoformat(),
        "end_date": "",
        "name": "",
        "locale": "en",
    }
    data.update(changes)
    return data


def test_assigning_a_stakeholder_makes_them_focal_point_and_is_audit_logged(client, session, secretariat):
    make_stakeholder(session, name="Grace Mensah", email="grace@example.org", country="GH")
    response = client.post("/staff/focal-points/new", data=assignment_form())
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/focal-points?country=GH")
    session.expire_all()
    user = session.exec(select(User).where(User.email == "grace@example.org")).one()
    assert (user.role, user.focal_country) == ("focal_point", "GH")
    assignment = session.exec(select(FocalPointAssignment)).one()
    assert (assignment.country, assignment.kind, assignment.end_date) == ("GH", "primary", None)
    events = {e.action: e for e in session.exec(select(AuditEvent))}
    assert events["focal_point.assigned"].details["country"] == "GH"
    assert events["focal_point.assigned"].actor_id == secretariat.id
    assert events["account.role_changed"].details["after"] == {"role": "focal_point", "country": "GH"}
    message = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "grace@example.org")).one()
    assert "Ghana" in message.body and "/account/login" in message.body

    page = page_of(client.get("/staff/focal-points?country=GH"))
    assert "Grace Mensah" in page and "Ministry of Environment, Science and Technology" in page
    assert "Primary focal point" in page and "Active" in page
    assert "Grace Mensah" not in page_of(client.get("/staff/focal-points?country=KE"))


def test_assigning_an_unknown_address_creates_an_account_to_claim(client, session, secretariat):
    response = client.post(
        "/staff/focal-points/new", data=assignment_form(email="New.Person@Example.org", name="Nana Owusu", locale="fr")
    )
    assert response.status_code == 302
    session.expire_all()
    user = session.exec(select(User).where(User.email == "new.person@example.org")).one()
    assert (user.name, user.role, user.focal_country, user.locale) == ("Nana Owusu", "focal_point", "GH", "fr")
    assert user.password_hash == "!" and user.email_verified_at is None
    message = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == user.email)).one()
    assert message.locale == "fr" and "http://localhost/account/forgot" in message.body
    client.post("/account/logout")
    assert client.post("/account/login", data={"email": user.email, "password": "!"}).status_code == 401
    assert client.get("/focal-point/roster").status_code == 302  # not signed in


def test_an_unknown_address_without_a_name_is_refused_keeping_what_was_typed(client, session, secretariat):
    page = page_of(client.post("/staff/focal-points/new", data=assignment_form(email="nobody@example.org")))
    assert "No account has this email address" in page
    assert 'value="nobody@example.org"' in page and 'value="Ministry of Environment, Science and Technology"' in page
    session.expire_all()
    assert session.exec(select(User).where(User.email == "nobody@example.org")).first() is None
    assert session.exec(select(FocalPointAssignment)).first() is None


@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_staff_cannot_be_made_focal_points(client, session, secretariat, role):
    make_user(session, email="staff@example.org", role=role)
    page = page_of(client.post("/staff/focal-points/new", data=assignment_form(email="staff@example.org")))
    assert "staff cannot be focal points" in page
    session.expire_all()
    assert session.exec(select(User.role).where(User.email == "staff@example.org")).one() == role
    assert session.exec(select(FocalPointAssignment)).first() is None


def test_a_focal_point_of_another_country_is_refused(client, session, secretariat):
    make_focal_point(session)  # Kenya, active
    page = page_of(client.post("/staff/focal-points/new", data=assignment_form(email=FOCAL_KE, country="GH")))
    assert "already a focal point of another country (KE)" in page
    session.expire_all()
    assert session.exec(select(User.focal_country).where(User.email == FOCAL_KE)).one() == "KE"
    assert len(session.exec(select(FocalPointAssignment)).all()) == 1
    page = page_of(client.post("/staff/focal-points/new", data=assignment_form(email=FOCAL_KE, country="KE")))
    assert "already has an assignment for this country" in page


def test_dates_are_checked(client, session, secretariat):
    make_stakeholder(session, name="Grace Mensah", email="grace@example.org", country="GH")
    page = page_of(
        client.post("/staff/focal-points/new", data=assignment_form(start_date="2026-05-01", end_date="2026-04-01"))
    )
    assert "The end date must come after the start date." in page
    page = page_of(client.post("/staff/focal-points/new", data=assignment_form(start_date="")))
    assert 'id="start_date-error"' in page
    session.expire_all()
    assert session.exec(select(FocalPointAssignment)).first() is None


def test_ending_the_last_assignment_returns_the_role_to_stakeholder(client, session, secretariat):
    user = make_focal_point(session)
    assignment = session.exec(select(FocalPointAssignment)).one()
    response = client.post(f"/staff/focal-points/{assignment.id}/end", data={"end_date": date.today().isoformat()})
    assert response.status_code == 302
    session.expire_all()
    user = session.get(User, user.id)
    assert (user.role, user.focal_country) == ("stakeholder", None)
    assert session.get(FocalPointAssignment, assignment.id).end_date == date.today()
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert "focal_point.assignment_ended" in actions and "account.role_changed" in actions
    assert "Ended" in page_of(client.get("/staff/focal-points"))


def test_a_scheduled_end_keeps_the_role_until_the_date_then_the_command_returns_it(client, session, secretariat):
    user = make_focal_point(session)
    assignment = session.exec(select(FocalPointAssignment)).one()
    end = date.today() + timedelta(days=10)
    client.post(f"/staff/focal-points/{assignment.id}/end", data={"end_date": end.isoformat()})
    session.expire_all()
    assert session.get(User, user.id).role == "focal_point"
    assert focal_points.expire_ended_assignments(session=session, today=end - timedelta(days=1)) == []
    assert focal_points.expire_ended_assignments(session=session, today=end) == [FOCAL_KE]
    session.expire_all()
    assert session.get(User, user.id).role == "stakeholder"


def test_only_the_secretariat_manages_assignments(client, auth, session, kenya):
    for email, role in (("s@example.org", "stakeholder"), (FOCAL_KE, None)):
        if role:
            make_user(session, email=email, role=role)
        auth.login(email)
        assert client.get("/staff/focal-points").status_code == 403
        assert client.post("/staff/focal-points/new", data=assignment_form()).status_code == 403
        assert client.post("/staff/focal-points/1/end", data={"end_date": "2026-01-01"}).status_code == 403
        auth.logout()


def test_assignment_status_follows_the_dates():
    today = date(2026, 6, 1)
    a = FocalPointAssignment(user_id=1, country="KE", start_date=date(2026, 1, 1))
    assert focal_points.status_of(a, today) == "active"
    a.end_date = today
    assert focal_points.status_of(a, today) == "ended"
    a.start_date, a.end_date = date(2026, 7, 1), None
    assert focal_points.status_of(a, today) == "upcoming"
