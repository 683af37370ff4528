"""The import pages, served on each family's own blueprint (`ImportPages.register`).

Each blueprint keeps its own endpoints (upload, confirm, template) and access rule; links and
redirects use relative endpoints (".upload"), so they stay inside the blueprint that serves
the page. Templates are named `<templates>upload.html`, `preview.html` and `done.html`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import tabular
from core.db import get_session
from core.imports import pending
from core.imports.forms import ConfirmForm, UploadForm
from core.imports.importer import Importer
from core.staff.tasks import Task
from core.vocabulary import english


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
            file_name = display_name(form.file.data.filename)
            try:
                report = importer.validate(session=get_session(), kind=form.kind.data, content=content)
            except importer.errors as error:
                form.file.errors.append(str(error.message))  # plain text, so that it is escaped
            else:
                confirm_form = None
                if report.valid:
                    token = importer.keep(
                        session=get_session(),
                        content=content,
                        owner_id=current_user.id,
                        kind=report.kind,
                        file_name=file_name,
                    )
                    confirm_form = ConfirmForm(token=token, formdata=None)
                return self._render(
                    "preview",
                    report=report,
                    kind=importer.kinds[report.kind],
                    file_name=file_name,
                    confirm_form=confirm_form,
                )
        return self._render("upload", form=form, kinds=importer.kinds, english=english)

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
        kind, file_name = importer.kinds[pending.kind], pending.filename
        if form.cancel.data:
            importer.discard(session=session, token=pending.token)
            flash(_("The import is cancelled: nothing was imported."), "info")
            return redirect(url_for(".upload"))
        try:
            report = importer.import_pending(session=session, pending=pending, actor_id=current_user.id)
        except importer.errors as error:
            flash(str(error.message), "error")
            return redirect(url_for(".upload"))
        if not report.valid:  # the data changed since the preview
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
