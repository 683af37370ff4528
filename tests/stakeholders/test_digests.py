"""Weekly digests: new stakeholders to focal points who opted in, organisations awaiting approval
to the secretariat; in the recipient's language, never re-sent, nothing when nothing is new."""

from datetime import date, timedelta

import pytest
from babel.dates import format_date as babel_date
from sqlmodel import select

from core.jobs.models import Job
from core.mail import OutboxMessage
from core.timeutil import utcnow
from stakeholders import digests
from stakeholders.models import FocalPointAssignment, OrganisationName, SecretariatDigest, Stakeholder
from tests.factories import make_focal_point, make_organisation, make_stakeholder, make_user
from tests.support import mail

LINKS = digests.DigestLinks(
    roster="http://localhost/focal-point/roster",
    pending_organisations="http://localhost/staff/registry/organisations?status=pending",
)


def egyptian_focal_point(session, **changes):
    """Nour Hassan, Egypt's focal point for two months, who reads French and opted in to digests."""
    nour = {"country": "EG", "email": "focal.eg@example.org", "name": "Nour Hassan", "locale": "fr", "opt_in": True}
    return make_focal_point(session, **{**nour, "start": date.today() - timedelta(days=60), **changes})


def send(session, now=None, locale="en"):
    return digests.send_due_digests(session=session, links=LINKS, default_locale=locale, now=now or utcnow())


def messages(session, to=None):
    session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return session.exec(query).all()


@pytest.fixture
def egypt(session):
    organisation = make_organisation(session, name="Nile Delta Research Centre", country="EG")
    session.add(
        OrganisationName(organisation_id=organisation.id, language="fr", name="Centre de recherche du delta du Nil")
    )
    session.commit()
    make_stakeholder(
        session,
        name="Layla Farouk",
        email="layla@example.org",
        country="EG",
        organisation=organisation,
        share_with_focal_point=True,
    )
    make_stakeholder(
        session,
        name="Hidden Mansour",
        email="hidden.mansour@example.org",
        country="EG",
        organisation=make_organisation(session, name="Discreet Cairo Group", country="EG"),
    )
    make_stakeholder(
        session, name="Foreign Person", email="foreign@example.org", country="FR", share_with_focal_point=True
    )
    return organisation


def test_a_focal_point_digest_names_consenting_people_counts_the_rest_in_their_language(app, session, egypt):
    egyptian_focal_point(session)
    now = utcnow()
    with app.app_context():
        report = send(session, now)
    assert report.focal_points == ["focal.eg@example.org"]
    [message] = messages(session, "focal.eg@example.org")
    assert message.locale == "fr"
    assert "Égypte" in message.subject and "Égypte" in message.body  # country names in French
    assert "Layla Farouk" in message.body
    assert "Centre de recherche du delta du Nil" in message.body  # the organisation's French name
    assert babel_date(now.date(), format="medium", locale="fr") in message.body  # dates in French
    for secret in ("Hidden Mansour", "hidden.mansour", "Discreet Cairo Group", "Foreign Person"):
        assert secret not in message.body
    assert LINKS.roster in message.body


def test_the_english_digest_counts_everyone_and_names_only_those_who_consented(app, session, egypt):
    egyptian_focal_point(session, locale="en")
    with app.app_context():
        send(session)
    [message] = messages(session, "focal.eg@example.org")
    assert message.subject == "New stakeholders in Egypt"
    assert "2 stakeholders registered in Egypt between" in message.body
    assert "- Layla Farouk, Nile Delta Research Centre (Scientific community)\n" in message.body
    assert "1 of them has not consented to share their details with the focal point" in message.body
    assert "Hidden Mansour" not in message.body and "Discreet Cairo Group" not in message.body


def test_digests_are_not_sent_twice_and_cover_only_what_is_new(app, session, egypt):
    user = egyptian_focal_point(session, locale="en")
    now = utcnow()
    with app.app_context():
        assert send(session, now).focal_points == [user.email]
        assert send(session, now).focal_points == []  # at once again: nothing
        assert send(session, now + timedelta(days=1)).focal_points == []  # within the week: nothing
        assert send(session, now + timedelta(days=8)).focal_points == []  # a week on, nobody new: nothing
        newcomer = make_stakeholder(
            session, name="Omar Newcomer", email="omar@example.org", country="EG", share_with_focal_point=True
        )
        newcomer.created_at = now + timedelta(days=3)
        session.add(newcomer)
        session.commit()
        assert send(session, now + timedelta(days=8)).focal_points == [user.email]
        assert send(session, now + timedelta(days=8)).focal_points == []
    first, second = messages(session, user.email)
    assert "Layla Farouk" in first.body and "Omar Newcomer" not in first.body
    assert "Omar Newcomer" in second.body and "Layla Farouk" not in second.body
    assert "1 stakeholder registered in Egypt" in second.body
    session.expire_all()
    assignment = session.exec(select(FocalPointAssignment).where(FocalPointAssignment.user_id == user.id)).one()
    assert assignment.digest_last_sent_at == now + timedelta(days=8)


