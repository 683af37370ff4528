"""Invitations and reminders as background jobs: one SMTP connection per batch, nobody written to twice
when a job that failed halfway is tried again, progress as recipients done of the total, and the job seen
only by its owner and the secretariat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.jobs.models import Job
from core.timeutil import utcnow
from surveys import invitations
from surveys.models import Invitation
from tests.conftest import AuthActions
from tests.factories import make_focal_point, make_secretariat, make_stakeholder, make_user, make_wave
from tests.support import mail

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def smtp_app(app_with):
    return mail.smtp_app(app_with)


@pytest.fixture
def office(smtp_app, monkeypatch) -> mail.PostOffice:
    return mail.post_office(smtp_app, monkeypatch)


PEOPLE = 5


def audience(session, count: int = PEOPLE):
    return [
        make_stakeholder(session, name=f"Person {n}", email=f"person{n}@example.org", country="KE")
        for n in range(count)
    ]


def signed_in(app, email):
    client = app.test_client()
    AuthActions(client).login(email)
    return client


def job_of(session, response) -> Job:
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"], response.headers
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    session.expire_all()
    return session.get(Job, job_id)


def sent_at(session) -> list:
    session.expire_all()
    return [i.sent_at for i in session.exec(select(Invitation).order_by(Invitation.id)).all()]


def test_the_wave_page_queues_the_invitations_and_shows_their_progress(smtp_app, office, session):
    wave = make_wave(session)
    audience(session)
    client = signed_in(smtp_app, make_secretariat(session).email)

    job = job_of(session, client.post(f"/staff/surveys/waves/{wave.id}/invitations"))

    assert job.kind == "surveys.invitations" and job.state == "done"
    assert (job.done, job.total) == (PEOPLE, PEOPLE)
    assert job.result == {"sent": PEOPLE, "skipped": 0, "failed": 0}
    # While the mailing ran, its page showed the total and how many were done.
    assert office.seen_progress[0] == (0, PEOPLE)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Invitations sent: 5. Already invited before: 0." in page and "5 of 5" in page
    status = client.get(f"/jobs/{job.id}.json").get_json()
    assert (status["done"], status["total"], status["finished"]) == (PEOPLE, PEOPLE, True)


def test_one_smtp_connection_for_a_batch(smtp_app, office, session):
    wave = make_wave(session)
    audience(session)
    client = signed_in(smtp_app, make_secretariat(session).email)

    client.post(f"/staff/surveys/waves/{wave.id}/invitations")
    assert office.connections == 1 and len(office.delivered) == PEOPLE

    due = utcnow() + timedelta(days=1)
    invitations.schedule_reminder(session, wave=wave, send_at=due)
    result = smtp_app.test_cli_runner().invoke(args=["surveys", "send-reminders", "--now", due.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Survey reminders sent: 5" in result.output
    assert office.connections == 2 and len(office.delivered) == 2 * PEOPLE


def test_a_job_that_failed_halfway_and_is_tried_again_writes_to_nobody_twice(smtp_app, office, session):
    wave = make_wave(session)
    people = audience(session)
    client = signed_in(smtp_app, make_secretariat(session).email)
    office.crash_at = 3

    job = job_of(session, client.post(f"/staff/surveys/waves/{wave.id}/invitations"))

    assert job.state == "failed"
    assert len(office.delivered) == 2
    assert sum(1 for moment in sent_at(session) if moment is not None) == 2  # each send recorded with it

    client.post(f"/jobs/{job.id}/retry")
    session.expire_all()
    job = session.get(Job, job.id)
    assert job.state == "done" and job.attempts == 2
    assert job.result == {"sent": PEOPLE - 2, "skipped": 2, "failed": 0}
    assert sorted(office.delivered) == sorted(f"person{n}@example.org" for n in range(len(people)))
    assert office.connections == 2  # one per attempt


def test_refused_addresses_fail_the_job_and_trying_again_sends_only_to_them(smtp_app, office, session):
    wave = make_wave(session)
    audience(session)
    client = signed_in(smtp_app, make_secretariat(session).email)
    office.refuse = {"person1@example.org"}

    job = job_of(session, client.post(f"/staff/surveys/waves/{wave.id}/invitations"))
    assert job.state == "failed" and "refused 1 addresses" in job.error
    assert len(office.delivered) == PEOPLE - 1

    office.refuse = set()
    client.post(f"/jobs/{job.id}/retry")
    assert office.delivered.count("person1@example.org") == 1 and len(office.delivered) == PEOPLE


def test_an_unreachable_mail_server_fails_the_job_and_marks_nobody_sent(smtp_app, office, session):
    wave = make_wave(session)
    audience(session)
    client = signed_in(smtp_app, make_secretariat(session).email)
    office.down = True

    job = job_of(session, client.post(f"/staff/surveys/waves/{wave.id}/invitations"))

    assert job.state == "failed" and "could not be reached" in job.error
    assert sent_at(session) == [] and office.delivered == []


def test_a_closed_wave_queues_nothing(smtp_app, office, session):
    wave = make_wave(session, opens_in_days=-30, closes_in_days=-1)
    client = signed_in(smtp_app, make_secretariat(session).email)
    response = client.post(f"/staff/surveys/waves/{wave.id}/invitations")
    assert response.status_code == 302 and "/jobs/" not in response.headers["Location"]
    assert session.exec(select(Job)).all() == []


@pytest.mark.parametrize(
    ("who", "sees"),
    [("owner", True), ("other secretariat", True), ("focal point", False), ("stakeholder", False)],
)
def test_only_the_owner_and_the_secretariat_see_a_mailing_job(smtp_app, office, session, who, sees):
    wave = make_wave(session)
    audience(session, 1)
    owner = make_secretariat(session)
    job = job_of(session, signed_in(smtp_app, owner.email).post(f"/staff/surveys/waves/{wave.id}/invitations"))
    viewer = {
        "owner": owner,
        "other secretariat": make_secretariat(session, email="other.officer@example.org"),
        "focal point": make_focal_point(session),
        "stakeholder": make_user(session, email="someone@example.org"),
    }[who]
    client = signed_in(smtp_app, viewer.email)
    for path in (f"/jobs/{job.id}", f"/jobs/{job.id}.json"):
        assert client.get(path).status_code == (200 if sees else 404)
