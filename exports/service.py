"""Anonymised releases: checking the request, building the release once, storing and listing it.

One fixed release per parameter set: asking again returns the stored zip, byte for byte, and
never builds a second one, since two differently anonymised versions of one dataset could be
combined to re-identify people. Only closed waves are exported, for the same reason: an open
wave's data would still change.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, func, select

from core import audit
from core.config import LANGUAGES
from core.timeutil import utcnow
from exports import documents
from exports.build import BuildError, build
from exports.catalogue import catalogue_files
from exports.datapackage import DEFAULT_LICENCE, Publication
from exports.loading import load_source
from exports.models import AnonymisedRelease
from exports.params import FORMATS, MIN_K, ReleaseParams
from exports.repeat_loading import load_repeats
from exports.repeats import build_repeats, repeat_files
from exports.writers import EXTENSIONS, write_data
from surveys import waves as wave_states
from surveys.models import Instrument, InstrumentVersion, Response, Wave

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
BUILD_STEPS = (
    "read",
    "anonymised",
    "written",
)  # what `on_step` is called with while a release is built  # every entry's date: the zip depends on its content only


class ExportError(ValueError):
    """A release that cannot be made, with a message fit to show the user."""


@dataclass(frozen=True)
class ExportableWave:
    id: int
    name: str
    year: int
    instrument: str
    closes_at: datetime
    responses: int  # submitted


def exportable_waves(session: Session) -> list[ExportableWave]:
    """Closed waves (their data is final), newest first, with their number of submitted responses."""
    counts = dict(
        session.exec(
            select(Response.wave_id, func.count()).where(Response.status == "submitted").group_by(Response.wave_id)
        ).all()
    )
    rows = session.exec(
        select(Wave, Instrument.name)
        .join(Instrument, Instrument.id == Wave.instrument_id)
        .where(Wave.status != "draft")
        .order_by(Wave.year.desc(), Wave.closes_at.desc(), Wave.id.desc())
    ).all()
    return [
        ExportableWave(
            id=wave.id,
            name=wave.name,
            year=wave.year,
            instrument=instrument,
            closes_at=wave.closes_at,
            responses=counts.get(wave.id, 0),
        )
        for wave, instrument in rows
        if wave_states.state(wave) == "closed"
    ]


def check_params(session: Session, params: ReleaseParams) -> list[Wave]:
    """The waves of a valid request, or ExportError saying what is wrong."""
    if params.format not in FORMATS:
        raise ExportError(
            str(
                _l(
                    "Unknown format %(format)s: choose one of %(formats)s.",
                    format=params.format,
                    formats=", ".join(FORMATS),
                )
            )
        )
    if params.lang not in LANGUAGES:
        raise ExportError(
            str(_l("Unknown language %(lang)s: choose one of %(langs)s.", lang=params.lang, langs=", ".join(LANGUAGES)))
        )
    if params.k < MIN_K:
        raise ExportError(str(_l("k must be at least %(min)s.", min=MIN_K)))
    if not params.wave_ids:
        raise ExportError(str(_l("Choose at least one wave.")))
    waves = {wave.id: wave for wave in session.exec(select(Wave).where(Wave.id.in_(params.wave_ids))).all()}
    for wave_id in params.wave_ids:
        wave = waves.get(wave_id)
        if wave is None:
            raise ExportError(str(_l("There is no wave %(id)s.", id=wave_id)))
        if wave_states.state(wave) != "closed":
            raise ExportError(
                str(
                    _l(
                        "The wave %(name)s is not closed: only closed waves can be exported, since the "
                        "data of an open wave would still change.",
                        name=wave.name,
                    )
                )
            )
    _check_enough_responses(session, [waves[wave_id] for wave_id in params.wave_ids], params.k)
    return [waves[wave_id] for wave_id in params.wave_ids]


def _check_enough_responses(session: Session, waves: list[Wave], k: int) -> None:
    """Each wave is made k-anonymous on its own (see exports.build), so each needs k submitted responses.
    Checked before a release is queued, so the form can say so at once."""
    counts = dict(
        session.exec(
            select(Response.wave_id, func.count())
            .where(Response.status == "submitted", Response.wave_id.in_([wave.id for wave in waves]))
            .group_by(Response.wave_id)
        ).all()
    )
    for wave in waves:
        if counts.get(wave.id, 0) < k:
            raise _too_few(wave, counts.get(wave.id, 0), k)


def _too_few(wave: Wave, rows: int, k: int) -> ExportError:
    return ExportError(
        str(
            _l(
                "The wave %(name)s has %(rows)s submitted responses: fewer than k = %(k)s, so no "
                "release of it can be k-anonymous.",
                name=wave.name,
                rows=rows,
                k=k,
            )
        )
    )


def export_release(
    session: Session,
    params: ReleaseParams,
    *,
    actor_id: int | None,
    ip: str | None = None,
    via: str = "web",
    on_step: Callable[[str], None] = lambda _step: None,
) -> AnonymisedRelease:
    """The stored release for these parameters, built and stored first if there is none yet.
    Every call is audit-logged (who, waves, parameters, rows, whether it was a repeat); one commit, at the end.

    A build calls `on_step` after each of its steps (BUILD_STEPS), before anything is written: a background
    job reports progress there, and stops there when cancelled, leaving nothing stored."""
    waves = check_params(session, params)
    key = params.key()
    release = _stored(session, key)
    repeat = release is not None
    if release is None:
        release = _build(session, params, waves, key, actor_id, on_step)
        session.add(release)
        try:
            session.flush()
        except IntegrityError:  # the same release, stored meanwhile by another request
            session.rollback()
            release, repeat = _stored(session, key), True
    audit.record(
        session,
        "exports.anonymised_release",
        actor_id=actor_id,
        target=f"release:{release.id}",
        ip=ip,
        waves=list(params.wave_ids),
        parameters=params.as_dict(),
        rows=release.rows,
        repeat=repeat,
        via=via,
    )
    session.commit()
    return release


def _stored(session: Session, key: str) -> AnonymisedRelease | None:
    return session.exec(select(AnonymisedRelease).where(AnonymisedRelease.key == key)).first()


def _build(
    session: Session,
    params: ReleaseParams,
    waves: list[Wave],
    key: str,
    actor_id: int | None,
    on_step: Callable[[str], None],
) -> AnonymisedRelease:
    source = load_source(session, params.wave_ids, free_text=params.free_text)
    repeats = load_repeats(session, params.wave_ids)
    _check_answered(source.frame, waves, params.k)
    on_step("read")
    data_file = f"data.{EXTENSIONS[params.format]}"
    with force_locale(params.lang):
        try:
            # A fresh key per release, never stored: pseudonyms cannot be traced back or joined across releases.
            built = build(source, params, secrets.token_bytes(32))
            built.repeats = build_repeats(repeats, built, source, params)
        except BuildError as error:
            raise ExportError(str(error)) from error
        on_step("anonymised")
        data, codes, file_names = write_data(built.table, built.variables, params.format)
        data_files = {data_file: data, **repeat_files(built.repeats, params.format)}
        book = documents.codebook(built, params, data_file, codes, file_names)
        report = documents.disclosure_report(
            built, params, [{"id": w.id, "name": w.name, "year": w.year} for w in waves]
        )
        files = {
            **data_files,
            "codebook.csv": documents.codebook_csv(book),
            "codebook.json": documents.codebook_json(book),
            "codebook.html": documents.codebook_html(book).encode("utf-8"),
            "disclosure_report.json": documents.disclosure_report_json(report),
            "disclosure_report.html": documents.disclosure_report_html(report, params.lang).encode("utf-8"),
            "README.txt": documents.readme(params, data_file, built.rows, built.repeats).encode("utf-8"),
        }
        files |= catalogue_files(
            built,
            params,
            key=key,
            waves=wave_facts(session, waves),
            data_file=data_file,
            codes=codes,
            publication=publication(),
        )
    content = zip_files(files)
    on_step("written")
    return AnonymisedRelease(
        key=key,
        wave_ids=list(params.wave_ids),
        params=params.as_dict(),
        filename=release_filename(params, key),
        content=content,
        size=len(content),
        rows=built.rows,
        created_by=actor_id,
    )


def _check_answered(frame, waves: list[Wave], k: int) -> None:
    """Each wave is made k-anonymous on its own (see exports.build), so each needs k responses."""
    answered = frame["wave_id"].value_counts()
    for wave in waves:
        if answered.get(wave.id, 0) < k:
            raise _too_few(wave, int(answered.get(wave.id, 0)), k)


def publication() -> Publication:
    """The licence (app setting OPEN_DATA_LICENSE), the platform's address and now (the defaults outside an
    app, as the benchmark runs)."""
    config = current_app.config if has_app_context() else {}
    return Publication(
        licence=config.get("OPEN_DATA_LICENSE") or DEFAULT_LICENCE,
        platform_url=config.get("BASE_URL", ""),
        created=utcnow().replace(microsecond=0),
        languages=tuple(LANGUAGES),
    )


def wave_facts(session: Session, waves: list[Wave]) -> list[dict]:
    """What a catalogue says of each wave: name, year, instrument, version and dates (YYYY-MM-DD)."""
    facts = []
    for wave in waves:
        instrument = session.get(Instrument, wave.instrument_id)
        version = session.get(InstrumentVersion, wave.version_id)
        facts.append(
            {
                "id": wave.id,
                "name": wave.name,
                "year": wave.year,
                "instrument": instrument.name if instrument else "",
                "version": version.number if version else "",
                "opens_on": wave.opens_at.date().isoformat(),
                "closes_on": wave.closes_at.date().isoformat(),
            }
        )
    return facts


def zip_files(files: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on the files: sorted names, one fixed date, fixed permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=3)
    return buffer.getvalue()


def release_filename(params: ReleaseParams, key: str) -> str:
    waves = "-".join(map(str, params.wave_ids)) if len(params.wave_ids) <= 8 else f"{len(params.wave_ids)}waves"
    return f"anonymised-wave-{waves}-{params.format}-{params.lang}-k{params.k}-{key[:8]}.zip"


def list_releases(session: Session) -> list[AnonymisedRelease]:
    """Every stored release, newest first (the zips themselves are read only when used)."""
    return list(
        session.exec(
            select(AnonymisedRelease)
            .options(defer(AnonymisedRelease.content))
            .order_by(AnonymisedRelease.created_at.desc(), AnonymisedRelease.id.desc())
        ).all()
    )


def get_release(session: Session, release_id: int) -> AnonymisedRelease | None:
    return session.get(AnonymisedRelease, release_id)
