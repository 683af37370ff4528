"""Engagement activities and participation records: secretariat pages, a stakeholder's own
history, and the summary the participation indicator reads."""

import re
from datetime import date

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from core.problems import Problem, ValidationFailed, validate
from stakeholders import participation as service
from stakeholders.models import Activity, Participation
from stakeholders.schemas import ActivityCreate, ParticipationCreate
from tests.factories import make_activity, make_organisation, make_participation, make_stakeholder, make_user
from tests.reading import row_count


def actions(session) -> list[str]:
    session.expire_all()
    return [
        action
        for action in session.exec(select(AuditEvent.action).order_by(AuditEvent.id))
        if not action.startswith("login.")
    ]


def field_error(page: str, field: str) -> str:
    """The error text the form shows for one field (the macro gives it the id `<field>-error`)."""
    match = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
    return match.group(1).strip() if match else ""


ACTIVITY_FORM = {
    "title": "Call for fellows 2026",
    "activity_type": "call_fellows",
    "start_date": "2026-02-01",
    "end_date": "2026-04-30",
    "deliverable": "Fellowship programme",
    "description": "Second phase.",
}


# --- activities --------------------------------------------------------------------------


def test_secretariat_creates_and_edits_an_activity(client, session, secretariat):
    response = client.post("/staff/activities/new", data=ACTIVITY_FORM)
    activity = session.exec(select(Activity)).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/activities/{activity.id}")
    assert (
        activity.title,
        activity.activity_type,
        activity.start_date,
        activity.end_date,
        activity.deliverable,
        activity.description,
    ) == (
        "Call for fellows 2026",
        "call_fellows",
        date(2026, 2, 1),
        date(2026, 4, 30),
        "Fellowship programme",
        "Second phase.",
    )

    form = client.get(f"/staff/activities/{activity.id}/edit").get_data(as_text=True)
    assert 'value="Call for fellows 2026"' in form and 'value="2026-02-01"' in form

    client.post(
        f"/staff/activities/{activity.id}/edit",
        data={**ACTIVITY_FORM, "title": "Call for fellows, 2026", "end_date": "", "deliverable": "Nexus assessment"},
    )
    session.expire_all()
    activity = session.get(Activity, activity.id)
    assert (activity.title, activity.end_date, activity.deliverable) == (
        "Call for fellows, 2026",
        None,
        "Nexus assessment",
    )
    assert actions(session) == ["activity.created", "activity.edited"]


