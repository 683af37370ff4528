"""The job pages: a job's progress, messages, result, Cancel and Retry; the list of one's jobs.

Only the owner and the secretariat see a job: anyone else gets 404, as if it did not exist. Results are
served from `JOB_RESULTS_DIR` through `result`, never from static/.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core import audit
from core.accounts import services as accounts
from core.db import get_session
from core.jobs import kinds, queue, service
from core.jobs.cli import worker
from core.jobs.models import FINISHED_STATES, Job, JobState
from core.pagination import Page, requested_page
from core.timeutil import utcnow

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
bp.record_once(lambda state: queue.init_app(state.app))
bp.cli.add_command(worker)

STATE_LABELS = {
    JobState.QUEUED: _l("Waiting"),
    JobState.RUNNING: _l("Running"),
    JobState.DONE: _l("Finished"),
    JobState.FAILED: _l("Failed"),
    JobState.CANCELLED: _l("Cancelled"),
    service.INTERRUPTED: _l("Interrupted"),
}


def _stale_after() -> float:
    return float(current_app.config["JOB_HEARTBEAT_TIMEOUT"])


def state_of(job: Job) -> str:
    return service.display_state(job, now=utcnow(), stale_after=_stale_after())


def _visible(job_id: int) -> Job:
    return service.visible_job(get_session(), job_id, user=current_user) or abort(404)


def kind_title(name: str) -> str:
    kind = kinds.get(name)
    return str(kind.title) if kind else name


def progress_text(job: Job) -> str:
    if job.total:
        return _("%(done)s of %(total)s", done=format_decimal(job.done), total=format_decimal(job.total))
    return ""


@bp.route("/")
def index():
    number = requested_page()
    rows, total = service.list_jobs(get_session(), user=current_user, page=number)
    return render_template(
        "jobs/list.html",
        page=Page(rows, total, number, 50),
        states={job.id: state_of(job) for job in rows},
        labels=STATE_LABELS,
        kind_title=kind_title,
        owners=accounts.actor_emails(get_session(), {job.owner_id for job in rows if job.owner_id}),
    )


@bp.route("/<int:job_id>")
def show(job_id: int):
    return render_job(_visible(job_id))


def render_job(job: Job, template: str = "jobs/job.html", **context):
    """The page of a job: its state, progress, messages, result, Cancel and Retry. Other pages that follow a
    job of theirs (an import's check) show it with this while it runs."""
    state = state_of(job)
    owner = accounts.actor_emails(get_session(), {job.owner_id} if job.owner_id else set()).get(job.owner_id)
    return render_template(
        template,
        job=job,
        state=state,
        state_label=STATE_LABELS[state],
        kind=kind_title(job.kind),
        owner=owner,
        progress_text=progress_text(job),
        running=state in (JobState.QUEUED, JobState.RUNNING),
        can_cancel=service.can_cancel(job, state),
        can_retry=service.can_retry(state),
        has_result=service.result_path(Path(current_app.config["JOB_RESULTS_DIR"]), job) is not None,
        **context,
    )


@bp.route("/<int:job_id>.json")
def status(job_id: int):
    job = _visible(job_id)
    state = state_of(job)
    return jsonify(
        id=job.id,
        state=state,
        state_label=str(STATE_LABELS[state]),
        done=job.done,
        total=job.total,
        progress_text=progress_text(job),
        messages=job.messages,
        cancel_requested=job.cancel_requested,
        finished=state in FINISHED_STATES or state == service.INTERRUPTED,
    )


@bp.route("/<int:job_id>/cancel", methods=["POST"])
def cancel(job_id: int):
    job = _visible(job_id)
    try:
        state = service.cancel(
            get_session(),
            job,
            actor_id=current_user.id,
            ip=request.remote_addr,
            now=utcnow(),
            stale_after=_stale_after(),
        )
    except service.JobError:
        flash(_("This job has finished: there is nothing to cancel."), "warning")
    else:
        if state == JobState.CANCELLED:
            flash(_("The job is cancelled."), "success")
        else:
            flash(_("Cancelling: the job stops at its next step and keeps nothing."), "info")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/<int:job_id>/retry", methods=["POST"])
def retry(job_id: int):
    job = _visible(job_id)
    try:
        service.retry(
            get_session(),
            job,
            actor_id=current_user.id,
            ip=request.remote_addr,
            queue=queue.current_queue(),
            now=utcnow(),
            stale_after=_stale_after(),
        )
    except service.JobError:
        flash(_("Only a job that failed, was cancelled or was interrupted can be tried again."), "warning")
    else:
        flash(_("The job is queued again, with the same choices."), "success")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/<int:job_id>/result")
def result(job_id: int):
    job = _visible(job_id)
    path = service.result_path(Path(current_app.config["JOB_RESULTS_DIR"]), job) or abort(404)
    session = get_session()
    audit.record(
        session,
        "jobs.result_download",
        actor_id=current_user.id,
        target=f"job:{job.id}",
        ip=request.remote_addr,
        kind=job.kind,
    )
    session.commit()
    response = send_file(
        path,
        mimetype=job.result.get("mimetype", "application/octet-stream"),
        as_attachment=True,
        download_name=job.result["filename"],
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"  # results may hold personal or unpublished data
    return response
