"""Storing a checked file of past responses into a wave, and undoing it as a whole.

`store` takes a `plan.Preview` (what `checking.check` made of the file) and writes every row it
accepts in ONE transaction, with bulk Core inserts: nothing is stored if any row is refused, unless
the secretariat chose to leave the refused rows out (they are then listed on the import's record and
in the audit log). Responses are submitted as the answering pages submit them (`submission.answer_rows`),
with the profile frozen from the file's mapped columns. They are anonymous, unless the row's email is a
registered stakeholder's: then the response is theirs, and one response per stakeholder per wave still
holds (a second one, in the wave or in the file, is a refused row: `registry_problems`).

Each import is a `ResponseImport` (file name, sha256, who, when, counts, mapping) its responses point
to; `undo` deletes them all. The mapping is kept per wave and file shape (`saved_mapping`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, insert
from sqlmodel import Session, func, select

from core import audit
from core.accounts.models import User
from core.reference.models import Country
from core.timeutil import utcnow
from stakeholders.models import Stakeholder
from surveys import answering, submission
from surveys.definition import Definition
from surveys.models import Answer, InstrumentVersion, Response, ResponseImport, SavedImportMapping, Wave
from surveys.response_import.plan import PROFILE_TARGETS, ImportedRow, ImportProblem, Mapping, Preview, SourceFile

CHUNK = 2_000  # responses per bulk insert
IN_CHUNK = 500  # emails per IN (...) lookup
DUPLICATE = "duplicate_respondent"
SUBMITTED_AT = "submitted_at"  # timestamps.FIELD: the time of the response, when the file has it
STORE_ACTION = "surveys.response_import"
UNDO_ACTION = "surveys.response_import_undo"

Progress = Callable[[int, int], None]


class ImportRefused(Exception):
    """Some rows are refused and the secretariat did not choose to leave them out: nothing was stored."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__(f"{len({p.row for p in problems})} refused row(s)")
        self.problems = problems


class NothingToStore(Exception):
    """No row of the file is left to store."""


class NotUndoable(Exception):
    """The import does not exist or was already undone."""


@dataclass(frozen=True)
class Stored:
    import_id: int
    stored: int
    linked: int  # responses linked to a registered stakeholder by their email
    left_out: list[ImportProblem] = field(default_factory=list)


@dataclass(frozen=True)
class _Registry:
    """Registered stakeholders the file's emails name: lower-cased email -> id, and id -> profile."""

    ids: dict[str, int]
    profiles: dict[int, dict]

    def stakeholder_of(self, row: ImportedRow) -> int | None:
        return self.ids.get(row.email.strip().lower()) if row.email else None


# --- the registry ---------------------------------------------------------------------------------


def _registry_of(session: Session, rows: Iterable[ImportedRow]) -> _Registry:
    emails = sorted({row.email.strip().lower() for row in rows if row.email and row.email.strip()})
    ids: dict[str, int] = {}
    profiles: dict[int, dict] = {}
    for start in range(0, len(emails), IN_CHUNK):
        found = session.exec(
            select(
                Stakeholder.id,
                User.email,
                Stakeholder.country,
                Country.regional_group,
                Stakeholder.category,
                Stakeholder.gender,
                Stakeholder.stakeholder_type,
            )
            .join(User, User.id == Stakeholder.user_id)
            .join(Country, Country.iso2 == Stakeholder.country, isouter=True)
            .where(func.lower(User.email).in_(emails[start : start + IN_CHUNK]))
        ).all()
        for stakeholder_id, email, country, region, category, gender, stakeholder_type in found:
            ids[email.lower()] = stakeholder_id
            profiles[stakeholder_id] = {
                "country": country,
                "regional_group": region,
                "category": category,
                "gender": gender,
                "stakeholder_type": stakeholder_type,
            }
    return _Registry(ids, profiles)


