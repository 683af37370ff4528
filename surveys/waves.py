"""Waves: when a survey run is open, to whom, and how the next year's run is made.

Times are aware UTC datetimes here; views convert from and to the reader's time zone.
An audience is `{"categories": [...], "regions": [...], "countries": [...]}`: each non-empty
list narrows it (a stakeholder must match every one given); all empty is the whole registry.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists
from sqlmodel import Session, func, select

from core import audit
from core.i18n import current_language, language_name
from core.localized import clean_translations
from core.reference.models import Country
from core.timeutil import utcnow
from stakeholders.models import Stakeholder
from surveys.definition import Definition
from surveys.models import Instrument, InstrumentVersion, OpenLink, Response, Wave
from surveys.translation_status import missing_totals

AUDIENCE_KEYS = ("categories", "regions", "countries")


class WaveError(ValueError):
    """A wave action that cannot be done, with a message fit to show the user."""


def state(wave: Wave, now: datetime | None = None) -> str:
    """draft, scheduled (published, not yet open), open, or closed."""
    now = now or utcnow()
    if wave.status == "draft":
        return "draft"
    if wave.status == "closed" or now >= wave.closes_at:
        return "closed"
    return "open" if now >= wave.opens_at else "scheduled"


def is_open(wave: Wave, now: datetime | None = None) -> bool:
    return state(wave, now) == "open"


CLOSING_SOON = timedelta(days=14)


def closing_soon(session: Session, now: datetime | None = None) -> list[Wave]:
    """Open waves that close within `CLOSING_SOON`, the soonest first."""
    now = now or utcnow()
    return list(
        session.exec(
            select(Wave)
            .where(
                Wave.status == "published",
                Wave.opens_at <= now,
                Wave.closes_at > now,
                Wave.closes_at <= now + CLOSING_SOON,
            )
            .order_by(Wave.closes_at)
        )
    )


# --- creating and changing ---------------------------------------------------------------


@dataclass
class WaveData:
    """What the secretariat enters for a wave (times already in UTC)."""

    version_id: int
    name: str
    year: int
    opens_at: datetime
    closes_at: datetime
    audience: dict = field(default_factory=dict)
    allow_editing: bool = True
    name_translations: dict = field(default_factory=dict)  # {language: name}, see core/localized.py


def clean_audience(audience: dict | None) -> dict:
    """Only the known keys, as sorted lists of distinct codes (so equal audiences compare equal)."""
    audience = audience or {}
    return {key: sorted({str(code) for code in audience.get(key) or () if code}) for key in AUDIENCE_KEYS}


def _check(session: Session, data: WaveData, wave: Wave | None) -> InstrumentVersion:
    version = session.get(InstrumentVersion, data.version_id)
    if version is None:
        raise WaveError(str(_l("Choose a version of an instrument.")))
    if not data.name.strip():
        raise WaveError(str(_l("A name is required.")))
    if data.closes_at <= data.opens_at:
        raise WaveError(str(_l("The wave must close after it opens.")))
    taken = select(Wave.id).where(Wave.name == data.name.strip())
    if wave is not None:
        taken = taken.where(Wave.id != wave.id)
    if session.exec(taken).first() is not None:
        raise WaveError(str(_l("Another wave already has this name.")))
    return version


def has_responses(session: Session, wave: Wave) -> bool:
    return session.exec(select(exists().where(Response.wave_id == wave.id))).one()


def create_wave(
    session: Session, *, data: WaveData, actor_id: int | None = None, previous_wave_id: int | None = None
) -> Wave:
    version = _check(session, data, None)
    wave = Wave(
        instrument_id=version.instrument_id,
        version_id=version.id,
        name=data.name.strip(),
        name_translations=clean_translations(data.name_translations, limit=200),
        year=data.year,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        audience=clean_audience(data.audience),
        allow_editing=data.allow_editing,
        previous_wave_id=previous_wave_id,
        status="draft",
    )
    session.add(wave)
    session.flush()
    audit.record(session, "survey.wave_create", actor_id=actor_id, target=f"wave:{wave.id}", name=wave.name)
    session.commit()
    return wave


def record_past_wave(session: Session, *, data: WaveData, actor_id: int | None = None) -> Wave:
    """A wave run before the platform, recorded closed with its own (past) dates so that its
    responses can be imported and compared with later waves.

    It is never published, opened, answered here, nor does it invite or remind anyone: so its
    instrument version may be in fewer than six languages. Its audience is left empty."""
    version = _check(session, data, None)
    if data.closes_at > utcnow():
        raise WaveError(str(_l("A past wave must have closed already: give a closing time in the past.")))
    wave = Wave(
        instrument_id=version.instrument_id,
        version_id=version.id,
        name=data.name.strip(),
        name_translations=clean_translations(data.name_translations, limit=200),
        year=data.year,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        audience={},
        allow_editing=False,
        status="closed",
        past=True,
    )
    session.add(wave)
    session.flush()
    audit.record(session, "survey.wave_record_past", actor_id=actor_id, target=f"wave:{wave.id}", name=wave.name)
    session.commit()
    return wave


def update_wave(session: Session, *, wave: Wave, data: WaveData, actor_id: int | None = None) -> Wave:
    """Change a wave; its instrument version is fixed once anyone has started answering (or
    responses were imported). A past wave keeps past dates and needs no translations."""
    version = _check(session, data, wave)
    if version.id != wave.version_id and has_responses(session, wave):
        raise WaveError(str(_l("People have started answering: the instrument version can no longer change.")))
    if wave.past and data.closes_at > utcnow():
        raise WaveError(str(_l("A past wave must have closed already: give a closing time in the past.")))
    if wave.status != "draft" and not wave.past:
        check_translated(version)
    wave.instrument_id, wave.version_id = version.instrument_id, version.id
    wave.name, wave.year = data.name.strip(), data.year
    wave.name_translations = clean_translations(data.name_translations, limit=200)
    wave.opens_at, wave.closes_at = data.opens_at, data.closes_at
    wave.audience = clean_audience(data.audience)
    wave.allow_editing = data.allow_editing
    session.add(wave)
    audit.record(session, "survey.wave_update", actor_id=actor_id, target=f"wave:{wave.id}")
    session.commit()
    return wave


def check_translated(version: InstrumentVersion) -> None:
    """Survey content exists in the six languages once a wave is published: WaveError naming what is missing."""
    missing = missing_totals(Definition.from_dict(version.definition))
    if missing:
        locale = current_language()
        languages = ", ".join(
            str(_l("%(language)s (%(count)s texts)", language=language_name(code, locale), count=count))
            for code, count in missing.items()
        )
        raise WaveError(
            str(
                _l(
                    "Version %(number)s of the instrument is not translated into every language yet. Missing: "
                    "%(languages)s. Upload its translations on the instrument's page, then publish.",
                    number=version.number,
                    languages=languages,
                )
            )
        )


def move_drafts(
    session: Session, *, old: InstrumentVersion, new: InstrumentVersion, actor_id: int | None = None
) -> list[Wave]:
    """Draft waves on `old` that nobody has answered now use `new` (its translations completed); no commit."""
    moved = [
        wave
        for wave in session.exec(select(Wave).where(Wave.version_id == old.id, Wave.status == "draft"))
        if new.id != old.id and not has_responses(session, wave)
    ]
    for wave in moved:
        wave.version_id = new.id
        session.add(wave)
        audit.record(session, "survey.wave_update", actor_id=actor_id, target=f"wave:{wave.id}", version=new.number)
    return moved


def publish_wave(session: Session, *, wave: Wave, actor_id: int | None = None) -> Wave:
    if wave.status != "draft":
        raise WaveError(str(_l("Only a draft wave can be published.")))
    check_translated(session.get(InstrumentVersion, wave.version_id))
    wave.status = "published"
    session.add(wave)
    audit.record(session, "survey.wave_publish", actor_id=actor_id, target=f"wave:{wave.id}")
    session.commit()
    return wave


def close_wave(session: Session, *, wave: Wave, actor_id: int | None = None) -> Wave:
    """End a wave now, even before its closing time."""
    if wave.status == "closed":
        raise WaveError(str(_l("The wave is already closed.")))
    wave.status = "closed"
    session.add(wave)
    audit.record(session, "survey.wave_close", actor_id=actor_id, target=f"wave:{wave.id}")
    session.commit()
    return wave


def _plus_one_year(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 1, day=28)


def next_wave_name(previous: Wave, year: int) -> str:
    if str(previous.year) in previous.name:
        return previous.name.replace(str(previous.year), str(year))
    return f"{previous.name} {year}"


def next_wave_names(previous: Wave, year: int) -> dict:
    """The previous wave's names in other languages, with its year changed as in `next_wave_name`."""
    old, new = str(previous.year), str(year)
    return {
        code: text.replace(old, new) if old in text else f"{text} {new}"
        for code, text in (previous.name_translations or {}).items()
    }


