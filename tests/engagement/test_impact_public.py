"""Impact records from the public: submission without an account, moderation, the public list."""

from __future__ import annotations

import re

from sqlmodel import select

from core.audit import AuditEvent
from engagement.models import ImpactRecord
from tests.factories import make_impact, make_secretariat
from tests.reading import page_text

SUBMISSION = {
    "title": "Kenya's pollinator strategy",
    "impact_type": "policy",
    "scale": "national",
    "country": "KE",
    "year": "2024",
    "deliverable": "pollination",
    "description": "The strategy cites the pollination assessment.",
    "evidence_link": "https://example.org/strategy",
    "submitter_name": "Rae Porter",
    "submitter_email": "rae.porter@example.org",
}


def test_a_submission_is_published_only_after_moderation_and_never_shows_the_submitter(client, session, auth):
    response = client.post("/impact/submit", data=SUBMISSION)
    assert response.status_code == 302
    record = session.exec(select(ImpactRecord)).one()
    assert (record.status, record.source, record.submitter_email) == ("pending", "public", "rae.porter@example.org")
    assert "Kenya&#39;s pollinator strategy" not in page_text(client.get("/impact"))

    auth.login(make_secretariat(session).email)
    assert client.post(f"/staff/records/impacts/{record.id}/moderate", data={"publish": "1"}).status_code == 302
    auth.logout()

    page = page_text(client.get("/impact"))
    assert "Kenya&#39;s pollinator strategy" in page
    assert "Rae Porter" not in page and "rae.porter@example.org" not in page
    session.expire_all()
    assert session.get(ImpactRecord, record.id).moderated_at is not None
    events = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert "impacts.submitted" in events and "impacts.published" in events
    submitted = session.exec(select(AuditEvent).where(AuditEvent.action == "impacts.submitted")).one()
    assert "rae.porter" not in str(submitted.details) + (submitted.target or "")


def test_a_rejected_record_stays_off_the_public_list(client, session, auth):
    record = make_impact(session, title="Spam offer", status="pending")
    auth.login(make_secretariat(session).email)
    client.post(f"/staff/records/impacts/{record.id}/moderate", data={"reject": "1"})
    auth.logout()
    session.expire_all()
    assert session.get(ImpactRecord, record.id).status == "rejected"
    assert "Spam offer" not in page_text(client.get("/impact"))


def test_a_submission_cannot_publish_itself(client, session):
    client.post("/impact/submit", data={**SUBMISSION, "status": "published"})
    assert session.exec(select(ImpactRecord.status)).one() == "pending"


def test_a_submission_with_errors_keeps_the_input_and_saves_nothing(client, session):
    response = client.post("/impact/submit", data={**SUBMISSION, "submitter_email": "not-an-address"})
    page = page_text(response)
    assert response.status_code == 400
    assert 'value="Kenya&#39;s pollinator strategy"' in page and "Invalid email address." in page
    response = client.post("/impact/submit", data={**SUBMISSION, "country": ""})
    assert "Give a regional group or a country (or both)." in page_text(response)
    response = client.post("/impact/submit", data={**SUBMISSION, "region": "WEOG"})  # Kenya is African
    assert "The country is not in this regional group." in page_text(response)
    assert session.exec(select(ImpactRecord)).first() is None


def test_the_public_list_filters_by_type_and_region(client, session):
    make_impact(session, title="A law in Kenya", impact_type="law", country="KE", region="AFR")
    make_impact(session, title="A network in France", impact_type="network", country="FR", region="WEOG")
    page = page_text(client.get("/impact?type=law"))
    assert "A law in Kenya" in page and "A network in France" not in page
    page = page_text(client.get("/impact?region=WEOG"))
    assert "A network in France" in page and "A law in Kenya" not in page


def test_submissions_are_rate_limited_per_client(app_with):
    app = app_with(IMPACT_SUBMISSION_LIMIT="2 per hour")
    client = app.test_client()
    for number in range(2):
        assert client.post("/impact/submit", data={**SUBMISSION, "title": f"Record {number}"}).status_code == 302
    response = client.post("/impact/submit", data={**SUBMISSION, "title": "Record 3"})
    assert response.status_code == 429
    assert "Too many submissions" in page_text(response)


def test_the_public_form_needs_its_csrf_token(app_with):
    app = app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/impact/submit", data=SUBMISSION).status_code == 400
    form = page_text(client.get("/impact/submit"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert client.post("/impact/submit", data={**SUBMISSION, "csrf_token": token}).status_code == 302
