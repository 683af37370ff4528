"""The secretariat's pages that bring a file of past responses into a wave.

Upload (CSV or XLSX) -> a read job (its progress: no page reads the file) -> the column and value mapping, proposed and editable -> a check job (its
progress, then the report: counts by kind and each problem by row and column) -> confirm, with the
choice to leave refused rows out -> a store job -> the result, with Undo. The wave's past imports are
listed on the upload page, each with Undo. The mapping form is read back as typed when it is refused.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SubmitField

from core.accounts.access import roles_required
from core.accounts.models import Role
from core.db import get_session
from core.extensions import csrf
from core.i18n import current_language
from core.imports.tables import TableError
from core.imports.views import display_name
from core.jobs import service as jobs
from core.jobs import views as job_views
from core.jobs.models import JobState
from core.jobs.queue import current_queue
from surveys.models import Wave
from surveys.response_import import jobs as import_jobs
from surveys.response_import import pipeline, reading, storing
from surveys.response_import.plan import Mapping
from surveys.response_import.reading import MAX_EXPORT_BYTES, MB
from surveys.response_import.summary import FileSummary
from surveys.response_import.values import propose_all_values
from surveys.views import response_import_form as mapping_form

bp = Blueprint(
    "response_import", __name__, template_folder="../templates", url_prefix="/staff/surveys/waves/<int:wave_id>/import"
)
secretariat = roles_required(Role.SECRETARIAT)


class UploadForm(FlaskForm):
    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[FileRequired(_l("Choose a file to import."))],
        render_kw={
            "accept": ".csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )
    submit = SubmitField(_l("Read the file"))


class ConfirmForm(FlaskForm):
    leave_out = BooleanField(_l("Leave the refused rows out and import the others"))
    confirm = SubmitField(_l("Import"))


class PostForm(FlaskForm):
    """CSRF only: the mapping's fields are as many as the file has columns (response_import_form)."""


def _wave(wave_id: int) -> Wave:
    return get_session().get(Wave, wave_id) or abort(404)


def _upload_page(wave: Wave, form: UploadForm):
    session = get_session()
    return render_template(
        "survey_admin/response_import_upload.html",
        wave=wave,
        form=form,
        imports=storing.imports_of(session, wave.id),
        undo_form=PostForm(formdata=None),
    )


@bp.route("", methods=["GET", "POST"])
@csrf.exempt  # the form's own token is checked below, once the larger limit is set: see `upload`
@secretariat
def upload(wave_id: int):
    """Keep the upload and queue the job that reads it: the mapping page follows that job.

    An export of 100,000 rows is larger than the app's request limit (`MAX_REQUEST_MB`), so this page
    alone, and for the secretariat only, takes up to `MAX_EXPORT_BYTES`: the limit is raised before the
    body is read, which is why the app-wide CSRF check (it reads the body first) is left to the form."""
    request.max_content_length = max(current_app.config["MAX_CONTENT_LENGTH"] or 0, MAX_EXPORT_BYTES + MB)
    wave = _wave(wave_id)
    form = UploadForm()
    if not form.validate_on_submit():
        if form.is_submitted() and form.meta.csrf and form.csrf_token.errors:
            abort(400)
        return _upload_page(wave, form)
    content = form.file.data.stream.read(MAX_EXPORT_BYTES + 1)
    file_name = display_name(form.file.data.filename)
    try:
        reading.sniff(content)  # too large, empty, .xls: said at once; the rest is read by the job
    except TableError as error:
        form.file.errors = [_("The file cannot be read: %(reason)s", reason=error.message)]
        return _upload_page(wave, form)
    session = get_session()
    token = import_jobs.keep_upload(session, content=content, owner_id=current_user.id, file_name=file_name)
    read = import_jobs.enqueue_read(
        session, wave=wave, token=token, owner_id=current_user.id, locale=current_language(),
        queue=current_queue(), ip=request.remote_addr,
    )  # fmt: skip
    return redirect(url_for(".mapping", wave_id=wave.id, read_id=read.id))


def _read_job(wave: Wave, read_id: int):
    found = jobs.visible_job(get_session(), read_id, user=current_user)
    if found is None or found.kind != import_jobs.READ_KIND or found.params.get("wave_id") != wave.id:
        abort(404)
    return found