def latest_version(session: Session, instrument_id: int) -> InstrumentVersion | None:
    return session.exec(
        select(InstrumentVersion)
        .where(InstrumentVersion.instrument_id == instrument_id)
        .order_by(InstrumentVersion.number.desc())
    ).first()


def create_next_wave(session: Session, previous: Wave, *, actor_id: int | None = None, name: str | None = None) -> Wave:
    """Next year's draft: same instrument at its latest version, same audience, dates a year later."""
    year = previous.year + 1
    version = latest_version(session, previous.instrument_id)
    data = WaveData(
        version_id=version.id,
        name=name or next_wave_name(previous, year),
        name_translations={} if name else next_wave_names(previous, year),
        year=year,
        opens_at=_plus_one_year(previous.opens_at),
        closes_at=_plus_one_year(previous.closes_at),
        audience=dict(previous.audience or {}),
        allow_editing=previous.allow_editing,
    )
    return create_wave(session, data=data, actor_id=actor_id, previous_wave_id=previous.id)


# --- audience ----------------------------------------------------------------------------


def audience_filter(wave: Wave) -> list:
    """Conditions on Stakeholder for the wave's audience (active, not erased, matching)."""
    audience = clean_audience(wave.audience)
    conditions = [Stakeholder.is_active.is_(True), Stakeholder.erased_at.is_(None)]
    if audience["categories"]:
        conditions.append(Stakeholder.category.in_(audience["categories"]))
    if audience["countries"]:
        conditions.append(Stakeholder.country.in_(audience["countries"]))
    if audience["regions"]:
        conditions.append(
            Stakeholder.country.in_(select(Country.iso2).where(Country.regional_group.in_(audience["regions"])))
        )
    return conditions