def _email_column(mapping: Mapping) -> str:
    return next((key for key, target in mapping.columns.items() if target.kind == "email"), "")


def _duplicates(session: Session, wave: Wave, preview: Preview, registry: _Registry) -> list[ImportProblem]:
    if not registry.ids:
        return []
    answered = set(
        session.exec(
            select(Response.stakeholder_id).where(Response.wave_id == wave.id, Response.stakeholder_id.is_not(None))
        ).all()
    )
    refused, seen, column = preview.refused_rows, set(), _email_column(preview.mapping)
    problems = []
    for row in preview.rows:
        stakeholder_id = registry.stakeholder_of(row)
        if stakeholder_id is None or row.row in refused:
            continue
        if stakeholder_id in answered:
            message = _("This stakeholder has already answered this wave.")
        elif stakeholder_id in seen:
            message = _("An earlier row of the file is this stakeholder's response.")
        else:
            seen.add(stakeholder_id)
            continue
        problems.append(ImportProblem(row=row.row, column=column, kind=DUPLICATE, message=message))
    return problems


def registry_problems(session: Session, wave: Wave, preview: Preview) -> list[ImportProblem]:
    """Rows whose email is a registered stakeholder's who already answered the wave, or whom an earlier
    row of the file already is: one response per stakeholder per wave. The check adds them to its report."""
    return _duplicates(session, wave, preview, _registry_of(session, preview.rows))


# --- storing --------------------------------------------------------------------------------------


def store(
    session: Session,
    *,
    wave: Wave,
    preview: Preview,
    by: int | None,
    leave_out_refused: bool = False,
    progress: Progress | None = None,
    ip: str | None = None,
) -> Stored:
    """Store the accepted rows of `preview` as submitted responses to `wave`, all or nothing.

    ImportRefused (nothing stored) if a row is refused and `leave_out_refused` is false;
    NothingToStore if no row is left. `progress(done, total)` is called between bulk inserts.
    """
    registry = _registry_of(session, preview.rows)
    problems = [*preview.problems, *_duplicates(session, wave, preview, registry)]
    if problems and not leave_out_refused:
        raise ImportRefused(problems)
    refused = {problem.row for problem in problems}
    rows = [row for row in preview.rows if row.row not in refused]
    if not rows:
        raise NothingToStore()
    try:
        record = _record(session, wave, preview, by, stored=len(rows), left_out=problems)
        linked = _insert_rows(session, wave, record.id, rows, registry, progress)
        _keep_mapping(session, wave.id, preview.source.signature, preview.mapping)
        audit.record(
            session,
            STORE_ACTION,
            actor_id=by,
            target=f"wave:{wave.id}",
            ip=ip,
            import_id=record.id,
            file_name=record.file_name,
            sha256=record.sha256,
            stored=len(rows),
            linked=linked,
            left_out=[{"row": p.row, "column": p.column, "kind": p.kind} for p in problems],
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return Stored(import_id=record.id, stored=len(rows), linked=linked, left_out=problems)


def _record(session: Session, wave: Wave, preview: Preview, by: int | None, *, stored: int, left_out) -> ResponseImport:
    record = ResponseImport(
        wave_id=wave.id,
        file_name=preview.source.file_name[:200],
        sha256=preview.source.sha256,
        created_by_id=by,
        rows_stored=stored,
        rows_left_out=len({problem.row for problem in left_out}),
        left_out=[{"row": p.row, "column": p.column, "kind": p.kind, "message": p.message} for p in left_out],
        mapping=preview.mapping.to_dict(),
    )
    session.add(record)
    session.flush()
    return record


def _insert_rows(
    session: Session,
    wave: Wave,
    import_id: int,
    rows: list[ImportedRow],
    registry: _Registry,
    progress: Progress | None,
) -> int:
    """Bulk-insert the responses and their answers; the number linked to a stakeholder."""
    definition = Definition.from_dict(session.get(InstrumentVersion, wave.version_id).definition)
    questions = {question.name: question for question in definition.questions()}
    others = {question.other_of: question.name for question in questions.values() if question.other_of}
    regions = dict(session.exec(select(Country.iso2, Country.regional_group)).all())
    base = {
        "wave_id": wave.id,
        "version_id": wave.version_id,
        "import_id": import_id,
        "open_link_id": None,
        "resume_token_hash": None,
        "status": "submitted",
        "draft": {},
        "last_page": 0,
        "started_at": utcnow(),
        "updated_at": utcnow(),
    }
    # Core inserts on the session's connection (its transaction): no ORM bookkeeping per row.
    connection, responses, linked = session.connection(), Response.__table__, 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        answers_of = [_answers(row, others) for row in chunk]
        values = []
        for row, answers in zip(chunk, answers_of):
            stakeholder_id = registry.stakeholder_of(row)
            linked += stakeholder_id is not None
            profile = _profile(row, registry.profiles.get(stakeholder_id), regions)
            values.append(_response_values(base, row, answers, stakeholder_id, profile, wave))
        ids = _new_ids(connection, len(values))
        connection.execute(insert(responses), [{"id": id_, **value} for id_, value in zip(ids, values)])
        answer_rows = [
            line
            for response_id, answers in zip(ids, answers_of)
            for line in submission.answer_rows(response_id, questions, answers)
        ]
        if answer_rows:
            _insert_answers(connection, answer_rows)
        if progress is not None:
            progress(start + len(chunk), len(rows))
    return linked


def _new_ids(connection, count: int) -> list[int]:
    """Ids for `count` new responses, so they and their answers go in without a RETURNING per row
    (SQLite returns ids in order only one row at a time). On SQLite the import's transaction already
    holds the one write lock, so nobody else takes the ids after the largest; on PostgreSQL they come
    from the table's sequence."""
    if connection.dialect.name == "postgresql":
        return list(
            connection.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('response', 'id')) FROM generate_series(1, %s)", (count,)
            ).scalars()
        )
    largest = connection.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM response").scalar()
    return list(range(largest + 1, largest + 1 + count))