@bp.route("/files/<int:read_id>", methods=["GET", "POST"])
@secretariat
def mapping(wave_id: int, read_id: int):
    """While the read job runs, its progress (the page refreshes itself); then the mapping editor."""
    wave, session = _wave(wave_id), get_session()
    read = _read_job(wave, read_id)
    state = job_views.state_of(read)
    if state in (JobState.QUEUED, JobState.RUNNING):
        return job_views.render_job(read)
    if state == JobState.FAILED:
        flash(read.error or str(import_jobs.NOT_WAITING), "error")
        return redirect(url_for(".upload", wave_id=wave.id))
    if state != JobState.DONE:  # cancelled or interrupted: its page offers to try again
        return redirect(url_for("jobs.show", job_id=read.id))
    if not (read.result or {}).get("source"):  # the file was imported: its summary is gone with it
        flash(str(import_jobs.NOT_WAITING), "error")
        return redirect(url_for(".upload", wave_id=wave.id))
    found = FileSummary.from_dict(read.result)
    definition = pipeline.definition_of(session, wave)
    form = PostForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    if request.method == "POST":
        chosen, errors = mapping_form.parse(request.form, found.source, definition)
        if "refresh" in request.form and not errors:  # targets changed: propose values for them
            chosen = propose_all_values(definition, chosen, [], distinct=found.distinct_values())
        elif not errors:
            job = import_jobs.enqueue(
                session, kind=import_jobs.CHECK_KIND, wave=wave, token=read.params["token"], mapping=chosen,
                owner_id=current_user.id, locale=current_language(), queue=current_queue(), ip=request.remote_addr,
                read_id=read.id,
            )  # fmt: skip
            return redirect(url_for(".job", wave_id=wave.id, job_id=job.id))
    else:
        chosen, errors = _mapping_to_show(session, wave, found), {}
    return render_template(
        "survey_admin/response_import_mapping.html",
        wave=wave,
        source=found.source,
        editor=mapping_form.editor(found, chosen, definition, current_language()),
        date_orders=mapping_form.date_order_options(),
        errors=errors,
        form=form,
        saved=found.saved and request.method == "GET",
    )


def _mapping_to_show(session, wave: Wave, found: FileSummary) -> Mapping:
    """The mapping of the check job named in `?job=` (to change it after a check), else the proposal."""
    job_id = request.args.get("job", type=int)
    job = jobs.visible_job(session, job_id, user=current_user) if job_id else None
    if job is not None and job.kind in import_jobs.KINDS and job.params.get("wave_id") == wave.id:
        return Mapping.from_dict(job.params["mapping"])
    return found.proposed


def _job_or_404(wave: Wave, job_id: int):
    job = jobs.visible_job(get_session(), job_id, user=current_user)
    if job is None or job.kind not in import_jobs.KINDS or job.params.get("wave_id") != wave.id:
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
@secretariat
def job(wave_id: int, job_id: int):
    """A check or a store: its progress while it runs, then the report or the outcome."""
    wave = _wave(wave_id)
    found = _job_or_404(wave, job_id)
    state = job_views.state_of(found)
    if state in (JobState.QUEUED, JobState.RUNNING):
        return job_views.render_job(found)
    if state not in (JobState.DONE, JobState.FAILED):  # cancelled or interrupted: its page offers to try again
        return redirect(url_for("jobs.show", job_id=found.id))
    template = "response_import_preview" if found.kind == import_jobs.CHECK_KIND else "response_import_done"
    return render_template(
        f"survey_admin/{template}.html",
        wave=wave,
        job=found,
        failed=state == JobState.FAILED,
        report=found.result or {},
        confirm_form=ConfirmForm(formdata=None),
        undo_form=PostForm(formdata=None),
        mapping_url=_mapping_url(wave, found),
    )


def _mapping_url(wave: Wave, job) -> str:
    """Where the mapping of a check can be changed: the page of the read job it came from."""
    if "read_id" not in job.params:  # a check queued before reading was a job of its own
        return url_for(".upload", wave_id=wave.id)
    return url_for(".mapping", wave_id=wave.id, read_id=job.params["read_id"], job=job.id)


@bp.route("/jobs/<int:job_id>/confirm", methods=["POST"])
@secretariat
def confirm(wave_id: int, job_id: int):
    wave = _wave(wave_id)
    checked = _job_or_404(wave, job_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or checked.kind != import_jobs.CHECK_KIND:
        abort(400)
    session = get_session()
    if not import_jobs.is_waiting(session, checked.params["token"], current_user.id):
        flash(str(import_jobs.NOT_WAITING), "error")
        return redirect(url_for(".upload", wave_id=wave.id))
    stored = import_jobs.enqueue(
        session,
        kind=import_jobs.STORE_KIND,
        wave=wave,
        token=checked.params["token"],
        mapping=Mapping.from_dict(checked.params["mapping"]),
        owner_id=current_user.id,
        locale=current_language(),
        queue=current_queue(),
        leave_out=form.leave_out.data,
        ip=request.remote_addr,
        read_id=checked.params.get("read_id"),
    )
    return redirect(url_for(".job", wave_id=wave.id, job_id=stored.id))


@bp.route("/imports/<int:import_id>/undo", methods=["POST"])
@secretariat
def undo(wave_id: int, import_id: int):
    wave = _wave(wave_id)
    if not PostForm().validate_on_submit():
        abort(400)
    session = get_session()
    record = next((r for r, _email in storing.imports_of(session, wave.id) if r.id == import_id), None)
    if record is None:
        abort(404)
    try:
        storing.undo(session, import_id, current_user.id, ip=request.remote_addr)
    except storing.NotUndoable:
        flash(_("This import was already undone."), "warning")
    else:
        flash(
            _("The import of %(file)s is undone: its %(count)s responses are removed.", file=record.file_name,
              count=record.rows_stored),
            "success",
        )  # fmt: skip
    return redirect(url_for(".upload", wave_id=wave.id))
