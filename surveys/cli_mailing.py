"""`flask --app app surveys send-reminders`: the survey reminders that are due (run it from cron, e.g. hourly);
`surveys send-invitations WAVE_ID`: a wave's invitations, as the wave page's button sends them.

Both record a background job (surveys.mailing) and run it in this process, so cron sees how it ended
and the job shows, with its progress, on the jobs page, where it can be tried again; `--queue` hands it
to the workers instead.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli import now_option
from core.db import get_session
from core.jobs.models import JobState
from core.jobs.queue import current_queue, in_process
from surveys import mailing, waves
from surveys.models import Wave

QUEUE_OPTION = click.option(
    "--queue", "queued", is_flag=True, help="Hand the job to the workers instead of running it here."
)


def _outcome(job, done) -> None:
    """Print how the job ended (or where to follow it); a failed job fails the command."""
    if job.state == JobState.QUEUED:
        click.echo(f"Queued as job {job.id}: follow it on /jobs/{job.id}.")
        return
    if job.state == JobState.DONE:
        done(job.result)
        return
    for message in job.messages:
        click.echo(message)
    raise click.ClickException(f"Job {job.id} {job.state}: {job.error or 'see /jobs/' + str(job.id)}")


@click.command(
    "send-reminders",
    help="Send the survey reminders that are due to invitees who have not "
    "submitted their answers, each in their language.",
)
@with_appcontext
@now_option
@QUEUE_OPTION
def send_reminders(now, queued):
    session = get_session()
    job = mailing.enqueue_reminders(
        session,
        owner_id=None,
        locale=current_app.config["DEFAULT_LANGUAGE"],
        queue=current_queue() if queued else in_process(),
        now=now,
    )
    session.refresh(job)
    _outcome(job, lambda result: click.echo(f"Survey reminders sent: {result['sent']}"))


@click.command(
    "send-invitations",
    help="Invite the audience of wave WAVE_ID who have not been invited yet "
    "(the same as the button on the wave's page).",
)
@with_appcontext
@click.argument("wave_id", type=int)
@QUEUE_OPTION
def send_invitations(wave_id, queued):
    session = get_session()
    wave = session.get(Wave, wave_id)
    if wave is None:
        raise click.ClickException(f"No wave {wave_id}.")
    try:
        job = mailing.enqueue_invitations(
            session,
            wave=wave,
            owner_id=None,
            locale=current_app.config["DEFAULT_LANGUAGE"],
            queue=current_queue() if queued else in_process(),
        )
    except waves.WaveError as error:
        raise click.ClickException(str(error)) from error
    session.refresh(job)
    _outcome(
        job,
        lambda result: click.echo(f"Invitations sent: {result['sent']}; already invited: {result['skipped']}"),
    )
