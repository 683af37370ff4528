"""Instruments and their immutable versions: store an uploaded XLSForm, read a version's definition.

A version is identified by the hash of its parsed definition, so uploading the same form again
(even re-saved, with other formatting) finds the version already stored instead of adding one.
Any change makes version number + 1; stored versions are never changed, so answers keep the
version they were given under.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from core import audit
from core.localized import clean_translations
from surveys.definition import Definition, definition_hash
from surveys.models import Instrument, InstrumentVersion
from surveys.xlsform.reading import parse_xlsform
from surveys.xlsform.writing import definition_to_xlsform

SHIPPED_DIR = Path(__file__).parent / "instruments"
# code -> (name for the secretariat, workbook shipped in surveys/instruments/)
SHIPPED = {
    "needs-analysis": ("Needs analysis", "needs_analysis.xlsx"),
    "annual-survey": ("Annual stakeholder survey", "annual_survey.xlsx"),
}

_definitions: dict[str, Definition] = {}  # content hash -> definition; safe to keep: versions never change


def store_version(
    session: Session, *, code: str, name: str | None, data: bytes, filename: str, user_id: int | None = None
) -> tuple[InstrumentVersion, bool]:
    """The version for this workbook, and whether it was created; raises XLSFormError.

    The instrument is created on its first version (named `name`, or after the form's English title).
    """
    definition = parse_xlsform(data, filename)
    digest = definition_hash(definition)
    instrument = session.exec(select(Instrument).where(Instrument.code == code)).first()
    if instrument is not None:
        existing = _by_hash(session, instrument.id, digest)
        if existing is not None:
            return existing, False
    else:
        instrument = Instrument(code=code, name=name or definition.titles.get("en") or code)
        session.add(instrument)
        session.flush()
    number = (
        session.exec(
            select(func.max(InstrumentVersion.number)).where(InstrumentVersion.instrument_id == instrument.id)
        ).one()
        or 0
    ) + 1
    version = InstrumentVersion(
        instrument_id=instrument.id,
        number=number,
        content_hash=digest,
        definition=definition.to_dict(),
        xlsform=data,
        filename=filename[:200],
        created_by_id=user_id,
    )
    session.add(version)
    audit.record(
        session,
        "instrument.version_created",
        actor_id=user_id,
        target=f"instrument:{code}",
        version=number,
        content_hash=digest,
    )
    try:
        session.commit()
    except IntegrityError:
        # Someone stored a version of this instrument at the same moment: theirs may be this content.
        session.rollback()
        instrument = session.exec(select(Instrument).where(Instrument.code == code)).one()
        existing = _by_hash(session, instrument.id, digest)
        if existing is None:
            raise
        return existing, False
    _definitions[digest] = definition
    return version, True


def _by_hash(session: Session, instrument_id: int, digest: str) -> InstrumentVersion | None:
    return session.exec(
        select(InstrumentVersion).where(
            InstrumentVersion.instrument_id == instrument_id, InstrumentVersion.content_hash == digest
        )
    ).first()


def definition_of(version: InstrumentVersion) -> Definition:
    definition = _definitions.get(version.content_hash)
    if definition is None:
        definition = _definitions[version.content_hash] = Definition.from_dict(version.definition)
    return definition


def latest_version(session: Session, code: str) -> InstrumentVersion | None:
    return session.exec(
        select(InstrumentVersion)
        .join(Instrument)
        .where(Instrument.code == code)
        .order_by(InstrumentVersion.number.desc())
    ).first()


def get_version(session: Session, code: str, number: int | None = None) -> InstrumentVersion | None:
    """Version `number` of the instrument, or its latest when number is None."""
    if number is None:
        return latest_version(session, code)
    return session.exec(
        select(InstrumentVersion).join(Instrument).where(Instrument.code == code, InstrumentVersion.number == number)
    ).first()


def versions(session: Session, code: str) -> list[InstrumentVersion]:
    return list(
        session.exec(
            select(InstrumentVersion).join(Instrument).where(Instrument.code == code).order_by(InstrumentVersion.number)
        )
    )


def xlsform_of(version: InstrumentVersion, *, original: bool = False) -> bytes:
    """The version as an XLSForm workbook: the file as uploaded, or one written from the definition.

    Versions stored by other means (test factories) have no upload; they are always written.
    """
    if original and version.xlsform:
        return version.xlsform
    return definition_to_xlsform(definition_of(version))


def install_shipped(session: Session) -> list[InstrumentVersion]:
    """Store the instruments shipped in surveys/instruments/ (a no-op for those already stored)."""
    installed = []
    for code, (name, filename) in SHIPPED.items():
        path = SHIPPED_DIR / filename
        version, _created = store_version(session, code=code, name=name, data=path.read_bytes(), filename=filename)
        installed.append(version)
    return installed


def rename_instrument(
    session: Session, *, instrument: Instrument, name: str, translations: dict, actor_id: int | None = None
) -> Instrument:
    """Change an instrument's name for the secretariat and the dashboards, and its names in other languages."""
    instrument.name = " ".join(name.split())[:200] or instrument.name
    instrument.name_translations = clean_translations(translations, limit=200)
    session.add(instrument)
    audit.record(session, "instrument.renamed", actor_id=actor_id, target=f"instrument:{instrument.code}")
    session.commit()
    return instrument
