"""Waves from before the platform (issue 16): recorded closed with their own past dates, on a version
that may be in one language only; never opened, never inviting or reminding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.timeutil import utcnow
from surveys import invitations, waves
from surveys.definition import Choice, Definition, Page, Question
from surveys.models import Wave
from surveys.translation_status import missing_totals
from tests.factories import make_instrument_version, make_stakeholder, make_user


def english_only() -> Definition:
    """An old questionnaire described in English only."""
    return Definition(
        form_id="survey_2019",
        version="2019",
        titles={"en": "Stakeholder survey 2019"},
        pages=(
            Page(
                name="p",
                labels={"en": "Questions"},
                items=(Question(name="motivation", type="select_one", labels={"en": "Why?"}, list_name="why"),),
            ),
        ),
        choices={"why": (Choice("networking", {"en": "Networking"}), Choice("learning", {"en": "Learning"}))},
    )


def _data(version, name="Survey 2019", **changes) -> waves.WaveData:
    values = {
        "version_id": version.id,
        "name": name,
        "year": 2019,
        "opens_at": datetime(2019, 3, 1, tzinfo=UTC),
        "closes_at": datetime(2019, 4, 30, tzinfo=UTC),
    }
    return waves.WaveData(**{**values, **changes})


def test_a_past_wave_on_an_english_only_version_is_recorded_closed(session, app):
    version = make_instrument_version(session, definition=english_only(), code="survey-2019")
    assert missing_totals(english_only())  # it could never be published
    with app.test_request_context():
        wave = waves.record_past_wave(session, data=_data(version))
    assert (wave.status, wave.past, wave.year) == ("closed", True, 2019)
    assert waves.state(wave) == "closed"
    assert wave.opens_at == datetime(2019, 3, 1, tzinfo=UTC)
    with app.test_request_context():
        with pytest.raises(waves.WaveError):
            waves.publish_wave(session, wave=wave)
        with pytest.raises(waves.WaveError):
            waves.create_open_link(session, wave=wave, network="Partners")
        # Editing it needs no translations, and its dates stay in the past.
        waves.update_wave(session, wave=wave, data=_data(version, name="Survey of 2019"))
        with pytest.raises(waves.WaveError):
            waves.update_wave(session, wave=wave, data=_data(version, closes_at=utcnow() + timedelta(days=3)))
    assert session.get(Wave, wave.id).name == "Survey of 2019"


def test_a_past_wave_must_have_closed(session, app):
    version = make_instrument_version(session, definition=english_only(), code="survey-2019")
    with app.test_request_context():
        with pytest.raises(waves.WaveError):
            waves.record_past_wave(session, data=_data(version, closes_at=utcnow() + timedelta(days=1)))
    assert session.exec(select(Wave)).first() is None


def test_a_past_wave_sends_no_invitation_nor_reminder(session, app):
    version = make_instrument_version(session, definition=english_only(), code="survey-2019")
    make_stakeholder(session)
    with app.test_request_context():
        wave = waves.record_past_wave(session, data=_data(version))
        with pytest.raises(waves.WaveError):
            invitations.check_can_invite(wave)
        with pytest.raises(waves.WaveError):
            invitations.schedule_reminder(session, wave=wave, send_at=datetime(2019, 3, 15, tzinfo=UTC))


def test_the_secretariat_records_a_past_wave_through_its_page(client, session, secretariat):
    version = make_instrument_version(session, definition=english_only(), code="survey-2019")
    page = client.get("/staff/surveys/waves/past/new").get_data(as_text=True)
    assert "fewer than six" in page
    response = client.post(
        "/staff/surveys/waves/past/new",
        data={
            "version_id": version.id,
            "name": "Survey 2019",
            "year": 2019,
            "opens_on": "2019-03-01",
            "closes_on": "2019-04-30",
        },
    )
    assert response.status_code == 302
    wave = session.exec(select(Wave)).one()
    assert (wave.status, wave.past) == ("closed", True)
    assert wave.opens_at == datetime(2019, 3, 1, tzinfo=UTC)
    assert wave.closes_at == datetime(2019, 5, 1, tzinfo=UTC)  # the end of its last day
    page = client.get(f"/staff/surveys/waves/{wave.id}").get_data(as_text=True)
    assert 'id="past-wave"' in page and "Send invitations" not in page and "Add an open link" not in page
    assert f"/staff/surveys/waves/past/{wave.id}/edit" in page
    assert "Survey 2019" in client.get("/staff/surveys/").get_data(as_text=True)
    edited = client.post(
        f"/staff/surveys/waves/past/{wave.id}/edit",
        data={
            "version_id": version.id,
            "name": "Survey 2019",
            "year": 2019,
            "opens_on": "2019-02-01",
            "closes_on": "2019-04-30",
        },
    )
    assert edited.status_code == 302
    session.expire_all()
    assert session.get(Wave, wave.id).opens_at == datetime(2019, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize("role", ["stakeholder", "focal_point"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/staff/surveys/waves/past/new"),
        ("post", "/staff/surveys/waves/past/new"),
        ("get", "/staff/surveys/concordance"),
        ("post", "/staff/surveys/concordance/1/2/proposals"),
        ("post", "/staff/surveys/concordance/matches/1/delete"),
    ],
)
def test_only_the_secretariat_reaches_the_history_pages(client, session, auth, role, method, path):
    make_user(session, email="someone@example.org", role=role, country="KE" if role == "focal_point" else None)
    auth.login("someone@example.org")
    assert getattr(client, method)(path).status_code == 403
    assert not session.exec(select(Wave)).all()  # nothing recorded
