"""`flask --app app send-digests`: the weekly digests that are due (run it from cron, e.g. daily)."""
from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from core.db import get_session
from stakeholders import digests, focal_points


def _absolute(endpoint: str, **values) -> str:
    """An address for a message, built without a request from BASE_URL."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


@click.command("send-digests", help="Send the weekly digests that are due: new stakeholders to the focal points "
                                    "who asked for them, organisations awaiting approval to the secretariat. "
                                    "Also returns to stakeholder the focal points whose assignments have all ended.")
@with_appcontext
@click.option("--now", "now_text", default=None, hidden=True,
              help="ISO date-time to act as the current time, with its offset (for tests and trials).")
def send_digests(now_text):
    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError as error:
            raise click.BadParameter("an ISO date-time such as 2026-11-21T08:00:00+00:00", param_hint="--now") from error
        if now.tzinfo is None:
            raise click.BadParameter("give the offset, e.g. +00:00", param_hint="--now")
    session = get_session()
    ended = focal_points.expire_ended_assignments(session=session, today=now.date() if now else None)
    links = digests.DigestLinks(roster=_absolute("focal.roster"),
                                pending_organisations=_absolute("registry_admin.organisations", status="pending"))
    report = digests.send_due_digests(session=session, links=links,
                                      default_locale=current_app.config["DEFAULT_LANGUAGE"], now=now)
    for address in ended:
        click.echo(f"Focal point role ended (all assignments over): {address}")
    click.echo(f"Focal point digests sent: {len(report.focal_points)}")
    click.echo(f"Secretariat digests sent: {len(report.secretariat)}")
    if report.failed:
        raise click.ClickException(f"Could not send to: {', '.join(report.failed)}")
