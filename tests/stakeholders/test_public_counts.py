"""The public register's counts are cached, and no write through the app leaves a stale one."""

from __future__ import annotations

import re

import pytest

from stakeholders import registry_query
from stakeholders.models import Stakeholder
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_secretariat, make_stakeholder


def shown_count(client, query: str = "") -> int:
    response = client.get(f"/registry/{query}")
    assert response.status_code == 200
    found = re.search(r'<p role="status">([\d,]+) stakeholders?</p>', response.get_data(as_text=True))
    return int(found.group(1).replace(",", ""))


@pytest.fixture
def counted(monkeypatch):
    """How many times the database was asked for a count."""
    calls = []
    real = registry_query.count

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(registry_query, "count", counting)
    return calls


def test_a_count_is_asked_of_the_database_once_per_set_of_filters(client, session, counted):
    make_stakeholder(session, name="Amina Diallo")
    make_stakeholder(session, name="Amadou Sow")
    assert shown_count(client, "?q=ama") == 1
    assert shown_count(client, "?q=ama&page=2&sort=-name") == 1  # another page or order: the same count
    assert shown_count(client, "?q=am") == 2
    assert len(counted) == 2


def test_the_count_follows_every_change_made_through_the_app(client, session, auth, counted):
    organisation = make_organisation(session, name="Pending Institute", status="pending")
    person = make_stakeholder(session, name="Amina Diallo", email="amina@example.org")
    make_stakeholder(session, name="Amadou Sow", organisation=organisation)
    assert shown_count(client, "?q=am") == 1

    auth.login(make_secretariat(session).email)
    client.post(f"/staff/registry/organisations/{organisation.id}/status", data={"status": "approved"})
    assert shown_count(client, "?q=am") == 2  # the organisation's member appears
    client.post(f"/staff/registry/stakeholders/{person.id}/status", data={"active": "0"})
    assert shown_count(client, "?q=am") == 1
    client.post(f"/staff/registry/stakeholders/{person.id}/status", data={"active": "1"})
    assert shown_count(client, "?q=am") == 2
    auth.logout()

    auth.login("amina@example.org")
    client.post("/account/consents", data={"share_with_focal_point": "y"})  # listing consent withdrawn
    assert shown_count(client, "?q=am") == 1
    assert shown_count(client) == 1
    assert len(counted) == 5 + 1  # one per change, plus the unfiltered count


def test_a_write_outside_a_request_is_not_hidden_by_the_cache(client, session):
    """Commands and scripts write through their own sessions, on the app's engine."""
    make_stakeholder(session, name="Amina Diallo")
    assert shown_count(client) == 1
    make_stakeholder(session, name="Amadou Sow")
    assert shown_count(client) == 2
    person = session.get(Stakeholder, 1)
    person.public_listing = False
    session.add(person)
    session.commit()
    assert shown_count(client) == 1


def test_processes_sharing_redis_see_each_others_changes(app_with, redis_url, session):
    one, two = (app_with(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url) for _ in range(2))
    make_stakeholder(session, name="Amina Diallo", email="amina@example.org")
    reader, writer = two.test_client(), one.test_client()
    assert shown_count(reader, "?q=amina") == 1
    assert (
        writer.post("/account/login", data={"email": "amina@example.org", "password": DEFAULT_PASSWORD}).status_code
        == 302
    )
    # Listing withdrawn (an empty form would leave every choice as it was).
    assert writer.post("/account/consents", data={"mailing_list": "y"}).status_code == 302
    assert shown_count(reader, "?q=amina") == 0
