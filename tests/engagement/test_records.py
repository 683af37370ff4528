"""The secretariat's engagement records: forms, lists, completeness, access."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from engagement.models import BarrierAction, CallForInput, Concern, EvidenceItem, ImpactRecord
from tests.factories import make_concern, make_impact, make_stakeholder, make_user
from tests.reading import page_text


def test_evidence_is_added_and_counts_towards_completeness(client, session, secretariat):
    response = client.post(
        "/staff/records/evidence/new",
        data={
            "kind": "strategy",
            "title": "Stakeholder engagement strategy",
            "issued_on": "2015-01-17",
            "link": "https://www.ipbes.net/strategy",
            "languages": ["ar", "zh", "en", "fr", "ru", "es"],
        },
    )
    assert response.status_code == 302
    client.post(
        "/staff/records/evidence/new",
        data={"kind": "consultation", "title": "Stakeholder day", "issued_on": "2023-08-27", "languages": ["en"]},
    )
    item = session.exec(select(EvidenceItem).where(EvidenceItem.kind == "strategy")).one()
    assert item.languages == ["ar", "zh", "en", "fr", "ru", "es"]

    page = page_text(client.get("/staff/records"))
    assert "Yes (1)" in page  # the strategy is in all six languages
    assert "None recorded" in page  # no implementation plan, no procedures
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.created")).first() is not None


def test_a_form_with_errors_keeps_what_was_typed(client, session, secretariat):
    response = client.post(
        "/staff/records/evidence/new",
        data={
            "kind": "strategy",
            "title": "A strategy draft",
            "issued_on": "2015-01-17",
            "link": "ftp://example.org/x",
        },
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "A web address starts with http:// or https://." in page
    assert 'value="A strategy draft"' in page
    assert session.exec(select(EvidenceItem)).first() is None


def test_the_same_natural_key_twice_is_refused(client, session, secretariat):
    data = {"barrier": "language", "action": "Interpretation at stakeholder days", "status": "planned"}
    assert client.post("/staff/records/barrier_actions/new", data=data).status_code == 302
    response = client.post(
        "/staff/records/barrier_actions/new", data={**data, "action": "INTERPRETATION at stakeholder days"}
    )
    assert "The same record is already recorded." in page_text(response)
    assert len(session.exec(select(BarrierAction)).all()) == 1


def test_a_barrier_action_is_edited_and_filtered_by_status(client, session, secretariat):
    client.post(
        "/staff/records/barrier_actions/new",
        data={
            "barrier": "funding",
            "action": "Travel support",
            "owner": "Trust fund",
            "due_on": "2026-06-30",
            "status": "planned",
        },
    )
    action = session.exec(select(BarrierAction)).one()
    client.post(
        f"/staff/records/barrier_actions/{action.id}/edit",
        data={
            "barrier": "funding",
            "action": "Travel support",
            "owner": "Trust fund",
            "due_on": "2026-06-30",
            "status": "done",
        },
    )
    session.expire_all()
    assert session.get(BarrierAction, action.id).status == "done"
    assert "Travel support" in page_text(client.get("/staff/records/barrier_actions?status=done"))
    assert "Travel support" not in page_text(client.get("/staff/records/barrier_actions?status=planned"))


def test_a_concern_links_to_a_stakeholder_by_email_and_needs_an_answer_when_answered(client, session, secretariat):
    person = make_stakeholder(session, name="Ana Lima", email="ana@example.org")
    response = client.post(
        "/staff/records/concerns/new",
        data={
            "summary": "The draft was in English only",
            "raised_by_email": "ana@example.org",
            "raised_on": "2025-03-01",
            "channel": "email",
            "status": "answered",
            "answered_on": "2025-03-10",
        },
    )
    assert "An answered concern needs the answer given." in page_text(response)
    response = client.post(
        "/staff/records/concerns/new",
        data={
            "summary": "The draft was in English only",
            "raised_by_email": "nobody@example.org",
            "raised_on": "2025-03-01",
            "channel": "email",
            "status": "open",
        },
    )
    assert "No stakeholder profile uses this email address." in page_text(response)
    response = client.post(
        "/staff/records/concerns/new",
        data={
            "summary": "The draft was in English only",
            "raised_by_email": "ana@example.org",
            "raised_on": "2025-03-01",
            "channel": "email",
            "status": "answered",
            "answer": "A French version is coming.",
            "answered_on": "2025-03-10",
        },
    )
    assert response.status_code == 302
    concern = session.exec(select(Concern)).one()
    assert concern.raised_by_id == person.id
    page = page_text(client.get("/staff/records/concerns"))
    assert "Ana Lima" in page and "9 days" in page
    assert 'value="ana@example.org"' in page_text(client.get(f"/staff/records/concerns/{concern.id}/edit"))


def test_an_answer_cannot_predate_the_concern(client, session, secretariat):
    response = client.post(
        "/staff/records/concerns/new",
        data={
            "summary": "Late",
            "raised_on": "2025-03-01",
            "channel": "email",
            "status": "answered",
            "answer": "Yes",
            "answered_on": "2025-02-01",
        },
    )
    assert "This date cannot be before 2025-03-01." in page_text(response)


def test_a_call_for_input_is_recorded_with_its_responses(client, session, secretariat):
    response = client.post(
        "/staff/records/calls/new",
        data={
            "title": "Call for input on spatial planning",
            "deliverable": "spatial_planning",
            "opened_on": "2024-02-05",
            "closed_on": "2024-03-15",
            "responses": "212",
            "audience": ["experts", "ilk"],
        },
    )
    assert response.status_code == 302
    call = session.exec(select(CallForInput)).one()
    assert (call.responses, call.audience) == (212, ["experts", "ilk"])
    response = client.post(
        "/staff/records/calls/new", data={"title": "Another call", "opened_on": "2024-02-05", "closed_on": "2024-01-15"}
    )
    assert "This date cannot be before 2024-02-05." in page_text(response)


def test_the_secretariat_sees_submitter_details_and_pending_records(client, session, secretariat):
    make_impact(session, title="Pending one", status="pending", submitter_email="someone@example.org")
    page = page_text(client.get("/staff/records/impacts?status=pending"))
    assert "Pending one" in page and "someone@example.org" in page
    assert "1 impact record awaits moderation." in page_text(client.get("/staff/records"))


def test_lists_paginate(client, session, secretariat):
    for number in range(30):
        make_concern(session, summary=f"Concern number {number:02d}", raised_on=date(2025, 1, 1 + number))
    first, second = (
        page_text(client.get("/staff/records/concerns")),
        page_text(client.get("/staff/records/concerns?page=2")),
    )
    assert "Concern number 29" in first and "Concern number 00" not in first
    assert "Concern number 00" in second and "Page 2 of 2" in second


PAGES = [
    "/staff/records",
    "/staff/records/evidence",
    "/staff/records/barrier_actions",
    "/staff/records/impacts",
    "/staff/records/concerns",
    "/staff/records/calls",
    "/staff/records/evidence/new",
    "/staff/records/concerns/new",
    "/staff/records/import",
    "/staff/records/import/templates/calls.csv",
]


@pytest.mark.parametrize("role", ["stakeholder", "focal_point"])
def test_records_are_for_the_secretariat_only(client, session, auth, role):
    make_user(session, email="other@example.org", role=role, country="KE" if role == "focal_point" else None)
    impact = make_impact(session, status="pending")
    auth.login("other@example.org")
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post("/staff/records/calls/new", data={"title": "x", "opened_on": "2024-01-01"}).status_code == 403
    assert client.post(f"/staff/records/impacts/{impact.id}/moderate", data={"publish": "1"}).status_code == 403
    session.expire_all()
    assert session.get(ImpactRecord, impact.id).status == "pending"
    assert session.exec(select(CallForInput)).first() is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"], url


def test_admins_may_use_the_records(client, session, auth):
    make_user(session, email="admin@example.org", role="admin")
    auth.login("admin@example.org")
    for url in PAGES:
        assert client.get(url).status_code == 200, url
