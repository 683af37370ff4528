"""The steps every import shares, from the check to the write: `Importer`.

An import is all or nothing. A family of imports (the registry's, the engagement records')
brings its kinds of file and its `validate`; `run_import` validates again and, only when no row
has a problem, applies every plan in one transaction with one audit event. The import pages
(core/imports/views.py) drive an import through this object alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from core import audit
from core.imports import pending as uploads
from core.imports.cells import Kind
from core.imports.models import PendingImport
from core.imports.report import Report
from core.imports.tables import MAX_BYTES, TableError

BATCH = 500  # rows written between two clean-ups of the session


class ImportFailed(RuntimeError):
    """The import could not be written; nothing was. `message` is fit to show."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Importer:
    """One family of imports and what sets it apart; the steps from check to write are shared."""

    name: str  # names the family in its jobs' parameters, e.g. "registry"
    kinds: dict[str, Kind]
    validate: Callable[..., Report]  # validate(session=, kind=, content=, progress=None)
    audit_action: str
    changed: object  # lazy message: the database refused the writes, the data having changed meanwhile
    max_bytes: ClassVar[int] = MAX_BYTES
    errors: ClassVar[tuple[type[Exception], ...]] = (ImportFailed, TableError)  # each has a `message` to show

    def template_header(self, kind: str) -> list[str]:
        return self.kinds[kind].column_names

    def run_import(
        self,
        *,
        session: Session,
        kind: str,
        content: bytes,
        file_name: str,
        actor_id: int | None,
        pending_id: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        write_progress: Callable[[int, int], None] | None = None,
    ) -> Report:
        """Validate again and, when every row is valid, write them all in one transaction.

        Returns the report; when it is not valid nothing was written. Raises `ImportFailed` when the
        database refuses the writes (everything is rolled back). With `pending_id`, the waiting
        upload is deleted in the same transaction, and if it is already gone (a second click on
        "Confirm", in another process) nothing is imported. `progress(done, total)` is told of the rows
        checked, `write_progress` of the rows written (on the import's own transaction: a background job
        passes it only where another connection may write meanwhile, i.e. not on SQLite).
        """
        report = self.validate(session=session, kind=kind, content=content, progress=progress)
        if not report.valid:
            session.rollback()
            return report
        try:
            if pending_id is not None and not uploads.use_pending(session=session, pending_id=pending_id):
                raise ImportFailed(_l("This upload is no longer waiting for confirmation. Upload the file again."))
            _write(session, report, write_progress)
            audit.record(
                session,
                self.audit_action,
                actor_id=actor_id,
                target=kind,
                kind=kind,
                file_name=file_name,
                rows=report.rows,
                created=report.created,
                updated=report.updated,
            )
            session.commit()
        except SQLAlchemyError:
            session.rollback()
            raise ImportFailed(self.changed) from None
        except BaseException:
            session.rollback()
            raise
        return report

    def import_pending(self, *, session: Session, pending: PendingImport, actor_id: int | None) -> Report:
        """Import a waiting upload; it is used up whatever happens (an import happens at most once)."""
        token = pending.token
        try:
            return self.run_import(
                session=session,
                kind=pending.kind,
                content=pending.content,
                file_name=pending.filename,
                actor_id=actor_id,
                pending_id=pending.id,
            )
        finally:
            uploads.discard_pending(session=session, token=token)

    def keep(self, *, session: Session, content: bytes, owner_id: int, kind: str, file_name: str) -> str:
        return uploads.keep_pending(session=session, content=content, owner_id=owner_id, kind=kind, file_name=file_name)

    def waiting(self, *, session: Session, token: str, owner_id: int) -> PendingImport | None:
        """This person's upload waiting under the token, if it is one of these kinds.

        An upload of another family of imports looks like any unknown one: none.
        """
        pending = uploads.pending_upload(session=session, token=token, owner_id=owner_id)
        return pending if pending is not None and pending.kind in self.kinds else None

    def discard(self, *, session: Session, token: str) -> None:
        uploads.discard_pending(session=session, token=token)


def _write(session: Session, report: Report, progress: Callable[[int, int], None] | None = None) -> None:
    """Apply every plan, in batches: each batch's `prepare` steps, one flush, then its `apply` steps, and
    the values of its plans written together by their `write_many`."""
    for start in range(0, len(report.plans), BATCH):
        if progress is not None:
            progress(start, len(report.plans))
        batch = report.plans[start : start + BATCH]
        for plan in batch:
            if plan.prepare is not None:
                plan.prepare(session)
        session.flush()
        together: dict[Callable, list] = {}
        for plan in batch:
            if plan.write_many is not None:
                together.setdefault(plan.write_many, []).append(plan.values)
            else:
                plan.apply(session)
        for write_many, values in together.items():
            write_many(session, values)
        # Written rows leave the session (not the transaction): SQLAlchemy's bookkeeping, and the
        # deletes a domain's apply step may run, look at every object the session holds.
        session.flush()
        session.expunge_all()