def test_an_end_date_before_the_start_is_refused_and_the_input_kept(client, session, secretariat):
    response = client.post("/staff/activities/new", data={**ACTIVITY_FORM, "end_date": "2026-01-15"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "end_date") == "The end date cannot be before the start date."
    assert 'value="Call for fellows 2026"' in page and 'value="2026-01-15"' in page and "Second phase." in page
    assert row_count(session, Activity) == 0

    activity = make_activity(session, start=date(2025, 3, 1))
    page = client.post(
        f"/staff/activities/{activity.id}/edit",
        data={**ACTIVITY_FORM, "start_date": "2025-03-01", "end_date": "2025-02-28"},
    ).get_data(as_text=True)
    assert field_error(page, "end_date") == "The end date cannot be before the start date."
    session.expire_all()
    assert session.get(Activity, activity.id).title == "External review of the nexus assessment"  # unchanged


def test_missing_title_type_or_start_date_is_named(client, session, secretariat):
    page = client.post(
        "/staff/activities/new",
        data={"title": "", "activity_type": "", "start_date": "", "deliverable": "Nexus assessment"},
    ).get_data(as_text=True)
    assert field_error(page, "title") and field_error(page, "activity_type") and field_error(page, "start_date")
    assert 'value="Nexus assessment"' in page
    page = client.post("/staff/activities/new", data={**ACTIVITY_FORM, "activity_type": "picnic"}).get_data(
        as_text=True
    )
    assert field_error(page, "activity_type")
    assert row_count(session, Activity) == 0


def test_activity_list_filters_by_type_and_year_and_sorts_by_date(client, session, secretariat):
    fellows = make_activity(
        session, title="Call for fellows 2025", activity_type="call_fellows", start=date(2025, 1, 10)
    )
    review = make_activity(session, title="Review of the nexus assessment", start=date(2025, 6, 2))
    day = make_activity(
        session, title="Stakeholder day before IPBES-12", activity_type="stakeholder_day", start=date(2026, 1, 20)
    )
    for number in range(3):
        make_participation(
            session, fellows, role="nominated", stakeholder=make_stakeholder(session, name=f"Nominee {number}")
        )
    make_participation(session, fellows, role="selected", stakeholder=make_stakeholder(session, name="Fellow One"))

    page = client.get("/staff/activities").get_data(as_text=True)
    assert page.index(day.title) < page.index(review.title) < page.index(fellows.title)  # newest first
    assert "Jan 10, 2025" in page  # Babel's medium date in English
    assert "Call for fellows" in page and "Stakeholder day" in page  # type labels
    assert "Nominated: 3" in page and "Selected: 1" in page

    page = client.get("/staff/activities?sort=date").get_data(as_text=True)
    assert page.index(fellows.title) < page.index(review.title) < page.index(day.title)

    page = client.get("/staff/activities?type=call_fellows").get_data(as_text=True)
    assert fellows.title in page and review.title not in page and day.title not in page

    page = client.get("/staff/activities?year=2026").get_data(as_text=True)
    assert day.title in page and fellows.title not in page and review.title not in page
    assert '<option value="2025"' in page and '<option value="2026" selected' in page


# --- linking parties ---------------------------------------------------------------------


def test_linking_a_stakeholder_by_the_email_of_their_account(client, session, secretariat):
    activity = make_activity(session, activity_type="call_fellows", title="Call for fellows 2026")
    person = make_stakeholder(session, name="Amina Diallo", email="amina@example.org", country="SN")
    response = client.post(
        f"/staff/activities/{activity.id}", data={"email": "  Amina@Example.org ", "role": "nominated"}
    )
    assert response.status_code == 302
    record = session.exec(select(Participation)).one()
    assert (record.stakeholder_id, record.organisation_id, record.role, record.comments) == (
        person.id,
        None,
        "nominated",
        None,
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The participation is recorded." in page and "Amina Diallo" in page
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "participation.added")).one()
    assert event.actor_id == secretariat.id and event.target == f"stakeholder:{person.id}"


def test_linking_an_approved_organisation(client, session, secretariat):
    activity = make_activity(session, activity_type="call_input", title="Call for input on the work programme")
    organisation = make_organisation(session, name="Red Andina de Biodiversidad", country="PE")
    pending = make_organisation(session, name="Pending Network", status="pending")
    form = client.get(f"/staff/activities/{activity.id}").get_data(as_text=True)
    assert "Red Andina de Biodiversidad (Peru)" in form and "Pending Network" not in form

    client.post(
        f"/staff/activities/{activity.id}", data={"organisation": str(organisation.id), "role": "input_submitted"}
    )
    record = session.exec(select(Participation)).one()
    assert (record.organisation_id, record.stakeholder_id, record.role) == (organisation.id, None, "input_submitted")
    page = client.get(f"/staff/activities/{activity.id}").get_data(as_text=True)
    assert "Input submitted" in page and "Red Andina de Biodiversidad</a>" in page

    page = client.post(
        f"/staff/activities/{activity.id}", data={"organisation": str(pending.id), "role": "input_submitted"}
    ).get_data(as_text=True)
    assert field_error(page, "organisation") == "Choose an approved organisation."
    assert row_count(session, Participation) == 1


def test_exactly_one_party_per_record(client, session, secretariat):
    activity = make_activity(session)
    make_stakeholder(session, name="Amina Diallo", email="amina@example.org")
    organisation = make_organisation(session)
    neither = client.post(f"/staff/activities/{activity.id}", data={"role": "participant"}).get_data(as_text=True)
    assert field_error(neither, "email") == "Give either a stakeholder or an organisation, not both."
    assert field_error(neither, "organisation") == "Give either a stakeholder or an organisation, not both."
    both = client.post(
        f"/staff/activities/{activity.id}",
        data={"email": "amina@example.org", "organisation": str(organisation.id), "role": "participant"},
    ).get_data(as_text=True)
    assert "Give either a stakeholder or an organisation, not both." in field_error(both, "organisation")
    assert 'value="amina@example.org"' in both and f'<option selected value="{organisation.id}"' in both
    assert row_count(session, Participation) == 0


