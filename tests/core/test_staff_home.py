"""The staff landing page: what needs doing, with counts and links; the grouped staff menu."""

import re

from core.imports.pending import keep_pending
from core.timeutil import utcnow
from tests.factories import make_concern, make_organisation, make_user, make_wave


def _count(page: str, label: str) -> str:
    found = re.search(rf'<a href="([^"]+)">{re.escape(label)}</a>: <strong>([^<]+)</strong>', page)
    assert found, label
    return found.group(1), found.group(2)


def test_secretariat_land_on_what_needs_doing(client, session, auth):
    staff = make_user(session, email="staff@example.org", role="secretariat")
    make_organisation(session, name="Proposed Institute", status="pending")
    make_organisation(session, name="Approved Institute")
    make_concern(session)
    make_concern(session, summary="Answered already", status="answered", answered_on=utcnow().date())
    make_wave(session, name="Closing soon", closes_in_days=5)
    keep_pending(session=session, content=b"name\n", owner_id=staff.id, kind="organisations", file_name="orgs.csv")
    response = auth.login("staff@example.org")
    assert response.headers["Location"].endswith("/staff/")
    page = client.get("/staff/").get_data(as_text=True)
    assert _count(page, "Organisations awaiting approval") == ("/staff/registry/organisations?status=pending", "1")
    assert _count(page, "Concerns awaiting an answer")[1] == "1"
    assert _count(page, "Survey waves closing within two weeks")[1] == "1"
    assert _count(page, "Registry imports awaiting your confirmation")[1] == "1"
    assert _count(page, "Record imports awaiting your confirmation")[1] == "0"


def test_a_wave_closing_later_is_not_due(client, session, auth):
    make_user(session, email="admin@example.org", role="admin")
    make_wave(session, closes_in_days=40)
    response = auth.login("admin@example.org")
    assert response.headers["Location"].endswith("/staff/")
    page = client.get("/staff/").get_data(as_text=True)
    assert _count(page, "Survey waves closing within two weeks")[1] == "0"


def test_the_staff_menu_is_grouped_in_disclosures(client, session, auth):
    make_user(session, email="staff@example.org", role="secretariat")
    auth.login("staff@example.org")
    page = client.get("/staff/").get_data(as_text=True)
    summaries = re.findall(r"<summary>([^<]+)</summary>", page)
    assert summaries == ["Registry", "Surveys", "Records", "Administration"]


def test_stakeholders_cannot_see_the_staff_landing_page(client, session, auth):
    make_user(session, email="person@example.org")
    auth.login("person@example.org")
    assert client.get("/staff/").status_code == 403
