"""Invitations and reminders: to whom, in which language, with which links; unsubscribing."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from core.mail import OutboxMessage
from core.timeutil import utcnow
from surveys import invitations, waves
from surveys.mailing import mail_links
from surveys.models import InstrumentVersion, Invitation, ReminderSchedule, SurveyOptOut
from tests.conftest import outbox_links
from tests.factories import make_instrument_version, make_response, make_stakeholder, make_wave
from tests.reading import row_count


def _person(session, name, *, language="en", **kwargs):
    stakeholder = make_stakeholder(session, name=name, email=f"{name.split()[0].lower()}@example.org", **kwargs)
    stakeholder.preferred_language = language
    session.add(stakeholder)
    session.commit()
    return stakeholder


def _outbox(session) -> dict[str, OutboxMessage]:
    session.expire_all()
    return {m.to_address: m for m in session.exec(select(OutboxMessage)).all()}


def _send(app, session, wave, **kwargs):
    with app.app_context():
        return invitations.send_invitations(session, wave=wave, links=mail_links(), **kwargs)


@pytest.fixture
def registry(session):
    """Stakeholders of several kinds; only Amina and Olga may be invited to a science wave."""
    people = {
        "amina": _person(session, "Amina Diallo", language="fr", country="SN"),
        "olga": _person(session, "Olga Petrova", language="ru", country="PL"),
        "no_email_pref": _person(session, "Wei Zhang", communication=("website", "webinar"), country="CN"),
        "opted_out": _person(session, "Juan Perez", language="es", country="MX"),
        "no_account": make_stakeholder(session, name="Lone Ranger", with_account=False, country="KE"),
        "other_category": _person(session, "Paul Martin", category="business", country="FR"),
        "inactive": _person(session, "Idle Person", is_active=False, country="KE"),
    }
    session.add(SurveyOptOut(stakeholder_id=people["opted_out"].id))
    session.commit()
    return people


def test_invitations_go_only_to_those_who_allow_it_in_their_language(app, session, registry):
    wave = make_wave(session, audience={"categories": ["science"]})
    report = _send(app, session, wave)
    outbox = _outbox(session)
    assert set(outbox) == {"amina@example.org", "olga@example.org"} and sorted(report.sent) == sorted(outbox)
    french, russian = outbox["amina@example.org"], outbox["olga@example.org"]
    assert french.locale == "fr" and russian.locale == "ru"
    assert "[fr] Test survey" in french.subject and "[fr] Test survey" in french.body  # the survey's own title
    assert "[ru] Test survey" in russian.body

    rows = session.exec(select(Invitation).where(Invitation.wave_id == wave.id)).all()
    assert {(r.stakeholder_id, r.language) for r in rows} == {(registry["amina"].id, "fr"), (registry["olga"].id, "ru")}
    amina = next(r for r in rows if r.stakeholder_id == registry["amina"].id)
    links = outbox_links(session, "amina@example.org")
    assert f"http://localhost/survey/i/{amina.token}" in links
    assert any("/survey/unsubscribe/" in link for link in links)
    assert wave.closes_at.strftime("%Y") in french.body


def test_sending_again_writes_only_to_new_people_and_keeps_one_invitation_each(app, session, registry):
    wave = make_wave(session, audience={"categories": ["science"]})
    _send(app, session, wave)
    report = _send(app, session, wave)
    assert report.sent == [] and report.skipped == 2
    _person(session, "Newcomer Person", country="BR")
    report = _send(app, session, wave)
    assert report.sent == ["newcomer@example.org"]
    assert row_count(session, OutboxMessage) == 3
    assert row_count(session, Invitation) == 3


def test_a_draft_or_closed_wave_sends_nothing(app, session, registry):
    version = make_instrument_version(session)
    for status in ("draft", "closed"):
        wave = make_wave(session, version=version, name=status, status=status)
        with pytest.raises(waves.WaveError):
            _send(app, session, wave)
    assert _outbox(session) == {}


def test_unsubscribe_link_asks_then_stops_further_invitations(app, client, session, registry):
    version = make_instrument_version(session)
    first = make_wave(session, version=version, name="First")
    _send(app, session, first)
    link = next(link for link in outbox_links(session, "amina@example.org") if "/unsubscribe/" in link)
    path = link.replace("http://localhost", "")

    page = client.get(path)
    assert page.status_code == 200 and "Stop survey invitations" in page.get_data(as_text=True)
    assert session.get(SurveyOptOut, registry["amina"].id) is None  # opening the link alone does nothing
    done = client.post(path)
    assert done.status_code == 200 and "no more IPBES survey invitations" in done.get_data(as_text=True)
    session.expire_all()
    assert session.get(SurveyOptOut, registry["amina"].id) is not None
    assert client.post(path).status_code == 200  # twice is harmless

    second = make_wave(session, version=version, name="Second")
    report = _send(app, session, second)
    assert "amina@example.org" not in report.sent and "olga@example.org" in report.sent
    assert client.get(path[:-3] + "abc").status_code == 404  # a damaged link


def test_reminders_go_to_non_respondents_once_in_their_language(app, session, registry):
    wave = make_wave(session)
    extra = _person(session, "Kofi Boateng", language="es", country="GH")
    _send(app, session, wave)  # Amina, Olga, Paul, Kofi
    make_response(session, wave, stakeholder=registry["olga"])
    make_response(
        session, wave, stakeholder=registry["other_category"], status="draft"
    )  # started, not submitted: reminded
    session.exec(OutboxMessage.__table__.delete())
    session.commit()

    due = utcnow() + timedelta(hours=1)
    reminder = invitations.schedule_reminder(session, wave=wave, send_at=due)
    with app.app_context():
        early = invitations.send_due_reminders(session, links=mail_links(), now=due - timedelta(minutes=1))
        assert early.sent == []
        report = invitations.send_due_reminders(session, links=mail_links(), now=due)
    outbox = _outbox(session)
    assert set(outbox) == {"amina@example.org", "paul@example.org", "kofi@example.org"}
    assert outbox["kofi@example.org"].locale == "es" and "[es] Test survey" in outbox["kofi@example.org"].subject
    assert outbox["amina@example.org"].locale == "fr"
    session.expire_all()
    reminder = session.get(ReminderSchedule, reminder.id)
    assert reminder.sent_at is not None and reminder.recipients == 3 == len(report.sent)
    invitation = session.exec(select(Invitation).where(Invitation.stakeholder_id == extra.id)).one()
    assert invitation.reminders_sent == 1

    with app.app_context():
        again = invitations.send_due_reminders(session, links=mail_links(), now=due + timedelta(hours=1))
    assert again.sent == []


def test_reminder_command_sends_due_reminders(app, runner, session, registry):
    wave = make_wave(session, audience={"categories": ["science"]})
    _send(app, session, wave)
    due = utcnow() + timedelta(days=2)
    invitations.schedule_reminder(session, wave=wave, send_at=due)
    result = runner.invoke(args=["surveys", "send-reminders", "--now", due.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Survey reminders sent: 2" in result.output
    session.expire_all()
    messages = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    # Each person got an invitation, then a reminder (subjects are in each person's language).
    assert sorted(m.to_address for m in messages) == ["amina@example.org"] * 2 + ["olga@example.org"] * 2
    reminders = messages[2:]
    assert {m.to_address for m in reminders} == {"amina@example.org", "olga@example.org"}
    token = session.exec(select(Invitation.token).where(Invitation.stakeholder_id == registry["olga"].id)).one()
    assert any(re.search(rf"/survey/i/{re.escape(token)}\b", m.body) for m in reminders)


def test_reminders_must_fall_before_the_close(session):
    wave = make_wave(session)
    with pytest.raises(waves.WaveError):
        invitations.schedule_reminder(session, wave=wave, send_at=wave.closes_at + timedelta(minutes=1))


def test_invitation_command(runner, session, registry):
    wave = make_wave(session, audience={"categories": ["science"]})
    result = runner.invoke(args=["surveys", "send-invitations", str(wave.id)])
    assert result.exit_code == 0, result.output
    assert "Invitations sent: 2; already invited: 0" in result.output
    assert set(_outbox(session)) == {"amina@example.org", "olga@example.org"}
    assert runner.invoke(args=["surveys", "send-invitations", "999"]).exit_code == 1


def test_a_survey_without_a_title_is_named_by_the_waves_name_in_the_readers_language(app, session, registry):
    wave = make_wave(session, audience={"categories": ["science"]}, name="Annual survey")
    version = session.get(InstrumentVersion, wave.version_id)
    version.definition = {**version.definition, "titles": {}}
    wave.name_translations = {"fr": "Enquête annuelle"}
    session.add_all([version, wave])
    session.commit()
    _send(app, session, wave)
    outbox = _outbox(session)
    assert "Enquête annuelle" in outbox["amina@example.org"].subject  # French reader, French name
    assert "Annual survey" in outbox["olga@example.org"].subject  # no Russian name: the name as typed
