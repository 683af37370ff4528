"""Instruments and their immutable versions: store an uploaded XLSForm, read a version's definition.

A version is identified by the hash of its parsed definition, so uploading the same form again
(even re-saved, with other formatting) finds the version already stored instead of adding one.
Any change makes version number + 1; stored versions are never changed, so answers keep the
version they were given under. A form may lack some of the six languages: it is stored all the
same, and its returned translation workbook (`store_translations`) makes the next version.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from core import audit
from core.localized import clean_translations
from surveys import waves
from surveys.definition import Definition, definition_hash
from surveys.models import Instrument, InstrumentVersion, Wave
from surveys.translation_workbook import merge_translations
from surveys.xlsform.writing import definition_to_xlsform
from surveys.xlsform_languages import read_form

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
    definition = read_form(data, filename)
    instrument = session.exec(select(Instrument).where(Instrument.code == code)).first()
    if instrument is None:
        instrument = Instrument(code=code, name=name or definition.titles.get("en") or code)
        session.add(instrument)
        session.flush()
    return _store(session, instrument, definition, data=data, filename=filename, user_id=user_id)


def store_translations(
    session: Session, *, version: InstrumentVersion, data: bytes, filename: str, user_id: int | None = None
) -> tuple[InstrumentVersion, bool, list[Wave]]:
    """The version with the translations of a returned workbook merged, whether it was created, and the
    draft waves moved to it from `version`; raises XLSFormError (`translation_workbook.merge_translations`)."""
    definition = merge_translations(definition_of(version), data, filename)
    instrument = session.get(Instrument, version.instrument_id)
    merged = definition_to_xlsform(definition)
    stored, created = _store(
        session, instrument, definition, data=merged, filename=filename, user_id=user_id, commit=False
    )
    moved = waves.move_drafts(session, old=version, new=stored, actor_id=user_id)
    audit.record(
        session,
        "instrument.translations_merged",
        actor_id=user_id,
        target=f"instrument:{instrument.code}",
        version=version.number,
        into=stored.number,
        waves=[wave.id for wave in moved],
    )
    session.commit()
    return stored, created, moved


def _store(
    session: Session,
    instrument: Instrument,
    definition: Definition,
    *,
    data: bytes,
    filename: str,
    user_id: int | None,
    commit: bool = True,
) -> tuple[InstrumentVersion, bool]:
    """The version of `instrument` with this definition: the one stored, or a new one (number + 1)."""
    digest, code = definition_hash(definition), instrument.code
    existing = _by_hash(session, instrument.id, digest)
    if existing is not None:
        return existing, False
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
    if commit:
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
    else:
        session.flush()
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


def published_versions(session: Session) -> list[tuple[Instrument, InstrumentVersion, list[int]]]:
    """Each instrument version a wave other than a draft uses, with those waves' ids (for the API: a draft's
    instrument is not published), by instrument code then version number."""
    rows = session.exec(
        select(Instrument, InstrumentVersion, Wave.id)
        .select_from(Wave)
        .join(InstrumentVersion, InstrumentVersion.id == Wave.version_id)
        .join(Instrument, Instrument.id == InstrumentVersion.instrument_id)
        .where(Wave.status != "draft")
        .order_by(Instrument.code, InstrumentVersion.number, Wave.id)
    ).all()
    found: dict[int, tuple[Instrument, InstrumentVersion, list[int]]] = {}
    for instrument, version, wave_id in rows:
        found.setdefault(version.id, (instrument, version, []))[2].append(wave_id)
    return list(found.values())
