"""Storing a checked file into a wave: all or nothing, leaving refused rows out, email links, undo."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from core.audit import AuditEvent
from surveys import catalogue
from surveys.models import Answer, Response, ResponseImport
from surveys.response_import import storing
from surveys.response_import.plan import Target
from tests import factories
from tests.surveys.response_import import storing_helpers as h


@pytest.fixture
def wave(session):
    return factories.make_wave(
        session, name="Annual survey 2019", year=2019, status="closed", closes_in_days=-300, opens_in_days=-330
    )


@pytest.fixture
def officer(session):
    return factories.make_secretariat(session)


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


def _count(session, model, *where) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_every_row_is_stored_as_a_submitted_response_with_its_source(session, wave, officer, context):
    rows = [h.row(2), h.row(3, country="FR", roles=["reviewer", "other"], comments="Useful")]
    stored = storing.store(session, wave=wave, preview=h.preview(rows), by=officer.id)
    assert (stored.stored, stored.linked, stored.left_out) == (2, 0, [])
    responses = session.exec(select(Response).order_by(Response.id)).all()
    assert [r.status for r in responses] == ["submitted", "submitted"]
    assert {r.import_id for r in responses} == {stored.import_id}
    assert [r.stakeholder_id for r in responses] == [None, None]
    assert [(r.country, r.regional_group) for r in responses] == [("KE", "AFR"), ("FR", "WEOG")]
    assert all(r.submitted_at == wave.closes_at for r in responses)
    assert all(r.content_digest for r in responses)
    record = session.get(ResponseImport, stored.import_id)
    assert (record.file_name, record.sha256, record.created_by_id, record.rows_stored) == (
        "past.csv",
        "ab" * 32,
        officer.id,
        2,
    )
    assert record.mapping == h.mapping().to_dict()


def test_answers_are_written_as_a_native_submission_writes_them(session, wave, officer, context):
    answers = {"roles": ["author", "other"], "years": 12, "engaged": "yes", "clear_how": "4", "comments": "Très"}
    native = factories.make_response(session, wave, answers)
    stored = storing.store(session, wave=wave, preview=h.preview([h.row(2, transparent=None, **answers)]), by=None)
    imported = session.exec(select(Response.id).where(Response.import_id == stored.import_id)).one()

    def rows(response_id):
        found = session.exec(select(Answer).where(Answer.response_id == response_id).order_by(Answer.question))
        return [(a.question, a.value_text, a.value_number, a.value_date) for a in found]

    assert rows(imported) == rows(native.id)


def test_a_refused_row_stores_nothing(session, wave, officer, context):
    preview = h.preview([h.row(2), h.row(3)], [h.refused(3)])
    with pytest.raises(storing.ImportRefused) as refused:
        storing.store(session, wave=wave, preview=preview, by=officer.id)
    assert [p.row for p in refused.value.problems] == [3]
    assert _count(session, Response) == 0
    assert _count(session, ResponseImport) == 0
    assert _count(session, AuditEvent, AuditEvent.action == storing.STORE_ACTION) == 0


def test_refused_rows_left_out_are_listed_on_the_record_and_in_the_audit_log(session, wave, officer, context):
    preview = h.preview([h.row(2), h.row(3), h.row(4)], [h.refused(3), h.refused(3, "country", "country")])
    stored = storing.store(session, wave=wave, preview=preview, by=officer.id, leave_out_refused=True)
    assert stored.stored == 2
    assert _count(session, Response, Response.import_id == stored.import_id) == 2
    record = session.get(ResponseImport, stored.import_id)
    assert (record.rows_stored, record.rows_left_out) == (2, 1)
    assert [(item["row"], item["column"]) for item in record.left_out] == [(3, "years"), (3, "country")]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == storing.STORE_ACTION)).one()
    assert event.actor_id == officer.id
    assert event.details["left_out"] == [
        {"row": 3, "column": "years", "kind": "value"},
        {"row": 3, "column": "country", "kind": "country"},
    ]


def test_a_file_with_every_row_refused_stores_nothing_even_leaving_them_out(session, wave, context):
    with pytest.raises(storing.NothingToStore):
        storing.store(
            session, wave=wave, preview=h.preview([h.row(2)], [h.refused(2)]), by=None, leave_out_refused=True
        )
    assert _count(session, ResponseImport) == 0


def test_a_registered_email_links_the_response_and_one_response_per_stakeholder_holds(session, wave, context):
    person = factories.make_stakeholder(session, email="amina@example.org", country="NG", gender="female")
    other = factories.make_stakeholder(session, name="Other Person", email="other@example.org")
    factories.make_response(session, wave, {"engaged": "no"}, stakeholder=other)
    rows = [
        h.row(2, email=" Amina@Example.org ", country=None),
        h.row(3, email="amina@example.org"),  # the same stakeholder again
        h.row(4, email="other@example.org"),  # already answered this wave
        h.row(5, email="nobody@example.org"),  # not registered: anonymous
    ]
    preview = h.preview(rows)
    assert [(p.row, p.column, p.kind) for p in storing.registry_problems(session, wave, preview)] == [
        (3, "email", storing.DUPLICATE),
        (4, "email", storing.DUPLICATE),
    ]
    with pytest.raises(storing.ImportRefused):
        storing.store(session, wave=wave, preview=preview, by=None)
    stored = storing.store(session, wave=wave, preview=preview, by=None, leave_out_refused=True)
    assert (stored.stored, stored.linked) == (2, 1)
    found = session.exec(
        select(Response.stakeholder_id, Response.country, Response.regional_group, Response.gender)
        .where(Response.import_id == stored.import_id)
        .order_by(Response.id)
    ).all()
    # The registry fills what the file does not say (the country of row 2).
    assert found == [(person.id, "NG", "AFR", "female"), (None, "KE", "AFR", None)]


def test_undo_removes_the_whole_import_and_is_audit_logged(session, wave, officer, context):
    kept = factories.make_response(session, wave, {"engaged": "no"})
    stored = storing.store(session, wave=wave, preview=h.preview([h.row(2), h.row(3)]), by=officer.id)
    assert _count(session, Response) == 3
    storing.undo(session, stored.import_id, officer.id)
    assert _count(session, Response) == 1
    assert session.exec(select(Response.id)).one() == kept.id
    assert _count(session, Answer, Answer.response_id != kept.id) == 0
    record = session.get(ResponseImport, stored.import_id)
    assert record.undone_at is not None and record.undone_by_id == officer.id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == storing.UNDO_ACTION)).one()
    assert (event.details["import_id"], event.details["removed"]) == (stored.import_id, 2)
    with pytest.raises(storing.NotUndoable):
        storing.undo(session, stored.import_id, officer.id)


def test_the_mapping_is_kept_for_the_next_file_of_the_same_shape(session, wave, context):
    preview = h.preview([h.row(2)])
    storing.store(session, wave=wave, preview=preview, by=None)
    signature = preview.source.signature
    assert storing.saved_mapping(session, wave=wave, signature=signature) == preview.mapping
    assert storing.saved_mapping(session, wave=wave, signature="0" * 64) is None
    # Another wave of the same instrument is offered it too.
    version = factories.make_instrument_version(session, definition=factories.make_definition(version="2"))
    later = factories.make_wave(session, version=version, name="Annual survey 2020", year=2020)
    assert storing.saved_mapping(session, wave=later, signature=signature) == preview.mapping
    edited = h.mapping()
    edited.columns["comments"] = Target("ignore")
    storing.save_mapping(session, wave=later, source=preview.source, mapping=edited)
    assert storing.saved_mapping(session, wave=later, signature=signature) == edited
    assert storing.saved_mapping(session, wave=wave, signature=signature) == preview.mapping


def test_imported_responses_reach_the_dashboard_of_a_closed_wave(session, wave, context):
    before = catalogue.wave_fingerprint(session, wave.id)
    stored = storing.store(session, wave=wave, preview=h.preview([h.row(2)]), by=None)
    after = catalogue.wave_fingerprint(session, wave.id)
    assert after != before
    storing.undo(session, stored.import_id, None)
    assert catalogue.wave_fingerprint(session, wave.id) not in (before, after)