ANSWER_COLUMNS = ("response_id", "question", "value_text", "value_number", "value_date")


def _insert_answers(connection, rows: list[dict]) -> None:
    """The answers at the driver's level (COPY on PostgreSQL, one executemany on SQLite): they are most of an
    import (30 a response), and SQLAlchemy's per-row parameter processing would cost more than the database's work."""
    sqlite = connection.dialect.name == "sqlite"
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = f"INSERT INTO answer ({', '.join(ANSWER_COLUMNS)}) VALUES ({', '.join([marker] * len(ANSWER_COLUMNS))})"
    values = [
        (
            row["response_id"],
            row["question"],
            row["value_text"],
            row["value_number"],
            row["value_date"].isoformat() if sqlite and row["value_date"] is not None else row["value_date"],
        )
        for row in rows
    ]
    if connection.dialect.name == "postgresql":  # COPY: several times faster than batched INSERTs
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY answer ({', '.join(ANSWER_COLUMNS)}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        return
    connection.exec_driver_sql(statement, values)


def _answers(row: ImportedRow, others: dict[str, str]) -> dict[str, object]:
    """The row's typed answers, with each typed "other" text as the answer of the question asking for it."""
    answers = {name: value for name, value in row.answers.items() if value is not None and value != []}
    for question, text in row.other_texts.items():
        target = others.get(question)
        if target and text and target not in answers:
            answers[target] = text
    return answers


def _response_values(base: dict, row, answers, stakeholder_id, profile: dict, wave: Wave) -> dict:
    return {
        **base,
        "stakeholder_id": stakeholder_id,
        "submission_key": secrets.token_hex(16),
        "language": (row.language or "en")[:5],
        "content_digest": answering.content_digest(answers),
        "submitted_at": _submitted_at(row) or wave.closes_at,
        **profile,
    }


def _profile(row: ImportedRow, registered: dict | None, regions: dict[str, str | None]) -> dict:
    """The frozen profile: the mapped columns, else the registry's value for a linked stakeholder; the
    regional group follows a known country, as at submission."""
    profile = {name: row.profile.get(name) or None for name in PROFILE_TARGETS}
    for name in PROFILE_TARGETS:
        if profile[name] is None and registered:
            profile[name] = registered.get(name)
    if profile["country"]:
        if profile["country"] in regions:
            profile["regional_group"] = regions[profile["country"]]
        else:
            profile["country"] = None
    return profile


def _submitted_at(row: ImportedRow) -> datetime | None:
    """The file's own time of the response (`timestamps`: ISO text in the profile), else None."""
    text = row.profile.get(SUBMITTED_AT)
    return datetime.fromisoformat(text) if text else None


# --- mappings kept for the next file --------------------------------------------------------------


def _keep_mapping(session: Session, wave_id: int, signature: str, mapping: Mapping) -> None:
    saved = session.exec(
        select(SavedImportMapping).where(
            SavedImportMapping.wave_id == wave_id, SavedImportMapping.signature == signature
        )
    ).first()
    if saved is None:
        saved = SavedImportMapping(wave_id=wave_id, signature=signature)
    saved.mapping = mapping.to_dict()
    saved.updated_at = utcnow()
    session.add(saved)


def save_mapping(session: Session, *, wave: Wave, source: SourceFile, mapping: Mapping) -> None:
    """Keep `mapping` for files of `source`'s shape brought into `wave` (and waves of its instrument)."""
    _keep_mapping(session, wave.id, source.signature, mapping)
    session.commit()


def saved_mapping(session: Session, *, wave: Wave, signature: str) -> Mapping | None:
    """The mapping kept for files of this shape: the wave's own, else the latest one kept for a wave of
    the same instrument (the same version first)."""
    found = session.exec(
        select(SavedImportMapping, Wave.id == wave.id, Wave.version_id == wave.version_id)
        .join(Wave, Wave.id == SavedImportMapping.wave_id)
        .where(SavedImportMapping.signature == signature, Wave.instrument_id == wave.instrument_id)
    ).all()
    if not found:
        return None
    best = max(found, key=lambda item: (bool(item[1]), bool(item[2]), item[0].updated_at, item[0].id))
    return Mapping.from_dict(best[0].mapping)


# --- the imports of a wave, and undoing one -------------------------------------------------------


def imports_of(session: Session, wave_id: int) -> list[tuple[ResponseImport, str | None]]:
    """The wave's imports, newest first, each with the email of who brought it."""
    return list(
        session.exec(
            select(ResponseImport, User.email)
            .join(User, User.id == ResponseImport.created_by_id, isouter=True)
            .where(ResponseImport.wave_id == wave_id)
            .order_by(ResponseImport.created_at.desc(), ResponseImport.id.desc())
        ).all()
    )


def undo(session: Session, import_id: int, by: int | None, *, ip: str | None = None) -> ResponseImport:
    """Delete every response the import stored (and their answers), mark it undone, audit-log it."""
    record = session.get(ResponseImport, import_id)
    if record is None or record.undone_at is not None:
        raise NotUndoable()
    try:
        of_import = select(Response.id).where(Response.import_id == import_id)
        session.execute(delete(Answer).where(Answer.response_id.in_(of_import)))
        removed = session.execute(delete(Response).where(Response.import_id == import_id)).rowcount
        record.undone_at = utcnow()
        record.undone_by_id = by
        session.add(record)
        audit.record(
            session,
            UNDO_ACTION,
            actor_id=by,
            target=f"wave:{record.wave_id}",
            ip=ip,
            import_id=record.id,
            file_name=record.file_name,
            sha256=record.sha256,
            removed=removed,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return record
