"""Waves: states, audiences, the next year's wave, open links."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.timeutil import utcnow
from surveys import waves
from surveys.models import OpenLink, Response, Wave
from tests.factories import make_definition, make_instrument_version, make_stakeholder, make_wave


def _data(version, **changes) -> waves.WaveData:
    values = dict(
        version_id=version.id,
        name="Annual survey 2026",
        year=2026,
        opens_at=datetime(2026, 10, 1, 8, tzinfo=UTC),
        closes_at=datetime(2026, 11, 30, 18, tzinfo=UTC),
    )
    values.update(changes)
    return waves.WaveData(**values)


def test_state_follows_status_and_times(session):
    now = utcnow()
    wave = make_wave(session, status="draft")
    assert waves.state(wave) == "draft" and not waves.is_open(wave)
    wave.status = "published"
    assert waves.state(wave, now - timedelta(days=2)) == "scheduled"
    assert waves.state(wave, now) == "open" and waves.is_open(wave, now)
    assert waves.state(wave, now + timedelta(days=31)) == "closed"
    wave.status = "closed"
    assert waves.state(wave, now) == "closed"


def test_create_publish_close(session):
    version = make_instrument_version(session)
    wave = waves.create_wave(session, data=_data(version, audience={"categories": ["science", "science", ""]}))
    session.expire_all()
    stored = session.get(Wave, wave.id)
    assert stored.status == "draft" and stored.instrument_id == version.instrument_id
    assert stored.audience == {"categories": ["science"], "regions": [], "countries": []}
    assert stored.opens_at == datetime(2026, 10, 1, 8, tzinfo=UTC)
    waves.publish_wave(session, wave=stored)
    assert stored.status == "published"
    with pytest.raises(waves.WaveError):
        waves.publish_wave(session, wave=stored)
    waves.close_wave(session, wave=stored)
    assert waves.state(stored) == "closed"


def test_create_refuses_bad_times_and_taken_names(session):
    version = make_instrument_version(session)
    with pytest.raises(waves.WaveError, match="close after it opens"):
        waves.create_wave(session, data=_data(version, closes_at=datetime(2026, 9, 1, tzinfo=UTC)))
    waves.create_wave(session, data=_data(version))
    with pytest.raises(waves.WaveError, match="already has this name"):
        waves.create_wave(session, data=_data(version))


def test_version_is_fixed_once_answering_started(session):
    first = make_instrument_version(session)
    second = make_instrument_version(session, definition=make_definition(version="2"))
    wave = waves.create_wave(session, data=_data(first))
    waves.update_wave(session, wave=wave, data=_data(second, name="Renamed 2026"))
    assert wave.version_id == second.id and wave.name == "Renamed 2026"
    session.add(Response(wave_id=wave.id, version_id=second.id, submission_key="k1"))
    session.commit()
    with pytest.raises(waves.WaveError, match="can no longer change"):
        waves.update_wave(session, wave=wave, data=_data(first, name="Renamed 2026"))
    session.rollback()
    session.expire_all()
    assert session.get(Wave, wave.id).version_id == second.id


def _names(session, wave) -> set[str]:
    from core.accounts.models import User

    return {session.get(User, s.user_id).name for s in session.exec(waves.audience_stakeholders(session, wave)).all()}


def test_audience_filters_by_category_region_and_country(session):
    make_stakeholder(session, name="Kenyan Scientist", country="KE", category="science")
    make_stakeholder(session, name="Kenyan Official", country="KE", category="policymaker")
    make_stakeholder(session, name="French Scientist", country="FR", category="science")
    make_stakeholder(session, name="Brazilian Scientist", country="BR", category="science")
    make_stakeholder(session, name="Inactive Scientist", country="KE", category="science", is_active=False)
    erased = make_stakeholder(session, name="Erased Scientist", country="KE", category="science")
    erased.erased_at = utcnow()
    session.add(erased)
    session.commit()

    version = make_instrument_version(session)
    everyone = make_wave(session, version=version, name="All")
    assert _names(session, everyone) == {
        "Kenyan Scientist",
        "Kenyan Official",
        "French Scientist",
        "Brazilian Scientist",
    }
    assert waves.audience_size(session, everyone) == 4
    science = make_wave(session, version=version, name="Science", audience={"categories": ["science"]})
    assert _names(session, science) == {"Kenyan Scientist", "French Scientist", "Brazilian Scientist"}
    regions = make_wave(session, version=version, name="Regions", audience={"regions": ["AFR", "GRULAC"]})
    assert _names(session, regions) == {"Kenyan Scientist", "Kenyan Official", "Brazilian Scientist"}
    science_in_two = make_wave(
        session, version=version, name="FR", audience={"countries": ["FR", "KE"], "categories": ["science"]}
    )
    assert _names(session, science_in_two) == {"Kenyan Scientist", "French Scientist"}
    nobody = make_wave(session, version=version, name="None", audience={"regions": ["WEOG"], "countries": ["KE"]})
    assert _names(session, nobody) == set()


def test_next_wave_copies_the_last_one_a_year_later(session):
    first = make_instrument_version(session)
    previous = waves.create_wave(
        session,
        data=_data(
            first, name="Annual survey 2026", audience={"regions": ["AFR"], "categories": ["ngo"]}, allow_editing=False
        ),
    )
    latest = make_instrument_version(session, definition=make_definition(version="2"))

    following = waves.create_next_wave(session, previous)
    assert following.name == "Annual survey 2027" and following.year == 2027
    assert following.version_id == latest.id and following.instrument_id == previous.instrument_id
    assert following.opens_at == datetime(2027, 10, 1, 8, tzinfo=UTC)
    assert following.closes_at == datetime(2027, 11, 30, 18, tzinfo=UTC)
    assert following.audience == previous.audience and following.allow_editing is False
    assert following.status == "draft" and following.previous_wave_id == previous.id
    with pytest.raises(waves.WaveError):  # the 2027 wave exists already
        waves.create_next_wave(session, previous)


def test_next_wave_of_a_name_without_the_year_and_a_leap_day(session):
    version = make_instrument_version(session)
    previous = waves.create_wave(
        session,
        data=_data(
            version,
            name="Needs analysis",
            year=2028,
            opens_at=datetime(2028, 2, 29, tzinfo=UTC),
            closes_at=datetime(2028, 4, 1, tzinfo=UTC),
        ),
    )
    following = waves.create_next_wave(session, previous)
    assert following.name == "Needs analysis 2029"
    assert following.opens_at == datetime(2029, 2, 28, tzinfo=UTC)


def test_open_links_have_unique_random_tokens_and_can_be_switched_off(session):
    wave = make_wave(session)
    one = waves.create_open_link(session, wave=wave, network="  Future   Earth ")
    two = waves.create_open_link(session, wave=wave, network="IUCN")
    assert one.network == "Future Earth" and len(one.token) >= 30 and one.token != two.token
    with pytest.raises(waves.WaveError):
        waves.create_open_link(session, wave=wave, network="Future Earth")
    session.rollback()
    with pytest.raises(waves.WaveError):
        waves.create_open_link(session, wave=wave, network="   ")
    waves.set_open_link_active(session, link=one, active=False)
    session.expire_all()
    assert session.exec(select(OpenLink.network).where(OpenLink.is_active.is_(True))).all() == ["IUCN"]
    assert [link.network for link in waves.open_links(session, wave)] == ["IUCN", "Future Earth"]
