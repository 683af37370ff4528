import csv
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.accounts.models import User
from core.audit import AuditEvent
from stakeholders.models import ObserverAdmission, Organisation, Participation, Stakeholder
from tests.factories import (
    DEFAULT_PASSWORD,
    make_activity,
    make_organisation,
    make_participation,
    make_stakeholder,
    make_user,
)


def test_list_filters_and_status(client, session, secretariat):
    make_stakeholder(session, name="Kofi Boateng", country="GH", category="policymaker")
    make_stakeholder(session, name="Ines Duarte", country="PT", is_active=False)
    page = client.get("/staff/registry/stakeholders?region=AFR").get_data(as_text=True)
    assert "Kofi Boateng" in page and "Ines Duarte" not in page
    page = client.get("/staff/registry/stakeholders?status=inactive").get_data(as_text=True)
    assert "Ines Duarte" in page and "Kofi Boateng" not in page
    assert '<option value="inactive" selected>' in page  # the form offers, and keeps, the status filter


def test_export_is_filtered_and_formula_safe(client, session, secretariat):
    make_stakeholder(session, name='=HYPERLINK("http://x")', email="f@example.org", country="FR")
    make_stakeholder(session, name="Kofi Boateng", country="GH")
    response = client.get("/staff/registry/stakeholders/export.csv?country=FR")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "name", "email"] and len(rows) == 2
    assert rows[1][1].startswith("'=") and rows[1][2] == "f@example.org" and rows[1][4] == "France"
    response = client.get("/staff/registry/stakeholders/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://x")' in names and all(c.data_type == "s" for c in sheet["B"][1:])
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "registry.export")).first() is not None


