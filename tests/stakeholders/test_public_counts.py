"""The public register's counts are cached, and no write through the app leaves a stale one."""

from __future__ import annotations

import re
from html import unescape

import pytest

from core.accounts.models import User
from core.text import search_key
from stakeholders import public_counts, registry_query
from stakeholders.models import Stakeholder
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_secretariat, make_stakeholder


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/registry/{query}")
    assert response.status_code == 200
    return [unescape(name) for name in re.findall(r'<th scope="row">([^<]*)</th>', response.get_data(as_text=True))]


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
    make_stakeholder(session, name="Ama Mensah")
    assert shown_count(client, "?q=am&per_page=1") == 3
    assert shown_count(client, "?q=am&per_page=1&page=2&sort=-name") == 3  # another page or order: the same count
    assert shown_count(client, "?q=ama&per_page=1") == 2
    assert len(counted) == 2
    # A page that shows every match, and reads no row past its end, needs no count.
    assert shown_count(client, "?q=amina") == 1
    assert shown_count(client, "?q=am&per_page=2&page=2") == 3
    assert len(counted) == 2


@pytest.fixture
def paged(monkeypatch):
    """How many times the database was asked for a page's ids."""
    calls = []
    real = registry_query.page_ids

    def paging(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(registry_query, "page_ids", paging)
    return calls


def test_a_page_is_asked_of_the_database_once_until_the_registry_changes(client, session, paged):
    first = make_stakeholder(session, name="Amina Diallo")
    make_stakeholder(session, name="Bruno Costa")
    for _ in range(2):
        assert listed(client, "?sort=-name") == ["Bruno Costa", "Amina Diallo"]
    assert len(paged) == 1
    listed(client, "?sort=name")  # another order: another page
    assert len(paged) == 2
    account = session.get(User, first.user_id)
    account.name, first.search_name = "Zora Diallo", search_key("Zora Diallo")  # as a profile edit writes them
    session.add_all([account, first])
    session.commit()
    assert listed(client, "?sort=-name") == ["Zora Diallo", "Bruno Costa"]
    assert len(paged) == 3


def test_the_count_follows_every_change_made_through_the_app(client, session, auth):
    organisation = make_organisation(session, name="Pending Institute", status="pending")
    person = make_stakeholder(session, name="Amina Diallo", email="amina@example.org")
    make_stakeholder(session, name="Amadou Sow", organisation=organisation)
    assert shown_count(client, "?q=am") == 1

    auth.login(make_secretariat(session).email)
    client.post(f"/staff/registry/organisations/{organisation.id}/status", data={"status": "approved"})
    assert shown_count(client, "?q=am") == 2  # the organisation's member appears
    assert shown_count(client, "?q=am&per_page=1") == 2  # counted, not read off the page
    client.post(f"/staff/registry/stakeholders/{person.id}/status", data={"active": "0"})
    assert shown_count(client, "?q=am") == 1
    client.post(f"/staff/registry/stakeholders/{person.id}/status", data={"active": "1"})
    assert shown_count(client, "?q=am") == 2
    auth.logout()

    auth.login("amina@example.org")
    client.post("/account/consents", data={"share_with_focal_point": "y"})  # listing consent withdrawn
    assert shown_count(client, "?q=am") == 1
    assert shown_count(client) == 1
    assert shown_count(client, "?per_page=1") == 1


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
    with one.app_context():  # the Redis server outlives each test's database: start from a fresh generation
        public_counts.forget()
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
