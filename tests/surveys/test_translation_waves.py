"""An instrument version awaiting translations is stored, and a wave on it publishes only once it is complete."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from core.timeutil import utcnow
from surveys import instruments, translation_status, waves
from surveys.models import InstrumentVersion
from surveys.translation_workbook import form_workbook
from tests.factories import make_instrument_version, make_response, make_wave
from tests.surveys.translation_helpers import english_form, fill_form_layout


def store_english(session):
    version, created = instruments.store_version(
        session, code="annual-survey", name="Annual survey", data=english_form(), filename="annual.xlsx"
    )
    assert created
    return version


def returned_translations(version) -> bytes:
    definition = instruments.definition_of(version)
    return fill_form_layout(definition, form_workbook(definition))


def draft_wave(session, version, name="Annual survey 2026"):
    now = utcnow()
    data = waves.WaveData(version_id=version.id, name=name, year=2026, opens_at=now, closes_at=now + timedelta(days=30))
    return waves.create_wave(session, data=data)


def test_an_english_only_form_is_stored_as_a_version_awaiting_translations(session):
    version = store_english(session)
    assert version.number == 1
    assert translation_status.missing_totals(instruments.definition_of(version)) == dict.fromkeys(
        ("ar", "es", "fr", "ru", "zh"), 36
    )
    again, created = instruments.store_version(
        session, code="annual-survey", name=None, data=english_form(), filename="again.xlsx"
    )
    assert (again.id, created) == (version.id, False)


def test_a_wave_publishes_only_once_its_version_is_translated(session, app):
    version = store_english(session)
    wave = draft_wave(session, version)
    with app.test_request_context(), pytest.raises(waves.WaveError) as refused:
        waves.publish_wave(session, wave=wave)
    message = str(refused.value)
    assert "Version 1" in message and "Arabic (36 texts)" in message and "Chinese (36 texts)" in message
    assert "English" not in message
    assert session.get(type(wave), wave.id).status == "draft"

    stored, created, moved = instruments.store_translations(
        session, version=version, data=returned_translations(version), filename="back.xlsx"
    )
    assert created and stored.number == 2 and [w.id for w in moved] == [wave.id]
    assert translation_status.is_complete(instruments.definition_of(stored))
    session.refresh(wave)
    assert wave.version_id == stored.id
    waves.publish_wave(session, wave=wave)
    assert wave.status == "published"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "instrument.translations_merged")).one()
    assert event.target == "instrument:annual-survey"


def test_the_same_translations_twice_store_nothing_new(session):
    version = store_english(session)
    data = returned_translations(version)
    first, created, _moved = instruments.store_translations(session, version=version, data=data, filename="a.xlsx")
    second, created_again, _moved = instruments.store_translations(
        session, version=version, data=data, filename="b.xlsx"
    )
    assert created and not created_again and first.id == second.id
    assert len(session.exec(select(InstrumentVersion)).all()) == 2


def test_a_wave_already_answered_keeps_its_version(session):
    version = store_english(session)
    wave = draft_wave(session, version)
    make_response(session, wave, status="draft")
    _stored, _created, moved = instruments.store_translations(
        session, version=version, data=returned_translations(version), filename="back.xlsx"
    )
    assert moved == []
    session.refresh(wave)
    assert wave.version_id == version.id


def test_a_published_wave_cannot_move_to_an_untranslated_version(session, app):
    wave = make_wave(session, version=make_instrument_version(session, code="annual-survey"))
    untranslated = store_english(session)
    now = utcnow()
    data = waves.WaveData(
        version_id=untranslated.id, name=wave.name, year=2026, opens_at=now, closes_at=now + timedelta(days=9)
    )
    with app.test_request_context(), pytest.raises(waves.WaveError, match="not translated into every language"):
        waves.update_wave(session, wave=wave, data=data)