def test_the_first_digest_covers_the_last_seven_days(app, session, egypt):
    egyptian_focal_point(session, locale="en")
    old = session.exec(select(Stakeholder).where(Stakeholder.search_name == "layla farouk")).one()
    old.created_at = utcnow() - timedelta(days=8)
    session.add(old)
    session.commit()
    with app.app_context():
        send(session)
    [message] = messages(session, "focal.eg@example.org")
    assert "Layla Farouk" not in message.body and "1 stakeholder registered in Egypt" in message.body


@pytest.mark.parametrize("setup", ["not_opted_in", "ended", "role_removed", "nothing_new"])
def test_no_digest_for_those_who_should_not_get_one(app, session, egypt, setup):
    if setup == "not_opted_in":
        egyptian_focal_point(session, opt_in=False)
    elif setup == "ended":
        egyptian_focal_point(session, start=date.today() - timedelta(days=400), end=date.today())
    elif setup == "role_removed":
        user = egyptian_focal_point(session)
        user.role, user.focal_country = "stakeholder", None
        session.add(user)
        session.commit()
    else:
        egyptian_focal_point(session, country="KE", email="focal.ke@example.org")
    with app.app_context():
        assert send(session).focal_points == []
    assert messages(session) == []


def test_the_secretariat_digest_lists_pending_organisations_weekly(app, session):
    secretariat = make_user(session, email="secretariat@example.org", role="secretariat", locale="es")
    admin = make_user(session, email="admin@example.org", role="admin")
    make_user(session, email="stakeholder@example.org")
    egyptian_focal_point(session)
    now = utcnow()
    with app.app_context():
        assert send(session, now).secretariat == []  # nothing pending: no message
        make_organisation(session, name="Awaiting Institute", country="DE", status="pending", acronym="AWI")
        make_organisation(session, name="Approved Institute", country="DE")
        report = send(session, now)
        assert sorted(report.secretariat) == ["admin@example.org", "secretariat@example.org"]
        assert send(session, now + timedelta(days=2)).secretariat == []
        assert sorted(send(session, now + timedelta(days=7)).secretariat) == sorted([admin.email, secretariat.email])
    spanish = messages(session, "secretariat@example.org")[0]
    assert spanish.locale == "es" and "Alemania" in spanish.body  # the country in Spanish
    assert "Awaiting Institute (AWI)" in spanish.body and "Approved Institute" not in spanish.body
    assert LINKS.pending_organisations in spanish.body
    assert messages(session, "stakeholder@example.org") == [] and messages(session, "focal.eg@example.org") == []
    session.expire_all()
    assert session.get(SecretariatDigest, admin.id).last_sent_at == now + timedelta(days=7)


def test_the_command_sends_due_digests_once(app, runner, session, egypt):
    assert "send-digests" in app.cli.commands
    egyptian_focal_point(session)
    make_user(session, email="secretariat@example.org", role="secretariat")
    make_organisation(session, name="Awaiting Institute", status="pending")
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "Focal point digests sent: 1" in result.output and "Secretariat digests sent: 1" in result.output
    result = runner.invoke(args=["send-digests"])
    assert "Focal point digests sent: 0" in result.output and "Secretariat digests sent: 0" in result.output
    assert len(messages(session)) == 2
    [focal] = messages(session, "focal.eg@example.org")
    assert "http://localhost/focal-point/roster" in focal.body


def test_the_command_returns_the_role_of_focal_points_whose_assignments_ended(app, runner, session):
    user = egyptian_focal_point(session, start=date.today() - timedelta(days=400), end=date.today() - timedelta(days=1))
    result = runner.invoke(args=["send-digests", "--now", utcnow().isoformat()])
    assert result.exit_code == 0, result.output
    assert "focal.eg@example.org" in result.output
    session.expire_all()
    assert session.get(type(user), user.id).role == "stakeholder"
    assert runner.invoke(args=["send-digests", "--now", "yesterday"]).exit_code != 0


def test_the_digests_are_a_job_over_one_connection_that_sends_nobody_twice_when_run_again(
    app_with, monkeypatch, session, egypt
):
    smtp_app = mail.smtp_app(app_with)
    office = mail.post_office(smtp_app, monkeypatch)
    egyptian_focal_point(session)
    make_user(session, email="secretariat@example.org", role="secretariat")
    make_user(session, email="admin@example.org", role="admin")
    make_organisation(session, name="Awaiting Institute", status="pending")
    runner = smtp_app.test_cli_runner()
    office.crash_at = 2

    failed = runner.invoke(args=["send-digests"])

    assert failed.exit_code != 0 and "failed" in failed.output
    assert len(office.delivered) == 1 and office.connections == 1
    job = session.exec(select(Job).where(Job.kind == "stakeholders.digests")).one()
    assert job.state == "failed" and job.total == 3

    again = runner.invoke(args=["send-digests"])

    assert again.exit_code == 0, again.output
    assert sorted(office.delivered) == ["admin@example.org", "focal.eg@example.org", "secretariat@example.org"]
    assert office.connections == 2
