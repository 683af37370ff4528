"""An activity's title in the six languages (issue 17, item 10): typed on its form, kept when an
import updates the activity, and shown to a stakeholder in their language or marked as English."""

from sqlmodel import select

from core.problems import validate
from stakeholders import participation as service
from stakeholders.models import Activity
from stakeholders.schemas import ActivityCreate
from tests.factories import make_activity, make_participation, make_stakeholder

FORM = {
    "title": "Call for fellows 2026",
    "name_translations-fr": "Appel à candidatures de boursiers 2026",
    "name_translations-ar": "",
    "activity_type": "call_fellows",
    "start_date": "2026-02-01",
    "description": "",
}


def test_the_title_is_typed_in_other_languages_and_shown_again(client, session, secretariat):
    assert client.post("/staff/activities/new", data=FORM).status_code == 302
    activity = session.exec(select(Activity)).one()
    assert activity.name_translations == {"fr": "Appel à candidatures de boursiers 2026"}
    form = client.get(f"/staff/activities/{activity.id}/edit").get_data(as_text=True)
    assert 'value="Appel à candidatures de boursiers 2026"' in form and "Title in other languages" in form
    # An import row has no translations: updating the activity keeps them.
    data = validate(
        ActivityCreate, {"title": "Call for fellows 2026", "activity_type": "webinar", "start_date": "2026-02-01"}
    )
    service.apply_activity(session, activity, data)
    session.commit()
    session.refresh(activity)
    assert activity.activity_type == "webinar" and activity.name_translations["fr"].startswith("Appel")


def test_a_stakeholder_reads_the_title_in_their_language(client, session, auth):
    me = make_stakeholder(session, email="amina@example.org")
    activity = make_activity(session, title="Webinar on scenarios", activity_type="webinar")
    activity.name_translations = {"fr": "Webinaire sur les scénarios"}
    session.add(activity)
    session.commit()
    make_participation(session, activity, stakeholder=me, role="speaker")
    auth.login("amina@example.org")
    client.post("/language", data={"lang": "fr", "next": "/account/participation"})
    french = client.get("/account/participation").get_data(as_text=True)
    assert "Webinaire sur les scénarios" in french and "Webinar on scenarios" not in french
    client.post("/language", data={"lang": "ru", "next": "/account/participation"})
    russian = client.get("/account/participation").get_data(as_text=True)
    assert '<span lang="en" dir="ltr">Webinar on scenarios</span>' in russian
