"""`flask --app app send-digests`: the weekly digests that are due (run it from cron, e.g. daily)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli import now_option
from core.db import get_session
from core.links import absolute_url
from stakeholders import digests, focal_points


@click.command(
    "send-digests",
    help="Send the weekly digests that are due: new stakeholders to the focal points "
    "who asked for them, organisations awaiting approval to the secretariat. "
    "Also returns to stakeholder the focal points whose assignments have all ended.",
)
@with_appcontext
@now_option
def send_digests(now):
    session = get_session()
    ended = focal_points.expire_ended_assignments(session=session, today=now.date() if now else None)
    links = digests.DigestLinks(
        roster=absolute_url("focal.roster"),
        pending_organisations=absolute_url("registry_admin.organisations", status="pending"),
    )
    report = digests.send_due_digests(
        session=session, links=links, default_locale=current_app.config["DEFAULT_LANGUAGE"], now=now
    )
    for address in ended:
        click.echo(f"Focal point role ended (all assignments over): {address}")
    click.echo(f"Focal point digests sent: {len(report.focal_points)}")
    click.echo(f"Secretariat digests sent: {len(report.secretariat)}")
    if report.failed:
        raise click.ClickException(f"Could not send to: {', '.join(report.failed)}")