def test_an_unknown_email_is_named_and_kept(client, session, secretariat):
    activity = make_activity(session)
    make_user(session, email="no.profile@example.org")  # an account without a stakeholder profile
    for email in ("nobody@example.org", "no.profile@example.org"):
        page = client.post(f"/staff/activities/{activity.id}", data={"email": email, "role": "speaker"}).get_data(
            as_text=True
        )
        assert field_error(page, "email") == "No stakeholder profile uses this email address."
        assert f'value="{email}"' in page and '<option selected value="speaker"' in page
    assert row_count(session, Participation) == 0


def test_reviewers_have_comments_and_a_duplicate_updates_them(client, session, secretariat):
    activity = make_activity(session)
    person = make_stakeholder(session, name="Olga Petrova", email="olga@example.org", country="PL")
    client.post(
        f"/staff/activities/{activity.id}", data={"email": "olga@example.org", "role": "reviewer", "comments": "5"}
    )
    response = client.post(
        f"/staff/activities/{activity.id}", data={"email": "olga@example.org", "role": "reviewer", "comments": "12"}
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This party already had this role: the record is updated." in page
    session.expire_all()
    record = session.exec(select(Participation)).one()
    assert (record.stakeholder_id, record.role, record.comments) == (person.id, "reviewer", 12)
    assert actions(session) == ["participation.added", "participation.updated"]
    # The same person in another role is another record.
    client.post(f"/staff/activities/{activity.id}", data={"email": "olga@example.org", "role": "participant"})
    assert row_count(session, Participation) == 2
    totals = {t.role: (t.count, t.comments) for t in service.role_totals(session, activity.id)}
    assert totals == {"reviewer": (1, 12), "participant": (1, 0)}


def test_comments_are_refused_for_other_roles_and_below_zero(client, session, secretariat):
    activity = make_activity(session)
    make_stakeholder(session, name="Olga Petrova", email="olga@example.org")
    page = client.post(
        f"/staff/activities/{activity.id}", data={"email": "olga@example.org", "role": "nominated", "comments": "3"}
    ).get_data(as_text=True)
    assert field_error(page, "comments") == "Only reviewers have a number of comments."
    assert 'value="3"' in page
    page = client.post(
        f"/staff/activities/{activity.id}", data={"email": "olga@example.org", "role": "reviewer", "comments": "-1"}
    ).get_data(as_text=True)
    assert field_error(page, "comments")
    page = client.post(
        f"/staff/activities/{activity.id}", data={"email": "olga@example.org", "role": "reviewer", "comments": "many"}
    ).get_data(as_text=True)
    assert field_error(page, "comments")
    assert row_count(session, Participation) == 0


def test_removing_a_record(client, session, secretariat):
    activity = make_activity(session)
    other = make_activity(session, title="Another activity")
    person = make_stakeholder(session, name="Olga Petrova")
    record_id = make_participation(session, activity, stakeholder=person, role="reviewer", comments=4).id
    assert client.post(f"/staff/activities/{other.id}/participation/{record_id}/remove").status_code == 404
    assert row_count(session, Participation) == 1
    response = client.post(f"/staff/activities/{activity.id}/participation/{record_id}/remove")
    assert response.status_code == 302
    assert row_count(session, Participation) == 0
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "participation.removed")).one()
    assert event.target == f"stakeholder:{person.id}" and event.details["comments"] == 4
    assert client.get(f"/staff/activities/{activity.id}/participation/{record_id}/remove").status_code == 405


def test_activity_page_lists_records_with_totals_by_role(client, session, secretariat):
    activity = make_activity(session)
    reviewer = make_stakeholder(session, name="Olga Petrova")
    erased = make_stakeholder(session, name="Gone Person", with_account=False)
    organisation = make_organisation(session, name="Nordic Biodiversity Network", country="NO")
    make_participation(session, activity, stakeholder=reviewer, role="reviewer", comments=7)
    make_participation(session, activity, stakeholder=erased, role="reviewer", comments=2)
    make_participation(session, activity, organisation=organisation, role="reviewer", comments=30)
    make_participation(session, activity, organisation=organisation, role="participant")
    page = client.get(f"/staff/activities/{activity.id}").get_data(as_text=True)
    assert "Olga Petrova" in page and "Nordic Biodiversity Network" in page and "(personal data erased)" in page
    assert re.search(r"Reviewer</a></th>\s*<td>3</td><td>39</td>", page)
    assert re.search(r"Participant</a></th>\s*<td>1</td><td></td>", page)
    only = client.get(f"/staff/activities/{activity.id}?role=participant").get_data(as_text=True)
    assert "Olga Petrova" not in only.split('id="records-heading"')[1]
    assert client.get("/staff/activities/999").status_code == 404


