"""`flask --app app surveys send-reminders`: the survey reminders that are due (run it from cron, e.g. hourly);
`surveys send-invitations WAVE_ID`: a wave's invitations, as the wave page's button sends them.

Also `mail_links()`, the absolute addresses survey messages carry, built from BASE_URL so that a
message composed in a request or on the command line links to the public site.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli import now_option
from core.db import get_session
from core.links import absolute_url
from surveys import invitations, waves
from surveys.models import Wave
from surveys.unsubscribe_tokens import make_unsubscribe_token


def invitation_url(token: str) -> str:
    return absolute_url("survey_respond.invitation", token=token)


def open_link_url(token: str) -> str:
    return absolute_url("survey_respond.open_link", token=token)


def mail_links() -> invitations.MailLinks:
    return invitations.MailLinks(
        invitation=invitation_url,
        unsubscribe=lambda stakeholder_id: absolute_url(
            "survey_unsubscribe.unsubscribe", token=make_unsubscribe_token(stakeholder_id)
        ),
    )


@click.command(
    "send-reminders",
    help="Send the survey reminders that are due to invitees who have not "
    "submitted their answers, each in their language.",
)
@with_appcontext
@now_option
def send_reminders(now):
    report = invitations.send_due_reminders(
        get_session(), links=mail_links(), default_locale=current_app.config["DEFAULT_LANGUAGE"], now=now
    )
    click.echo(f"Survey reminders sent: {len(report.sent)}")
    if report.failed:
        raise click.ClickException(f"Could not send to: {', '.join(report.failed)}")


@click.command(
    "send-invitations",
    help="Invite the audience of wave WAVE_ID who have not been invited yet "
    "(the same as the button on the wave's page; better for large "
    "audiences over SMTP).",
)
@with_appcontext
@click.argument("wave_id", type=int)
def send_invitations(wave_id):
    session = get_session()
    wave = session.get(Wave, wave_id)
    if wave is None:
        raise click.ClickException(f"No wave {wave_id}.")
    try:
        report = invitations.send_invitations(
            session, wave=wave, links=mail_links(), default_locale=current_app.config["DEFAULT_LANGUAGE"]
        )
    except waves.WaveError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Invitations sent: {len(report.sent)}; already invited: {report.skipped}")
    if report.failed:
        raise click.ClickException(f"Could not send to: {', '.join(report.failed)}")
