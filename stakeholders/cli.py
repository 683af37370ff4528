"""`flask --app app send-digests`: the weekly digests that are due (run it from cron, e.g. daily).

The digests are a background job (stakeholders.digest_jobs), run here unless `--queue` hands it to the
workers; either way it shows on the jobs page.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli import now_option
from core.db import get_session
from core.jobs.models import JobState
from core.jobs.queue import current_queue, in_process
from stakeholders import digest_jobs, focal_points


@click.command(
    "send-digests",
    help="Send the weekly digests that are due: new stakeholders to the focal points "
    "who asked for them, organisations awaiting approval to the secretariat. "
    "Also returns to stakeholder the focal points whose assignments have all ended.",
)
@with_appcontext
@now_option
@click.option("--queue", "queued", is_flag=True, help="Hand the digests to the workers instead of sending them here.")
def send_digests(now, queued):
    session = get_session()
    ended = focal_points.expire_ended_assignments(session=session, today=now.date() if now else None)
    for address in ended:
        click.echo(f"Focal point role ended (all assignments over): {address}")
    job = digest_jobs.enqueue_digests(
        session,
        locale=current_app.config["DEFAULT_LANGUAGE"],
        queue=current_queue() if queued else in_process(),
        now=now,
    )
    session.refresh(job)
    if job.state == JobState.QUEUED:
        click.echo(f"Queued as job {job.id}: follow it on /jobs/{job.id}.")
        return
    if job.state != JobState.DONE:
        raise click.ClickException(f"Job {job.id} {job.state}: {job.error or 'see /jobs/' + str(job.id)}")
    click.echo(f"Focal point digests sent: {job.result['focal_points']}")
    click.echo(f"Secretariat digests sent: {job.result['secretariat']}")