# --- a stakeholder's own history ---------------------------------------------------------


def test_a_stakeholder_sees_their_own_history_only(client, session, auth):
    me = make_stakeholder(session, name="Amina Diallo", email="amina@example.org")
    other = make_stakeholder(session, name="Olga Petrova", email="olga@example.org")
    organisation = make_organisation(session)
    old = make_activity(
        session, title="Webinar on scenarios", activity_type="webinar", start=date(2024, 5, 3), deliverable=""
    )
    new = make_activity(
        session,
        title="Call for fellows 2026",
        activity_type="call_fellows",
        start=date(2026, 2, 1),
        deliverable="Fellowship programme",
    )
    theirs = make_activity(session, title="Dialogue with focal points", activity_type="dialogue")
    review = make_activity(session, title="Review of the nexus assessment", start=date(2025, 3, 1))
    make_participation(session, old, stakeholder=me, role="speaker")
    make_participation(session, new, stakeholder=me, role="nominated")
    make_participation(session, review, stakeholder=me, role="reviewer", comments=1)
    make_participation(session, theirs, stakeholder=other, role="participant")
    make_participation(session, theirs, organisation=organisation, role="participant")

    auth.login("amina@example.org")
    page = client.get("/account/participation").get_data(as_text=True)
    assert (
        page.index("Call for fellows 2026")
        < page.index("Review of the nexus assessment")
        < page.index("Webinar on scenarios")
    )  # newest first
    assert "Nominated" in page and "Speaker" in page and "Reviewer" in page and "(1 comment)" in page
    assert "Feb 1, 2026" in page and "Fellowship programme" in page
    assert "Dialogue with focal points" not in page
    for query in (f"?stakeholder_id={other.id}", f"?user_id={other.user_id}", "?email=olga@example.org"):
        assert "Dialogue with focal points" not in client.get("/account/participation" + query).get_data(as_text=True)

    auth.logout()
    auth.login("olga@example.org")
    page = client.get("/account/participation").get_data(as_text=True)
    assert "Dialogue with focal points" in page and "Call for fellows 2026" not in page


def test_empty_states_of_the_history(client, session, auth):
    make_user(session, email="staffer@example.org", role="secretariat")
    make_stakeholder(session, name="New Person", email="new@example.org")
    auth.login("staffer@example.org")
    page = client.get("/account/participation").get_data(as_text=True)
    assert "You have no stakeholder profile" in page
    auth.logout()
    auth.login("new@example.org")
    assert "No participation is recorded for you yet." in client.get("/account/participation").get_data(as_text=True)


# --- access ------------------------------------------------------------------------------

STAFF_URLS = [
    ("GET", "/staff/activities"),
    ("GET", "/staff/activities/new"),
    ("POST", "/staff/activities/new"),
    ("GET", "/staff/activities/{activity}"),
    ("POST", "/staff/activities/{activity}"),
    ("GET", "/staff/activities/{activity}/edit"),
    ("POST", "/staff/activities/{activity}/edit"),
    ("POST", "/staff/activities/{activity}/participation/{record}/remove"),
]


@pytest.mark.parametrize("role", ["stakeholder", "focal_point"])
def test_staff_pages_refuse_other_roles(client, session, auth, role):
    activity = make_activity(session)
    record = make_participation(session, activity, stakeholder=make_stakeholder(session), role="participant")
    make_user(session, email="someone@example.org", role=role, country="KE" if role == "focal_point" else None)
    auth.login("someone@example.org")
    for method, url in STAFF_URLS:
        response = client.open(
            url.format(activity=activity.id, record=record.id),
            method=method,
            data={**ACTIVITY_FORM, "organisation": "", "role": "participant"},
        )
        assert response.status_code == 403, f"{method} {url}"
    assert row_count(session, Participation) == 1 and row_count(session, Activity) == 1


def test_an_administrator_counts_as_secretariat(client, session, auth):
    make_user(session, email="admin@example.org", role="admin")
    auth.login("admin@example.org")
    assert client.get("/staff/activities").status_code == 200
    assert client.get("/staff/activities/new").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, session):
    activity = make_activity(session)
    record = make_participation(session, activity, stakeholder=make_stakeholder(session), role="participant")
    for method, url in [*STAFF_URLS, ("GET", "/account/participation")]:
        response = client.open(url.format(activity=activity.id, record=record.id), method=method)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"], f"{method} {url}"
    assert row_count(session, Participation) == 1


