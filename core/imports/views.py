"""The import pages, served on each family's own blueprint (`ImportPages.register`).

Each blueprint keeps its own endpoints (upload, confirm, template) and access rule; links and
redirects use relative endpoints (".upload"), so they stay inside the blueprint that serves
the page. Templates are named `<templates>upload.html`, `preview.html` and `done.html`.

Checking and importing run as background jobs (core/imports/jobs.py): an upload is kept waiting and
checked by a job, whose page (`job`) shows its progress, then the report; confirming queues the import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core import tabular
from core.db import get_session
from core.i18n import current_language
from core.imports import jobs as import_jobs
from core.imports import pending
from core.imports.forms import ConfirmForm, UploadForm
from core.imports.importer import Importer
from core.imports.report import StoredReport
from core.jobs import service as jobs
from core.jobs import views as job_views
from core.jobs.models import Job, JobState
from core.jobs.queue import current_queue
from core.staff.tasks import Task
from core.vocabulary import english

KINDS = (import_jobs.CHECK_KIND, import_jobs.IMPORT_KIND)
UNEXPECTED = _l("The job stopped on an unexpected error. Try again, and tell the secretariat if it fails again.")


def display_name(file_name: str | None) -> str:
    """The file's own name, without any folder a browser may send."""
    name = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or "upload"


@dataclass(frozen=True)
class ImportPages:
    importer: Importer
    templates: str  # prefix of the template names, e.g. "registry_import/"
    file_help: object  # lazy text under the file field

    def register(self, bp: Blueprint, guard: Callable) -> None:
        """Serve the pages on `bp`, each behind `guard` (an access decorator)."""
        bp.add_url_rule("", "upload", guard(self.upload), methods=["GET", "POST"])
        bp.add_url_rule("/confirm", "confirm", guard(self.confirm), methods=["POST"])
        bp.add_url_rule("/jobs/<int:job_id>", "job", guard(self.job))
        bp.add_url_rule("/templates/<file_name>", "template", guard(self.template))

    def staff_task(self, session, *, label, endpoint: str) -> Task:
        """The signed-in person's uploads of this family waiting for confirmation (staff landing page)."""
        count = pending.pending_count(session, owner_id=current_user.id, kinds=self.importer.kinds)
        return Task(str(label), count, url_for(endpoint))

    def _render(self, page: str, **context):
        return render_template(f"{self.templates}{page}.html", **context)

    def upload(self):
        importer = self.importer
        form = UploadForm(kinds=importer.kinds, file_help=self.file_help)
        if form.validate_on_submit():
            content = form.file.data.stream.read(importer.max_bytes + 1)
            session = get_session()
            token = importer.keep(
                session=session,
                content=content,
                owner_id=current_user.id,
                kind=form.kind.data,
                file_name=display_name(form.file.data.filename),
            )
            job = self._enqueue(import_jobs.CHECK_KIND, token)
            return redirect(url_for(".job", job_id=job.id))
        return self._upload_page(form)

    def _upload_page(self, form: UploadForm):
        return self._render("upload", form=form, kinds=self.importer.kinds, english=english)

    def _enqueue(self, kind: str, token: str) -> Job:
        return jobs.enqueue(
            get_session(),
            kind=kind,
            owner_id=current_user.id,
            params=import_jobs.params(self.importer, token),
            locale=current_language(),
            queue=current_queue(),
            ip=request.remote_addr,
        )

    def confirm(self):
        importer = self.importer
        form = ConfirmForm()
        if not form.validate_on_submit():
            abort(400)
        session = get_session()
        pending = importer.waiting(session=session, token=form.token.data, owner_id=current_user.id)
        if pending is None:
            # Unknown, expired, used, another person's, or another family's upload: all look the same.
            flash(_("This upload is no longer waiting for confirmation. Upload the file again."), "error")
            return redirect(url_for(".upload"))
        if form.cancel.data:
            importer.discard(session=session, token=pending.token)
            flash(_("The import is cancelled: nothing was imported."), "info")
            return redirect(url_for(".upload"))
        job = self._enqueue(import_jobs.IMPORT_KIND, pending.token)
        return redirect(url_for(".job", job_id=job.id))

    def job(self, job_id: int):
        """A check or an import of this family: its progress while it runs, then the report or the outcome."""
        job = jobs.visible_job(get_session(), job_id, user=current_user)
        if job is None or job.kind not in KINDS or job.params.get("family") != self.importer.name:
            abort(404)
        state = job_views.state_of(job)
        if state in (JobState.QUEUED, JobState.RUNNING):
            return job_views.render_job(job)
        if state == JobState.FAILED and job.kind == import_jobs.CHECK_KIND:  # the file could not be read
            form = UploadForm(kinds=self.importer.kinds, file_help=self.file_help, formdata=None)
            form.file.errors = [job.error or str(UNEXPECTED)]
            return self._upload_page(form)
        if state == JobState.FAILED:
            flash(job.error or str(UNEXPECTED), "error")
            return redirect(url_for(".upload"))
        if state != JobState.DONE:  # cancelled or interrupted: its page says so, and offers to try again
            return redirect(url_for("jobs.show", job_id=job.id))
        result = job.result
        report, file_name = StoredReport(result["report"]), result["file_name"]
        kind = self.importer.kinds[result["kind"]]
        if job.kind == import_jobs.CHECK_KIND:
            confirm_form = ConfirmForm(token=result["token"], formdata=None) if result["token"] else None
            return self._render("preview", report=report, kind=kind, file_name=file_name, confirm_form=confirm_form)
        if not report.valid:  # the data changed since the check
            return self._render(
                "preview", report=report, kind=kind, file_name=file_name, confirm_form=None, changed=True
            )
        return self._render("done", report=report, kind=kind, file_name=file_name)

    def template(self, file_name: str):
        """An empty file with the column names of one kind of import."""
        kind, _dot, fmt = file_name.partition(".")
        if kind not in self.importer.kinds or fmt not in ("csv", "xlsx"):
            abort(404)
        content, mimetype = tabular.export(fmt, self.importer.template_header(kind), [], kind)
        return Response(
            content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{kind}-template.{fmt}"'}
        )
