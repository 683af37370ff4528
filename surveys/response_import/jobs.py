"""Importing past responses as background jobs: checking a file against a mapping, and storing it.

The upload waits in the database (core/imports/pending.py, kind "responses") while the secretariat
maps its columns. A read job reads it first and keeps what the mapping page shows (`summary`: the
columns, their distinct values and the proposed mapping), so no page reads the file. A check job reads it, checks every row (progress: rows checked of the total) and
returns the report the preview page shows. Confirming queues a store job, which reads and checks the
file again and stores it in one transaction (`storing.store`); the upload is then used up. A check
never discards the upload: the secretariat may change the mapping and check again.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from core.imports import pending
from core.imports.models import PendingImport
from core.imports.tables import TableError
from core.jobs import kinds
from core.jobs import service as jobs
from core.jobs.context import JobContext
from core.jobs.models import Job
from core.timeutil import utcnow
from surveys.models import Wave
from surveys.response_import import pipeline, storing, summary
from surveys.response_import.plan import Mapping

READ_KIND = "surveys.responses_read"
CHECK_KIND = "surveys.responses_check"
STORE_KIND = "surveys.responses_store"
KINDS = (CHECK_KIND, STORE_KIND)
UPLOAD_KIND = "responses"

NOT_WAITING = _l("This upload is no longer waiting. Upload the file again.")


def keep_upload(session: Session, *, content: bytes, owner_id: int, file_name: str) -> str:
    """Keep the uploaded file until it is stored (or a day has passed); returns its token."""
    return pending.keep_pending(
        session=session, content=content, owner_id=owner_id, kind=UPLOAD_KIND, file_name=file_name
    )


def is_waiting(session: Session, token: str, owner_id: int) -> bool:
    """Whether the upload still waits, without loading its content (a page asks this)."""
    found = session.exec(
        select(PendingImport)
        .options(defer(PendingImport.content))
        .where(
            PendingImport.token == token, PendingImport.uploaded_by_id == owner_id, PendingImport.kind == UPLOAD_KIND
        )
        .where(PendingImport.created_at >= utcnow() - pending.PENDING_MAX_AGE)
    ).first()
    return found is not None


def upload(session: Session, token: str, owner_id: int):
    found = pending.pending_upload(session=session, token=token, owner_id=owner_id)
    return found if found is not None and found.kind == UPLOAD_KIND else None


def enqueue_read(session: Session, *, wave: Wave, token: str, owner_id: int, locale: str, queue, ip=None) -> Job:
    forget_stale_summaries(session)
    params = {"wave_id": wave.id, "token": token}
    return jobs.enqueue(session, kind=READ_KIND, owner_id=owner_id, params=params, locale=locale, queue=queue, ip=ip)


def enqueue(
    session: Session,
    *,
    kind: str,
    wave: Wave,
    token: str,
    mapping: Mapping,
    owner_id: int,
    locale: str,
    queue: jobs.JobQueue,
    leave_out: bool = False,
    ip: str | None = None,
    read_id: int | None = None,
) -> Job:
    params = {"wave_id": wave.id, "token": token, "mapping": mapping.to_dict(), "leave_out": leave_out}
    if read_id is not None:  # the read job whose summary the mapping page shows again
        params["read_id"] = read_id
    return jobs.enqueue(session, kind=kind, owner_id=owner_id, params=params, locale=locale, queue=queue, ip=ip)


def _read(context: JobContext):
    session = context.session
    wave = session.get(Wave, context.params["wave_id"])
    if wave is None:
        raise LookupError(f"No wave {context.params['wave_id']}")
    waiting = upload(session, context.params["token"], context.owner_id)
    if waiting is None:
        raise kinds.JobFailed(str(NOT_WAITING))
    try:
        source, rows = pipeline.read(waiting.content, waiting.filename)
    except TableError as error:
        raise kinds.JobFailed(_("The file cannot be read: %(reason)s", reason=error.message)) from error
    context.progress(0, len(rows))
    return wave, source, rows


def run_read(context: JobContext) -> dict:
    """Read the waiting upload, propose a mapping and summarise the columns for the mapping page."""
    wave, source, rows = _read(context)
    counters = summary.column_counts(source, rows)
    context.progress(len(rows) // 2, len(rows))
    distinct = {key: dict.fromkeys(counter) for key, counter in counters.items()}
    proposed, saved = pipeline.propose(context.session, wave, source, rows, distinct=distinct)
    context.session.rollback()  # reading only
    found = summary.summarise(source, rows, counters, proposed, saved=saved)
    context.progress(len(rows), len(rows))
    return found.to_dict()


def forget_stale_summaries(session: Session) -> int:
    """Summaries of files nobody imported go when their upload expires (a day): they hold the file's values, emails
    among them, and no page can use them once the upload is gone. Run at each new upload, as uploads expire."""
    stale = session.exec(
        select(Job).where(
            Job.kind == READ_KIND, Job.created_at < utcnow() - pending.PENDING_MAX_AGE, Job.result.is_not(None)
        )
    ).all()
    forgotten = [job for job in stale if (job.result or {}).get("source")]
    for job in forgotten:
        job.result = {"used": True}
    session.commit()
    return len(forgotten)


def _forget_summary(session: Session, read_id: int | None) -> None:
    """The read job's summary holds values of the file (emails among them): once the file is stored, it goes."""
    read = session.get(Job, read_id) if read_id else None
    if read is not None and read.kind == READ_KIND:
        read.result = {"used": True}
        session.commit()


def run_check(context: JobContext) -> dict:
    """Check every row of the waiting upload against the job's mapping; the report is the result."""
    wave, source, rows = _read(context)
    chosen = Mapping.from_dict(context.params["mapping"])
    preview = pipeline.check(context.session, wave, source, rows, chosen, progress=context.every())
    context.session.rollback()  # the check only read
    return {**pipeline.summary(preview), "token": context.params["token"], "wave_id": wave.id}


def run_store(context: JobContext) -> dict:
    """Check the upload again and store its rows in one transaction; the upload is then used up."""
    wave, source, rows = _read(context)
    session = context.session
    chosen = Mapping.from_dict(context.params["mapping"])
    preview = pipeline.check(session, wave, source, rows, chosen, progress=context.every())
    # On SQLite the storing transaction holds the one write lock: progress is written only elsewhere.
    writes_progress = session.get_bind().dialect.name != "sqlite"
    try:
        stored = storing.store(
            session,
            wave=wave,
            preview=preview,
            by=context.owner_id,
            leave_out_refused=bool(context.params.get("leave_out")),
            progress=context.every() if writes_progress else None,
        )
    except storing.ImportRefused as error:
        raise kinds.JobFailed(
            _(
                "%(count)s rows are refused, so nothing was imported. Change the mapping, or leave the refused rows out.",
                count=len({problem.row for problem in error.problems}),
            )
        ) from error
    except storing.NothingToStore as error:
        raise kinds.JobFailed(_("No row of the file is left to import.")) from error
    pending.discard_pending(session=session, token=context.params["token"])
    _forget_summary(session, context.params.get("read_id"))
    context.progress(len(rows), len(rows))
    return {
        **pipeline.summary(preview),
        "wave_id": wave.id,
        "import_id": stored.import_id,
        "stored": stored.stored,
        "linked": stored.linked,
        "left_out": len({problem.row for problem in stored.left_out}),
        "token": None,
    }


kinds.register(READ_KIND, title=_l("Read a file of past responses"), run=run_read)
kinds.register(CHECK_KIND, title=_l("Check past responses"), run=run_check)
kinds.register(STORE_KIND, title=_l("Import past responses"), run=run_store)
