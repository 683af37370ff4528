"""Secretariat imports of stakeholders, organisations and participation (CSV/XLSX).

Upload -> every row checked -> a report and a preview -> confirm (all rows in one transaction)
or nothing at all. The file waits on the server between the two steps (`UploadStore`).
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import tabular
from core.accounts.access import roles_required
from core.accounts.models import Role
from core.db import get_session
from stakeholders import importing, vocabularies as vocab
from stakeholders.forms_import import ConfirmForm, UploadForm
from stakeholders.table_reader import MAX_BYTES, TableError

bp = Blueprint("registry_import", __name__, template_folder="../templates", url_prefix="/staff/registry/import")
secretariat = roles_required(Role.SECRETARIAT)

UPLOAD_MAX_AGE = 3600  # seconds an upload waits for confirmation


def _store() -> importing.UploadStore:
    folder = current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports"
    return importing.UploadStore(Path(folder), max_age=UPLOAD_MAX_AGE)


def _display_name(file_name: str | None) -> str:
    """The file's own name, without any folder a browser may send."""
    name = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or "upload"


def _page_context() -> dict:
    return {"kinds": importing.KINDS, "separator": importing.MULTI_SEPARATOR, "english": vocab.english}


@bp.route("", methods=["GET", "POST"])
@secretariat
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        content = upload_file.stream.read(MAX_BYTES + 1)
        file_name = _display_name(upload_file.filename)
        try:
            report = importing.validate(session=get_session(), kind=form.kind.data, content=content)
        except TableError as error:
            form.file.errors.append(str(error.message))  # plain text, so that it is escaped
        else:
            confirm_form = None
            if report.valid:
                token = _store().save(content=content, owner_id=current_user.id, kind=report.kind,
                                      file_name=file_name)
                confirm_form = ConfirmForm(token=token, formdata=None)
            return render_template("registry_import/preview.html", report=report,
                                   kind=importing.KINDS[report.kind], file_name=file_name,
                                   confirm_form=confirm_form)
    return render_template("registry_import/upload.html", form=form, **_page_context())


@bp.route("/confirm", methods=["POST"])
@secretariat
def confirm():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    store = _store()
    stored = store.load(form.token.data, current_user.id)
    if stored is None or stored.kind not in importing.KINDS:
        # Unknown, expired, used, or another person's upload: all look the same.
        flash(_("This upload is no longer waiting for confirmation. Upload the file again."), "error")
        return redirect(url_for("registry_import.upload"))
    if form.cancel.data:
        store.discard(stored.token)
        flash(_("The import is cancelled: nothing was imported."), "info")
        return redirect(url_for("registry_import.upload"))
    try:
        report = importing.run_import(session=get_session(), kind=stored.kind, content=stored.content,
                                      file_name=stored.file_name, actor_id=current_user.id)
    except (importing.ImportFailed, TableError) as error:
        flash(str(error.message), "error")
        return redirect(url_for("registry_import.upload"))
    finally:
        store.discard(stored.token)
    kind = importing.KINDS[stored.kind]
    if not report.valid:  # the registry changed since the preview
        return render_template("registry_import/preview.html", report=report, kind=kind,
                               file_name=stored.file_name, confirm_form=None, changed=True)
    return render_template("registry_import/done.html", report=report, kind=kind, file_name=stored.file_name)


@bp.route("/templates/<file_name>")
@secretariat
def template(file_name: str):
    """An empty file with the column names of one kind of import."""
    kind, _dot, fmt = file_name.partition(".")
    if kind not in importing.KINDS or fmt not in ("csv", "xlsx"):
        abort(404)
    content, mimetype = tabular.export(fmt, importing.template_header(kind), [], kind)
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{kind}-template.{fmt}"'})