def audience_stakeholders(session: Session, wave: Wave):
    """A select of the stakeholders in the wave's audience (run it with `session.exec`)."""
    return select(Stakeholder).where(*audience_filter(wave)).order_by(Stakeholder.id)


def audience_size(session: Session, wave: Wave) -> int:
    return session.exec(select(func.count()).select_from(Stakeholder).where(*audience_filter(wave))).one()


# --- listing -----------------------------------------------------------------------------


def list_waves(session: Session) -> list[tuple[Wave, Instrument, InstrumentVersion]]:
    return list(
        session.exec(
            select(Wave, Instrument, InstrumentVersion)
            .join(Instrument, Instrument.id == Wave.instrument_id)
            .join(InstrumentVersion, InstrumentVersion.id == Wave.version_id)
            .order_by(Wave.year.desc(), Wave.opens_at.desc(), Wave.id.desc())
        ).all()
    )


def version_choices(session: Session) -> list[tuple[InstrumentVersion, Instrument]]:
    """Every stored version, newest first within each instrument."""
    return list(
        session.exec(
            select(InstrumentVersion, Instrument)
            .join(Instrument, Instrument.id == InstrumentVersion.instrument_id)
            .order_by(Instrument.name, InstrumentVersion.number.desc())
        ).all()
    )


# --- open links --------------------------------------------------------------------------


def open_links(session: Session, wave: Wave) -> list[OpenLink]:
    return list(
        session.exec(
            select(OpenLink).where(OpenLink.wave_id == wave.id).order_by(OpenLink.is_active.desc(), OpenLink.network)
        ).all()
    )


def _network_name(session: Session, wave_id: int, network: str, link_id: int | None = None) -> str:
    network = " ".join(network.split())
    if not network:
        raise WaveError(str(_l("Name the network or partner that will share the link.")))
    taken = select(OpenLink.id).where(OpenLink.wave_id == wave_id, OpenLink.network == network)
    if link_id is not None:
        taken = taken.where(OpenLink.id != link_id)
    if session.exec(taken).first():
        raise WaveError(str(_l("This network already has a link for this wave.")))
    return network


def create_open_link(
    session: Session, *, wave: Wave, network: str, translations: dict | None = None, actor_id: int | None = None
) -> OpenLink:
    """A new link for a network; the token is random and unguessable. A past wave has none."""
    if wave.past:
        raise WaveError(str(_l("A wave from before the platform is never answered here: it has no open link.")))
    network = _network_name(session, wave.id, network)
    link = OpenLink(
        wave_id=wave.id,
        network=network,
        name_translations=clean_translations(translations, limit=200),
        token=secrets.token_urlsafe(24),
    )
    session.add(link)
    session.flush()
    audit.record(session, "survey.open_link_create", actor_id=actor_id, target=f"wave:{wave.id}", network=network)
    session.commit()
    return link


def set_open_link_active(session: Session, *, link: OpenLink, active: bool, actor_id: int | None = None) -> OpenLink:
    link.is_active = active
    session.add(link)
    audit.record(
        session,
        "survey.open_link_" + ("activate" if active else "deactivate"),
        actor_id=actor_id,
        target=f"wave:{link.wave_id}",
        network=link.network,
    )
    session.commit()
    return link


def rename_open_link(
    session: Session, *, link: OpenLink, network: str, translations: dict, actor_id: int | None = None
) -> OpenLink:
    """Change the network's name on a link, and its names in other languages; the link stays the same."""
    link.network = _network_name(session, link.wave_id, network, link.id)
    link.name_translations = clean_translations(translations, limit=200)
    session.add(link)
    audit.record(
        session, "survey.open_link_rename", actor_id=actor_id, target=f"wave:{link.wave_id}", network=link.network
    )
    session.commit()
    return link
