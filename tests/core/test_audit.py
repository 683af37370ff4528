import json

import pytest
from sqlmodel import select

from core import audit
from core.audit import AuditEvent
from tests.factories import DEFAULT_PASSWORD, make_user


def _events(session):
    session.expire_all()
    return session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()


def test_logins_failures_and_role_changes_are_logged_without_secrets(client, session, auth):
    admin = make_user(session, email="admin@example.org", role="admin")
    person = make_user(session, email="person@example.org")
    auth.login("person@example.org", "not my password")
    auth.login("person@example.org")
    auth.logout()
    auth.login("admin@example.org")
    response = client.post(f"/staff/users/{person.id}", data={"role": "focal_point", "country": "BR"})
    assert response.status_code == 302

    events = _events(session)
    by_action = {e.action: e for e in events}
    assert by_action["login.failed"].target == "person@example.org"
    assert by_action["login.succeeded"].actor_id in {person.id, admin.id}
    change = by_action["account.role_changed"]
    assert change.actor_id == admin.id and change.target == "person@example.org"
    assert change.details == {
        "before": {"role": "stakeholder", "country": None},
        "after": {"role": "focal_point", "country": "BR"},
    }
    dumped = json.dumps([[e.action, e.target, e.details] for e in events])
    assert DEFAULT_PASSWORD not in dumped and "not my password" not in dumped and "$argon2" not in dumped


def test_audit_refuses_secret_details(session):
    with pytest.raises(ValueError):
        audit.record(session, "x", password="hunter2")


def test_secretariat_browses_and_filters_the_log(client, session, auth):
    make_user(session, email="sec@example.org", role="secretariat")
    auth.login("sec@example.org", "wrong password!")
    auth.login("sec@example.org")
    page = client.get("/staff/audit?action=login.failed").get_data(as_text=True)
    assert "login.failed" in page and "<code>login.succeeded</code>" not in page


def test_a_role_change_ends_the_sessions_of_that_person(app, client, session, auth):
    make_user(session, email="admin@example.org", role="admin")
    person = make_user(session, email="person@example.org", role="secretariat")
    theirs = app.test_client()
    theirs.post("/account/login", data={"email": "person@example.org", "password": DEFAULT_PASSWORD})
    assert theirs.get("/staff/audit").status_code == 200
    auth.login("admin@example.org")
    client.post(f"/staff/users/{person.id}", data={"role": "stakeholder"})
    assert theirs.get("/staff/audit").status_code == 302  # signed out; signing in again gives the new role


def test_admin_cannot_demote_themself(client, session, auth):
    admin = make_user(session, email="admin@example.org", role="admin")
    auth.login("admin@example.org")
    response = client.post(f"/staff/users/{admin.id}", data={"role": "stakeholder"})
    assert "You cannot remove your own administrator role." in response.get_data(as_text=True)