# --- the service, as imports and the indicators use it -----------------------------------


def _link(session, activity, **arguments):
    data = validate(ParticipationCreate, {"activity_id": activity.id, **arguments})
    return service.add_participation(session=session, data=data, actor_id=None)


def test_add_participation_validates_and_upserts(session):
    activity = make_activity(session)
    person = make_stakeholder(session, name="Olga Petrova")
    organisation = make_organisation(session)
    first, created = _link(session, activity, stakeholder_id=person.id, role="reviewer", comments=3)
    assert created
    again, created = _link(session, activity, stakeholder_id=person.id, role="reviewer")
    assert not created and again.id == first.id and again.comments == 3  # no number given: kept
    again, _created = _link(session, activity, stakeholder_id=person.id, role="reviewer", comments=0)
    assert again.comments == 0
    _link(session, activity, organisation_id=organisation.id, role="reviewer", comments=9)
    assert row_count(session, Participation) == 2

    bad = [
        dict(stakeholder_id=person.id, organisation_id=organisation.id, role="participant"),
        dict(role="participant"),
        dict(stakeholder_id=999_999, role="participant"),
        dict(stakeholder_id=person.id, role="chair"),
        dict(stakeholder_id=person.id, role="fellow", comments=2),
        dict(stakeholder_id=person.id, role="reviewer", comments=-4),
        dict(activity_id=999_999, stakeholder_id=person.id, role="reviewer"),
    ]
    expected = ["party", "party", "stakeholder", "role", "comments", "comments", "activity"]
    for arguments, field in zip(bad, expected):
        with pytest.raises(ValidationFailed) as error:
            _link(session, activity, **arguments)
        assert field in error.value.fields, arguments
    assert row_count(session, Participation) == 2


def test_problems_and_upsert_let_an_import_write_all_rows_or_none(session):
    activity = make_activity(session)
    people = [make_stakeholder(session, name=f"Expert {n}") for n in range(3)]
    rows = [ParticipationCreate(activity_id=activity.id, stakeholder_id=p.id, role="nominated") for p in people]
    assert all(not service.participation_problems(session, row) for row in rows)
    for row in rows + rows[:1]:  # a repeated row updates, it does not duplicate
        service.upsert_participation(session, row)
    session.commit()
    assert row_count(session, Participation) == 3
    with pytest.raises(ValidationFailed) as error:
        validate(
            ActivityCreate,
            dict(title="Call", activity_type="call_experts", start_date=date(2026, 5, 1), end_date=date(2026, 4, 1)),
        )
    assert error.value.problems == [Problem("end_date", "end_before_start")]
    with pytest.raises(ValidationFailed) as error:
        validate(ActivityCreate, dict(title="", activity_type="picnic", start_date=""))
    assert error.value.fields == ["title", "activity_type", "start_date"]


def test_participation_summary_counts_records_and_comments_by_year_type_and_role(session):
    fellows_2025 = make_activity(session, activity_type="call_fellows", start=date(2025, 1, 10))
    review_2025 = make_activity(session, activity_type="external_review", start=date(2025, 6, 1))
    review_2026 = make_activity(session, activity_type="external_review", start=date(2026, 2, 1))
    people = [make_stakeholder(session, name=f"Person {n}") for n in range(5)]
    organisation = make_organisation(session)
    for person in people:
        make_participation(session, fellows_2025, stakeholder=person, role="nominated")
    make_participation(session, fellows_2025, stakeholder=people[0], role="selected")
    make_participation(session, review_2025, stakeholder=people[1], role="reviewer", comments=10)
    make_participation(session, review_2025, organisation=organisation, role="reviewer", comments=25)
    make_participation(session, review_2025, stakeholder=people[2], role="reviewer")  # count unknown
    make_participation(session, review_2026, stakeholder=people[1], role="reviewer", comments=4)

    assert service.participation_summary(session) == [
        (2025, "call_fellows", "nominated", 5, 0),
        (2025, "call_fellows", "selected", 1, 0),
        (2025, "external_review", "reviewer", 3, 35),
        (2026, "external_review", "reviewer", 1, 4),
    ]
    assert service.participation_summary(session, year=2026) == [(2026, "external_review", "reviewer", 1, 4)]
    assert [r.role for r in service.participation_summary(session, activity_type="call_fellows")] == [
        "nominated",
        "selected",
    ]
    assert service.activity_years(session) == [2026, 2025]