def test_edit_deactivate_and_reactivate(client, session, secretariat, app):
    record = make_stakeholder(session, name="Kofi Boateng", email="kofi@example.org", country="GH")
    response = client.post(
        f"/staff/registry/stakeholders/{record.id}",
        data={
            "name": "Kofi A. Boateng",
            "country": "GH",
            "category": "business",
            "stakeholder_type": "end_user",
            "gender": "male",
            "sector": "finance",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Stakeholder, record.id).category == "business"
    person = app.test_client()
    person.post("/account/login", data={"email": "kofi@example.org", "password": DEFAULT_PASSWORD})
    client.post(f"/staff/registry/stakeholders/{record.id}/status", data={"active": "0"})
    assert person.get("/account/").status_code == 302  # signed out and blocked
    assert (
        person.post("/account/login", data={"email": "kofi@example.org", "password": DEFAULT_PASSWORD}).status_code
        == 401
    )
    client.post(f"/staff/registry/stakeholders/{record.id}/status", data={"active": "1"})
    assert (
        person.post("/account/login", data={"email": "kofi@example.org", "password": DEFAULT_PASSWORD}).status_code
        == 302
    )


def test_approving_a_pending_organisation(client, session, secretariat):
    pending = make_organisation(session, name="Red Comunitaria", status="pending", country="BO")
    page = client.get("/staff/registry/organisations?status=pending").get_data(as_text=True)
    assert "Red Comunitaria" in page
    client.post(f"/staff/registry/organisations/{pending.id}/status", data={"status": "approved"})
    session.expire_all()
    assert session.get(Organisation, pending.id).status == "approved"


def test_create_organisation_with_names_and_admissions(client, session, secretariat):
    response = client.post(
        "/staff/registry/organisations/new",
        data={
            "name": "Wildlife Trust",
            "org_type": "ngo",
            "country": "GB",
            "website": "https://example.org",
            "name_fr": "Fonds pour la faune",
            "admissions": "IPBES-10, 2023\nIPBES-11, 2024",
        },
    )
    assert response.status_code == 302
    organisation = session.exec(select(Organisation).where(Organisation.name == "Wildlife Trust")).one()
    assert organisation.status == "approved"
    assert {a.plenary_session for a in session.exec(select(ObserverAdmission))} == {"IPBES-10", "IPBES-11"}
    bad = client.post(
        "/staff/registry/organisations/new", data={"name": "Other", "org_type": "ngo", "admissions": "eleven"}
    )
    assert "Line 1 is not a session and a year" in bad.get_data(as_text=True)


def test_an_organisation_cannot_be_renamed_into_a_duplicate(client, session, secretariat):
    make_organisation(session, name="Wildlife Trust", country="GB")
    other = make_organisation(session, name="Wildlife Fund", country="GB")
    data = {"name": "wildlife trust", "org_type": "ngo", "country": "GB"}
    page = client.post(f"/staff/registry/organisations/{other.id}", data=data).get_data(as_text=True)
    assert "An organisation with this name already exists in this country." in page
    session.expire_all()
    assert session.get(Organisation, other.id).name == "Wildlife Fund"
    data["country"] = "IE"  # another country: another organisation
    assert client.post(f"/staff/registry/organisations/{other.id}", data=data).status_code == 302
    data = {"name": "Wildlife Fund", "org_type": "research", "country": "ie"}  # a free name again: saved
    assert client.post(f"/staff/registry/organisations/{other.id}", data=data).status_code == 302
    session.expire_all()
    assert (session.get(Organisation, other.id).name, session.get(Organisation, other.id).org_type) == (
        "Wildlife Fund",
        "research",
    )


def test_merging_organisations_keeps_members_participation_and_admissions(client, session, secretariat):
    keeper = make_organisation(session, name="World Conservation Network", country="CH")
    duplicate = make_organisation(session, name="World Conservation Netwrk", country="CH", acronym="WCN")
    member = make_stakeholder(session, name="Member Person", organisation=duplicate)
    make_participation(
        session, make_activity(session, title="Review"), organisation=duplicate, role="reviewer", comments=12
    )
    session.add(ObserverAdmission(organisation_id=duplicate.id, plenary_session="IPBES-9", year=2022))
    session.commit()
    client.post(f"/staff/registry/organisations/{keeper.id}/merge", data={"merge-duplicate_id": duplicate.id})
    session.expire_all()
    assert session.get(Stakeholder, member.id).organisation_id == keeper.id
    assert session.exec(select(Participation)).one().organisation_id == keeper.id
    assert session.exec(select(ObserverAdmission)).one().organisation_id == keeper.id
    merged = session.get(Organisation, duplicate.id)
    assert (merged.status, merged.merged_into_id) == ("merged", keeper.id)
    assert session.get(Organisation, keeper.id).acronym == "WCN"


def test_merging_stakeholders_keeps_participation(client, session, secretariat):
    keeper = make_stakeholder(session, name="Ana Ruiz", email="ana@example.org", knowledge_systems=("scientific",))
    duplicate = make_stakeholder(
        session, name="Ana Ruiz", email="ana.ruiz@example.org", knowledge_systems=("ilk",), phone="+34 600 000 000"
    )
    make_participation(session, make_activity(session, title="Webinar", activity_type="webinar"), stakeholder=duplicate)
    duplicate_id = duplicate.id
    client.post(f"/staff/registry/stakeholders/{keeper.id}/merge", data={"merge-duplicate_id": duplicate_id})
    session.expire_all()
    assert session.get(Stakeholder, duplicate_id) is None
    assert session.exec(select(Participation)).one().stakeholder_id == keeper.id
    assert session.get(Stakeholder, keeper.id).phone == "+34 600 000 000"
    assert session.exec(select(User).where(User.email == "ana.ruiz@example.org")).first() is None
    page = client.get(f"/staff/registry/stakeholders/{keeper.id}").get_data(as_text=True)
    assert 'value="ilk" checked' in page or "ilk" in page


@pytest.mark.parametrize("role", ["stakeholder", "focal_point"])
def test_registry_management_is_secretariat_only(client, session, auth, role):
    make_user(session, email="x@example.org", role=role, country="KE" if role == "focal_point" else None)
    auth.login("x@example.org")
    record = make_stakeholder(session, name="Someone")
    for url in (
        "/staff/registry/stakeholders",
        f"/staff/registry/stakeholders/{record.id}",
        "/staff/registry/stakeholders/export.csv",
        "/staff/registry/organisations",
    ):
        assert client.get(url).status_code == 403, url
