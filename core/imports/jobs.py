"""Imports as background jobs: checking an upload, and importing it once confirmed.

The upload waits in the database (core/imports/pending.py) from the moment it is received; a "check" job
reads it and its result is the report the preview page shows; confirming queues an "import" job, which
checks the file again and writes every row in ONE transaction that also uses up the upload. A worker
stopped or killed on the way writes nothing and leaves the upload waiting, so the job can be retried; a
cancel, a refused file or a failed write discards the upload (nothing was imported, upload it again).

Both report progress as rows done of the total; a cancel is noticed between rows. While the rows are being
written, progress (and so a cancel) is reported only where another connection may write meanwhile: on
SQLite the import's transaction holds the one write lock until it commits.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.imports.importer import Importer
from core.imports.models import PendingImport
from core.imports.report import Report, stored
from core.jobs import kinds
from core.jobs.context import JobContext

CHECK_KIND = "imports.check"
IMPORT_KIND = "imports.import"

FAMILIES: dict[str, Importer] = {}

NOT_WAITING = _l("This upload is no longer waiting for confirmation. Upload the file again.")


def register_family(importer: Importer) -> None:
    """Let the workers run the checks and imports of this family (its module registers it on import)."""
    FAMILIES[importer.name] = importer


def params(importer: Importer, token: str) -> dict:
    return {"family": importer.name, "token": token}


def _waiting(context: JobContext) -> tuple[Importer, PendingImport]:
    importer = FAMILIES.get(context.params.get("family"))
    if importer is None:
        raise LookupError(f"No import family named {context.params.get('family')!r} is registered in this worker")
    pending = importer.waiting(session=context.session, token=context.params["token"], owner_id=context.owner_id)
    if pending is None:
        raise kinds.JobFailed(str(NOT_WAITING))
    return importer, pending


def _result(report: Report, pending: PendingImport, token: str | None = None) -> dict:
    return {"report": stored(report), "kind": pending.kind, "file_name": pending.filename, "token": token}


def run_check(context: JobContext) -> dict:
    """Check every row of the waiting upload; an upload with problems is discarded (nothing to confirm)."""
    importer, pending = _waiting(context)
    token = pending.token
    try:
        report = importer.validate(
            session=context.session, kind=pending.kind, content=pending.content, progress=context.progress
        )
    except importer.errors as error:
        importer.discard(session=context.session, token=token)
        raise kinds.JobFailed(str(error.message)) from error
    except kinds.JobCancelled:
        importer.discard(session=context.session, token=token)
        raise
    result = _result(report, pending, token if report.valid else None)
    context.session.rollback()  # the check only read
    if not report.valid:
        importer.discard(session=context.session, token=token)
    context.progress(report.rows, report.rows)
    return result


def run_import(context: JobContext) -> dict:
    """Check the upload again and, when every row is still valid, write them all in one transaction."""
    importer, pending = _waiting(context)
    token, kind, file_name = pending.token, pending.kind, pending.filename
    concurrent_writes = context.session.get_bind().dialect.name != "sqlite"
    try:
        report = importer.run_import(
            session=context.session,
            kind=kind,
            content=pending.content,
            file_name=file_name,
            actor_id=context.owner_id,
            pending_id=pending.id,
            progress=context.progress,
            write_progress=context.progress if concurrent_writes else None,
        )
    except importer.errors as error:
        importer.discard(session=context.session, token=token)
        raise kinds.JobFailed(str(error.message)) from error
    except kinds.JobCancelled:
        importer.discard(session=context.session, token=token)
        raise
    if not report.valid:  # the data changed since the check: nothing was written
        importer.discard(session=context.session, token=token)
    return {"report": stored(report), "kind": kind, "file_name": file_name, "token": None}


kinds.register(CHECK_KIND, title=_l("Check the file"), run=run_check)
kinds.register(IMPORT_KIND, title=_l("Import"), run=run_import)
