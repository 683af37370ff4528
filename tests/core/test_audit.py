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
    rows = page.split("<tbody>", 1)[1]
    assert "Sign-in failed" in rows and "Signed in<" not in rows and "login.failed" not in rows
    assert '<option value="login.failed" selected>Sign-in failed</option>' in page


def test_the_log_describes_actions_and_details_in_the_readers_language(client, session, auth):
    admin = make_user(session, email="admin@example.org", role="admin")
    person = make_user(session, email="person@example.org")
    audit.record(session, "made.up_code", actor_id=admin.id, file_name="registry.xlsx")
    session.commit()
    auth.login("admin@example.org")
    client.post(f"/staff/users/{person.id}", data={"role": "focal_point", "country": "BR"})
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "Role changed" in page and "account.role_changed" not in page.split("<tbody>", 1)[1]
    assert "<dt>File name</dt><dd>registry.xlsx</dd>" in page and "<dd>made.up_code" not in page
    assert "<td>made.up_code</td>" in page  # an unknown code is shown as it is
    assert "<dt>After</dt><dd>Role: focal_point; Country: BR</dd>" in page and "{&#34;" not in page
    client.set_cookie("lang", "fr")
    french = client.get("/staff/audit").get_data(as_text=True)
    assert "Rôle modifié" in french and "Connexion réussie" in french


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
