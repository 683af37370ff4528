"""A stakeholder's own surveys: the "My surveys" home, the data download and the participation page."""

import json

from core.timeutil import utcnow
from surveys.models import Answer, Response
from tests.factories import (
    DEFAULT_PASSWORD,
    make_instrument_version,
    make_invitation,
    make_stakeholder,
    make_user,
    make_wave,
)


def _respond(session, wave, person, *, status="submitted"):
    response = Response(
        wave_id=wave.id,
        version_id=wave.version_id,
        stakeholder_id=person.id,
        submission_key=f"key-{wave.id}-{person.id}",
        status=status,
        draft={"q_text": "draft words"} if status == "draft" else {},
        submitted_at=utcnow() if status == "submitted" else None,
    )
    session.add(response)
    session.flush()
    if status == "submitted":
        session.add(Answer(response_id=response.id, question="q_text", value_text="Pollinators matter"))
        # a repeat's instances, one nested: each keeps its own key
        session.add(Answer(response_id=response.id, question="name", instance=1, value_text="Ana"))
        session.add(Answer(response_id=response.id, question="name", instance=2, value_text="Bo"))
        session.add(
            Answer(response_id=response.id, question="phone", instance=1, parent_instances="2", value_text="5550")
        )
    session.commit()
    return response


def test_the_data_download_includes_survey_invitations_and_responses(client, session, auth):
    person = make_stakeholder(session, email="grace@example.org")
    wave = make_wave(session, name="Annual survey 2026")
    make_invitation(session, wave=wave, stakeholder=person)
    _respond(session, wave, person)
    auth.login("grace@example.org")
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    [survey] = data["surveys"]
    assert survey["wave"] == "Annual survey 2026" and survey["opens_at"] and survey["closes_at"]
    assert survey["invitation"]["sent_at"]
    assert survey["response"]["state"] == "submitted" and survey["response"]["submitted_at"]
    assert survey["response"]["answers"] == {
        "q_text": "Pollinators matter",
        "name[1]": "Ana",
        "name[2]": "Bo",
        "phone[2.1]": "5550",
    }


def test_the_participation_history_lists_surveys(client, session, auth):
    person = make_stakeholder(session, email="grace@example.org")
    wave = make_wave(session, name="Annual survey 2026")
    make_invitation(session, wave=wave, stakeholder=person)
    _respond(session, wave, person)
    auth.login("grace@example.org")
    page = client.get("/account/participation").get_data(as_text=True)
    assert "Surveys you were invited to or answered" in page and "Submitted" in page


def test_stakeholders_land_on_my_surveys_after_signing_in(client, session, auth):
    make_stakeholder(session, email="grace@example.org")
    response = auth.login("grace@example.org")
    assert response.headers["Location"].endswith("/account/surveys")
    auth.logout()
    response = client.post(
        "/account/login?next=/account/profile", data={"email": "grace@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"].endswith("/account/profile")


def test_my_surveys_lists_invitations_drafts_and_changeable_submissions(client, session, auth):
    person = make_stakeholder(session, email="grace@example.org")
    version = make_instrument_version(session)
    invited = make_wave(session, version=version, name="Open wave")
    started = make_wave(session, version=version, name="Started wave", year=2027)
    answered = make_wave(session, version=version, name="Answered wave", year=2028)
    past = make_wave(session, version=version, name="Past wave", year=2025, opens_in_days=-60, closes_in_days=-30)
    links = {
        wave.name: make_invitation(session, wave=wave, stakeholder=person).token
        for wave in (invited, started, answered, past)
    }
    _respond(session, started, person, status="draft")
    _respond(session, answered, person)
    auth.login("grace@example.org")
    page = client.get("/account/surveys").get_data(as_text=True)
    for heading in ("Open invitations", "Started, not yet submitted", "Submitted", "Closed without an answer"):
        assert heading in page
    for name in ("Open wave", "Started wave", "Answered wave"):
        assert f"/i/{links[name]}" in page
    assert f"/i/{links['Past wave']}" not in page
    assert "Change my answers" in page and "Continue where you left off" in page


def test_my_surveys_without_a_profile_says_so(client, session, auth):
    make_user(session, email="staff@example.org", role="secretariat")
    auth.login("staff@example.org")
    page = client.get("/account/surveys").get_data(as_text=True)
    assert "You have no stakeholder profile" in page
