import json
from datetime import date

from sqlmodel import select

from core.accounts.models import User
from stakeholders.models import ConsentRecord, Organisation, Participation, Stakeholder, StakeholderAttribute
from tests.factories import DEFAULT_PASSWORD, make_activity, make_organisation, make_participation, make_stakeholder
from tests.reading import row_count

FORM = {
    "name": "Tupac Quispe",
    "email": "tupac@example.org",
    "password": "a long passphrase",
    "confirm": "a long passphrase",
    "locale": "es",
    "country": "PE",
    "category": "ilk",
    "stakeholder_type": "both",
    "gender": "male",
    "sector": "agriculture",
    "data_processing": "y",
    "knowledge_system": ["ilk", "practitioner"],
    "discipline": ["social_sciences"],
    "scale": ["local"],
    "communication": ["email", "phone"],
    "job_title": "Community leader",
}


def test_registration_with_a_proposed_organisation(client, session):
    response = client.post(
        "/account/register",
        data={
            **FORM,
            "organisation": "new",
            "new_organisation_name": "Asociación Andina",
            "new_organisation_type": "iplc",
            "new_organisation_country": "PE",
            "public_listing": "y",
        },
    )
    assert response.status_code == 200 and "tupac@example.org" in response.get_data(as_text=True)
    user = session.exec(select(User).where(User.email == "tupac@example.org")).one()
    stakeholder = session.exec(select(Stakeholder).where(Stakeholder.user_id == user.id)).one()
    organisation = session.get(Organisation, stakeholder.organisation_id)
    assert (organisation.name, organisation.status, organisation.proposed_by_id) == (
        "Asociación Andina",
        "pending",
        user.id,
    )
    assert (stakeholder.country, stakeholder.category, stakeholder.job_title) == ("PE", "ilk", "Community leader")
    codes = set(
        session.exec(
            select(StakeholderAttribute.code).where(
                StakeholderAttribute.stakeholder_id == stakeholder.id, StakeholderAttribute.field == "knowledge_system"
            )
        )
    )
    assert codes == {"ilk", "practitioner"}
    consents = {r.kind: (r.granted, r.text_version) for r in session.exec(select(ConsentRecord))}
    assert consents == {
        "data_processing": (True, "2026-11"),
        "public_listing": (True, "2026-11"),
        "share_with_focal_point": (False, "2026-11"),
        "mailing_list": (False, "2026-11"),
    }


def test_optional_consents_are_unticked_by_default(client):
    page = client.get("/account/register").get_data(as_text=True)
    for name in ("data_processing", "public_listing", "share_with_focal_point", "mailing_list"):
        tag = page[page.index(f'id="{name}"') - 80 : page.index(f'id="{name}"') + 80]
        assert "checked" not in tag, name


def test_registration_errors_keep_everything_typed_and_store_nothing(client, session):
    data = {**FORM}
    del data["data_processing"]
    response = client.post("/account/register", data={**data, "organisation": "new", "new_organisation_name": ""})
    page = response.get_data(as_text=True)
    assert "This consent is needed to register." in page
    assert "Give the name of the organisation you propose." in page
    assert 'value="Community leader"' in page and 'value="tupac@example.org"' in page
    assert (
        'value="ilk" checked' in page
        or 'checked id="knowledge_system-1"' in page
        or "checked" in page.split('name="knowledge_system"')[1][:120]
    )
    assert row_count(session, User) == 0
    assert row_count(session, Organisation) == 0


def test_choosing_an_existing_organisation(client, session):
    organisation = make_organisation(session, name="Museo de Historia Natural", country="PE")
    client.post("/account/register", data={**FORM, "organisation": str(organisation.id)})
    stakeholder = session.exec(select(Stakeholder)).one()
    assert stakeholder.organisation_id == organisation.id


def test_profile_edit_and_consent_history(client, session, auth):
    stakeholder = make_stakeholder(session, name="Grace Mensah", email="grace@example.org", country="GH")
    auth.login("grace@example.org")
    page = client.get("/account/profile").get_data(as_text=True)
    assert 'value="Grace Mensah"' in page
    response = client.post(
        "/account/profile",
        data={
            "name": "Grace A. Mensah",
            "country": "GH",
            "category": "policymaker",
            "stakeholder_type": "end_user",
            "gender": "female",
            "sector": "government",
            "knowledge_system": ["scientific"],
            "scale": ["national"],
        },
    )
    assert response.status_code == 302
    session.expire_all()
    stakeholder = session.get(Stakeholder, stakeholder.id)
    assert stakeholder.category == "policymaker" and session.get(User, stakeholder.user_id).name == "Grace A. Mensah"

    before = row_count(session, ConsentRecord)
    client.post("/account/consents", data={"public_listing": "y", "mailing_list": "y"})
    session.expire_all()
    new = session.exec(select(ConsentRecord).order_by(ConsentRecord.id.desc()).limit(5)).all()
    assert row_count(session, ConsentRecord) == before + 1  # only mailing list changed
    assert (new[0].kind, new[0].granted) == ("mailing_list", True)
    history = client.get("/account/consents").get_data(as_text=True)
    assert "2026-11" in history


def test_personal_data_download_holds_everything_but_secrets(client, session, auth):
    make_stakeholder(session, name="Grace Mensah", email="grace@example.org", phone="+233 20 123 4567")
    auth.login("grace@example.org")
    response = client.get("/account/data.json")
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "grace@example.org"
    assert data["profile"]["phone"] == "+233 20 123 4567" and data["profile"]["knowledge_system"] == ["scientific"]
    assert {c["kind"] for c in data["consents"]} == {
        "data_processing",
        "public_listing",
        "share_with_focal_point",
        "mailing_list",
    }
    assert "argon2" not in response.get_data(as_text=True) and "session_epoch" not in response.get_data(as_text=True)


def test_deleting_the_account_keeps_an_anonymous_record(client, session, auth):
    stakeholder = make_stakeholder(
        session, name="Grace Mensah", email="grace@example.org", country="GH", phone="+233 20 123 4567"
    )
    day = make_activity(session, title="Stakeholder day", activity_type="stakeholder_day", start=date(2026, 5, 1))
    make_participation(session, day, stakeholder=stakeholder)
    auth.login("grace@example.org")
    response = client.post("/account/delete", data={"password": "wrong password", "confirm": "y"})
    assert "Your password is not correct." in response.get_data(as_text=True)
    response = client.post("/account/delete", data={"password": DEFAULT_PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    session.expire_all()
    assert session.exec(select(User).where(User.email == "grace@example.org")).first() is None
    record = session.get(Stakeholder, stakeholder.id)
    assert record.user_id is None and record.erased_at is not None and record.phone == "" and record.search_name == ""
    assert (record.country, record.category, record.gender) == ("GH", "science", "female")
    assert session.exec(select(Participation)).one().stakeholder_id == stakeholder.id  # counts stay right
    assert client.get("/account/profile").status_code == 302  # signed out
